-- Schema version 2: desk settings, the working-day calendar, the service catalogue,
-- applicants and cases with their materials, notices and pauses. All projections.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,            -- JSON
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE calendar_years (
    year      INTEGER PRIMARY KEY,
    schedule  TEXT    NOT NULL,          -- JSON of app.workdays.YearSchedule
    source    TEXT    NOT NULL,
    loaded_at TEXT    NOT NULL,
    loaded_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE catalogue_items (
    code         TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    item         TEXT    NOT NULL,       -- JSON of app.catalogue_model.ServiceItem
    demo         INTEGER NOT NULL CHECK (demo IN (0, 1)),
    published_at TEXT    NOT NULL,
    current      INTEGER NOT NULL CHECK (current IN (0, 1)),
    withdrawn    INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    PRIMARY KEY (code, version)
) STRICT;

CREATE INDEX catalogue_current ON catalogue_items (current, code);

CREATE TABLE applicants (
    applicant_key TEXT PRIMARY KEY,       -- "<id type>:<normalised id number>"
    id_type       TEXT NOT NULL,
    id_number     TEXT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    address       TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL
) STRICT;

CREATE INDEX applicants_by_id_number ON applicants (id_number);
CREATE INDEX applicants_by_name ON applicants (name);
CREATE INDEX applicants_by_phone ON applicants (phone);

CREATE TABLE cases (
    case_no          TEXT    PRIMARY KEY,
    desk_seq         INTEGER NOT NULL,   -- the day's sequence number within the case number
    item_code        TEXT    NOT NULL,
    item_version     INTEGER NOT NULL,
    item_name        TEXT    NOT NULL,
    case_kind        TEXT    NOT NULL,   -- immediate | committed
    limit_days       INTEGER NOT NULL,
    limit_unit       TEXT    NOT NULL,   -- working | natural
    applicant_key    TEXT    NOT NULL REFERENCES applicants (applicant_key),
    agent            TEXT,               -- JSON or NULL
    channel          TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,   -- date
    received_at      TEXT    NOT NULL,
    received_by      TEXT    NOT NULL,
    holder           TEXT    NOT NULL,   -- staff member responsible now
    notice_count     INTEGER NOT NULL DEFAULT 0,
    notice_overrides INTEGER NOT NULL DEFAULT 0,
    return_by        TEXT,               -- date the applicant must bring the materials by
    notice_late      INTEGER NOT NULL DEFAULT 0,  -- 行政许可法 §32: notice after 5 working days
    deemed_accepted_on TEXT,             -- receipt date when §32 makes it count as accepted
    accepted_on      TEXT,
    accept_doc_no    TEXT,
    clock_start      TEXT,               -- date the time limit counts from
    paused           INTEGER NOT NULL DEFAULT 0,
    paused_workdays  INTEGER NOT NULL DEFAULT 0,
    due_on           TEXT,
    due_provisional  INTEGER NOT NULL DEFAULT 0,
    department       TEXT,
    closed_on        TEXT,
    outcome          TEXT,               -- approved | not_approved | rejected | withdrawn | lapsed
    outcome_detail   TEXT,               -- JSON
    updated_at       TEXT    NOT NULL,
    last_seq         INTEGER NOT NULL
) STRICT;

CREATE INDEX cases_by_state ON cases (state, due_on);
CREATE INDEX cases_by_applicant ON cases (applicant_key, received_on);
CREATE INDEX cases_by_received ON cases (received_on, desk_seq);
CREATE INDEX cases_by_holder ON cases (holder, state);

CREATE TABLE case_materials (
    case_no  TEXT NOT NULL REFERENCES cases (case_no),
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('received', 'missing', 'defective', 'not_applicable')),
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_no, code)
) STRICT;

CREATE TABLE case_notices (
    case_no     TEXT    NOT NULL REFERENCES cases (case_no),
    notice_no   TEXT    NOT NULL UNIQUE,
    ordinal     INTEGER NOT NULL,        -- 1 for the one-time notice; >1 only by override
    issued_at   TEXT    NOT NULL,
    issued_by   TEXT    NOT NULL,
    return_by   TEXT    NOT NULL,
    items       TEXT    NOT NULL,        -- JSON list of {code, name, problem, how_to_fix}
    override_by TEXT,
    override_reason TEXT,
    late        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_no, ordinal)
) STRICT;

CREATE TABLE case_pauses (
    case_no   TEXT    NOT NULL REFERENCES cases (case_no),
    ordinal   INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    started_on TEXT   NOT NULL,
    ended_on  TEXT,
    workdays  INTEGER,
    PRIMARY KEY (case_no, ordinal)
) STRICT;

CREATE TABLE doc_counters (
    series TEXT PRIMARY KEY,             -- e.g. "accept:2026", "case:2026-03-02"
    last   INTEGER NOT NULL
) STRICT;
