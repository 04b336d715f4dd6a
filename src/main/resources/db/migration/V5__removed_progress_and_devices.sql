-- "Remove from continue watching" and forgetting a device (contract §12). A removed progress row keeps its
-- (hlc, device_id), so an older report replayed later cannot bring it back; a newer one does. A removed
-- device is hidden until it joins again.
ALTER TABLE user_progress ADD COLUMN is_removed boolean NOT NULL DEFAULT false;
ALTER TABLE user_devices ADD COLUMN is_removed boolean NOT NULL DEFAULT false;

CREATE OR REPLACE VIEW in_progress_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(1.0, position_seconds / duration_seconds))::numeric, 4) AS completion_percent,
       position_seconds AS resume_position_seconds, state, device_id, hlc, updated_at
  FROM user_progress
 WHERE NOT is_removed AND position_seconds / duration_seconds < 0.9;

CREATE OR REPLACE VIEW completed_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(1.0, position_seconds / duration_seconds))::numeric, 4) AS completion_percent,
       state, device_id, hlc, updated_at
  FROM user_progress
 WHERE NOT is_removed AND position_seconds / duration_seconds >= 0.9;

CREATE OR REPLACE VIEW online_devices_summary AS
SELECT user_id,
       count(*) FILTER (WHERE is_online)                                AS online_devices,
       count(*)                                                         AS known_devices,
       array_agg(device_id ORDER BY device_id) FILTER (WHERE is_online) AS online_device_ids,
       max(last_seen)                                                   AS last_seen
  FROM user_devices
 WHERE NOT is_removed
 GROUP BY user_id;
