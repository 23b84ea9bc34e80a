-- Step templates (versioned), the steps of each project, and extra calendar notices (SQLite).

CREATE TABLE step_templates (
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (key, version)
);

-- A project's instantiation of one template version.
CREATE TABLE project_schedules (
    project_id       INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    template_key     TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    start_date       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (template_key, template_version) REFERENCES step_templates(key, version)
);

-- One row per step of a project: its state as JSON, and the planned dates and status copied
-- out of the last plan so that "late" and "due this week" across projects are index scans.
CREATE TABLE project_steps (
    project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    step_key      TEXT NOT NULL,
    position      INTEGER NOT NULL,
    status        TEXT NOT NULL,
    planned_start TEXT,
    planned_due   TEXT,
    actual_finish TEXT,
    state         TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (project_id, step_key)
);
CREATE INDEX project_steps_due ON project_steps(planned_due, status);

-- Holiday notices loaded at run time (`duikou calendar load`), merged over the shipped ones.
CREATE TABLE calendar_entries (
    date      TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
