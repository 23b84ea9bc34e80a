-- Users, grants, sessions, API tokens and login throttling (SQLite).

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    org_id               INTEGER REFERENCES orgs(id),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);

-- A role over a scope: all, an org, a region subtree or a partnership subtree.
CREATE TABLE grants (
    id                   INTEGER PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role                 TEXT NOT NULL,
    scope_kind           TEXT NOT NULL,
    scope_org_id         INTEGER REFERENCES orgs(id),
    scope_region_code    TEXT REFERENCES regions(code),
    scope_partnership_id INTEGER REFERENCES partnerships(id),
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL
);
CREATE INDEX grants_user ON grants(user_id);

-- Web sessions: the cookie holds a random token; the database keeps its SHA-256.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    address      TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- API tokens: shown once, kept hashed; their grants are a subset of the user's.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    grants       TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed logins per account ("login:NAME") and per address ("addr:IP").
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT
);
