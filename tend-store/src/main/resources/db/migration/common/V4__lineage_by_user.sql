-- Reverse lineage ("which dataset versions did this run or model version use") looks usages up by
-- what used them; the primary key only serves the forward direction.
CREATE INDEX version_usages_by_user ON version_usages (used_by_kind, used_by_id);
