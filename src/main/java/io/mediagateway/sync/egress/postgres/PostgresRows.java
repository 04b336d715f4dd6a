package io.mediagateway.sync.egress.postgres;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.topology.UserKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The rows a batch of deltas writes, reduced by key first (a batch holding one key twice would fail
 * a rewritten multi-row upsert), then written with one batched statement per table. Every statement
 * only moves a row forward, so applying the same deltas again — a retried batch, a replay of the whole
 * topic — changes nothing, and the tables end the same whatever the batch boundaries were:
 * <ul>
 * <li>progress and preferences: a row moves only to a greater {@code (hlc, device_id)} (LWW, §9);</li>
 * <li>watchlist tags: one row per {@code unique_tag}, from the delta's {@code added_tags} and
 *     {@code removed_tags}; a removed tag stays removed;</li>
 * <li>devices: a row moves only to a later delta of its user (its partition and offset);</li>
 * <li>notifications: a row is written once, from the notification's delta; its read and dismiss only move to an
 *     earlier one;</li>
 * <li>an erasure ({@code user_erased}, contract §16) deletes every row of the user in the five user tables first, so
 *     what the user writes after it in the same batch stays.</li>
 * </ul>
 * {@code updated_at} is the physical time of the change's HLC, so it too is the same in every replay.
 */
final class PostgresRows implements SinkRows {
    private static final Comparator<Delta> LWW = Comparator.comparingLong(Delta::hlc).thenComparing(Delta::deviceId);

    /** A watchlist tag row: the add that made the tag, removed or not, and when it last changed. */
    private record Tag(String userId, String contentId, String tag, long hlc, String deviceId, ContentMetadata metadata,
                       boolean removed, long changedHlc) {
    }

    private record Removal(String userId, String tag, long hlc) {
    }

    private record DeviceRow(Delta.Device delta, int partition, long offset) {
    }

    private final Map<String, Tag> tags = new LinkedHashMap<>();
    private final Map<String, Removal> removals = new LinkedHashMap<>();
    private final Map<String, Delta.Progress> progress = new LinkedHashMap<>();
    private final Map<String, Delta.Preference> preferences = new LinkedHashMap<>();
    private final Map<String, DeviceRow> devices = new LinkedHashMap<>();
    private final Map<String, Delta.NotificationShown> notifications = new LinkedHashMap<>();
    private final Map<String, Delta.NotificationStatus> reads = new LinkedHashMap<>();
    private final Map<String, Delta.NotificationStatus> dismisses = new LinkedHashMap<>();
    /** Users erased in this batch (contract §16): their rows go before the batch's later rows are written. */
    private final Set<String> erased = new LinkedHashSet<>();
    private int deltas;

    /** The tables that hold a user's rows, all emptied of the user's by an erasure. */
    static final List<String> USER_TABLES = List.of("user_watchlists", "user_progress", "user_preferences", "user_devices",
            "user_notifications");

    @Override
    public void add(ConsumerRecord<byte[], byte[]> record) {
        add(DeltaCodec.decode(record.value()), record.partition(), record.offset());
    }

