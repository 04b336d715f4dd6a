-- The PostgreSQL sink's schema (contract §9). Table and view names are part of the contract; columns may be added.
-- Every row carries the (hlc, device_id) of the write it shows, so the sink can refuse to move a row backwards.

CREATE TABLE user_watchlists (
    user_id          text        NOT NULL,
    content_id       text        NOT NULL,
    unique_tag       text        NOT NULL,
    hlc              bigint      NOT NULL,
    device_id        text        NOT NULL,
    is_removed       boolean     NOT NULL DEFAULT false,
    content_metadata jsonb,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_watchlists_user_tag UNIQUE (user_id, unique_tag)
);
CREATE INDEX user_watchlists_user_content ON user_watchlists (user_id, content_id);
CREATE INDEX user_watchlists_updated ON user_watchlists (updated_at);

CREATE TABLE user_progress (
    user_id          text             NOT NULL,
    content_id       text             NOT NULL,
    position_seconds double precision NOT NULL,
    duration_seconds double precision NOT NULL,
    state            text             NOT NULL,
    hlc              bigint           NOT NULL,
    device_id        text             NOT NULL,
    device_type      text,
    platform_id      text,
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT user_progress_user_content UNIQUE (user_id, content_id)
);
CREATE INDEX user_progress_updated ON user_progress (updated_at);

CREATE TABLE user_preferences (
    user_id    text        NOT NULL,
    key        text        NOT NULL,
    value      jsonb,
    hlc        bigint      NOT NULL,
    device_id  text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_preferences_user_key UNIQUE (user_id, key)
);
CREATE INDEX user_preferences_updated ON user_preferences (updated_at);

CREATE TABLE user_devices (
    user_id      text        NOT NULL,
    device_id    text        NOT NULL,
    device_type  text,
    platform     text,
    capabilities jsonb,
    app_version  text,
    device_name  text,
    last_seen    timestamptz,
    is_online    boolean     NOT NULL DEFAULT false,
    hlc          bigint      NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_devices_user_device UNIQUE (user_id, device_id)
);
CREATE INDEX user_devices_online ON user_devices (user_id) WHERE is_online;
CREATE INDEX user_devices_updated ON user_devices (updated_at);

-- Where the sink is in sync.state-deltas, written in the same transaction as the rows it covers.
CREATE TABLE sync_sink_offsets (
    topic       text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL,
    CONSTRAINT sync_sink_offsets_pk PRIMARY KEY (topic, partition)
);

-- A watchlist item is in the list while at least one of its tags is not removed; it shows the newest add.
CREATE VIEW effective_watchlists AS
SELECT DISTINCT ON (w.user_id, w.content_id)
       w.user_id, w.content_id, w.device_id, w.hlc, w.content_metadata,
       (SELECT array_agg(t.unique_tag ORDER BY t.unique_tag)
          FROM user_watchlists t
         WHERE t.user_id = w.user_id AND t.content_id = w.content_id AND NOT t.is_removed) AS unique_tags
  FROM user_watchlists w
 WHERE NOT w.is_removed
 ORDER BY w.user_id, w.content_id, w.hlc DESC, w.device_id DESC;

-- Completed means at least 90 % watched (contract §5); the resume position is 0 once completed.
CREATE VIEW in_progress_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(100.0, position_seconds / duration_seconds * 100.0))::numeric, 2) AS completion_percent,
       position_seconds AS resume_position_seconds, state, device_id, hlc, updated_at
  FROM user_progress
 WHERE position_seconds / duration_seconds < 0.9;

CREATE VIEW completed_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(100.0, position_seconds / duration_seconds * 100.0))::numeric, 2) AS completion_percent,
       state, device_id, hlc, updated_at
  FROM user_progress
 WHERE position_seconds / duration_seconds >= 0.9;

CREATE VIEW online_devices_summary AS
SELECT user_id,
       count(*) FILTER (WHERE is_online)                                AS online_devices,
       count(*)                                                         AS known_devices,
       array_agg(device_id ORDER BY device_id) FILTER (WHERE is_online) AS online_device_ids,
       max(last_seen)                                                   AS last_seen
  FROM user_devices
 GROUP BY user_id;
