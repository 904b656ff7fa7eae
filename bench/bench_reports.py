"""The daily report and the one-year range report on a large generated ledger (DESIGN §11),
against one plain full scan of the cases table on the same encrypted connection — the
cheapest thing a report could possibly do.

The projections are generated in bulk with SQL (a year of 200 000 cases, with consultations,
ratings, complaints, away notes and special services in proportion), and the events a report
reads for business dates the projections do not keep: a forwarding for every case handled
and a one-time notice for one case in five (unchained: the report never checks the chain).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from bench.common import Ratio, best_of
from db import keys
from db.ledger import CHINA_TZ
from db.sqlite import Connection

CASES = 200_000
YEAR = 2025
CLERKS = ("clerk1", "clerk2", "clerk3", "clerk4")


def _generate(conn: Connection) -> None:
    conn.execute("BEGIN")
    for name in CLERKS:
        conn.execute(
            "INSERT INTO staff (username, display_name, role, active, created_at, updated_at) "
            "VALUES (?, ?, 'clerk', 1, '2025-01-01', '2025-01-01')",
            (name, name),
        )
    conn.execute(
        "INSERT INTO applicants VALUES ('resident_id:X', 'resident_id', 'X', '张三', "
        "'13800138000', '', '2025-01-01', '2025-01-01')"
    )
    # By i % 50: 2 rejected, 1 withdrawn, the rest completed (a few late) — except in the
    # last month, where 1 is received, 1 awaiting correction, 2 accepted, 2 in handling.
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {CASES - 1}),
        c AS (
            SELECT i, date('{YEAR}-01-01', '+' || (i * 365 / {CASES}) || ' days') AS day,
                   CASE WHEN i % 50 IN (6, 7) THEN 'rejected' WHEN i % 50 = 8 THEN 'withdrawn'
                   WHEN i * 365 / {CASES} < 334 THEN 'completed'
                   ELSE CASE i % 50 WHEN 0 THEN 'received' WHEN 1 THEN 'awaiting_correction'
                   WHEN 2 THEN 'accepted' WHEN 3 THEN 'accepted' WHEN 4 THEN 'in_handling'
                   WHEN 5 THEN 'in_handling' ELSE 'completed' END END AS state
            FROM n
        )
        INSERT INTO cases (case_no, desk_seq, item_code, item_version, item_name, case_kind,
            limit_days, limit_unit, applicant_key, channel, state, received_on, received_at,
            received_by, holder, accepted_on, clock_start, due_on, closed_on, outcome,
            updated_at, last_seq)
        SELECT printf('510421100-01-%s-%06d-0', replace(day, '-', ''), i), i,
            printf('ITEM%02d', i % 25), 1, printf('事项%02d', i % 25), 'committed', 10,
            'working', 'resident_id:X', 'window', state, day, day || 'T09:00:00+08:00',
            printf('clerk%d', i % 4 + 1), printf('clerk%d', i % 4 + 1),
            CASE WHEN state IN ('received', 'awaiting_correction', 'rejected') THEN NULL
                 ELSE day END,
            CASE WHEN state IN ('received', 'awaiting_correction', 'rejected') THEN NULL
                 ELSE day END,
            CASE WHEN state IN ('received', 'awaiting_correction', 'rejected') THEN NULL
                 ELSE date(day, '+14 days') END,
            CASE WHEN state = 'completed' THEN date(day, '+' || (i % 16) || ' days')
                 WHEN state IN ('rejected', 'withdrawn') THEN day END,
            CASE state WHEN 'completed' THEN 'approved' WHEN 'rejected' THEN 'rejected'
                 WHEN 'withdrawn' THEN 'withdrawn' END,
            day || 'T09:00:00+08:00', i
        FROM c
        """
    )
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {CASES // 4})
        INSERT INTO consultations (consult_no, on_date, at, served_by, channel, citizen_name,
            citizen_phone, item_code, item_name, topic, question, answer, ours, referred_to,
            responsible_person)
        SELECT printf('ZX-%d', i), date('{YEAR}-01-01', '+' || (i % 365) || ' days'), '',
            printf('clerk%d', i % 4 + 1), 'in_person', '', '', NULL, '',
            printf('话题%d', i % 30), '问', '答', i % 5 != 0,
            CASE WHEN i % 5 = 0 THEN '县医保局' END, CASE WHEN i % 5 = 0 THEN '刘敏' END
        FROM n
        """
    )
    conn.execute(
        """
        INSERT INTO ratings (rating_no, contact_kind, contact_ref, level, channel, comment,
            on_date, at, recorded_by, staff)
        SELECT 'PJ-' || case_no, 'case', case_no, 1 + (desk_seq % 23) % 5, 'screen', '',
            closed_on, '', received_by, received_by
        FROM cases WHERE state = 'completed' AND desk_seq % 2 = 0
        """
    )
    # Follow-ups of the last two weeks are partly still open; older ones were closed.
    conn.execute(
        f"""
        INSERT INTO rating_followups (rating_no, due_on, due_provisional, state, closed_on)
        SELECT rating_no, date(on_date, '+7 days'), 0, CASE WHEN opened THEN 'open'
            ELSE 'closed' END, CASE WHEN opened THEN NULL ELSE date(on_date, '+5 days') END
        FROM (SELECT rating_no, on_date, rowid % 3 = 0 AND on_date >= '{YEAR}-12-17' AS opened
              FROM ratings WHERE level >= 4)
        """
    )
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
        INSERT INTO complaints (complaint_no, on_date, at, channel, content, complainant_name,
            complainant_phone, about_staff, recorded_by, due_on, due_provisional, state,
            closed_on)
        SELECT printf('TS-%d', i), date('{YEAR}-01-01', '+' || (i % 365) || ' days'), '',
            'box', '内容', '', '', printf('clerk%d', i % 4 + 1), 'clerk1',
            date('{YEAR}-01-01', '+' || (i % 365 + 14) || ' days'), 0,
            CASE WHEN i % 10 = 0 AND i % 365 > 340 THEN 'open' ELSE 'closed' END,
            CASE WHEN i % 10 = 0 AND i % 365 > 340 THEN NULL
                 ELSE date('{YEAR}-01-01', '+' || (i % 365 + 7) || ' days') END
        FROM n
        """
    )
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO away_notes (note_no, username, reason, place, until_at, phone, cover, note,
            posted_at, posted_by, returned_at)
        SELECT printf('LY-%d', i), printf('clerk%d', i % 4 + 1), 'lunch', '食堂',
            date('{YEAR}-01-01', '+' || (i % 365) || ' days') || 'T13:00:00.000000+08:00',
            '13800138000', printf('clerk%d', (i + 1) % 4 + 1), '', date('{YEAR}-01-01', '+' ||
            (i % 365) || ' days') || 'T12:00:00.000000+08:00', 'clerk1',
            date('{YEAR}-01-01', '+' || (i % 365) || ' days') || 'T13:05:00.000000+08:00'
        FROM n
        """
    )
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
        INSERT INTO special_services (service_no, kind, on_date, time_text, item_name,
            citizen_name, citizen_phone, group_kind, agent, address, after_hours, holiday,
            note, status, outcome, recorded_by, at, updated_at)
        SELECT printf('FW-%d', i), CASE i % 3 WHEN 0 THEN 'appointment' WHEN 1 THEN 'proxy'
            ELSE 'home_visit' END, date('{YEAR}-01-01', '+' || (i % 365) || ' days'), '09:00',
            '', '', '', 'elderly', '', '', i % 7 = 0, i % 11 = 0, '', 'done', '', 'clerk1', '',
            ''
        FROM n
        """
    )
    # Events the report reads by kind (business dates of forwarding and notices).
    conn.execute(
        """
        INSERT INTO events (seq, id, at, actor, kind, subject, body, prev_hash, hash)
        SELECT (SELECT max(seq) FROM events) + row_number() OVER (ORDER BY desk_seq),
            'bench-fw-' || case_no, accepted_on || 'T10:00:00.000000+08:00', received_by,
            'case.forwarded', 'case/' || case_no,
            json_object('case_no', case_no, 'department', '民政办', 'note', '',
                        'on', date(accepted_on, '+1 days')),
            '', 'bench-fw-' || case_no
        FROM cases WHERE state IN ('in_handling', 'completed') AND case_kind = 'committed'
        """
    )
    conn.execute(
        """
        INSERT INTO events (seq, id, at, actor, kind, subject, body, prev_hash, hash)
        SELECT (SELECT max(seq) FROM events) + row_number() OVER (ORDER BY desk_seq),
            'bench-nt-' || case_no, received_on || 'T09:30:00.000000+08:00', received_by,
            'case.notice_issued', 'case/' || case_no,
            json_object('case_no', case_no, 'notice_no', 'bench-' || case_no, 'doc_seq', desk_seq,
                'ordinal', 1, 'on', received_on, 'return_by', date(received_on, '+21 days'),
                'items', json_array(json_object('code', 'M01', 'name', '户口簿复印件',
                    'problem', '缺少', 'how_to_fix', '请补交原件及复印件')),
                'override_by', NULL, 'override_reason', NULL, 'late', json('false')),
            '', 'bench-nt-' || case_no
        FROM cases WHERE desk_seq % 5 = 1
        """
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def run() -> list[Ratio]:
    from app.desk import set_up
    from app.reports import build_report

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    now = dt.datetime(YEAR, 12, 31, 18, 0, tzinfo=CHINA_TZ)
    with tempfile.TemporaryDirectory() as tmp:
        desk, _ = set_up(
            Path(tmp) / "bench.ledger",
            centre_code="510421100",
            centre_name="攀莲镇便民服务中心",
            desk_no=1,
            admin_username="admin",
            admin_display_name="管理员",
            passphrase="bench passphrase 1",
            clock=lambda: now,
        )
        conn = desk.conn
        _generate(conn)

        def scan() -> None:
            conn.execute("SELECT count(*), sum(length(item_name)) FROM cases").fetchone()

        def daily() -> None:
            build_report(conn, now.date(), now.date(), now)

        def past_day() -> None:
            day = dt.date(YEAR, 6, 16)
            build_report(conn, day, day, now)

        def year() -> None:
            build_report(conn, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), now)

        baseline = best_of(scan, 3)
        ours_daily = best_of(daily, 3)
        ours_past = best_of(past_day, 3)
        ours_year = best_of(year, 3)
        desk.close()
    what = f"full scan of {CASES // 1000}k cases, same connection"
    return [
        Ratio(f"daily report (today), {CASES // 1000}k-case year", ours_daily * 1000,
              baseline * 1000, "ms", what),
        Ratio("daily report of a day mid-year", ours_past * 1000, baseline * 1000, "ms", what),
        Ratio(f"1-year range report, {CASES // 1000}k cases", ours_year * 1000, baseline * 1000,
              "ms", what),
    ]  # fmt: skip