    /** Adds one delta, read at {@code partition}/{@code offset} of the topic; deltas of a user in topic order. */
    void add(Delta delta, int partition, long offset) {
        deltas++;
        if (delta instanceof Delta.Watchlist w) {
            for (String tag : w.addedTags()) {
                tags.put(UserKeys.key(w.userId(), tag),
                        new Tag(w.userId(), w.contentId(), tag, w.hlc(), w.deviceId(), w.metadata(), false, w.hlc()));
            }
            for (String tag : w.removedTags()) {
                String key = UserKeys.key(w.userId(), tag);
                Tag added = tags.get(key);
                if (added != null) {
                    tags.put(key, new Tag(added.userId(), added.contentId(), tag, added.hlc(), added.deviceId(),
                            added.metadata(), true, w.hlc()));
                } else {
                    removals.put(key, new Removal(w.userId(), tag, w.hlc()));
                }
            }
        } else if (delta instanceof Delta.Progress p) {
            progress.merge(UserKeys.key(p.userId(), p.contentId()), p, PostgresRows::newer);
        } else if (delta instanceof Delta.ProgressRemoved r) {
            // The row keeps the removal's (hlc, device_id), marked removed: an older report cannot bring it back.
            progress.merge(UserKeys.key(r.userId(), r.contentId()), new Delta.Progress(r.userId(), r.hlc(), r.deviceId(),
                    r.deltaId(), r.contentId(), PlaybackPosition.REMOVED), PostgresRows::newer);
        } else if (delta instanceof Delta.Preference p) {
            preferences.merge(UserKeys.key(p.userId(), p.key()), p, PostgresRows::newer);
        } else if (delta instanceof Delta.Device d) {
            devices.put(UserKeys.key(d.userId(), d.deviceId()), new DeviceRow(d, partition, offset));
        } else if (delta instanceof Delta.NotificationShown n) {
            notifications.putIfAbsent(UserKeys.key(n.userId(), n.notification().id()), n);
        } else if (delta instanceof Delta.NotificationStatus s) {
            (Delta.NotificationStatus.READ.equals(s.msgType()) ? reads : dismisses)
                    .merge(UserKeys.key(s.userId(), s.notificationId()), s, PostgresRows::older);
        } else if (delta instanceof Delta.UserErased e) {
            // What this batch held of the user before the erasure goes with it; what follows is written after it.
            String prefix = UserKeys.prefix(e.userId());
            for (Map<String, ?> rows : List.of(tags, removals, progress, preferences, devices, notifications, reads,
                    dismisses)) {
                rows.keySet().removeIf(k -> k.startsWith(prefix));
            }
            erased.add(e.userId());
        }
        // Commands have no table: they are for devices, through the WebSocket and PubNub.
    }

    private static <D extends Delta> D newer(D a, D b) {
        return LWW.compare(b, a) > 0 ? b : a;
    }

    private static <D extends Delta> D older(D a, D b) {
        return LWW.compare(b, a) < 0 ? b : a;
    }

    int deltas() {
        return deltas;
    }

    /** Number of rows the batch writes (after reduction). */
    int rows() {
        return tags.size() + removals.size() + progress.size() + preferences.size() + devices.size()
                + notifications.size() + reads.size() + dismisses.size() + erased.size();
    }

    /** Writes every row on {@code c}, inside the caller's transaction. */
    @Override
    public void write(Connection c) throws SQLException {
        writeErasures(c);
        writeTags(c);
        writeRemovals(c);
        writeProgress(c);
        writePreferences(c);
        writeDevices(c);
        writeNotifications(c);
        writeNotificationStatus(c, reads.values(), "read");
        writeNotificationStatus(c, dismisses.values(), "dismissed");
    }

    private void writeErasures(Connection c) throws SQLException {
        for (String table : USER_TABLES) {
            executeBatch(c, "DELETE FROM " + table + " WHERE user_id = ?", erased, (s, user) -> s.setString(1, user));
        }
    }

    private void writeNotifications(Connection c) throws SQLException {
        executeBatch(c, """
                INSERT INTO user_notifications AS n
                       (user_id, notification_id, notification_type, title, body, priority, data, expires_at,
                        created_at, sent_by, hlc, read_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, notification_id) DO UPDATE
                   SET notification_type = EXCLUDED.notification_type, title = EXCLUDED.title, body = EXCLUDED.body,
                       priority = EXCLUDED.priority, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at,
                       created_at = EXCLUDED.created_at, sent_by = EXCLUDED.sent_by, hlc = EXCLUDED.hlc,
                       read_at = COALESCE(n.read_at, EXCLUDED.read_at)
                 WHERE n.hlc IS NULL
                """, notifications.values(), (s, d) -> {
            Notification n = d.notification();
            s.setString(1, d.userId());
            s.setString(2, n.id());
            s.setString(3, n.type().wireName());
            s.setString(4, n.title());
            s.setString(5, n.body());
            s.setString(6, n.priority().wireName());
            setJson(s, 7, n.dataJson());
            s.setObject(8, n.expiresAtMs() == null ? null
                    : OffsetDateTime.ofInstant(Instant.ofEpochMilli(n.expiresAtMs()), ZoneOffset.UTC));
            s.setObject(9, OffsetDateTime.ofInstant(Instant.ofEpochMilli(d.storedAtMs()), ZoneOffset.UTC));
            s.setString(10, d.deviceId());
            s.setLong(11, d.hlc());
            // Read before it arrived: the read's own time is in no delta; the arrival stands for it.
            s.setObject(12, d.read() ? time(d.hlc()) : null);
        });
    }

