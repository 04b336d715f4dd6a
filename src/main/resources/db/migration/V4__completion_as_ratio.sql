-- completion_percent is a ratio from 0.0 to 1.0 everywhere it appears (contract §5, as in the PubNub
-- specification's payloads: 0.395), here as in the REST API, the deltas and the dashboard.
CREATE OR REPLACE VIEW in_progress_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(1.0, position_seconds / duration_seconds))::numeric, 4) AS completion_percent,
       position_seconds AS resume_position_seconds, state, device_id, hlc, updated_at
  FROM user_progress
 WHERE position_seconds / duration_seconds < 0.9;

CREATE OR REPLACE VIEW completed_content AS
SELECT user_id, content_id, position_seconds, duration_seconds,
       round((least(1.0, position_seconds / duration_seconds))::numeric, 4) AS completion_percent,
       state, device_id, hlc, updated_at
  FROM user_progress
 WHERE position_seconds / duration_seconds >= 0.9;
