package io.mediagateway.sync.analytics;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.topology.UserKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first analytics stage, per user: turns progress events into viewing sessions and forwards what
 * each event adds to its content's figures, keyed by content id and stamped with the event time.
 *
 * <ul>
 * <li>A <b>start</b> is the first event of a session: the first progress of a user for a content, the
 *     first after the user stopped it, or the first after {@code sessionTimeout} without any.</li>
 * <li>A <b>completion</b> is the first event of a session at ≥ 90 % (once per session).</li>
 * <li>An <b>abandon</b> is a {@code Stopped} event below 90 % in a session not completed; it ends the session.
 *     Another {@code Stopped} after that changes nothing.</li>
 * <li><b>Watch time</b>: after a {@code Playing} event, how far the position advanced by the next
 *     event, at most the event time that passed (a seek forward is not watching).</li>
 * </ul>
 * An event whose HLC is not above the last one counted for that user and content is a repeat or
 * arrived after a newer one: it counts nothing, so repeated updates never count twice. An event
 * whose hour ended more than the grace period before the newest event time this task has seen is
 * late and dropped. Event time is the event's HLC, else its record's timestamp. When the newest event
 * time enters a new minute, a tick (key {@link #TICK}) carries it forward to the trending list. Records that are not
 * valid progress events are skipped here (the serving application dead-letters the invalid ones).
 */
final class ViewingSessions implements Processor<byte[], byte[], String, HourlyCounts> {
    private static final Logger log = LoggerFactory.getLogger(ViewingSessions.class);
    private static final String CLOCK_KEY = "max_event_time_ms";
    private static final long HOUR_MS = AnalyticsSettings.HOUR.toMillis();
    private static final long MINUTE_MS = 60_000;
    private static final byte[] NOTHING = new byte[0];
    /** The key of a tick: the newest event time, for the trending window (no content id is empty). */
    static final String TICK = "";

    private final AnalyticsSettings settings;
    private final AnalyticsCounters counters;
    private final EventParser parser = new EventParser();
    private ProcessorContext<String, HourlyCounts> context;
    private KeyValueStore<String, byte[]> sessions;
    private KeyValueStore<Bytes, byte[]> sessionsByTime;
    private KeyValueStore<String, Long> clock;
    private long maxEventTimeMs = Long.MIN_VALUE;
    private long tickedMinute = Long.MIN_VALUE;

    ViewingSessions(AnalyticsSettings settings, AnalyticsCounters counters) {
        this.settings = settings;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, HourlyCounts> context) {
        this.context = context;
        sessions = context.getStateStore(AnalyticsStores.SESSIONS);
        sessionsByTime = context.getStateStore(AnalyticsStores.SESSIONS_BY_TIME);
        clock = context.getStateStore(AnalyticsStores.EVENT_CLOCK);
        Long stored = clock.get(CLOCK_KEY);
        maxEventTimeMs = stored == null ? Long.MIN_VALUE : stored;
        // Stream time, so a replay forgets the same sessions at the same points of the log.
        context.schedule(AnalyticsSettings.HOUR, PunctuationType.STREAM_TIME, t -> forgetIdleSessions());
    }

    /**
     * Erasure (contract §16): the user's viewing sessions (content, times, positions) go. The hourly figures they
     * counted into stay: they are per content, not per user.
     */
    private void erase(String user) {
        List<KeyValue<String, byte[]>> mine = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = sessions.prefixScan(UserKeys.prefix(user), new StringSerializer())) {
            it.forEachRemaining(mine::add);
        }
        for (KeyValue<String, byte[]> kv : mine) {
            ViewingSession session = ViewingSession.decode(kv.value);
            sessionsByTime.delete(UserKeys.deadlineKey(Math.max(0, session.lastTimeMs()), user, UserKeys.item(kv.key)));
            sessions.delete(kv.key);
        }
        log.info("Analytics: user {} erased, {} viewing session(s) deleted", user, mine.size());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        IngestEvent event;
        try {
            event = parser.parse(record.value());
        } catch (RejectedException e) {
            counters.skipped();
            return;
        }
        if (event.payload() instanceof IngestEvent.UserErase) {
            erase(new String(record.key(), StandardCharsets.UTF_8));
            return;
        }
        if (!(event.payload() instanceof IngestEvent.ProgressWrite progress)) {
            return;
        }
        String user = new String(record.key(), StandardCharsets.UTF_8);
        if (event.userId() != null && !event.userId().equals(user)) {
            counters.skipped();
            return;
        }
        long hlc = event.hasHlc() ? event.hlc() : Hlc.pack(Math.max(0L, record.timestamp()), 0);
        long eventTime = Hlc.physicalMs(hlc);
        if (!settings.inPeriod(eventTime)) {
            return;
        }
        if (eventTime > maxEventTimeMs) {
            maxEventTimeMs = eventTime;
            clock.put(CLOCK_KEY, eventTime);
            if (Math.floorDiv(eventTime, MINUTE_MS) > tickedMinute) {
                // The trending window moves with event time even when nothing new starts: a tick a minute.
                tickedMinute = Math.floorDiv(eventTime, MINUTE_MS);
                context.forward(new Record<>(TICK, HourlyCounts.ZERO, eventTime));
            }
        }
        long hourEnd = Math.floorDiv(eventTime, HOUR_MS) * HOUR_MS + HOUR_MS;
        if (hourEnd + settings.grace().toMillis() <= maxEventTimeMs) {
            counters.late();
            log.debug("Late progress event of {} for {} at {} (newest event time {}): dropped", user,
                    progress.contentId(), eventTime, maxEventTimeMs);
            return;
        }
        String key = UserKeys.key(user, progress.contentId());
        byte[] stored = sessions.get(key);
        ViewingSession before = stored == null ? null : ViewingSession.decode(stored);
        if (before != null && hlc <= before.lastHlc()) {
            counters.repeated();
            return;
        }
        Step step = step(before, hlc, eventTime, progress.position());
        sessions.put(key, step.session().encode());
        if (before == null || before.lastTimeMs() != eventTime) {
            if (before != null) {
                sessionsByTime.delete(UserKeys.deadlineKey(Math.max(0, before.lastTimeMs()), user, progress.contentId()));
            }
            sessionsByTime.put(UserKeys.deadlineKey(Math.max(0, eventTime), user, progress.contentId()), NOTHING);
        }
        if (!step.counts().isZero()) {
            context.forward(new Record<>(progress.contentId(), step.counts(), eventTime));
        }
    }

    /** The session after an event, and what the event adds to its content's figures. */
    private record Step(ViewingSession session, HourlyCounts counts) {
    }

    private Step step(ViewingSession before, long hlc, long eventTime, PlaybackPosition position) {
        long positionMs = Math.round(position.positionSeconds() * 1000);
        PlaybackState state = position.state();
        boolean expired = before != null && eventTime - before.lastTimeMs() > settings.sessionTimeout().toMillis();
        long starts = 0;
        long completions = 0;
        long abandons = 0;
        long watched = 0;
        boolean completed;
        if (before == null || expired || !before.open()) {
            if (before != null && !expired && state == PlaybackState.STOPPED) {
                // Stopped again after the session ended: nothing new happened.
                return new Step(new ViewingSession(hlc, eventTime, positionMs, state, false, before.completed()),
                        HourlyCounts.ZERO);
            }
            starts = 1;
            completed = false;
        } else {
            completed = before.completed();
            if (before.lastState() == PlaybackState.PLAYING) {
                long advanced = positionMs - before.lastPositionMs();
                watched = Math.max(0, Math.min(advanced, eventTime - before.lastTimeMs()));
            }
        }
        if (position.completed() && !completed) {
            completions = 1;
            completed = true;
        }
        boolean open = true;
        if (state == PlaybackState.STOPPED) {
            if (!completed) {
                abandons = 1;
            }
            open = false;
        }
        return new Step(new ViewingSession(hlc, eventTime, positionMs, state, open, completed),
                new HourlyCounts(starts, completions, abandons, watched));
    }

    /**
     * Forgets sessions idle for longer than the session timeout plus the grace plus an hour: an event
     * still counted lies at most that far back (its hour may have ended up to the grace before the
     * newest event time), so any event of theirs still counted would start a new session anyway and
     * forgetting them changes no figure. The time index is read up to the cutoff only: the cost is the
     * sessions forgotten, not the sessions held.
     */
    private void forgetIdleSessions() {
        if (maxEventTimeMs == Long.MIN_VALUE) {
            return;
        }
        long cutoff = maxEventTimeMs - settings.sessionTimeout().toMillis() - settings.grace().toMillis() - HOUR_MS;
        if (cutoff <= 0) {
            return;
        }
        List<Bytes> idle = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = sessionsByTime.range(null, UserKeys.deadlineUpperBound(cutoff - 1))) {
            while (it.hasNext()) {
                idle.add(it.next().key);
            }
        }
        for (Bytes entry : idle) {
            sessionsByTime.delete(entry);
            sessions.delete(UserKeys.deadlineId(entry));
        }
        if (!idle.isEmpty()) {
            log.debug("Forgot {} idle viewing sessions", idle.size());
        }
    }
}
