-- Schema version 5: the desk's side of sync (docs/sync-protocol.md §9). Like local_state,
-- none of this is an event or a projection: an acknowledgement never creates an event to
-- sync, and nothing here is rebuilt from events. All of it is inside the encrypted file, so
-- the desk's signing key is never in plaintext and receipts go into every backup.

CREATE TABLE sync_enrolment (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    gateway_url    TEXT    NOT NULL,
    gateway_id     TEXT    NOT NULL,
    gateway_pubkey TEXT    NOT NULL,  -- pinned at enrolment (base64 Ed25519)
    desk_id        TEXT    NOT NULL,
    desk_key       BLOB    NOT NULL,  -- the desk's Ed25519 private key (32 raw bytes)
    limits         TEXT    NOT NULL,  -- JSON, as announced by the gateway
    enrolled_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE sync_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    acked_seq       INTEGER NOT NULL DEFAULT 0,  -- highest receipted sequence
    attempts        INTEGER NOT NULL DEFAULT 0,  -- failed attempts since the last success
    next_attempt_at TEXT,
    last_error      TEXT,
    last_success_at TEXT,
    stopped         TEXT    -- JSON: why sync waits for a person (fork, behind, refused)
) STRICT;

CREATE TABLE sync_receipts (
    seq         INTEGER NOT NULL,
    head_hash   TEXT    NOT NULL,
    gateway_id  TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    signature   TEXT    NOT NULL,
    kept_at     TEXT    NOT NULL,
    PRIMARY KEY (seq, gateway_id, received_at)
) STRICT;
