-- Viewing statistics per content and hour of event time, from sync.analytics.content-hourly.
-- One row per analytics application id: the live application's figures and those of each replay
-- into a new application id sit side by side (filter on application_id). The figures are the hour's
-- running totals and only grow, so the sink applies a record only when no figure would go down:
-- replaying the same log leaves the table as it was.
CREATE TABLE content_hourly_stats (
    application_id     text           NOT NULL,
    content_id         text           NOT NULL,
    hour_start         timestamptz    NOT NULL,
    starts             bigint         NOT NULL DEFAULT 0,
    completions        bigint         NOT NULL DEFAULT 0,
    abandons           bigint         NOT NULL DEFAULT 0,
    watch_time_seconds numeric(20, 3) NOT NULL DEFAULT 0,
    PRIMARY KEY (application_id, content_id, hour_start)
);

CREATE INDEX content_hourly_stats_by_hour ON content_hourly_stats (application_id, hour_start);

COMMENT ON TABLE content_hourly_stats IS 'viewing statistics per analytics application, content and hour (event time)';
COMMENT ON COLUMN content_hourly_stats.starts IS 'viewing sessions begun in the hour';
COMMENT ON COLUMN content_hourly_stats.completions IS 'sessions that reached 90 % of the duration in the hour';
COMMENT ON COLUMN content_hourly_stats.abandons IS 'sessions stopped below 90 % in the hour';
COMMENT ON COLUMN content_hourly_stats.watch_time_seconds IS 'playback watched in the hour';

-- The same per day (UTC), for analysts.
CREATE VIEW content_daily_stats AS
SELECT application_id, content_id, date_trunc('day', hour_start AT TIME ZONE 'UTC')::date AS day,
       sum(starts) AS starts, sum(completions) AS completions, sum(abandons) AS abandons,
       sum(watch_time_seconds) AS watch_time_seconds
FROM content_hourly_stats
GROUP BY application_id, content_id, date_trunc('day', hour_start AT TIME ZONE 'UTC')::date;
