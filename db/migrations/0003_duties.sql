-- Schema version 3: desk duties and supervision (plan §2.4.1–§2.4.5): the centre profile
-- and hall-area grade, staff cards, training, equipment and safety inspections, windows with
-- their primary and backup clerks (AB角), away notes, consultations and referrals (首问负责),
-- ratings with their follow-up (好差评), complaints, special services, and a staff inbox.
-- All projections of events; indexes serve the daily and date-range reports.

CREATE TABLE duty_counters (
    series TEXT PRIMARY KEY,             -- e.g. "ZX:2026-03-02"
    last   INTEGER NOT NULL
) STRICT;

CREATE TABLE duty_inbox (
    username TEXT    NOT NULL,
    seq      INTEGER NOT NULL,           -- the event that caused the message
    at       TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    ref      TEXT    NOT NULL,           -- record number the message is about
    text     TEXT    NOT NULL,
    read_at  TEXT,
    PRIMARY KEY (username, seq)
) STRICT;

CREATE INDEX duty_inbox_unread ON duty_inbox (username, read_at);

CREATE TABLE centre_profiles (
    centre_code       TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL,
    address           TEXT    NOT NULL,
    opening_hours     TEXT    NOT NULL,
    supervision_phone TEXT    NOT NULL,
    population        INTEGER NOT NULL CHECK (population >= 0),
    hall_area_dm2     INTEGER NOT NULL CHECK (hall_area_dm2 >= 0),  -- m² × 100, exact
    ethnic_area       INTEGER NOT NULL CHECK (ethnic_area IN (0, 1)),
    own               INTEGER NOT NULL CHECK (own IN (0, 1)),        -- this desk's centre
    updated_at        TEXT    NOT NULL,
    updated_by        TEXT    NOT NULL
) STRICT;

