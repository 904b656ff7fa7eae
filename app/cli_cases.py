"""`clerkdesk case|catalogue|calendar|settings|demo`: the domain from the command line, for
scripts and for entering paper records after an outage (补录, `--on DATE`)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import calendar as calendar_service
from app import cases, catalogue, deadlines, settings, slips
from app.applicants import NAME_CHANGE_KINDS, NameChange, NameConflict, Person
from app.cli_common import (
    add_common,
    clock_of,
    date_arg,
    emit,
    secrets_for,
    with_desk,
)
from app.demo import create_demo_ledger
from app.desk import Desk
from app.errors import InvalidInput
from app.identity import IdType
from app.jsonout import jsonable
from db.connection import open_private
from printing.forms import FORMS

Handler = Callable[[argparse.Namespace], int]


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


# -- case ----------------------------------------------------------------------------------------


def _ticks(args: argparse.Namespace, all_codes: list[str] | None = None) -> dict[str, Any]:
    ticks: dict[str, cases.MaterialTick] = {}
    if getattr(args, "all_received", False) and all_codes is not None:
        ticks.update({c: cases.MaterialTick("received") for c in all_codes})
    for code in _codes(args.received):
        ticks[code] = cases.MaterialTick("received")
    for code in _codes(getattr(args, "not_applicable", None)):
        ticks[code] = cases.MaterialTick("not_applicable")
    for spec in args.defective or []:
        code, _, note = spec.partition("=")
        ticks[code.strip()] = cases.MaterialTick("defective", note.strip())
    return ticks


def _case_text(detail: cases.CaseDetail, provisional_reason: str = "") -> str:
    s = detail.summary
    lines = [
        f"办件编号  {s.case_no}",
        f"事项      {s.item_name}（{s.item_code} 第{detail.item_version}版）",
        f"申请人    {s.applicant_name}  {detail.applicant.id_type_label} {s.applicant_id_number}"
        f"  {s.applicant_phone}",
        f"状态      {s.state_label}",
        f"收件      {s.received_on}  {detail.received_by}",
    ]
    if detail.agent:
        lines.append(f"代办人    {detail.agent['name']}（{detail.agent['relationship']}）")
    if detail.accept_doc_no:
        lines.append(f"受理      {detail.accepted_on}  {detail.accept_doc_no}")
    if detail.deemed_accepted_on:
        lines.append(f"视为受理  {detail.deemed_accepted_on}（行政许可法第三十二条：逾期未告知）")
    if s.due_on:
        mark = deadlines.provisional_mark(provisional_reason) if s.due_provisional else ""
        lines.append(f"承诺办结  {s.due_on}{mark}")
    for m in detail.materials:
        note = f"：{m.note}" if m.note else ""
        lines.append(f"  [{m.status_label}] {m.code} {m.name}{note}")
    for n in detail.notices:
        flag = f"（负责人 {n.override_by} 授权：{n.override_reason}）" if n.override_by else ""
        lines.append(f"告知书    {n.notice_no}  补正期限 {n.return_by}{flag}")
    return "\n".join(lines)


def cmd_case_intake(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        item = catalogue.get_item(desk.conn, args.item).item
        applicant = Person(args.name, args.id_type, args.id_number, args.phone, args.address)
        agent = None
        if args.agent_name:
            agent = Person(
                args.agent_name,
                args.agent_id_type,
                args.agent_id_number or "",
                args.agent_phone or "",
                relationship=args.agent_relationship or "",
            )
        ticks = _ticks(args, [m.code for m in item.materials])
        change = None
        if args.name_change:
            change = NameChange(args.name_change, args.name_change_reason or "")
        try:
            result = cases.intake(
                desk, args.item, applicant, ticks, agent, args.channel, args.on, change
            )
        except NameConflict as err:
            raise NameConflict(err.id_number, err.recorded, err.typed, cli_hint=True) from None
        text = f"已收件 {result.case_no}" + (
            "（材料齐全，可受理）" if result.complete else "（材料不齐，请出具一次性告知书）"
        )
        for w in result.warnings:
            text += f"\n注意：{w}"
        emit(args, jsonable(result), text)
        return 0

    return with_desk(args, work)


def cmd_case_notice(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)

    def work(desk: Desk) -> int:
        extra = []
        for spec in args.extra or []:
            parts = [p.strip() for p in spec.split("|")]
            if len(parts) != 3:
                raise InvalidInput("extra", "--extra 格式为 “材料名称|存在问题|补正要求”")
            extra.append(cases.NoticeItem(*parts))
        override = None
        if args.override_by:
            override = cases.authorize_override(
                desk, args.override_by, secrets.override(args.override_by), args.reason or ""
            )
        notice = cases.issue_notice(desk, args.case_no, extra, args.return_by, override, args.on)
        items = "\n".join(f"  {i.name}：{i.problem}；{i.how_to_fix}" for i in notice.items)
        emit(
            args,
            jsonable(notice),
            f"已出具一次性告知书 {notice.notice_no}，补正期限 {notice.return_by}\n{items}",
        )
        return 0

    return with_desk(args, work, secrets)


ACTIONS: dict[str, Callable[[argparse.Namespace, Desk], cases.CaseDetail]] = {
    "accept": lambda a, d: cases.accept(d, a.case_no, _ticks(a), a.on),
    "supplement": lambda a, d: cases.supplement(d, a.case_no, _ticks(a), a.on),
    "reject": lambda a, d: cases.reject(d, a.case_no, a.reason, a.where, a.on),
    "forward": lambda a, d: cases.forward(d, a.case_no, a.department, a.note or "", a.on),
    "pause": lambda a, d: cases.pause(d, a.case_no, a.kind, a.reason, a.on),
    "resume": lambda a, d: cases.resume(d, a.case_no, a.on),
    "complete": lambda a, d: cases.complete(
        d,
        a.case_no,
        a.result,
        a.delivery,
        a.certificate_name or "",
        a.certificate_no or "",
        a.note or "",
        a.on,
    ),
    "withdraw": lambda a, d: cases.withdraw(d, a.case_no, a.reason, a.on),
    "show": lambda a, d: cases.show_case(d, a.case_no, a.full),
}


def cmd_case_action(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        detail = ACTIONS[args.action](args, desk)
        if args.action != "show":  # show masks itself unless --full (app checks the role)
            detail = cases.masked(detail)
        data = jsonable(dataclasses.replace(detail, timeline=()))
        reason = ""
        if detail.summary.due_on and detail.summary.due_provisional:
            reason = deadlines.provisional_reason(
                calendar_service.load_calendar(desk.conn),
                detail.clock_start or detail.summary.received_on,
                detail.summary.due_on,
            )
        text = _case_text(detail, reason)
        if args.action == "show":
            data["timeline"] = [
                {"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind}
                for e in detail.timeline
            ]
            text += "\n" + "\n".join(
                f"  #{e.seq} {e.at[:16]} {e.actor} {e.kind}" for e in detail.timeline
            )
        emit(args, data, text)
        return 0

    return with_desk(args, work)


def cmd_case_list(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        if args.open:
            rows = []
            lines = []
            for o in cases.open_cases(desk.conn, desk.today()):
                light = o.deadline.level if o.deadline else ("red" if o.notice_overdue else "-")
                label = (
                    o.deadline.label
                    if o.deadline
                    else ("收件超过5个工作日未告知" if o.notice_overdue else "")
                )
                rows.append(
                    {**jsonable(cases.masked_summary(o.case)), "light": light, "deadline": label}
                )
                lines.append(
                    f"{o.case.case_no}  {o.case.state_label:<6} {light:<6} "
                    f"{o.case.applicant_name:<6} {o.case.item_name}  {label}"
                )
        else:
            found = cases.list_cases(desk.conn, args.state or None, limit=args.limit)
            rows = [jsonable(cases.masked_summary(c)) for c in found]
            lines = [
                f"{c.case_no}  {c.state_label:<6} {c.applicant_name:<6} {c.item_name}"
                for c in found
            ]
        emit(args, rows, "\n".join(lines) or "（无）")
        return 0

    return with_desk(args, work)


def cmd_case_search(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        found = cases.search_cases(desk.conn, args.text)
        emit(
            args,
            [jsonable(cases.masked_summary(c)) for c in found],
            "\n".join(
                f"{c.case_no}  {c.state_label:<6} {c.applicant_name:<6} {c.item_name}"
                for c in found
            )
            or "（没有找到）",
        )
        return 0

    return with_desk(args, work)


def cmd_case_lapse(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        deemed = cases.deem_overdue(desk)
        lapsed = cases.lapse_overdue(desk)
        emit(
            args,
            {"deemed_accepted": deemed, "lapsed": lapsed},
            f"视为受理（行政许可法第三十二条：逾期未告知） {len(deemed)} 件"
            + "".join(f"\n  {c}" for c in deemed)
            + f"\n按补正逾期处理 {len(lapsed)} 件"
            + "".join(f"\n  {c}" for c in lapsed),
        )
        return 0

    return with_desk(args, work)


# -- catalogue -----------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput("file", f"找不到文件 {path} / no such file") from None
    except UnicodeDecodeError:
        raise InvalidInput("file", f"{path} 不是 UTF-8 文本 / not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput("file", f"无法读取 {path}：{exc.strerror}") from None


def cmd_catalogue_import(args: argparse.Namespace) -> int:
    text = _read_text(args.file)
    return with_desk(args, lambda desk: _report_published(catalogue.import_text(desk, text)))


def _report_published(codes: list[str]) -> int:
    print(f"已发布 {len(codes)} 个新增或变更的事项" + "".join(f"\n  {c}" for c in codes))
    return 0


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        text = catalogue.export_text(desk.conn)
        if args.out:
            if args.out.exists():
                raise InvalidInput("out", f"{args.out} 已存在，不会覆盖 / exists")
            args.out.write_text(text, encoding="utf-8")
            print(f"已导出到 {args.out}")
        else:
            print(text, end="")
        return 0

    return with_desk(args, work)


def cmd_catalogue_search(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        items = catalogue.search(desk.conn, args.query)
        demo = "（演示数据）" if catalogue.is_demo(desk.conn) else ""
        emit(
            args,
            [
                {
                    "code": i.code,
                    "name": i.name,
                    "case_kind": i.case_kind,
                    "committed_limit": i.committed_limit.label(),
                }
                for i in items
            ],
            "\n".join(
                f"{i.code}  {i.name}  {i.case_kind_label} {i.committed_limit.label()}{demo}"
                for i in items
            )
            or "（没有找到）",
        )
        return 0

    return with_desk(args, work)


# -- calendar -----------------------------------------------------------------------------------


def cmd_calendar_import(args: argparse.Namespace) -> int:
    text = _read_text(args.file)

    def work(desk: Desk) -> int:
        years = calendar_service.import_file(desk, text)
        print(f"已载入 {', '.join(map(str, years))} 年节假日安排；在办案件的办结期限已重新计算")
        return 0

    return with_desk(args, work)


def cmd_calendar_show(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        years = calendar_service.loaded_years(desk.conn)
        if args.year:
            cal = calendar_service.load_calendar(desk.conn)
            schedule = cal.schedules.get(args.year)
            if schedule is None:
                emit(args, None, f"{args.year} 年未载入节假日安排：只按周末计算，期限标注“暂定”")
                return 0
            emit(
                args,
                schedule.to_json(),
                "\n".join(
                    [f"{args.year} 年（{schedule.source}）"]
                    + [f"  休 {d} {schedule.name_of(d) or ''}" for d in sorted(schedule.holidays)]
                    + [f"  班 {d} {schedule.name_of(d) or ''}" for d in sorted(schedule.workdays)]
                ),
            )
            return 0
        emit(
            args,
            [{"year": y, "source": s} for y, s in years],
            "\n".join(f"{y}  {s}" for y, s in years),
        )
        return 0

    return with_desk(args, work)


def cmd_calendar_add(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        cal = calendar_service.load_calendar(desk.conn)
        unit = "natural" if args.natural else "working"
        due = deadlines.compute_due(cal, args.date, args.n, unit, 0)
        emit(
            args,
            {"date": due.date.isoformat(), "provisional": due.provisional},
            due.date.isoformat() + (" provisional" if due.provisional else ""),
        )
        return 0

    return with_desk(args, work)


# -- settings and demo ------------------------------------------------------------------------


def cmd_settings_show(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        data = {k: settings.get(desk.conn, k) for k in settings.SETTINGS}
        emit(
            args,
            data,
            "\n".join(f"{k:<24} {data[k]!s:<10} {s.label}" for k, s in settings.SETTINGS.items()),
        )
        return 0

    return with_desk(args, work)


def cmd_settings_set(args: argparse.Namespace) -> int:
    def work(desk: Desk) -> int:
        value = settings.change(desk, args.key, args.value)
        print(f"{args.key} = {value}")
        return 0

    return with_desk(args, work)


def cmd_print(args: argparse.Namespace) -> int:
    """A slip or guide to a PDF file: the user's explicit "save as", for scripts and reprints."""

    def work(desk: Desk) -> int:
        if args.out.exists():
            raise InvalidInput("out", f"{args.out} 已存在，不会覆盖 / {args.out} exists")
        target = args.target or ""
        if (
            args.kind
            in ("receipt", "notice", "rejection", "completion", "guide", "referral", "away", "card")
            and not target
        ):
            raise InvalidInput(
                "target", f"请指定要打印的{FORMS[args.kind].title}的编号或账号 / a target is needed"
            )
        if args.kind == "guide":
            pdf = slips.guide_pdf(desk, target)
        elif args.kind == "referral":
            pdf = slips.referral_pdf(desk, target, args.layout)
        elif args.kind == "away":
            pdf = slips.away_sign_pdf(desk, target)
        elif args.kind == "card":
            pdf = slips.staff_card_pdf(desk, target)
        elif args.kind == "daily":
            try:
                day = dt.date.fromisoformat(target) if target else None
            except ValueError:
                raise InvalidInput("target", f"日期格式应为 YYYY-MM-DD：{target}") from None
            pdf = slips.daily_report_pdf(desk, day)
        else:
            pdf = slips.slip_pdf(desk, args.kind, target, args.layout)
        try:
            # A slip names the applicant: the file is its owner's only.
            with os.fdopen(open_private(args.out, exclusive=False), "wb") as fh:
                fh.write(pdf)
        except OSError as exc:
            raise InvalidInput("out", f"无法写入 {args.out}：{exc.strerror}") from None
        print(f"已生成 {args.out}（{len(pdf) // 1024} KiB）")
        return 0

    return with_desk(args, work)


