"""工作台 controller: loads the open cases, the awaiting-correction list, today's appointments
and the window panel (A角/B角, away note, the backup's cover) when the ledger changes; fills
the tables, filters and sorts; Enter opens a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableWidgetItem

from app import cases, deadlines, views
from app.cases import OpenCase
from app.desk import Desk
from app.special_services import SpecialService
from printing.masking import mask_id_number, mask_phone
from ui.errors import describe
from ui.session import DeskSession
from ui.views.today import TodayView
from ui.worker import AWAY, CASES, DESK, SERVICES

LIGHT_COLOURS = {"normal": "#4caf50", "yellow": "#ffc107", "red": "#e53935"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
CASE_ROLE = Qt.ItemDataRole.UserRole + 3
COLUMNS = ("light", "case_no", "item", "applicant", "id", "state", "received", "due", "flags")
COVER_COLOUR = "#0d47a1"
FLAG_COLOUR = "#b35c00"
#: Longest a single-shot timer may wait (QTimer takes an int of milliseconds).
_MAX_TIMER_MS = 2**31 - 1


@dataclass(frozen=True)
class _Board:
    """Everything the board shows, read in one op."""

    rows: list[OpenCase]
    awaiting: list[views.AwaitingCorrection]
    appointments: list[SpecialService]
    post: views.WindowPost
    today: dt.date


def _load(desk: Desk) -> _Board:
    today = desk.today()
    return _Board(
        cases.open_cases(desk.conn, today),
        views.awaiting_correction(desk.conn),
        views.appointments_on(desk.conn, today),
        views.window_post(desk.conn, desk.user.username, desk.profile().desk_no, desk.now()),
        today,
    )


def duration_text(minutes: int) -> str:
    hours, rest = divmod(max(0, minutes), 60)
    tr = QCoreApplication.translate
    if hours and rest:
        return tr("today", "{h} 小时 {m} 分").format(h=hours, m=rest)
    if hours:
        return tr("today", "{h} 小时").format(h=hours)
    return tr("today", "{m} 分钟").format(m=rest)


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = ""
        self.text = ""

    def set_filter(self, state: str, text: str) -> None:
        # Qt 6.10 replaced invalidateRowsFilter with a begin/end pair; 6.9 only has the former.
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            self.state, self.text = state, text.strip()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - PySide6 < 6.10
            self.state, self.text = state, text.strip()
            self.invalidateRowsFilter()

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        first = model.index(source_row, 0, source_parent)
        if self.state and model.data(first, STATE_ROLE) != self.state:
            return False
        if not self.text:
            return True
        cells = (
            str(model.data(model.index(source_row, col, source_parent)) or "")
            for col in range(1, model.columnCount())
        )
        return any(self.text in cell for cell in cells)


def _item(text: str, sort: object = None) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(sort if sort is not None else text, SORT_ROLE)
    return item


class TodayController(QObject):
    def __init__(
        self,
        view: TodayView,
        session: DeskSession,
        open_case: Callable[[str], None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.open_case = open_case
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(
            [
                self.tr("期限灯"),
                self.tr("办件编号"),
                self.tr("事项"),
                self.tr("申请人"),
                self.tr("证件号码"),
                self.tr("状态"),
                self.tr("收件日期"),
                self.tr("承诺办结"),
                self.tr("提示"),
            ]
        )
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        view.table.setModel(self.proxy)
        header = view.table.horizontalHeader()
        header.setStretchLastSection(False)
        from PySide6.QtWidgets import QHeaderView

        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # The item and the notes share what is left; long notes are elided (full in tooltip).
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        view.state_filter.addItem(self.tr("全部在办"), "")
        for state in cases.OPEN_STATES:
            view.state_filter.addItem(cases.STATE_LABELS[state], state)
        view.state_filter.currentIndexChanged.connect(self._refilter)
        view.text_filter.textChanged.connect(self._refilter)
        view.table.activated.connect(self._activated)
        view.awaiting.itemActivated.connect(self._awaiting_activated)
        view.appointments.itemActivated.connect(self._appointment_activated)
        self.rows: list[OpenCase] = []
        self.appointments: list[SpecialService] = []
        self.post: views.WindowPost | None = None
        self.loaded = False
        # An away note turns into an overdue return by the clock, not by an event: one timer
        # at that moment reloads the board (no polling).
        self._overdue_timer = QTimer(self)
        self._overdue_timer.setSingleShot(True)
        self._overdue_timer.timeout.connect(self.reload)

    # -- loading ---------------------------------------------------------------------
    def on_changed(self, topics: frozenset[str]) -> None:
        if topics & {CASES, DESK, AWAY, SERVICES}:  # the board lists today's appointments
            self.reload()

    def reload(self) -> None:
        self.session.op(_load, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.view.message.show_message(describe(exc))

    def _show(self, board: _Board) -> None:
        rows, awaiting, today = board.rows, board.awaiting, board.today
        self.rows = rows
        cover = {c.case_no: board.post.who(c.covered_by) for c in board.post.covered}
        self.view.message.clear_message()
        self.model.removeRows(0, self.model.rowCount())
        red = yellow = overdue_notice = 0
        for o in rows:
            c = o.case
            light = self._light_item(o)
            if o.deadline is not None and o.deadline.level == "red":
                red += 1
            if o.deadline is not None and o.deadline.level == "yellow":
                yellow += 1
            light.setData(c.state, STATE_ROLE)
            light.setData(c.case_no, CASE_ROLE)
            flags = []
            if o.notice_overdue:
                overdue_notice += 1
                flags.append(self.tr("超过5个工作日未告知（§32 视为受理）"))
            if c.notice_late:
                flags.append(self.tr("告知逾期"))
            if c.paused:
                flags.append(self.tr("特别程序中"))
            if c.case_no in cover:
                flags.append(self.tr("由 {name} 代管").format(name=cover[c.case_no]))
            due = c.due_on.isoformat() if c.due_on else ""
            why = ""  # why 暂定, in words true for this date (the tooltip of the due cell)
            if c.due_on and c.due_provisional:
                due += self.tr("（暂定）")
                why = deadlines.provisional_mark(
                    o.deadline.reason if o.deadline else deadlines.PROVISIONAL_FALLBACK
                )
            due_item = _item(due, c.due_on.isoformat() if c.due_on else "9999")
            due_item.setToolTip(why)
            flag_item = _item("；".join(flags))
            flag_item.setToolTip(flag_item.text())
            if o.notice_overdue:
                flag_item.setForeground(QBrush(QColor("#b71c1c")))
            elif c.case_no in cover:
                flag_item.setForeground(QBrush(QColor(COVER_COLOUR)))
            self.model.appendRow(
                [
                    light,
                    _item(c.case_no),
                    _item(c.item_name),
                    _item(c.applicant_name),
                    _item(mask_id_number(c.applicant_id_number)),
                    _item(c.state_label),
                    _item(c.received_on.isoformat()),
                    due_item,
                    flag_item,
                ]
            )
        self.view.summary.setText(
            self.tr("{day} 在办 {n} 件 · 红灯 {red} · 黄灯 {yellow} · 告知逾期 {late}").format(
                day=today.isoformat(), n=len(rows), red=red, yellow=yellow, late=overdue_notice
            )
        )
        self._show_awaiting(awaiting, today)
        self._show_appointments(board.appointments)
        self._show_post(board.post, today)
        self.loaded = True
        if self.view.table.currentIndex().row() < 0 and self.proxy.rowCount():
            self.view.table.selectRow(0)

    def _light_item(self, o: OpenCase) -> QStandardItem:
        d = o.deadline
        if d is None:
            text = self.tr("— 未计时") if not o.notice_overdue else self.tr("● 告知逾期")
            item = _item(text, 100_000)
            if o.notice_overdue:
                item.setBackground(QBrush(QColor(LIGHT_COLOURS["red"])))
                item.setForeground(QBrush(QColor("white")))
            item.setData("none", Qt.ItemDataRole.UserRole)
            return item
        names = {"normal": self.tr("绿"), "yellow": self.tr("黄"), "red": self.tr("红")}
        item = _item(f"● {names[d.level]} {d.label}", d.workdays_left)
        item.setBackground(QBrush(QColor(LIGHT_COLOURS[d.level])))
        item.setForeground(QBrush(QColor("black" if d.level == "yellow" else "white")))
        item.setData(d.level, Qt.ItemDataRole.UserRole)
        return item

    def _show_awaiting(self, awaiting: list[views.AwaitingCorrection], today: dt.date) -> None:
        table = self.view.awaiting
        table.setRowCount(len(awaiting))
        for i, a in enumerate(awaiting):
            due = a.return_by.isoformat() if a.return_by else ""
            cells = [
                due,
                a.case_no,
                a.item_name,
                a.applicant_name,
                mask_id_number(a.applicant_id_number),
                str(a.notice_count),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:  # the item name, elided when long
                    item.setToolTip(text)
                if col == 0 and a.return_by and a.return_by < today:
                    item.setForeground(QBrush(QColor("#b71c1c")))
                table.setItem(i, col, item)
        self.view.awaiting_title.setText(
            self.tr("待补正（等待群众补交材料）：{n} 件").format(n=len(awaiting))
        )

    def _show_appointments(self, booked: list[SpecialService]) -> None:
        self.appointments = booked
        table = self.view.appointments
        table.setRowCount(len(booked))
        for i, a in enumerate(booked):
            marks = []
            if a.after_hours:
                marks.append(self.tr("延时服务"))
            if a.holiday:
                marks.append(self.tr("节假日"))
            if a.case_no:
                marks.append(self.tr("已关联办件"))
            cells = [
                a.time_text or self.tr("全天"),
                a.kind_label,
                a.item_name or (a.address if a.kind == "home_visit" else "") or "—",
                a.citizen_name or "—",
                mask_phone(a.citizen_phone) if a.citizen_phone else "—",
                "、".join(marks),
                a.status_label,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:  # the item name, elided when long
                    item.setToolTip(text)
                if col == 5 and (a.after_hours or a.holiday):
                    item.setForeground(QBrush(QColor(FLAG_COLOUR)))
                table.setItem(i, col, item)
        waiting = sum(1 for a in booked if a.status == "booked")
        self.view.appointments_title.setText(
            self.tr("今日预约与上门服务：{n} 件（待服务 {w}）").format(n=len(booked), w=waiting)
        )

    def _show_post(self, post: views.WindowPost, today: dt.date) -> None:
        self.post = post
        v = self.view
        w = post.window
        if w is None:
            v.window_label.setText(self.tr("本账号未安排窗口（由中心负责人安排 A角、B角）"))
        else:
            v.window_label.setText(
                self.tr("{no}号窗口 {name} · A角 {a} · B角 {b} · 在岗：{seated}").format(
                    no=w.window_no,
                    name=w.name,
                    a=post.who(w.primary_clerk) or self.tr("未安排"),
                    b=post.who(w.backup_clerk) or self.tr("未安排"),
                    seated=post.who(post.seated) or self.tr("暂无人员"),
                )
            )
        note = post.note
        self._overdue_timer.stop()
        if note is None:
            v.away_label.setText(self.tr("无去向留言：窗口人员在岗。"))
            v.set_away_level("")
        else:
            until = (
                f"{note.until:%H:%M}" if note.until.date() == today else f"{note.until:%m-%d %H:%M}"
            )
            handed = len(post.covered_note_cases())
            parts = [
                self.tr("{who} 离岗（{reason}）：{place}").format(
                    who=post.who(note.username), reason=note.reason_label, place=note.place
                ),
                self.tr("{at} 离开，预计 {until} 返回").format(
                    at=f"{note.posted_at:%H:%M}", until=until
                ),
                self.tr("电话 {phone}").format(phone=note.phone),
            ]
            if note.cover:
                parts.append(
                    self.tr("由 {cover} 代岗，代管在办件 {n} 件").format(
                        cover=post.who(note.cover), n=handed
                    )
                )
            if post.overdue:
                parts.append(
                    self.tr("已超时 {late} 未返回").format(late=duration_text(post.minutes_late))
                )
            v.away_label.setText(" · ".join(parts))
            v.set_away_level("overdue" if post.overdue else "away")
            if not post.overdue and post.overdue_at is not None:
                wait = post.overdue_at - self.session.clock()
                ms = int(wait.total_seconds() * 1000) + 1000
                self._overdue_timer.start(max(1000, min(ms, _MAX_TIMER_MS)))
        v.away_button.setText(
            self.tr("登记返回（F6）") if post.user_away else self.tr("去向留言（F6）")
        )
        v.sign_button.setEnabled(note is not None)

    def sign_user(self) -> tuple[str, str] | None:
        """Whose away sign F7 prints (user name, 姓名): the note the board shows."""
        if self.post is None or self.post.note is None:
            return None
        username = self.post.note.username
        return username, self.post.who(username)

    # -- clerk actions -----------------------------------------------------------------
    def _refilter(self) -> None:
        self.proxy.set_filter(
            str(self.view.state_filter.currentData() or ""), self.view.text_filter.text()
        )

    def _activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        case_no = self.model.data(self.model.index(source.row(), 0), CASE_ROLE)
        if case_no:
            self.open_case(str(case_no))

    def _awaiting_activated(self, item: QTableWidgetItem) -> None:
        cell = self.view.awaiting.item(item.row(), 1)
        if cell is not None:
            self.open_case(cell.text())

    def _appointment_activated(self, item: QTableWidgetItem) -> None:
        if 0 <= item.row() < len(self.appointments):
            case_no = self.appointments[item.row()].case_no
            if case_no:
                self.open_case(case_no)

    def visible_rows(self) -> list[dict[str, str]]:
        """What the clerk sees, row by row (tests and screenshots)."""
        out = []
        for r in range(self.proxy.rowCount()):
            row = {
                name: str(self.proxy.data(self.proxy.index(r, col)) or "")
                for col, name in enumerate(COLUMNS)
            }
            row["level"] = str(self.proxy.data(self.proxy.index(r, 0), Qt.ItemDataRole.UserRole))
            out.append(row)
        return out

    def appointment_rows(self) -> list[list[str]]:
        """The appointments table as the clerk sees it (tests and screenshots)."""
        table = self.view.appointments
        return [
            [_text(table.item(r, c)) for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.view.awaiting.setRowCount(0)
        self.view.appointments.setRowCount(0)
        self.view.window_label.clear()
        self.view.away_label.clear()
        self.view.set_away_level("")
        self._overdue_timer.stop()
        self.post = None
        self.appointments = []
        self.loaded = False