CREATE TABLE staff_cards (
    username     TEXT    PRIMARY KEY,
    unit         TEXT    NOT NULL,
    post         TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    party_member INTEGER NOT NULL CHECK (party_member IN (0, 1)),
    photo        TEXT,                   -- base64 JPEG/PNG, small
    photo_type   TEXT,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE TABLE trainings (
    training_no TEXT    PRIMARY KEY,
    username    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,        -- pre_job | political | business | service | other
    title       TEXT    NOT NULL,
    held_on     TEXT    NOT NULL,
    hours       INTEGER NOT NULL,
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    note        TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL
) STRICT;

CREATE INDEX trainings_by_staff ON trainings (username, kind, passed);

CREATE TABLE equipment (
    asset_no      TEXT    PRIMARY KEY,
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    window_no     INTEGER,
    serial        TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('in_use', 'faulty', 'retired')),
    note          TEXT    NOT NULL,
    registered_on TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE inspection_plan (
    kind         TEXT PRIMARY KEY,       -- fire | theft | damp | earthquake | secrecy
    next_due     TEXT NOT NULL,
    last_done_on TEXT,
    last_result  TEXT,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE inspections (
    inspection_no TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    done_on       TEXT NOT NULL,
    result        TEXT NOT NULL CHECK (result IN ('ok', 'issues')),
    findings      TEXT NOT NULL,
    next_due      TEXT NOT NULL,
    inspector     TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
) STRICT;

CREATE INDEX inspections_by_kind ON inspections (kind, done_on);

CREATE TABLE windows (
    window_no     INTEGER PRIMARY KEY CHECK (window_no >= 1),
    name          TEXT    NOT NULL,
    scope         TEXT    NOT NULL,
    primary_clerk TEXT,
    backup_clerk  TEXT,
    updated_at    TEXT    NOT NULL
) STRICT;

-- Who held which post when: the history behind "time on the window" (plan: ≥ 1 year).
CREATE TABLE window_assignments (
    window_no INTEGER NOT NULL,
    seq       INTEGER NOT NULL,          -- the assigning event
    post      TEXT    NOT NULL CHECK (post IN ('primary', 'backup')),
    username  TEXT    NOT NULL,
    from_on   TEXT    NOT NULL,
    to_on     TEXT,
    PRIMARY KEY (window_no, seq, post)
) STRICT;

CREATE INDEX window_assignments_by_staff ON window_assignments (username, post, from_on);

CREATE TABLE window_sessions (
    seq            INTEGER PRIMARY KEY,  -- the sign-in event
    window_no      INTEGER NOT NULL,
    username       TEXT    NOT NULL,
    signed_in_at   TEXT    NOT NULL,
    signed_out_at  TEXT
) STRICT;

CREATE INDEX window_sessions_open ON window_sessions (window_no, signed_out_at);
CREATE INDEX window_sessions_by_staff ON window_sessions (username, signed_out_at);

CREATE TABLE away_notes (
    note_no     TEXT    PRIMARY KEY,
    username    TEXT    NOT NULL,
    window_no   INTEGER,
    reason      TEXT    NOT NULL,        -- village | meeting | training | errand | lunch | other
    place       TEXT    NOT NULL,
    until_at    TEXT    NOT NULL,        -- expected return, ISO 8601 +08:00
    phone       TEXT    NOT NULL,
    cover       TEXT    NOT NULL,        -- the colleague who takes the window (B角)
    note        TEXT    NOT NULL,
    posted_at   TEXT    NOT NULL,
    posted_by   TEXT    NOT NULL,
    returned_at TEXT,
    returned_by TEXT
) STRICT;

CREATE INDEX away_notes_open ON away_notes (returned_at, username);
CREATE INDEX away_notes_by_time ON away_notes (posted_at);

-- The open cases handed to the cover while the holder is away.
CREATE TABLE away_handover (
    note_no TEXT NOT NULL,
    case_no TEXT NOT NULL,
    PRIMARY KEY (note_no, case_no)
) STRICT;

CREATE INDEX away_handover_by_case ON away_handover (case_no);

CREATE TABLE consultations (
    consult_no         TEXT    PRIMARY KEY,
    on_date            TEXT    NOT NULL,
    at                 TEXT    NOT NULL,
    served_by          TEXT    NOT NULL,
    window_no          INTEGER,
    channel            TEXT    NOT NULL,
    citizen_name       TEXT    NOT NULL,
    citizen_phone      TEXT    NOT NULL,
    item_code          TEXT,
    item_name          TEXT    NOT NULL,
    topic              TEXT    NOT NULL,
    question           TEXT    NOT NULL,
    answer             TEXT    NOT NULL,
    ours               INTEGER NOT NULL CHECK (ours IN (0, 1)),
    referred_to        TEXT,             -- window or department the citizen was sent to
    responsible_person TEXT,
    referral_phone     TEXT,
    referral_address   TEXT
) STRICT;

CREATE INDEX consultations_by_date ON consultations (on_date, served_by, ours);

CREATE TABLE ratings (
    rating_no      TEXT    PRIMARY KEY,
    contact_kind   TEXT    NOT NULL,     -- case | consultation | service
    contact_ref    TEXT    NOT NULL,
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),  -- GB/T 39046: 1 = 非常满意
    channel        TEXT    NOT NULL,
    comment        TEXT    NOT NULL,
    on_date        TEXT    NOT NULL,
    at             TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL,
    staff          TEXT    NOT NULL,     -- who served the citizen
    window_no      INTEGER,
    voided         INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),  -- appeal upheld
    appeal_state   TEXT,                 -- pending | upheld | rejected
    appeal_kind    TEXT,
    appeal_reason  TEXT,
    appeal_by      TEXT,
    appeal_at      TEXT,
    decided_by     TEXT,
    decided_at     TEXT,
    decision_note  TEXT,
    UNIQUE (contact_kind, contact_ref)   -- 一次一评
) STRICT;

