package io.mediagateway.sync.app;

import io.mediagateway.sync.analytics.AnalyticsCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's meters, scraped at {@code /metrics}: JVM and process, Kafka Streams (with its
 * embedded clients), the service's own Kafka clients, HTTP and the egress sinks. Every meter carries
 * {@code application} (the Kafka Streams application id) so several deployments can share a Prometheus.
 */
final class ServiceMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Deque<AutoCloseable> bindings = new ArrayDeque<>();

    ServiceMetrics(String applicationId) {
        registry.config().commonTags("application", applicationId);
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new JvmHeapPressureMetrics());
        bind(new JvmThreadMetrics());
        bind(new JvmInfoMetrics());
        bind(new ClassLoaderMetrics());
        bind(new ProcessorMetrics());
        bind(new UptimeMetrics());
        bind(new FileDescriptorMetrics());
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Kafka Streams' own metrics: threads, tasks, processors, state stores and its embedded clients. */
    /** The analytics application's own counts (late, repeated, skipped records). */
    void bindAnalytics(AnalyticsCounters counters) {
        FunctionCounter.builder("sync.analytics.events.late", counters, AnalyticsCounters::lateCount)
                .description("progress events dropped: their hour closed more than SYNC_ANALYTICS_GRACE_MS before")
                .register(registry());
        FunctionCounter.builder("sync.analytics.events.repeated", counters, AnalyticsCounters::repeatedCount)
                .description("progress events not counted: repeats, or older than one already counted")
                .register(registry());
        FunctionCounter.builder("sync.analytics.records.skipped", counters, AnalyticsCounters::skippedCount)
                .description("records that are not valid events (the serving application dead-letters them)")
                .register(registry());
    }

    void bindStreams(KafkaStreams streams) {
        bind(new KafkaStreamsMetrics(streams));
    }

    /** Binds {@code binder}; when it holds resources (Kafka's metric poller, GC listeners) they are released at close. */
    void bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            bindings.push(closeable);
        }
    }

    @Override
    public void close() {
        while (!bindings.isEmpty()) {
            try {
                bindings.pop().close();
            } catch (Exception e) {
                log.warn("Could not release a metrics binding", e);
            }
        }
        registry.close();
    }
}
