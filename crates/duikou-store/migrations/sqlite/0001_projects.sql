-- Regions, orgs, partnerships, projects and their history (SQLite).
-- Dates are ISO text (YYYY-MM-DD), timestamps RFC 3339 UTC text, money integer yuan.
-- Paths ("/210000/210100/") make a subtree one index range.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    path        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    parent_id   INTEGER REFERENCES orgs(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orgs_region ON orgs(region_code);

CREATE TABLE partnerships (
    id            INTEGER PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    parent_id     INTEGER REFERENCES partnerships(id),
    side_a_region TEXT REFERENCES regions(code),
    side_a_org    INTEGER REFERENCES orgs(id),
    side_b_region TEXT REFERENCES regions(code),
    side_b_org    INTEGER REFERENCES orgs(id),
    since         TEXT,
    path          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE projects (
    id                  INTEGER PRIMARY KEY,
    code                TEXT UNIQUE,
    external_ids        TEXT NOT NULL DEFAULT '{}',
    name                TEXT NOT NULL,
    partnership_id      INTEGER REFERENCES partnerships(id),
    partnership_path    TEXT NOT NULL DEFAULT '',
    source_region_code  TEXT REFERENCES regions(code),
    source_region_path  TEXT NOT NULL DEFAULT '',
    source_org_id       INTEGER REFERENCES orgs(id),
    investor            TEXT,
    host_region_code    TEXT NOT NULL REFERENCES regions(code),
    host_region_path    TEXT NOT NULL,
    owner_org_id        INTEGER REFERENCES orgs(id),
    category            TEXT NOT NULL,
    industry            TEXT,
    stage               TEXT NOT NULL,
    stage_since         TEXT NOT NULL,
    held_stage          TEXT NOT NULL,
    planned_start       TEXT,
    planned_production  TEXT,
    currency            TEXT NOT NULL DEFAULT 'CNY',
    planned_investment  INTEGER CHECK (planned_investment >= 0),
    agreement_amount    INTEGER CHECK (agreement_amount >= 0),
    leader              TEXT,
    service_officer     TEXT,
    task_force          TEXT,
    land_area_mu        REAL,
    address             TEXT,
    note                TEXT,
    generated           INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_partnership ON projects(partnership_path, id);
CREATE INDEX projects_host ON projects(host_region_path, id);
CREATE INDEX projects_source ON projects(source_region_path);
CREATE INDEX projects_updated ON projects(updated_at, id);
CREATE INDEX projects_stage ON projects(stage);
CREATE INDEX projects_planned ON projects(planned_investment);

-- One row per stage a project held: [effective_date, until_date). The open row has no
-- until_date. "As of D" is the row with effective_date <= D < until_date.
CREATE TABLE stage_changes (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_stage     TEXT,
    to_stage       TEXT NOT NULL,
    kind           TEXT,
    effective_date TEXT NOT NULL,
    until_date     TEXT,
    reason         TEXT,
    overridden     INTEGER NOT NULL DEFAULT 0,
    actor          TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX stage_changes_project ON stage_changes(project_id, effective_date);
CREATE INDEX stage_changes_entered ON stage_changes(to_stage, effective_date);

CREATE TABLE progress_reports (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    period           TEXT NOT NULL,
    period_end       TEXT NOT NULL,
    invested_to_date INTEGER CHECK (invested_to_date >= 0),
    funds_in_place   INTEGER CHECK (funds_in_place >= 0),
    trade_volume     INTEGER CHECK (trade_volume >= 0),
    output_value     INTEGER CHECK (output_value >= 0),
    note             TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (project_id, period)
);
CREATE INDEX progress_reports_asof ON progress_reports(project_id, period_end);

CREATE TABLE problems (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    category     TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner_org_id INTEGER REFERENCES orgs(id),
    due_date     TEXT,
    status       TEXT NOT NULL,
    resolution   TEXT,
    resolved_on  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX problems_project ON problems(project_id);

-- Every change of every record: who, when, before and after (JSON).
CREATE TABLE change_log (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX change_log_record ON change_log(kind, record_id, id);