CREATE INDEX ratings_by_date ON ratings (on_date, staff, level, voided);
CREATE INDEX ratings_by_staff ON ratings (staff, on_date);

CREATE TABLE rating_followups (
    rating_no       TEXT    PRIMARY KEY,
    due_on          TEXT    NOT NULL,
    due_provisional INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    state           TEXT    NOT NULL CHECK (state IN ('open', 'closed', 'voided')),
    verified_at     TEXT,
    verified_by     TEXT,
    verify_note     TEXT,
    rectified_at    TEXT,
    rectified_by    TEXT,
    rectify_note    TEXT,
    called_back_at  TEXT,
    called_back_by  TEXT,
    callback_note   TEXT,
    callback_satisfied INTEGER,
    closed_on       TEXT
) STRICT;

CREATE INDEX rating_followups_open ON rating_followups (state, due_on);
CREATE INDEX rating_followups_closed ON rating_followups (closed_on);

CREATE TABLE complaints (
    complaint_no       TEXT    PRIMARY KEY,
    on_date            TEXT    NOT NULL,
    at                 TEXT    NOT NULL,
    channel            TEXT    NOT NULL,
    content            TEXT    NOT NULL,
    complainant_name   TEXT    NOT NULL,
    complainant_phone  TEXT    NOT NULL,
    about_staff        TEXT,
    about_window       INTEGER,
    recorded_by        TEXT    NOT NULL,
    due_on             TEXT    NOT NULL,
    due_provisional    INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    state              TEXT    NOT NULL CHECK (state IN ('open', 'handled', 'closed')),
    handling           TEXT,
    result             TEXT,
    handled_on         TEXT,
    handled_by         TEXT,
    callback_note      TEXT,
    callback_satisfied INTEGER,
    called_back_by     TEXT,
    closed_on          TEXT
) STRICT;

CREATE INDEX complaints_by_date ON complaints (on_date, channel, about_staff);
CREATE INDEX complaints_closed ON complaints (closed_on);
CREATE INDEX complaints_open ON complaints (state, due_on);

CREATE TABLE special_services (
    service_no    TEXT    PRIMARY KEY,
    kind          TEXT    NOT NULL,      -- appointment | fast_lane | proxy | assisted | home_visit
    on_date       TEXT    NOT NULL,      -- the day of the service (an appointment's date)
    time_text     TEXT    NOT NULL,      -- HH:MM or ''
    item_code     TEXT,
    item_name     TEXT    NOT NULL,
    citizen_name  TEXT    NOT NULL,
    citizen_phone TEXT    NOT NULL,
    group_kind    TEXT    NOT NULL,      -- elderly | sick | disabled | child | other
    agent         TEXT    NOT NULL,      -- who handles it for the citizen (代办/帮办)
    address       TEXT    NOT NULL,      -- home visits
    after_hours   INTEGER NOT NULL CHECK (after_hours IN (0, 1)),
    holiday       INTEGER NOT NULL CHECK (holiday IN (0, 1)),
    note          TEXT    NOT NULL,
    status        TEXT    NOT NULL,      -- booked | done | no_show | cancelled
    outcome       TEXT    NOT NULL,
    case_no       TEXT,
    recorded_by   TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE INDEX special_services_by_date ON special_services (
    on_date, kind, status, after_hours, holiday, case_no
);
CREATE INDEX special_services_by_case ON special_services (case_no);

-- Case dates the reports count by, covering what they group by (item, clerk, due date) and
-- filter on (the receipt date, for "still open at the end of the period"), so a year's report
-- reads the indexes only.
CREATE INDEX cases_report_received ON cases (received_on, item_code, received_by);
CREATE INDEX cases_report_accepted ON cases (accepted_on, item_code, received_by, received_on);
CREATE INDEX cases_report_closed ON cases (
    closed_on, state, item_code, received_by, due_on, received_on, accepted_on
);
