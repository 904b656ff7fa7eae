"""Cases: intake + accept committed latency, and case search on a ledger of 1,000,000 cases
vs the same indexed queries on plain sqlite3 (DESIGN §11, issue 3).

The large ledger's projection rows are generated in bulk with SQL (going through a million
intake events would measure the generator, not the search). BENCH_CASES overrides the size.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import Ratio, best_of
from db import keys
from db.connection import open_encrypted
from db.migrations import MIGRATIONS

SIZE = int(os.environ.get("BENCH_CASES", "1000000"))
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "秀英桂英玉兰志强建国建华永红海燕丽娟国平明华春梅"


def _intake_accept() -> tuple[float, float]:
    from app import cases, catalogue
    from app.applicants import Person
    from app.desk import set_up

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    with tempfile.TemporaryDirectory() as tmp:
        desk, _ = set_up(
            Path(tmp) / "b.ledger",
            centre_code="510421100",
            centre_name="攀莲镇便民服务中心",
            desk_no=1,
            admin_username="admin",
            admin_display_name="管理员",
            passphrase="bench passphrase 1",
        )
        catalogue.install_demo(desk)
        item = catalogue.get_item(desk.conn, "512B0003600031").item
        ticks = {m.code: cases.MaterialTick("received") for m in item.materials}
        person = Person("张秀英", "resident_id", "11010519491231002X", "13800138000", "攀莲镇")
        n = 100
        start = time.perf_counter()
        for _ in range(n):
            case_no = cases.intake(desk, item.code, person, ticks).case_no
            cases.accept(desk, case_no)
        ours = (time.perf_counter() - start) / n
        desk.close()

        plain = sqlite3.connect(Path(tmp) / "plain.db", isolation_level=None)
        plain.execute("PRAGMA journal_mode = WAL")
        plain.execute("PRAGMA synchronous = FULL")
        plain.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        start = time.perf_counter()
        for i in range(n):
            for j in range(2):  # two commits, like intake and accept
                plain.execute("BEGIN IMMEDIATE")
                plain.execute("INSERT INTO t VALUES (?, ?)", (i * 2 + j, "x" * 400))
                plain.execute("COMMIT")
        baseline = (time.perf_counter() - start) / n
        plain.close()
    return ours, baseline


def _fill(conn: sqlite3.Connection | object, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Bulk rows into applicants and cases; returns sample (case_no, id, name, phone)."""
    from app.cases import format_case_no

    c = conn  # type: ignore[assignment]
    c.execute("BEGIN")  # type: ignore[attr-defined]
    day0 = dt.date(2025, 1, 1)
    samples: list[tuple[str, str, str, str]] = []
    batch_a: list[tuple[object, ...]] = []
    batch_c: list[tuple[object, ...]] = []
    for i in range(SIZE):
        day = day0 + dt.timedelta(days=i // 2800)
        seq = i % 2800 + 1
        case_no = format_case_no("510421100", 1, day, seq)
        id_number = f"510421{1940 + i % 60}{i:07d}"[:17] + "X"
        name = _SURNAMES[i % 20] + _GIVEN[(i * 7) % 24] + _GIVEN[(i * 13) % 24]
        phone = f"13{i:09d}"
        key = f"resident_id:{id_number}"
        batch_a.append((key, "resident_id", id_number, name, phone, "攀莲镇", "t", "t"))
        batch_c.append(
            (
                case_no,
                seq,
                "512B0003600031",
                1,
                "临时救助",
                "committed",
                10,
                "working",
                key,
                None,
                "window",
                "completed",
                day.isoformat(),
                "t",
                "admin",
                "admin",
                "t",
                i + 1,
            )
        )
        if i % 100_003 == 0:
            samples.append((case_no, id_number, name[:2], phone))
        if len(batch_c) == 50_000:
            _flush(c, batch_a, batch_c)
    _flush(c, batch_a, batch_c)
    c.execute("COMMIT")  # type: ignore[attr-defined]
    return samples


def _flush(c: object, batch_a: list[tuple[object, ...]], batch_c: list[tuple[object, ...]]) -> None:
    c.executemany(  # type: ignore[attr-defined]
        "INSERT INTO applicants VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch_a
    )
    c.executemany(  # type: ignore[attr-defined]
        "INSERT INTO cases (case_no, desk_seq, item_code, item_version, item_name, case_kind, "
        "limit_days, limit_unit, applicant_key, agent, channel, state, received_on, received_at, "
        "received_by, holder, updated_at, last_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch_c,
    )
    batch_a.clear()
    batch_c.clear()


def _search_ratios() -> list[Ratio]:
    from app.cases import search_cases

    with tempfile.TemporaryDirectory() as tmp:
        enc = open_encrypted(Path(tmp) / "big.ledger", os.urandom(32))
        plain = sqlite3.connect(Path(tmp) / "big-plain.db", isolation_level=None)
        for conn in (enc, plain):
            conn.execute("PRAGMA journal_mode = WAL")
            for m in MIGRATIONS:
                conn.executescript(m.sql)
        samples = _fill(enc, random.Random(1))
        _fill(plain, random.Random(1))
        rows: list[Ratio] = []
        for label, pick in (
            ("case number", 0),
            ("ID number", 1),
            ("name prefix", 2),
            ("phone", 3),
        ):
            queries = [s[pick] for s in samples]

            def run(conn: object, qs: list[str] = queries) -> None:
                for q in qs:
                    assert search_cases(conn, q)  # type: ignore[arg-type]

            ours = best_of(lambda: run(enc), 3) / len(queries)
            base = best_of(lambda: run(plain), 3) / len(queries)
            rows.append(
                Ratio(
                    f"search {SIZE:,} cases by {label}",
                    ours * 1000,
                    base * 1000,
                    "ms",
                    "same query, plain sqlite3",
                )
            )
        enc.close()
        plain.close()
    return rows


def run() -> list[Ratio]:
    ours, baseline = _intake_accept()
    return [
        Ratio(
            "intake + accept, committed",
            ours * 1000,
            baseline * 1000,
            "ms",
            "two plain sqlite3 commits",
        ),
        *_search_ratios(),
    ]
