-- The county board's inbox: what it is informed of, on its `lst` scope, without personal data.
CREATE TABLE notification (
    event_id         uuid PRIMARY KEY,
    lanskod          text NOT NULL,
    event_type       text NOT NULL,
    aggregate_id     text NOT NULL,
    facts            jsonb NOT NULL,
    occurred_at      timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text
);
CREATE INDEX notification_lan ON notification (lanskod, occurred_at);
