-- Inability to receive (S10) keeps its months, persons and reason; meetings (S3, S4, S10).
ALTER TABLE escalation ADD COLUMN months int[] NOT NULL DEFAULT '{}';
ALTER TABLE escalation ADD COLUMN reason text;
ALTER TABLE escalation ADD COLUMN anvisning_ids uuid[] NOT NULL DEFAULT '{}';

CREATE TABLE meeting (
    meeting_id     uuid PRIMARY KEY,
    kind           text NOT NULL,
    status         text NOT NULL,
    lanskod        text NOT NULL,
    kommunkoder    text[] NOT NULL DEFAULT '{}',
    scheduled_on   date,
    held_on        date,
    agenda         text[] NOT NULL DEFAULT '{}',
    escalation_id  uuid REFERENCES escalation (escalation_id),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL,
    CHECK (status <> 'proposed' OR scheduled_on IS NULL)
);
CREATE INDEX meeting_lan ON meeting (lanskod, kind, held_on);
