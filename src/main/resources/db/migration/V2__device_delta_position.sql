-- A device row moves only to a later delta of its user: deltas of one user are ordered on their
-- partition of sync.state-deltas, while their HLCs are not (a timeout repeats the last heartbeat's HLC,
-- a late event can change a device's description). Rows written before this column show -1.
ALTER TABLE user_devices
    ADD COLUMN delta_partition integer NOT NULL DEFAULT -1,
    ADD COLUMN delta_offset    bigint  NOT NULL DEFAULT -1;

-- updated_at is the time of the change (the physical part of its HLC), set by the sink, so a replay
-- writes the same value; a removed watchlist tag shows when it was removed.
COMMENT ON COLUMN user_watchlists.updated_at IS 'time of the last change of this tag (HLC physical time)';
COMMENT ON COLUMN user_progress.updated_at IS 'time of the winning write (HLC physical time)';
COMMENT ON COLUMN user_preferences.updated_at IS 'time of the winning write (HLC physical time)';
COMMENT ON COLUMN user_devices.updated_at IS 'time of the latest device delta (HLC physical time)';
COMMENT ON COLUMN user_devices.last_seen IS 'latest join or heartbeat known at the latest device delta';
