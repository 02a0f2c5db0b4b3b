-- Länstal versions, kommuntal decisions (immutable, versioned) and revision requests.

CREATE TABLE lanstal (
    year             int NOT NULL,
    lanskod          text NOT NULL,
    version          int NOT NULL CHECK (version >= 1),
    lanstal          int NOT NULL CHECK (lanstal >= 0),
    reason           text NOT NULL,
    decided_by       text NOT NULL,
    decided_at       timestamptz NOT NULL,
    PRIMARY KEY (year, lanskod, version)
);

CREATE TABLE kommuntal_decision (
    year             int NOT NULL,
    lanskod          text NOT NULL,
    version          int NOT NULL CHECK (version >= 1),
    lanstal_version  int NOT NULL,
    reason           text NOT NULL,
    decided_by       text NOT NULL,
    decided_at       timestamptz NOT NULL,
    request_id       uuid,
    PRIMARY KEY (year, lanskod, version),
    FOREIGN KEY (year, lanskod, lanstal_version) REFERENCES lanstal (year, lanskod, version)
);

CREATE TABLE kommuntal_row (
    year       int NOT NULL,
    lanskod    text NOT NULL,
    version    int NOT NULL,
    kommunkod  text NOT NULL,
    kommuntal  int NOT NULL CHECK (kommuntal >= 0),
    PRIMARY KEY (year, lanskod, version, kommunkod),
    FOREIGN KEY (year, lanskod, version) REFERENCES kommuntal_decision (year, lanskod, version)
);
CREATE INDEX kommuntal_row_kommun ON kommuntal_row (kommunkod, year);

-- The invariant "a decision's rows sum to its länstal version", checked at commit.
CREATE FUNCTION kommuntal_sums_to_lanstal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    expected int;
BEGIN
    SELECT coalesce(sum(r.kommuntal), 0) INTO total FROM kommuntal_row r
     WHERE r.year = NEW.year AND r.lanskod = NEW.lanskod AND r.version = NEW.version;
    SELECT l.lanstal INTO expected FROM lanstal l
     WHERE l.year = NEW.year AND l.lanskod = NEW.lanskod AND l.version = NEW.lanstal_version;
    IF total <> expected THEN
        RAISE EXCEPTION 'kommuntal % % v% sums to %, länstal is %',
            NEW.year, NEW.lanskod, NEW.version, total, expected
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER kommuntal_decision_sums AFTER INSERT ON kommuntal_decision
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kommuntal_sums_to_lanstal();

-- Decisions are immutable: corrections are new versions.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is immutable: decide a new version', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER lanstal_immutable BEFORE UPDATE OR DELETE ON lanstal
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER kommuntal_decision_immutable BEFORE UPDATE OR DELETE ON kommuntal_decision
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER kommuntal_row_immutable BEFORE UPDATE OR DELETE ON kommuntal_row
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE revision_request (
    request_id       uuid PRIMARY KEY,
    year             int NOT NULL,
    lanskod          text NOT NULL,
    kind             text NOT NULL,
    base_version     int NOT NULL,
    lanstal_version  int NOT NULL,
    rows             jsonb NOT NULL,
    reason           text NOT NULL,
    requested_by     text NOT NULL,
    requested_at     timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    status           text NOT NULL,
    resolved_at      timestamptz,
    blocking         jsonb NOT NULL DEFAULT '[]'::jsonb,
    FOREIGN KEY (year, lanskod, base_version) REFERENCES kommuntal_decision (year, lanskod, version)
);
-- One open request per county and year.
CREATE UNIQUE INDEX revision_request_one_open ON revision_request (year, lanskod)
    WHERE status = 'open';
CREATE INDEX revision_request_open_expiry ON revision_request (expires_at) WHERE status = 'open';
