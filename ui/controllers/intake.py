"""收件登记 controller: item search, inline checks, returning applicant, and the three
outcomes. Rules stay in app/: this only gathers what was typed and shows what app/ says."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidgetItem, QWidget

from app import applicants, cases, catalogue
from app.applicants import NameChange, NameConflict, Person
from app.catalogue_model import ServiceItem
from app.desk import Desk
from app.errors import InvalidInput
from app.identity import IdType, check_id, check_phone
from ui.errors import chinese, describe, field_of
from ui.session import DeskSession
from ui.slips import SlipPrinter
from ui.views.dialogs import Field, FormDialog
from ui.views.intake import IntakeView, PersonForm
from ui.views.materials import MaterialRow
from ui.views.widgets import mark_error
from ui.worker import CASES

CODE_ROLE = Qt.ItemDataRole.UserRole


def material_rows(item: ServiceItem) -> list[MaterialRow]:
    rows = []
    for m in item.materials:
        # Unticked on arrival: what the item always needs starts as missing, conditional
        # materials as not applicable — the clerk ticks what is actually on the desk.
        status = "missing" if m.required and not m.condition else "not_applicable"
        rows.append(
            MaterialRow(
                m.code,
                m.name + (f"（{m.condition}）" if m.condition else ""),
                m.necessity_label.split("（")[0],
                m.count_label,
                status,
            )
        )
    return rows


@dataclass(frozen=True)
class _Form:
    """What was typed, copied on the GUI thread: ops never read widgets."""

    item_code: str | None
    pending_case_no: str | None
    pending_ticks: dict[str, cases.MaterialTick]  # as registered
    applicant: Person
    agent: Person | None
    ticks: dict[str, cases.MaterialTick]
    name_change: NameChange | None = None  # confirmed for this ID number and name


#: Who and what a registered case is for: (item code, applicant, agent).
_Who = tuple[str | None, Person, Person | None]


@dataclass
class _Registered:
    case_no: str | None = None
    ticks: dict[str, cases.MaterialTick] = dataclasses.field(default_factory=dict)
    who: _Who | None = None


def _register(desk: Desk, form: _Form, out: _Registered) -> tuple[str, bool]:
    """The case of this application: registered now, or earlier in this form (materials
    were incomplete at 受理) and brought up to date with what is ticked now. Returns the
    case number and whether every required material is in."""
    if form.pending_case_no is not None:
        if form.ticks != form.pending_ticks:
            cases.supplement(desk, form.pending_case_no, form.ticks)
        detail = cases.get_case(desk.conn, form.pending_case_no, with_timeline=False)
        return detail.case_no, not detail.missing_materials()
    assert form.item_code is not None
    result = cases.intake(
        desk,
        form.item_code,
        form.applicant,
        form.ticks,
        form.agent,
        "proxy" if form.agent else "window",
        name_change=form.name_change,
    )
    out.case_no = result.case_no
    out.ticks = form.ticks
    out.who = (form.item_code, form.applicant, form.agent)
    return result.case_no, result.complete


class IntakeController(QObject):
    def __init__(
        self,
        view: IntakeView,
        session: DeskSession,
        printer: SlipPrinter,
        notify: Callable[[str, str], None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.printer = printer
        self.notify = notify
        self.item: ServiceItem | None = None
        self.pending_case_no: str | None = None  # registered, not yet decided
        self.pending_ticks: dict[str, cases.MaterialTick] = {}
        self.pending_who: _Who | None = None  # item and people the pending case was made for
        self.dialog: FormDialog | None = None
        # A confirmed 更正/改名, for the (ID number, name) typed when it was confirmed.
        self.name_change: tuple[tuple[str, str], NameChange] | None = None
        self.busy = False
        #: Told the item being handled and each service done (the citizen's screen).
        self.on_handling: Callable[[str], None] | None = None
        self.on_served: Callable[[str, str, str], None] | None = None
        for form in (view.applicant, view.agent):
            for id_type in IdType:
                form.id_type.addItem(id_type.label, id_type.value)
        view.agent.relationship.addItems(list(applicants.RELATIONSHIPS))
        view.agent.relationship.setCurrentIndex(-1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._search)
        view.item_search.textChanged.connect(lambda _t: self._search_timer.start())
        view.item_search.returnPressed.connect(self._pick_first)
        view.item_search.installEventFilter(self)
        view.item_results.itemActivated.connect(self._picked)
        view.applicant.id_number.editingFinished.connect(
            lambda: self._check_id(view.applicant, "applicant")
        )
        view.applicant.phone.editingFinished.connect(
            lambda: self._check_phone(view.applicant, "applicant")
        )
        view.agent.id_number.editingFinished.connect(lambda: self._check_id(view.agent, "agent"))
        view.agent.phone.editingFinished.connect(lambda: self._check_phone(view.agent, "agent"))
        view.has_agent.toggled.connect(view.agent.setEnabled)
        view.accept_button.clicked.connect(self.accept)
        view.notice_button.clicked.connect(self.notice)
        view.reject_button.clicked.connect(self.reject)
        view.clear_button.clicked.connect(self.reset)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (
            ("F9", self.accept),
            ("F10", self.notice),
            ("F11", self.reject),
            ("Ctrl+N", self.reset),
            ("Alt+1", view.item_search.setFocus),
            ("Alt+2", view.applicant.name.setFocus),
            ("Alt+3", self._toggle_agent),
            ("Alt+4", view.materials.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setContext(scope)
            shortcut.activated.connect(slot)

    # -- item ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.view.item_search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.view.item_results.count()
        ):
            self.view.item_results.setFocus()
            self.view.item_results.setCurrentRow(0)
            return True
        return False

    def _search(self) -> None:
        query = self.view.item_search.text().strip()
        if not query:
            self.view.item_results.clear()
            return
        self.session.op(lambda desk: catalogue.search(desk.conn, query, 30), self._show_results)

    def _show_results(self, items: list[ServiceItem]) -> None:
        results = self.view.item_results
        results.clear()
        for item in items:
            entry = QListWidgetItem(f"{item.name}\n    {item.code}")
            entry.setData(CODE_ROLE, item.code)
            results.addItem(entry)
        if items:
            results.setCurrentRow(0)

    def _pick_first(self) -> None:
        self._search_timer.stop()
        query = self.view.item_search.text().strip()
        if not query:
            return

        def done(items: list[ServiceItem]) -> None:
            self._show_results(items)
            if items:
                self.choose(items[0].code)
            else:
                self._field_error("item", self.tr("没有找到事项“{q}”").format(q=query))

        self.session.op(lambda desk: catalogue.search(desk.conn, query, 30), done, self._error)

    def _picked(self, entry: QListWidgetItem) -> None:
        self.choose(str(entry.data(CODE_ROLE)))

    def choose(self, code: str) -> None:
        self.session.op(
            lambda desk: catalogue.get_item(desk.conn, code).item, self._chosen, self._error
        )

    def _chosen(self, item: ServiceItem) -> None:
        if self.pending_who is not None and self.pending_who[0] != item.code:
            self._drop_pending()
        self.item = item
        if self.on_handling is not None:
            self.on_handling(item.name)
        self._clear_field("item")
        self.view.item_info.setText(
            self.tr("已选：{name}\n{code}\n{kind} · 承诺时限 {limit}\n承办：{dept}").format(
                name=item.name,
                code=item.code,
                kind=item.case_kind_label,
                limit=item.committed_limit.label(),
                dept=item.department,
            )
        )
        self.view.materials.set_rows(material_rows(item))
        self.view.applicant.name.setFocus()

    # -- inline checks --------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.session.clock().date()

    def _check_id(self, form: PersonForm, role: str) -> None:
        text = form.id_number.text()
        if not text.strip():
            return
        try:
            checked = check_id(
                str(form.id_type.currentData()),
                text,
                today=self._today(),
                field=f"{role}.id_number",
            )
        except InvalidInput as exc:
            self._field_error(f"{role}.id_number", chinese(exc.message), focus=False)
            return
        self._clear_field(f"{role}.id_number")
        if checked.warnings:
            form.errors["id_number"].show_error(chinese(checked.warnings[0]))
        if role == "applicant":
            number = checked.number
            self.session.op(
                lambda desk: applicants.find_by_id_number(desk.conn, number), self._returning
            )

    def _returning(self, found: list[applicants.Applicant]) -> None:
        if not found:
            self.view.returning.setText("")
            return
        a = found[0]
        form = self.view.applicant
        # Fill only what the clerk has not typed: they may be correcting a changed phone.
        if not form.name.text().strip():
            form.name.setText(a.name)
        if not form.phone.text().strip():
            form.phone.setText(a.phone)
        if not form.address.text().strip():
            form.address.setText(a.address)
        self.view.returning.setText(
            self.tr(
                "老申请人：{name}，{first} 起在本中心办过事，已带出电话和住址，请核对。"
            ).format(name=a.name, first=a.first_seen[:10])
        )

    def _check_phone(self, form: PersonForm, role: str) -> None:
        if not form.phone.text().strip():
            return
        try:
            check_phone(form.phone.text(), field=f"{role}.phone")
        except InvalidInput as exc:
            self._field_error(f"{role}.phone", chinese(exc.message), focus=False)
        else:
            self._clear_field(f"{role}.phone")

    # -- field errors ---------------------------------------------------------------------
    def _target(self, field: str) -> tuple[QWidget, QLabel] | None:
        v = self.view
        if field in ("item", "item_code", "code"):
            return v.item_search, v.item_error
        if field == "materials":
            return v.materials, v.materials_error
        role, _, name = field.partition(".")
        form = {"applicant": v.applicant, "agent": v.agent}.get(role)
        if form is not None and name in form.fields:
            return form.fields[name], form.errors[name]
        return None

    def _field_error(self, field: str, text: str, focus: bool = True) -> None:
        target = self._target(field)
        if target is None:
            self.view.message.show_message(text)
            return
        widget, label = target
        mark_error(widget, True)
        label.setText(text)
        label.show()
        if focus:
            widget.setFocus()
            self.view.message.show_message(text)

    def _clear_field(self, field: str) -> None:
        target = self._target(field)
        if target is not None:
            mark_error(target[0], False)
            target[1].setText("")
            target[1].hide()

    def _clear_errors(self) -> None:
        for field in ("item", "materials"):
            self._clear_field(field)
        for role, form in (("applicant", self.view.applicant), ("agent", self.view.agent)):
            for name in form.fields:
                self._clear_field(f"{role}.{name}")
        self.view.message.clear_message()

    def _error(self, exc: BaseException) -> None:
        self.busy = False
        field = field_of(exc)
        text = describe(exc)
        if field and self._target(field) is not None:
            self._field_error(field, text)
        else:
            self.view.message.show_message(text)

    # -- gathering ------------------------------------------------------------------------
    @staticmethod
    def _person(form: PersonForm, relationship: bool) -> Person:
        return Person(
            name=form.name.text(),
            id_type=str(form.id_type.currentData()),
            id_number=form.id_number.text(),
            phone=form.phone.text(),
            address=form.address.text(),
            relationship=form.relationship.currentText() if relationship else "",
        )

    def _snapshot(self) -> _Form | None:
        if self.busy:
            return None
        self._clear_errors()
        if self.item is None and self.pending_case_no is None:
            self._field_error("item", self.tr("请先选择办理事项（Alt+1 搜索）"))
            return None
        applicant = self._person(self.view.applicant, False)
        agent = self._person(self.view.agent, True) if self.view.has_agent.isChecked() else None
        item_code = self.item.code if self.item else None
        if self.pending_who is not None and self.pending_who != (item_code, applicant, agent):
            # The clerk changed the item or the people after the case was registered: the
            # ticks now belong to another application. Never apply them to the old case.
            self._drop_pending()
            return None
        ticks = {
            code: cases.MaterialTick(status, note)
            for code, (status, note) in self.view.materials.statuses().items()
        }
        change = None
        if self.name_change is not None and self.name_change[0] == self._typed_identity():
            change = self.name_change[1]
        return _Form(
            item_code, self.pending_case_no, self.pending_ticks, applicant, agent, ticks, change
        )

    def _typed_identity(self) -> tuple[str, str]:
        a = self.view.applicant
        return a.id_number.text(), a.name.text()

    # -- a known ID number under another name ---------------------------------------------
    def _confirm_name(self, conflict: NameConflict, retry: Callable[[], None]) -> None:
        """Both names side by side; the clerk says which it is and why, then the outcome
        they asked for (F9 / F10 / F11) goes ahead with the confirmation."""
        self.busy = False
        typed = self._typed_identity()
        dialog = FormDialog(
            self.tr("核对申请人姓名"),
            [
                Field(
                    "kind",
                    self.tr("本次属于"),
                    "choice",
                    choices=(
                        ("correction", self.tr("更正：原登记姓名有误")),
                        ("change", self.tr("改名：申请人已依法变更姓名")),
                    ),
                ),
                Field(
                    "reason",
                    self.tr("理由"),
                    "multiline",
                    placeholder=self.tr("如：核对身份证原件，原登记错字；或：户口簿变更页"),
                ),
            ],
            self.view,
            ok_text=self.tr("确认并继续"),
            note=self.tr(
                "该证件号码已登记姓名为“{old}”，本次填写为“{new}”。确认后按新姓名办理；"
                "此前的办件和回执仍保留原姓名。"
            ).format(old=conflict.recorded, new=conflict.typed),
        )

        def submitted(values: dict[str, object]) -> None:
            try:
                change = applicants.check_name_change(
                    NameChange(str(values["kind"]), str(values["reason"]))
                )
            except InvalidInput as exc:
                dialog.show_error(exc.field.removeprefix("name_change."), describe(exc))
                return
            self.name_change = (typed, change)
            dialog.accept()
            self.dialog = None
            retry()

        dialog.submitted.connect(submitted)
        dialog.rejected.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        self.view.message.show_message(describe(conflict))
        dialog.open()

    def _set_pending(self, case_no: str, ticks: dict[str, cases.MaterialTick], who: _Who) -> None:
        self.pending_case_no = case_no
        self.pending_ticks = ticks
        self.pending_who = who

    def _drop_pending(self) -> None:
        """Forget the link to the case registered earlier in this form: it stays on the
        ledger as 已收件 (未受理), and the clerk is told its number."""
        case_no = self.pending_case_no
        self.pending_case_no = None
        self.pending_ticks = {}
        self.pending_who = None
        if case_no is not None:
            self.view.message.show_message(
                self.tr(
                    "事项或申请人已改动：此前登记的 {no} 保留为已收件（未受理），可在工作台处理；"
                    "本次将另行登记，请核对后再按 F9 / F10 / F11。"
                ).format(no=case_no)
            )

    def _failed(
        self, registered: _Registered, retry: Callable[[], None]
    ) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            if isinstance(exc, NameConflict):
                self._confirm_name(exc, retry)
                return
            self._error(exc)
            if registered.case_no is not None and registered.who is not None:
                # The application is on the ledger (收件) even though the step after failed.
                self._set_pending(registered.case_no, registered.ticks, registered.who)
                self.view.message.show_message(
                    self.tr("{msg}（已登记收件 {no}，未受理）").format(
                        msg=describe(exc), no=registered.case_no
                    )
                )

        return failed

    # -- the three outcomes -------------------------------------------------------------
    def accept(self) -> None:
        form = self._snapshot()
        if form is None:
            return
        self.busy = True
        registered = _Registered()

        def op(desk: Desk) -> tuple[str, bool]:
            case_no, complete = _register(desk, form, registered)
            if not complete and form.pending_case_no is None:
                return case_no, False  # registered; the clerk decides: notice or more papers
            cases.accept(desk, case_no)
            return case_no, True

        def done(result: tuple[str, bool]) -> None:
            self.busy = False
            case_no, accepted = result
            if not accepted:
                self._set_pending(case_no, form.ticks, (form.item_code, form.applicant, form.agent))
                self.view.message.show_message(
                    self.tr(
                        "材料不齐，已登记收件 {no}（未受理）。请按 F10 出具一次性告知书，"
                        "或补齐材料后再按 F9 受理。"
                    ).format(no=case_no)
                )
                self.view.materials.setFocus()
                return
            self.printer.print("receipt", case_no)
            self._served(case_no)
            self._finished(self.tr("已受理 {no}，受理回执已送打印。").format(no=case_no))

        def stale(result: tuple[str, bool]) -> None:  # the desk locked meanwhile
            case_no, accepted = result
            if accepted:
                self.printer.miss("receipt", case_no)

        self.session.op(op, done, self._failed(registered, self.accept), (CASES,), on_stale=stale)

    def notice(self) -> None:
        form = self._snapshot()
        if form is None:
            return
        self.busy = True
        registered = _Registered()

        def op(desk: Desk) -> tuple[str, str]:
            case_no, _complete = _register(desk, form, registered)
            return case_no, cases.issue_notice(desk, case_no).notice_no

        def done(result: tuple[str, str]) -> None:
            self.busy = False
            case_no, notice_no = result
            self.printer.print("notice", case_no)
            self._served(case_no)
            self._finished(
                self.tr("已出具一次性告知书 {doc}（办件 {no} 待补正），告知书已送打印。").format(
                    doc=notice_no, no=case_no
                )
            )

        self.session.op(
            op,
            done,
            self._failed(registered, self.notice),
            (CASES,),
            on_stale=lambda result: self.printer.miss("notice", result[0]),
        )

    def reject(self) -> None:
        if self.busy:
            return
        if self.item is None and self.pending_case_no is None:
            self._clear_errors()
            self._field_error("item", self.tr("请先选择办理事项（Alt+1 搜索）"))
            return
        dialog = FormDialog(
            self.tr("不予受理"),
            [
                Field(
                    "reason",
                    self.tr("不予受理理由"),
                    "multiline",
                    placeholder=self.tr("如：申请事项不属于本中心职权范围"),
                ),
                Field(
                    "where_to_go",
                    self.tr("建议办理机关或途径"),
                    placeholder=self.tr("如：米易县不动产登记中心"),
                ),
            ],
            self.view,
            ok_text=self.tr("不予受理并打印通知书"),
            note=self.tr("通知书将载明理由、建议办理途径，以及申请行政复议或提起行政诉讼的权利。"),
        )
        dialog.submitted.connect(self._reject_submitted)
        self.dialog = dialog
        dialog.open()

    def _reject_submitted(self, values: dict[str, object]) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        reason, where = str(values["reason"]), str(values["where_to_go"])
        # Both go on the rejection notice. Check them BEFORE the op: the op registers the
        # application (收件) first, and a refusal after that would leave a received case
        # behind a dialog that said "not rejected".
        try:
            cases.check_rejection(reason, where)
        except InvalidInput as exc:
            dialog.show_error(exc.field, describe(exc))
            return
        form = self._snapshot()
        if form is None:
            if not self.busy:  # the form needs the clerk's attention: say why, here
                dialog.show_error(None, self.view.message.text())
            return
        self.busy = True
        dialog.set_busy(True)
        registered = _Registered()

        def op(desk: Desk) -> str:
            case_no, _complete = _register(desk, form, registered)
            cases.reject(desk, case_no, reason, where)
            return case_no

        def done(case_no: str) -> None:
            self.busy = False
            dialog.accept()
            self.dialog = None
            self.printer.print("rejection", case_no)
            self._served(case_no)
            self._finished(self.tr("已作不予受理 {no}，通知书已送打印。").format(no=case_no))

        def failed(exc: BaseException) -> None:
            if registered.case_no is not None and registered.who is not None:
                self._set_pending(registered.case_no, registered.ticks, registered.who)
            field = field_of(exc)
            if field in dialog.widgets:
                self.busy = False
                dialog.set_busy(False)
                dialog.show_error(field, describe(exc))
                return
            dialog.reject()
            self.dialog = None
            self._failed(registered, self.reject)(exc)

        self.session.op(
            op, done, failed, (CASES,), on_stale=lambda no: self.printer.miss("rejection", no)
        )

    def _served(self, case_no: str) -> None:
        if self.on_served is not None:
            self.on_served("case", case_no, self.item.name if self.item else case_no)

    def _finished(self, text: str) -> None:
        self.reset()
        self.view.message.show_message(text, "ok")
        self.notify(text, "ok")

    def _toggle_agent(self) -> None:
        self.view.has_agent.toggle()
        if self.view.has_agent.isChecked():
            self.view.agent.name.setFocus()

    def reset(self) -> None:
        """Empty the form (after an outcome, on Ctrl+N, and when the desk locks)."""
        v = self.view
        self._clear_errors()
        self.item = None
        self.pending_case_no = None
        self.pending_ticks = {}
        self.pending_who = None
        self.name_change = None
        self.busy = False
        v.item_search.clear()
        v.item_results.clear()
        v.item_info.setText("")
        v.returning.setText("")
        for form in (v.applicant, v.agent):
            for w in (form.name, form.id_number, form.phone, form.address):
                w.clear()
            form.id_type.setCurrentIndex(0)
        v.agent.relationship.setCurrentIndex(-1)
        v.has_agent.setChecked(False)
        v.materials.set_rows([])
        v.item_search.setFocus()
