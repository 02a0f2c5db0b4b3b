-- Mailings to many municipalities (S5); meetings move proposed → scheduled → held (S3, S4).
CREATE TABLE utskick (
    utskick_id     uuid PRIMARY KEY,
    subject        text NOT NULL,
    kind           text NOT NULL
        CHECK (kind IN ('kommuntal', 'arsplanering', 'statistics', 'other')),
    lanskod        text,
    recipients     text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 500),
    sent_on        date NOT NULL,
    sender_role    text NOT NULL,
    sender         text NOT NULL,
    registered_at  timestamptz NOT NULL,
    CHECK (sender_role <> 'lansstyrelse' OR lanskod IS NOT NULL)
);
CREATE INDEX utskick_newest ON utskick (registered_at DESC, utskick_id DESC);
CREATE INDEX utskick_recipients ON utskick USING gin (recipients);

ALTER TABLE meeting
    ADD CONSTRAINT meeting_kind CHECK (kind IN ('avstamning', 'lanstraff', 'trepartssamtal')),
    ADD CONSTRAINT meeting_status CHECK (status IN ('proposed', 'scheduled', 'held')),
    ADD CONSTRAINT meeting_dated CHECK (status = 'proposed' OR scheduled_on IS NOT NULL),
    ADD CONSTRAINT meeting_held_on CHECK ((status = 'held') = (held_on IS NOT NULL)),
    ADD CONSTRAINT meeting_agenda CHECK (cardinality(agenda) <= 500);
CREATE INDEX meeting_newest ON meeting (created_at DESC, meeting_id DESC);
CREATE INDEX meeting_kommunkoder ON meeting USING gin (kommunkoder);
