"""工作台 controller: loads the open cases and the awaiting-correction list when the ledger
changes, fills the table models, filters and sorts; Enter opens a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableWidgetItem

from app import cases, views
from app.cases import OpenCase
from app.desk import Desk
from printing.masking import mask_id_number
from ui.errors import describe
from ui.session import DeskSession
from ui.views.today import TodayView
from ui.worker import CASES, DESK

LIGHT_COLOURS = {"normal": "#4caf50", "yellow": "#ffc107", "red": "#e53935"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
CASE_ROLE = Qt.ItemDataRole.UserRole + 3
COLUMNS = ("light", "case_no", "item", "applicant", "id", "state", "received", "due", "flags")


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = ""
        self.text = ""

    def set_filter(self, state: str, text: str) -> None:
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
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        view.state_filter.addItem(self.tr("全部在办"), "")
        for state in cases.OPEN_STATES:
            view.state_filter.addItem(cases.STATE_LABELS[state], state)
        view.state_filter.currentIndexChanged.connect(self._refilter)
        view.text_filter.textChanged.connect(self._refilter)
        view.table.activated.connect(self._activated)
        view.awaiting.itemActivated.connect(self._awaiting_activated)
        self.rows: list[OpenCase] = []
        self.loaded = False

    # -- loading ---------------------------------------------------------------------
    def on_changed(self, topics: frozenset[str]) -> None:
        if topics & {CASES, DESK}:
            self.reload()

    def reload(self) -> None:
        def load(desk: Desk) -> tuple[list[OpenCase], list[views.AwaitingCorrection], dt.date]:
            today = desk.today()
            return cases.open_cases(desk.conn, today), views.awaiting_correction(desk.conn), today

        self.session.op(load, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.view.message.show_message(describe(exc))

    def _show(self, result: tuple[list[OpenCase], list[views.AwaitingCorrection], dt.date]) -> None:
        rows, awaiting, today = result
        self.rows = rows
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
            due = c.due_on.isoformat() if c.due_on else ""
            if c.due_on and c.due_provisional:
                due += self.tr("（暂定）")
            flag_item = _item("；".join(flags))
            if o.notice_overdue:
                flag_item.setForeground(QBrush(QColor("#b71c1c")))
            self.model.appendRow(
                [
                    light,
                    _item(c.case_no),
                    _item(c.item_name),
                    _item(c.applicant_name),
                    _item(mask_id_number(c.applicant_id_number)),
                    _item(c.state_label),
                    _item(c.received_on.isoformat()),
                    _item(due, c.due_on.isoformat() if c.due_on else "9999"),
                    flag_item,
                ]
            )
        self.view.summary.setText(
            self.tr("{day} 在办 {n} 件 · 红灯 {red} · 黄灯 {yellow} · 告知逾期 {late}").format(
                day=today.isoformat(), n=len(rows), red=red, yellow=yellow, late=overdue_notice
            )
        )
        self._show_awaiting(awaiting, today)
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
                if col == 0 and a.return_by and a.return_by < today:
                    item.setForeground(QBrush(QColor("#b71c1c")))
                table.setItem(i, col, item)
        table.resizeColumnsToContents()
        self.view.awaiting_title.setText(
            self.tr("待补正（等待群众补交材料）：{n} 件").format(n=len(awaiting))
        )

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

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.view.awaiting.setRowCount(0)
        self.loaded = False
