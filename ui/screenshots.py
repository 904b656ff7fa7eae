"""`python -m ui.screenshots OUTDIR`: PNGs of each main screen at 1366×768, from a freshly
created demo ledger, offscreen, with the bundled font (README and docs show them).

The desk clock is pinned to 16:45 on the demo's last day (its last events are at 16:30), so
the pictures do not depend on when they are made: 刘洋's away note from 13:45 is overdue."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SIZE = (1366, 768)
PINNED = dt.time(16, 45)


class _NoPrint:
    def __init__(self) -> None:
        self.slips: list[tuple[str, int]] = []

    def show(self, pdf: bytes, title: str, direct: bool) -> None:
        self.slips.append((title, len(pdf)))

    def close(self) -> None:
        pass


def _wait(app: QApplication, cond: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("screen did not settle")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def _save(widget: QWidget, out: Path, name: str) -> Path:
    QApplication.processEvents()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def _side_by_side(left: QWidget, right: QWidget, out: Path, name: str) -> Path:
    """Two windows in one picture, as on the desk and the monitor facing the citizen."""
    from PySide6.QtGui import QColor, QImage, QPainter

    QApplication.processEvents()
    a, b = left.grab(), right.grab()
    gap = 16
    image = QImage(
        a.width() + gap + b.width(), max(a.height(), b.height()), QImage.Format.Format_RGB32
    )
    image.fill(QColor("#37474f"))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, a)
    painter.drawPixmap(a.width() + gap, 0, b)
    painter.end()
    path = out / f"{name}.png"
    image.save(str(path))
    return path


def _book_appointments(desk: Any) -> None:
    """Today's bookings for the board (the demo's own are on earlier days): one kept this
    morning, one waiting this afternoon, one after hours this evening."""
    from app import special_services

    today = desk.today()
    kept = special_services.record(
        desk, "appointment", on=today, time="09:30", item_code="512B0003600037",
        citizen_name="王秀英", citizen_phone="13908120003", group="elderly",
        note="子女陪同办理高龄津贴",
    )  # fmt: skip
    special_services.update(desk, kept.service_no, "done", "已收件，材料齐全")
    special_services.record(
        desk, "appointment", on=today, time="17:00", item_code="512B0003600029",
        citizen_name="张国华", citizen_phone="13908120005", group="disabled",
        note="轮椅出行，请在一楼窗口接待",
    )  # fmt: skip
    special_services.record(
        desk, "appointment", on=today, time="18:30", after_hours=True,
        item_code="512B0359100011", citizen_name="李强", citizen_phone="13908120006",
        note="务工人员下班后办理",
    )  # fmt: skip


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["clerkdesk-screenshots"])
    assert isinstance(app, QApplication)
    from app import cases
    from app.demo import DEMO_PASSPHRASE
    from app.identity import resident_id_check_char
    from db.ledger import CHINA_TZ, now_in_china
    from ui.main import build
    from ui.prefs import Prefs
    from ui.worker import SERVICES

    pinned = dt.datetime.combine(now_in_china().date(), PINNED, CHINA_TZ)

    tmp = Path(tempfile.mkdtemp(prefix="clerkdesk-shots-"))
    prefs = Prefs(QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    printed = _NoPrint()
    window, ctl = build(
        [], ledger_path=tmp / "desk.ledger", prefs=prefs, slip_output=printed, clock=lambda: pinned
    )
    window.resize(*SIZE)
    window.show()
    made: list[Path] = []
    w = ctl.worker
    try:
        ctl.start()
        made.append(_save(window, out, "01-welcome"))

        # Set-up wizard, first and second pages (the ledger is not created for the shot).
        ctl.start_setup()
        assert ctl.setup is not None
        wizard = ctl.setup.wizard
        wizard.resize(760, 600)
        _wait(app, lambda: wizard.isVisible())
        made.append(_save(wizard, out, "02-setup-centre"))
        wizard.next()
        a = wizard.admin
        a.username.setText("wangqiang")
        a.display_name.setText("王强")
        a.passphrase.setText("攀莲镇窗口 2026 春")
        a.confirm.setText("攀莲镇窗口 2026 春")
        made.append(_save(wizard, out, "03-setup-admin"))
        wizard.reject()

        # Demo ledger → unlock.
        ctl.open_demo()
        _wait(app, lambda: w.idle() and window.pages.currentIndex() == 1)
        made.append(_save(window, out, "04-unlock"))
        window.unlock.passphrase.setText("wrong passphrase")
        ctl.unlock()
        _wait(app, w.idle)
        made.append(_save(window, out, "05-unlock-wrong-passphrase"))
        window.unlock.passphrase.setText(DEMO_PASSPHRASE)
        ctl.unlock()
        _wait(app, lambda: w.idle() and ctl.today.loaded)
        # The board: 刘洋 is overdue from a village visit, 陈静 covers her cases; today's
        # appointments bottom right.
        ctl.session.op(_book_appointments, changes=(SERVICES,))
        _wait(app, w.idle)
        ctl.today.reload()
        _wait(app, lambda: w.idle() and len(ctl.today.appointments) == 3)
        made.append(_save(window, out, "06-today"))

        # Intake filled in (not submitted).
        ctl.show_tab(2 - 1)
        v = window.intake
        QTest.keyClicks(v.item_search, "dbsq")
        _wait(app, lambda: v.item_results.count() > 0)
        QTest.keyClick(v.item_search, Qt.Key.Key_Return)
        _wait(app, lambda: w.idle() and ctl.intake.item is not None)
        v.applicant.name.setText("李秀英")
        body = "51042119580312002"
        v.applicant.id_number.setText(body + resident_id_check_char(body))
        v.applicant.phone.setText("13881234567")
        v.applicant.address.setText("米易县攀莲镇挂榜村3组")
        v.materials.set_status(0, "received")
        v.materials.set_status(1, "received")
        v.materials.set_status(2, "defective")
        v.materials.setCurrentCell(2, 5)
        made.append(_save(window, out, "07-intake"))
        ctl.intake.accept()
        _wait(app, w.idle)
        made.append(_save(window, out, "08-intake-incomplete"))
        ctl.intake.reset()

        # Case detail: the first awaiting-correction case that already has a notice.
        awaiting = window.today.awaiting
        case_no = awaiting.item(0, 1).text()
        ctl.open_case(case_no)
        _wait(app, lambda: w.idle() and window.tabs.currentIndex() == 2)
        made.append(_save(window, out, "09-case-detail"))
        ctl.case.run_action("notice")
        dialog = ctl.case.dialog
        assert dialog is not None
        _wait(app, dialog.isVisible)
        made.append(_save(dialog, out, "10-override-dialog"))
        dialog.reject()

        # An accepted case with a deadline light.
        rows = ctl.today.visible_rows()
        red = next((r for r in rows if r["level"] == "red"), rows[0])
        ctl.open_case(red["case_no"])
        _wait(
            app,
            lambda: (
                w.idle()
                and ctl.case.current is not None
                and ctl.case.current.detail.case_no == red["case_no"]
            ),
        )
        made.append(_save(window, out, "11-case-red"))
        ctl.notify("扫描的条码不是办件编号，已忽略。", "error")
        ctl.show_tab(0)
        made.append(_save(window, out, "12-today-scan-message"))

        # A completed case with a time limit: result, delivery and the whole timeline.
        done: list[list[cases.CaseSummary]] = []
        ctl.session.op(
            lambda desk: cases.list_cases(desk.conn, ("completed",), limit=200), done.append
        )
        _wait(app, lambda: bool(done) and w.idle())
        completed = next(
            (c.case_no for c in done[0] if c.case_kind == "committed"), done[0][0].case_no
        )
        window.notice.clear_message()
        ctl.open_case(completed)
        _wait(
            app,
            lambda: (
                w.idle()
                and ctl.case.current is not None
                and ctl.case.current.detail.case_no == completed
            ),
        )
        made.append(_save(window, out, "13-case-completed"))

        # 刘洋 is back (F6 asks to confirm), then posts a new note (F6 again).
        ctl.show_tab(0)
        ctl.away_note()
        _wait(app, lambda: w.idle() and ctl.away.dialog is not None)
        back = ctl.away.dialog
        assert back is not None
        _wait(app, back.isVisible)
        made.append(_save(back, out, "14-away-return"))
        back._submit()
        _wait(app, lambda: w.idle() and ctl.away.dialog is None)
        ctl.away_note()
        _wait(app, lambda: w.idle() and ctl.away.dialog is not None)
        note = ctl.away.dialog
        assert note is not None
        _wait(app, note.isVisible)
        fields = note.widgets
        fields["place"].setText("镇政府三楼会议室")
        fields["reason"].setCurrentIndex(1)  # 会议
        fields["note"].setText("参加社会救助工作会议，急事请电话联系")
        made.append(_save(note, out, "15-away-dialog"))
        note._submit()
        _wait(app, lambda: w.idle() and ctl.away.dialog is None and ctl.today.loaded)
        _wait(app, w.idle)
        made.append(_save(window, out, "16-today-away"))

        # 刘洋 is back at the window (F6, Enter) before the next citizen.
        ctl.away_note()
        _wait(app, lambda: w.idle() and ctl.away.dialog is not None)
        returned = ctl.away.dialog
        assert returned is not None
        _wait(app, returned.isVisible)
        returned._submit()
        _wait(app, lambda: w.idle() and ctl.away.dialog is None)

        # F8: a consultation about a matter another department handles (not in our catalogue).
        ctl.consultation()
        consult = ctl.consult.dialog
        assert consult is not None
        _wait(app, consult.isVisible)
        cf = consult.widgets
        cf["topic"].setText("养老保险关系转移接续")
        cf["question"].setPlainText("在外省参保多年，养老保险关系怎么转回本地？")
        cf["answer"].setPlainText(
            "转移接续由县社保局办理，已告知办理窗口和经办人，带身份证和参保缴费凭证。"
        )
        cf["refer"].setChecked(True)
        cf["referral.to"].setText("县社会保险事业管理局 二楼3号窗口")
        cf["referral.responsible_person"].setText("王芳")
        cf["referral.phone"].setText("0812-8172345")
        made.append(_save(consult, out, "18-consult-referral"))
        consult._submit()
        _wait(app, lambda: w.idle() and ctl.consult.dialog is None)
        _wait(app, w.idle)

        # The citizen's monitor beside the desk: the consultation just served, to be rated.
        ctl.citizen.place()
        ctl.citizen.refresh()
        _wait(app, w.idle)
        ctl.citizen_view.comment.setText("希望能给一份书面办事指引")
        made.append(_side_by_side(window, ctl.citizen_view, out, "19-citizen-screen"))
        ctl.citizen.rate(4)  # 不满意: a follow-up opens
        _wait(app, w.idle)
        ctl.citizen_view.hide()

        # F5: the bad ratings to follow up, with their lights; the form of the next step.
        ctl.show_tab(3)
        _wait(app, lambda: w.idle() and ctl.ratings.loaded and ctl.complaints.loaded)
        made.append(_save(window, out, "20-ratings"))
        ctl.ratings.next_step()
        step = ctl.ratings.dialog
        assert step is not None
        _wait(app, step.isVisible)
        step.widgets["note"].setPlainText("调阅窗口录像并询问当事人：材料补正往返两次，情况属实。")
        made.append(_save(step, out, "21-rating-step"))
        step.reject()
        _wait(app, lambda: w.idle() and ctl.ratings.dialog is None)

        # Ctrl+Y: special services, bookings lit by their day.
        ctl.show_tab(4)
        _wait(app, lambda: w.idle() and ctl.services.loaded)
        made.append(_save(window, out, "22-services"))

        # The set-up wizard's last page: a fresh ledger's recovery key (a throw-away one).
        ctl.lock()
        _wait(app, w.idle)
        ctl.start_setup()
        assert ctl.setup is not None
        wizard = ctl.setup.wizard
        wizard.resize(760, 600)
        _wait(app, wizard.isVisible)
        wizard.next()
        a = wizard.admin
        a.username.setText("wangqiang")
        a.display_name.setText("王强")
        a.passphrase.setText("攀莲镇窗口 2026 春")
        a.confirm.setText("攀莲镇窗口 2026 春")
        wizard.next()
        _wait(app, lambda: w.idle() and wizard.currentId() == wizard.recovery_id)
        made.append(_save(wizard, out, "17-setup-recovery-key"))
        wizard.recovery.stored.setChecked(True)
        wizard.accept()
        _wait(app, w.idle)
    finally:
        ctl.shutdown()
    for path in made:
        print(path)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
