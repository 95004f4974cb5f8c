-- Why an alert fired (dev.tend.alert.RootCause as JSON, see docs/alerts.md "Root cause"): built
-- from the firing window's figures when a quality, drift or performance alert opens. NULL for
-- other metrics, for alerts opened before this version, and when the report could not be built.
ALTER TABLE alerts ADD COLUMN root_cause TEXT;
