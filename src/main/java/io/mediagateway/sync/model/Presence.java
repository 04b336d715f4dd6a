package io.mediagateway.sync.model;

/**
 * A device's presence, the value of an LWW register. On equal stamps offline beats online, so a
 * timeout — recorded at the stamp of the last heartbeat — wins against that heartbeat but loses to
 * any newer one. {@link #BACKGROUND} is online, kept by the background timeout (contract §12). The
 * declaration order is the order on equal stamps: do not reorder.
 */
public enum Presence {
    ONLINE(null), BACKGROUND(null), OFFLINE_TIMEOUT("timeout"), OFFLINE_LEAVE("leave");

    private final String offlineReason;

    Presence(String offlineReason) {
        this.offlineReason = offlineReason;
    }

    public boolean online() {
        return offlineReason == null;
    }

    /** {@code leave} or {@code timeout}; null when online. */
    public String offlineReason() {
        return offlineReason;
    }
}
