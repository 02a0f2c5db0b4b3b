-- The reception units' records: notification talks, receptions of assignments, contacts.

CREATE TABLE underrattelse (
    arende_id     text PRIMARY KEY,
    category      text NOT NULL,
    outcome       text NOT NULL,
    kommunkod     text,
    adults        int CHECK (adults >= 1),
    children      int CHECK (children >= 0),
    settled_on    date,
    enhet         text,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    CHECK (outcome <> 'own_housing' OR (kommunkod IS NOT NULL AND adults IS NOT NULL
                                        AND children IS NOT NULL AND settled_on IS NOT NULL))
);
CREATE INDEX underrattelse_self_settled ON underrattelse (kommunkod, settled_on)
    WHERE outcome = 'own_housing';

-- One row per assignment, projected from the settlement unit's events (by version).
CREATE TABLE mottagande (
    anvisning_id       uuid PRIMARY KEY,
    arende_id          text NOT NULL,
    category           text NOT NULL,
    kommunkod          text NOT NULL,
    year               int NOT NULL,
    persons            int NOT NULL,
    decided_at         timestamptz NOT NULL,
    deadline           date NOT NULL,
    anvisning_version  int NOT NULL,
    cancelled          boolean NOT NULL DEFAULT false,
    samtal_held_on     date,
    mottagandedatum    date,
    date_reported_at   timestamptz,
    received_on        date,
    received_reported_at timestamptz
);
CREATE INDEX mottagande_kommun ON mottagande (kommunkod, year);

CREATE TABLE kontakt (
    id            bigserial PRIMARY KEY,
    anvisning_id  uuid NOT NULL REFERENCES mottagande (anvisning_id),
    kind          text NOT NULL,
    contacted_on  date NOT NULL,
    note          text,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL
);
