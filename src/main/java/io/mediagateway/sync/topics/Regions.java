package io.mediagateway.sync.topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This cluster's region and its peers (contract §16: {@code SYNC_REGION}, {@code SYNC_PEER_REGIONS}). Each peer's
 * events reach this cluster as MirrorMaker 2 remote topics under MM2's default replication policy — the peer's name, a
 * dot, the topic: {@code eu.sync.device-events} — so a record never travels back to where it came from.
 *
 * <p>{@link #NONE} is a service of one region: no name, no peers, every topic its own.
 *
 * @param self  this region's name (empty: regions are not configured)
 * @param peers each other region's name and its cluster's bootstrap servers, in the order given
 */
public record Regions(Optional<String> self, Map<String, String> peers) {
    /** A region name: what MirrorMaker 2 accepts as a cluster alias and a topic name prefix, without its separator. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    public static final String NAME_RULE = "1-40 characters of [A-Za-z0-9_-]";
    /** MM2's default replication policy's separator. */
    public static final String SEPARATOR = ".";
    /**
     * The topics MirrorMaker 2 carries between regions: what users and backends write. Derived topics (deltas,
     * analytics) are rebuilt in each region from these.
     */
    public static final List<Topic<String, byte[]>> REPLICATED = List.of(Topics.DEVICE_EVENTS, Topics.NOTIFICATIONS,
            Topics.BROADCASTS);

    /** MirrorMaker 2's heartbeats topic (its default name): each region's is carried to the others like the events. */
    public static final String HEARTBEATS = "heartbeats";

    public static final Regions NONE = new Regions(Optional.empty(), Map.of());

    public Regions {
        Objects.requireNonNull(self, "self");
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        if (self.isEmpty() && !peers.isEmpty()) {
            throw new IllegalArgumentException("peer regions need this region's name");
        }
        self.ifPresent(Regions::requireName);
        peers.keySet().forEach(Regions::requireName);
        if (self.isPresent() && peers.containsKey(self.get())) {
            throw new IllegalArgumentException("region '" + self.get() + "' is this region; it cannot be its own peer");
        }
    }

    /**
     * Reads {@code SYNC_PEER_REGIONS}: {@code name=bootstrap[,name=bootstrap…]}, where a bootstrap may list several
     * brokers separated by {@code ;} or {@code |} ({@code eu=kafka-eu-1:9092;kafka-eu-2:9092}).
     */
    public static Regions parse(Optional<String> self, Optional<String> peerList) {
        Map<String, String> peers = new LinkedHashMap<>();
        for (String entry : peerList.map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.split(",")).orElse(new String[0])) {
            String item = entry.strip();
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new IllegalArgumentException("'" + item + "' is not name=bootstrap");
            }
            String name = item.substring(0, eq).strip();
            String bootstrap = item.substring(eq + 1).strip().replace(';', ',').replace('|', ',');
            if (peers.put(name, bootstrap) != null) {
                throw new IllegalArgumentException("region '" + name + "' is listed twice");
            }
        }
        return new Regions(self.map(String::strip), peers);
    }

    /** {@code SYNC_REGION} and {@code SYNC_PEER_REGIONS} of {@code env} ({@link #parse}; a blank region is none). */
    public static Regions fromEnv(Map<String, String> env) {
        return parse(Optional.ofNullable(env.get("SYNC_REGION")).filter(s -> !s.isBlank()),
                Optional.ofNullable(env.get("SYNC_PEER_REGIONS")));
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("region name '" + name + "' must be " + NAME_RULE);
        }
        if (name.equals("sync")) {
            throw new IllegalArgumentException("region name 'sync' would make its remote topics look like this "
                    + "cluster's own (sync.device-events)");
        }
    }

    /** Whether this region has peers: events come from other clusters too. */
    public boolean active() {
        return !peers.isEmpty();
    }

    /** A peer's copy of {@code topic} in this cluster: {@code <peer>.<topic>}. */
    public static String remoteTopic(String peer, String topic) {
        return peer + SEPARATOR + topic;
    }

    /** The topics a stream of {@code topic} reads here: its own, then each peer's remote copy. */
    public List<String> inputs(String topic) {
        List<String> names = new ArrayList<>();
        names.add(topic);
        peers.keySet().forEach(peer -> names.add(remoteTopic(peer, topic)));
        return List.copyOf(names);
    }

    /**
     * The definitions of every topic this region has: the service's own ({@code topics/}) and, for each peer, the
     * remote copies MirrorMaker 2 writes to — created here with the same partitions before Kafka Streams subscribes
     * to them (MM2 keeps a record's partition, so each user stays on one partition number in every topic).
     */
    public List<TopicDefinition> topicDefinitions() {
        List<TopicDefinition> all = new ArrayList<>(Topics.definitions());
        if (active()) {
            // MirrorMaker 2's heartbeats, created before it starts so that the peers' MM2 find them at once (it looks
            // for new topics only every refresh.topics.interval.seconds); as MM2 would create it: 1 partition, compact.
            all.add(new TopicDefinition(HEARTBEATS, 1, Topics.DEVICE_EVENTS.definition().replicationFactor(),
                    Map.of("cleanup.policy", "compact")));
        }
        for (String peer : peers.keySet()) {
            for (Topic<String, byte[]> t : REPLICATED) {
                TopicDefinition d = t.definition();
                all.add(new TopicDefinition(remoteTopic(peer, d.name()), d.partitions(), d.replicationFactor(), d.configs()));
            }
        }
        return List.copyOf(all);
    }

    /**
     * The region a record read from {@code topic} was written in: the peer whose remote topic it is, else this
     * region (empty when regions are not configured).
     */
    public Optional<String> originOf(String topic) {
        for (String peer : peers.keySet()) {
            if (topic.startsWith(peer + SEPARATOR)) {
                return Optional.of(peer);
            }
        }
        return self;
    }

    /** The topic a record of {@code topic} was first written to: its name without a peer's prefix. */
    public String localName(String topic) {
        for (String peer : peers.keySet()) {
            if (topic.startsWith(peer + SEPARATOR)) {
                return topic.substring(peer.length() + SEPARATOR.length());
            }
        }
        return topic;
    }

    @Override
    public String toString() {
        return self.map(s -> "region " + s + (peers.isEmpty() ? " (no peers)" : ", peers " + peers)).orElse("one region");
    }
}
