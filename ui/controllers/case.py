"""办件详情 controller: shows a case and offers only the actions its state allows
(`app.cases.allowed_actions`); each action is a dialog (when it needs input) and one op."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QPushButton, QTableWidget, QTableWidgetItem

from app import applicants, cases, deadlines, views
from app.cases import MaterialTick
from app.desk import Desk
from app.views import CaseView
from db.ledger import Event
from printing.masking import mask_id_number, mask_phone
from ui.controllers.today import LIGHT_COLOURS
from ui.errors import describe, field_of
from ui.session import DeskSession
from ui.slips import SlipPrinter, kind_label
from ui.views.case_detail import CaseDetailView
from ui.views.dialogs import Field, FormDialog, MaterialsDialog
from ui.views.materials import MaterialRow
from ui.worker import AWAY, CASES

EVENT_LABELS = {
    "case.received": "收件登记",
    "case.materials_updated": "登记补正材料",
    "case.notice_issued": "一次性告知",
    "case.accepted": "受理",
    "case.rejected": "不予受理",
    "case.forwarded": "转办理",
    "case.paused": "特别程序开始",
    "case.resumed": "特别程序结束",
    "case.completed": "办结",
    "case.withdrawn": "撤回",
    "case.lapsed": "补正逾期",
    "case.note_added": "备注",
    "applicant.renamed": "申请人姓名更正/改名",
}
# Alt+digit for the action buttons, in TRANSITIONS order.
_MNEMONICS = "123456789"


def _event_text(event: Event) -> str:
    b = event.body
    parts: list[str] = []
    if event.kind == "case.received":
        parts.append(f"{b['item']['name']}")
        missing = [m["name"] for m in b["materials"] if m["status"] in ("missing", "defective")]
        if missing:
            parts.append("缺：" + "、".join(missing))
    for key, label in (
        ("notice_no", ""),
        ("doc_no", ""),
        ("reason", "理由："),
        ("where_to_go", "去向："),
        ("department", "部门："),
        ("text", ""),
        ("override_reason", "授权理由："),
        ("return_by", "补正期限："),
    ):
        if b.get(key):
            parts.append(f"{label}{b[key]}")
    if event.kind == "applicant.renamed":
        kind = applicants.NAME_CHANGE_KINDS.get(b["kind"], b["kind"])
        parts.insert(0, f"{kind}：“{b['old_name']}”→“{b['new_name']}”")
    if event.kind == "case.materials_updated":
        parts.append(
            "、".join(f"{m['name']} {cases.MATERIAL_STATUSES[m['status']]}" for m in b["materials"])
        )
    if event.kind == "case.completed":
        parts.append(cases.RESULTS.get(b["result"], b["result"]))
    if event.kind == "case.paused":
        parts.insert(0, cases.PAUSE_KINDS.get(b["kind"], b["kind"]))
    if b.get("late"):
        parts.append("（超过法定告知期限）")
    return "；".join(parts)


def _set_rows(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeRowsToContents()


class CaseController(QObject):
    def __init__(
        self,
        view: CaseDetailView,
        session: DeskSession,
        printer: SlipPrinter,
        notify: Callable[[str, str], None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.printer = printer
        self.notify = notify
        self.current: CaseView | None = None
        #: Told the item of each case shown (the citizen's screen).
        self.on_handling: Callable[[str], None] | None = None
        self.dialog: FormDialog | MaterialsDialog | None = None
        self.action_buttons: dict[str, QPushButton] = {}
        view.note.returnPressed.connect(self.add_note)
        view.note_button.clicked.connect(self.add_note)

    # -- loading ---------------------------------------------------------------------
    def show_case(
        self,
        case_no: str,
        on_shown: Callable[[CaseView], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        def load(desk: Desk) -> CaseView:
            return views.case_view(desk.conn, case_no, desk.today())

        def shown(result: CaseView) -> None:
            self._render(result)
            if on_shown is not None:
                on_shown(result)

        self.session.op(load, shown, on_error or self._failed)

    def on_changed(self, topics: frozenset[str]) -> None:
        if topics & {CASES, AWAY} and self.current is not None:
            self.show_case(self.current.detail.case_no)

    def _failed(self, exc: BaseException) -> None:
        self.view.message.show_message(describe(exc))

    def clear(self) -> None:
        self.current = None
        self.view.note.clear()
        self.view.message.clear_message()
        self.view.body.hide()
        self.view.empty.show()

    def _render(self, cv: CaseView) -> None:
        same = self.current is not None and self.current.detail.case_no == cv.detail.case_no
        self.current = cv
        d = cv.detail
        s = d.summary
        if self.on_handling is not None:
            self.on_handling(s.item_name)
        v = self.view
        v.empty.hide()
        v.body.show()
        if not same:  # a refresh after an action keeps the action's message
            v.message.clear_message()
        v.case_no.setText(self.tr("办件 {no}").format(no=d.case_no))
        state = s.state_label
        if cv.cover is not None:
            state += self.tr(" · {holder} 离岗，由 {cover} 代管（预计 {until} 返回）").format(
                holder=cv.who(cv.cover.holder),
                cover=cv.who(cv.cover.covered_by),
                until=f"{cv.cover.until:%H:%M}",
            )
        v.state.setText(state)
        if cv.deadline is not None:
            v.light.setText("● " + cv.deadline.label)
            colour = LIGHT_COLOURS[cv.deadline.level]
            fg = "black" if cv.deadline.level == "yellow" else "white"
            v.light.setStyleSheet(f"background:{colour}; color:{fg}; padding:4px 10px;")
        else:
            if s.state == "awaiting_correction" and d.return_by is not None:
                waiting = self.tr("待补正，未计时（补正期限 {d}）").format(d=d.return_by)
            else:
                waiting = self.tr("受理后开始计时") if s.is_open else ""
            v.light.setText(waiting)
            v.light.setStyleSheet("color:#555; padding:4px 10px;")
        a = d.applicant
        facts = {
            "item": f"{s.item_name}（{s.item_code}）",
            "applicant": f"{a.name} · {a.id_type_label} {mask_id_number(a.id_number)} · "
            f"{mask_phone(a.phone)}",
            "agent": (
                f"{d.agent['name']}（{d.agent.get('relationship', '')}）"
                f" {mask_phone(d.agent.get('phone', ''))}"
                if d.agent
                else self.tr("无")
            ),
            "received": f"{s.received_on:%Y-%m-%d} · {cv.who(d.received_by)}",
            "accepted": (
                f"{d.accepted_on:%Y-%m-%d} · {d.accept_doc_no}" if d.accepted_on else self.tr("—")
            ),
            "due": (
                f"{s.due_on:%Y-%m-%d}"
                + (deadlines.provisional_mark(cv.due_reason) if s.due_provisional else "")
                + f" · {d.limit_days} 个{'工作日' if d.limit_unit == 'working' else '自然日'}"
                if s.due_on
                else f"{d.limit_days} 个{'工作日' if d.limit_unit == 'working' else '自然日'}"
                + self.tr("（受理后起算）")
            ),
            "department": d.department or self.tr("—"),
            "outcome": self._outcome(cv),
        }
        for key, text in facts.items():
            v.facts[key].setText(text)

        _set_rows(
            v.materials,
            [[m.name, m.status_label, m.note] for m in d.materials],
        )
        for r, m in enumerate(d.materials):
            if m.status in ("missing", "defective"):
                cell = v.materials.item(r, 1)
                if cell is not None:
                    cell.setForeground(QBrush(QColor("#b71c1c")))
        rows: list[list[str]] = []
        for n in d.notices:
            extra = (
                self.tr("（负责人 {who} 授权：{why}）").format(
                    who=n.override_by, why=n.override_reason
                )
                if n.override_by
                else ""
            )
            rows.append(
                [
                    n.notice_no,
                    n.issued_at[:10],
                    "、".join(i.name for i in n.items) + extra,
                    self.tr("补正期限 {d}").format(d=n.return_by.isoformat()),
                ]
            )
        for p in d.pauses:
            rows.append(
                [
                    self.tr("特别程序：{k}").format(k=cases.PAUSE_KINDS.get(p.kind, p.kind)),
                    p.started_on.isoformat(),
                    p.reason,
                    p.ended_on.isoformat() if p.ended_on else self.tr("进行中"),
                ]
            )
        _set_rows(v.notices, rows)
        _set_rows(
            v.timeline,
            [
                [
                    e.at[:16].replace("T", " "),
                    cv.who(e.actor),
                    EVENT_LABELS.get(e.kind, e.kind),
                    _event_text(e),
                ]
                for e in d.timeline
            ],
        )
        v.timeline.scrollToBottom()
        self._make_buttons(cv)

    def _outcome(self, cv: CaseView) -> str:
        d = cv.detail
        if d.outcome is None:
            return self.tr("—")
        detail = d.outcome_detail
        if d.outcome in cases.RESULTS:
            text = cases.RESULTS[d.outcome]
            delivery = cases.DELIVERY.get(str(detail.get("delivery", "")), "")
            return f"{text} · {delivery} · {d.closed_on}"
        if d.outcome == "rejected":
            return self.tr("不予受理：{r}（{w}）").format(
                r=detail.get("reason", ""), w=detail.get("where_to_go", "")
            )
        return f"{cases.STATE_LABELS.get(d.state, d.state)}：{detail.get('reason', '')}"

    def _make_buttons(self, cv: CaseView) -> None:
        self.action_buttons = {}
        buttons = []
        labels = dict(cases.TRANSITIONS)
        labels_override = {"accept": self.tr("补正并受理"), "supplement": self.tr("登记补正材料")}
        for i, action in enumerate(cv.actions):
            label = labels_override.get(action, labels[action][0])
            mnemonic = _MNEMONICS[i] if i < len(_MNEMONICS) else ""
            b = QPushButton(f"{label}（&{mnemonic}）" if mnemonic else label)
            b.clicked.connect(partial(self.run_action, action))
            self.action_buttons[action] = b
            buttons.append(b)
        self.view.set_action_buttons(buttons)
        reprints = []
        d = cv.detail
        kinds = []
        if d.accept_doc_no:
            kinds.append("receipt")
        if d.notices:
            kinds.append("notice")
        if d.state == "rejected":
            kinds.append("rejection")
        if d.state == "completed":
            kinds.append("completion")
        for kind in kinds:
            b = QPushButton(self.tr("补打{k}").format(k=kind_label(kind)))
            b.clicked.connect(partial(self.printer.print, kind, d.case_no))
            reprints.append(b)
        self.view.set_reprint_buttons(reprints)

    # -- actions -----------------------------------------------------------------------
    def run_action(self, action: str) -> None:
        if self.current is None:
            return
        handler = getattr(self, f"_do_{action}")
        handler(self.current.detail)

    def _dialog_op(
        self,
        dialog: FormDialog | MaterialsDialog,
        make_op: Callable[[Any], Callable[[Desk], Any]],
        done_text: Callable[[Any], str],
        slip: str | None = None,
    ) -> None:
        """Open `dialog`; on OK run the op it describes; close on success, or show the
        error next to the field at fault and keep the dialog open."""
        case_no = self.current.detail.case_no if self.current else ""

        def missed(_result: Any) -> None:  # done, but the desk locked before it came back
            if slip:
                self.printer.miss(slip, case_no)

        def submitted(values: Any) -> None:
            dialog.set_busy(True)

            def done(result: Any) -> None:
                dialog.set_busy(False)
                dialog.accept()
                self.dialog = None
                if slip:
                    self.printer.print(slip, case_no)
                text = done_text(result)
                self.view.message.show_message(text, "ok")
                self.notify(text, "ok")

            def failed(exc: BaseException) -> None:
                dialog.set_busy(False)
                dialog.show_error(field_of(exc), describe(exc))

            self.session.op(make_op(values), done, failed, (CASES,), on_stale=missed)

        dialog.submitted.connect(submitted)
        self.dialog = dialog
        dialog.open()

    def _simple_op(self, op: Callable[[Desk], Any], text: str, slip: str | None = None) -> None:
        case_no = self.current.detail.case_no if self.current else ""

        def missed(_result: Any) -> None:
            if slip:
                self.printer.miss(slip, case_no)

        def done(_result: Any) -> None:
            if slip:
                self.printer.print(slip, case_no)
            self.view.message.show_message(text, "ok")
            self.notify(text, "ok")

        self.session.op(op, done, self._failed, (CASES,), on_stale=missed)

    def _materials_dialog(self, heading: str, note: str) -> MaterialsDialog:
        assert self.current is not None
        dialog = MaterialsDialog(heading, note, self.view)
        dialog.table.set_rows(
            [
                MaterialRow(m.code, m.name, "", "", m.status, m.note)
                for m in self.current.detail.materials
            ]
        )
        return dialog

    @staticmethod
    def _ticks(values: dict[str, tuple[str, str]]) -> dict[str, MaterialTick]:
        return {code: MaterialTick(status, note) for code, (status, note) in values.items()}

    def _ticks_op(
        self, action: Callable[[Desk, str, dict[str, MaterialTick]], Any], case_no: str
    ) -> Callable[[dict[str, tuple[str, str]]], Callable[[Desk], Any]]:
        def make(values: dict[str, tuple[str, str]]) -> Callable[[Desk], Any]:
            ticks = self._ticks(values)  # here, on the GUI thread: the op holds plain data only
            return lambda desk: action(desk, case_no, ticks)

        return make

    def _do_accept(self, d: cases.CaseDetail) -> None:
        dialog = self._materials_dialog(
            self.tr("补正并受理 {no}").format(no=d.case_no),
            self.tr(
                "核对群众带来的材料：空格或 1–4 改状态，全部齐备后 Ctrl+Enter 受理并打印回执。"
            ),
        )
        self._dialog_op(
            dialog,
            self._ticks_op(cases.accept, d.case_no),
            lambda _r: self.tr("已受理 {no}，受理回执已送打印。").format(no=d.case_no),
            slip="receipt",
        )

    def _do_supplement(self, d: cases.CaseDetail) -> None:
        dialog = self._materials_dialog(
            self.tr("登记补正材料 {no}").format(no=d.case_no),
            self.tr("记录这次带来的材料（仍不齐时办件保持待补正）。"),
        )
        self._dialog_op(
            dialog,
            self._ticks_op(cases.supplement, d.case_no),
            lambda _r: self.tr("已登记补正材料。"),
        )

    def _do_notice(self, d: cases.CaseDetail) -> None:
        if not d.notices:
            self._simple_op(
                lambda desk: cases.issue_notice(desk, d.case_no),
                self.tr("已出具一次性告知书，告知书已送打印。"),
                slip="notice",
            )
            return
        dialog = FormDialog(
            self.tr("第二次告知须中心负责人授权"),
            [
                Field("director", self.tr("负责人用户名"), placeholder="zhaomin"),
                Field("passphrase", self.tr("负责人口令"), "password"),
                Field("reason", self.tr("授权理由"), "multiline"),
            ],
            self.view,
            ok_text=self.tr("授权并出具告知书"),
            note=self.tr(
                "本件已出具过一次性告知书（{doc}）。按一次性告知制度，再次告知属例外，"
                "须中心负责人当面输入口令授权并写明理由，将记入台账和报表。"
            ).format(doc=d.notices[0].notice_no),
        )

        def make(values: dict[str, object]) -> Callable[[Desk], Any]:
            def op(desk: Desk) -> Any:
                override = cases.authorize_override(
                    desk,
                    str(values["director"]).strip(),
                    str(values["passphrase"]),
                    str(values["reason"]),
                )
                return cases.issue_notice(desk, d.case_no, override=override)

            return op

        self._dialog_op(
            dialog,
            make,
            lambda r: self.tr("已出具第二次告知书 {doc}（负责人授权）。").format(doc=r.notice_no),
            slip="notice",
        )

    def _do_reject(self, d: cases.CaseDetail) -> None:
        dialog = FormDialog(
            self.tr("不予受理 {no}").format(no=d.case_no),
            [
                Field("reason", self.tr("不予受理理由"), "multiline"),
                Field("where_to_go", self.tr("建议办理机关或途径")),
            ],
            self.view,
            ok_text=self.tr("不予受理并打印通知书"),
        )
        self._dialog_op(
            dialog,
            lambda v: (
                lambda desk: cases.reject(desk, d.case_no, str(v["reason"]), str(v["where_to_go"]))
            ),
            lambda _r: self.tr("已作不予受理，通知书已送打印。"),
            slip="rejection",
        )

    def _do_forward(self, d: cases.CaseDetail) -> None:
        dialog = FormDialog(
            self.tr("转办理 {no}").format(no=d.case_no),
            [
                Field("department", self.tr("承办部门")),
                Field("note", self.tr("说明"), "multiline"),
            ],
            self.view,
        )
        self._dialog_op(
            dialog,
            lambda v: (
                lambda desk: cases.forward(desk, d.case_no, str(v["department"]), str(v["note"]))
            ),
            lambda _r: self.tr("已转办理。"),
        )

    def _do_pause(self, d: cases.CaseDetail) -> None:
        dialog = FormDialog(
            self.tr("启动特别程序（暂停计时）"),
            [
                Field("kind", self.tr("程序类型"), "choice", tuple(cases.PAUSE_KINDS.items())),
                Field("reason", self.tr("事由"), "multiline"),
            ],
            self.view,
            note=self.tr("听证、公示、检验检测等时间不计入办理时限（行政许可法第四十五条）。"),
        )
        self._dialog_op(
            dialog,
            lambda v: lambda desk: cases.pause(desk, d.case_no, str(v["kind"]), str(v["reason"])),
            lambda _r: self.tr("特别程序已开始，计时暂停。"),
        )

    def _do_resume(self, d: cases.CaseDetail) -> None:
        self._simple_op(
            lambda desk: cases.resume(desk, d.case_no), self.tr("特别程序已结束，恢复计时。")
        )

    def _do_complete(self, d: cases.CaseDetail) -> None:
        dialog = FormDialog(
            self.tr("办结 {no}").format(no=d.case_no),
            [
                Field("result", self.tr("办理结果"), "choice", tuple(cases.RESULTS.items())),
                Field("delivery", self.tr("送达方式"), "choice", tuple(cases.DELIVERY.items())),
                Field("certificate_name", self.tr("证照/文书名称")),
                Field("certificate_no", self.tr("证照/文书编号")),
                Field("note", self.tr("说明"), "multiline"),
            ],
            self.view,
            ok_text=self.tr("办结并打印办结通知"),
        )
        self._dialog_op(
            dialog,
            lambda v: (
                lambda desk: cases.complete(
                    desk,
                    d.case_no,
                    str(v["result"]),
                    str(v["delivery"]),
                    str(v["certificate_name"]),
                    str(v["certificate_no"]),
                    str(v["note"]),
                )
            ),
            lambda _r: self.tr("已办结，办结通知已送打印。"),
            slip="completion",
        )

    def _do_withdraw(self, d: cases.CaseDetail) -> None:
        dialog = FormDialog(
            self.tr("撤回 {no}").format(no=d.case_no),
            [Field("reason", self.tr("撤回原因"), "multiline")],
            self.view,
        )
        self._dialog_op(
            dialog,
            lambda v: lambda desk: cases.withdraw(desk, d.case_no, str(v["reason"])),
            lambda _r: self.tr("办件已撤回。"),
        )

    def add_note(self) -> None:
        if self.current is None:
            return
        text = self.view.note.text()
        case_no = self.current.detail.case_no

        def done(_r: None) -> None:
            self.view.note.clear()
            self.view.message.show_message(self.tr("备注已添加。"), "ok")

        self.session.op(
            lambda desk: cases.add_note(desk, case_no, text), done, self._failed, (CASES,)
        )

    def today(self) -> dt.date:
        return self.session.clock().date()