    /** {@code column} is {@code read} or {@code dismissed}: the first one is kept. */
    private static void writeNotificationStatus(Connection c, Collection<Delta.NotificationStatus> rows, String column)
            throws SQLException {
        executeBatch(c, """
                INSERT INTO user_notifications AS n (user_id, notification_id, %1$s_at, %1$s_by)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, notification_id) DO UPDATE
                   SET %1$s_at = EXCLUDED.%1$s_at, %1$s_by = EXCLUDED.%1$s_by
                 WHERE n.%1$s_at IS NULL OR EXCLUDED.%1$s_at < n.%1$s_at
                """.formatted(column), rows, (s, d) -> {
            s.setString(1, d.userId());
            s.setString(2, d.notificationId());
            s.setObject(3, time(d.hlc()));
            s.setString(4, d.deviceId());
        });
    }

    private void writeTags(Connection c) throws SQLException {
        executeBatch(c, """
                INSERT INTO user_watchlists AS w
                       (user_id, content_id, unique_tag, hlc, device_id, is_removed, content_metadata, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (user_id, unique_tag) DO UPDATE
                   SET content_id = EXCLUDED.content_id, hlc = EXCLUDED.hlc, device_id = EXCLUDED.device_id,
                       is_removed = EXCLUDED.is_removed, content_metadata = EXCLUDED.content_metadata,
                       updated_at = EXCLUDED.updated_at
                 WHERE NOT w.is_removed
                   AND (EXCLUDED.hlc, EXCLUDED.device_id, EXCLUDED.is_removed) > (w.hlc, w.device_id, w.is_removed)
                """, tags.values(), (s, t) -> {
            s.setString(1, t.userId());
            s.setString(2, t.contentId());
            s.setString(3, t.tag());
            s.setLong(4, t.hlc());
            s.setString(5, t.deviceId());
            s.setBoolean(6, t.removed());
            setJson(s, 7, t.metadata().isEmpty() ? null : Json.string(StateCodec.metadataNode(t.metadata())));
            s.setObject(8, time(t.changedHlc()));
        });
    }

    private void writeRemovals(Connection c) throws SQLException {
        executeBatch(c, """
                UPDATE user_watchlists SET is_removed = true, updated_at = ?
                 WHERE user_id = ? AND unique_tag = ? AND NOT is_removed
                """, removals.values(), (s, r) -> {
            s.setObject(1, time(r.hlc()));
            s.setString(2, r.userId());
            s.setString(3, r.tag());
        });
    }

    private void writeProgress(Connection c) throws SQLException {
        executeBatch(c, """
                INSERT INTO user_progress AS p
                       (user_id, content_id, position_seconds, duration_seconds, state, hlc, device_id, device_type,
                        platform_id, updated_at, is_removed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, content_id) DO UPDATE
                   SET position_seconds = EXCLUDED.position_seconds, duration_seconds = EXCLUDED.duration_seconds,
                       state = EXCLUDED.state, hlc = EXCLUDED.hlc, device_id = EXCLUDED.device_id,
                       device_type = EXCLUDED.device_type, platform_id = EXCLUDED.platform_id,
                       updated_at = EXCLUDED.updated_at, is_removed = EXCLUDED.is_removed
                 WHERE (EXCLUDED.hlc, EXCLUDED.device_id) > (p.hlc, p.device_id)
                """, progress.values(), (s, p) -> {
            s.setString(1, p.userId());
            s.setString(2, p.contentId());
            s.setDouble(3, p.position().positionSeconds());
            s.setDouble(4, p.position().durationSeconds());
            s.setString(5, p.position().state().wireName());
            s.setLong(6, p.hlc());
            s.setString(7, p.deviceId());
            s.setString(8, p.position().deviceType());
            s.setString(9, p.position().platformId());
            s.setObject(10, time(p.hlc()));
            s.setBoolean(11, p.position().removed());
        });
    }

