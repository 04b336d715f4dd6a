package io.mediagateway.sync.app.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.app.SyncService;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.web.JwtTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link FaultCluster} while faults happen: a gateway producing the {@link Workload}'s events to
 * {@code sync.device-events} (acks=all, idempotent, retrying for as long as it takes, so one user's events keep their
 * order), the workload's REST writes sent to whichever instance is up and retried elsewhere until one accepts them,
 * and a reader asking random instances for random users' state all along. What failed is kept for the verdict.
 */
final class Load implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Load.class);

    /**
     * A read that did not answer 200 from an instance that was up before and after it; {@code copyAt} names an instance
     * whose own copy of the user answered when asked right after (null: none did — no copy was readable anywhere).
     */
    record FailedRead(String instance, String user, String outcome, long atMs, String copyAt, boolean refused,
                      ServiceProcess process) {
        /** How far after a refused read the process may exit and the read count as refused by a process stopping itself. */
        static final long STOPPING_MS = 30_000;

        /**
         * Whether the read was refused (no connection) by a process that was stopping itself: one that decided to exit
         * with 70 (its stream threads died twice; it closes its HTTP server first) and was gone within
         * {@link #STOPPING_MS}. The suite counts such an instance up until the process is gone, but it no longer served.
         */
        boolean refusedWhileStoppingItself() {
            long exited = process.exitedAtMs();
            try {
                return refused && exited >= atMs - 1_000 && exited <= atMs + STOPPING_MS
                        && process.wrote(SyncService.GIVING_UP);
            } catch (java.io.IOException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "FailedRead[instance=" + instance + ", user=" + user + ", outcome=" + outcome + ", atMs=" + atMs
                    + ", copyAt=" + copyAt + "]";
        }
    }

    private final FaultCluster cluster;
    private final Workload workload;
    private final int opsPerSecond;
    private final KafkaProducer<String, String> producer;
    private final ExecutorService rest = Executors.newFixedThreadPool(4);
    private final JwtTokens tokens = new JwtTokens(FaultCluster.SECRET);
    private final Random random;
    private volatile boolean running = true;
    private final Thread writer;
    private final Thread reader;
    final AtomicLong produced = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong restWrites = new AtomicLong();
    final AtomicLong restRetries = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong staleReads = new AtomicLong();
    /** Reads sent again on a new connection because the pooled one was closed before answering. */
    final AtomicLong staleConnections = new AtomicLong();
    final Queue<String> lostWrites = new ConcurrentLinkedQueue<>();
    /** Failed reads while another instance's copy could answer: what the service owes and the suite counts. */
    final Queue<FailedRead> failedReads = new ConcurrentLinkedQueue<>();
    /** Failed reads when no instance's copy could answer (every copy restoring or gone): reported, not owed. */
    final Queue<FailedRead> noCopyReads = new ConcurrentLinkedQueue<>();

    Load(FaultCluster cluster, Workload workload, long seed, int opsPerSecond) {
        this.cluster = cluster;
        this.workload = workload;
        this.opsPerSecond = opsPerSecond;
        this.random = new Random(seed ^ 0x5eed);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
        this.writer = new Thread(this::write, "fault-gateway");
        this.reader = new Thread(this::read, "fault-reader");
    }

    Load start() {
        writer.start();
        reader.start();
        return this;
    }

    private void write() {
        long periodNanos = 1_000_000_000L / opsPerSecond;
        long next = System.nanoTime();
        while (running) {
            Workload.Op op = workload.next();
            if (op.rest()) {
                rest.submit(() -> restWrite(op));
            } else {
                produced.incrementAndGet();
                producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), op.user(), op.json()), (meta, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        lostWrites.add("event " + op.index() + " of " + op.user() + ": " + error);
                    }
                });
            }
            next += periodNanos;
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

    private FaultCluster.Instance anyReadable() {
        List<FaultCluster.Instance> up = cluster.instances.stream().filter(FaultCluster.Instance::readable).toList();
        return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
    }

    /** A REST preference write, retried on another instance until one accepts it (the same Idempotency-Key each time). */
    private void restWrite(Workload.Op op) {
        JsonNode event = Json.parse(op.json());
        com.fasterxml.jackson.databind.node.ObjectNode request = Json.object().put("key", event.get("key").asText())
                .put("hlc", event.get("hlc").asText());
        request.set("value", event.get("value"));
        String body = Json.string(request);
        String token = tokens.forUser(op.user(), op.device(), Duration.ofHours(3), Instant.now());
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String last = "no instance up";
        while (System.nanoTime() < deadline) {
            FaultCluster.Instance target = anyReadable();
            if (target != null) {
                try {
                    HttpResponse<String> r = Http.request("POST", target.baseUrl + "/api/v1/sync/preferences", token, body,
                            "Idempotency-Key", event.get("message_id").asText());
                    if (r.statusCode() == 202) {
                        restWrites.incrementAndGet();
                        return;
                    }
                    last = target + " answered " + r.statusCode() + " " + r.body();
                } catch (Exception e) {
                    last = target + ": " + e;
                }
            }
            restRetries.incrementAndGet();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                break;
            }
        }
        lostWrites.add("REST write " + op.index() + " of " + op.user() + ": " + last);
    }

    private void read() {
        List<String> users = workload.users();
        while (running) {
            FaultCluster.Instance target = anyReadable();
            String user = users.get(random.nextInt(users.size()));
            if (target != null) {
                int disruptions = target.disruptions.get();
                // Which other instance's copy answers just before the read: only a copy there before and after owed it.
                FaultCluster.Instance copyBefore = copyElsewhere(target, user);
                int copyDisruptions = copyBefore == null ? 0 : copyBefore.disruptions.get();
                String outcome;
                boolean refused = false;
                ServiceProcess process = target.process;
                try {
                    HttpResponse<String> r = readPreferences(target, user);
                    outcome = r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
                    if (r.headers().firstValue("X-Sync-Staleness").isPresent()) {
                        staleReads.incrementAndGet();
                    }
                } catch (Exception e) {
                    outcome = e.toString();
                    refused = e instanceof java.net.ConnectException;
                }
                reads.incrementAndGet();
                // Only an instance that was up before and after the read, and struck by no fault meanwhile, owed an
                // answer, and only while a copy of the user elsewhere could give one all along: the instance whose own
                // copy answered just before the read, struck by no fault meanwhile, is asked again right after it (a
                // copy that came up only while the read ran, a standby finishing its restore, was not there to be asked).
                if (outcome != null && target.readable() && target.disruptions.get() == disruptions) {
                    String copyAt = copyBefore != null && copyBefore.readable()
                            && copyBefore.disruptions.get() == copyDisruptions && answersFromOwnCopy(copyBefore, user)
                            ? copyBefore.toString() : null;
                    FailedRead failed = new FailedRead(target.toString(), user, outcome, System.currentTimeMillis(), copyAt,
                            refused, process);
                    (copyAt != null ? failedReads : noCopyReads).add(failed);
                    log.warn("Read of {} from {} failed: {}; {}", user, target, outcome,
                            copyAt != null ? "the copy on " + copyAt + " answered" : "no other instance's copy answered");
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * A read of {@code user}'s preferences from {@code target}, sent again at once (twice at most) when the connection it
     * went out on was closed before any byte of an answer came back, as browsers and most HTTP clients do with an idempotent
     * request: a pooled keep-alive connection whose closing (the server's idle timeout, say) fell into a network cut
     * is still in the client's pool when the cut heals, and the first request on it meets a closed socket — a failure
     * of that connection, not of the service (seen twice 87 ms after a cut healed, in the long run's eleventh attempt).
     */
    private HttpResponse<String> readPreferences(FaultCluster.Instance target, String user) throws Exception {
        String token = tokens.forUser(user, "reader", Duration.ofHours(3), Instant.now());
        for (int attempt = 1; ; attempt++) {
            try {
                return Http.call(target.baseUrl + "/api/v1/sync/preferences", token, null);
            } catch (java.io.IOException e) {
                // Each failure takes its connection out of the pool; the cut may have left more than one there.
                if (!closedBeforeAnswering(e) || attempt == 3) {
                    throw e;
                }
                staleConnections.incrementAndGet();
            }
        }
    }

    /** The JDK client's words for a connection closed (or reset) before any byte of the answer. */
    private static boolean closedBeforeAnswering(java.io.IOException e) {
        String message = String.valueOf(e.getMessage());
        return !(e instanceof java.net.http.HttpTimeoutException) && !(e instanceof java.net.ConnectException)
                && (message.contains("received no bytes") || message.contains("Connection reset"));
    }

    /**
     * The first instance other than {@code failed} whose own copy of {@code user} answers now (a forwarded read), in
     * the cluster's order, or null.
     */
    private FaultCluster.Instance copyElsewhere(FaultCluster.Instance failed, String user) {
        for (FaultCluster.Instance other : cluster.instances) {
            if (other != failed && other.readable() && answersFromOwnCopy(other, user)) {
                return other;
            }
        }
        return null;
    }

    /** Whether {@code instance} answers a read of {@code user} from its own copy now (a forwarded read). */
    private boolean answersFromOwnCopy(FaultCluster.Instance instance, String user) {
        String token = tokens.forUser(user, "reader", Duration.ofHours(3), Instant.now());
        try {
            HttpResponse<String> r = Http.request("GET", instance.baseUrl + "/api/v1/sync/preferences", token, null,
                    io.mediagateway.sync.query.OwnerClient.FORWARDED, "1");
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Stops making events, and waits until every one made has been acknowledged or given up on. */
    void stop() throws InterruptedException {
        running = false;
        writer.join();
        reader.join();
        producer.flush();
        rest.shutdown();
        if (!rest.awaitTermination(6, TimeUnit.MINUTES)) {
            lostWrites.add("REST writes still retrying after 6 minutes");
        }
        log.info("Load stopped: {} events produced, {} acknowledged; {} REST writes ({} retries); {} reads ({} stale, "
                        + "{} sent again on a new connection, {} failed while another copy could answer, {} failed with no "
                        + "copy readable anywhere)",
                produced.get(), acknowledged.get(), restWrites.get(), restRetries.get(), reads.get(), staleReads.get(),
                staleConnections.get(),
                failedReads.size(), noCopyReads.size());
    }

    @Override
    public void close() {
        running = false;
        rest.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
