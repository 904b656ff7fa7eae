"""Desk settings that rules depend on (warning thresholds, contact lines on slips...).
Each change is a `settings.changed` event, so a report can say which rule was in force."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.errors import InvalidInput
from app.identity import check_text
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import Event, canonical_json
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("settings")


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    low: int | None = None
    high: int | None = None


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("yellow_at_workdays", "剩余工作日不超过几天时亮黄灯", 3, 1, 30),
        Setting("notice_return_workdays", "一次性告知的补正期限（工作日）", 15, 1, 60),
        Setting(
            "notice_due_workdays",
            "收件后须在几个工作日内一次性告知（行政许可法第三十二条）",
            5,
            1,
            5,
        ),
        Setting("followup_workdays", "差评整改回访期限（工作日）", 5, 1, 30),
        Setting("complaint_workdays", "投诉办理回访期限（工作日）", 10, 1, 60),
        Setting("away_grace_minutes", "去向留言超时多少分钟算逾期未归", 10, 0, 240),
        Setting("inspection_interval_days", "安全检查周期（自然日）", 30, 7, 366),
        Setting("doc_prefix", "文书编号前缀（机关简称）", "", None, None),
        Setting("contact_phone", "窗口咨询电话", "", None, None),
        Setting("supervision_phone", "监督投诉电话", "12345", None, None),
        Setting("centre_address", "中心地址", "", None, None),
        Setting("opening_hours", "办公时间", "周一至周五 8:30-12:00，14:30-18:00", None, None),
        Setting("review_body", "行政复议机关", "米易县人民政府", None, None),
        Setting("court", "行政诉讼管辖法院", "米易县人民法院", None, None),
    )
}


def check_value(key: str, value: Any) -> Any:
    setting = SETTINGS.get(key)
    if setting is None:
        raise InvalidInput("key", f"没有设置项“{key}” / unknown setting {key!r}")
    if isinstance(setting.default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(key, f"{setting.label}应为整数 / must be a whole number") from None
        assert setting.low is not None and setting.high is not None
        if not setting.low <= number <= setting.high:
            raise InvalidInput(
                key, f"{setting.label}应在 {setting.low} 至 {setting.high} 之间 / out of range"
            )
        return number
    return check_text(str(value), key, setting.label, 60, required=False)


@REGISTRY.on("settings.changed")
def _changed(conn: Connection, event: Event) -> None:
    conn.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (event.body["key"], canonical_json(event.body["value"]), event.at),
    )


def get(conn: Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else SETTINGS[key].default


def change(desk: Desk, key: str, value: Any) -> Any:
    require(desk.user.role, "settings.change")
    checked = check_value(key, value)
    desk.ledger.append(
        "settings.changed", f"settings/{key}", {"key": key, "value": checked}, desk.user.username
    )
    return checked
