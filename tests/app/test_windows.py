"""Windows with their A/B posts, sign-in, time on the window and the staff card."""

from __future__ import annotations

import pytest

from app import centre, windows
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.duty_helpers import (
    CLERK,
    CLERK2,
    DIRECTOR,
    NEWBIE,
    MakeDesk,
    as_user,
    at,
    day,
    duty_desk,
)
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def test_windows_and_their_posts(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    assert [(w.window_no, w.name, w.primary_clerk, w.backup_clerk) for w in
            windows.list_windows(desk.conn)] == [
        (1, "综合窗口1", CLERK, CLERK2),
        (2, "综合窗口2", CLERK2, CLERK),
    ]  # fmt: skip
    director = as_user(desk, DIRECTOR)
    windows.define_window(director, 3, "社保窗口", "社会保障、医疗保险")
    with pytest.raises(RuleRefused, match="A角"):
        windows.assign(director, 3, CLERK, CLERK2)  # already primary at window 1
    with pytest.raises(RuleRefused):
        windows.assign(director, 1, CLERK, CLERK)
    with pytest.raises(PermissionDenied):
        windows.define_window(as_user(desk, CLERK), 4)
    with pytest.raises(InvalidInput):
        windows.define_window(director, 0)
    # The assigned clerks are told.
    from app.duty_records import inbox

    assert any(m.kind == "window.assigned" for m in inbox(desk.conn, CLERK))


def test_sign_in_and_out(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, ww = as_user(desk, CLERK), as_user(desk, CLERK2)
    session = windows.sign_in(zs, 1)
    assert session.window_no == 1 and windows.at_window(desk.conn, 1) == session
    with pytest.raises(RuleRefused, match="正在"):
        windows.sign_in(ww, 1)  # the primary sits there and is not away
    with pytest.raises(RuleRefused, match="A角或B角"):
        windows.sign_in(as_user(desk, NEWBIE), 1)
    clock.advance(hours=1)
    windows.sign_in(zs, 2)  # moving seats closes the first session
    assert windows.at_window(desk.conn, 1) is None
    windows.sign_out(zs)
    assert windows.current_session(desk.conn, CLERK) is None
    with pytest.raises(RuleRefused):
        windows.sign_out(zs)
    windows.sign_in(ww, 2)
    with pytest.raises(PermissionDenied):
        windows.sign_out(zs, CLERK2)
    windows.sign_out(as_user(desk, DIRECTOR), CLERK2)  # a forgotten session
    assert windows.current_session(desk.conn, CLERK2) is None


def test_time_on_the_window(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)  # assigned on 2026-03-02
    assert windows.tenure(desk.conn, CLERK, day("2026-03-02")).days_as_primary == 0
    at(clock, "2026-09-01")
    windows.assign(desk, 1, CLERK, CLERK2)  # re-posting keeps the time served
    windows.define_window(desk, 3)
    windows.assign(desk, 2, CLERK2, CLERK)
    t = windows.tenure(desk.conn, CLERK, day("2027-03-01"))
    assert t.first_on == day("2026-03-02") and t.days_as_primary == 364
    assert not t.meets_one_year
    assert windows.tenure(desk.conn, CLERK, day("2027-03-02")).meets_one_year
    assert windows.tenure(desk.conn, DIRECTOR, day("2027-03-02")).first_on is None


def test_staff_card(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    card = windows.set_staff_card(desk, CLERK, "攀莲镇人民政府", "综合窗口受理员", "13800138000",
                                  party_member=True, photo=PNG)  # fmt: skip
    assert card.name == "张三" and card.party_member and card.window_no == 1
    assert card.photo == PNG and card.photo_type == "image/png"
    with pytest.raises(InvalidInput, match="JPEG"):
        windows.set_staff_card(desk, CLERK, "x", "y", "", False, photo=b"GIF89a")
    with pytest.raises(InvalidInput):
        windows.set_staff_card(desk, CLERK, "x", "y", "", False, photo=b"\xff\xd8\xff" * 100_000)
    assert windows.staff_card(desk.conn, CLERK2) is None


def test_a_posting_cannot_be_back_dated_before_training_or_the_current_posting(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk = duty_desk(make_desk)  # windows 1 and 2 posted on 2026-03-02
    director = as_user(desk, DIRECTOR)
    at(clock, "2026-03-10")
    centre.record_training(director, NEWBIE, "pre_job", "岗前培训", True, 16)  # passed today
    windows.define_window(director, 3)
    # Back-dating to before the training would count years on the window never served.
    with pytest.raises(InvalidInput, match="岗前培训合格") as refused:
        windows.assign(director, 3, NEWBIE, CLERK, on=day("2024-01-01"))
    assert refused.value.field == "on"
    centre.record_training(
        director, DIRECTOR, "pre_job", "岗前培训", True, 16, on=day("2026-03-01")
    )
    with pytest.raises(InvalidInput, match="B角 zhaoliu"):  # the backup too
        windows.assign(director, 3, DIRECTOR, NEWBIE, on=day("2026-03-09"))
    assert windows.tenure(desk.conn, NEWBIE, desk.today()).first_on is None
    windows.assign(director, 3, NEWBIE, CLERK, on=day("2026-03-10"))
    at(clock, "2027-03-09")
    t = windows.tenure(desk.conn, NEWBIE, desk.today())
    assert t.first_on == day("2026-03-10") and t.days_as_primary == 364 and not t.meets_one_year
    # A new posting of a window cannot start before its current one.
    windows.assign(director, 1, CLERK, CLERK2, on=day("2026-06-01"))
    with pytest.raises(InvalidInput, match="现有安排自 2026-06-01"):
        windows.assign(director, 1, CLERK, CLERK2, on=day("2026-05-31"))
    windows.assign(director, 1, CLERK, CLERK2, on=day("2026-06-01"))
    assert windows.tenure(desk.conn, CLERK, day("2027-03-02")).days_as_primary == 365
