-- A user's notifications (contract §14), for analysts: one row per notification the devices were shown, with
-- when (and by which device) it was first read and first dismissed. Written from the deltas notification,
-- notification_read and notification_dismissed; every statement only moves a row forward (a read or a dismiss
-- only to an earlier one), so replaying the deltas leaves the table as it was.
CREATE TABLE user_notifications (
    user_id           text        NOT NULL,
    notification_id   text        NOT NULL,
    notification_type text,
    title             text,
    body              text,
    priority          text,
    data              jsonb,
    expires_at        timestamptz,
    created_at        timestamptz,
    sent_by           text,
    hlc               bigint,
    read_at           timestamptz,
    read_by           text,
    dismissed_at      timestamptz,
    dismissed_by      text,
    PRIMARY KEY (user_id, notification_id)
);

CREATE INDEX user_notifications_unread ON user_notifications (user_id) WHERE read_at IS NULL AND dismissed_at IS NULL;
