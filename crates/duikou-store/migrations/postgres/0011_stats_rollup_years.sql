-- Yearly rows in the statistics rollup (issue 7): "as of" a date now adds the whole years
-- before it and then the months of its own year, instead of every month since the history
-- began (120 months of some 100 groups for a partnership at 10^6: 15 ms of each request).
-- The rows are new dimensions of the same table (`all-year`, `partnership-year`, `host-year`,
-- `source-year`, bucket = 1 January), so no table changes. A rollup built before this
-- migration has none of them: it is marked unbuilt, statistics count directly until the
-- rebuild that `migrate` starts right after (or `duikou stats rebuild`).
DELETE FROM stats_rollup_state;
