-- Supervision slips (督办单) and their history (SQLite).

CREATE TABLE slips (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    warning_id   INTEGER REFERENCES warnings(id) ON DELETE SET NULL,
    owner_org_id INTEGER REFERENCES orgs(id),
    title        TEXT NOT NULL,
    requirement  TEXT NOT NULL,
    status       TEXT NOT NULL,
    reply_due    TEXT NOT NULL,
    plan         TEXT NOT NULL DEFAULT '[]',
    extension    TEXT,
    issued_by    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    closed_at    TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
-- At most one slip not yet closed per warning.
CREATE UNIQUE INDEX slips_one_per_warning ON slips(warning_id) WHERE closed_at IS NULL AND warning_id IS NOT NULL;
CREATE INDEX slips_project ON slips(project_id);
CREATE INDEX slips_status ON slips(status, reply_due);

CREATE TABLE slip_events (
    id      INTEGER PRIMARY KEY,
    slip_id INTEGER NOT NULL REFERENCES slips(id) ON DELETE CASCADE,
    action  TEXT NOT NULL,
    status  TEXT NOT NULL,
    actor   TEXT NOT NULL,
    note    TEXT,
    body    TEXT,
    at      TEXT NOT NULL
);
CREATE INDEX slip_events_slip ON slip_events(slip_id, id);
