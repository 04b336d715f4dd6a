package io.mediagateway.sync.analytics;

import io.mediagateway.sync.codec.AnalyticsCodec;
import io.mediagateway.sync.model.TrendingList;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trending list, on the single partition every start is sent to: starts per content and minute of
 * event time over the last {@code trendingWindow} (minute resolution) of the newest event time seen,
 * ranked by {@link TrendingRanking}. When the newest event time moves on, the minutes that leave the
 * window are subtracted — each counted start is added once and removed once. A changed list is
 * published (topic {@code sync.analytics.trending}, and the {@link AnalyticsStores#TRENDING} store for
 * REST) at most every {@code trendingInterval} of wall-clock time.
 *
 * <p>The window follows event time, not the wall clock, so a replay ranks the same way the live run
 * did: the newest event time of any progress event (each session task sends a tick a minute, so the
 * window moves on when nothing new starts). When no event at all has arrived for {@code trendingIdle}
 * (the live application is caught up and its users are quiet), the window moves on with the wall
 * clock instead, a minute at a time, so the list empties as its starts age rather than stay as it was;
 * replays run with event time only.
 */
final class Trending implements Processor<String, String, String, byte[]> {
    private static final long MINUTE_MS = 60_000;
    private static final String CLOCK_KEY = "max_event_time_ms";

    private final AnalyticsSettings settings;
    private final long windowMinutes;
    private final TrendingRanking ranking = new TrendingRanking();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<Bytes, Long> minutes;
    private KeyValueStore<String, byte[]> trending;
    private long maxEventTimeMs = Long.MIN_VALUE;
    private long lastRecordWallMs;
    private boolean changed;

    Trending(AnalyticsSettings settings) {
        this.settings = settings;
        this.windowMinutes = settings.trendingWindow().toMinutes();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        minutes = context.getStateStore(AnalyticsStores.TRENDING_MINUTES);
        trending = context.getStateStore(AnalyticsStores.TRENDING);
        byte[] clock = trending.get(CLOCK_KEY);
        maxEventTimeMs = clock == null ? Long.MIN_VALUE : ByteBuffer.wrap(clock).getLong();
        ranking.clear();
        try (KeyValueIterator<Bytes, Long> it = minutes.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, Long> e = it.next();
                ranking.add(contentOf(e.key), e.value);
            }
        }
        changed = clock != null;
        lastRecordWallMs = context.currentSystemTimeMs();
        context.schedule(settings.trendingInterval(), PunctuationType.WALL_CLOCK_TIME, t -> {
            followWallClockWhenIdle(t);
            publishIfChanged();
        });
    }

    @Override
    public void process(Record<String, String> record) {
        String content = record.value();
        if (content == null) {
            return;
        }
        lastRecordWallMs = context.currentSystemTimeMs();
        long eventTime = record.timestamp();
        if (eventTime > maxEventTimeMs) {
            moveTo(eventTime);
            changed = true;
        }
        long minute = Math.floorDiv(eventTime, MINUTE_MS);
        if (content.equals(ViewingSessions.TICK) || minute < cutoffMinute(maxEventTimeMs)) {
            return;
        }
        Bytes key = key(minute, content);
        Long before = minutes.get(key);
        minutes.put(key, before == null ? 1L : before + 1);
        ranking.add(content, 1);
        changed = true;
    }

    /** The window now ends at {@code timeMs} (later than before): the minutes that left it are subtracted. */
    private boolean moveTo(long timeMs) {
        long oldCutoff = maxEventTimeMs == Long.MIN_VALUE ? Long.MIN_VALUE : cutoffMinute(maxEventTimeMs);
        maxEventTimeMs = timeMs;
        trending.put(CLOCK_KEY, ByteBuffer.allocate(Long.BYTES).putLong(timeMs).array());
        return expire(oldCutoff, cutoffMinute(timeMs));
    }

    /**
     * Nothing arrived for {@code trendingIdle} and the wall clock is a minute or more past the window's
     * end: the window moves to the wall clock's minute; the list changes only if starts left it.
     */
    private void followWallClockWhenIdle(long wallMs) {
        long idle = settings.trendingIdle().toMillis();
        if (idle <= 0 || maxEventTimeMs == Long.MIN_VALUE || wallMs - lastRecordWallMs < idle
                || Math.floorDiv(wallMs, MINUTE_MS) <= Math.floorDiv(maxEventTimeMs, MINUTE_MS)) {
            return;
        }
        if (moveTo(Math.floorDiv(wallMs, MINUTE_MS) * MINUTE_MS)) {
            changed = true;
        }
    }

    /** The first minute inside the window that ends with the minute of {@code eventTimeMs}. */
    private long cutoffMinute(long eventTimeMs) {
        return Math.floorDiv(eventTimeMs, MINUTE_MS) - windowMinutes + 1;
    }

    /** Subtracts the minutes in {@code [from, to)}: they just left the window. Whether any start did. */
    private boolean expire(long fromMinute, long toMinute) {
        if (toMinute <= fromMinute) {
            return false;
        }
        List<Bytes> gone = new ArrayList<>();
        Bytes start = fromMinute == Long.MIN_VALUE ? null : Bytes.wrap(ByteBuffer.allocate(8).putLong(fromMinute).array());
        Bytes end = Bytes.wrap(ByteBuffer.allocate(8).putLong(toMinute).array());
        // Keys sort by minute (big-endian, and no minute here is negative); the bare 8-byte end key sorts
        // before every entry of minute toMinute.
        try (KeyValueIterator<Bytes, Long> it = minutes.range(start, end)) {
            while (it.hasNext()) {
                KeyValue<Bytes, Long> e = it.next();
                ranking.add(contentOf(e.key), -e.value);
                gone.add(e.key);
            }
        }
        gone.forEach(minutes::delete);
        return !gone.isEmpty();
    }

    private void publishIfChanged() {
        if (!changed || maxEventTimeMs == Long.MIN_VALUE) {
            return;
        }
        changed = false;
        byte[] list = AnalyticsCodec.encodeTrending(list());
        trending.put(AnalyticsStores.TRENDING_KEY, list);
        context.forward(new Record<>(settings.applicationId(), list, Math.max(0, maxEventTimeMs)));
    }

    /** The list as it is now: the window's best {@code trendingSize} contents. */
    private TrendingList list() {
        List<TrendingList.Entry> items = new ArrayList<>();
        for (TrendingRanking.Entry e : ranking.top(settings.trendingSize())) {
            items.add(new TrendingList.Entry(e.contentId(), e.starts()));
        }
        return new TrendingList(settings.applicationId(), Instant.ofEpochMilli(cutoffMinute(maxEventTimeMs) * MINUTE_MS),
                Instant.ofEpochMilli(maxEventTimeMs), ranking.size(), items);
    }

    private static Bytes key(long minute, String content) {
        byte[] id = content.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(minute).put(id).array());
    }

    private static String contentOf(Bytes key) {
        byte[] k = key.get();
        return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
    }
}
