-- Early warnings: annual investment plans, thresholds per organisation and year, one open
-- warning per (project, subject, rule) with its history, when each project must be looked at
-- again, notification channels and the outbox of their deliveries (SQLite).

CREATE TABLE annual_plans (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    year       INTEGER NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    curve      TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (project_id, year)
);

-- Thresholds in force for an organisation's projects (org_id NULL: every organisation) in a
-- year; the newest row of a pair wins, older rows stay as the history.
CREATE TABLE warning_thresholds (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES orgs(id),
    year       INTEGER NOT NULL,
    version    TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX warning_thresholds_org ON warning_thresholds(org_id, year, id);

CREATE TABLE warnings (
    id                 INTEGER PRIMARY KEY,
    project_id         INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    subject            TEXT NOT NULL,
    rule               TEXT NOT NULL,
    level              TEXT NOT NULL,
    status             TEXT NOT NULL,
    owner_org_id       INTEGER REFERENCES orgs(id),
    owner_name         TEXT,
    reason             TEXT NOT NULL,
    facts              TEXT NOT NULL,
    thresholds_version TEXT NOT NULL,
    as_of              TEXT NOT NULL,
    raised_at          TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    closed_at          TEXT,
    note               TEXT,
    version            INTEGER NOT NULL DEFAULT 1
);
-- The engine's invariant, enforced by the database: one open warning per subject and rule.
CREATE UNIQUE INDEX warnings_one_open ON warnings(project_id, subject, rule) WHERE closed_at IS NULL;
CREATE INDEX warnings_project ON warnings(project_id, closed_at);
CREATE INDEX warnings_owner ON warnings(owner_org_id, closed_at);

CREATE TABLE warning_events (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER NOT NULL REFERENCES warnings(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    level      TEXT NOT NULL,
    reason     TEXT,
    actor      TEXT NOT NULL,
    note       TEXT,
    as_of      TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX warning_events_warning ON warning_events(warning_id, id);

-- The first date on which a project's warnings could change with no write ('0001-01-01':
-- never evaluated; '9999-12-31': only a write can change them).
ALTER TABLE projects ADD COLUMN warn_next_check TEXT NOT NULL DEFAULT '0001-01-01';
CREATE INDEX projects_warn_next_check ON projects(warn_next_check);

CREATE TABLE notify_channels (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES orgs(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    target     TEXT NOT NULL,
    secret     TEXT,
    min_level  TEXT NOT NULL DEFAULT 'yellow',
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- One row per event and channel, written in the transaction that made the event; delivered
-- at least once (receivers de-duplicate by event_id).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL,
    channel_id      INTEGER NOT NULL REFERENCES notify_channels(id) ON DELETE CASCADE,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    delivered_at    TEXT,
    last_error      TEXT,
    UNIQUE (event_id, channel_id)
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
