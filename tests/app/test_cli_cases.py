"""A clerk's day through the command line: intake, notice, return, accept, complete; and the
calendar and catalogue commands an administrator scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.demo import DEMO_PASSPHRASE
from tests.app.test_cli import clerkdesk
from tests.conftest import PASSPHRASE

MINIMUM_ITEM = "512B0003600031"  # 临时救助, 10 working days, six materials


@pytest.fixture
def desk_path(make_desk, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    from app import catalogue

    desk, _ = make_desk()
    catalogue.install_demo(desk)
    path = desk.path
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    return path


def run(capsys, monkeypatch, path: Path, *argv: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return clerkdesk(
        capsys, monkeypatch, *argv, "--ledger", str(path), "--user", "admin", stdin=stdin
    )


def test_intake_notice_return_accept_complete(desk_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "intake",
        "--item",
        MINIMUM_ITEM,
        "--name",
        "张秀英",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "138 0013 8000",
        "--received",
        "M01,M02",
        "--json",
    )
    assert code == 0, err
    intake = json.loads(out)
    case_no = intake["case_no"]
    assert intake["complete"] is False

    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "notice",
        case_no,
        "--extra",
        "村委会证明|未盖章|请加盖村委会公章",
    )
    assert code == 0, err
    assert "一次性告知书" in out and "村委会证明" in out

    # A second notice is the rule breach the plan forbids: refused, exit 4.
    code, _, err = run(capsys, monkeypatch, desk_path, "case", "notice", case_no)
    assert code == 4 and "负责人授权" in err

    code, _, err = run(capsys, monkeypatch, desk_path, "case", "accept", case_no)
    assert code == 4 and "材料不齐" in err
    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "accept",
        case_no,
        "--received",
        "M01,M02,M03,M04,M05,M06",
        "--not-applicable",
        "",
    )
    assert code == 0, err
    assert "受字" in out and "承诺办结" in out

    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "complete",
        case_no,
        "--result",
        "approved",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["summary"]["state"] == "completed"

    code, out, _ = run(capsys, monkeypatch, desk_path, "case", "show", case_no, "--json")
    kinds = [e["kind"] for e in json.loads(out)["timeline"]]
    assert kinds == ["case.received", "case.notice_issued", "case.accepted", "case.completed"]

    code, out, _ = run(capsys, monkeypatch, desk_path, "case", "search", "张秀")
    assert case_no in out


def test_backfilled_intake_and_bad_input(desk_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "intake",
        "--item",
        MINIMUM_ITEM,
        "--name",
        "李四",
        "--id-number",
        "110105194912310021",
        "--phone",
        "13800138000",
        "--all-received",
    )
    assert code == 2 and "applicant.id_number" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "intake",
        "--item",
        MINIMUM_ITEM,
        "--name",
        "李四",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13800138000",
        "--all-received",
        "--on",
        "2026-02-27",
        "--json",
    )
    assert code == 0, err
    assert "20260227" in json.loads(out)["case_no"].replace("-", "")
    code, _, err = run(capsys, monkeypatch, desk_path, "case", "show", "5104211000120260227000")
    assert code == 2 and "case_no" in err


def test_calendar_commands(calendar_through_2026, desk_path, capsys, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys, monkeypatch, desk_path, "calendar", "add-workdays", "2026-02-12", "5"
    )
    assert (code, out.strip()) == (0, "2026-02-26")
    code, out, _ = run(
        capsys, monkeypatch, desk_path, "calendar", "add-workdays", "2026-12-21", "9"
    )
    assert code == 0 and out.strip().endswith("provisional")
    schedule = {
        "format": "clerkdesk-holidays",
        "version": 1,
        "years": [
            {
                "year": 2027,
                "source": "测试用安排（非真实）",
                "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                "workdays": [],
            }
        ],
    }
    f = tmp_path / "2027.json"
    f.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, desk_path, "calendar", "import", str(f))
    assert code == 0, err
    code, out, _ = run(
        capsys, monkeypatch, desk_path, "calendar", "add-workdays", "2026-12-21", "9", "--json"
    )
    assert json.loads(out) == {"date": "2027-01-04", "provisional": False}
    f.write_text("{broken", encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, desk_path, "calendar", "import", str(f))
    assert code == 2 and "Traceback" not in err


def test_catalogue_search_and_export(desk_path, capsys, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, monkeypatch, desk_path, "catalogue", "search", "dbsq")
    assert code == 0 and "最低生活保障" in out.splitlines()[0] and "演示数据" in out
    out_file = tmp_path / "cat.json"
    code, _, _ = run(capsys, monkeypatch, desk_path, "catalogue", "export", "--out", str(out_file))
    assert code == 0 and json.loads(out_file.read_text(encoding="utf-8"))["items"]
    code, out, err = run(capsys, monkeypatch, desk_path, "catalogue", "import", str(out_file))
    assert code == 0 and "已发布 0 个" in out, err


def test_demo_ledger(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.ledger"
    code, out, err = clerkdesk(capsys, monkeypatch, "demo", "--ledger", str(path))
    assert code == 0, err
    assert DEMO_PASSPHRASE in out
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", DEMO_PASSPHRASE)
    code, out, _ = clerkdesk(
        capsys, monkeypatch, "case", "list", "--ledger", str(path), "--user", "liuyang", "--json"
    )
    states = {c["state"] for c in json.loads(out)}
    assert states >= {
        "received",
        "awaiting_correction",
        "accepted",
        "in_handling",
        "completed",
        "rejected",
        "withdrawn",
        "lapsed",
    }
    code, out, _ = clerkdesk(
        capsys,
        monkeypatch,
        "case",
        "list",
        "--ledger",
        str(path),
        "--user",
        "zhaomin",
        "--open",
        "--json",
    )
    assert {"red", "yellow", "normal"} <= {c["light"] for c in json.loads(out)}
    code, out, _ = clerkdesk(
        capsys, monkeypatch, "verify", "--ledger", str(path), "--user", "zhaomin"
    )
    assert code == 0


def test_intake_under_another_name_is_refused_until_confirmed(
    desk_path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def intake(name: str, *extra: str):  # type: ignore[no-untyped-def]
        return run(
            capsys, monkeypatch, desk_path, "case", "intake", "--item", MINIMUM_ITEM,
            "--name", name, "--id-number", "11010519491231002X", "--phone", "13800138000",
            "--all-received", "--json", *extra,
        )  # fmt: skip

    code, out, _ = intake("张秀英")
    assert code == 0
    first = json.loads(out)["case_no"]
    code, out, err = intake("张秀")
    assert code == 4 and out == ""
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "“张秀英”" in line and "“张秀”" in line
    assert "--name-change correction" in line and "--name-change-reason" in line
    code, _, err = intake("张秀", "--name-change", "correction")
    assert code == 2 and "理由" in err
    code, out, err = intake(
        "张秀", "--name-change", "correction", "--name-change-reason", "身份证原件核对，原登记错字"
    )
    assert code == 0, err
    second = json.loads(out)["case_no"]
    code, out, _ = run(capsys, monkeypatch, desk_path, "case", "show", first)
    assert code == 0 and "张秀英" in out
    code, out, _ = run(capsys, monkeypatch, desk_path, "case", "show", second)
    assert "张秀 " in out and "applicant.renamed" in out


def test_case_show_says_why_a_december_deadline_is_provisional(
    make_desk, clock, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app import cases, catalogue
    from tests.app.case_helpers import all_received, at, person

    desk, _ = make_desk()
    catalogue.install_demo(desk)
    at(clock, "2026-12-01")
    no = cases.intake(desk, MINIMUM_ITEM, person(1), all_received(desk, MINIMUM_ITEM)).case_no
    cases.accept(desk, no)  # 10 working days: 2026-12-15, still in 2026
    path = desk.path
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    code, out, err = run(capsys, monkeypatch, path, "case", "show", no)
    assert code == 0, err
    assert "2026-12-15（暂定：年末日期可能因2027年节假日安排调整）" in out
    assert "跨入" not in out


def test_commands_run_on_the_clock_they_are_given(desk_path, capsys, monkeypatch, clock) -> None:  # type: ignore[no-untyped-def]
    from app.desk import open_desk
    from db.ledger import read_events

    clock.advance(days=3, hours=2)  # 11:00, three days after the desk was set up
    code, out, err = run(
        capsys,
        monkeypatch,
        desk_path,
        "case",
        "intake",
        "--item",
        MINIMUM_ITEM,
        "--name",
        "张秀英",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13800138000",
        "--json",
    )
    assert code == 0, err
    assert clock.current.strftime("%Y%m%d") in json.loads(out)["case_no"].replace("-", "")
    desk = open_desk(desk_path, "admin", PASSPHRASE, clock=clock)
    try:
        last = list(read_events(desk.conn))[-1]
    finally:
        desk.close()
    assert last.at.startswith(clock.current.strftime("%Y-%m-%dT11:00"))


def test_the_demo_ends_yesterday_or_on_the_day_given(tmp_path, capsys, monkeypatch, clock) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from app.desk import open_desk
    from db.ledger import read_events

    def last_day(path: Path) -> dt.date:
        desk = open_desk(path, "admin", DEMO_PASSPHRASE, clock=clock)
        try:
            return max(dt.date.fromisoformat(e.at[:10]) for e in read_events(desk.conn))
        finally:
            desk.close()

    default, chosen = tmp_path / "default.ledger", tmp_path / "chosen.ledger"
    assert clerkdesk(capsys, monkeypatch, "demo", "--ledger", str(default))[0] == 0
    assert last_day(default) == clock.current.date() - dt.timedelta(days=1)
    argv = ["demo", "--ledger", str(chosen), "--end", "2026-10-09"]
    assert clerkdesk(capsys, monkeypatch, *argv)[0] == 0
    assert last_day(chosen) == dt.date(2026, 10, 9)
    code, _, err = clerkdesk(
        capsys, monkeypatch, "demo", "--ledger", str(tmp_path / "x"), "--end", "2026-13-01"
    )
    assert code == 2 and "YYYY-MM-DD" in err and not (tmp_path / "x").exists()


def test_case_show_masks_numbers_unless_a_director_asks_for_them(
    desk_path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app import staff
    from app.desk import open_desk

    desk = open_desk(desk_path, "admin", PASSPHRASE)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", PASSPHRASE)
    staff.add_account(desk, "zhaomin", "赵敏", "director", PASSPHRASE)
    desk.close()
    code, out, err = run(
        capsys, monkeypatch, desk_path, "case", "intake", "--item", MINIMUM_ITEM,
        "--name", "张秀英", "--id-number", "11010519491231002X", "--phone", "13800138000",
        "--agent-name", "李明", "--agent-id-number", "510421195203030020",
        "--agent-phone", "13800000002", "--agent-relationship", "子女",
        "--all-received", "--json",
    )  # fmt: skip
    assert code == 0, err
    case_no = json.loads(out)["case_no"]
    full = ("11010519491231002X", "13800138000", "510421195203030020", "13800000002")

    def show(user: str, *extra: str) -> tuple[int, str, str]:
        return clerkdesk(  # type: ignore[no-any-return]
            capsys, monkeypatch, "case", "show", case_no, *extra,
            "--ledger", str(desk_path), "--user", user,
        )  # fmt: skip

    code, out, err = show("liuyang")
    assert code == 0, err
    assert "110105********002X" in out and "138****8000" in out
    assert not any(n in out for n in full)
    code, out, err = show("liuyang", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["applicant"]["id_number"] == "110105********002X"
    assert shown["agent"]["id_number"] == "510421********0020"
    assert shown["agent"]["phone"] == "138****0002"
    assert not any(n in out for n in full)

    code, out, err = show("liuyang", "--full")
    assert code == 4 and out == ""
    assert "中心负责人" in err and "Traceback" not in err

    code, out, err = show("zhaomin", "--full", "--json")
    assert code == 0, err
    assert all(n in out for n in full)
    code, out, _ = show("zhaomin")
    assert code == 0 and "11010519491231002X" not in out
