-- The change log becomes a hash chain (PostgreSQL; equivalent to the SQLite file of the same name).
-- Each row carries its place in the chain (`seq`, gapless from 1), the hash of the row before
-- (`prev_hash`, 64 zeros for the first) and its own hash over both and every content column
-- (see `changes::entry_hash`). `audit_head` holds the last seq and hash: writers lock its one
-- row and so append one at a time, and it shows that rows were cut off the end.
-- Rows written before this migration have no seq yet; `Store::migrate` chains them, in id
-- order, right after applying it (the same Rust code as every later row, one encoding).

ALTER TABLE change_log ADD COLUMN seq BIGINT;
ALTER TABLE change_log ADD COLUMN user_id BIGINT;
ALTER TABLE change_log ADD COLUMN prev_hash TEXT;
ALTER TABLE change_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX change_log_seq ON change_log(seq);
CREATE INDEX change_log_kind ON change_log(kind, id);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
