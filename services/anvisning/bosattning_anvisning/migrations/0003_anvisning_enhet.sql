-- The case's reception unit, kept with each assignment and sent in its events, so that the
-- reception units' service lets only that unit act on it (DESIGN §5).
ALTER TABLE anvisning ADD COLUMN enhet text;
UPDATE anvisning a SET enhet = r.enhet FROM arende r WHERE r.arende_id = a.arende_id;
