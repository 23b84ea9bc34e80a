-- The statistics rollup (SQLite; kept equivalent to the PostgreSQL file of the same name).
--
-- Headline statistics as of a date summed from the projects' changes by month instead of
-- walking every project of a scope (see duikou_core::rollup). One row per scope node (the
-- country, a partnership, a province or city on the host or the source side), month and group
-- (stage, category, >= 1亿): the change of the count, the six money sums and their presence
-- counts over that month. Every write of a project keeps it in its transaction; a bulk load
-- marks it unbuilt and the next open rebuilds it.
CREATE TABLE stats_rollup (
    dim      TEXT NOT NULL,
    node     TEXT NOT NULL,
    bucket   TEXT NOT NULL,
    stage    TEXT NOT NULL,
    category TEXT NOT NULL,
    large    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL,
    s3 INTEGER NOT NULL, s4 INTEGER NOT NULL, s5 INTEGER NOT NULL,
    c0 INTEGER NOT NULL, c1 INTEGER NOT NULL, c2 INTEGER NOT NULL,
    c3 INTEGER NOT NULL, c4 INTEGER NOT NULL, c5 INTEGER NOT NULL,
    PRIMARY KEY (dim, node, bucket, stage, category, large)
) WITHOUT ROWID;

-- One row once the rollup holds every project (absent: statistics count directly).
CREATE TABLE stats_rollup_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    built_at TEXT NOT NULL
);
