package io.mediagateway.sync.app.fault;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded stream of device events for a few users, each applied to the {@link ReferenceModel} as it is made: the same
 * seed makes the same events in the same order. Events carry their own {@code hlc} (the run's start in the physical
 * part, the event's rank below it), a {@code message_id}, and a command's {@code expires_at} a day ahead, so that
 * nothing in their outcome depends on when or how often the service processes them. Some progress reports come late
 * (an older HLC than the register may hold already); some preferences go through the REST API instead of Kafka.
 */
public final class Workload {
    /** An event for {@code sync.device-events} ({@code rest} false), or a preference write for the REST API. */
    public record Op(long index, String user, String device, String json, boolean rest) {
    }

    static final List<String> DEVICES = List.of("tv", "phone", "web");
    private static final List<String> COMMANDS = List.of("Play", "Pause", "VolumeMute");
    private static final List<String> STATES = List.of("Playing", "Paused", "Stopped");

    private final Random random;
    private final ReferenceModel model;
    private final List<String> users = new ArrayList<>();
    private final long baseHlc;
    private final long expiresAtMicros;
    private final String run;
    private long next;

    /**
     * @param startMs the run's start: the physical part of every event's HLC (a time in the past is accepted, §12)
     */
    public Workload(long seed, int users, long startMs, ReferenceModel model) {
        this.random = new Random(seed);
        this.model = model;
        this.run = Long.toString(seed, 36) + "-" + Long.toString(startMs % 1_000_000, 36);
        for (int i = 0; i < users; i++) {
            this.users.add("fault-" + run + "-u" + i);
        }
        this.baseHlc = startMs << 16;
        this.expiresAtMicros = (startMs + 86_400_000L) * 1000;
    }

    public List<String> users() {
        return List.copyOf(users);
    }

    /** The next event, already applied to the model. */
    public synchronized Op next() {
        long index = next++;
        long hlc = baseHlc + index * 16;
        String user = users.get(random.nextInt(users.size()));
        String device = DEVICES.get(random.nextInt(DEVICES.size()));
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("device_id", device);
        e.put("message_id", "m-" + run + "-" + index);
        int roll = random.nextInt(100);
        boolean rest = false;
        if (roll < 30) {
            String content = content();
            if (random.nextInt(10) == 0) {
                hlc = Math.max(baseHlc + 1, hlc - (1 + random.nextInt(400)) * 16L + 1); // late: an older report
            }
            int position = random.nextInt(7200);
            String state = STATES.get(random.nextInt(STATES.size()));
            e.put("msg_type", "watch_progress_update").put("content_id", content).put("progress_seconds", position)
                    .put("duration_seconds", 7200).put("state", state);
            model.progress(user, content, hlc, device, position, state);
        } else if (roll < 50) {
            String content = content();
            String tag = "t-" + run + "-" + index;
            e.put("msg_type", "watchlist_update").put("operation", "Add").put("content_id", content).put("unique_tag", tag);
            model.watchlistAdd(user, content, tag);
        } else if (roll < 60) {
            String content = content();
            List<String> held = model.tags(user, content);
            e.put("msg_type", "watchlist_update").put("operation", "Remove").put("content_id", content);
            if (!held.isEmpty() && random.nextBoolean()) {
                // The device saw the list as it was a while ago — every tag added up to some point, as a device that
                // receives each device's adds in order sees them — and removes those: an add made after (a
                // concurrent one) stays.
                held.sort(java.util.Comparator.comparingLong(t -> Long.parseLong(t.substring(t.lastIndexOf('-') + 1))));
                List<String> observed = held.subList(0, 1 + random.nextInt(held.size()));
                ArrayNode tags = e.putArray("observed_tags");
                observed.forEach(tags::add);
                model.watchlistRemove(user, content, List.copyOf(observed));
            } else {
                model.watchlistRemove(user, content, null);
            }
        } else if (roll < 85) {
            rest = roll >= 75;
            if (rest) {
                device = "rest";
                e.put("device_id", device);
            }
            String key = "pref" + random.nextInt(6);
            Object value = random.nextBoolean() ? (Object) random.nextInt(1000) : "v" + random.nextInt(1000);
            e.put("msg_type", "preference_update").put("key", key);
            if (value instanceof Integer i) {
                e.put("value", i);
            } else {
                e.put("value", (String) value);
            }
            model.preference(user, key, hlc, device, Json.string(e.get("value")));
        } else if (roll < 91) {
            boolean remote = !"phone".equals(device);
            e.put("msg_type", "device_join").put("device_type", "tv".equals(device) ? "TV" : "phone".equals(device) ? "Phone" : "Web")
                    .put("platform", "tv".equals(device) ? "Tizen" : "phone".equals(device) ? "Android" : "Web")
                    .put("app_version", "1." + random.nextInt(3));
            e.putObject("capabilities").put("max_resolution", "FHD").put("remote_controllable", remote)
                    .put("can_cast", false).putArray("hdr_support").add("HDR10");
            model.join(user, device, remote);
        } else if (roll < 94 && model.knows(user, device)) {
            e.put("msg_type", "device_leave");
            model.leave(user, device);
        } else {
            String target = random.nextInt(8) == 0 ? "ghost" : DEVICES.get(random.nextInt(DEVICES.size()));
            String type = COMMANDS.get(random.nextInt(COMMANDS.size()));
            e.put("msg_type", "remote_command").put("target_device_id", target).put("expires_at", expiresAtMicros);
            e.putObject("command").put("type", type);
            model.command(user, target, type);
        }
        e.put("hlc", Long.toString(hlc));
        return new Op(index, user, device, Json.string(e), rest);
    }

    private String content() {
        return "tmdb:" + (100 + random.nextInt(12));
    }
}
