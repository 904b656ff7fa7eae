"""特色服务 controller: the list from `app.views.special_work` (its lights are app/'s), a form
to record a service or book one, and a form to close a booking (done with its outcome, no
show, cancelled). Which fields a kind needs, how far ahead one may book and when a booking
can be closed are `app.special_services`' rules, told in the form when broken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from app import special_services, views
from app.desk import Desk
from app.special_services import SpecialService
from printing.masking import mask_phone
from ui.controllers.forms import step_form
from ui.controllers.today import LIGHT_COLOURS
from ui.errors import describe
from ui.session import DeskSession
from ui.views.dialogs import Field, FormDialog
from ui.views.services import ServicesView
from ui.worker import DESK, SERVICES

LIGHT_TEXT = {"red": "● 红 逾期未处理", "yellow": "● 黄 今日", "normal": "● 绿 待服务"}


class ServicesController(QObject):
    def __init__(
        self, view: ServicesView, session: DeskSession, notify: Callable[[str, str], None]
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.notify = notify
        self.rows: list[views.ServiceWork] = []
        self.dialog: FormDialog | None = None
        self.loaded = False
        view.close_button.clicked.connect(self.close_booking)
        view.record_button.clicked.connect(self.record)
        view.table.itemActivated.connect(lambda _item: self.close_booking())
        shortcut = QShortcut(QKeySequence("Alt+N"), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.record)

    def reload(self) -> None:
        self.session.op(
            lambda desk: views.special_work(desk.conn, desk.today()),
            self._show,
            lambda exc: self.notify(describe(exc), "error"),
        )

    def on_changed(self, topics: frozenset[str]) -> None:
        if SERVICES in topics or DESK in topics:
            self.reload()

    def _show(self, rows: list[views.ServiceWork]) -> None:
        keep = self.current()
        self.rows = rows
        table = self.view.table
        table.setRowCount(len(rows))
        booked = sum(1 for r in rows if r.service.status == "booked")
        late = sum(1 for r in rows if r.light == "red")
        self.view.summary.setText(
            self.tr("特色服务 {n} 件 · 待服务 {b} · 逾期未处理 {late}").format(
                n=len(rows), b=booked, late=late
            )
        )
        for i, r in enumerate(rows):
            s = r.service
            light = QTableWidgetItem(self.tr(LIGHT_TEXT[r.light]) if r.light else "—")
            if r.light:
                light.setBackground(QBrush(QColor(LIGHT_COLOURS[r.light])))
                light.setForeground(QBrush(QColor("black" if r.light == "yellow" else "white")))
            light.setData(Qt.ItemDataRole.UserRole, r.light)
            cells = [
                light,
                QTableWidgetItem(s.on.isoformat()),
                QTableWidgetItem(s.time_text),
                QTableWidgetItem(s.kind_label),
                QTableWidgetItem(s.item_name),
                QTableWidgetItem(s.citizen_name),
                QTableWidgetItem(mask_phone(s.citizen_phone) if s.citizen_phone else ""),
                QTableWidgetItem(special_services.GROUPS[s.group]),
                QTableWidgetItem(r.marks),
                QTableWidgetItem(s.status_label),
                QTableWidgetItem(s.outcome),
            ]
            for col, cell in enumerate(cells):
                table.setItem(i, col, cell)
        if rows:
            numbers = [r.service.service_no for r in rows]
            wanted = keep.service.service_no if keep else None
            table.selectRow(numbers.index(wanted) if wanted in numbers else 0)
        self.loaded = True

    def current(self) -> views.ServiceWork | None:
        row = self.view.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _open(
        self,
        heading: str,
        fields: list[Field],
        ok_text: str,
        run: Callable[[dict[str, object]], Callable[[Desk], SpecialService]],
        told: Callable[[SpecialService], str],
        note: str = "",
    ) -> None:
        if self.dialog is not None:
            return

        def done(s: SpecialService) -> None:
            text = told(s)
            self.view.message.show_message(text, "ok")
            self.notify(text, "ok")

        parent: QWidget = self.view.window()
        dialog = step_form(
            self.session, parent, heading, fields, ok_text, run, done, (SERVICES,), note
        )

        def closed(_result: int) -> None:
            self.dialog = None
            parent.activateWindow()
            self.view.table.setFocus()

        dialog.finished.connect(closed)
        self.dialog = dialog

    def record(self) -> None:
        today = self.session.clock().date()

        def run(values: dict[str, object]) -> Callable[[Desk], SpecialService]:
            kind, group = str(values["kind"]), str(values["group"])
            on = values["on"]
            assert isinstance(on, dt.date)
            time = str(values["time"])
            name, phone = str(values["name"]), str(values["phone"])
            agent, address = str(values["agent"]), str(values["address"])
            after_hours, note = bool(values["after_hours"]), str(values["note"])
            outcome = str(values["outcome"])
            return lambda desk: special_services.record(
                desk,
                kind,
                on=on,
                time=time,
                citizen_name=name,
                citizen_phone=phone,
                group=group,
                agent=agent,
                address=address,
                after_hours=after_hours,
                note=note,
                outcome=outcome,
            )

        self._open(
            self.tr("登记特色服务"),
            [
                Field("kind", self.tr("服务类别"), "choice", tuple(special_services.KINDS.items())),
                Field("on", self.tr("服务日期"), "date", default=today.isoformat()),
                Field("time", self.tr("时间"), placeholder=self.tr("HH:MM，预约必填")),
                Field("name", self.tr("群众姓名"), placeholder=self.tr("可不填")),
                Field("phone", self.tr("联系电话"), placeholder=self.tr("可不填")),
                Field(
                    "group",
                    self.tr("服务对象"),
                    "choice",
                    tuple(special_services.GROUPS.items()),
                    "other",
                ),  # fmt: skip
                Field("agent", self.tr("代办（帮办）人"), placeholder=self.tr("代办、帮办必填")),
                Field("address", self.tr("地址"), placeholder=self.tr("上门服务必填")),
                Field(
                    "after_hours",
                    self.tr("延时服务"),
                    "check",
                    placeholder=self.tr("在工作时间以外提供"),
                ),
                Field("note", self.tr("备注")),
                Field(
                    "outcome", self.tr("服务结果"), placeholder=self.tr("已完成的填写；预约留空")
                ),
            ],
            self.tr("登记"),
            run,
            lambda s: self.tr("已登记{kind} {no}（{status}）。").format(
                kind=s.kind_label, no=s.service_no, status=s.status_label
            ),
        )

    def close_booking(self) -> None:
        r = self.current()
        if r is None:
            self.view.message.show_message(self.tr("请先在列表中选择一项服务。"), "error")
            return
        s = r.service
        if s.status != "booked":
            self.view.message.show_message(
                self.tr("{no} 已是“{status}”。").format(no=s.service_no, status=s.status_label),
                "error",
            )
            return
        no = s.service_no
        statuses = tuple((k, v) for k, v in special_services.STATUSES.items() if k != "booked")

        def run(values: dict[str, object]) -> Callable[[Desk], SpecialService]:
            status, outcome = str(values["status"]), str(values["outcome"])
            return lambda desk: special_services.update(desk, no, status, outcome)

        self._open(
            self.tr("服务结果 — {kind} {no}").format(kind=s.kind_label, no=no),
            [
                Field("status", self.tr("结果"), "choice", statuses),
                Field("outcome", self.tr("服务情况"), "multiline"),
            ],
            self.tr("登记"),
            run,
            lambda done: self.tr("{no} 已登记为“{status}”。").format(
                no=done.service_no, status=done.status_label
            ),
            note=self.tr("{on} {time} {item}").format(on=s.on, time=s.time_text, item=s.item_name),
        )

    def reset(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.rows = []
        self.view.table.setRowCount(0)
        self.view.message.clear_message()
        self.loaded = False

    def focus(self) -> None:
        self.view.table.setFocus()
