package io.mediagateway.sync.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's gateway: for each user a TV, a phone and a web client that join, heartbeat, play content
 * (progress every few seconds, faster than real time), bookmark and drop titles, change preferences,
 * hand playback off and send remote commands — produced to {@code sync.device-events} like any
 * gateway would. One device per cycle goes silent so its presence times out, then comes back; and
 * now and then a few malformed records are sent so the dead-letter topic has something to show.
 *
 * <p>Why this file is over 300 lines: it is the demo's whole script — each simulated device's behaviour and
 * the malformed records it sends on purpose — kept in one place so what the demo shows can be read at once.
 */
public final class DeviceSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceSimulator.class);

    /**
     * @param tick          how often the simulation advances
     * @param heartbeat     heartbeat interval of every device
     * @param progressEvery how often the playing device reports its position
     * @param speed         content seconds played per real second
     * @param silentAfter   when the silent device stops heartbeating (from the start of each cycle)
     * @param silentFor     how long it stays silent before joining again (longer than the presence timeout)
     * @param badEvery      how often a handful of malformed records is sent
     * @param actionEvery   mean interval of watchlist, preference, handoff and command actions per user
     */
    public record Settings(List<String> users, Duration tick, Duration heartbeat, Duration progressEvery, double speed,
                           Duration silentAfter, Duration silentFor, Duration badEvery, Duration actionEvery, long seed) {
        /** The demo's pace: heartbeats every 5 s, progress every 3 s at 20× speed, a silent phone for 45 s each 2 min. */
        public static Settings demo(List<String> users) {
            return new Settings(users, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(3), 20,
                    Duration.ofSeconds(75), Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofSeconds(12),
                    System.nanoTime());
        }
    }

    /** One record to produce: key (the user, or a deliberately bad key) and JSON value (or deliberately not JSON). */
    public record Event(String key, String value) {
    }

    static String tvOf(String user) {
        return "tv-" + user + "-living-room";
    }

    static String phoneOf(String user) {
        return "phone-" + user;
    }

    /** The web client's device id; the demo's login tokens carry it, so the dashboard is this device. */
    public static String webOf(String user) {
        return "web-" + user;
    }

    private final Settings settings;
    private final Random random;
    private final List<UserSim> users = new ArrayList<>();
    private long startMs = -1;
    private long nextBadMs;

    private final class UserSim {
        final String user;
        final boolean hasSilentDevice;
        final Map<String, Long> nextHeartbeat = new LinkedHashMap<>();
        final List<String> watchlist = new ArrayList<>();
        String playingOn;
        DemoCatalog.Title playing;
        double position;
        long nextProgress;
        long nextAction;
        boolean silent;
        int battery = 80;

        UserSim(String user, boolean hasSilentDevice) {
            this.user = user;
            this.hasSilentDevice = hasSilentDevice;
        }

        List<String> devices() {
            return List.of(tvOf(user), phoneOf(user), webOf(user));
        }

        boolean online(String device) {
            return !(silent && device.equals(phoneOf(user)));
        }
    }

    public DeviceSimulator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        // The second user's phone goes silent (the only user's, when there is one).
        int silentUser = Math.min(1, settings.users().size() - 1);
        for (int i = 0; i < settings.users().size(); i++) {
            users.add(new UserSim(settings.users().get(i), i == silentUser));
        }
    }

    /** Advances the simulation to {@code nowMs} and returns the records to produce, in order. */
    public List<Event> tick(long nowMs) {
        List<Event> out = new ArrayList<>();
        if (startMs < 0) {
            startMs = nowMs;
            nextBadMs = nowMs;
            for (UserSim u : users) {
                start(u, nowMs, out);
            }
        }
        for (UserSim u : users) {
            presenceCycle(u, nowMs, out);
            heartbeats(u, nowMs, out);
            progress(u, nowMs, out);
            if (nowMs >= u.nextAction) {
                action(u, nowMs, out);
                u.nextAction = nowMs + jitter(settings.actionEvery());
            }
        }
        if (nowMs >= nextBadMs) {
            badEvents(users.get(0).user, nowMs, out);
            nextBadMs = nowMs + settings.badEvery().toMillis();
        }
        return out;
    }

    private void start(UserSim u, long now, List<Event> out) {
        for (String device : u.devices()) {
            out.add(join(u.user, device, now));
            u.nextHeartbeat.put(device, now + settings.heartbeat().toMillis());
        }
        for (int i = 0; i < 3; i++) {
            addToWatchlist(u, now, out);
        }
        out.add(preference(u.user, webOf(u.user), now, "subtitles_language", "\"en\""));
        out.add(preference(u.user, tvOf(u.user), now, "autoplay_next_episode", "true"));
        u.playingOn = u.devices().get(users.indexOf(u) % 3);
        startTitle(u);
        u.nextProgress = now;
        u.nextAction = now + jitter(settings.actionEvery());
    }

    /** The silent device stops heartbeating for {@code silentFor} in every cycle, then joins again. */
    private void presenceCycle(UserSim u, long now, List<Event> out) {
        if (!u.hasSilentDevice) {
            return;
        }
        long cycle = settings.silentAfter().toMillis() + settings.silentFor().toMillis();
        long inCycle = (now - startMs) % cycle;
        boolean silentNow = inCycle >= settings.silentAfter().toMillis();
        if (silentNow && !u.silent) {
            u.silent = true;
            log.info("Demo: {} goes silent (no heartbeats for {} s); presence will time it out", phoneOf(u.user),
                    settings.silentFor().toSeconds());
            if (u.playingOn.equals(phoneOf(u.user))) {
                u.playingOn = tvOf(u.user);
            }
        } else if (!silentNow && u.silent) {
            u.silent = false;
            out.add(join(u.user, phoneOf(u.user), now));
            u.nextHeartbeat.put(phoneOf(u.user), now + settings.heartbeat().toMillis());
        }
    }

    private void heartbeats(UserSim u, long now, List<Event> out) {
        for (Map.Entry<String, Long> e : u.nextHeartbeat.entrySet()) {
            if (now >= e.getValue() && u.online(e.getKey())) {
                out.add(deviceEvent("device_heartbeat", u.user, e.getKey(), now));
                e.setValue(now + settings.heartbeat().toMillis());
            }
        }
    }

    private void progress(UserSim u, long now, List<Event> out) {
        if (now < u.nextProgress) {
            return;
        }
        u.nextProgress = now + settings.progressEvery().toMillis();
        u.position = Math.min(u.playing.durationSeconds(), u.position + settings.progressEvery().toSeconds() * settings.speed());
        boolean finished = u.position >= u.playing.durationSeconds() * 0.97;
        out.add(progressEvent(u, now, finished ? "Stopped" : "Playing"));
        if (finished) {
            startTitle(u);
        }
    }

    /** One of: a watchlist add or remove, a preference change, a handoff, a remote command. */
    private void action(UserSim u, long now, List<Event> out) {
        int pick = random.nextInt(10);
        if (pick < 4) {
            if (u.watchlist.size() < 4 || random.nextBoolean()) {
                addToWatchlist(u, now, out);
            } else {
                String content = u.watchlist.remove(random.nextInt(u.watchlist.size()));
                ObjectNode e = base("watchlist_update", u.user, phoneOf(u.user), now);
                e.put("operation", "Remove");
                e.put("content_id", content);
                out.add(event(u.user, e));
            }
        } else if (pick < 6) {
            String[][] choices = {{"subtitles_language", "\"en\"", "\"fr\"", "\"de\"", "\"es\""},
                    {"playback_quality", "\"Auto\"", "\"HD\"", "\"UHD\""}, {"autoplay_next_episode", "true", "false"}};
            String[] choice = choices[random.nextInt(choices.length)];
            out.add(preference(u.user, webOf(u.user), now, choice[0], choice[1 + random.nextInt(choice.length - 1)]));
        } else if (pick < 8) {
            String target = handoffTarget(u);
            if (target != null) {
                ObjectNode e = base("handoff", u.user, u.playingOn, now);
                e.put("target_device_id", target);
                e.put("content_id", u.playing.contentId());
                out.add(event(u.user, e));
                u.playingOn = target;
            }
        } else {
            ObjectNode e = base("remote_command", u.user, u.online(phoneOf(u.user)) ? phoneOf(u.user) : webOf(u.user), now);
            e.put("target_device_id", tvOf(u.user));
            ObjectNode command = e.putObject("command");
            command.put("type", "VolumeSet");
            command.putObject("params").put("level", Math.round(random.nextDouble() * 100) / 100.0);
            out.add(event(u.user, e));
        }
    }

    private String handoffTarget(UserSim u) {
        List<String> targets = new ArrayList<>(u.devices());
        targets.remove(u.playingOn);
        targets.removeIf(d -> !u.online(d));
        return targets.isEmpty() ? null : targets.get(random.nextInt(targets.size()));
    }

    /** Mostly something from the watchlist (what people bookmark is what they watch), else anything. */
    private void startTitle(UserSim u) {
        if (!u.watchlist.isEmpty() && random.nextInt(10) < 7) {
            String content = u.watchlist.get(random.nextInt(u.watchlist.size()));
            u.playing = DemoCatalog.TITLES.stream().filter(t -> t.contentId().equals(content)).findFirst().orElseThrow();
        } else {
            u.playing = DemoCatalog.TITLES.get(random.nextInt(DemoCatalog.TITLES.size()));
        }
        u.position = 0;
    }

    private void addToWatchlist(UserSim u, long now, List<Event> out) {
        DemoCatalog.Title title;
        do {
            title = DemoCatalog.TITLES.get(random.nextInt(DemoCatalog.TITLES.size()));
        } while (u.watchlist.contains(title.contentId()));
        u.watchlist.add(title.contentId());
        List<String> devices = u.devices();
        ObjectNode e = base("watchlist_update", u.user, devices.get(random.nextInt(devices.size())), now);
        e.put("operation", "Add");
        e.put("content_id", title.contentId());
        ObjectNode meta = e.putObject("content_metadata");
        meta.put("title", title.title());
        meta.put("year", title.year());
        meta.put("content_type", title.contentType());
        out.add(event(u.user, e));
    }

    private Event progressEvent(UserSim u, long now, String state) {
        ObjectNode e = base("watch_progress_update", u.user, u.playingOn, now);
        e.put("content_id", u.playing.contentId());
        e.put("progress_seconds", Math.round(u.position));
        e.put("duration_seconds", u.playing.durationSeconds());
        e.put("state", state);
        return event(u.user, e);
    }

    private Event preference(String user, String device, long now, String key, String jsonValue) {
        ObjectNode e = base("preference_update", user, device, now);
        e.put("key", key);
        e.set("value", Json.parse(jsonValue));
        return event(user, e);
    }

    private Event join(String user, String device, long now) {
        return deviceEvent("device_join", user, device, now);
    }

    private Event deviceEvent(String type, String user, String device, long now) {
        ObjectNode e = base(type, user, device, now);
        ObjectNode caps = Json.object();
        if (device.startsWith("tv-")) {
            e.put("device_type", "TV");
            e.put("platform", "Tizen");
            e.put("device_name", "Living room TV");
            e.put("app_version", "5.2.0");
            caps.put("max_resolution", "UHD_4K");
            caps.putArray("audio_codecs").add("aac").add("eac3").add("atmos");
            caps.putArray("hdr_support").add("HDR10").add("DolbyVision");
            caps.put("can_cast", false);
            caps.put("screen_size", 65);
        } else if (device.startsWith("phone-")) {
            e.put("device_type", "Phone");
            e.put("platform", users.indexOf(sim(user)) % 2 == 0 ? "iOS" : "Android");
            e.put("device_name", capitalised(user) + "'s phone");
            e.put("app_version", "8.14.1");
            UserSim u = sim(user);
            u.battery = u.battery <= 15 ? 100 : u.battery - 1;
            e.put("battery_level", u.battery / 100.0);                  // the specification's 0.0–1.0 scale
            e.put("network_quality", u.battery % 7 == 0 ? 3 : 5);        // and its 0–5 scale
            caps.put("max_resolution", "FHD");
            caps.putArray("audio_codecs").add("aac");
            caps.putArray("hdr_support").add("HDR10");
            caps.put("can_cast", true);
            caps.put("screen_size", 6.1);
        } else {
            e.put("device_type", "Web");
            e.put("platform", "Web");
            e.put("device_name", "Browser");
            e.put("app_version", "2026.11.0");
            caps.put("max_resolution", "FHD");
            caps.putArray("audio_codecs").add("aac").add("opus");
            caps.put("can_cast", true);
        }
        caps.put("remote_controllable", true);
        e.set("capabilities", caps);
        return event(user, e);
    }

    /** Records the service must refuse, each for a different reason, so the dead-letter topic fills. */
    private void badEvents(String user, long now, List<Event> out) {
        out.add(new Event(user, "{\"msg_type\": \"watch_progress_update\", \"device_id\": " + "\"" + phoneOf(user) + "\""));
        ObjectNode unknown = base("teleport", user, phoneOf(user), now);
        out.add(event(user, unknown));
        ObjectNode negative = base("watch_progress_update", user, tvOf(user), now);
        negative.put("content_id", "tmdb:550");
        negative.put("progress_seconds", -30);
        negative.put("duration_seconds", 8340);
        negative.put("state", "Playing");
        out.add(event(user, negative));
        out.add(event("not a user id!", base("device_heartbeat", user, tvOf(user), now)));
    }

    private UserSim sim(String user) {
        return users.stream().filter(u -> u.user.equals(user)).findFirst().orElseThrow();
    }

    private ObjectNode base(String type, String user, String device, long now) {
        ObjectNode e = Json.object();
        e.put("msg_type", type);
        e.put("device_id", device);
        e.put("message_id", new UUID(random.nextLong(), random.nextLong()).toString());
        // Devices with only a wall clock send microseconds (contract §2).
        e.put("timestamp", now * 1000);
        return e;
    }

    private static Event event(String key, ObjectNode value) {
        return new Event(key, Json.string(value));
    }

    private long jitter(Duration mean) {
        return (long) (mean.toMillis() * (0.5 + random.nextDouble()));
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // --- running against Kafka ---------------------------------------------------------------------------

    private ScheduledProducer running;

    /** Produces the simulation to {@code topic} every tick until {@link #close()}; the producer is closed with it. */
    public DeviceSimulator start(Producer<String, String> producer, String topic, LongSupplier wallClockMs) {
        running = new ScheduledProducer("demo-devices", producer, settings.tick(), () -> tick(wallClockMs.getAsLong())
                .stream().map(e -> new ProducerRecord<>(topic, e.key(), e.value())).toList());
        log.info("Demo: simulating {} users' TV, phone and web client on {}", settings.users().size(), topic);
        return this;
    }

    /** Records produced and acknowledged so far. */
    public long sentCount() {
        return running == null ? 0 : running.sentCount();
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
            log.info("Demo: device simulation stopped after {} records", running.sentCount());
        }
    }
}
