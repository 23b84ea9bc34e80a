-- Stage changes by the day they took effect (issue 7). Statistics as of a day inside a month
-- add, to the rollup's months, the change of the projects that changed stage between the
-- month's first day and that day. This index finds those projects from the index alone
-- (the date range, then each project id), where the old (to_stage, effective_date) index
-- made nine range scans, one per stage, and read every change row from the table to learn
-- its project. The same range serves "entered within a period". The old index served only
-- those two queries and is dropped, so the write cost stays the same.
CREATE INDEX stage_changes_day ON stage_changes(effective_date, project_id);
DROP INDEX stage_changes_entered;
