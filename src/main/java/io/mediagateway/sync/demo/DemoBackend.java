package io.mediagateway.sync.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's simulated backend services (contract §14): at the start each demo user gets a few notifications — one
 * expiring two minutes later, one urgent, one recommendation — and a new recommendation now and then; an announcement
 * goes to {@code global.announcements} and a regional update to {@code region.{region}.updates} every few minutes.
 * Produced to {@code sync.notifications} and {@code sync.broadcasts} as backend services would.
 */
public final class DemoBackend implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoBackend.class);
    /** The region the demo's web sessions are in (their tokens carry it). */
    public static final String REGION = "eu-west";

    /**
     * @param users         who gets notifications
     * @param announceEvery how often an announcement (and a regional update, half-way between) is broadcast
     * @param recommendEvery how often each user gets another recommendation
     */
    public record Settings(List<String> users, Duration announceEvery, Duration recommendEvery) {
        public static Settings demo(List<String> users) {
            return new Settings(users, Duration.ofMinutes(3), Duration.ofSeconds(90));
        }
    }

    /** One record to produce. */
    public record Message(String topic, String key, String value) {
    }

    private final Settings settings;
    private long startMs = -1;
    private long nextAnnouncement;
    private long nextRegional;
    private long nextRecommendation;
    private int sequence;
    private ScheduledProducer running;

    public DemoBackend(Settings settings) {
        this.settings = settings;
    }

    /** Advances to {@code nowMs}: what the backend sends now. */
    public List<Message> tick(long nowMs) {
        List<Message> out = new ArrayList<>();
        if (startMs < 0) {
            startMs = nowMs;
            for (String user : settings.users()) {
                DemoCatalog.Title leaving = DemoCatalog.TITLES.get(Math.floorMod(user.hashCode(), DemoCatalog.TITLES.size()));
                out.add(notification(user, "content_expiring", leaving.title() + " leaves soon",
                        "Finish it before it leaves the platform in 2 minutes.", "high", nowMs + 120_000, leaving.contentId()));
                out.add(notification(user, "platform_announcement", "Your payment method needs attention",
                        "Update it to keep watching without interruption.", "urgent", null, null));
                out.add(recommendation(user, nowMs));
            }
            nextAnnouncement = nowMs;
            nextRegional = nowMs + settings.announceEvery().toMillis() / 2;
            nextRecommendation = nowMs + settings.recommendEvery().toMillis();
        }
        if (nowMs >= nextAnnouncement) {
            out.add(broadcast("global.announcements", "announcement", "Scheduled maintenance tonight at 02:00 UTC (#"
                    + ++sequence + ")"));
            nextAnnouncement = nowMs + settings.announceEvery().toMillis();
        }
        if (nowMs >= nextRegional) {
            out.add(broadcast("region." + REGION + ".updates", "regional_update", "New titles for " + REGION + " (#"
                    + ++sequence + ")"));
            nextRegional = nowMs + settings.announceEvery().toMillis();
        }
        if (nowMs >= nextRecommendation) {
            for (String user : settings.users()) {
                out.add(recommendation(user, nowMs));
            }
            nextRecommendation = nowMs + settings.recommendEvery().toMillis();
        }
        return out;
    }

    private Message recommendation(String user, long nowMs) {
        DemoCatalog.Title title = DemoCatalog.TITLES.get((int) Math.floorMod(nowMs / 1000 + user.hashCode(),
                (long) DemoCatalog.TITLES.size()));
        return notification(user, "new_recommendation", "Because you watched: " + title.title(),
                title.title() + " (" + title.year() + ") is waiting for you.", "normal", null, title.contentId());
    }

    private Message notification(String user, String type, String title, String body, String priority, Long expiresAtMs,
                                 String contentId) {
        ObjectNode n = Json.object().put("user_id", user).put("notification_id", "demo-" + user + "-" + ++sequence)
                .put("notification_type", type).put("title", title).put("body", body).put("priority", priority);
        if (expiresAtMs != null) {
            n.put("expires_at", Instant.ofEpochMilli(expiresAtMs).toString());
        }
        if (contentId != null) {
            n.putObject("data").put("content_id", contentId);
        }
        return new Message(Topics.NOTIFICATIONS.name(), user, Json.string(n));
    }

    private static Message broadcast(String channel, String msgType, String text) {
        return new Message(Topics.BROADCASTS.name(), channel, Json.string(Json.object().put("channel", channel)
                .put("msg_type", msgType).put("text", text)));
    }

    /** Produces every tick (one a second) until {@link #close()}; the producer is closed with it. */
    public DemoBackend start(Producer<String, String> producer, LongSupplier wallClockMs) {
        running = new ScheduledProducer("demo-backend", producer, Duration.ofSeconds(1), () -> tick(wallClockMs.getAsLong())
                .stream().map(m -> new ProducerRecord<>(m.topic(), m.key(), m.value())).toList());
        log.info("Demo: a simulated backend sends {} users notifications and broadcasts an announcement every {}",
                settings.users().size(), settings.announceEvery());
        return this;
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
    }
}
