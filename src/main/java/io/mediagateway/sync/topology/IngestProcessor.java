package io.mediagateway.sync.topology;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.ingest.NotificationParser;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.NotificationIndex;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.ingest.CommandSteps;
import io.mediagateway.sync.topology.ingest.CommitPace;
import io.mediagateway.sync.topology.ingest.Deltas;
import io.mediagateway.sync.topology.ingest.DeviceSteps;
import io.mediagateway.sync.topology.ingest.Duplicates;
import io.mediagateway.sync.topology.ingest.Erasures;
import io.mediagateway.sync.topology.ingest.History;
import io.mediagateway.sync.topology.ingest.NotificationSteps;
import io.mediagateway.sync.topology.ingest.PresenceSweep;
import io.mediagateway.sync.topology.ingest.RegisterSteps;
import io.mediagateway.sync.topology.ingest.TaskClock;
import io.mediagateway.sync.topology.ingest.TaskTime;
import io.mediagateway.sync.topology.ingest.UserStores;
import io.mediagateway.sync.topology.ingest.WatchlistStep;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the service: one instance per task (a partition of users). For each record of
 * {@code sync.device-events} it validates, drops duplicates, stamps the event with its HLC, merges it
 * into the per-item CRDT stores and forwards one delta per visible change to {@code sync.state-deltas};
 * a record that breaks a rule goes to {@code sync.dead-letters} with its reason. A wall-clock
 * punctuator marks devices offline when their heartbeats stop. Records of {@code sync.notifications} (contract
 * §14) come to the same processor: a user's notifications are kept beside the rest of the user's state
 * ({@code NotificationSteps}), and their reads and dismisses are device events.
 *
 * <p>A thin dispatcher: the rules every event passes are here; what an event of each kind does is one
 * small step in {@code topology.ingest}, whose decisions are the model's pure functions
 * ({@code WatchlistChanges}, {@code DeviceChanges}, {@code CommandValidation}, {@code NotificationChanges}).
 *
 * <p>Cost per event: one read and one write of the item it touches (plus the clock, and the duplicate
 * window when it has a {@code message_id}), whatever the size of the user's state. Deltas are
 * deterministic: ids come from the input record's partition and offset, times from the event and the
 * record, so reprocessing the same log gives the same deltas and the same stores.
 */
final class IngestProcessor implements Processor<byte[], byte[], Object, Object> {
    static final String DELTAS_SINK = "state-deltas-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);

