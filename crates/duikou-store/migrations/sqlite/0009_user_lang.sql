-- The language a user chose for the pages (zh-Hans, zh-Hant, en), applied at login on any
-- device; NULL until they choose one.

ALTER TABLE users ADD COLUMN lang TEXT;