    private void writePreferences(Connection c) throws SQLException {
        executeBatch(c, """
                INSERT INTO user_preferences AS p (user_id, key, value, hlc, device_id, updated_at)
                VALUES (?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (user_id, key) DO UPDATE
                   SET value = EXCLUDED.value, hlc = EXCLUDED.hlc, device_id = EXCLUDED.device_id,
                       updated_at = EXCLUDED.updated_at
                 WHERE (EXCLUDED.hlc, EXCLUDED.device_id) > (p.hlc, p.device_id)
                """, preferences.values(), (s, p) -> {
            s.setString(1, p.userId());
            s.setString(2, p.key());
            setJson(s, 3, p.value().canonicalJson());
            s.setLong(4, p.hlc());
            s.setString(5, p.deviceId());
            s.setObject(6, time(p.hlc()));
        });
    }

    private void writeDevices(Connection c) throws SQLException {
        executeBatch(c, """
                INSERT INTO user_devices AS d
                       (user_id, device_id, device_type, platform, capabilities, app_version, device_name, last_seen,
                        is_online, hlc, updated_at, delta_partition, delta_offset, is_removed)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, device_id) DO UPDATE
                   SET device_type = EXCLUDED.device_type, platform = EXCLUDED.platform,
                       capabilities = EXCLUDED.capabilities, app_version = EXCLUDED.app_version,
                       device_name = EXCLUDED.device_name, last_seen = EXCLUDED.last_seen,
                       is_online = EXCLUDED.is_online, hlc = EXCLUDED.hlc, updated_at = EXCLUDED.updated_at,
                       delta_partition = EXCLUDED.delta_partition, delta_offset = EXCLUDED.delta_offset,
                       is_removed = EXCLUDED.is_removed
                 WHERE EXCLUDED.delta_partition <> d.delta_partition OR EXCLUDED.delta_offset > d.delta_offset
                """, devices.values(), (s, row) -> {
            Delta.Device d = row.delta();
            DeviceInfo info = d.info();
            s.setString(1, d.userId());
            s.setString(2, d.deviceId());
            s.setString(3, info == null ? null : info.deviceType());
            s.setString(4, info == null ? null : info.platform());
            setJson(s, 5, info == null ? null : Json.string(StateCodec.capabilitiesNode(info.capabilities())));
            s.setString(6, info == null ? null : info.appVersion());
            s.setString(7, info == null ? null : info.deviceName());
            if (d.lastSeenMs() > 0) {
                s.setObject(8, OffsetDateTime.ofInstant(Instant.ofEpochMilli(d.lastSeenMs()), ZoneOffset.UTC));
            } else {
                s.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            s.setBoolean(9, d.online());
            s.setLong(10, d.hlc());
            s.setObject(11, time(d.hlc()));
            s.setInt(12, row.partition());
            s.setLong(13, row.offset());
            s.setBoolean(14, "device_removed".equals(d.msgType()));
        });
    }

    /** Binds one row of a batched statement. */
    interface Binder<T> {
        void bind(PreparedStatement s, T row) throws SQLException;
    }

    /** Runs {@code sql} once per row as one JDBC batch (one rewritten multi-row statement); nothing for no rows. */
    static <T> void executeBatch(Connection c, String sql, Collection<T> rows, Binder<? super T> binder)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(s, row);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void setJson(PreparedStatement s, int index, String json) throws SQLException {
        if (json == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, json);
        }
    }

    private static OffsetDateTime time(long hlc) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(Hlc.physicalMs(hlc)), ZoneOffset.UTC);
    }
}
