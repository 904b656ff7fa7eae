-- Schema version 5: each event records the hash-chain format it was written in
-- (docs/ledger-format.md). Events written before this step are v1; new ones are v2.

ALTER TABLE events ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1
    CHECK (hash_version >= 1);
