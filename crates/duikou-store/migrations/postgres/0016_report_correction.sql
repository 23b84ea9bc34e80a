-- 更正说明 of a progress report: why a cumulative figure fell below the earlier report's, or why
-- the report was corrected.
ALTER TABLE progress_reports ADD COLUMN correction TEXT;
