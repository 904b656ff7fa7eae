"""群众评价屏 controller: keeps the citizen-facing window up to date (the staff card of the
person at the keyboard, the window's away note, the item being handled) and, once a service
is done, offers the five rating buttons; a rating made there is linked to that service (the
case or consultation just served) through `app.ratings.rate` — 一次一评 and the follow-up of
a bad rating are app/'s rules. Only item names reach this screen, never a citizen's data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut

from app import ratings, views
from app.desk import Desk
from ui.errors import describe
from ui.session import DeskSession
from ui.views.citizen import CitizenScreenView
from ui.worker import AWAY, DESK, RATINGS


class CitizenController(QObject):
    def __init__(
        self,
        view: CitizenScreenView,
        session: DeskSession,
        notify: Callable[[str, str], None],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = session
        self.notify = notify
        #: The service the buttons rate: (contact kind, reference), or None.
        self.contact: tuple[str, str] | None = None
        self.busy = False
        for level, button in view.buttons.items():
            button.clicked.connect(lambda _checked=False, n=level: self.rate(n))
            shortcut = QShortcut(QKeySequence(str(level)), view)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=level: self.rate(n))
        self.clear()

    def place(self) -> None:
        """On the second screen when there is one (the monitor facing the citizen), full
        screen there; otherwise a normal window the clerk can move."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.view.setScreen(screens[1])
            self.view.setGeometry(screens[1].availableGeometry())
            self.view.showFullScreen()
        else:
            self.view.show()

    # -- what is shown --------------------------------------------------------------------
    def refresh(self) -> None:
        def load(desk: Desk) -> views.CitizenScreen:
            return views.citizen_screen(
                desk.conn, desk.user.username, desk.profile().desk_no, desk.now()
            )

        self.session.op(load, self._show, lambda exc: self.notify(describe(exc), "error"))

    def _show(self, screen: views.CitizenScreen) -> None:
        v = self.view
        v.window_label.setText(screen.window_label)
        v.name.setText(screen.staff_name)
        v.post.setText(screen.post)
        v.unit.setText(screen.unit)
        v.phone.setText(self.tr("监督电话：{p}").format(p=screen.phone) if screen.phone else "")
        v.show_photo(screen.photo)
        v.away.setText(screen.away_text)
        v.away.setVisible(bool(screen.away_text))
        if self.contact is None and v.message.text() == self.tr("窗口暂停服务，请稍候"):
            v.message.clear_message()

    def handling(self, item_name: str, new_service: bool = False) -> None:
        """The item the clerk is working on (only its name: the catalogue is public). A new
        service (an item picked at intake) withdraws a rating not given: the next citizen
        must not rate the previous one's service."""
        if new_service:
            self.contact = None
            self.view.rating.hide()
        if self.contact is None:
            self.view.message.clear_message()
            self.view.handling.setText(self.tr("正在办理：{item}").format(item=item_name))

    def served(self, kind: str, ref: str, subject: str) -> None:
        """A service is done: the citizen may rate it now."""
        self.contact = (kind, ref)
        v = self.view
        v.handling.setText(self.tr("本次服务：{subject}").format(subject=subject))
        v.comment.clear()
        v.message.clear_message()
        v.rating.show()

    def on_changed(self, topics: frozenset[str]) -> None:
        if AWAY in topics or DESK in topics:
            self.refresh()

    def clear(self) -> None:
        """The desk is locked: a blank card, no pending rating."""
        self.contact = None
        self.busy = False
        v = self.view
        for label in (v.window_label, v.name, v.post, v.unit, v.phone, v.handling, v.away):
            label.clear()
        v.away.hide()
        v.show_photo(None)
        v.rating.hide()
        v.comment.clear()
        v.message.show_message(self.tr("窗口暂停服务，请稍候"), "info")

    # -- the rating -------------------------------------------------------------------------
    def rate(self, level: int) -> None:
        if self.contact is None or self.busy or not self.view.rating.isVisible():
            return
        kind, ref = self.contact
        comment = self.view.comment.text()
        self.busy = True

        def op(desk: Desk) -> ratings.Rating:
            return ratings.rate(desk, kind, ref, level, "screen", comment)

        def done(r: ratings.Rating) -> None:
            self.busy = False
            self.contact = None
            v = self.view
            v.rating.hide()
            v.comment.clear()
            v.handling.clear()
            v.message.show_message(self.tr("谢谢您的评价！"), "ok")
            text = self.tr("群众评价 {no}：{level}").format(no=r.rating_no, level=r.level_label)
            if r.followup is not None:
                text += self.tr("，须于 {due} 前核实、整改、回访").format(due=r.followup.due_on)
            self.notify(text, "error" if r.bad else "ok")

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.view.message.show_message(describe(exc), "error")

        self.session.op(op, done, failed, (RATINGS,))
