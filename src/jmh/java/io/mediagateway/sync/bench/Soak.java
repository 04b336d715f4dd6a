package io.mediagateway.sync.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The soak (issue 25): one instance of the packaged service ({@code serve}, the deployed JVM options, PostgreSQL
 * embedded, analytics on — as {@code serve} runs by default) under the specification's target rates for a long time,
 * sampled every 30 s: heap (live data after GC), RocksDB's memory (block cache, memtables, table readers), open files,
 * resident memory, the serving application's lag, and the rates the load really reached. It passes when each is flat:
 * the last third of the run no higher than the first third (after a warm-up) by more than a small margin.
 *
 * <pre>
 * mvn -Pjmh -DskipTests package exec:exec -Dbench.main="io.mediagateway.sync.bench.Soak --minutes 30"
 * </pre>
 * Options: {@code --minutes N} (30), {@code --warmup N} minutes not judged (3), {@code --scale X} multiplies every
 * rate (1.0), {@code --users N} (50,000; each with a TV and a phone). Samples go to {@code target/bench/soak.csv}.
 */
public final class Soak {
    /** Events per second at scale 1: the specification's targets. */
    static final int PROGRESS = 1_000;
    static final int WATCHLIST = 500;
    static final int HEARTBEATS = 10_000;
    static final int COMMANDS = 100;
    static final int NOTIFICATIONS = 20;

