"""The slips a case prints (受理回执, 一次性告知书, 不予受理通知书, 办结通知书): the case as
plain data for `printing`, which never reads the ledger itself (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from app import cases, complaints, consultations, deadlines, ratings, reports, settings, staff
from app.calendar import load_calendar
from app.catalogue import get_item
from app.catalogue_model import ServiceItem
from app.errors import RuleRefused
from app.identity import IdType
from printing import data as p
from printing.forms import Layout, render_form
from printing.layout import fmt_date

if TYPE_CHECKING:
    from app.desk import Desk

SLIP_KINDS = {
    "receipt": "受理通知书（受理回执）",
    "notice": "一次性告知书",
    "rejection": "不予受理通知书",
    "completion": "办结通知书",
}
_UNIT_LABEL: dict[str, p.TimeUnit] = {"working": "工作日", "natural": "自然日"}


def centre_info(desk: Desk) -> p.CentreInfo:
    profile = desk.profile()
    conn = desk.conn
    return p.CentreInfo(
        name=profile.centre_name,
        division_code=profile.centre_code,
        address=str(settings.get(conn, "centre_address")) or profile.centre_name,
        phone=str(settings.get(conn, "contact_phone")) or "见窗口公示",
        supervision_phone=str(settings.get(conn, "supervision_phone")) or "12345",
        opening_hours=str(settings.get(conn, "opening_hours")),
    )


def _person(body: dict[str, str]) -> p.Person:
    return p.Person(
        name=body["name"],
        id_number=body["id_number"],
        id_type=IdType(body["id_type"]).label,
        phone=body.get("phone", ""),
        address=body.get("address", ""),
        relation=body.get("relationship", ""),
    )


def _applicant(detail: cases.CaseDetail) -> p.Person:
    a = detail.applicant
    return _person(
        {
            "name": a.name,
            "id_number": a.id_number,
            "id_type": a.id_type,
            "phone": a.phone,
            "address": a.address,
        }
    )


def _agent(detail: cases.CaseDetail) -> p.Person | None:
    return _person(detail.agent) if detail.agent else None


def _item(detail: cases.CaseDetail, item: ServiceItem) -> p.ServiceItemRef:
    return p.ServiceItemRef(
        code=item.code,
        name=item.name,
        case_type=item.case_kind_label,
        department=detail.department or item.department,
    )


def _clerk(desk: Desk, username: str) -> p.StaffRef:
    from app import staff

    member = staff.find(desk.conn, username)
    name = member.display_name if member else username
    return p.StaffRef(
        name=name,
        window=f"{desk.profile().desk_no}号窗口",
        phone=str(settings.get(desk.conn, "contact_phone")),
    )


def _at(event_time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(event_time)


def _first_event(detail: cases.CaseDetail, kind: str, last: bool = False) -> dt.datetime:
    found = [e for e in detail.timeline if e.kind == kind]
    if not found:
        raise RuleRefused(f"办件 {detail.case_no} 还没有这一步，不能打印此文书 / no such step yet")
    return _at((found[-1] if last else found[0]).at)


def _deadline(desk: Desk, detail: cases.CaseDetail) -> p.Deadline:
    limit = p.TimeLimit(detail.limit_days, _UNIT_LABEL[detail.limit_unit])
    start = detail.clock_start or detail.summary.received_on
    due = detail.summary.due_on or start
    provisional = detail.summary.due_provisional
    reason = (
        deadlines.provisional_reason(load_calendar(desk.conn), start, due) if provisional else ""
    )
    return p.Deadline(due=due, limit=limit, provisional=provisional, provisional_reason=reason)


def receipt_data(desk: Desk, case_no: str) -> p.ReceiptData:
    detail = cases.get_case(desk.conn, case_no)
    if not detail.accept_doc_no:
        raise RuleRefused(f"办件 {detail.case_no} 尚未受理，没有受理回执 / not accepted yet")
    item = get_item(desk.conn, detail.summary.item_code, detail.item_version).item
    by_code = {m.code: m for m in item.materials}
    received = tuple(
        p.ReceivedMaterial(
            name=m.name,
            form=by_code[m.code].form_label if m.code in by_code else "原件",
            copies=by_code[m.code].count if m.code in by_code else 1,
        )
        for m in detail.materials
        if m.status == "received"
    )
    accepted = next(e for e in detail.timeline if e.kind == "case.accepted")
    return p.ReceiptData(
        centre=centre_info(desk),
        doc_number=detail.accept_doc_no,
        case_number=cases.barcode_value(detail.case_no),
        item=_item(detail, item),
        applicant=_applicant(detail),
        accepted_at=_at(accepted.at),
        deadline=_deadline(desk, detail),
        clerk=_clerk(desk, accepted.actor),
        materials=received,
        agent=_agent(detail),
        legal_basis="；".join(item.legal_basis[:2]),
        pickup_instructions="办结后凭本回执到窗口领取结果，或按约定方式送达；"
        "可凭办件编号到窗口或拨打咨询电话查询办理进度。",
    )


def notice_data(desk: Desk, case_no: str, ordinal: int | None = None) -> p.NoticeData:
    detail = cases.get_case(desk.conn, case_no)
    if not detail.notices:
        raise RuleRefused(f"办件 {detail.case_no} 没有出具过一次性告知书 / no notice issued")
    notice = detail.notices[-1] if ordinal is None else detail.notices[ordinal - 1]
    item = get_item(desk.conn, detail.summary.item_code, detail.item_version).item
    notice_events = [e for e in detail.timeline if e.kind == "case.notice_issued"]
    issued = notice_events[notice.ordinal - 1]
    notes = [f"请于 {fmt_date(notice.return_by)} 前补齐上述材料，逾期未补正的，视为放弃本次申请。"]
    if notice.override_by:
        notes.append(f"本告知书经中心负责人批准补充告知，理由：{notice.override_reason}")
    return p.NoticeData(
        centre=centre_info(desk),
        doc_number=notice.notice_no,
        case_number=cases.barcode_value(detail.case_no),
        item=_item(detail, item),
        applicant=_applicant(detail),
        received_at=_first_event(detail, "case.received"),
        issued_at=_at(issued.at),
        missing=tuple(p.MissingMaterial(i.name, i.problem, i.how_to_fix) for i in notice.items),
        return_by=notice.return_by,
        clerk=_clerk(desk, issued.actor),
        agent=_agent(detail),
        notes=tuple(notes),
    )


def rejection_data(desk: Desk, case_no: str) -> p.RejectionData:
    detail = cases.get_case(desk.conn, case_no)
    if detail.state != "rejected":
        raise RuleRefused(f"办件 {detail.case_no} 不是不予受理 / the case was not rejected")
    item = get_item(desk.conn, detail.summary.item_code, detail.item_version).item
    event = next(e for e in detail.timeline if e.kind == "case.rejected")
    return p.RejectionData(
        centre=centre_info(desk),
        doc_number=str(detail.outcome_detail["doc_no"]),
        item=_item(detail, item),
        applicant=_applicant(detail),
        received_at=_first_event(detail, "case.received"),
        issued_on=detail.closed_on or desk.today(),
        reason=str(detail.outcome_detail["reason"]),
        where_to_go=str(detail.outcome_detail["where_to_go"]),
        review_body=str(settings.get(desk.conn, "review_body")),
        court=str(settings.get(desk.conn, "court")),
        clerk=_clerk(desk, event.actor),
        agent=_agent(detail),
        case_number=cases.barcode_value(detail.case_no),
    )


def completion_data(desk: Desk, case_no: str) -> p.CompletionData:
    detail = cases.get_case(desk.conn, case_no)
    if detail.state != "completed":
        raise RuleRefused(f"办件 {detail.case_no} 尚未办结 / the case is not completed")
    item = get_item(desk.conn, detail.summary.item_code, detail.item_version).item
    event = next(e for e in detail.timeline if e.kind == "case.completed")
    approved = detail.outcome == "approved"
    d = detail.outcome_detail
    result = (
        f"准予办理。{d.get('certificate_name') or ''}{d.get('certificate_no') or ''}".strip()
        if approved
        else f"不予批准。{d.get('note') or ''}".strip()
    )
    return p.CompletionData(
        centre=centre_info(desk),
        doc_number=detail.accept_doc_no or detail.case_no,
        case_number=cases.barcode_value(detail.case_no),
        item=_item(detail, item),
        applicant=_applicant(detail),
        accepted_at=_first_event(detail, "case.accepted"),
        # The business date (it may be a backfilled one) at the time the event was written.
        completed_at=dt.datetime.combine(detail.closed_on or desk.today(), _at(event.at).timetz()),
        deadline=_deadline(desk, detail),
        approved=approved,
        result=result,
        delivery=cases.DELIVERY.get(str(d.get("delivery")), "窗口领取"),
        clerk=_clerk(desk, event.actor),
        agent=_agent(detail),
        review_body="" if approved else str(settings.get(desk.conn, "review_body")),
        court="" if approved else str(settings.get(desk.conn, "court")),
    )


_BUILDERS: dict[str, Callable[[Desk, str], object]] = {
    "receipt": receipt_data,
    "notice": notice_data,
    "rejection": rejection_data,
    "completion": completion_data,
}


def slip_pdf(desk: Desk, kind: str, case_no: str, layout: Layout = "a4") -> bytes:
    """The slip as PDF bytes, in memory: nothing personal is written to disk."""
    build = _BUILDERS.get(kind)
    if build is None:
        raise RuleRefused(f"没有“{kind}”文书，可用：{'、'.join(SLIP_KINDS)} / unknown slip")
    return render_form(kind, build(desk, case_no), layout)


def guide_data(desk: Desk, item_code: str) -> p.GuideData:
    """办事指南 for a catalogue item (the public information of plan §2.3.2)."""
    item = get_item(desk.conn, item_code).item
    centre = centre_info(desk)
    return p.GuideData(
        centre=centre,
        item_code=item.code,
        item_name=item.name,
        item_type=item.item_type_label,
        case_type=item.case_kind_label,
        implementer=centre.name,
        department=item.department,
        legal_basis=item.legal_basis,
        conditions=tuple(line for line in item.conditions.splitlines() if line.strip())
        or ("符合本事项规定条件的申请人",),
        materials=tuple(
            p.GuideMaterial(
                name=m.name,
                form=m.form_label,
                copies=f"{m.count}份",
                requirement=m.requirement or "—",
                required=m.required and not m.condition,
            )
            for m in item.materials
        ),
        statutory_limit=p.TimeLimit(
            item.statutory_limit.days, _UNIT_LABEL[item.statutory_limit.unit]
        ),
        committed_limit=p.TimeLimit(
            item.committed_limit.days, _UNIT_LABEL[item.committed_limit.unit]
        ),
        fee=item.fee_label,
        fee_basis=item.fee_basis or "—",
        process=item.process or ("窗口受理", "审核", "办结"),
        venue=f"{centre.name} {item.window}",
        hours=centre.opening_hours,
        consult_phone=item.consult_phone,
        supervision_phone=item.supervise_phone or centre.supervision_phone,
        notes=(item.notes,) if item.notes else (),
    )


def guide_pdf(desk: Desk, item_code: str) -> bytes:
    return render_form("guide", guide_data(desk, item_code), "a4")


# -- desk-duty forms ------------------------------------------------------------------------


def referral_pdf(desk: Desk, consult_no: str, layout: Layout = "a4") -> bytes:
    """首问负责告知单 for a consultation that was referred elsewhere."""
    slip = consultations.referral_slip(desk.conn, consult_no)
    record = consultations.get(desk.conn, consult_no)
    centre = centre_info(desk)
    data = p.ReferralData(
        centre=centre,
        slip_number=slip.consult_no,
        asked_at=dt.datetime.combine(slip.on, _at(record.at).timetz()),
        citizen_name=slip.citizen_name or "来访群众",
        citizen_phone=record.citizen_phone,
        question=slip.question or slip.subject,
        answer=slip.answer,
        referred_to=slip.referred_to,
        referred_address=slip.referral_address or "请电话联系确认",
        contact_person=slip.responsible_person,
        contact_phone=slip.referral_phone,
        responder=p.StaffRef(
            name=slip.served_by_name,
            window=slip.window_name or f"{desk.profile().desk_no}号窗口",
            phone=str(settings.get(desk.conn, "contact_phone")),
        ),
        office_hours=centre.opening_hours,
    )
    return render_form("referral", data, layout)


def away_sign_pdf(desk: Desk, username: str) -> bytes:
    """去向留言牌 for a clerk who is away now."""
    from app import away

    sign = away.away_sign(desk.conn, username, desk.now())
    note = away.current_note(desk.conn, username)
    if sign is None or note is None:
        raise RuleRefused(f"{username} 当前没有去向留言 / no away note for {username}")
    window = sign.window_name or (f"{sign.window_no}号窗口" if sign.window_no else "本窗口")
    data = p.AwaySignData(
        centre_name=centre_info(desk).name,
        window=window,
        staff_name=sign.staff_name,
        where=sign.place,
        reason=sign.reason,
        away_from=note.posted_at,
        back_at=sign.until,
        phone=sign.phone,
        backup_name=sign.cover_name or "其他窗口工作人员",
        backup_window=f"{sign.cover_window_no}号窗口" if sign.cover_window_no else "综合窗口",
    )
    return render_form("away", data, "a4")


def staff_card_pdf(desk: Desk, username: str) -> bytes:
    """岗位牌 from the staff card record (photo when there is one)."""
    from app import windows

    card = windows.staff_card(desk.conn, username)
    if card is None:
        raise RuleRefused(f"{username} 还没有岗位牌信息 / no staff card for {username}")
    data = p.StaffCardData(
        centre=centre_info(desk),
        name=card.name,
        post=card.post,
        window=card.window_name or (f"{card.window_no}号窗口" if card.window_no else "综合窗口"),
        phone=card.phone,
        party_member=card.party_member,
        photo=card.photo,
    )
    return render_form("card", data, "a4")


def _daily_tables(
    r: reports.Report, yellow_at: int, names: dict[str, str]
) -> tuple[p.ReportTable, ...]:
    """The printed daily report keeps to what a director reads at the end of the day; the
    full figures go to the CSV/XLSX export."""
    tables = [
        p.ReportTable(
            "一、窗口工作量",
            ("工作人员", "收件", "受理", "办结", "按期办结率", "咨询", "评价", "差评", "离岗"),
            tuple(
                (
                    s.name,
                    str(s.counts.received),
                    str(s.counts.accepted),
                    str(s.counts.completed),
                    s.counts.on_time_rate.label,
                    str(s.consultations),
                    str(s.ratings),
                    str(s.bad_ratings),
                    f"{s.away_minutes}分",
                )
                for s in r.by_staff
            ),
            widths=(2, 1, 1, 1, 1.6, 1, 1, 1, 1.2),
        ),
        p.ReportTable(
            "二、办件量前五的事项",
            ("事项名称", "收件", "受理", "办结"),
            tuple(
                (
                    i.item_name,
                    str(i.counts.received),
                    str(i.counts.accepted),
                    str(i.counts.completed),
                )
                for i in sorted(r.by_item, key=lambda i: -i.counts.received)[:5]
            ),
            widths=(5, 1, 1, 1),
        ),
        p.ReportTable(
            "三、预警及超期办件",
            ("办件编号", "事项", "经办人", "承诺办结", "剩余工作日"),
            tuple(
                (
                    o.case_no,
                    o.item_name,
                    o.holder_name
                    + (f"（{names.get(o.covered_by, o.covered_by)}代）" if o.covered_by else ""),
                    o.due_on.isoformat() if o.due_on else "—",
                    "已超期" if o.overdue else str(o.workdays_left),
                )
                for o in r.open_cases
                if o.workdays_left is not None and (o.overdue or o.workdays_left <= yellow_at)
            ),
            widths=(4.3, 3, 2, 1.7, 1.6),
        ),
    ]
    if r.notice_overrides or r.section32:
        tables.append(
            p.ReportTable(
                "四、一次性告知与第三十二条情形",
                ("办件编号", "情形", "日期"),
                tuple(
                    (o.case_no, f"负责人授权再次告知：{o.reason}", o.issued_on.isoformat())
                    for o in r.notice_overrides
                )
                + tuple((x.case_no, x.label, x.received_on.isoformat()) for x in r.section32),
                widths=(3.4, 5, 1.6),
            )
        )
    late = [("差评整改", x) for x in r.ratings.late_followups] + [
        ("投诉", x) for x in r.complaints.late_list
    ]
    if r.ratings.followups or r.complaints.open_list or late:
        tables.append(
            p.ReportTable(
                "五、差评回访与投诉",
                ("编号", "类别", "下一步", "期限", "状态"),
                tuple(
                    (
                        f.rating_no,
                        "差评回访",
                        ratings.STEPS.get(f.next_step, f.next_step),
                        f.due_on.isoformat(),
                        "已超期" if f.overdue else f"剩余{f.workdays_left}个工作日",
                    )
                    for f in r.ratings.followups
                )
                + tuple(
                    (
                        c.complaint_no,
                        "投诉",
                        complaints.STATES.get(c.state, c.state),
                        c.due_on.isoformat(),
                        "已超期" if c.overdue else f"剩余{c.workdays_left}个工作日",
                    )
                    for c in r.complaints.open_list
                )
                # Closed late stays on the report: closing late never makes lateness vanish.
                + tuple(
                    (
                        x.ref,
                        kind,
                        "已办结（逾期）",
                        x.due_on.isoformat(),
                        f"逾期{x.workdays_late}个工作日",
                    )
                    for kind, x in late
                ),
                widths=(3.4, 1.4, 2, 1.6, 2),
            )
        )
    return tuple(tables)


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def daily_report_pdf(desk: Desk, day: dt.date | None = None) -> bytes:
    """日报: the figures of `app.reports` laid out as the printed daily report."""
    r = reports.daily_report(desk, day)
    metrics = (
        p.Metric("收件", str(r.cases.received)),
        p.Metric("受理", str(r.cases.accepted)),
        p.Metric("办结", str(r.cases.completed)),
        p.Metric("不予受理", str(r.cases.rejected)),
        p.Metric("咨询", str(r.consultations.total)),
        p.Metric("评价", str(r.ratings.total)),
        p.Metric("按期办结率", r.on_time_rate.label),
        p.Metric("满意率", r.ratings.satisfaction.label),
        p.Metric("差评", str(r.ratings.bad)),
        p.Metric("超期未办结", str(r.overdue_cases)),
        p.Metric("在办件", str(len(r.open_cases))),
        p.Metric("离岗时长", f"{r.away.total_minutes // 60}小时{r.away.total_minutes % 60}分"),
    )
    names = {m.username: m.display_name for m in staff.list_staff(desk.conn)}
    tables = _daily_tables(r, int(settings.get(desk.conn, "yellow_at_workdays")), names)
    charts: list[p.BarChartData] = []
    if r.ratings.total:
        charts.append(
            p.BarChartData(
                "服务评价分布",
                tuple(c.label for c in r.ratings.per_level),
                (p.Series("评价", tuple(float(c.count) for c in r.ratings.per_level)),),
                "次",
            )
        )
    if r.by_item:
        top = sorted(r.by_item, key=lambda i: -i.counts.received)[:5]
        charts.append(
            p.BarChartData(
                "收件量前五的事项",
                tuple(
                    (i.item_name[:4] + "…") if len(i.item_name) > 5 else i.item_name for i in top
                ),
                (
                    p.Series("收件", tuple(float(i.counts.received) for i in top)),
                    p.Series("办结", tuple(float(i.counts.completed) for i in top)),
                ),
                "件",
            )
        )
    data = p.DailyReportData(
        centre=centre_info(desk),
        report_date=r.end,
        prepared_by=desk.user.display_name,
        generated_at=desk.now(),
        metrics=metrics,
        tables=tables,
        charts=tuple(charts),
    )
    return render_form("daily", data, "a4")
