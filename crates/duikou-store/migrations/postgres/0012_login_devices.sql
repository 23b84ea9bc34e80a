-- Devices (browsers) that logged in successfully as a user: the `duikou_device` cookie holds
-- a random token, the database its SHA-256. The right password from a known device passes
-- the locks that failures from elsewhere set.
CREATE TABLE login_devices (
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);

-- The account a throttle row counts against (NULL for an address), so that an administrator
-- can clear the locks of an account.
ALTER TABLE login_throttle ADD COLUMN account TEXT;
CREATE INDEX login_throttle_account ON login_throttle(account);
