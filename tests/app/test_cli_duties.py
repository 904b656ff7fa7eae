"""The duties and reports from the command line: a clerk's consultations, an away note, a
rating and a complaint, then the director's reports as JSON, CSV and XLSX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.duty_helpers import CLERK, CLERK2, DIRECTOR, PASS, duty_desk
from tests.app.test_cli import clerkdesk
from tests.conftest import PASSPHRASE


@pytest.fixture
def desk_path(make_desk) -> Path:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    path = desk.path
    desk.close()
    return path


def run(capsys, monkeypatch, path: Path, user: str, *argv: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE if user == "admin" else PASS)
    return clerkdesk(capsys, monkeypatch, *argv, "--ledger", str(path), "--user", user)


def test_a_day_of_duties_and_its_reports(desk_path, capsys, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def cli(user: str, *argv: str) -> tuple[int, str, str]:
        return run(capsys, monkeypatch, desk_path, user, *argv)  # type: ignore[no-any-return]

    code, out, err = cli(CLERK, "consult", "log", "--question", "低保怎么申请？", "--answer",
                         "……", "--item", "512B0003600029", "--json")  # fmt: skip
    assert code == 0, err
    consult_no = json.loads(out)["consult_no"]
    code, out, err = cli(CLERK, "consult", "log", "--question", "医保异地报销？", "--answer",
                         "县医保局办理", "--topic", "医保", "--not-ours", "--refer-to",
                         "县医保局窗口", "--responsible", "刘敏", "--json")  # fmt: skip
    assert code == 0, err
    slip_no = json.loads(out)["consult_no"]
    code, out, err = cli(CLERK, "consult", "slip", slip_no, "--json")
    assert code == 0 and json.loads(out)["responsible_person"] == "刘敏", err

    code, out, err = cli(CLERK, "rate", "--consultation", consult_no, "--level", "5")
    assert code == 0 and "差评整改" in out, err
    code, _, err = cli(CLERK, "rate", "--consultation", consult_no, "--level", "1")
    assert code == 4 and "一次一评" in err
    code, out, err = cli(DIRECTOR, "rating", "open", "--json")
    assert code == 0 and json.loads(out)[0]["next_step"] == "verify", err

    code, out, err = cli(CLERK, "away", "post", "--reason", "village", "--place", "挂榜村",
                         "--until", "2099-01-01T00:00", "--phone", "13800138000")  # fmt: skip
    assert code == 2 and "14" in err  # more than 14 days is leave, not an away note
    code, out, err = cli(CLERK, "away", "post", "--reason", "village", "--place", "挂榜村",
                         "--until", "23:59", "--phone", "13800138000", "--json")  # fmt: skip
    if code == 2:  # run just before midnight: the time has passed
        assert "晚于现在" in err
    else:
        assert code == 0 and json.loads(out)["cover"] == CLERK2, err
        code, out, err = cli(DIRECTOR, "away", "list")
        assert code == 0 and "挂榜村" in out, err
        code, out, err = cli(DIRECTOR, "window", "board")
        assert code == 0 and "wangwu 代岗" in out, err
        code, out, err = cli(CLERK, "away", "return")
        assert code == 0 and "已返回" in out, err

    code, out, err = cli(CLERK, "complain", "register", "--channel", "box", "--content",
                         "排队时间长", "--about-staff", CLERK2, "--json")  # fmt: skip
    assert code == 0, err
    complaint_no = json.loads(out)["complaint_no"]
    code, _, err = cli(CLERK, "complain", "handle", complaint_no, "--handling", "x", "--result",
                       "y")  # fmt: skip
    assert code == 4 and "中心负责人" in err  # a director's action, refused
    code, out, err = cli(DIRECTOR, "complain", "handle", complaint_no, "--handling", "增开窗口",
                         "--result", "已整改")  # fmt: skip
    assert code == 0 and "已办理待回访" in out, err

    code, out, err = cli(CLERK, "appoint", "--time", "18:30", "--after-hours", "--group",
                         "elderly", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["after_hours"] is True, err

    code, out, err = cli(CLERK, "report", "daily", "--json")
    assert code == 0, err
    daily = json.loads(out)
    assert daily["consultations"]["total"] == 2 and daily["consultations"]["referred"] == 1
    assert daily["ratings"]["total"] == 1 and daily["ratings"]["bad"] == 1
    assert daily["complaints"]["received"] == 1 and daily["special"]["appointments"] == 1
    assert daily["daily"] is True
    code, out, err = cli(CLERK, "report", "daily")
    assert code == 0 and "满意率" in out and "咨询" in out, err
    start = daily["start"]
    code, out, err = cli(DIRECTOR, "report", "range", "--from", "2026-03-01", "--to", start,
                         "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["consultations"]["total"] == 2, err

    csv_file, xlsx_file = tmp_path / "r.csv", tmp_path / "r.xlsx"
    code, _, err = cli(CLERK, "report", "export", "--from", start, "--to", start, "--csv",
                       str(csv_file))  # fmt: skip
    assert code == 4 and not csv_file.exists()  # export is for the director
    for target in (("--csv", csv_file), ("--xlsx", xlsx_file)):
        code, out, err = cli(DIRECTOR, "report", "export", "--from", start, "--to", start,
                             target[0], str(target[1]))  # fmt: skip
        assert code == 0 and target[1].stat().st_size > 0, err
    assert "# 概况" in csv_file.read_text(encoding="utf-8-sig")


def test_centre_commands(desk_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def cli(user: str, *argv: str) -> tuple[int, str, str]:
        return run(capsys, monkeypatch, desk_path, user, *argv)  # type: ignore[no-any-return]

    code, out, err = cli(DIRECTOR, "centre", "profile-set", "--address", "攀莲镇", "--hours",
                         "工作日", "--supervision-phone", "12345", "--population", "40000",
                         "--hall-area", "110.5")  # fmt: skip
    assert code == 0 and "未达三级标准" in out and "9.5" in out, err
    code, out, err = cli(CLERK, "centre", "profile", "--json")
    assert code == 0, err
    grade = json.loads(out)["grade"]
    assert grade["below_third"] is True and grade["label"] == "未达三级标准"
    assert grade["shortfall_m2"] == "9.5" and grade["minimum_m2"] == [250, 200, 120]
    code, _, err = cli(CLERK, "centre", "profile", "--code", "510421201")
    assert code == 4  # another centre: director only
    code, out, err = cli(DIRECTOR, "centre", "training", "zhaoliu", "--kind", "pre_job",
                         "--title", "岗前培训", "--passed", "yes")  # fmt: skip
    assert code == 0, err
    code, out, err = cli(DIRECTOR, "window", "define", "3")
    assert code == 0, err
    code, out, err = cli(DIRECTOR, "window", "assign", "3", "--primary", "zhaoliu", "--backup",
                         CLERK)  # fmt: skip
    assert code == 0 and "3号 综合窗口3  A角 zhaoliu" in out, err
    code, out, err = cli(DIRECTOR, "centre", "inspection", "--kind", "fire", "--result", "ok")
    assert code == 0, err
    code, out, err = cli(DIRECTOR, "centre", "inspections")
    assert code == 0 and "防潮检查  未安排" in out, err


def test_rating_an_empty_number_is_a_clear_error(desk_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for option in ("--case", "--consultation", "--service"):
        got, _, err = run(capsys, monkeypatch, desk_path, CLERK, "rate", option, "", "--level", "1")
        assert got == 2, (option, err)
        assert "internal error" not in err and "Traceback" not in err
        assert err.startswith("clerkdesk: contact_ref: 请填写被评价的")


def test_exporting_to_a_missing_folder_is_a_clear_error(
    desk_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    target = tmp_path / "no such folder" / "r.csv"
    code, _, err = run(capsys, monkeypatch, desk_path, DIRECTOR, "report", "export", "--from",
                       "2026-03-02", "--to", "2026-03-02", "--csv", str(target))  # fmt: skip
    assert code == 2 and err.startswith("clerkdesk: file: 文件夹不存在"), err
    assert not target.parent.exists()
