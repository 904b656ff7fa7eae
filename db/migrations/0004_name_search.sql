-- Schema version 4: a covering index for finding cases by the start of a name.
-- A two-character prefix can match thousands of applicants in a large ledger; with the
-- recency and key in the index, the most recently seen matches are picked from the index
-- alone (no table lookups), and only their cases are read.

CREATE INDEX applicants_by_name_recent ON applicants (name, last_seen, applicant_key);
