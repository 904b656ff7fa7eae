"""The working-day calendar (工作日历) behind every deadline (DESIGN §5).

Pure code: no database, no Qt, no I/O. The ledger stores one `YearSchedule` per year as an
event body (`YearSchedule.to_json()`), rebuilds them with `YearSchedule.from_json()` and hands
them to `WorkCalendar`.

Vocabulary
----------
* working day (工作日): Monday–Friday that is not a declared day off, or a make-up working day
  (调休上班, always a Saturday or Sunday).
* schedule of year Y: the State Council's notice for Y, i.e. the days off (`holidays`) and the
  make-up working days (`workdays`) it declares. A notice for Y may also rearrange days at the
  end of December of Y-1 (chinesecalendar has such days in December 2006, 2007, 2011, 2018,
  2022 and 2023), so a schedule may carry dates in December of the previous year; when two
  schedules both list a day, the later notice (the higher year) wins.
* settled day: a day whose status can no longer change without a new notice being loaded: its
  year has a schedule and, for a day in December, so does the next year. Every other day is
  computed on weekends only and makes a result *provisional* (DESIGN §5: never silently wrong).

Counting conventions (民法典 §201: 按照年、月、日计算期间的，开始的当日不计入)
-------------------------------------------------------------------------------
* `add_workdays(start, n)`: the n-th working day strictly after `start`; n == 0 is `start`
  itself (即办件, same day), even when `start` is a day off.
* `add_natural_days(start, n)`: `start + n` days; when that day is not a working day (weekend or
  statutory day off, 民法典 §203), the first working day after it. n == 0 is `start` itself.
* `workdays_between(a, b)`: working days in the half-open interval (a, b]; negative when b < a
  (minus the working days in (b, a]), 0 when a == b. So "working days left" is
  `workdays_between(today, due)`: 0 on the due day, 1 the working day before, -1 one working
  day after the due day. It is antisymmetric and additive.
* `workdays_in(first, last)`: working days in the closed interval [first, last] (0 if last <
  first), for counting the working days a paused clock did not run.
* provisional: True when any day whose status the result depends on is not settled: the days
  in (start, due] for `add_workdays`, the days from `start + n` to the result for
  `add_natural_days`, the days in (min(a, b), max(a, b)] for `provisional_between`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, NoReturn

from app.errors import InvalidInput

__all__ = [
    "FILE_FORMAT",
    "FILE_VERSION",
    "MAX_YEAR",
    "MIN_YEAR",
    "Due",
    "WarningLevel",
    "WorkCalendar",
    "YearSchedule",
    "dump_schedule_file",
    "parse_schedule_file",
    "seed_schedules",
    "warning_level",
]

FILE_FORMAT = "clerkdesk-holidays"
FILE_VERSION = 1
# PRC public holidays exist since 1949; far-future years are typos (20270 for 2027).
MIN_YEAR = 1949
MAX_YEAR = 2999
MAX_NAME_LENGTH = 50
MAX_SOURCE_LENGTH = 500

WarningLevel = Literal["normal", "yellow", "red"]

_SATURDAY = 5
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_ORDINAL = dt.date.max.toordinal()


class Due(NamedTuple):
    """A computed date and whether it may still move when a missing year is loaded."""

    date: dt.date
    provisional: bool


def _is_weekend(d: dt.date) -> bool:
    return d.weekday() >= _SATURDAY


def _in_schedule_range(year: int, d: dt.date) -> bool:
    """A schedule for `year` may hold dates of that year and of December of the year before."""
    return d.year == year or (d.year == year - 1 and d.month == 12)


# --------------------------------------------------------------------------------------
# YearSchedule


@dataclass(frozen=True)
class YearSchedule:
    """The days off and make-up working days declared for one year.

    `holidays`: every day declared off (statutory holidays and the days added to them, also
    when they fall on a weekend: their names show on screens). `workdays`: make-up working
    days (调休上班), always on a Saturday or Sunday. Both may include days of December of the
    previous year (see the module docstring). `names` maps a declared day to its festival name
    (元旦, 春节…) where known. `source` says where the data comes from: the package and its
    version, or the notice's title / URL.

    The constructor strips `source` and names, validates, and raises `InvalidInput` on
    inconsistent data.
    """

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str
    names: Mapping[dt.date, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Frozen: normalise the containers through object.__setattr__ so callers may pass sets.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        names = {d: n.strip() if isinstance(n, str) else n for d, n in dict(self.names).items()}
        object.__setattr__(self, "names", MappingProxyType(names))
        if isinstance(self.source, str):
            object.__setattr__(self, "source", self.source.strip())
        _check_schedule(self)

    def name_of(self, d: dt.date) -> str | None:
        return self.names.get(d)

    def to_json(self) -> dict[str, Any]:
        """Canonical JSON-able form (str/int/list/dict only; dates as ISO strings, sorted)."""

        def entries(days: frozenset[dt.date]) -> list[dict[str, str]]:
            out: list[dict[str, str]] = []
            for d in sorted(days):
                entry = {"date": d.isoformat()}
                name = self.names.get(d)
                if name is not None:
                    entry["name"] = name
                out.append(entry)
            return out

        return {
            "year": self.year,
            "source": self.source,
            "holidays": entries(self.holidays),
            "workdays": entries(self.workdays),
        }

    @classmethod
    def from_json(cls, body: object) -> YearSchedule:
        """Inverse of `to_json`; validates like the import file (`InvalidInput` on bad data)."""
        return _parse_own_year(body, "")


def _check_schedule(s: YearSchedule) -> None:
    if isinstance(s.year, bool) or not isinstance(s.year, int):
        raise InvalidInput("year", "年份必须是整数 / year must be an integer")
    if not MIN_YEAR <= s.year <= MAX_YEAR:
        raise InvalidInput(
            "year", f"年份须在 {MIN_YEAR}–{MAX_YEAR} 之间 / year must be {MIN_YEAR}–{MAX_YEAR}"
        )
    if not isinstance(s.source, str) or not s.source.strip():
        raise InvalidInput("source", "必须注明数据来源 / source is required")
    if len(s.source) > MAX_SOURCE_LENGTH:
        raise InvalidInput("source", f"来源过长（最多 {MAX_SOURCE_LENGTH} 字）/ source too long")
    for label, days in (("holidays", s.holidays), ("workdays", s.workdays)):
        for d in days:
            if type(d) is not dt.date:
                raise InvalidInput(label, "日期类型不正确 / not a date")
            if not _in_schedule_range(s.year, d):
                raise InvalidInput(
                    label,
                    f"{d.isoformat()} 不属于 {s.year} 年的安排 / "
                    f"{d.isoformat()} is outside {s.year}",
                )
    if not any(d.year == s.year for d in s.holidays):
        raise InvalidInput(
            "holidays",
            f"{s.year} 年没有任何放假日期，国务院通知可能尚未发布 / no day off in {s.year}",
        )
    both = s.holidays & s.workdays
    if both:
        d = min(both)
        raise InvalidInput(
            "workdays",
            f"{d.isoformat()} 同时是放假日和调休上班日 / {d.isoformat()} is both off and working",
        )
    for d in sorted(s.workdays):
        if not _is_weekend(d):
            raise InvalidInput(
                "workdays",
                f"调休上班日 {d.isoformat()} 不是周末 / make-up workday {d.isoformat()} "
                "is not a weekend day",
            )
    for d, name in s.names.items():
        if d not in s.holidays and d not in s.workdays:
            raise InvalidInput("names", f"{d} 没有列在安排中 / named day not in schedule")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
            raise InvalidInput("names", f"{d} 的名称不正确 / bad name for {d}")


# --------------------------------------------------------------------------------------
# WorkCalendar


def _weekdays_through(ordinal: int) -> int:
    """Mon–Fri days among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Working-day arithmetic over the loaded schedules (immutable; build a new one to change).

    Internally a working day has a running count C(d) = working days in [0001-01-01, d]:
    Mon–Fri counted arithmetically, then corrected by the sorted lists of weekday days off and
    weekend make-up days. Every query is a few bisections, so `add_workdays` costs the same for
    n = 1 or n = 1000 (no per-day loop, no cache needed).
    """

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        for year, schedule in schedules.items():
            if year != schedule.year:
                raise ValueError(f"schedule for {schedule.year} filed under {year}")
        self._schedules: dict[int, YearSchedule] = dict(schedules)
        self._years = frozenset(self._schedules)
        minus: set[int] = set()
        plus: set[int] = set()
        listed = {d for s in self._schedules.values() for d in s.holidays | s.workdays}
        for d in listed:
            working = self._declared(d)
            if working is None:  # pragma: no cover - every listed day is declared somewhere
                continue
            if working and _is_weekend(d):
                plus.add(d.toordinal())
            elif not working and not _is_weekend(d):
                minus.add(d.toordinal())
        self._minus = sorted(minus)
        self._plus = sorted(plus)

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        return MappingProxyType(self._schedules)

    def _declared(self, d: dt.date) -> bool | None:
        """True/False when a loaded notice declares d working/off; None when none mentions it.
        The next year's notice is consulted first for December: it was published later."""
        candidates = [d.year + 1, d.year] if d.month == 12 else [d.year]
        for year in candidates:
            s = self._schedules.get(year)
            if s is None:
                continue
            if d in s.workdays:
                return True
            if d in s.holidays:
                return False
        return None

    # -- single days ------------------------------------------------------------------

    def is_known(self, year: int) -> bool:
        """Whether a schedule for `year` is loaded."""
        return year in self._years

    def is_settled(self, d: dt.date) -> bool:
        """Whether d's status is final: its year is loaded and, in December, the next too."""
        if d.year not in self._years:
            return False
        return d.month != 12 or d.year + 1 in self._years

    def is_workday(self, d: dt.date) -> bool:
        """Weekday and not declared off, or a declared make-up working day. Years without a
        schedule: Monday–Friday."""
        declared = self._declared(d)
        if declared is not None:
            return declared
        return not _is_weekend(d)

    def holiday_name(self, d: dt.date) -> str | None:
        """The festival name of a declared day (off or make-up), for screens."""
        candidates = [d.year + 1, d.year] if d.month == 12 else [d.year]
        for year in candidates:
            s = self._schedules.get(year)
            if s is not None and (d in s.holidays or d in s.workdays):
                return s.name_of(d)
        return None

    # -- counting ---------------------------------------------------------------------

    def _count(self, ordinal: int) -> int:
        """Working days among ordinals 1..ordinal."""
        return (
            _weekdays_through(ordinal)
            - bisect.bisect_right(self._minus, ordinal)
            + bisect.bisect_right(self._plus, ordinal)
        )

    def _first_reaching(self, lo: int, target: int, field_name: str) -> int:
        """Smallest ordinal >= lo whose running count reaches target (it is a working day)."""
        if lo > _MAX_ORDINAL:
            raise InvalidInput(
                field_name, "结果超出可表示的日期范围 / result is beyond the last date"
            )
        if self._count(lo) >= target:
            return lo
        step = 16
        hi = lo + step
        while hi < _MAX_ORDINAL and self._count(hi) < target:
            step *= 2
            hi = lo + step
        if hi >= _MAX_ORDINAL:
            hi = _MAX_ORDINAL
            if self._count(hi) < target:
                raise InvalidInput(
                    field_name, "结果超出可表示的日期范围 / result is beyond the last date"
                )
        while lo < hi:  # invariant: count(hi) >= target, count(lo - 1) < target
            mid = (lo + hi) // 2
            if self._count(mid) >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _span_provisional(self, after: int, through: int) -> bool:
        """Whether any day with ordinal in (after, through] is not settled."""
        return self._span_reason(after, through) is not None

    def _span_reason(self, after: int, through: int) -> str | None:
        """Why a day with ordinal in (after, through] is not settled, in the desk's words; None
        when every one is. Two reasons, each true only for its dates: a year with no schedule
        loaded (counted on weekends only), or a December whose next year's notice — which can
        move late-December days — is not loaded yet."""
        if through <= after:
            return None
        first = dt.date.fromordinal(after + 1)
        last = dt.date.fromordinal(through)
        unloaded = [y for y in range(first.year, last.year + 1) if y not in self._years]
        if unloaded:
            years = "、".join(str(y) for y in unloaded)
            return f"{years}年节假日安排尚未载入，只按周末计算"
        # Every year in the span is loaded, so only the last year's December can be unsettled
        # (an earlier year's next year is in the span, hence loaded).
        if last.year + 1 not in self._years and last >= dt.date(last.year, 12, 1):
            return f"年末日期可能因{last.year + 1}年节假日安排调整"
        return None

    def provisional_reason(self, a: dt.date, b: dt.date) -> str | None:
        """Why `workdays_between(a, b)` — or a due date computed over (a, b] — may change, in
        words true for those dates (the text after 暂定 on the CLI, the screens and the slips);
        None when settled."""
        lo, hi = sorted((a.toordinal(), b.toordinal()))
        return self._span_reason(lo, hi)

    def add_workdays(self, start: dt.date, n: int) -> Due:
        """The n-th working day after `start` (start itself not counted, 民法典 §201).

        n == 0 returns `start` (即办件: due the same day), not provisional. For n >= 1 the result
        is always a working day; provisional when a day in (start, result] is not settled.
        Raises `InvalidInput(field="n")` for n < 0 or a result past 9999-12-31.
        """
        if n < 0:
            raise InvalidInput("n", "工作日数不能为负数 / n must not be negative")
        if n == 0:
            return Due(start, False)
        s = start.toordinal()
        due = self._first_reaching(s + 1, self._count(s) + n, "n")
        return Due(dt.date.fromordinal(due), self._span_provisional(s, due))

    def add_natural_days(self, start: dt.date, n: int) -> Due:
        """`start + n` calendar days; if that day is a day off (weekend or holiday), the first
        working day after it (民法典 §203: 期间的最后一日是法定休假日的，以法定休假日结束的
        次日为期间的最后一日). A make-up working day ends the period as it stands.

        n == 0 returns `start` unchanged. Provisional when a day from `start + n` through the
        result is not settled (the plain count of days does not depend on the calendar).
        """
        if n < 0:
            raise InvalidInput("n", "天数不能为负数 / n must not be negative")
        if n == 0:
            return Due(start, False)
        last = start.toordinal() + n
        if last > _MAX_ORDINAL:
            raise InvalidInput("n", "结果超出可表示的日期范围 / result is beyond the last date")
        return self._roll(last, "n")

    def roll_forward(self, d: dt.date) -> Due:
        """`d` if it is a working day, else the first working day after it. Provisional when a
        day examined (d through the result) is not settled."""
        return self._roll(d.toordinal(), "date")

    def _roll(self, ordinal: int, field_name: str) -> Due:
        result = self._first_reaching(ordinal, self._count(ordinal - 1) + 1, field_name)
        return Due(dt.date.fromordinal(result), self._span_provisional(ordinal - 1, result))

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b] when a <= b; minus the working days in (b, a] when b < a.

        `workdays_between(today, due)` is "working days left": 0 on the due day (and on days
        off right after it), negative once overdue. Antisymmetric, additive, and
        `workdays_between(d, add_workdays(d, n).date) == n`. See `provisional_between`.
        """
        return self._count(b.toordinal()) - self._count(a.toordinal())

    def provisional_between(self, a: dt.date, b: dt.date) -> bool:
        """Whether `workdays_between(a, b)` may change: a day in (min, max] is not settled."""
        lo, hi = sorted((a.toordinal(), b.toordinal()))
        return self._span_provisional(lo, hi)

    def workdays_in(self, first: dt.date, last: dt.date) -> int:
        """Working days in the closed interval [first, last]; 0 when last < first."""
        if last < first:
            return 0
        return self._count(last.toordinal()) - self._count(first.toordinal() - 1)


def warning_level(workdays_left: int, yellow_at: int) -> WarningLevel:
    """red: due today or overdue (left <= 0); yellow: left <= yellow_at; else normal."""
    if workdays_left <= 0:
        return "red"
    if workdays_left <= yellow_at:
        return "yellow"
    return "normal"


# --------------------------------------------------------------------------------------
# Seed from the chinesecalendar package


def seed_schedules() -> dict[int, YearSchedule]:
    """One schedule per year the installed `chinesecalendar` package covers (2004–2026 for
    1.11.0). The covered range is read from the package data and confirmed year by year with
    the package's own range check, so a newer package extends it without code changes."""
    import chinese_calendar as cc

    try:
        from importlib.metadata import version

        pkg_version = version("chinesecalendar")
    except Exception:  # metadata missing in some frozen builds: fall back to the module
        pkg_version = str(getattr(cc, "__version__", "unknown"))
    source = f"chinesecalendar {pkg_version}"

    holidays: dict[dt.date, str] = dict(cc.holidays)
    workdays: dict[dt.date, str] = dict(cc.workdays)
    if not holidays:
        return {}
    years = range(min(holidays).year, max(holidays).year + 1)
    result: dict[int, YearSchedule] = {}
    for year in years:
        try:
            cc.is_workday(dt.date(year, 7, 1))
        except NotImplementedError:
            continue
        off = {d for d in holidays if d.year == year}
        on = {d for d in workdays if d.year == year and _is_weekend(d)}
        names = {d: _chinese_name(cc, holidays[d]) for d in off}
        names.update({d: _chinese_name(cc, workdays[d]) for d in on})
        result[year] = YearSchedule(year, frozenset(off), frozenset(on), source, names)
    return result


