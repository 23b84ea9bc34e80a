-- 推进情况 of a problem: the latest note of what was done about it (earlier ones are in the
-- change log).
ALTER TABLE problems ADD COLUMN progress TEXT;
