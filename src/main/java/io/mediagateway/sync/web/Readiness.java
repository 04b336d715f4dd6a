package io.mediagateway.sync.web;

/** Whether this instance can serve reads now, and why not when it cannot. */
@FunctionalInterface
public interface Readiness {

    Status check();

    /** {@code detail} is the streams state, e.g. {@code RUNNING} or {@code REBALANCING}. */
    record Status(boolean ready, String detail) {
    }
}
