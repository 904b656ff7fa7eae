"""Away notes (去向留言) and the backup post (服务双岗): the backup takes over the window's
cases while the clerk is away; an overdue return shows on the director's lists."""

from __future__ import annotations

import pytest

from app import away, cases, centre, windows
from app.duty_records import inbox
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import (
    CLERK,
    CLERK2,
    DIRECTOR,
    LSJZ,
    NEWBIE,
    MakeDesk,
    as_user,
    duty_desk,
    moment,
)
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")


def _open_case(desk, n: int) -> str:  # type: ignore[no-untyped-def]
    no = cases.intake(desk, LSJZ, person(n), all_received(desk, LSJZ)).case_no
    cases.accept(desk, no)
    return no


def test_the_backup_takes_over_the_window_and_its_cases_while_the_clerk_is_away(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk = duty_desk(make_desk)
    zs, ww = as_user(desk, CLERK), as_user(desk, CLERK2)
    windows.sign_in(zs, 1)
    mine = [_open_case(zs, 1), _open_case(zs, 2)]
    done = _open_case(zs, 3)
    cases.complete(zs, done, "approved")
    theirs = _open_case(ww, 4)

    note = away.post(zs, "village", "挂榜村入户核查低保", moment("2026-03-02", 11), "13800138000")
    assert note.cover == CLERK2 and note.window_no == 1  # the window's B角 by default
    covered = away.covered_cases(desk.conn)
    assert [(c.case_no, c.covered_by, c.holder) for c in covered] == [
        (no, CLERK2, CLERK) for no in sorted(mine)
    ]
    assert away.case_cover(desk.conn, mine[0]) is not None
    assert away.case_cover(desk.conn, done) is None and away.case_cover(desk.conn, theirs) is None
    assert [c.case_no for c in away.covered_cases(desk.conn, cover=CLERK2)] == sorted(mine)
    # The backup was told, and may take the absent clerk's seat.
    message = inbox(desk.conn, CLERK2, unread_only=True)[0]
    assert message.kind == "away.posted" and "2 件在办件由您代管" in message.text
    windows.sign_in(ww, 1)
    board = {s.window.window_no: s for s in away.window_board(desk.conn, desk.now())}
    assert board[1].away is not None and board[1].covered_by == CLERK2
    assert board[1].seated == CLERK2 and not board[1].overdue
    # The public screen / printed sign.
    sign = away.window_sign(desk.conn, 1, desk.now())
    assert sign is not None and sign.staff_name == "张三" and sign.reason == "下村"
    assert sign.cover_name == "王五" and sign.cover_window_no == 2 and not sign.overdue
    # While covered, the backup handles the case; the record says who did it.
    cases.forward(ww, mine[0], "民政办")
    assert cases.get_case(desk.conn, mine[0]).timeline[-1].actor == CLERK2

    clock.advance(minutes=90)
    back = away.come_back(zs)
    assert back.returned_at == desk.now() and back.minutes_away(desk.now()) == 90
    assert away.covered_cases(desk.conn) == []
    assert away.window_sign(desk.conn, 1, desk.now()) is None
    assert inbox(desk.conn, CLERK2, unread_only=True)[0].kind == "away.returned"


def test_an_overdue_return_is_visible_to_the_director(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    away.post(zs, "meeting", "镇政府三楼会议室", moment("2026-03-02", 10), "13800138000")
    clock.advance(minutes=60 + 10)  # 10:10: within the 10 minutes' grace
    assert away.overdue_returns(desk.conn, desk.now()) == []
    clock.advance(minutes=1)
    (late,) = away.overdue_returns(desk.conn, desk.now())
    assert late.note.username == CLERK and late.minutes_late == 11
    board = {s.window.window_no: s for s in away.window_board(desk.conn, desk.now())}
    assert board[1].overdue
    sign = away.window_sign(desk.conn, 1, desk.now())
    assert sign is not None and sign.overdue
    # The clerk comes back late; the note keeps the lateness, the list is clear again.
    clock.advance(minutes=19)
    note = away.come_back(zs)
    assert note.minutes_late(desk.now()) == 30
    assert away.overdue_returns(desk.conn, desk.now()) == []


def test_somebody_must_cover(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, ww = as_user(desk, CLERK), as_user(desk, CLERK2)
    until = moment("2026-03-02", 12)
    away.post(ww, "lunch", "食堂", until, "13900139000")
    with pytest.raises(RuleRefused, match="B角"):
        away.post(zs, "errand", "县行政审批局", until, "13800138000")  # the backup is away too
    with pytest.raises(RuleRefused, match="岗前培训"):
        away.post(zs, "errand", "县行政审批局", until, "13800138000", cover=NEWBIE)
    centre.record_training(desk, DIRECTOR, "pre_job", "岗前培训", passed=True)
    note = away.post(zs, "errand", "县行政审批局", until, "13800138000", cover=DIRECTOR)
    assert note.cover == DIRECTOR
    with pytest.raises(RuleRefused, match="已有"):
        away.post(zs, "lunch", "食堂", until, "13800138000", cover=DIRECTOR)
    with pytest.raises(InvalidInput):
        away.post(as_user(desk, DIRECTOR), "lunch", "x", moment("2026-03-02", 8), "13800138000")
    with pytest.raises(InvalidInput):
        away.post(as_user(desk, NEWBIE), "nap", "x", until, "13800138000")
    # A director posts (or closes) a note for a clerk who left without one; a clerk may not.
    with pytest.raises(PermissionDenied):
        away.come_back(zs, CLERK2)
    away.come_back(as_user(desk, DIRECTOR), CLERK2)
    assert away.current_note(desk.conn, CLERK2) is None
    with pytest.raises(PermissionDenied):
        away.post(zs, "lunch", "x", until, "13800138000", username=CLERK2)
    note = away.post(as_user(desk, DIRECTOR), "other", "未留言离岗", until, "13900139000",
                     username=CLERK2, cover=DIRECTOR)  # fmt: skip
    assert note.posted_by == DIRECTOR and note.username == CLERK2


def test_away_minutes_count_only_the_desk_day_on_working_days(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    # Friday 16:00 to Monday 09:30: 2 h on Friday (to 18:00), nothing at the weekend or at
    # night, 1.5 h on Monday (from 08:00) — not 65.5 hours off the window.
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    clock.current = moment("2026-03-06", 16)
    away.post(zs, "village", "双沟村入户核查", moment("2026-03-09", 9), "13800138000")
    clock.current = moment("2026-03-09", 9, 30)
    away.come_back(zs)
    friday = away.away_minutes(desk.conn, moment("2026-03-06", 0), moment("2026-03-07", 0))
    weekend = away.away_minutes(desk.conn, moment("2026-03-07", 0), moment("2026-03-09", 0))
    monday = away.away_minutes(desk.conn, moment("2026-03-09", 0), moment("2026-03-10", 0))
    whole = away.away_minutes(desk.conn, moment("2026-03-06", 0), moment("2026-03-10", 0))
    assert friday == {CLERK: 120} and weekend == {} and monday == {CLERK: 90}
    assert whole == {CLERK: 210}


def test_cover_passes_along_when_the_cover_goes_away_too(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, ww, director = as_user(desk, CLERK), as_user(desk, CLERK2), as_user(desk, DIRECTOR)
    centre.record_training(desk, DIRECTOR, "pre_job", "岗前培训", passed=True)
    mine = _open_case(zs, 1)
    away.post(zs, "village", "观音村", moment("2026-03-02", 16), "13800138000")
    assert away.case_cover(desk.conn, mine) is not None
    # wangwu covers zhangsan's window and case: he may not leave without naming a successor.
    with pytest.raises(RuleRefused, match="B角"):
        away.post(ww, "meeting", "镇政府会议", moment("2026-03-02", 12), "13900139000")
    note = away.post(ww, "meeting", "镇政府会议", moment("2026-03-02", 12), "13900139000",
                     cover=DIRECTOR)  # fmt: skip
    assert note.cover == DIRECTOR
    assert "1 件在办件由您代管" in inbox(desk.conn, DIRECTOR, unread_only=True)[0].text
    # Nobody away covers anything: zhangsan's case and window pass on to lisi.
    cover = away.case_cover(desk.conn, mine)
    assert cover is not None and cover.covered_by == DIRECTOR and cover.holder == CLERK
    assert [c.case_no for c in away.covered_cases(desk.conn, cover=DIRECTOR)] == [mine]
    assert away.covered_cases(desk.conn, cover=CLERK2) == []
    board = {s.window.window_no: s for s in away.window_board(desk.conn, desk.now())}
    assert board[1].covered_by == DIRECTOR and board[2].covered_by == DIRECTOR
    sign = away.window_sign(desk.conn, 1, desk.now())
    assert sign is not None and sign.cover_name == "李四"
    # A case zhangsan takes in while his note is still open is covered like the others.
    during = _open_case(zs, 2)
    later = away.case_cover(desk.conn, during)
    assert later is not None and later.covered_by == DIRECTOR
    # wangwu is back: he covers zhangsan again; lisi covers nobody.
    clock.advance(minutes=60)
    away.come_back(ww)
    assert [(c.case_no, c.covered_by) for c in away.covered_cases(desk.conn)] == [
        (no, CLERK2) for no in sorted([mine, during])
    ]
    away.come_back(zs)
    assert away.covered_cases(desk.conn) == []
    # While covering, a colleague who is neither a primary nor holds cases must name one too.
    away.post(ww, "lunch", "食堂", moment("2026-03-02", 14), "13900139000", cover=DIRECTOR)
    with pytest.raises(RuleRefused, match="代岗"):
        away.post(director, "errand", "县局", moment("2026-03-02", 14), "13600136000")


def test_control_characters_in_free_text_are_refused(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    for bad in ("县局\x1b[2J送件", "县局\x00", "县局\x7f"):
        with pytest.raises(InvalidInput, match="控制字符") as refused:
            away.post(zs, "errand", bad, moment("2026-03-02", 11), "13800138000")
        assert refused.value.field == "place"
    assert away.current_note(desk.conn, CLERK) is None
    # Line breaks and tabs are whitespace: folded, not refused.
    note = away.post(zs, "errand", "县局\n送件\t", moment("2026-03-02", 11), "13800138000")
    assert note.place == "县局 送件"
