"""The desk's forms: plain data in, PDF bytes out (nothing is written to disk).

Every entry point has the same shape, `xxx_pdf(data, layout="a4") -> bytes`; `layout` is
"a4" or "receipt80" (an 80 mm receipt-printer slip) where the form has one, and anything
else raises `PrintingError`. `FORMS` lists them by the short names the CLI uses
(`clerkdesk print receipt ...`), and `render_form` dispatches on that name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from printing.data import (
    AwaySignData,
    CompletionData,
    DailyReportData,
    GuideData,
    NoticeData,
    ReceiptData,
    ReferralData,
    RejectionData,
    StaffCardData,
)
from printing.errors import PrintingError
from printing.forms.away import away_sign_pdf
from printing.forms.card import staff_card_pdf
from printing.forms.completion import completion_pdf
from printing.forms.daily import daily_report_pdf
from printing.forms.guide import guide_pdf
from printing.forms.notice import notice_pdf
from printing.forms.receipt import receipt_pdf
from printing.forms.referral import referral_pdf
from printing.forms.rejection import rejection_pdf
from printing.layout import LAYOUTS, Layout


@dataclass(frozen=True)
class FormSpec:
    kind: str  # CLI name: receipt, notice...
    title: str  # 受理通知书...
    data_type: type
    layouts: tuple[Layout, ...]
    render: Callable[[Any, Layout], bytes]


FORMS: Mapping[str, FormSpec] = {
    spec.kind: spec
    for spec in (
        FormSpec("receipt", "受理通知书（受理回执）", ReceiptData, LAYOUTS, receipt_pdf),
        FormSpec("notice", "一次性告知书", NoticeData, LAYOUTS, notice_pdf),
        FormSpec("rejection", "不予受理通知书", RejectionData, ("a4",), rejection_pdf),
        FormSpec("completion", "办结通知书", CompletionData, ("a4",), completion_pdf),
        FormSpec("referral", "首问负责告知单", ReferralData, LAYOUTS, referral_pdf),
        FormSpec("guide", "办事指南", GuideData, ("a4",), guide_pdf),
        FormSpec("away", "去向留言牌", AwaySignData, ("a4",), away_sign_pdf),
        FormSpec("card", "岗位牌", StaffCardData, ("a4",), staff_card_pdf),
        FormSpec("daily", "工作日报", DailyReportData, ("a4",), daily_report_pdf),
    )
}


def render_form(kind: str, data: object, layout: Layout = "a4") -> bytes:
    """Render the form named `kind` (a key of `FORMS`) from `data`."""
    spec = FORMS.get(kind)
    if spec is None:
        raise PrintingError(f"没有名为“{kind}”的表单，可用：{'、'.join(FORMS)} / unknown form")
    if not isinstance(data, spec.data_type):
        raise PrintingError(
            f"{spec.title}需要 {spec.data_type.__name__}，收到 {type(data).__name__} / "
            "wrong data type"
        )
    return spec.render(data, layout)


__all__ = [
    "FORMS",
    "FormSpec",
    "Layout",
    "away_sign_pdf",
    "completion_pdf",
    "daily_report_pdf",
    "guide_pdf",
    "notice_pdf",
    "receipt_pdf",
    "referral_pdf",
    "rejection_pdf",
    "render_form",
    "staff_card_pdf",
]
