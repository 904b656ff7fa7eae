"""评价整改 controller: the list of bad ratings still needing someone (from
`app.views.rating_work`, which says which step is next and how the deadline stands) and a form
for each step — verify → rectify → call back, the appeal, and the director's ruling. Who may
do what and in which order is `app.ratings`' rule: this shows what app/ says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QTableWidgetItem

from app import permissions, ratings, views
from app.desk import Desk
from app.errors import PermissionDenied
from app.permissions import Role
from ui.controllers.forms import step_form
from ui.controllers.today import LIGHT_COLOURS
from ui.errors import describe
from ui.session import DeskSession
from ui.views.dialogs import Field, FormDialog
from ui.views.ratings import RatingsView
from ui.worker import DESK, RATINGS

LIGHT_NAMES = {"normal": "绿", "yellow": "黄", "red": "红"}


class RatingsController(QObject):
    def __init__(
        self,
        view: RatingsView,
        session: DeskSession,
        notify: Callable[[str, str], None],
        role: Callable[[], Role | None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.notify = notify
        self.role = role
        self.rows: list[views.RatingWork] = []
        self.dialog: FormDialog | None = None
        self.loaded = False
        view.step_button.clicked.connect(self.next_step)
        view.appeal_button.clicked.connect(self.appeal)
        view.decide_button.clicked.connect(self.decide)
        view.table.itemActivated.connect(lambda _item: self.next_step())
        view.table.itemSelectionChanged.connect(self._selected)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in (("Alt+S", self.appeal), ("Alt+D", self.decide)):
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setContext(scope)
            shortcut.activated.connect(slot)

    # -- the list ---------------------------------------------------------------------------
    def reload(self) -> None:
        def load(desk: Desk) -> tuple[list[views.RatingWork], dt.date]:
            return views.rating_work(desk.conn, desk.today()), desk.today()

        self.session.op(load, self._show, lambda exc: self.notify(describe(exc), "error"))

    def on_changed(self, topics: frozenset[str]) -> None:
        if RATINGS in topics or DESK in topics:
            self.reload()

    def _show(self, result: tuple[list[views.RatingWork], dt.date]) -> None:
        rows, _today = result
        keep = self.current()
        self.rows = rows
        table = self.view.table
        table.setRowCount(len(rows))
        overdue = sum(1 for r in rows if r.deadline is not None and r.deadline.overdue)
        appeals = sum(1 for r in rows if r.appeal_pending)
        self.view.summary.setText(
            self.tr("待办差评 {n} 件 · 整改超期 {late} · 申诉待裁定 {a}").format(
                n=len(rows), late=overdue, a=appeals
            )
        )
        for i, r in enumerate(rows):
            light = QTableWidgetItem("—")
            d = r.deadline
            if d is not None:
                light.setText(f"● {self.tr(LIGHT_NAMES[d.level])} {d.label}")
                light.setBackground(QBrush(QColor(LIGHT_COLOURS[d.level])))
                light.setForeground(QBrush(QColor("black" if d.level == "yellow" else "white")))
            light.setData(Qt.ItemDataRole.UserRole, d.level if d else "none")
            rating = r.rating
            cells = [
                light,
                QTableWidgetItem(rating.rating_no),
                QTableWidgetItem(rating.level_label),
                QTableWidgetItem(
                    f"{ratings.CONTACT_KINDS[rating.contact_kind]} {rating.contact_ref}"
                ),
                QTableWidgetItem(r.staff_name),
                QTableWidgetItem(r.task_label),
                QTableWidgetItem(rating.comment),
            ]
            for col, cell in enumerate(cells):
                table.setItem(i, col, cell)
        if rows:
            numbers = [r.rating.rating_no for r in rows]
            wanted = keep.rating.rating_no if keep else None
            table.selectRow(numbers.index(wanted) if wanted in numbers else 0)
        self._selected()
        role = self.role()
        # The button says what app/ allows; app/ refuses anyway (Alt+D still asks it).
        self.view.decide_button.setEnabled(
            role is not None and permissions.allowed(role, "rating.appeal_decide")
        )
        self.loaded = True

    def current(self) -> views.RatingWork | None:
        row = self.view.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _selected(self) -> None:
        r = self.current()
        if r is None:
            self.view.detail.setText(self.tr("没有待办理的差评。"))
            return
        rating, f = r.rating, r.rating.followup
        lines = [
            self.tr("{no} · {level} · {on} · {who}").format(
                no=rating.rating_no, level=rating.level_label, on=rating.on, who=r.staff_name
            )
        ]
        if f is not None:
            for label, by, note in (
                (self.tr("核实"), f.verified_by, f.verify_note),
                (self.tr("整改"), f.rectified_by, f.rectify_note),
                (self.tr("回访"), f.called_back_by, f.callback_note),
            ):
                if by:
                    lines.append(f"{label}：{note}（{by}）")
        if r.appeal_pending:
            lines.append(
                self.tr("申诉（{kind}）：{reason}").format(
                    kind=ratings.APPEAL_KINDS.get(rating.appeal_kind or "", ""),
                    reason=rating.appeal_reason or "",
                )
            )
        self.view.detail.setText("\n".join(lines))

    # -- the forms ----------------------------------------------------------------------------
    def _form(
        self,
        heading: str,
        fields: list[Field],
        ok_text: str,
        run: Callable[[dict[str, object]], Callable[[Desk], ratings.Rating]],
        told: str,
        note: str = "",
    ) -> None:
        if self.dialog is not None:
            return

        def done(_r: ratings.Rating) -> None:
            self.view.message.show_message(told, "ok")
            self.notify(told, "ok")

        dialog = step_form(
            self.session, self.view.window(), heading, fields, ok_text, run, done, (RATINGS,), note
        )

        def closed(_result: int) -> None:
            self.dialog = None
            self.view.window().activateWindow()
            self.view.table.setFocus()

        dialog.finished.connect(closed)
        self.dialog = dialog

    def _pick(self) -> views.RatingWork | None:
        r = self.current()
        if r is None:
            self.view.message.show_message(self.tr("请先在列表中选择一条差评。"), "error")
        else:
            self.view.message.clear_message()
        return r

    def next_step(self) -> None:
        r = self._pick()
        if r is None:
            return
        step = r.next_step
        if step is None:
            self.view.message.show_message(
                self.tr("评价 {no} 的整改已办结，只待裁定申诉。").format(no=r.rating.rating_no),
                "error",
            )
            return
        no, label = r.rating.rating_no, ratings.STEPS[step]
        fields = [Field("note", self.tr("{step}情况").format(step=label), "multiline")]
        if step == "callback":
            fields.append(
                Field(
                    "satisfied",
                    self.tr("群众意见"),
                    "choice",
                    (("yes", self.tr("对整改结果满意")), ("no", self.tr("仍不满意"))),
                )
            )

        def run(values: dict[str, object]) -> Callable[[Desk], ratings.Rating]:
            note = str(values["note"])
            satisfied = values.get("satisfied") == "yes" if step == "callback" else None
            return lambda desk: ratings.followup_step(desk, no, step, note, satisfied)

        self._form(
            self.tr("{step} — 评价 {no}").format(step=label, no=no),
            fields,
            self.tr("登记{step}").format(step=label),
            run,
            self.tr("已登记评价 {no} 的{step}。").format(no=no, step=label),
            note=self.tr("{level}（{kind} {ref}，被评价人 {who}）：{comment}").format(
                level=r.rating.level_label,
                kind=ratings.CONTACT_KINDS[r.rating.contact_kind],
                ref=r.rating.contact_ref,
                who=r.staff_name,
                comment=r.rating.comment or self.tr("无评价意见"),
            ),
        )

    def appeal(self) -> None:
        r = self._pick()
        if r is None:
            return
        no = r.rating.rating_no

        def run(values: dict[str, object]) -> Callable[[Desk], ratings.Rating]:
            kind, reason = str(values["kind"]), str(values["reason"])
            return lambda desk: ratings.appeal(desk, no, kind, reason)

        self._form(
            self.tr("申诉 — 评价 {no}").format(no=no),
            [
                Field("kind", self.tr("申诉理由"), "choice", tuple(ratings.APPEAL_KINDS.items())),
                Field("reason", self.tr("申诉说明"), "multiline"),
            ],
            self.tr("提出申诉"),
            run,
            self.tr("已对评价 {no} 提出申诉，待中心负责人裁定。").format(no=no),
        )

    def decide(self) -> None:
        r = self._pick()
        if r is None:
            return
        role = self.role()
        if role is None:
            return
        try:
            permissions.require(role, "rating.appeal_decide")
        except PermissionDenied as exc:
            self.view.message.show_message(describe(exc), "error")
            return
        no = r.rating.rating_no

        def run(values: dict[str, object]) -> Callable[[Desk], ratings.Rating]:
            upheld, note = values["upheld"] == "upheld", str(values["note"])
            return lambda desk: ratings.decide_appeal(desk, no, upheld, note)

        self._form(
            self.tr("裁定申诉 — 评价 {no}").format(no=no),
            [
                Field(
                    "upheld",
                    self.tr("裁定"),
                    "choice",
                    (
                        ("rejected", self.tr("申诉不成立：评价保留")),
                        ("upheld", self.tr("申诉成立：该评价不计入统计")),
                    ),
                ),
                Field("note", self.tr("裁定意见"), "multiline"),
            ],
            self.tr("裁定"),
            run,
            self.tr("已裁定评价 {no} 的申诉。").format(no=no),
        )

    def reset(self) -> None:
        """The desk locked: close the form, forget the list."""
        if self.dialog is not None:
            self.dialog.reject()
        self.rows = []
        self.view.table.setRowCount(0)
        self.view.detail.clear()
        self.view.message.clear_message()
        self.loaded = False

    def focus(self) -> None:
        self.view.table.setFocus()
