package io.mediagateway.sync.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one of the demo's simulations: every {@code every}, on a daemon thread of its own, asks it for the records of
 * that step and produces them; a failed step or send is logged and the next step goes on. Closing stops the steps and
 * closes the producer.
 */
final class ScheduledProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledProducer.class);

    private final Producer<String, String> producer;
    private final ScheduledExecutorService executor;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    ScheduledProducer(String name, Producer<String, String> producer, Duration every,
                      Supplier<List<ProducerRecord<String, String>>> step) {
        this.producer = producer;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleAtFixedRate(() -> {
            try {
                for (ProducerRecord<String, String> record : step.get()) {
                    producer.send(record, (meta, error) -> {
                        if (error == null) {
                            sent.incrementAndGet();
                        } else if (failed.getAndIncrement() % 100 == 0) {
                            log.warn("Demo ({}): could not produce to {} ({} failures so far): {}", name, record.topic(),
                                    failed.get(), error.toString());
                        }
                    });
                }
            } catch (RuntimeException e) {
                log.error("Demo ({}): a step failed; the next one goes on", name, e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records produced and acknowledged so far. */
    long sentCount() {
        return sent.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
