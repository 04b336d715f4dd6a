package io.mediagateway.sync.model;

/**
 * A device's presence, the value of an LWW register. On equal stamps offline beats online, so a
 * timeout — recorded at the stamp of the last heartbeat — wins against that heartbeat but loses to
 * any newer one.
 */
public enum Presence {
    ONLINE(null), OFFLINE_TIMEOUT("timeout"), OFFLINE_LEAVE("leave");

    private final String offlineReason;

    Presence(String offlineReason) {
        this.offlineReason = offlineReason;
    }

    public boolean online() {
        return this == ONLINE;
    }

    /** {@code leave} or {@code timeout}; null when online. */
    public String offlineReason() {
        return offlineReason;
    }
}
