package io.mediagateway.sync.app;

import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.TestDirs;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The environment of one instance of a multi-instance test: the harness's broker, its own port, URL and data dir. */
final class InstanceEnv {
    private InstanceEnv() {
    }

    static Map<String, String> of(KafkaBroker kafka, String applicationId, String dirPrefix, int port, String secret)
            throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SYNC_PG", "off");
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_PORT", Integer.toString(port));
        env.put("SYNC_ADVERTISED_URL", "http://127.0.0.1:" + port);
        env.put("SYNC_DATA_DIR", TestDirs.create(dirPrefix).toString());
        env.put("SYNC_APPLICATION_ID", applicationId);
        env.put("SYNC_STREAM_THREADS", "1");
        env.put("SYNC_JWT_SECRET", secret);
        return env;
    }

    /**
     * A serving instance of a multi-instance test: no rate limits (the test writes fast), and no analytics
     * application beside it (it would catch up on the whole shared log).
     */
    static Map<String, String> serving(KafkaBroker kafka, String applicationId, String dirPrefix, int port, String secret)
            throws IOException {
        Map<String, String> env = of(kafka, applicationId, dirPrefix, port, secret);
        env.put("SYNC_RATE_LIMIT_USER_PER_SEC", "0");
        env.put("SYNC_RATE_LIMIT_DEVICE_PER_SEC", "0");
        env.put("SYNC_ANALYTICS", "off");
        return env;
    }

    /**
     * {@code env} with a 10 s Kafka session timeout rather than 45: an instance killed, or stopped and started again on
     * another disk (a new member), keeps its stream tasks that long before the others take them over — which the
     * test would wait for.
     */
    static Map<String, String> quickFailover(Map<String, String> env) {
        env.put("SYNC_KAFKA_SESSION_TIMEOUT_MS", "10000");
        return env;
    }
}
