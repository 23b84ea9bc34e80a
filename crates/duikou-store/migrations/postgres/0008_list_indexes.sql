-- Indexes for the project list at national scale (issue 7). Each one was chosen from
-- EXPLAIN QUERY PLAN of the benchmark's list queries on the 100 000 and 1 000 000 project
-- data sets (SQLite; the same indexes here keep the two backends equivalent), where the list read every project of a region or partnership (tens of thousands
-- of rows, each fetched from the table) and sorted them all to return 50.
--
-- Write cost: every project insert, and every update of the columns named, maintains each
-- index (the generator's bulk load of 1 000 000 projects takes correspondingly longer, and the
-- file grows by roughly 40 bytes a project per index). Two single-column indexes become
-- prefixes of the new ones and are dropped, so the net is two more indexes than before.

-- The list sorted by planned investment (`sort=-planned_investment`, with or without a region,
-- category or minimum): the index yields rows in the list's order (money, then id), so a page
-- reads about as many entries as it needs to find 50 matches instead of sorting every match,
-- and it checks host region and category in the index without reading the row. It serves
-- every use of the old one-column index.
CREATE INDEX projects_planned_order ON projects(planned_investment, id, host_region_path, category);
DROP INDEX projects_planned;

-- The list of one stage sorted by the date it was entered (`stage=operating&sort=-stage_since`,
-- with a partnership and category): same reasoning, within one stage. It serves every use of
-- the old one-column index on stage.
CREATE INDEX projects_stage_order ON projects(stage, stage_since, id, partnership_path, category);

DROP INDEX projects_stage;

-- The bounded `total` (up to 10 001 matches) of a region's or a partnership's list with the
-- usual filters, counted from the index alone: without it each candidate row was read from
-- the table to check category, stage or money (some 30 ms at 100 000 projects, more at
-- 1 000 000, on every page).
CREATE INDEX projects_host_filter ON projects(host_region_path, category, stage, planned_investment);
CREATE INDEX projects_partnership_filter ON projects(partnership_path, category, stage, planned_investment);

-- Statistics for the planner about the new indexes.
ANALYZE projects;
