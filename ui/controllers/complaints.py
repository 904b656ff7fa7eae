"""投诉举报 controller: the unfinished complaints with the light of their working-day limit
(`app.views.complaint_work` says which step is next), registering one (anyone at the desk),
and handling and calling back (a director, never about themselves: `app.complaints`' rules,
whose refusals are shown as they are)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from app import complaints, staff, views
from app.desk import Desk
from printing.masking import mask_phone
from ui.controllers.forms import step_form
from ui.controllers.today import LIGHT_COLOURS
from ui.errors import describe
from ui.session import DeskSession
from ui.views.dialogs import Field, FormDialog
from ui.views.ratings import ComplaintsPanel
from ui.worker import COMPLAINTS, DESK

LIGHT_NAMES = {"normal": "绿", "yellow": "黄", "red": "红"}


class ComplaintsController(QObject):
    def __init__(
        self,
        view: ComplaintsPanel,
        session: DeskSession,
        notify: Callable[[str, str], None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.notify = notify
        self.rows: list[views.ComplaintWork] = []
        self.staff: list[tuple[str, str]] = []  # (username, name) for "涉及人员"
        self.dialog: FormDialog | None = None
        self.loaded = False
        view.step_button.clicked.connect(self.next_step)
        view.register_button.clicked.connect(self.register)
        view.table.itemActivated.connect(lambda _item: self.next_step())
        shortcut = QShortcut(QKeySequence("Alt+N"), view.parentWidget() or view)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.register)

    def reload(self) -> None:
        def load(desk: Desk) -> tuple[list[views.ComplaintWork], list[tuple[str, str]]]:
            members = [
                (m.username, m.display_name) for m in staff.list_staff(desk.conn) if m.active
            ]
            return views.complaint_work(desk.conn, desk.today()), members

        self.session.op(load, self._show, lambda exc: self.notify(describe(exc), "error"))

    def on_changed(self, topics: frozenset[str]) -> None:
        if COMPLAINTS in topics or DESK in topics:
            self.reload()

    def _show(self, result: tuple[list[views.ComplaintWork], list[tuple[str, str]]]) -> None:
        rows, self.staff = result
        keep = self.current()
        self.rows = rows
        table = self.view.table
        table.setRowCount(len(rows))
        late = sum(1 for r in rows if r.deadline.overdue)
        self.view.summary.setText(
            self.tr("投诉举报：未办结 {n} 件 · 超期 {late}").format(n=len(rows), late=late)
        )
        for i, r in enumerate(rows):
            c, d = r.complaint, r.deadline
            light = QTableWidgetItem(f"● {self.tr(LIGHT_NAMES[d.level])} {d.label}")
            light.setBackground(QBrush(QColor(LIGHT_COLOURS[d.level])))
            light.setForeground(QBrush(QColor("black" if d.level == "yellow" else "white")))
            light.setData(Qt.ItemDataRole.UserRole, d.level)
            cells = [
                light,
                QTableWidgetItem(c.complaint_no),
                QTableWidgetItem(c.channel_label),
                QTableWidgetItem(r.about_name),
                QTableWidgetItem(mask_phone(c.complainant_phone) if c.complainant_phone else ""),
                QTableWidgetItem(r.task_label),
                QTableWidgetItem(c.content),
            ]
            for col, cell in enumerate(cells):
                table.setItem(i, col, cell)
        if rows:
            numbers = [r.complaint.complaint_no for r in rows]
            wanted = keep.complaint.complaint_no if keep else None
            table.selectRow(numbers.index(wanted) if wanted in numbers else 0)
        self.loaded = True

    def current(self) -> views.ComplaintWork | None:
        row = self.view.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _open(
        self,
        heading: str,
        fields: list[Field],
        ok_text: str,
        run: Callable[[dict[str, object]], Callable[[Desk], complaints.Complaint]],
        told: Callable[[complaints.Complaint], str],
        note: str = "",
    ) -> None:
        if self.dialog is not None:
            return

        def done(c: complaints.Complaint) -> None:
            text = told(c)
            self.view.message.show_message(text, "ok")
            self.notify(text, "ok")

        parent: QWidget = self.view.window()
        dialog = step_form(
            self.session, parent, heading, fields, ok_text, run, done, (COMPLAINTS,), note
        )

        def closed(_result: int) -> None:
            self.dialog = None
            parent.activateWindow()
            self.view.table.setFocus()

        dialog.finished.connect(closed)
        self.dialog = dialog

    def register(self) -> None:
        people = (("", self.tr("（不涉及具体人员）")), *self.staff)

        def run(values: dict[str, object]) -> Callable[[Desk], complaints.Complaint]:
            channel, content = str(values["channel"]), str(values["content"])
            about = str(values["about_staff"]) or None
            name, phone = str(values["name"]), str(values["phone"])
            return lambda desk: complaints.register(
                desk, channel, content, about, complainant_name=name, complainant_phone=phone
            )

        self._open(
            self.tr("登记投诉举报"),
            [
                Field("channel", self.tr("投诉渠道"), "choice", tuple(complaints.CHANNELS.items())),
                Field("content", self.tr("投诉内容"), "multiline"),
                Field("about_staff", self.tr("涉及人员"), "choice", people),
                Field("name", self.tr("投诉人姓名"), placeholder=self.tr("可不填（匿名）")),
                Field("phone", self.tr("投诉人电话"), placeholder=self.tr("可不填；回访需要")),
            ],
            self.tr("登记"),
            run,
            lambda c: self.tr("已登记投诉 {no}，须于 {due} 前办理回访。").format(
                no=c.complaint_no, due=c.due_on
            ),
            note=self.tr("登记后通知中心负责人办理；涉及的工作人员不能办理涉及本人的投诉。"),
        )

    def next_step(self) -> None:
        r = self.current()
        if r is None:
            self.view.message.show_message(self.tr("请先在列表中选择一件投诉。"), "error")
            return
        no = r.complaint.complaint_no
        heading_note = r.complaint.content
        if r.next_step == "handle":

            def handle(values: dict[str, object]) -> Callable[[Desk], complaints.Complaint]:
                handling, result = str(values["handling"]), str(values["result"])
                return lambda desk: complaints.handle(desk, no, handling, result)

            self._open(
                self.tr("办理投诉 {no}").format(no=no),
                [
                    Field("handling", self.tr("办理情况"), "multiline"),
                    Field("result", self.tr("处理结果")),
                ],
                self.tr("登记办理"),
                handle,
                lambda c: self.tr("投诉 {no} 已办理，待回访。").format(no=c.complaint_no),
                note=heading_note,
            )
            return

        def call_back(values: dict[str, object]) -> Callable[[Desk], complaints.Complaint]:
            note, satisfied = str(values["note"]), values["satisfied"] == "yes"
            return lambda desk: complaints.call_back(desk, no, note, satisfied)

        self._open(
            self.tr("回访投诉 {no}").format(no=no),
            [
                Field("note", self.tr("回访情况"), "multiline"),
                Field(
                    "satisfied",
                    self.tr("投诉人意见"),
                    "choice",
                    (("yes", self.tr("满意")), ("no", self.tr("不满意"))),
                ),
            ],
            self.tr("登记回访"),
            call_back,
            lambda c: self.tr("投诉 {no} 已回访办结。").format(no=c.complaint_no),
            note=heading_note,
        )

    def reset(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.rows = []
        self.view.table.setRowCount(0)
        self.view.message.clear_message()
        self.loaded = False