def _chinese_name(cc: Any, english: str) -> str:
    try:
        return str(cc.Holiday(english).chinese)
    except ValueError:
        return english


# --------------------------------------------------------------------------------------
# Import files: our own format and holiday-cn


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> NoReturn:
    raise InvalidInput("file", f"文件中不允许 {name} / {name} is not allowed")


def _load_json(text: str) -> Any:
    if not isinstance(text, str):
        raise InvalidInput("file", "文件内容必须是文本 / file content must be text")
    try:
        return json.loads(
            text.removeprefix("\ufeff"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "file",
            f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg} / "
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from None
    except _Duplicate as exc:
        raise InvalidInput(
            "file", f"同一对象中键 {exc.key!r} 重复 / duplicate key {exc.key!r}"
        ) from None
    except RecursionError:
        raise InvalidInput("file", "JSON 嵌套过深 / JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise InvalidInput("file", f"不是有效的 JSON：{exc} / invalid JSON") from None


def _type_name(value: object) -> str:
    return {
        dict: "对象 object",
        list: "数组 array",
        str: "字符串 string",
        bool: "布尔值 boolean",
        int: "整数 integer",
        float: "小数 number",
    }.get(type(value), "null")


def _expect_obj(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(
            path or "file", f"应为对象，实际是{_type_name(value)} / expected an object"
        )
    return value


def _expect_list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(path, f"应为数组，实际是{_type_name(value)} / expected an array")
    return value


def _expect_str(value: object, path: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput(path, f"应为字符串，实际是{_type_name(value)} / expected a string")
    if not value.strip():
        raise InvalidInput(path, "不能为空 / must not be empty")
    if len(value) > max_length:
        raise InvalidInput(path, f"过长（最多 {max_length} 字）/ longer than {max_length}")
    return value


def _require(obj: dict[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        where = f"{path}.{key}" if path else key
        raise InvalidInput(where, f"缺少字段 {key} / missing field {key!r}")
    return obj[key]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _parse_year(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            path, f"年份应为整数，实际是{_type_name(value)} / year must be an integer"
        )
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise InvalidInput(
            path, f"年份 {value} 不在 {MIN_YEAR}–{MAX_YEAR} 之间 / year out of range"
        )
    return value


def _parse_date(value: object, path: str, year: int) -> dt.date:
    if not isinstance(value, str):
        raise InvalidInput(path, f"日期应为字符串，实际是{_type_name(value)} / expected a date")
    if not _ISO_DATE.fullmatch(value):
        raise InvalidInput(
            path, f"日期 {value[:40]!r} 格式应为 YYYY-MM-DD / date must be YYYY-MM-DD"
        )
    try:
        d = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(path, f"{value} 不是有效日期 / {value} is not a real date") from None
    if not _in_schedule_range(year, d):
        raise InvalidInput(
            path,
            f"{value} 不属于 {year} 年（只接受该年及上一年12月的日期）/ "
            f"{value} is outside {year} (and the December before it)",
        )
    return d


class _Days:
    """Accumulates declared days of one year with their JSON paths, for precise errors."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.holidays: dict[dt.date, str] = {}  # date -> path
        self.workdays: dict[dt.date, str] = {}
        self.names: dict[dt.date, str] = {}

    def add(self, d: dt.date, off: bool, name: str | None, path: str) -> None:
        mine, other = (self.holidays, self.workdays) if off else (self.workdays, self.holidays)
        if d in mine:
            raise InvalidInput(path, f"{d.isoformat()} 重复出现 / {d.isoformat()} listed twice")
        if d in other:
            raise InvalidInput(
                path,
                f"{d.isoformat()} 同时被列为放假日和调休上班日 / "
                f"{d.isoformat()} is both a day off and a make-up workday",
            )
        mine[d] = path
        if name is not None:
            self.names[d] = name.strip()

    def build(self, source: str, path: str) -> YearSchedule:
        if not any(d.year == self.year for d in self.holidays):
            raise InvalidInput(
                path or "holidays",
                f"{self.year} 年没有任何放假日期，国务院通知可能尚未发布 / "
                f"no day off listed for {self.year}: the notice may not be out yet",
            )
        return YearSchedule(
            self.year,
            frozenset(self.holidays),
            frozenset(self.workdays),
            source.strip(),
            self.names,
        )


def _check_weekend_workday(d: dt.date, path: str) -> None:
    if not _is_weekend(d):
        raise InvalidInput(
            path,
            f"调休上班日 {d.isoformat()} 不是周六或周日，请核对日期 / "
            f"make-up workday {d.isoformat()} is not a Saturday or Sunday",
        )


_OWN_YEAR_KEYS = {"year", "source", "holidays", "workdays"}
_OWN_DAY_KEYS = {"date", "name"}


def _parse_own_year(value: object, path: str) -> YearSchedule:
    obj = _expect_obj(value, path)
    unknown = sorted(set(obj) - _OWN_YEAR_KEYS)
    if unknown:
        raise InvalidInput(
            _join(path, unknown[0]), f"未知字段 {unknown[0]!r} / unknown field {unknown[0]!r}"
        )
    year = _parse_year(_require(obj, "year", path), _join(path, "year"))
    source = _expect_str(_require(obj, "source", path), _join(path, "source"), MAX_SOURCE_LENGTH)
    days = _Days(year)
    for key, off in (("holidays", True), ("workdays", False)):
        if key == "workdays" and key not in obj:
            continue  # a year without make-up days may omit the list
        list_path = _join(path, key)
        for i, item in enumerate(_expect_list(_require(obj, key, path), list_path)):
            item_path = f"{list_path}[{i}]"
            entry = _expect_obj(item, item_path)
            extra = sorted(set(entry) - _OWN_DAY_KEYS)
            if extra:
                raise InvalidInput(
                    f"{item_path}.{extra[0]}", f"未知字段 {extra[0]!r} / unknown field"
                )
            d = _parse_date(_require(entry, "date", item_path), f"{item_path}.date", year)
            name = None
            if "name" in entry:
                name = _expect_str(entry["name"], f"{item_path}.name", MAX_NAME_LENGTH)
            if not off:
                _check_weekend_workday(d, f"{item_path}.date")
            days.add(d, off, name, f"{item_path}.date")
    return days.build(source, _join(path, "holidays"))


def _parse_holiday_cn(obj: dict[str, Any]) -> YearSchedule:
    year = _parse_year(_require(obj, "year", ""), "year")
    papers: list[str] = []
    if "papers" in obj:
        for i, paper in enumerate(_expect_list(obj["papers"], "papers")):
            papers.append(_expect_str(paper, f"papers[{i}]", MAX_SOURCE_LENGTH).strip())
    source = f"holiday-cn {year}.json" + (": " + " ".join(papers) if papers else "")
    if len(source) > MAX_SOURCE_LENGTH:
        source = source[: MAX_SOURCE_LENGTH - 1] + "…"
    days = _Days(year)
    for i, item in enumerate(_expect_list(_require(obj, "days", ""), "days")):
        item_path = f"days[{i}]"
        entry = _expect_obj(item, item_path)
        d = _parse_date(_require(entry, "date", item_path), f"{item_path}.date", year)
        off = _require(entry, "isOffDay", item_path)
        if not isinstance(off, bool):
            raise InvalidInput(
                f"{item_path}.isOffDay", "isOffDay 应为 true 或 false / must be a boolean"
            )
        name = None
        if "name" in entry:
            name = _expect_str(entry["name"], f"{item_path}.name", MAX_NAME_LENGTH)
        if not off and not _is_weekend(d):
            # holiday-cn marks the day normal work resumes after an extended holiday as
            # isOffDay=false (2020-02-03, a Monday). A weekday is a working day anyway.
            continue
        days.add(d, off, name, f"{item_path}.date")
    return days.build(source, "days")


def parse_schedule_file(text: str) -> list[YearSchedule]:
    """Parse an import file: our `clerkdesk-holidays` format (any number of years) or one
    holiday-cn year file. Returns the schedules sorted by year. Every problem raises
    `InvalidInput` whose `field` is the JSON path at fault (e.g. `years[0].holidays[3].date`)
    or `file` for a file that is not JSON; no other exception escapes for any string.
    See docs/holiday-file-format.md."""
    data = _load_json(text)
    obj = _expect_obj(data, "")
    if "format" in obj:
        if obj["format"] != FILE_FORMAT:
            raise InvalidInput(
                "format", f"format 应为 {FILE_FORMAT!r} / format must be {FILE_FORMAT!r}"
            )
        version = _require(obj, "version", "")
        if isinstance(version, bool) or version != FILE_VERSION:
            shown = str(version)[:20] if isinstance(version, int | str) else _type_name(version)
            raise InvalidInput(
                "version",
                f"不支持的版本 {shown}，本软件读取版本 {FILE_VERSION} / unsupported version",
            )
        unknown = sorted(set(obj) - {"format", "version", "years"})
        if unknown:
            raise InvalidInput(unknown[0], f"未知字段 {unknown[0]!r} / unknown field")
        items = _expect_list(_require(obj, "years", ""), "years")
        if not items:
            raise InvalidInput("years", "文件中没有任何年份 / no year in the file")
        schedules: list[YearSchedule] = []
        seen: dict[int, int] = {}
        for i, item in enumerate(items):
            schedule = _parse_own_year(item, f"years[{i}]")
            if schedule.year in seen:
                raise InvalidInput(
                    f"years[{i}].year",
                    f"{schedule.year} 年重复出现（另见 years[{seen[schedule.year]}]）/ "
                    f"year {schedule.year} appears twice",
                )
            seen[schedule.year] = i
            schedules.append(schedule)
        schedules.sort(key=lambda s: s.year)
        _check_cross_year(schedules, seen)
        return schedules
    if "days" in obj and "year" in obj:
        return [_parse_holiday_cn(obj)]
    raise InvalidInput(
        "file",
        "无法识别的文件格式：应为 clerkdesk-holidays 或 holiday-cn 格式 / "
        "unknown format: expected clerkdesk-holidays or holiday-cn",
    )


def _check_cross_year(schedules: list[YearSchedule], index: Mapping[int, int]) -> None:
    """A December day listed by both Y and Y+1 in one file must agree."""
    by_year = {s.year: s for s in schedules}
    for s in schedules:
        nxt = by_year.get(s.year + 1)
        if nxt is None:
            continue
        conflicts = sorted((s.holidays & nxt.workdays) | (s.workdays & nxt.holidays))
        if conflicts:
            d = conflicts[0]
            raise InvalidInput(
                f"years[{index[nxt.year]}]",
                f"{d.isoformat()} 在 {s.year} 年与 {nxt.year} 年的安排中相互矛盾 / "
                f"{d.isoformat()} conflicts between {s.year} and {nxt.year}",
            )


def dump_schedule_file(schedules: Iterable[YearSchedule] | Mapping[int, YearSchedule]) -> str:
    """Our `clerkdesk-holidays` format, years ascending; `parse_schedule_file` reads it back
    to equal schedules. Raises ValueError when a year is given twice."""
    items = list(schedules.values()) if isinstance(schedules, Mapping) else list(schedules)
    years = [s.year for s in items]
    if len(set(years)) != len(years):
        raise ValueError("a year is given twice")
    body = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "years": [s.to_json() for s in sorted(items, key=lambda s: s.year)],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
