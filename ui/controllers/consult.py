"""首问负责 controller: F8 from any screen logs a consultation — the item looked up in the
catalogue (as at intake) or a free topic, the question and the answer, and when the matter is
not ours the window or department and the person the citizen was told of; the referral slip
(首问负责告知单) then opens in the print preview. What a consultation must hold is
`app.consultations`' rule: this gathers what was typed and shows what app/ says."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QCheckBox, QWidget

from app import catalogue, consultations
from app.catalogue_model import ServiceItem
from app.desk import Desk
from ui.errors import describe, field_of
from ui.session import DeskSession
from ui.slips import SlipPrinter
from ui.views.dialogs import Field, FormDialog, LookupField
from ui.worker import CONSULTATIONS

#: The referral's fields, enabled only when the matter is not ours.
REFERRAL_FIELDS = (
    "referral.to",
    "referral.responsible_person",
    "referral.phone",
    "referral.address",
)


class ConsultController(QObject):
    def __init__(
        self,
        parent: QWidget,
        session: DeskSession,
        printer: SlipPrinter,
        notify: Callable[[str, str], None],
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.session = session
        self.printer = printer
        self.notify = notify
        self.dialog: FormDialog | None = None
        #: Told of each consultation logged (kind, number, subject): the citizen's screen.
        self.on_served: Callable[[str, str, str], None] | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._search)
        self._query = ""

    # -- F8 --------------------------------------------------------------------------------
    def open(self) -> None:
        if self.dialog is not None:
            self.dialog.activateWindow()
            return
        dialog = FormDialog(
            self.tr("咨询登记（首问负责）"),
            [
                Field(
                    "item",
                    self.tr("咨询事项"),
                    "lookup",
                    placeholder=self.tr("编码、名称或拼音首字母，↓ 选择；目录外的事项可不填"),
                ),
                Field("topic", self.tr("其他事项"), placeholder=self.tr("不在事项目录中时填写")),
                Field("question", self.tr("咨询内容"), "multiline"),
                Field("answer", self.tr("答复内容"), "multiline"),
                Field(
                    "channel", self.tr("咨询方式"), "choice", tuple(consultations.CHANNELS.items())
                ),
                Field("citizen_name", self.tr("群众姓名"), placeholder=self.tr("可不填")),
                Field("citizen_phone", self.tr("联系电话"), placeholder=self.tr("可不填")),
                Field(
                    "refer",
                    self.tr("转介"),
                    "check",
                    placeholder=self.tr("不属于本窗口：告知承办窗口（部门）和责任人，打印告知单"),
                ),
                Field(
                    "referral.to",
                    self.tr("承办窗口（部门）"),
                    placeholder=self.tr("如：县社保局 二楼3号窗口"),
                ),
                Field("referral.responsible_person", self.tr("责任人")),
                Field("referral.phone", self.tr("责任人电话"), placeholder=self.tr("可不填")),
                Field("referral.address", self.tr("地址"), placeholder=self.tr("可不填")),
            ],
            self.parent_widget,
            ok_text=self.tr("登记"),
            note=self.tr(
                "首问负责：第一位被询问的工作人员登记并答复；不属于本窗口的事项，"
                "须告知群众承办窗口（部门）和责任人。"
            ),
        )
        dialog.setMinimumWidth(640)
        lookup = dialog.widgets["item"]
        assert isinstance(lookup, LookupField)
        lookup.search.connect(self._typed)
        lookup.pick_first.connect(self._pick_first)
        lookup.picked.connect(self._choose)
        refer = dialog.widgets["refer"]
        assert isinstance(refer, QCheckBox)
        refer.toggled.connect(self._toggle_referral)
        self._toggle_referral(False, dialog)
        dialog.submitted.connect(self._submitted)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _toggle_referral(self, on: bool, dialog: FormDialog | None = None) -> None:
        dialog = dialog or self.dialog
        if dialog is None:
            return
        for key in REFERRAL_FIELDS:
            dialog.widgets[key].setEnabled(on)

    # -- item lookup -------------------------------------------------------------------------
    def _lookup(self) -> LookupField | None:
        if self.dialog is None:
            return None
        lookup = self.dialog.widgets["item"]
        return lookup if isinstance(lookup, LookupField) else None

    def _typed(self, query: str) -> None:
        self._query = query
        self._search_timer.start()

    def _search(self) -> None:
        query = self._query
        if not query:
            self._show_results([])
            return
        self.session.op(lambda desk: catalogue.search(desk.conn, query, 20), self._show_results)

    def _show_results(self, items: list[ServiceItem]) -> None:
        lookup = self._lookup()
        if lookup is not None:
            lookup.show_results([(i.code, f"{i.name}  {i.code}") for i in items])

    def _pick_first(self, query: str) -> None:
        self._search_timer.stop()
        if not query:
            return

        def done(items: list[ServiceItem]) -> None:
            dialog = self.dialog
            if dialog is None:
                return
            if items:
                self._chosen(items[0])
            else:
                dialog.show_error("item", self.tr("没有找到事项“{q}”").format(q=query))

        self.session.op(lambda desk: catalogue.search(desk.conn, query, 20), done, self._failed)

    def _choose(self, code: str) -> None:
        self.session.op(
            lambda desk: catalogue.get_item(desk.conn, code).item, self._chosen, self._failed
        )

    def _chosen(self, item: ServiceItem) -> None:
        lookup, dialog = self._lookup(), self.dialog
        if lookup is None or dialog is None:
            return
        dialog.clear_errors()
        lookup.set_chosen(
            item.code,
            item.name,
            self.tr("已选：{code} · 承诺时限 {limit} · 承办：{dept}").format(
                code=item.code, limit=item.committed_limit.label(), dept=item.department
            ),
        )
        dialog.widgets["question"].setFocus()

    # -- log -------------------------------------------------------------------------------------
    def _submitted(self, values: dict[str, object]) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        item_code = str(values["item"]) or None
        lookup = self._lookup()
        if item_code is None and lookup is not None and lookup.edit.text().strip():
            # Typed but not picked: the clerk meant an item; say so instead of guessing.
            dialog.show_error(
                "item", self.tr("请从列表中选择事项（↓ 再回车），或清空后填写其他事项")
            )
            return
        refer = bool(values["refer"])
        referral = (
            consultations.Referral(
                str(values["referral.to"]),
                str(values["referral.responsible_person"]),
                str(values["referral.phone"]),
                str(values["referral.address"]),
            )
            if refer
            else None
        )
        question, answer = str(values["question"]), str(values["answer"])
        topic, channel = str(values["topic"]), str(values["channel"])
        name, phone = str(values["citizen_name"]), str(values["citizen_phone"])
        dialog.set_busy(True)

        def op(desk: Desk) -> consultations.Consultation:
            return consultations.log(
                desk,
                question,
                answer,
                ours=not refer,
                item_code=item_code,
                topic=topic,
                referral=referral,
                citizen_name=name,
                citizen_phone=phone,
                channel=channel,
            )

        def done(c: consultations.Consultation) -> None:
            dialog.set_busy(False)
            dialog.accept()
            if self.on_served is not None:
                self.on_served("consultation", c.consult_no, c.subject)
            if c.referral is not None:
                self.notify(
                    self.tr(
                        "已登记咨询 {no}（{subject}），已告知到 {to} 找 {who}；告知单已打开。"
                    ).format(
                        no=c.consult_no,
                        subject=c.subject,
                        to=c.referral.to,
                        who=c.referral.responsible_person,
                    ),
                    "ok",
                )
                self.printer.print_referral(c.consult_no)
            else:
                self.notify(
                    self.tr("已登记咨询 {no}（{subject}）。").format(
                        no=c.consult_no, subject=c.subject
                    ),
                    "ok",
                )

        def failed(exc: BaseException) -> None:
            dialog.set_busy(False)
            field = field_of(exc)
            dialog.show_error(field if field in dialog.widgets else None, describe(exc))

        self.session.op(op, done, failed, (CONSULTATIONS,))

    def _failed(self, exc: BaseException) -> None:
        if self.dialog is not None:
            self.dialog.show_error(None, describe(exc))
        else:
            self.notify(describe(exc), "error")

    def reset(self) -> None:
        """The desk locked: close the dialog (nothing typed stays for the next person)."""
        self._search_timer.stop()
        if self.dialog is not None:
            self.dialog.reject()

    def _closed(self, _result: int) -> None:
        self.dialog = None
        self.parent_widget.activateWindow()