def cmd_demo(args: argparse.Namespace) -> int:
    summary = create_demo_ledger(args.ledger, end=args.end, clock=clock_of(args))
    print(summary)
    return 0


# -- parser -------------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("case", help="cases: intake, notice, accept, ... (补录 with --on DATE)")
    cs = p.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    q = cs.add_parser("intake", help="register an application (收件)")
    add_common(q, json_out=True)
    q.add_argument("--item", required=True, help="catalogue code of the service item")
    q.add_argument("--name", required=True, help="applicant's name")
    q.add_argument("--id-type", default=IdType.RESIDENT_ID.value, choices=[t.value for t in IdType])
    q.add_argument("--id-number", required=True)
    q.add_argument("--phone", required=True)
    q.add_argument("--address", default="")
    q.add_argument("--agent-name", help="代办人 name, when someone applies for another")
    q.add_argument(
        "--agent-id-type", default=IdType.RESIDENT_ID.value, choices=[t.value for t in IdType]
    )
    q.add_argument("--agent-id-number")
    q.add_argument("--agent-phone")
    q.add_argument("--agent-relationship")
    _material_args(q)
    q.add_argument("--all-received", action="store_true", help="every material handed over")
    q.add_argument("--channel", default="window", choices=sorted(cases.CHANNELS))
    q.add_argument("--on", type=date_arg, help="business date for 补录 (default today)")
    q.add_argument(
        "--name-change",
        choices=sorted(NAME_CHANGE_KINDS),
        help="the ID number is recorded under another name: correction (更正, the record was "
        "wrong) or change (改名); earlier cases keep their name",
    )
    q.add_argument("--name-change-reason", help="why, e.g. the document seen (with --name-change)")
    q.set_defaults(func=cmd_case_intake)

    q = cs.add_parser("notice", help="issue the one-time notice (一次性告知书)")
    add_common(q, json_out=True)
    q.add_argument("case_no")
    q.add_argument("--extra", action="append", help="free-text item: “名称|问题|补正要求”")
    q.add_argument("--return-by", type=date_arg)
    q.add_argument(
        "--override-by",
        help="director authorising a second notice "
        "(their passphrase: next stdin line or CLERKDESK_OVERRIDE_PASSPHRASE)",
    )
    q.add_argument("--reason", help="why a second notice is needed")
    q.add_argument("--on", type=date_arg)
    q.set_defaults(func=cmd_case_notice)

    specs: list[tuple[str, str, Callable[[argparse.ArgumentParser], object]]] = [
        ("accept", "accept (受理): materials complete", _material_args),
        ("supplement", "tick materials the applicant brought back", _material_args),
        (
            "reject",
            "不予受理 with reason and where to go",
            lambda q: (
                q.add_argument("--reason", required=True),
                q.add_argument("--where", required=True),
            ),
        ),
        (
            "forward",
            "hand to the department (办理中)",
            lambda q: (q.add_argument("--department", required=True), q.add_argument("--note")),
        ),
        (
            "pause",
            "start a special procedure: the clock stops",
            lambda q: (
                q.add_argument("--kind", required=True, choices=sorted(cases.PAUSE_KINDS)),
                q.add_argument("--reason", required=True),
            ),
        ),
        ("resume", "end the special procedure", lambda q: None),
        (
            "complete",
            "办结",
            lambda q: (
                q.add_argument("--result", required=True, choices=sorted(cases.RESULTS)),
                q.add_argument("--delivery", default="window", choices=sorted(cases.DELIVERY)),
                q.add_argument("--certificate-name"),
                q.add_argument("--certificate-no"),
                q.add_argument("--note"),
            ),
        ),
        (
            "withdraw",
            "the applicant withdraws (撤回)",
            lambda q: q.add_argument("--reason", required=True),
        ),
        ("show", "one case with its timeline", lambda q: None),
    ]
    for name, help_text, extra in specs:
        q = cs.add_parser(name, help=help_text)
        add_common(q, json_out=True)
        q.add_argument("case_no")
        extra(q)
        if name == "show":
            q.add_argument(
                "--full",
                action="store_true",
                help="ID and phone numbers in full (director only; masked by default)",
            )
        else:
            q.add_argument("--on", type=date_arg, help="business date for 补录 (default today)")
        q.set_defaults(func=cmd_case_action, action=name)

    q = cs.add_parser("list", help="cases, newest first; --open for the deadline board")
    add_common(q, json_out=True)
    q.add_argument("--state", action="append", choices=sorted(cases.STATE_LABELS))
    q.add_argument("--open", action="store_true", help="open cases with deadline lights")
    q.add_argument("--limit", type=int, default=200)
    q.set_defaults(func=cmd_case_list)

    q = cs.add_parser("search", help="by case number, ID number, phone or name")
    add_common(q, json_out=True)
    q.add_argument("text")
    q.set_defaults(func=cmd_case_search)

    q = cs.add_parser(
        "lapse-overdue",
        help="start of day: record §32 deemed acceptances (no notice within 5 working days), "
        "then close cases whose correction period ran out",
    )
    add_common(q, json_out=True)
    q.set_defaults(func=cmd_case_lapse)

    p = sub.add_parser("catalogue", help="service catalogue: import, export, search")
    cat = p.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    q = cat.add_parser("import", help="publish new or changed items from a JSON file")
    add_common(q)
    q.add_argument("file", type=Path)
    q.set_defaults(func=cmd_catalogue_import)
    q = cat.add_parser("export", help="current items as a catalogue JSON file")
    add_common(q)
    q.add_argument("--out", type=Path)
    q.set_defaults(func=cmd_catalogue_export)
    q = cat.add_parser("search", help="by code, name or pinyin initials (dbsq)")
    add_common(q, json_out=True)
    q.add_argument("query")
    q.set_defaults(func=cmd_catalogue_search)

    p = sub.add_parser("calendar", help="working-day calendar: import, show, add-workdays")
    cal = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    q = cal.add_parser("import", help="load a year's holiday schedule (see docs)")
    add_common(q)
    q.add_argument("file", type=Path)
    q.set_defaults(func=cmd_calendar_import)
    q = cal.add_parser("show", help="loaded years, or one year's days")
    add_common(q, json_out=True)
    q.add_argument("--year", type=int)
    q.set_defaults(func=cmd_calendar_show)
    q = cal.add_parser("add-workdays", help="DATE + N working days (prints provisional when so)")
    add_common(q, json_out=True)
    q.add_argument("date", type=date_arg)
    q.add_argument("n", type=int)
    q.add_argument("--natural", action="store_true", help="natural days instead")
    q.set_defaults(func=cmd_calendar_add)

    p = sub.add_parser("settings", help="desk settings (warning thresholds, phones...)")
    st = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    q = st.add_parser("show")
    add_common(q, json_out=True)
    q.set_defaults(func=cmd_settings_show)
    q = st.add_parser("set")
    add_common(q)
    q.add_argument("key", choices=sorted(settings.SETTINGS))
    q.add_argument("value")
    q.set_defaults(func=cmd_settings_set)

    p = sub.add_parser("print", help="any printed form (slips, guide, signs, daily) to PDF")
    add_common(p)
    p.add_argument(
        "kind", choices=[*slips.SLIP_KINDS, "guide", "referral", "away", "card", "daily"]
    )
    p.add_argument(
        "target",
        nargs="?",
        help="case number (receipt/notice/rejection/completion), catalogue code (guide), "
        "consultation number (referral), user name (away, card), date (daily; default today)",
    )
    p.add_argument("--out", type=Path, required=True, help="PDF file to create")
    p.add_argument(
        "--layout",
        default="a4",
        choices=["a4", "receipt80"],
        help="receipt80: 80 mm receipt printer (receipt and notice)",
    )
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("demo", help="create a demo ledger (passphrases in README)")
    p.add_argument("--ledger", type=Path, required=True)
    p.add_argument(
        "--end", type=date_arg, help="last simulated day, YYYY-MM-DD (default: yesterday)"
    )
    p.set_defaults(func=cmd_demo)


def _material_args(q: argparse.ArgumentParser) -> None:
    q.add_argument("--received", help="material codes handed over, comma-separated (M01,M02)")
    q.add_argument("--not-applicable", help="conditional materials that do not apply")
    q.add_argument("--defective", action="append", help="CODE=what is wrong (repeatable)")
