-- The settlement unit: its kommuntal projection with capacity, cases, assignments.

-- One row per municipality and year, from the county service's decisions.
-- `used` counts persons in assignments of that year that are not cancelled;
-- `cap` holds min(current, proposed) while a revision request is open.
CREATE TABLE kommuntal (
    year              int NOT NULL,
    kommunkod         text NOT NULL,
    lanskod           text NOT NULL,
    kommuntal         int NOT NULL CHECK (kommuntal >= 0),
    decision_version  int NOT NULL CHECK (decision_version >= 1),
    cap               int CHECK (cap >= 0),
    used              int NOT NULL DEFAULT 0 CHECK (used >= 0),
    received          int NOT NULL DEFAULT 0 CHECK (received >= 0),
    PRIMARY KEY (year, kommunkod),
    -- the central invariant, enforced here whatever the code above does; the cap of an
    -- open revision only stops new assignments (TAKE_PLACES), it may sit below `used`
    CONSTRAINT used_within_kommuntal CHECK (used <= kommuntal)
);
CREATE INDEX kommuntal_lan ON kommuntal (lanskod, year);

-- The revision request the settlement unit holds a cap for (one per county and year).
CREATE TABLE open_revision (
    year        int NOT NULL,
    lanskod     text NOT NULL,
    request_id  uuid NOT NULL UNIQUE,
    PRIMARY KEY (year, lanskod)
);

CREATE TABLE arende (
    arende_id      text PRIMARY KEY,
    category       text NOT NULL,
    adults         int NOT NULL CHECK (adults >= 1),
    children       int NOT NULL CHECK (children >= 0),
    kommunkod      text,
    needs          text[] NOT NULL DEFAULT '{}',
    enhet          text,
    version        int NOT NULL CHECK (version >= 1),
    registered_by  text NOT NULL,
    registered_at  timestamptz NOT NULL
);

CREATE TABLE anvisning (
    anvisning_id    uuid PRIMARY KEY,
    arende_id       text NOT NULL REFERENCES arende (arende_id),
    category        text NOT NULL,
    kommunkod       text NOT NULL,
    lanskod         text NOT NULL,
    year            int NOT NULL,
    persons         int NOT NULL CHECK (persons >= 1),
    decided_by      text NOT NULL,
    decided_at      timestamptz NOT NULL,
    deadline        date NOT NULL,
    beyond_plan     boolean NOT NULL,
    override_reason text,
    replaces        uuid UNIQUE REFERENCES anvisning (anvisning_id),
    status          text NOT NULL,
    version         int NOT NULL CHECK (version >= 1),
    received_on     date,
    cancelled_at    timestamptz,
    FOREIGN KEY (year, kommunkod) REFERENCES kommuntal (year, kommunkod)
);
-- A case has at most one active (pending or received) assignment.
CREATE UNIQUE INDEX anvisning_one_active_per_case ON anvisning (arende_id)
    WHERE status <> 'cancelled';
CREATE INDEX anvisning_kommun_year ON anvisning (kommunkod, year);

-- A reception reported for an assignment that was cancelled meanwhile: kept for
-- the settlement unit to resolve, neither dropped nor counted.
CREATE TABLE mottagande_conflict (
    anvisning_id  uuid PRIMARY KEY REFERENCES anvisning (anvisning_id),
    received_on   date NOT NULL,
    reported_at   timestamptz NOT NULL,
    resolved_at   timestamptz
);