    record Sample(double minute, double heapLiveMb, double heapUsedMb, double rocksDbMb, double openFiles, double rssMb,
                  double lag, double eventsPerSecond, double cpuCores) {
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = 30;
        int warmup = 3;
        double scale = 1.0;
        int users = 50_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --minutes N, --warmup N, --scale X, --users N)");
            }
        }
        BenchContext ctx = new BenchContext(false, Files.createDirectories(Path.of("target", "bench")));
        System.out.printf(Locale.ROOT, "Soak: %d minutes (%d of warm-up), scale %.2f: progress %,d/s, watchlist %,d/s, "
                        + "heartbeats %,d/s over %,d devices, commands %,d/s, notifications %,d/s; %s%n", minutes, warmup, scale,
                (int) (PROGRESS * scale), (int) (WATCHLIST * scale), (int) (HEARTBEATS * scale), users * 2,
                (int) (COMMANDS * scale), (int) (NOTIFICATIONS * scale), Harness.machine());
        String application = "soak-" + System.nanoTime();
        try (BenchContext.Broker broker = ctx.broker("soak")) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap());
            env.put("SYNC_HOST", "127.0.0.1");
            env.put("SYNC_PORT", Integer.toString(Ports.free()));
            env.put("SYNC_EMBEDDED_PG_PORT", Integer.toString(Ports.free()));
            env.put("SYNC_DATA_DIR", ctx.dir("soak-data").toString());
            env.put("SYNC_JWT_SECRET", BenchService.SECRET);
            env.put("SYNC_APPLICATION_ID", application);
            Path log = ctx.dir("soak-log").resolve("service.log");
            try (ServiceJvm jvm = ServiceJvm.start(env, log, ServiceJvm.DEPLOYED);
                 KafkaProducer<String, byte[]> producer = broker.producer();
                 Admin admin = broker.admin()) {
                Load load = new Load(producer, users, scale);
                Thread generator = new Thread(load, "soak-load");
                generator.start();
                List<Sample> samples = new ArrayList<>();
                Path csv = Path.of("target", "bench", "soak.csv");
                long start = System.nanoTime();
                long lastEvents = 0;
                long lastCpu = jvm.cpuNanos();
                long lastAt = start;
                try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
                    out.println("minute,heap_live_mb,heap_used_mb,rocksdb_mb,open_files,rss_mb,lag_records,events_per_s,cpu_cores");
                    while (System.nanoTime() - start < TimeUnit.MINUTES.toNanos(minutes)) {
                        Thread.sleep(30_000);
                        if (!jvm.process.isAlive()) {
                            throw new IllegalStateException("the service died; see " + log);
                        }
                        long now = System.nanoTime();
                        long events = load.sent.get();
                        long cpu = jvm.cpuNanos();
                        Map<String, Double> m = metrics(jvm.base);
                        Sample s = new Sample((now - start) / 60e9, m.getOrDefault("heap_live", 0.0) / 1048576,
                                m.getOrDefault("heap_used", 0.0) / 1048576, m.getOrDefault("rocksdb", 0.0) / 1048576,
                                m.getOrDefault("open_files", 0.0), rssMb(jvm.process.pid()),
                                lag(admin, application), (events - lastEvents) / ((now - lastAt) / 1e9),
                                (cpu - lastCpu) / (double) (now - lastAt));
                        lastEvents = events;
                        lastCpu = cpu;
                        lastAt = now;
                        samples.add(s);
                        out.printf(Locale.ROOT, "%.2f,%.1f,%.1f,%.1f,%.0f,%.1f,%.0f,%.0f,%.2f%n", s.minute(), s.heapLiveMb(),
                                s.heapUsedMb(), s.rocksDbMb(), s.openFiles(), s.rssMb(), s.lag(), s.eventsPerSecond(),
                                s.cpuCores());
                        out.flush();
                        System.out.printf(Locale.ROOT, "  %5.1f min: heap live %.0f MB (used %.0f), RocksDB %.0f MB, "
                                        + "%.0f open files, RSS %.0f MB, lag %,.0f records, %,.0f events/s sent, "
                                        + "service CPU %.2f cores%n", s.minute(), s.heapLiveMb(), s.heapUsedMb(),
                                s.rocksDbMb(), s.openFiles(), s.rssMb(), s.lag(), s.eventsPerSecond(), s.cpuCores());
                    }
                } finally {
                    load.stop();
                    generator.join();
                }
                report(samples, warmup, csv);
                System.out.printf(Locale.ROOT, "  %-30s %,d of %,d events sent%n", "dead letters",
                        TopicReader.readCommitted(broker.bootstrap(), Topics.DEAD_LETTERS.name()).size(), load.sent.get());
            }
        }
    }

    /** First third against last third of the judged samples, per measure; a measure is flat within its margin. */
    static void report(List<Sample> all, int warmupMinutes, Path csv) {
        List<Sample> judged = all.stream().filter(s -> s.minute() > warmupMinutes).toList();
        if (judged.size() < 3) {
            System.out.println("Too short to judge: " + judged.size() + " samples after the warm-up");
            return;
        }
        int third = judged.size() / 3;
        List<Sample> first = judged.subList(0, third);
        List<Sample> last = judged.subList(judged.size() - third, judged.size());
        System.out.printf(Locale.ROOT, "%nSoak result (%d samples judged, minutes %.1f–%.1f; %s):%n", judged.size(),
                judged.get(0).minute(), judged.get(judged.size() - 1).minute(), csv);
        boolean flat = true;
        flat &= line("heap live data after GC, MB", first, last, Sample::heapLiveMb, 1.15, 16);
        flat &= line("RocksDB memory, MB", first, last, Sample::rocksDbMb, 1.10, 8);
        flat &= line("open files", first, last, Sample::openFiles, 1.10, 20);
        flat &= line("resident memory, MB", first, last, Sample::rssMb, 1.10, 48);
        flat &= line("lag, records", first, last, Sample::lag, 1.5, 2_000);
        line("events/s sent", first, last, Sample::eventsPerSecond, Double.MAX_VALUE, 0);
        line("service CPU, cores", first, last, Sample::cpuCores, Double.MAX_VALUE, 0);
        System.out.println(flat ? "Every measure is flat." : "NOT FLAT: see the lines marked 'grows'.");
    }

    private static boolean line(String what, List<Sample> first, List<Sample> last, ToDoubleFunction<Sample> f,
                                double ratio, double slack) {
        double a = first.stream().mapToDouble(f).average().orElse(0);
        double b = last.stream().mapToDouble(f).average().orElse(0);
        double max = last.stream().mapToDouble(f).max().orElse(0);
        boolean ok = b <= a * ratio + slack;
        System.out.printf(Locale.ROOT, "  %-30s first third %,12.1f   last third %,12.1f (max %,.1f)   %s%n", what, a, b, max,
                ratio == Double.MAX_VALUE ? "" : ok ? "flat" : "grows");
        return ok;
    }

    /** The gauges of {@code /metrics} the soak follows, summed over their series (RocksDB's cache is shared: max). */
    static Map<String, Double> metrics(String base) throws IOException, InterruptedException {
        HttpResponse<String> r = Http.get(base + "/metrics");
        Map<String, Double> out = new HashMap<>();
        double cache = 0;
        double rest = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(value)) {
                continue;
            }
            String name = line.substring(0, line.indexOf('{') > 0 ? line.indexOf('{') : space);
            switch (name) {
                case "jvm_gc_live_data_size_bytes" -> out.merge("heap_live", value, Double::sum);
                case "process_files_open_files" -> out.put("open_files", value);
                default -> {
                    if (name.equals("jvm_memory_used_bytes") && line.contains("area=\"heap\"")) {
                        out.merge("heap_used", value, Double::sum);
                    } else if (name.endsWith("block_cache_usage")) {
                        cache = Math.max(cache, value);
                    } else if (name.endsWith("size_all_mem_tables") || name.endsWith("estimate_table_readers_mem")) {
                        rest += value;
                    }
                }
            }
        }
        out.put("rocksdb", cache + rest);
        return out;
    }

    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Records of {@code sync.device-events} the serving application has not committed yet. */
    static double lag(Admin admin, String application) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(application)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        int partitions = Topics.DEVICE_EVENTS.definition().partitions();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(Topics.DEVICE_EVENTS.name(), p), OffsetSpec.latest());
        }
        double lag = 0;
        for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** The producer of the soak's events, paced in 10 ms ticks. */
    static final class Load implements Runnable {
        private final KafkaProducer<String, byte[]> producer;
        private final int users;
        private final double scale;
        private final SplittableRandom random = new SplittableRandom(20_261_207);
        private volatile boolean running = true;
        final AtomicLong sent = new AtomicLong();
        private long heartbeat;
        private long sequence;

        Load(KafkaProducer<String, byte[]> producer, int users, double scale) {
            this.producer = producer;
            this.users = users;
            this.scale = scale;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            // Every device joins first: a TV that takes commands and a phone.
            for (int u = 0; u < users && running; u++) {
                send(Topics.DEVICE_EVENTS.name(), u, join("tv", "TV", true));
                send(Topics.DEVICE_EVENTS.name(), u, join("phone", "Phone", false));
            }
            double[] owed = new double[5];
            double[] perTick = {PROGRESS * scale / 100, WATCHLIST * scale / 100, HEARTBEATS * scale / 100,
                    COMMANDS * scale / 100, NOTIFICATIONS * scale / 100};
            long next = System.nanoTime();
            while (running) {
                for (int kind = 0; kind < owed.length; kind++) {
                    owed[kind] += perTick[kind];
                    while (owed[kind] >= 1) {
                        owed[kind] -= 1;
                        event(kind);
                    }
                }
                next += 10_000_000L;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private void event(int kind) {
            switch (kind) {
                case 0 -> {
                    ObjectNode e = base("watch_progress_update", "tv");
                    e.put("content_id", "tmdb:" + (1000 + random.nextInt(40))).put("progress_seconds", random.nextInt(7000))
                            .put("duration_seconds", 7200).put("state", random.nextInt(4) == 0 ? "Paused" : "Playing");
                    send(Topics.DEVICE_EVENTS.name(), random.nextInt(users), e);
                }
                case 1 -> {
                    ObjectNode e = base("watchlist_update", "phone");
                    e.put("operation", random.nextBoolean() ? "Add" : "Remove").put("content_id", "tmdb:" + (2000 + random.nextInt(20)));
                    send(Topics.DEVICE_EVENTS.name(), random.nextInt(users), e);
                }
                case 2 -> {
                    long device = heartbeat++ % (users * 2L);
                    send(Topics.DEVICE_EVENTS.name(), (int) (device / 2), base("device_heartbeat", device % 2 == 0 ? "tv" : "phone"));
                }
                case 3 -> {
                    ObjectNode e = base("remote_command", "phone");
                    e.put("target_device_id", "tv").putObject("command").put("type", random.nextBoolean() ? "Play" : "Pause");
                    send(Topics.DEVICE_EVENTS.name(), random.nextInt(users), e);
                }
                default -> {
                    ObjectNode n = Json.object().put("notification_type", "new_recommendation").put("title", "Because you watched")
                            .put("body", "Something new").put("priority", "normal");
                    send(Topics.NOTIFICATIONS.name(), random.nextInt(users), n);
                }
            }
        }

        private ObjectNode base(String type, String device) {
            return Json.object().put("msg_type", type).put("device_id", device)
                    .put("timestamp", System.currentTimeMillis() * 1000).put("message_id", "s" + sequence++);
        }

        private ObjectNode join(String device, String type, boolean remote) {
            ObjectNode e = base("device_join", device).put("device_type", type).put("platform", "Android").put("app_version", "2.1");
            e.putObject("capabilities").put("remote_controllable", remote);
            return e;
        }

        private void send(String topic, int user, ObjectNode value) {
            producer.send(new ProducerRecord<>(topic, "soak-u" + user, Json.bytes(value)));
            sent.incrementAndGet();
        }
    }
}
