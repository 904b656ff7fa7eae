"""`clerkdesk report|consult|away|rate|rating|complain|appoint|service|window|centre`: the
desk duties and the reports from the command line (scripts, end-of-day jobs, 补录 of paper
records with --on DATE)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from app import (
    away,
    centre,
    complaints,
    consultations,
    ratings,
    reports,
    special_services,
    windows,
)
from app.cli_common import add_common, date_arg, emit, with_desk
from app.desk import Desk
from app.errors import InvalidInput
from app.jsonout import jsonable
from db.ledger import CHINA_TZ

# A string: argparse._SubParsersAction is not subscriptable at run time.
Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "1", "true", "是", "满意"):
        return True
    if value in ("no", "n", "0", "false", "否", "不满意"):
        return False
    raise argparse.ArgumentTypeError(f"yes or no: {text!r}")


# -- report --------------------------------------------------------------------------------------


def _report_text(r: reports.Report) -> str:
    summary = reports.report_tables(r)[0]
    width = max(len(str(row[0])) for row in summary.rows)
    lines = [f"{row[0]}{'　' * (width - len(str(row[0])))}  {row[1]}" for row in summary.rows]
    overdue = [o for o in r.open_cases if o.overdue]
    if overdue:
        lines.append("超期件：")
        lines += [
            f"  {o.case_no}  {o.item_name}  {o.holder_name}  应于 {o.due_on} 办结"
            + (f"（B角 {o.covered_by} 代管）" if o.covered_by else "")
            for o in overdue
        ]
    for x in r.section32:
        lines.append(f"第三十二条：{x.case_no}  {x.label}")
    for i in r.supervision.inspections_overdue:
        lines.append(f"安全检查超期：{i.label}（应于 {i.next_due}，已超 {i.days_overdue} 天）")
    for a in r.away.away_now:
        late = f"，已逾时 {a.minutes_late} 分钟" if a.minutes_late else ""
        lines.append(f"离岗中：{a.username} {a.reason}（{a.place}）预计 {a.until[11:16]}{late}")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        if args.report_command == "daily":
            report = reports.daily_report(desk, args.date)
        elif args.report_command == "range":
            report = reports.range_report(desk, args.start, args.end)
        else:
            target: Path = args.csv or args.xlsx
            report = reports.export(desk, args.start, args.end, target)
            print(f"已导出 {report.start} 至 {report.end} 的报表到 {target}")
            return 0
        emit(args, reports.as_dict(report), _report_text(report))
        return 0

    return with_desk(args, work)


# -- consultations ---------------------------------------------------------------------------------


def cmd_consult(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        if args.consult_command == "slip":
            slip = consultations.referral_slip(desk.conn, args.consult_no)
            emit(
                args,
                jsonable(slip),
                f"首问负责转介单 {slip.consult_no}\n事项  {slip.subject}\n"
                f"请到  {slip.referred_to}（责任人 {slip.responsible_person} "
                f"{slip.referral_phone}）",
            )
            return 0
        referral = None
        if args.not_ours:
            referral = consultations.Referral(
                args.refer_to or "", args.responsible or "", args.refer_phone or ""
            )
        c = consultations.log(
            desk,
            args.question,
            args.answer,
            ours=not args.not_ours,
            item_code=args.item,
            topic=args.topic or "",
            referral=referral,
            citizen_name=args.citizen_name or "",
            citizen_phone=args.citizen_phone or "",
            channel=args.channel,
            on=args.on,
        )
        where = (
            f"，已告知到 {c.referral.to} 找 {c.referral.responsible_person}" if c.referral else ""
        )
        emit(args, jsonable(c), f"已登记咨询 {c.consult_no}（{c.subject}）{where}")
        return 0

    return with_desk(args, work)


# -- away ---------------------------------------------------------------------------------------


def _until(desk: Desk, text: str) -> dt.datetime:
    """HH:MM today, or a full date and time."""
    value = text.strip()
    try:
        if len(value) <= 5:
            clock = dt.time.fromisoformat(value.zfill(5))
            return dt.datetime.combine(desk.today(), clock, CHINA_TZ)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("until", "预计返回时间格式为 HH:MM 或 YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


def _note_text(n: away.AwayNote, now: dt.datetime) -> str:
    late = n.minutes_late(now)
    return (
        f"{n.note_no}  {n.username}  {n.reason_label}（{n.place}） 预计 "
        f"{n.until:%m-%d %H:%M} 返回  电话 {n.phone}"
        + (f"  B角 {n.cover} 代岗" if n.cover else "")
        + (f"  已逾时 {late} 分钟" if late and n.is_open else "")
    )


def cmd_away(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        now = desk.now()
        if args.away_command == "post":
            note = away.post(
                desk,
                args.reason,
                args.place,
                _until(desk, args.until),
                args.phone,
                args.note or "",
                username=args.for_user,
                cover=args.cover,
            )
            handed = len(away.covered_cases(desk.conn, note.cover)) if note.cover else 0
            emit(args, jsonable(note), _note_text(note, now) + f"\n在办件 {handed} 件由代岗人代管")
        elif args.away_command == "return":
            note = away.come_back(desk, args.for_user)
            emit(
                args,
                jsonable(note),
                f"{note.username} 已返回，离岗 {note.minutes_away(now)} 分钟"
                + (f"（逾时 {note.minutes_late(now)} 分钟）" if note.minutes_late(now) else ""),
            )
        else:
            notes = away.open_notes(desk.conn)
            covered = away.covered_cases(desk.conn)
            overdue = {o.note.note_no for o in away.overdue_returns(desk.conn, now)}
            data = {
                "away": [{**jsonable(n), "overdue": n.note_no in overdue} for n in notes],
                "covered_cases": jsonable(covered),
            }
            lines = [_note_text(n, now) for n in notes] or ["（无人离岗）"]
            lines += [f"  {c.case_no} {c.item_name}：{c.covered_by} 代管" for c in covered]
            emit(args, data, "\n".join(lines))
        return 0

    return with_desk(args, work)


# -- ratings ------------------------------------------------------------------------------------


def _rating_text(r: ratings.Rating) -> str:
    text = (
        f"{r.rating_no}  {ratings.CONTACT_KINDS[r.contact_kind]} {r.contact_ref}  {r.level_label}"
    )
    if r.voided:
        text += "（申诉成立，不计入）"
    f = r.followup
    if f is not None and f.state == "open":
        assert f.next_step is not None
        text += f"\n差评整改：下一步“{ratings.STEPS[f.next_step]}”，期限 {f.due_on}"
    return text


def cmd_rate(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        # Exactly one is given (argparse); it may be empty text (`--case ""`): rate() says so.
        kind, ref = next(
            (k, v)
            for k, v in (
                ("case", args.case),
                ("consultation", args.consultation),
                ("service", args.service),
            )
            if v is not None
        )
        r = ratings.rate(desk, kind, ref, args.level, args.channel, args.comment or "", args.on)
        emit(args, jsonable(r), _rating_text(r))
        return 0

    return with_desk(args, work)


def cmd_rating(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        action = args.rating_command
        if action == "open":
            items = ratings.open_followups(desk.conn, desk.today())
            emit(
                args,
                jsonable(items),
                "\n".join(
                    f"{f.rating_no}  {f.staff}  {ratings.LEVELS[f.level]}  "
                    f"待{ratings.STEPS[f.next_step]}  期限 {f.due_on}"
                    + ("  已超期" if f.overdue else "")
                    for f in items
                )
                or "（没有整改中的差评）",
            )
            return 0
        if action == "step":
            r = ratings.followup_step(desk, args.rating_no, args.step, args.note, args.satisfied)
        elif action == "appeal":
            r = ratings.appeal(desk, args.rating_no, args.kind, args.reason)
        else:
            r = ratings.decide_appeal(desk, args.rating_no, args.upheld, args.note)
        emit(args, jsonable(r), _rating_text(r))
        return 0

    return with_desk(args, work)


# -- complaints ---------------------------------------------------------------------------------


def cmd_complain(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        action = args.complain_command
        if action == "list":
            items = complaints.open_complaints(desk.conn, desk.today())
            emit(
                args,
                jsonable(items),
                "\n".join(
                    f"{o.complaint.complaint_no}  {o.complaint.state_label}  期限 "
                    f"{o.complaint.due_on}" + ("  已超期" if o.overdue else "")
                    for o in items
                )
                or "（没有未办结的投诉）",
            )
            return 0
        if action == "register":
            c = complaints.register(
                desk,
                args.channel,
                args.content,
                args.about_staff,
                args.about_window,
                args.name or "",
                args.phone or "",
                args.on,
            )
        elif action == "handle":
            c = complaints.handle(desk, args.complaint_no, args.handling, args.result, args.on)
        else:
            c = complaints.call_back(desk, args.complaint_no, args.note, args.satisfied, args.on)
        emit(args, jsonable(c), f"{c.complaint_no}  {c.state_label}  期限 {c.due_on}")
        return 0

    return with_desk(args, work)


# -- special services ---------------------------------------------------------------------------


def cmd_service(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        if getattr(args, "service_command", None) == "update":
            s = special_services.update(
                desk, args.service_no, args.status, args.outcome or "", args.case
            )
        else:
            kind = "appointment" if args.command == "appoint" else args.kind
            s = special_services.record(
                desk,
                kind,
                on=args.on,
                time=args.time or "",
                item_code=args.item,
                citizen_name=args.name or "",
                citizen_phone=args.phone or "",
                group=args.group,
                agent=args.agent or "",
                address=args.address or "",
                after_hours=args.after_hours,
                note=args.note or "",
                outcome=args.outcome or "",
                case_no=args.case,
            )
        flags = ("（延时）" if s.after_hours else "") + ("（节假日）" if s.holiday else "")
        emit(
            args,
            jsonable(s),
            f"{s.service_no}  {s.kind_label}{flags}  {s.on} {s.time_text}  {s.status_label}",
        )
        return 0

    return with_desk(args, work)


# -- windows and centre ----------------------------------------------------------------------------


def cmd_window(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        action = args.window_command
        if action == "define":
            windows.define_window(desk, args.window_no, args.name or "", args.scope or "")
        elif action == "assign":
            windows.assign(desk, args.window_no, args.primary, args.backup, args.on)
        elif action == "sign-in":
            windows.sign_in(desk, args.window_no)
        elif action == "sign-out":
            windows.sign_out(desk, args.for_user)
        board = away.window_board(desk.conn, desk.now())
        emit(
            args,
            jsonable(board),
            "\n".join(
                f"{s.window.window_no}号 {s.window.name}  A角 {s.window.primary_clerk or '-'}  "
                f"B角 {s.window.backup_clerk or '-'}  在岗 {s.seated or '-'}"
                + (f"  离岗（{s.away.reason_label}），{s.covered_by} 代岗" if s.away else "")
                + ("  逾时未归" if s.overdue else "")
                for s in board
            )
            or "（尚未设置窗口）",
        )
        return 0

    return with_desk(args, work)


def _profile_text(p: centre.CentreProfile) -> str:
    g = p.grade
    grade = g.label + (f"（差 {g.shortfall_m2} ㎡ 达到三级）" if g.below_third else "")
    return (
        f"{p.name}（{p.centre_code}）\n地址 {p.address}\n办公时间 {p.opening_hours}\n"
        f"监督电话 {p.supervision_phone}\n人口 {p.population}  大厅 {p.hall_area_m2} ㎡"
        f"{'（民族地区）' if p.ethnic_area else ''}\n面积等级 {grade}"
    )


def cmd_centre(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        action = args.centre_command
        if action == "profile-set":
            p = centre.set_profile(
                desk,
                centre.CentreProfileInput(
                    args.code or desk.profile().centre_code,
                    args.name or desk.profile().centre_name,
                    args.address,
                    args.hours,
                    args.supervision_phone,
                    args.population,
                    args.hall_area,
                    args.ethnic,
                ),
            )
        elif action == "profile":
            p = centre.get_profile(desk, args.code)
        elif action == "training":
            t = centre.record_training(
                desk, args.username, args.kind, args.title, args.passed, args.hours, on=args.on
            )
            emit(args, jsonable(t), f"{t.training_no}  {t.username} {t.kind_label} {t.title}")
            return 0
        elif action == "inspection":
            number = centre.record_inspection(
                desk, args.kind, args.result, args.findings or "", args.on
            )
            emit(args, {"inspection_no": number}, f"已登记 {number}")
            return 0
        else:
            items = centre.inspection_status(desk.conn, desk.today())
            emit(
                args,
                [{**jsonable(s), "overdue": s.overdue} for s in items],
                "\n".join(
                    f"{s.label}  "
                    + ("未安排" if s.unscheduled else f"应于 {s.next_due}")
                    + (f"  已超期 {s.days_overdue} 天" if s.overdue else "")
                    for s in items
                ),
            )
            return 0
        g = p.grade
        data = {
            **jsonable(p),
            "hall_area_m2": str(p.hall_area_m2),
            "grade": {
                **jsonable(g),
                "label": g.label,
                "below_third": g.below_third,
                "shortfall_m2": str(g.shortfall_m2),
            },
        }
        emit(args, data, _profile_text(p))
        return 0

    return with_desk(args, work)


# -- parser -------------------------------------------------------------------------------------


def _q(parent: Sub, name: str, help_text: str, func: Callable[[argparse.Namespace], int]) -> Any:
    q = parent.add_parser(name, help=help_text)
    add_common(q, json_out=True)
    q.set_defaults(func=func)
    return q


def register(sub: Sub) -> None:
    p = sub.add_parser("report", help="daily and date-range reports (JSON, CSV, XLSX)")
    rs = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    q = _q(rs, "daily", "the end-of-day report (日报)", cmd_report)
    q.add_argument("--date", type=date_arg, help="the day (default today)")
    q = _q(rs, "range", "the report for a date range", cmd_report)
    q.add_argument("--from", dest="start", type=date_arg, required=True)
    q.add_argument("--to", dest="end", type=date_arg, required=True)
    q = _q(rs, "export", "write the range report as CSV or XLSX", cmd_report)
    q.add_argument("--from", dest="start", type=date_arg, required=True)
    q.add_argument("--to", dest="end", type=date_arg, required=True)
    target = q.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", type=Path, help="CSV file to create (UTF-8 with BOM)")
    target.add_argument("--xlsx", type=Path, help="Excel file to create")

    p = sub.add_parser("consult", help="首问负责: log a consultation, print a referral slip")
    cs = p.add_subparsers(dest="consult_command", metavar="ACTION", required=True)
    q = _q(cs, "log", "log a consultation (转介 with --not-ours)", cmd_consult)
    q.add_argument("--question", required=True)
    q.add_argument("--answer", required=True)
    q.add_argument("--item", help="catalogue code the question is about")
    q.add_argument("--topic", help="the subject when it is not a catalogue item")
    q.add_argument("--not-ours", action="store_true", help="not this window's matter: refer")
    q.add_argument("--refer-to", help="window or department the citizen is sent to")
    q.add_argument("--responsible", help="the responsible person there")
    q.add_argument("--refer-phone")
    q.add_argument("--citizen-name")
    q.add_argument("--citizen-phone")
    q.add_argument("--channel", default="in_person", choices=sorted(consultations.CHANNELS))
    q.add_argument("--on", type=date_arg, help="business date for 补录")
    q = _q(cs, "slip", "the referral slip's data", cmd_consult)
    q.add_argument("consult_no")

    p = sub.add_parser("away", help="去向留言: leave the window, return, who is away")
    aw = p.add_subparsers(dest="away_command", metavar="ACTION", required=True)
    q = _q(aw, "post", "leave the window with a note; the backup takes over", cmd_away)
    q.add_argument("--reason", required=True, choices=sorted(away.REASONS))
    q.add_argument("--place", required=True, help="where to (去向)")
    q.add_argument("--until", required=True, help="expected return: HH:MM or YYYY-MM-DDTHH:MM")
    q.add_argument("--phone", required=True)
    q.add_argument("--note")
    q.add_argument("--cover", help="colleague who covers (default: the window's backup)")
    q.add_argument("--for", dest="for_user", help="(director) post for this staff member")
    q = _q(aw, "return", "back at the window", cmd_away)
    q.add_argument("--for", dest="for_user", help="(director) close this staff member's note")
    _q(aw, "list", "open notes, overdue returns and covered cases", cmd_away)

    q = _q(sub, "rate", "好差评: record the citizen's rating of one service", cmd_rate)
    target = q.add_mutually_exclusive_group(required=True)
    target.add_argument("--case")
    target.add_argument("--consultation")
    target.add_argument("--service")
    q.add_argument("--level", type=int, required=True, choices=sorted(ratings.LEVELS),
                   help="GB/T 39046: 1 非常满意 … 5 非常不满意")  # fmt: skip
    q.add_argument("--channel", default="screen", choices=sorted(ratings.CHANNELS))
    q.add_argument("--comment")
    q.add_argument("--on", type=date_arg)

    p = sub.add_parser("rating", help="bad-review follow-up and appeals")
    rt = p.add_subparsers(dest="rating_command", metavar="ACTION", required=True)
    _q(rt, "open", "bad reviews being followed up, overdue ones marked", cmd_rating)
    q = _q(rt, "step", "record verify / rectify / callback", cmd_rating)
    q.add_argument("rating_no")
    q.add_argument("--step", required=True, choices=list(ratings.STEPS))
    q.add_argument("--note", required=True)
    q.add_argument("--satisfied", type=_yes_no, help="callback: was the citizen satisfied")
    q = _q(rt, "appeal", "申诉 a mistaken or malicious rating", cmd_rating)
    q.add_argument("rating_no")
    q.add_argument("--kind", required=True, choices=sorted(ratings.APPEAL_KINDS))
    q.add_argument("--reason", required=True)
    q = _q(rt, "decide", "(director) rule on an appeal", cmd_rating)
    q.add_argument("rating_no")
    q.add_argument("--upheld", type=_yes_no, required=True)
    q.add_argument("--note", required=True)

    p = sub.add_parser("complain", help="投诉举报: register, handle, call back, list")
    cp = p.add_subparsers(dest="complain_command", metavar="ACTION", required=True)
    q = _q(cp, "register", "register a complaint", cmd_complain)
    q.add_argument("--channel", required=True, choices=sorted(complaints.CHANNELS))
    q.add_argument("--content", required=True)
    q.add_argument("--about-staff")
    q.add_argument("--about-window", type=int)
    q.add_argument("--name", help="complainant (optional)")
    q.add_argument("--phone", help="complainant's phone (optional)")
    q.add_argument("--on", type=date_arg)
    q = _q(cp, "handle", "(director) how it was handled and the result", cmd_complain)
    q.add_argument("complaint_no")
    q.add_argument("--handling", required=True)
    q.add_argument("--result", required=True)
    q.add_argument("--on", type=date_arg)
    q = _q(cp, "callback", "(director) call the complainant back; closes it", cmd_complain)
    q.add_argument("complaint_no")
    q.add_argument("--note", required=True)
    q.add_argument("--satisfied", type=_yes_no, required=True)
    q.add_argument("--on", type=date_arg)
    _q(cp, "list", "complaints not yet closed, overdue ones marked", cmd_complain)

    def service_args(q: argparse.ArgumentParser) -> None:
        q.add_argument("--on", type=date_arg, help="the day of the service")
        q.add_argument("--time", help="HH:MM")
        q.add_argument("--item", help="catalogue code")
        q.add_argument("--name", help="citizen (optional)")
        q.add_argument("--phone", help="citizen's phone (optional)")
        q.add_argument("--group", default="other", choices=sorted(special_services.GROUPS))
        q.add_argument("--agent", help="代办/帮办人")
        q.add_argument("--address", help="home visit address")
        q.add_argument("--after-hours", action="store_true", help="延时服务")
        q.add_argument("--note")
        q.add_argument("--outcome")
        q.add_argument("--case", help="case number it led to")

    q = _q(sub, "appoint", "book an appointment (预约; after hours, holidays)", cmd_service)
    service_args(q)
    p = sub.add_parser("service", help="特色服务: fast lane, 代办/帮办, home visits")
    sv = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    q = _q(sv, "record", "record a special service", cmd_service)
    q.add_argument("--kind", required=True, choices=sorted(special_services.KINDS))
    service_args(q)
    q = _q(sv, "update", "done / no_show / cancelled, or link a case", cmd_service)
    q.add_argument("service_no")
    q.add_argument("--status", required=True, choices=sorted(special_services.STATUSES))
    q.add_argument("--outcome")
    q.add_argument("--case")

    p = sub.add_parser("window", help="windows, A/B posts, sign-in, the board")
    wd = p.add_subparsers(dest="window_command", metavar="ACTION", required=True)
    q = _q(wd, "define", "open or rename a window", cmd_window)
    q.add_argument("window_no", type=int)
    q.add_argument("--name")
    q.add_argument("--scope")
    q = _q(wd, "assign", "primary (A角) and backup (B角)", cmd_window)
    q.add_argument("window_no", type=int)
    q.add_argument("--primary", required=True)
    q.add_argument("--backup", required=True)
    q.add_argument("--on", type=date_arg)
    q = _q(wd, "sign-in", "take your seat at a window", cmd_window)
    q.add_argument("window_no", type=int)
    q = _q(wd, "sign-out", "leave the window at the end of the shift", cmd_window)
    q.add_argument("--for", dest="for_user", help="(director) sign out a forgotten session")
    _q(wd, "board", "who is at which window now", cmd_window)

    p = sub.add_parser("centre", help="centre profile and hall grade, training, inspections")
    ce = p.add_subparsers(dest="centre_command", metavar="ACTION", required=True)
    q = _q(ce, "profile", "a centre's profile with its hall-area grade", cmd_centre)
    q.add_argument("--code", help="another centre's division code (director)")
    q = _q(ce, "profile-set", "record a centre's profile", cmd_centre)
    q.add_argument("--code", help="division code (default: this centre)")
    q.add_argument("--name")
    q.add_argument("--address", required=True)
    q.add_argument("--hours", required=True, help="opening hours")
    q.add_argument("--supervision-phone", required=True)
    q.add_argument("--population", type=int, required=True)
    q.add_argument("--hall-area", required=True, help="hall area in m²")
    q.add_argument("--ethnic", type=_yes_no, help="ethnic area (default: from the name)")
    q = _q(ce, "training", "record a training (岗前培训 = pre_job)", cmd_centre)
    q.add_argument("username")
    q.add_argument("--kind", required=True, choices=sorted(centre.TRAINING_KINDS))
    q.add_argument("--title", required=True)
    q.add_argument("--passed", type=_yes_no, required=True)
    q.add_argument("--hours", type=int, default=0)
    q.add_argument("--on", type=date_arg)
    q = _q(ce, "inspection", "record a safety inspection", cmd_centre)
    q.add_argument("--kind", required=True, choices=sorted(centre.INSPECTION_KINDS))
    q.add_argument("--result", required=True, choices=sorted(centre.INSPECTION_RESULTS))
    q.add_argument("--findings")
    q.add_argument("--on", type=date_arg)
    _q(ce, "inspections", "every inspection kind with its due date", cmd_centre)
