package io.mediagateway.sync.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.CommandValidation;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.Presence;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the service: one instance per task (a partition of users). For each record of
 * {@code sync.device-events} it validates, drops duplicates, stamps the event with its HLC, merges it
 * into the per-item CRDT stores and forwards one delta per visible change to {@code sync.state-deltas};
 * a record that breaks a rule goes to {@code sync.dead-letters} with its reason. A wall-clock
 * punctuator marks devices offline when their heartbeats stop.
 *
 * <p>Cost per event: one read and one write of the item it touches (plus the clock, and the duplicate
 * window when it has a {@code message_id}), whatever the size of the user's state. Deltas are
 * deterministic: ids come from the input record's partition and offset, times from the event and the
 * record, so reprocessing the same log gives the same deltas and the same stores.
 */
final class IngestProcessor implements Processor<byte[], byte[], Object, Object> {
    static final String DELTAS_SINK = "state-deltas-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    /** How many devices one presence sweep marks offline at most; the rest wait for the next sweep. */
    static final int MAX_TIMEOUTS_PER_SWEEP = 10_000;
    static final long DEFAULT_COMMAND_TTL_MICROS = 5_000_000L;

    private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);
    private static final String CLOCK_KEY = "hlc";
    private static final String WINDOW_MARKER = UserKeys.key("", "window-marker");
    private static final byte[] EMPTY = new byte[0];

    private final SyncTopology.Settings settings;
    private final EventParser parser = new EventParser();
    private final StateCodec codec;
    private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> watchlist;
    private KeyValueStore<String, byte[]> progress;
    private KeyValueStore<String, byte[]> preferences;
    private KeyValueStore<String, byte[]> devices;
    private KeyValueStore<String, byte[]> nowPlaying;
    private KeyValueStore<Bytes, byte[]> presenceIndex;
    private WindowStore<String, Long> messageIds;
    private KeyValueStore<String, Long> clock;

    /** Time of the record being processed, and of the last one, for the presence clock (see {@link #presenceNow}). */
    private long streamTimeMs = -1;
    private long lastRecordTimestampMs = -1;
    private long lastRecordWallMs = -1;
    /** Stream time of the last duplicate-window marker; the first record of a task instance writes one. */
    private long windowMarkedAtMs = Long.MIN_VALUE / 2;
    private final long markInterval;

    IngestProcessor(SyncTopology.Settings settings) {
        this.settings = settings;
        this.codec = new StateCodec(settings.watchlistPolicy());
        this.markInterval = Math.max(1, settings.dedupWindow().toMillis() / 4);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        watchlist = context.getStateStore(SyncStores.WATCHLIST);
        progress = context.getStateStore(SyncStores.PROGRESS);
        preferences = context.getStateStore(SyncStores.PREFERENCES);
        devices = context.getStateStore(SyncStores.DEVICES);
        nowPlaying = context.getStateStore(SyncStores.NOW_PLAYING);
        presenceIndex = context.getStateStore(SyncStores.PRESENCE_INDEX);
        messageIds = context.getStateStore(SyncStores.MESSAGE_IDS);
        clock = context.getStateStore(SyncStores.CLOCK);
        if (WindowMarkers.markIfEmpty(messageIds, WINDOW_MARKER, -1L)) {
            context.commit();
        }
        context.schedule(settings.presenceCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expirePresence);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        DeadLetters.Origin origin = origin(record);
        try {
            handle(record, origin);
        } catch (RejectedException e) {
            deadLetter(record, origin, e.reason(), e.getMessage());
        }
    }

    private void handle(Record<byte[], byte[]> record, DeadLetters.Origin origin) {
        String user = userId(record.key());
        IngestEvent event = parser.parse(record.value());
        if (event.userId() != null && !event.userId().equals(user)) {
            throw new RejectedException(RejectReason.USER_MISMATCH, "'user_id' is '" + event.userId()
                    + "' but the record key is '" + user + "'");
        }
        long wallNow = context.currentSystemTimeMs();
        if (event.hasHlc() && Hlc.isTooFarAhead(event.hlc(), wallNow, settings.maxClockSkewMs())) {
            throw new RejectedException(RejectReason.CLOCK_SKEW, Hlc.skewMessage(event.hlc(), wallNow, settings.maxClockSkewMs()));
        }
        noteRecordTime(record.timestamp(), wallNow);
        if (streamTimeMs - windowMarkedAtMs >= markInterval) {
            markDuplicateWindow();
        }
        if (event.messageId() != null && isDuplicate(user, event.messageId(), record.timestamp(), origin)) {
            log.debug("Duplicate message_id {} of user {} at {}: ignored", event.messageId(), user, origin);
            return;
        }
        Stamp stamp = new Stamp(observe(event, record.timestamp()), event.deviceId());
        // When the record says it happened (never later than now): presence is judged by it.
        long seenAt = Math.max(0, Math.min(record.timestamp(), wallNow));
        Emitter out = new Emitter(user, origin, record.timestamp());
        IngestEvent.Payload p = event.payload();
        if (p instanceof IngestEvent.WatchlistAdd add) {
            String tag = add.uniqueTag() != null ? add.uniqueTag() : stamp.deviceId() + "@" + stamp.hlc();
            updateWatchlist(out, add.contentId(), "add", stamp,
                    e -> e.add(tag, stamp, add.metadata(), settings.watchlistPolicy()));
        } else if (p instanceof IngestEvent.WatchlistRemove remove) {
            updateWatchlist(out, remove.contentId(), "remove", stamp,
                    e -> e.remove(remove.observedTags(), stamp, settings.watchlistPolicy()));
        } else if (p instanceof IngestEvent.ProgressWrite write) {
            writeProgress(out, write, stamp);
        } else if (p instanceof IngestEvent.PreferenceWrite write) {
            writePreference(out, write, stamp);
        } else if (p instanceof IngestEvent.DeviceSeen seen) {
            updateDevice(out, stamp, DeviceRecord.seen(seen.info(), stamp, seenAt), seenAt);
        } else if (p instanceof IngestEvent.DeviceLeave) {
            updateDevice(out, stamp, DeviceRecord.left(stamp), seenAt);
        } else if (p instanceof IngestEvent.RemoteCommand command) {
            long expires = command.expiresAtMicros() != IngestEvent.NO_HLC ? command.expiresAtMicros()
                    : Hlc.physicalMs(stamp.hlc()) * 1000 + DEFAULT_COMMAND_TTL_MICROS;
            command(out, stamp, command.targetDeviceId(), command.type(), command.params(), expires, wallNow);
        } else if (p instanceof IngestEvent.Handoff handoff) {
            handoff(out, stamp, handoff, wallNow);
        }
    }

    // ---- the event HLC and duplicates

    /**
     * The event HLC, and the task's clock updated with it (contract §2). The clock lives in a store and
     * an event without a time is stamped from its record's timestamp, not from the wall clock, so a
     * replay of the log assigns the same HLCs as the first run did.
     */
    private long observe(IngestEvent event, long recordTimestamp) {
        Long stored = clock.get(CLOCK_KEY);
        long last = stored == null ? 0L : stored;
        long eventHlc;
        long next;
        if (event.hasHlc()) {
            eventHlc = event.hlc();
            next = Math.max(last, eventHlc);
        } else {
            eventHlc = Math.max(Hlc.pack(Math.max(0L, recordTimestamp), 0), last + 1);
            next = eventHlc;
        }
        if (next != last) {
            clock.put(CLOCK_KEY, next);
        }
        return eventHlc;
    }

    /**
     * Keeps one live entry in the duplicate window. Kafka Streams 4 keeps a window store's committed
     * changelog offset inside its segments; a window store without a segment (no {@code message_id} within
     * the window) has none, and under exactly-once a task with such a store and other stores on disk is
     * declared corrupted when it is opened again: its whole state is wiped and restored from the
     * changelogs, on every restart and every move of a standby to active (BENCHMARKS.md, B9;
     * {@code StateRestartIT}). One marker entry per task, rewritten whenever stream time has moved a
     * quarter of the window, keeps a segment alive (and {@link WindowMarkers#markIfEmpty} one in a task
     * that has processed nothing yet). It is stamped with stream time, never the wall
     * clock, so a replay writes the same entries and never expires real ones early. Its key has an
     * empty user, which no event can have.
     */
    private void markDuplicateWindow() {
        messageIds.put(WINDOW_MARKER, -1L, Math.max(0, streamTimeMs));
        windowMarkedAtMs = streamTimeMs;
    }

    /** Whether the user sent this {@code message_id} within the duplicate window; remembers it if not. */
    private boolean isDuplicate(String user, String messageId, long timestamp, DeadLetters.Origin origin) {
        String key = UserKeys.key(user, messageId);
        long window = settings.dedupWindow().toMillis();
        try (WindowStoreIterator<Long> it = messageIds.fetch(key, Math.max(0, timestamp - window), timestamp + window)) {
            if (it.hasNext()) {
                return true;
            }
        }
        messageIds.put(key, origin.offset(), Math.max(0, timestamp));
        return false;
    }

    // ---- watchlist

    private void updateWatchlist(Emitter out, String contentId, String operation, Stamp stamp,
                                 UnaryOperator<OrElement<ContentMetadata>> change) {
        String key = UserKeys.key(out.user, contentId);
        byte[] stored = watchlist.get(key);
        OrElement<ContentMetadata> before = stored == null ? OrElement.empty() : codec.decodeElement(stored);
        OrElement<ContentMetadata> after = change.apply(before);
        if (after.equals(before)) {
            return;
        }
        if (after.isEmpty()) {
            watchlist.delete(key);
        } else {
            watchlist.put(key, codec.encodeElement(after));
        }
        ContentMetadata shown = shownMetadata(after);
        List<String> added = new ArrayList<>();
        after.live().forEach((tag, dot) -> {
            if (!dot.equals(before.live().get(tag))) {
                added.add(tag);
            }
        });
        List<String> removed = before.live().keySet().stream().filter(tag -> !after.live().containsKey(tag)).toList();
        if (!added.isEmpty() || !removed.isEmpty() || !shownMetadata(before).equals(shown)) {
            out.emit(new Delta.Watchlist(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), operation, contentId,
                    new ArrayList<>(after.live().keySet()), after.isPresent(), shown, added, removed));
        }
    }

    private static ContentMetadata shownMetadata(OrElement<ContentMetadata> element) {
        return element.newest().map(e -> e.getValue().metadata()).orElse(ContentMetadata.NONE);
    }

    // ---- progress and preferences (LWW registers)

    private void writeProgress(Emitter out, IngestEvent.ProgressWrite write, Stamp stamp) {
        String key = UserKeys.key(out.user, write.contentId());
        LwwRegister<PlaybackPosition> register = LwwRegister.of(write.position(), stamp);
        byte[] stored = progress.get(key);
        if (stored == null || codec.decodeProgress(stored).isSupersededBy(register)) {
            progress.put(key, codec.encodeProgress(register));
            out.emit(new Delta.Progress(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), write.contentId(),
                    write.position()));
        }
        notePlaying(out.user, stamp, write.contentId());
    }

    /** Remembers which content a device last reported progress for: {@code Seek} needs its target to be playing. */
    private void notePlaying(String user, Stamp stamp, String contentId) {
        String key = UserKeys.key(user, stamp.deviceId());
        byte[] stored = nowPlaying.get(key);
        if (stored != null && Json.parse(stored).path("hlc").asLong() >= stamp.hlc()) {
            return;
        }
        ObjectNode node = Json.object();
        node.put("hlc", stamp.hlc());
        node.put("content_id", contentId);
        nowPlaying.put(key, Json.bytes(node));
    }

    /**
     * Whether a device is playing something: the content it last reported on has, as its winning
     * progress, that device's own report, and that report says Playing. Another device taking over
     * the content, or the device's own pause or stop, ends it. Two reads, whatever the user holds.
     */
    private boolean isPlaying(String user, String deviceId) {
        byte[] stored = nowPlaying.get(UserKeys.key(user, deviceId));
        if (stored == null) {
            return false;
        }
        byte[] progressValue = progress.get(UserKeys.key(user, Json.parse(stored).path("content_id").asText()));
        if (progressValue == null) {
            return false;
        }
        LwwRegister<PlaybackPosition> winner = codec.decodeProgress(progressValue);
        return winner.stamp().deviceId().equals(deviceId) && winner.value().state() == PlaybackState.PLAYING;
    }

    private void writePreference(Emitter out, IngestEvent.PreferenceWrite write, Stamp stamp) {
        String key = UserKeys.key(out.user, write.key());
        LwwRegister<PreferenceValue> register = LwwRegister.of(write.value(), stamp);
        byte[] stored = preferences.get(key);
        if (stored == null || codec.decodePreference(stored).isSupersededBy(register)) {
            preferences.put(key, codec.encodePreference(register));
            out.emit(new Delta.Preference(out.user, stamp.hlc(), stamp.deviceId(), out.nextId(), write.key(),
                    write.value()));
        }
    }

    // ---- devices and presence

    private void updateDevice(Emitter out, Stamp stamp, DeviceRecord write, long atMs) {
        String deviceId = stamp.deviceId();
        DeviceRecord before = device(out.user, deviceId);
        if (before != null && before.isDue(atMs, settings.presenceTimeoutMs())) {
            // The device went silent for the timeout before this event: that timeout is part of its
            // history whether or not a sweep saw it, so a replay of the log tells the same story.
            before = expire(out.user, deviceId, before, out.timestamp);
        }
        DeviceRecord after = before == null ? write : before.merge(write);
        if (after.equals(before)) {
            return;
        }
        saveDevice(out.user, deviceId, before, after);
        visibleDeviceChange(before, after).ifPresent(type -> out.emit(deviceDelta(type, out.user, stamp.hlc(), deviceId,
                out.nextId(), after)));
    }

    /** Which delta a device change makes visible: online, offline, a new description, or none. */
    private static Optional<String> visibleDeviceChange(DeviceRecord before, DeviceRecord after) {
        boolean wasOnline = before != null && before.online();
        if (after.online() != wasOnline || before == null) {
            return Optional.of(after.online() ? "device_online" : "device_offline");
        }
        if (!Objects.equals(infoValue(before), infoValue(after))) {
            return Optional.of("device_updated");
        }
        return Optional.empty();
    }

    private static DeviceInfo infoValue(DeviceRecord record) {
        return record.info().map(LwwRegister::value).orElse(null);
    }

    private static Delta.Device deviceDelta(String type, String user, long hlc, String deviceId, String deltaId,
                                            DeviceRecord record) {
        String reason = switch (record.presence().value()) {
            case OFFLINE_LEAVE -> "leave";
            case OFFLINE_TIMEOUT -> "timeout";
            default -> null;
        };
        return new Delta.Device(type, user, hlc, deviceId, deltaId, infoValue(record), record.online(),
                "device_offline".equals(type) ? reason : null, record.lastSeenMs());
    }

    private DeviceRecord device(String user, String deviceId) {
        byte[] stored = devices.get(UserKeys.key(user, deviceId));
        return stored == null ? null : codec.decodeDevice(stored);
    }

    /** Saves a device and keeps the presence index in step: an entry exactly for each online device. */
    private void saveDevice(String user, String deviceId, DeviceRecord before, DeviceRecord after) {
        devices.put(UserKeys.key(user, deviceId), codec.encodeDevice(after));
        Bytes oldEntry = before != null && before.online() ? UserKeys.deadlineKey(before.lastSeenMs(), user, deviceId) : null;
        Bytes newEntry = after.online() ? UserKeys.deadlineKey(after.lastSeenMs(), user, deviceId) : null;
        if (!Objects.equals(oldEntry, newEntry)) {
            if (oldEntry != null) {
                presenceIndex.delete(oldEntry);
            }
            if (newEntry != null) {
                presenceIndex.put(newEntry, EMPTY);
            }
        }
    }

    /**
     * The wall-clock punctuator: marks offline every device not seen for the presence timeout. It
     * reads the index from its start up to the cutoff, so its cost is the number of devices that are
     * due, not the number of devices.
     */
    private void expirePresence(long wallNow) {
        long now = presenceNow(wallNow);
        long cutoff = now - settings.presenceTimeoutMs();
        if (cutoff < 0) {
            return;
        }
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = presenceIndex.range(null, UserKeys.deadlineUpperBound(cutoff))) {
            while (it.hasNext() && due.size() < MAX_TIMEOUTS_PER_SWEEP) {
                due.add(it.next().key);
            }
        }
        for (Bytes entry : due) {
            String id = UserKeys.deadlineId(entry);
            String user = UserKeys.user(id);
            String deviceId = UserKeys.item(id);
            DeviceRecord before = device(user, deviceId);
            if (before != null && before.isDue(now, settings.presenceTimeoutMs())) {
                expire(user, deviceId, before, now);
            } else {
                presenceIndex.delete(entry);
            }
        }
        if (!due.isEmpty()) {
            log.debug("Presence sweep at {}: {} device(s) due", now, due.size());
        }
    }

    /**
     * Marks a device offline by timeout and emits {@code device_offline} (reason {@code timeout}). The
     * delta's HLC is that of the device's last presence event, and its id names the user, that HLC and
     * the device: one silence, one id, however it is detected.
     */
    private DeviceRecord expire(String user, String deviceId, DeviceRecord before, long timestamp) {
        DeviceRecord after = before.timeout();
        saveDevice(user, deviceId, before, after);
        long hlc = after.presence().stamp().hlc();
        Delta delta = deviceDelta("device_offline", user, hlc, deviceId, "timeout:" + user + ":" + hlc + ":" + deviceId,
                after);
        emit(new Record<>(user, DeltaCodec.encode(delta), timestamp), DELTAS_SINK);
        return after;
    }

    /**
     * The time presence is judged by: the wall clock, except while this task is catching up on old
     * records (the last record, processed moments ago, was older than the timeout) — a replay or a
     * restart after an outage. Then it is the time of the log, so devices time out where the log says
     * they went silent, not between two heartbeats the replay has not reached yet.
     */
    private long presenceNow(long wallNow) {
        boolean recentlyActive = lastRecordWallMs >= 0
                && wallNow - lastRecordWallMs <= 2 * settings.presenceCheckInterval().toMillis();
        boolean oldRecords = lastRecordWallMs - lastRecordTimestampMs > settings.presenceTimeoutMs();
        return recentlyActive && oldRecords ? streamTimeMs : wallNow;
    }

    private void noteRecordTime(long timestamp, long wallNow) {
        streamTimeMs = Math.max(streamTimeMs, timestamp);
        lastRecordTimestampMs = timestamp;
        lastRecordWallMs = wallNow;
    }

    // ---- remote commands and handoff

    private void command(Emitter out, Stamp stamp, String targetId, CommandType type, PreferenceValue params,
                         long expiresAtMicros, long wallNow) {
        Optional<DeviceRecord> target = Optional.ofNullable(device(out.user, targetId))
                .map(r -> r.isDue(wallNow, settings.presenceTimeoutMs()) ? r.timeout() : r);
        boolean playing = type == CommandType.SEEK && isPlaying(out.user, targetId);
        Optional<CommandValidation.Rejection> rejection =
                CommandValidation.validate(type, expiresAtMicros, wallNow * 1000, target, playing);
        out.emit(new Delta.Command(rejection.isPresent() ? "command_rejected" : "remote_command", out.user, stamp.hlc(),
                stamp.deviceId(), out.nextId(), targetId, type, params, expiresAtMicros,
                rejection.map(CommandValidation.Rejection::code).orElse(null)));
    }

    private void handoff(Emitter out, Stamp stamp, IngestEvent.Handoff handoff, long wallNow) {
        byte[] stored = progress.get(UserKeys.key(out.user, handoff.contentId()));
        double start = stored == null ? 0.0 : codec.decodeProgress(stored).value().resumePositionSeconds();
        ObjectNode params = Json.object();
        params.put("content_id", handoff.contentId());
        params.put("start_position", start);
        long expires = Hlc.physicalMs(stamp.hlc()) * 1000 + DEFAULT_COMMAND_TTL_MICROS;
        command(out, stamp, handoff.targetDeviceId(), CommandType.LOAD_CONTENT, new PreferenceValue(Json.string(params)),
                expires, wallNow);
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

    /** Deltas of one input record: ids {@code <partition>-<offset>-<n>}, the same on every reprocessing. */
    private final class Emitter {
        final String user;
        final DeadLetters.Origin origin;
        final long timestamp;
        int next;

        Emitter(String user, DeadLetters.Origin origin, long timestamp) {
            this.user = user;
            this.origin = origin;
            this.timestamp = timestamp;
        }

        String nextId() {
            return origin.partition() + "-" + origin.offset() + "-" + next++;
        }

        void emit(Delta delta) {
            IngestProcessor.this.emit(new Record<>(user, DeltaCodec.encode(delta), timestamp), DELTAS_SINK);
        }
    }
}
