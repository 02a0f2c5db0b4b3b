-- Annual plans (årsplanering): versions per municipality and year, proposed or decided.
CREATE FUNCTION months_total(int[]) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS 'SELECT coalesce(sum(m), 0) FROM unnest($1) AS m';

CREATE TABLE arsplanering (
    year          int NOT NULL,
    kommunkod     text NOT NULL,
    version       int NOT NULL CHECK (version >= 1),
    kommuntal     int NOT NULL CHECK (kommuntal >= 0),
    months        int[] NOT NULL CHECK (cardinality(months) = 12 AND 0 <= ALL (months)),
    status        text NOT NULL,
    reason        text,
    material      text,
    changed_by    text NOT NULL,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (year, kommunkod, version),
    CHECK (months_total(months) = kommuntal)
);

-- An assignment made without a decided, current plan is possible within capacity, and flagged.
ALTER TABLE anvisning ADD COLUMN without_plan boolean NOT NULL DEFAULT false;
