package io.mediagateway.sync.model;

import java.util.Comparator;
import java.util.List;

/** What a device can do; lists are kept sorted so equal capabilities encode identically. */
public record Capabilities(String maxResolution, List<String> audioCodecs, List<String> hdrSupport,
                           boolean remoteControllable, boolean canCast, Double screenSize)
        implements Comparable<Capabilities> {

    public static final List<String> RESOLUTIONS = List.of("SD", "HD", "FHD", "UHD_4K", "UHD_8K");
    public static final Capabilities NONE = new Capabilities(null, List.of(), List.of(), false, false, null);

    private static final Comparator<Capabilities> ORDER = Comparator
            .comparing(Capabilities::maxResolution, Compare::nullable)
            .thenComparing(Capabilities::audioCodecs, Compare::lists)
            .thenComparing(Capabilities::hdrSupport, Compare::lists)
            .thenComparing(Capabilities::remoteControllable)
            .thenComparing(Capabilities::canCast)
            .thenComparing(Capabilities::screenSize, Compare::nullable);

    public Capabilities {
        audioCodecs = audioCodecs == null ? List.of() : audioCodecs.stream().sorted().distinct().toList();
        hdrSupport = hdrSupport == null ? List.of() : hdrSupport.stream().sorted().distinct().toList();
    }

    @Override
    public int compareTo(Capabilities other) {
        return ORDER.compare(this, other);
    }
}
