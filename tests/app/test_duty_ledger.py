"""Every desk-duty record is a ledger event with actor and time, and the projections rebuild
identically from the events."""

from __future__ import annotations

from app import away, centre, complaints, duty_records, ratings, special_services, windows
from app.projections import projector
from db.ledger import read_events, rebuild_projections, verify
from tests.app.case_helpers import snapshot
from tests.app.duty_helpers import CLERK, CLERK2, DIRECTOR, as_user, at, day, moment
from tests.app.test_reports import build_ledger
from tests.conftest import FakeClock

DUTY_KINDS = {
    "centre.profile_set",
    "training.recorded",
    "equipment.registered",
    "equipment.status_changed",
    "inspection.planned",
    "inspection.recorded",
    "window.defined",
    "window.assigned",
    "window.signed_in",
    "window.signed_out",
    "staffcard.set",
    "away.posted",
    "away.returned",
    "consultation.logged",
    "rating.given",
    "rating.followup_step",
    "rating.appealed",
    "rating.appeal_decided",
    "complaint.registered",
    "complaint.handled",
    "complaint.called_back",
    "special.recorded",
    "special.updated",
    "inbox.read",
}


def test_every_kind_of_duty_record_rebuilds_identically(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk, no = build_ledger(make_desk, clock)
    zs, ww, director = as_user(desk, CLERK), as_user(desk, CLERK2), as_user(desk, DIRECTOR)
    at(clock, "2026-03-23")
    centre.set_profile(
        director,
        centre.CentreProfileInput(
            "510421100", "攀莲镇便民服务中心", "攀莲镇", "工作日", "0812-8171234", 62_000, "310.5"
        ),
    )
    centre.set_profile(
        director,
        centre.CentreProfileInput(
            "510421201", "湾丘彝族乡便民服务中心", "湾丘乡", "工作日", "12345", 8000, 45
        ),
    )
    pc = centre.register_equipment(director, "pc", "台式电脑", 1)
    centre.set_equipment_status(director, pc.asset_no, "faulty", "无法开机")
    centre.plan_inspection(director, "damp", day("2026-04-01"))
    centre.record_inspection(director, "fire", "issues", "灭火器过期，已更换")
    windows.set_staff_card(director, CLERK, "攀莲镇人民政府", "受理员", "13800138000", True)
    away.come_back(ww)
    windows.sign_in(zs, 1)
    windows.sign_out(zs)
    followup = ratings.open_followups(desk.conn, desk.today())[0].rating_no
    ratings.followup_step(director, followup, "verify", "属实")
    ratings.followup_step(ww, followup, "rectify", "改进告知")
    ratings.followup_step(director, followup, "callback", "已回访", satisfied=False)
    (open_complaint,) = complaints.open_complaints(desk.conn, desk.today())
    complaints.handle(director, open_complaint.complaint.complaint_no, "核实", "批评教育")
    appointment = special_services.list_between(desk.conn, day("2026-03-07"), day("2026-03-07"))
    special_services.update(zs, appointment[0].service_no, "done", "已受理", no["A"])
    away.post(zs, "lunch", "食堂", moment("2026-03-23", 13), "13800138000")
    assert duty_records.mark_read(ww) > 0

    events = list(read_events(desk.conn))
    kinds = {e.kind for e in events}
    assert projector().kinds >= DUTY_KINDS
    assert kinds >= DUTY_KINDS, DUTY_KINDS - kinds
    assert all(e.actor and e.at.endswith("+08:00") for e in events)

    before = snapshot(desk)
    assert all(before[t] for t in ("away_handover", "duty_inbox", "rating_followups"))
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == before
    assert verify(desk.conn, projector(), desk.ledger.identity).ok


def test_inbox_marks_read_only_ones_own(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk, _ = build_ledger(make_desk, clock)
    zs = as_user(desk, CLERK)
    unread = duty_records.inbox(desk.conn, CLERK, unread_only=True)
    assert unread and unread[0].kind == "away.posted"  # wangwu's away note: zhangsan covers
    assert duty_records.mark_read(zs, [unread[0].seq]) == 1
    assert len(duty_records.inbox(desk.conn, CLERK, unread_only=True)) == len(unread) - 1
    assert duty_records.mark_read(zs, [unread[0].seq]) == 0
