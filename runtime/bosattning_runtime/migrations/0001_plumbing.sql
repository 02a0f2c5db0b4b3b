-- Tables every service has: outbox, inbox, idempotency keys, audit log.

CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    event_id      uuid NOT NULL UNIQUE,
    event_type    text NOT NULL,
    subject       text NOT NULL,
    body          text NOT NULL,
    trace_context jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;

-- Wakes the relay as soon as a transaction that wrote to the outbox commits.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bosattning_outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE inbox (
    consumer    text NOT NULL,
    event_id    uuid NOT NULL,
    event_type  text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE idempotency_keys (
    principal_sub text NOT NULL,
    mutation      text NOT NULL,
    key           text NOT NULL,
    input_hash    text NOT NULL,
    result        jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal_sub, mutation, key)
);

CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    aggregate_id text NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    trace_id     text
);
CREATE INDEX audit_log_aggregate ON audit_log (aggregate_id, id);
