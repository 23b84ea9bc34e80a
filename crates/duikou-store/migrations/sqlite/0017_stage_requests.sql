-- 阶段变更审批: stage moves that wait for a coordinator's approval (SQLite).

CREATE TABLE stage_requests (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_stage     TEXT NOT NULL,
    to_stage       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    decision_note  TEXT,
    version        INTEGER NOT NULL DEFAULT 1
);
-- At most one request waiting per project.
CREATE UNIQUE INDEX stage_requests_one_pending ON stage_requests(project_id) WHERE status = 'pending';
CREATE INDEX stage_requests_status ON stage_requests(status, requested_at);
