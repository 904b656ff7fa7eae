"""去向留言 controller: F6 posts an away note (where, why, back when, phone, who covers) or, when
the clerk is already away, registers the return; F7 prints the away sign of the note the board
shows. The rules (a cover is needed, the return must be later, the backup may not be away
too...) are `app.away`'s: this gathers what was typed and shows what app/ says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app import away, views
from app.desk import Desk
from db.ledger import CHINA_TZ
from ui.controllers.today import duration_text
from ui.errors import describe, field_of
from ui.session import DeskSession
from ui.slips import SlipPrinter
from ui.views.dialogs import Field, FormDialog
from ui.worker import AWAY

#: The expected return offered by default: this long from now, on a 10-minute mark.
DEFAULT_AWAY = dt.timedelta(hours=1)


def default_return(now: dt.datetime) -> dt.datetime:
    later = (now + DEFAULT_AWAY).replace(second=0, microsecond=0)
    return later + dt.timedelta(minutes=(-later.minute) % 10)


class AwayController(QObject):
    def __init__(
        self,
        parent: QWidget,
        session: DeskSession,
        printer: SlipPrinter,
        notify: Callable[[str, str], None],
        sign_user: Callable[[], tuple[str, str] | None],
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.session = session
        self.printer = printer
        self.notify = notify
        self.sign_user = sign_user
        self.dialog: FormDialog | None = None
        self._opening = False

    # -- F6 ------------------------------------------------------------------------------
    def toggle(self) -> None:
        """Post a note, or register the return if the clerk at the keyboard is away."""
        if self._opening or self.dialog is not None:
            return
        self._opening = True

        def load(desk: Desk) -> tuple[views.AwayForm, away.AwayNote | None, dt.datetime]:
            me = desk.user.username
            return views.away_form(desk.conn, me), away.current_note(desk.conn, me), desk.now()

        def loaded(result: tuple[views.AwayForm, away.AwayNote | None, dt.datetime]) -> None:
            self._opening = False  # (after a lock the session drops this: not shown)
            form, note, now = result
            if note is not None:
                self._confirm_return(note, now)
            else:
                self._post_dialog(form)

        def failed(exc: BaseException) -> None:
            self._opening = False
            self.notify(describe(exc), "error")

        self.session.op(load, loaded, failed)

    def _post_dialog(self, form: views.AwayForm) -> None:
        names = {c.username: c.name for c in form.colleagues}
        covers: list[tuple[str, str]] = [("", self.tr("（不指定）"))]
        for c in form.colleagues:
            label = c.name
            if c.username == form.backup:
                label = self.tr("{name}（本窗口B角）").format(name=c.name)
            elif c.away:
                label = self.tr("{name}（离岗中）").format(name=c.name)
            covers.append((c.username, label))
        if form.backup:
            cover_note = self.tr("默认由本窗口B角 {name} 代岗").format(
                name=names.get(form.backup, form.backup)
            )
        else:
            cover_note = self.tr("您不是窗口A角：名下有在办件时请指定代岗同事")
        dialog = FormDialog(
            self.tr("去向留言"),
            [
                Field("place", self.tr("去向"), placeholder=self.tr("如：双沟村入户核查")),
                Field("reason", self.tr("事由"), "choice", tuple(away.REASONS.items())),
                Field(
                    "until",
                    self.tr("预计返回"),
                    "datetime",
                    default=default_return(self.session.clock().astimezone(CHINA_TZ))
                    .replace(tzinfo=None)
                    .isoformat(timespec="minutes"),
                ),
                Field("phone", self.tr("联系电话"), default=form.phone),
                Field("cover", self.tr("代岗同事"), "choice", tuple(covers), form.backup or ""),
                Field("note", self.tr("备注"), placeholder=self.tr("可不填")),
            ],
            self.parent_widget,
            ok_text=self.tr("登记离岗"),
            note=self.tr(
                "{cover}；您名下在办件 {n} 件将由代岗同事代管，登记返回后交回。"
                "去向留言显示在工作台，可按 F7 打印去向留言牌。"
            ).format(cover=cover_note, n=form.open_cases),
        )
        dialog.submitted.connect(self._post_submitted)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _post_submitted(self, values: dict[str, object]) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        until = values["until"]
        assert isinstance(until, dt.datetime)
        cover = str(values["cover"] or "") or None
        reason, place = str(values["reason"]), str(values["place"])
        phone, note = str(values["phone"]), str(values["note"])
        dialog.set_busy(True)

        def op(desk: Desk) -> away.AwayNote:
            return away.post(
                desk, reason, place, until.replace(tzinfo=CHINA_TZ), phone, note, cover=cover
            )

        def done(posted: away.AwayNote) -> None:
            dialog.set_busy(False)
            dialog.accept()
            text = self.tr("已登记去向留言 {no}：{place}，预计 {until} 返回").format(
                no=posted.note_no, place=posted.place, until=f"{posted.until:%H:%M}"
            )
            if posted.cover:
                text += self.tr("；代岗同事已收到通知")
            self.notify(text + self.tr("。按 F7 可打印去向留言牌。"), "ok")

        def failed(exc: BaseException) -> None:
            dialog.set_busy(False)
            field = field_of(exc)
            dialog.show_error(field if field in dialog.widgets else None, describe(exc))

        self.session.op(op, done, failed, (AWAY,))

    # -- the return ------------------------------------------------------------------------
    def _confirm_return(self, note: away.AwayNote, now: dt.datetime) -> None:
        dialog = FormDialog(
            self.tr("登记返回"),
            [],
            self.parent_widget,
            ok_text=self.tr("已返回窗口"),
            note=self.tr(
                "{reason}：{place}，{at} 离开，预计 {until} 返回，已离岗 {d}。\n"
                "确认已回到窗口？去向留言结束，代岗同事交回在办件。"
            ).format(
                reason=note.reason_label,
                place=note.place,
                at=f"{note.posted_at:%H:%M}",
                until=f"{note.until:%H:%M}",
                d=duration_text(note.minutes_away(now)),
            ),
        )
        dialog.submitted.connect(self._return_submitted)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _return_submitted(self, _values: dict[str, object]) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        dialog.set_busy(True)

        def done(note: away.AwayNote) -> None:
            dialog.set_busy(False)
            dialog.accept()
            returned = note.returned_at or note.until
            self.notify(
                self.tr("已登记返回，离岗 {d}；代岗结束。").format(
                    d=duration_text(note.minutes_away(returned))
                ),
                "ok",
            )

        def failed(exc: BaseException) -> None:
            dialog.set_busy(False)
            dialog.show_error(None, describe(exc))

        self.session.op(lambda desk: away.come_back(desk), done, failed, (AWAY,))

    def reset(self) -> None:
        """The desk locked: close the dialog, forget a form still loading."""
        self._opening = False
        if self.dialog is not None:
            self.dialog.reject()

    def _closed(self, _result: int) -> None:
        self.dialog = None
        # Back to the desk window, so F2…F7 work again at once (some platforms leave no
        # window active when a modal dialog closes).
        self.parent_widget.activateWindow()

    # -- F7 --------------------------------------------------------------------------------
    def print_sign(self) -> None:
        who = self.sign_user()
        if who is None:
            self.notify(self.tr("当前没有去向留言，无需打印去向留言牌。"), "error")
            return
        self.printer.print_away_sign(*who)
