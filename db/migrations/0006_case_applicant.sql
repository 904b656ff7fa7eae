-- Schema version 5: each case keeps its applicant as recorded at intake (name, phone,
-- address: what its receipt printed). The applicants row holds the latest; a second intake
-- under another name no longer renames the applicant on earlier cases. Existing cases take
-- the values from their own case.received event, as a rebuild does.

ALTER TABLE cases ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN applicant_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN applicant_address TEXT NOT NULL DEFAULT '';

UPDATE cases SET
    applicant_name = (SELECT json_extract(e.body, '$.applicant.name') FROM events e
                      WHERE e.kind = 'case.received' AND e.subject = 'case/' || cases.case_no),
    applicant_phone = (SELECT json_extract(e.body, '$.applicant.phone') FROM events e
                       WHERE e.kind = 'case.received' AND e.subject = 'case/' || cases.case_no),
    applicant_address = (SELECT json_extract(e.body, '$.applicant.address') FROM events e
                         WHERE e.kind = 'case.received' AND e.subject = 'case/' || cases.case_no);
