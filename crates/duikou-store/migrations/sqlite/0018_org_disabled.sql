-- 停用 and 合并 of a unit: a disabled unit is no longer offered for new records but stays on
-- the records that name it; a merged one names the unit that now holds its records.
ALTER TABLE orgs ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN merged_into INTEGER REFERENCES orgs(id);
