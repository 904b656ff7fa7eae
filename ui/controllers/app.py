"""The desk controller: which page shows, unlock and lock, auto-lock, scan anywhere,
shortcuts, and routing change summaries to the screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from app import cases
from app.demo import DEMO_PASSPHRASE, create_demo_ledger
from app.desk import Clock
from app.errors import InvalidInput
from db.errors import (
    AuthenticationFailed,
    DiskFull,
    KeySlotDamaged,
    KeysMissing,
    LedgerBusy,
    LedgerDamaged,
    LedgerMissing,
    LedgerProblem,
    LedgerTooNew,
    NotALedger,
    ReadOnlyStorage,
    StorageError,
    TryLater,
    WrongPassphrase,
)
from db.ledger import now_in_china
from ui import paths
from ui.activity import IdleWatch
from ui.controllers.away import AwayController
from ui.controllers.case import CaseController
from ui.controllers.citizen import CitizenController
from ui.controllers.complaints import ComplaintsController
from ui.controllers.consult import ConsultController
from ui.controllers.intake import IntakeController
from ui.controllers.ratings import RatingsController
from ui.controllers.services import ServicesController
from ui.controllers.setup import SetupController
from ui.controllers.today import TodayController
from ui.errors import chinese, describe
from ui.prefs import Prefs
from ui.scan import ScanDetector
from ui.session import DeskInfo, DeskSession
from ui.slips import QtSlipOutput, SlipOutput, SlipPrinter
from ui.threads import GuiCollector
from ui.views.citizen import CitizenScreenView
from ui.views.dialogs import Field, FormDialog
from ui.views.main_window import MainWindowView
from ui.views.setup_wizard import SetupWizardView
from ui.views.widgets import FieldError, mark_error
from ui.worker import DbWorker

PAGE_WELCOME, PAGE_UNLOCK, PAGE_DESK = 0, 1, 2
TAB_TODAY, TAB_INTAKE, TAB_CASE, TAB_RATINGS, TAB_SERVICES = 0, 1, 2, 3, 4
DEMO_USER = "liuyang"


class DeskController(QObject):
    def __init__(
        self,
        window: MainWindowView,
        ledger_path: Path,
        prefs: Prefs | None = None,
        clock: Clock = now_in_china,
        slip_output: SlipOutput | None = None,
        scan_gap_ms: int = 40,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ledger_path = ledger_path
        self.path = ledger_path  # the ledger being unlocked: the desk's own, or the demo
        self.prefs = prefs or Prefs()
        self.worker = DbWorker(self)
        # No collection on the worker thread while the desk is open (ui/threads.py).
        self.collector = GuiCollector(self)
        self.collector.install()
        self.worker.went_idle.connect(self.collector.collect_if_due)
        self.session = DeskSession(self.worker, clock)
        self.info: DeskInfo | None = None
        self.setup: SetupController | None = None
        self.dialog: FormDialog | None = None
        self.printer = SlipPrinter(
            self.session,
            slip_output or QtSlipOutput(window, self.prefs),
            self.prefs,
            lambda exc: self.notify(describe(exc), "error"),
        )
        self.today = TodayController(window.today, self.session, self.open_case)
        self.intake = IntakeController(window.intake, self.session, self.printer, self.notify)
        self.case = CaseController(window.case, self.session, self.printer, self.notify)
        self.away = AwayController(
            window, self.session, self.printer, self.notify, self.today.sign_user
        )
        self.consult = ConsultController(window, self.session, self.printer, self.notify)
        # The citizen's monitor: a top-level window of its own (no parent: it lives on the
        # other screen), closed with the desk.
        self.citizen_view = CitizenScreenView()
        self.citizen = CitizenController(self.citizen_view, self.session, self.notify)
        self.intake.on_handling = lambda name: self.citizen.handling(name, new_service=True)
        self.case.on_handling = self.citizen.handling
        self.intake.on_served = self.citizen.served
        self.consult.on_served = self.citizen.served
        self.ratings = RatingsController(
            window.ratings,
            self.session,
            self.notify,
            lambda: self.info.user.role if self.info else None,
        )
        self.complaints = ComplaintsController(window.ratings.complaints, self.session, self.notify)
        self.services = ServicesController(window.services, self.session, self.notify)
        self.worker.changed.connect(self._changed)
        self.worker.failed.connect(lambda exc: self.notify(describe(exc), "error"))

        app = QApplication.instance()
        assert app is not None
        self.scan = ScanDetector(scan_gap_ms, self)
        self.scan.scanned.connect(self.on_scan)
        self.scan.foreign.connect(
            lambda _text: self.notify(self.tr("扫描的条码不是办件编号，已忽略。"), "error")
        )
        self.idle = IdleWatch(int(self.prefs.autolock_minutes * 60_000), self)
        self.idle.idle.connect(self.auto_lock)
        app.installEventFilter(self.scan)
        app.installEventFilter(self.idle)

        w = window
        w.welcome.setup_button.clicked.connect(self.start_setup)
        w.welcome.demo_button.clicked.connect(self.open_demo)
        w.unlock.unlock_button.clicked.connect(self.unlock)
        w.unlock.passphrase.returnPressed.connect(self.unlock)
        w.unlock.user.returnPressed.connect(w.unlock.passphrase.setFocus)
        w.unlock.back_button.clicked.connect(self.show_welcome)
        w.lock_button.clicked.connect(self.lock)
        w.find_box.returnPressed.connect(self._find)
        w.today.away_button.clicked.connect(self.away_note)
        w.today.sign_button.clicked.connect(self.print_away_sign)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(lambda: w.unlock.unlock_button.setEnabled(True))
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(10_000)
        self._notice_timer.timeout.connect(w.notice.clear_message)
        window_scope = Qt.ShortcutContext.WindowShortcut
        for key, slot in (
            ("Ctrl+L", self.lock),
            ("F2", lambda: self.show_tab(TAB_TODAY)),
            ("F3", lambda: self.show_tab(TAB_INTAKE)),
            ("F4", lambda: self.show_tab(TAB_CASE)),
            ("F5", lambda: self.show_tab(TAB_RATINGS)),
            ("Ctrl+Y", lambda: self.show_tab(TAB_SERVICES)),
            ("Ctrl+F", self._focus_find),
            ("Ctrl+,", self.open_settings),
            ("F6", self.away_note),
            ("F7", self.print_away_sign),
            ("F8", self.consultation),
            ("F12", self.invite_rating),
        ):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(window_scope)
            shortcut.activated.connect(slot)

    # -- pages -------------------------------------------------------------------------
    @property
    def unlocked(self) -> bool:
        return self.info is not None

    def start(self) -> None:
        if self.ledger_path.exists():
            self.show_unlock(self.ledger_path, self.prefs.last_user)
        else:
            self.show_welcome()

    def show_welcome(self) -> None:
        w = self.window
        w.show_desk_chrome(False)
        w.centre_label.setText(self.tr("便民窗口台账"))
        w.welcome.path_label.setText(
            self.tr("本机尚无台账。台账将保存在：{path}").format(path=self.ledger_path)
        )
        w.pages.setCurrentIndex(PAGE_WELCOME)
        w.welcome.setup_button.setFocus()

    def show_unlock(
        self, path: Path, user: str = "", passphrase: str = "", demo: bool = False
    ) -> None:
        w, u = self.window, self.window.unlock
        self.path = path
        w.show_desk_chrome(False)
        u.path_label.setText(self.tr("台账文件：{path}").format(path=path))
        u.centre_label.setText(self.tr("演示台账（攀莲镇便民服务中心，虚构数据）") if demo else "")
        u.centre_label.setVisible(demo)
        u.problem.hide()
        u.message.clear_message()
        for field, label in ((u.user, u.user_error), (u.passphrase, u.passphrase_error)):
            mark_error(field, False)
            label.show_error("")
        u.user.setText(user)
        u.passphrase.setText(passphrase)
        u.demo_hint.setText(
            self.tr(
                "演示账号：liuyang、chenjing（窗口），zhaomin（负责人），admin；口令均为 {p}"
            ).format(p=DEMO_PASSPHRASE)
        )
        u.demo_hint.setVisible(demo)
        u.back_button.setVisible(path != self.ledger_path or not self.ledger_path.exists())
        w.pages.setCurrentIndex(PAGE_UNLOCK)
        (u.passphrase if user else u.user).setFocus()

    def show_tab(self, index: int) -> None:
        if not self.unlocked:
            return
        w = self.window
        w.tabs.setCurrentIndex(index)
        if index == TAB_TODAY:
            w.today.table.setFocus()
        elif index == TAB_INTAKE:
            if not w.intake.item_search.text():
                w.intake.item_search.setFocus()
        elif index == TAB_CASE:
            w.case.setFocus()
        elif index == TAB_RATINGS:
            self.ratings.focus()
        elif index == TAB_SERVICES:
            self.services.focus()

    # -- set-up and demo -----------------------------------------------------------------
    def start_setup(self) -> None:
        wizard = SetupWizardView(self.window)
        self.setup = SetupController(
            wizard, self.session, self.ledger_path, self._set_up_done, self.show_welcome
        )
        wizard.open()

    def _set_up_done(self, info: DeskInfo) -> None:
        self.setup = None
        self.path = info.path
        self._unlocked(info)

    def open_demo(self) -> None:
        demo = paths.demo_ledger_path(self.ledger_path)
        if demo.exists():
            self.show_unlock(demo, DEMO_USER, DEMO_PASSPHRASE, demo=True)
            return
        welcome = self.window.welcome
        welcome.message.show_message(self.tr("正在生成演示台账（约需几秒）……"), "info")
        welcome.demo_button.setEnabled(False)

        def make() -> str:
            demo.parent.mkdir(parents=True, exist_ok=True)
            return create_demo_ledger(demo, clock=self.session.clock)

        def done(_summary: str) -> None:
            welcome.demo_button.setEnabled(True)
            welcome.message.clear_message()
            self.show_unlock(demo, DEMO_USER, DEMO_PASSPHRASE, demo=True)

        def failed(exc: BaseException) -> None:
            welcome.demo_button.setEnabled(True)
            welcome.message.show_message(describe(exc))

        self.worker.submit(make, done, failed)

    # -- unlock / lock -------------------------------------------------------------------
    def unlock(self) -> None:
        u = self.window.unlock
        if not u.unlock_button.isEnabled():
            return
        user, passphrase = u.user.text().strip(), u.passphrase.text()
        for field, label in ((u.user, u.user_error), (u.passphrase, u.passphrase_error)):
            mark_error(field, False)
            label.show_error("")
        u.message.clear_message()
        u.problem.hide()
        if not user:
            self._unlock_field(u.user, u.user_error, self.tr("请输入用户名"))
            return
        if not passphrase:
            self._unlock_field(u.passphrase, u.passphrase_error, self.tr("请输入口令"))
            return
        u.unlock_button.setEnabled(False)
        u.message.show_message(self.tr("正在解锁……"), "info")
        self.session.open(self.path, user, passphrase, self._unlocked, self._unlock_failed)

    def _unlock_field(self, field: QWidget, label: FieldError, text: str) -> None:
        mark_error(field, True)
        label.show_error(text)
        field.setFocus()

    def _unlock_failed(self, exc: BaseException) -> None:
        u = self.window.unlock
        u.unlock_button.setEnabled(True)
        u.message.clear_message()
        u.passphrase.clear()
        text = describe(exc)
        if isinstance(exc, TryLater):
            seconds = int(exc.wait_seconds) + 1
            u.message.show_message(self.tr("口令错误次数过多，请 {s} 秒后再试。").format(s=seconds))
            u.unlock_button.setEnabled(False)
            self._retry.start(seconds * 1000)
            u.passphrase.setFocus()
        elif isinstance(exc, WrongPassphrase):
            self._unlock_field(u.passphrase, u.passphrase_error, self.tr("口令不正确，请重新输入"))
        elif isinstance(exc, AuthenticationFailed):
            self._unlock_field(u.user, u.user_error, text)
        elif isinstance(exc, StorageError):
            # The ledger is intact: the message says what to do; restoring would lose work.
            storage_heads: tuple[tuple[type[StorageError], str], ...] = (
                (DiskFull, self.tr("磁盘空间已满，台账无法打开。")),
                (ReadOnlyStorage, self.tr("台账所在的文件夹是只读的。")),
                (LedgerBusy, self.tr("台账正被另一个程序占用。")),
            )
            head = next((h for cls, h in storage_heads if isinstance(exc, cls)), "")
            u.problem.setText(f"{head}\n{text}" if head else text)
            u.problem.show()
        elif isinstance(exc, KeySlotDamaged):
            u.problem.setText(
                self.tr(
                    "这个账号的密钥槽已损坏，不是口令输错。\n{detail}\n请联系管理员为该账号重设口令"
                    "（clerkdesk user reset），或从备份恢复密钥文件。"
                ).format(detail=text)
            )
            u.problem.show()
        elif isinstance(exc, LedgerProblem):
            heads = (
                (LedgerTooNew, self.tr("台账由更新版本的程序创建，请升级本程序后再打开。")),
                (LedgerDamaged, self.tr("台账文件已损坏，无法打开。")),
                (NotALedger, self.tr("这不是本程序的台账文件。")),
                (KeysMissing, self.tr("找不到台账的密钥文件。")),
                (LedgerMissing, self.tr("找不到台账文件。")),
            )
            head = next((h for cls, h in heads if isinstance(exc, cls)), "")
            u.problem.setText(
                self.tr(
                    "{head}\n{detail}\n请联系管理员：可用恢复密钥或备份恢复"
                    "（clerkdesk verify / restore）。"
                ).format(head=head, detail=text)
            )
            u.problem.show()
        else:
            u.message.show_message(text)

    def _unlocked(self, info: DeskInfo) -> None:
        w = self.window
        self.info = info
        self.prefs.last_user = info.user.username
        u = w.unlock
        u.passphrase.clear()
        u.message.clear_message()
        u.unlock_button.setEnabled(True)
        w.show_desk_chrome(True)
        w.centre_label.setText(
            self.tr("{centre} · {no} 号窗口").format(
                centre=info.profile.centre_name, no=info.profile.desk_no
            )
        )
        w.user_label.setText(
            self.tr("{name}（{role}）").format(
                name=info.user.display_name, role=info.user.role.label
            )
        )
        w.demo_banner.setVisible(info.demo)
        w.sync_label.setText(self.tr("上次同步：尚未同步"))
        w.pages.setCurrentIndex(PAGE_DESK)
        self.idle.set_timeout_ms(int(self.prefs.autolock_minutes * 60_000))
        self.idle.start()
        self.show_tab(TAB_TODAY)
        self.today.reload()
        self.citizen.refresh()
        self.ratings.reload()
        self.complaints.reload()
        self.services.reload()
        w.activateWindow()  # a dialog closed by the lock may have taken activation along
        missed = self.printer.take_missed()
        if missed:
            self.notify(
                self.tr("锁定前办结的文书未打印：{slips}。请在办件详情补打。").format(
                    slips="、".join(missed)
                ),
                "error",
            )

    def lock(self) -> None:
        """Close the desk (the key leaves memory with the connection) and ask again."""
        if not self.unlocked:
            return
        self.idle.stop()
        user = self.info.user.username if self.info else ""
        demo = bool(self.info and self.info.demo)
        self.info = None
        self.away.reset()
        self.consult.reset()
        self.citizen.clear()
        self.ratings.reset()
        self.complaints.reset()
        self.services.reset()
        for dialog in (self.intake.dialog, self.case.dialog, self.dialog):
            if dialog is not None:
                dialog.reject()
        self.dialog = None
        self.printer.close()  # a print preview must not stay over the lock screen
        self.intake.reset()
        self.case.clear()
        self.today.clear()
        w = self.window
        w.find_box.clear()
        w.today.text_filter.clear()
        w.today.state_filter.setCurrentIndex(0)
        self.session.close()  # also drops what ops started before now bring back
        self.show_unlock(self.path, user, demo=demo)
        w.activateWindow()
        self.window.unlock.message.show_message(self.tr("已锁定。请输入口令解锁。"), "info")

    def auto_lock(self) -> None:
        if self.unlocked:
            self.lock()
            self.window.unlock.message.show_message(self.tr("长时间无操作，已自动锁定。"), "info")

    # -- cases from anywhere -------------------------------------------------------------
    def open_case(self, text: str) -> None:
        if not self.unlocked:
            self.notify(self.tr("请先解锁台账。"), "error")
            return
        try:
            case_no = cases.parse_case_no(text)
        except InvalidInput as exc:
            self.notify(chinese(exc.message), "error")
            return

        def shown(_cv: object) -> None:
            self.show_tab(TAB_CASE)

        self.case.show_case(case_no, shown, lambda exc: self.notify(describe(exc), "error"))

    def on_scan(self, text: str) -> None:
        """A scanned receipt: open its case, whatever screen is showing. Mistakes are
        reported in the status line only, so a form being typed into is left alone."""
        self.open_case(text)

    # -- away note (去向留言) -----------------------------------------------------------------
    def away_note(self) -> None:
        """F6 from any screen: post an away note, or register the return."""
        if self.unlocked:
            self.away.toggle()

    def print_away_sign(self) -> None:
        if self.unlocked:
            self.away.print_sign()

    # -- consultation (首问负责) --------------------------------------------------------------
    def consultation(self) -> None:
        """F8 from any screen: log a consultation, referral slip when it is not ours."""
        if self.unlocked:
            self.consult.open()

    def invite_rating(self) -> None:
        """F12: the citizen's screen offers the rating of the case on the case screen (a
        service done there: materials brought, a result collected)."""
        if not self.unlocked:
            return
        current = self.case.current
        if current is None:
            self.notify(self.tr("请先在办件详情（F4）打开要评价的办件。"), "error")
            return
        s = current.detail.summary
        self.citizen.served("case", s.case_no, s.item_name)
        self.notify(self.tr("已请群众在评价屏上评价办件 {no}。").format(no=s.case_no), "info")

    def _focus_find(self) -> None:
        if self.unlocked:
            self.window.find_box.setFocus()
            self.window.find_box.selectAll()

    def _find(self) -> None:
        text = self.window.find_box.text().strip()
        if not text:
            return
        try:
            cases.parse_case_no(text)
        except InvalidInput:
            self._search(text)
            return
        self.window.find_box.clear()
        self.open_case(text)

    def _search(self, text: str) -> None:
        def done(found: list[cases.CaseSummary]) -> None:
            if not found:
                self.notify(self.tr("没有找到“{t}”的办件。").format(t=text[:20]), "error")
            elif len(found) == 1:
                self.window.find_box.clear()
                self.open_case(found[0].case_no)
            else:
                self.window.find_box.clear()
                w = self.window.today
                w.state_filter.setCurrentIndex(0)
                w.text_filter.setText(found[0].applicant_name)
                self.show_tab(TAB_TODAY)
                self.notify(
                    self.tr("找到 {n} 件，已在工作台筛选（只列在办件）。").format(n=len(found)),
                    "info",
                )

        self.session.op(
            lambda desk: cases.search_cases(desk.conn, text),
            done,
            lambda exc: self.notify(describe(exc), "error"),
        )

    # -- misc ------------------------------------------------------------------------------
    def notify(self, text: str, level: str = "info") -> None:
        """A non-modal message in the status line (never steals focus)."""
        self.window.notice.show_message(text, level)
        self._notice_timer.start()

    def _changed(self, topics: frozenset[str]) -> None:
        if not self.unlocked:
            return
        self.today.on_changed(topics)
        self.case.on_changed(topics)
        self.citizen.on_changed(topics)
        self.ratings.on_changed(topics)
        self.complaints.on_changed(topics)
        self.services.on_changed(topics)

    def open_settings(self) -> None:
        if not self.unlocked or self.dialog is not None:
            return
        dialog = FormDialog(
            self.tr("本机设置"),
            [
                Field(
                    "direct",
                    self.tr("受理回执"),
                    "check",
                    default="true" if self.prefs.direct_print else "false",
                    placeholder=self.tr("直接打印到回执打印机（不预览）"),
                ),
                Field(
                    "layout",
                    self.tr("回执纸型"),
                    "choice",
                    (("a4", self.tr("A4 纸")), ("receipt80", self.tr("80 毫米热敏纸"))),
                    default=self.prefs.slip_layout,
                ),
                Field(
                    "autolock",
                    self.tr("无操作自动锁定（分钟）"),
                    "int",
                    default=str(int(self.prefs.autolock_minutes)),
                    low=1,
                    high=120,
                ),
            ],
            self.window,
            ok_text=self.tr("保存"),
        )

        def save(values: dict[str, object]) -> None:
            self.prefs.direct_print = bool(values["direct"])
            layout = str(values["layout"])
            self.prefs.slip_layout = "receipt80" if layout == "receipt80" else "a4"
            self.prefs.autolock_minutes = float(str(values["autolock"]))
            self.idle.set_timeout_ms(int(self.prefs.autolock_minutes * 60_000))
            dialog.accept()
            self.dialog = None
            self.notify(self.tr("设置已保存。"), "ok")

        def closed(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None

        dialog.submitted.connect(save)
        dialog.finished.connect(closed)
        self.dialog = dialog
        dialog.open()

    def today_date(self) -> dt.date:
        return self.session.clock().date()

    def shutdown(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scan)
            app.removeEventFilter(self.idle)
        self.idle.stop()
        self.citizen_view.close()
        self.session.shutdown()
        self.collector.uninstall()
