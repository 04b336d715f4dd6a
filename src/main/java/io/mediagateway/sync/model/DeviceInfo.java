package io.mediagateway.sync.model;

import java.util.Comparator;
import java.util.Objects;

/** A device's self-description from its join and heartbeats; optional fields may be null. */
public record DeviceInfo(String deviceType, String platform, Capabilities capabilities, String appVersion,
                         String deviceName, Double batteryLevel, String networkQuality)
        implements Comparable<DeviceInfo> {

    private static final Comparator<DeviceInfo> ORDER = Comparator
            .comparing(DeviceInfo::deviceType, Compare::nullable)
            .thenComparing(DeviceInfo::platform, Compare::nullable)
            .thenComparing(DeviceInfo::capabilities)
            .thenComparing(DeviceInfo::appVersion, Compare::nullable)
            .thenComparing(DeviceInfo::deviceName, Compare::nullable)
            .thenComparing(DeviceInfo::batteryLevel, Compare::nullable)
            .thenComparing(DeviceInfo::networkQuality, Compare::nullable);

    public DeviceInfo {
        Objects.requireNonNull(capabilities, "capabilities");
    }

    @Override
    public int compareTo(DeviceInfo other) {
        return ORDER.compare(this, other);
    }
}