    private final SyncTopology.Settings settings;
    private final EventParser parser = new EventParser();
    private final NotificationParser notificationParser = new NotificationParser();
    private final StateCodec codec;
    private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);

    private ProcessorContext<Object, Object> context;
    private TaskTime time;
    private TaskClock clock;
    private Duplicates duplicates;
    private WatchlistStep watchlist;
    private RegisterSteps registers;
    private DeviceSteps devices;
    private CommandSteps commands;
    private History history;
    private NotificationSteps notifications;
    private Erasures erasures;
    private CommitPace.Task commitPace;
    private org.apache.kafka.streams.processor.Cancellable commitTick;

    IngestProcessor(SyncTopology.Settings settings) {
        this.settings = settings;
        this.codec = new StateCodec(settings.watchlistPolicy());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        UserStores stores = new UserStores(context, codec, settings.presenceTimeouts());
        time = new TaskTime(settings.presenceTimeoutMs(), settings.presenceCheckInterval().toMillis());
        clock = new TaskClock(context);
        duplicates = new Duplicates(context, settings.dedupWindow());
        history = new History(context, settings.history(), settings.regions().self());
        watchlist = new WatchlistStep(stores);
        registers = new RegisterSteps(stores);
        devices = new DeviceSteps(stores, this::emitDelta);
        commands = new CommandSteps(stores, devices);
        notifications = new NotificationSteps(context, codec, NotificationIndex.Limits.DEFAULT);
        erasures = new Erasures(context, stores, notifications, history, duplicates);
        PresenceSweep sweep = new PresenceSweep(stores, devices, time);
        context.schedule(settings.presenceCheckInterval(), PunctuationType.WALL_CLOCK_TIME, wallNow -> {
            sweep.run(wallNow);
            duplicates.expire(time.streamTimeMs());
        });
        commitPace = new CommitPace.Task(StreamsProperties.caughtUpCommitInterval(context.appConfigs()).toMillis());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        pace(commitPace.noteRecord(record.timestamp(), context.currentSystemTimeMs()));
        DeadLetters.Origin origin = origin(record);
        try {
            if (Topics.NOTIFICATIONS.name().equals(settings.regions().localName(origin.topic()))) {
                notification(record, origin);
            } else {
                handle(record, origin);
            }
        } catch (RejectedException e) {
            deadLetter(record, origin, e.reason(), e.getMessage());
        }
    }

    /**
     * While the task's records are fresh it ticks every millisecond the thread gives it (each pass: a commit due is
     * asked for in the pass that finds it due, as Kafka Streams' own would be); while it works through a backlog it
     * does not tick at all — a punctuation halves the records Kafka Streams processes per pass, as a commit does.
     */
    private void pace(boolean fresh) {
        if (fresh && commitTick == null) {
            commitTick = context.schedule(java.time.Duration.ofMillis(1), PunctuationType.WALL_CLOCK_TIME, t -> {
                if (commitPace.tick(context.currentSystemTimeMs())) {
                    context.commit();
                }
            });
        } else if (!fresh && commitTick != null) {
            commitTick.cancel();
            commitTick = null;
        }
    }

    /** The rules every event passes (§1, §2, §4), then the one step of its kind. */
    private void handle(Record<byte[], byte[]> record, DeadLetters.Origin origin) {
        String user = userId(record.key());
        IngestEvent event = parser.parse(record.value());
        if (event.userId() != null && !event.userId().equals(user)) {
            throw new RejectedException(RejectReason.USER_MISMATCH, "'user_id' is '" + event.userId()
                    + "' but the record key is '" + user + "'");
        }
        long wallNow = context.currentSystemTimeMs();
        // Skew is judged by the region an event was written in, against its own clock: a peer's event was accepted
        // there, and judging it again against this region's clock could refuse here what the other region applied.
        Deltas out = new Deltas(user, origin, settings.regions(), record.timestamp(), this::emitDelta);
        if (out.writtenHere() && event.hasHlc() && Hlc.isTooFarAhead(event.hlc(), wallNow, settings.maxClockSkewMs())) {
            throw new RejectedException(RejectReason.CLOCK_SKEW, Hlc.skewMessage(event.hlc(), wallNow, settings.maxClockSkewMs()));
        }
        time.noteRecord(record.timestamp(), wallNow);
        // An event of an erased user's from before the erasure (late, or replayed) brings nothing back (§16). One
        // without a time of its own is judged by its record time with regions (its stamp there, the same in every
        // region: a peer's event may arrive after the erasure in one region and before it in another).
        if (event.hasHlc() ? erasures.covers(user, event.hlc())
                : settings.regions().active() && erasures.coversRecordTime(user, record.timestamp())) {
            log.debug("Event of user {} at {} from before the user's erasure: passed over", user, origin);
            return;
        }
        // A repeated heartbeat that carries its own time shows nothing new: presence is ordered by that HLC, so
        // a repeat neither emits a delta nor brings back a device that timed out since; at most it moves
        // last_seen to its own record time. Such heartbeats are not looked up among the message ids — a
        // store lookup and two puts per heartbeat, the bulk of a fleet's traffic (B12). One without a time is
        // stamped at its arrival, so its repeat would be a new heartbeat: it is looked up like any event.
        if (event.messageId() != null && !isTimedHeartbeat(event)
                && duplicates.isDuplicate(user, event.messageId(), record.timestamp(), origin.offset())) {
            log.debug("Duplicate message_id {} of user {} at {}: ignored", event.messageId(), user, origin);
            return;
        }
        Stamp stamp = new Stamp(clock.observe(event, record.timestamp(), settings.regions().active()), event.deviceId());
        // When the record says it happened (never later than now): presence is judged by it.
        long seenAt = Math.max(0, Math.min(record.timestamp(), wallNow));
        IngestEvent.Payload p = event.payload();
        if (p instanceof IngestEvent.WatchlistAdd add) {
            String tag = add.uniqueTag() != null ? add.uniqueTag() : stamp.deviceId() + "@" + stamp.hlc();
            watchlist.apply(out, add.contentId(), "add", stamp, e -> e.add(tag, stamp, add.metadata(), settings.watchlistPolicy()));
        } else if (p instanceof IngestEvent.WatchlistRemove remove) {
            boolean everyOlder = remove.observedTags() == null && settings.regions().active();
            watchlist.apply(out, remove.contentId(), "remove", stamp, e -> everyOlder
                    ? e.removeOlder(stamp, settings.watchlistPolicy())
                    : e.remove(remove.observedTags(), stamp, settings.watchlistPolicy()));
        } else if (p instanceof IngestEvent.ProgressWrite write) {
            registers.progress(out, write, stamp);
        } else if (p instanceof IngestEvent.ProgressRemove remove) {
            registers.removeProgress(out, remove.contentId(), stamp);
        } else if (p instanceof IngestEvent.PreferenceWrite write) {
            registers.preference(out, write, stamp);
        } else if (p instanceof IngestEvent.DeviceSeen seen) {
            devices.apply(out, stamp, stamp.deviceId(), DeviceRecord.seen(seen.info(), stamp, seenAt, seen.background())
                    .in(out.region()), seenAt);
        } else if (p instanceof IngestEvent.DeviceLeave) {
            devices.apply(out, stamp, stamp.deviceId(), DeviceRecord.left(stamp).in(out.region()), seenAt);
        } else if (p instanceof IngestEvent.DeviceRemove remove) {
            devices.apply(out, stamp, remove.targetDeviceId(), DeviceRecord.removal(stamp).in(out.region()), seenAt);
        } else if (p instanceof IngestEvent.RemoteCommand command) {
            commands.command(out, stamp, command, wallNow);
        } else if (p instanceof IngestEvent.Handoff handoff) {
            commands.handoff(out, stamp, handoff, wallNow);
        } else if (p instanceof IngestEvent.NotificationMark mark) {
            notifications.mark(out, mark.notificationId(), mark.dismissed(), stamp, wallNow);
        } else if (p instanceof IngestEvent.UserErase) {
            erasures.erase(out, stamp);
        }
    }

    /**
     * A record of {@code sync.notifications} (contract §14). One sent without a {@code notification_id} gets its
     * place in the log as id, so a replay gives it the same one.
     */
    private void notification(Record<byte[], byte[]> record, DeadLetters.Origin origin) {
        String user = userId(record.key());
        Notification n = notificationParser.parse(record.value(), user, record.timestamp());
        if (n.id() == null) {
            n = n.withId(settings.regions().active() ? regionalId(record) : origin.partition() + "-" + origin.offset());
        }
        long wallNow = context.currentSystemTimeMs();
        time.noteRecord(record.timestamp(), wallNow);
        if (erasures.coversRecordTime(user, record.timestamp())) {
            log.debug("Notification of user {} at {} from before the user's erasure: passed over", user, origin);
            return;
        }
        Deltas out = new Deltas(user, origin, settings.regions(), record.timestamp(), this::emitDelta);
        notifications.arrived(out, n, clock.stamp(record.timestamp(), settings.regions().active()), record.timestamp(),
                wallNow);
    }

    /**
     * The id of a notification sent without one, in a region with peers: its place in the log differs between the
     * region it was sent to and the remote topic that carries it to the others, so the id is made of what every
     * region reads alike — the record's key, timestamp and value ({@code h} and 24 hex digits of their SHA-256).
     */
    private static String regionalId(Record<byte[], byte[]> record) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(record.key() == null ? new byte[0] : record.key());
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(record.timestamp()).array());
            sha.update(record.value() == null ? new byte[0] : record.value());
            return "h" + HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static boolean isTimedHeartbeat(IngestEvent event) {
        return event.hasHlc() && "device_heartbeat".equals(event.msgType());
    }

    // ---- input and output

    private static String userId(byte[] key) {
        if (key == null) {
            throw new RejectedException(RejectReason.MISSING_KEY, "the record has no key; the key must be the user id");
        }
        if (Identifiers.isUserIdKey(key)) {
            return new String(key, StandardCharsets.US_ASCII);
        }
        String user;
        try {
            user = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            throw new RejectedException(RejectReason.INVALID_USER_ID, "the record key is not UTF-8");
        }
        if (!Identifiers.isUserId(user)) {
            throw new RejectedException(RejectReason.INVALID_USER_ID, "the record key must be a user id: "
                    + Identifiers.USER_ID_RULE);
        }
        return user;
    }

    /**
     * A delta: appended to the user's history (which gives it its cursor), then written — with a {@code sync.region}
     * header naming the region its input was written in, when regions are configured (the PubNub egress publishes only
     * its own region's: contract §16).
     */
    private void emitDelta(String user, Delta delta, long timestamp, String region) {
        Record<Object, Object> out = new Record<>(user, history.append(user, delta, timestamp), timestamp);
        if (region != null) {
            out.headers().add(Topics.REGION_HEADER, region.getBytes(StandardCharsets.UTF_8));
        }
        emit(out, DELTAS_SINK);
    }

    /** Writes a delta or dead letter, unless the topology is {@linkplain SyncTopology.Settings#silent() silent}. */
    private void emit(Record<Object, Object> record, String sink) {
        if (!settings.silent()) {
            context.forward(record, sink);
        }
    }

    /** The record's place on {@code sync.device-events}, also for records that came through the repartition topic. */
    private DeadLetters.Origin origin(Record<byte[], byte[]> record) {
        var metadata = context.recordMetadata().orElseThrow();
        return DeadLetters.origin(metadata.topic(), metadata.partition(), metadata.offset(), record.headers());
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetters.Origin origin, RejectReason reason, String message) {
        emit(new Record<>(record.key(), record.value(), record.timestamp(),
                DeadLetters.headers(record.headers(), reason, message, origin)), DEAD_LETTERS_SINK);
        long count = rejected.merge(reason, 1L, Long::sum);
        if (settings.silent()) {
            log.debug("Rejected with reason {} (silent replay: not written) in task {}: {}", reason.code(),
                    context.taskId(), message);
        } else if (count == 1 || count % 1000 == 0) {
            log.warn("Dead letter #{} with reason {} in task {}: {} ({}-{}@{})", count, reason.code(), context.taskId(),
                    message, origin.topic(), origin.partition(), origin.offset());
        }
    }
}
