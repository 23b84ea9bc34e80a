-- The audit chain becomes keyed (SQLite).
-- Rows up to the head as it stands now keep their plain SHA-256 hashes; every row from
-- `keyed_from` on is hashed with HMAC-SHA256 under a key kept outside the database (see
-- `audit_key`). `keyed_seal` binds that boundary to the key: `Store::migrate` fills it in
-- right after applying this file (the key is not known here), and verification checks it,
-- so that the boundary cannot be moved past the head to pass rewritten rows off as unkeyed.

ALTER TABLE audit_head ADD COLUMN keyed_from INTEGER;
ALTER TABLE audit_head ADD COLUMN keyed_seal TEXT;
UPDATE audit_head SET keyed_from = seq + 1;
