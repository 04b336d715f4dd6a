package io.mediagateway.sync.app;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once, after a rebalance, whether the group has room for the standby copies asked for: a standby
 * must live on another instance than its active task, so {@code n} standbys per task need {@code n + 1}
 * instances. One instance is the normal case of the demo and of small deployments (said at INFO);
 * several instances too few for the standbys asked are worth an operator's action (WARN). Kafka's own
 * assignor warns per task instead (dozens of lines), and is silenced in {@code logback.xml}.
 */
final class StandbyCapacity {
    private static final Logger log = LoggerFactory.getLogger(StandbyCapacity.class);

    private final String what;
    private final int standbys;
    private final IntSupplier instances;
    private final AtomicInteger lastReported = new AtomicInteger(-1);

    /**
     * @param what      the application's name in the log ("Kafka Streams", "Analytics streams")
     * @param standbys  {@code num.standby.replicas}
     * @param instances how many instances the group has now
     */
    StandbyCapacity(String what, int standbys, IntSupplier instances) {
        this.what = what;
        this.standbys = standbys;
        this.instances = instances;
    }

    /** Called when the application reaches RUNNING; logs only when the instance count changed. */
    void afterRebalance() {
        int n;
        try {
            n = instances.getAsInt();
        } catch (RuntimeException e) {    // closing meanwhile: nothing to say
            return;
        }
        if (n <= 0 || lastReported.getAndSet(n) == n) {
            return;
        }
        String message = message(what, standbys, n);
        if (message == null) {
            return;
        }
        if (n == 1) {
            log.info(message);
        } else {
            log.warn(message);
        }
    }

    /** What to say with {@code instances} in the group, or null when every standby has a place. */
    static String message(String what, int standbys, int instances) {
        if (standbys == 0 || instances > standbys) {
            return null;
        }
        if (instances == 1) {
            return what + ": one instance, so the " + standbys + " standby cop" + (standbys == 1 ? "y" : "ies")
                    + " per task (SYNC_STANDBY_REPLICAS) wait" + (standbys == 1 ? "s" : "")
                    + " for another instance to join — normal for a single instance";
        }
        return what + ": " + instances + " instances hold at most " + (instances - 1) + " standby copies per task, "
                + "but SYNC_STANDBY_REPLICAS asks for " + standbys + ": start more instances or lower it";
    }
}
