-- Escalations: at most one open (or handed over) per assignment and kind.
CREATE TABLE escalation (
    escalation_id    uuid PRIMARY KEY,
    kind             text NOT NULL,
    status           text NOT NULL,
    lanskod          text NOT NULL,
    kommunkod        text NOT NULL,
    anvisning_id     uuid REFERENCES mottagande (anvisning_id),
    persons          int NOT NULL DEFAULT 0,
    deadline         date,
    mottagandedatum  date,
    version          int NOT NULL,
    opened_at        timestamptz NOT NULL,
    handed_over_at   timestamptz,
    resolved_at      timestamptz,
    resolved_by      text
);
CREATE UNIQUE INDEX escalation_one_open ON escalation (anvisning_id, kind)
    WHERE status <> 'resolved' AND anvisning_id IS NOT NULL;
CREATE INDEX escalation_kommun ON escalation (kommunkod, status);
