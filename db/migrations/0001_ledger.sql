-- Schema version 1: the event ledger, this desk's local bookkeeping, and the first
-- projections (desk identity and staff accounts).

CREATE TABLE events (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),  -- gap-free desk sequence number
    id        TEXT    NOT NULL UNIQUE,               -- UUIDv7, time-ordered, global
    at        TEXT    NOT NULL,                      -- ISO 8601 with +08:00
    actor     TEXT    NOT NULL,                      -- staff user name
    kind      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    body      TEXT    NOT NULL,                      -- canonical JSON
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL UNIQUE
) STRICT;

CREATE INDEX events_by_subject ON events (subject, seq);
CREATE INDEX events_by_kind ON events (kind, seq);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- This desk's own bookkeeping (chain head marker, sync position): never replicated and
-- never rebuilt from events.
CREATE TABLE local_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE desk (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    ledger_id   TEXT    NOT NULL,
    centre_code TEXT    NOT NULL,
    centre_name TEXT    NOT NULL,
    desk_no     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    last_backup_at  TEXT,
    key_rotated_at  TEXT
) STRICT;

CREATE TABLE staff (
    username     TEXT    PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('clerk', 'director', 'admin')),
    active       INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;
