-- The case's reception unit, from the assignment's events (DESIGN §5: the unit acts).
ALTER TABLE mottagande ADD COLUMN enhet text;
