package io.mediagateway.sync.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded stream of mixed device events for a set of users, as gateways would send them: every
 * msg_type, device clocks a couple of seconds apart (so HLC order differs from arrival order), repeated
 * message ids, and optionally bad records and events without a time.
 */
public final class Workload {

    /** One record: key, value, and when it is sent (ms after the start). */
    public record Event(String user, byte[] value, long atMs, boolean bad) {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** What to mix in besides well-formed events with an explicit HLC. */
    public record Mix(boolean badRecords, boolean timeless, boolean commands) {
        public static final Mix ALL = new Mix(true, true, true);
        public static final Mix STATE_ONLY = new Mix(false, false, false);
    }

    private static final String[] DEVICES = {"tv", "phone", "web"};
    private static final String[] STATES = {"Playing", "Paused", "Stopped"};
    private static final String[] COMMANDS = {"Play", "Pause", "Stop", "VolumeMute"};

    private Workload() {
    }

    public static List<Event> generate(long seed, long startMs, int users, int count, long stepMs, Mix mix) {
        Random random = new Random(seed);
        Map<String, List<String>> tags = new HashMap<>();
        List<Event> out = new ArrayList<>(count);
        List<Event> withIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = i * stepMs;
            String user = "user-" + random.nextInt(users);
            String device = DEVICES[random.nextInt(DEVICES.length)];
            String content = "tmdb:" + random.nextInt(20);
            long physical = startMs + at + random.nextInt(4000) - 2000;
            ObjectNode e = Json.object();
            e.put("device_id", device);
            if (mix.timeless() && random.nextInt(20) == 0) {
                // no hlc and no timestamp: the service stamps it
            } else if (random.nextInt(5) == 0) {
                e.put("timestamp", physical * 1000);
            } else {
                e.put("hlc", Long.toString(Hlc.pack(physical, random.nextInt(4))));
            }
            int kind = random.nextInt(100);
            if (mix.badRecords() && kind < 4) {
                String bad = switch (random.nextInt(3)) {
                    case 0 -> "{not json";
                    case 1 -> "{\"msg_type\":\"explode\",\"device_id\":\"tv\"}";
                    default -> "{\"msg_type\":\"device_leave\",\"device_id\":\"bad device\"}";
                };
                out.add(new Event(user, bad.getBytes(StandardCharsets.UTF_8), at, true));
                continue;
            }
            if (kind < 6 && !withIds.isEmpty()) {
                Event again = withIds.get(random.nextInt(withIds.size()));
                out.add(new Event(again.user(), again.value(), at, false));
                continue;
            }
            List<String> held = tags.computeIfAbsent(user + "/" + content, k -> new ArrayList<>());
            if (kind < 30 && random.nextInt(25) == 0) {
                e.put("msg_type", "progress_remove").put("content_id", content);
            } else if (kind < 30) {
                e.put("msg_type", "watch_progress_update").put("content_id", content)
                        .put("position_seconds", random.nextInt(3600)).put("duration_seconds", 3600)
                        .put("state", STATES[random.nextInt(STATES.length)]);
            } else if (kind < 48) {
                String tag = "tag-" + i;
                held.add(tag);
                e.put("msg_type", "watchlist_update").put("operation", "Add").put("content_id", content).put("unique_tag", tag);
                e.putObject("content_metadata").put("title", "Title " + content).put("year", 1990 + random.nextInt(30));
            } else if (kind < 58) {
                e.put("msg_type", "watchlist_update").put("operation", "remove").put("content_id", content);
                if (!held.isEmpty() && random.nextBoolean()) {
                    ArrayNode observed = e.putArray("observed_tags");
                    held.stream().filter(t -> random.nextBoolean()).forEach(observed::add);
                }
            } else if (kind < 66) {
                e.put("msg_type", "preference_update").put("key", "pref-" + random.nextInt(5));
                if (random.nextBoolean()) {
                    e.put("value", random.nextInt(100));
                } else {
                    e.putObject("value").put("lang", random.nextBoolean() ? "en" : "fr").put("size", random.nextInt(3));
                }
            } else if (kind < 80) {
                e.put("msg_type", "device_heartbeat");
            } else if (kind < 88) {
                e.put("msg_type", "device_join").put("device_type", device.equals("tv") ? "TV" : "Phone")
                        .put("platform", "Android").put("app_version", "2." + random.nextInt(3));
                e.putObject("capabilities").put("remote_controllable", true).put("can_cast", random.nextBoolean());
            } else if (kind < 90) {
                e.put("msg_type", "device_leave");
            } else if (kind < 91) {
                e.put("msg_type", "device_remove").put("target_device_id", DEVICES[random.nextInt(DEVICES.length)]);
            } else if (mix.commands() && kind < 97) {
                e.put("msg_type", "remote_command").put("target_device_id", DEVICES[random.nextInt(DEVICES.length)]);
                e.putObject("command").put("type", COMMANDS[random.nextInt(COMMANDS.length)]).putObject("params");
            } else if (mix.commands()) {
                e.put("msg_type", "handoff").put("target_device_id", "tv").put("content_id", content);
            } else {
                e.put("msg_type", "device_heartbeat");
            }
            if (random.nextInt(4) == 0) {
                e.put("message_id", "m-" + i);
            }
            Event event = new Event(user, Json.bytes(e), at, false);
            out.add(event);
            if (e.has("message_id")) {
                withIds.add(event);
            }
        }
        return out;
    }
}
