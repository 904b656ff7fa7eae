"""What a clerk meets when things go wrong: a restored backup written to (a fork, reported on
both sides), a restored backup not yet written to (behind), a captive portal or a forged
gateway answering in the gateway's place, one sync at a time, and the CLI around it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import cli
from app.desk import Desk, backup_desk, open_desk
from db import backup as db_backup
from db.ledger import head
from sync import client, envelope, outbox, wire
from sync.errors import DeskBehind, ForkDetected, GatewayUnreachable, SyncBusy
from tests.conftest import PASSPHRASE, FakeClock
from tests.sync.conftest import FAST, EnrolledDesk, GatewayProcess
from tests.sync.helpers import assert_gateway_holds_exactly, held_events, write_events


def _restored(desk: Desk, backup: Path, tmp_path: Path, clock: FakeClock) -> Desk:
    target = tmp_path / "restored.ledger"
    db_backup.restore(backup, target)
    return open_desk(target, "admin", PASSPHRASE, clock=clock)


def test_an_old_backup_written_to_is_a_fork_on_both_sides(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk, tmp_path: Path, clock: FakeClock
) -> None:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 4)
    client.sync_now(desk, policy=FAST)
    backed_up_seq = backup_desk(desk, tmp_path / "monday.zip").events
    write_events(desk, 5, start=4)
    client.sync_now(desk, policy=FAST)
    held_before = held_events(shared_gateway.database_url, desk.opened.ledger_id)

    old = _restored(desk, tmp_path / "monday.zip", tmp_path, clock)
    try:
        write_events(old, 1, start=100)  # the restored desk goes on working
        with pytest.raises(ForkDetected) as fork:
            client.sync_now(old, policy=FAST)
        assert fork.value.seq == backed_up_seq + 1
        assert "分叉" in fork.value.message and "联系县级管理员" in fork.value.message
        stopped = outbox.load_state(old.conn).stopped
        assert stopped is not None and stopped["reason"] == "fork"
        assert stopped["seq"] == backed_up_seq + 1
    finally:
        old.close()

    report = shared_gateway.head(desk.opened.ledger_id)
    assert [f["seq"] for f in report["forks"]] == [backed_up_seq + 1]
    held_hash = envelope.decode(dict(held_before)[backed_up_seq + 1], desk.ledger.identity).hash
    assert report["forks"][0]["gateway_hash"] == held_hash == fork.value.gateway_hash
    # Neither side was overwritten: the gateway still holds the original desk's chain.
    assert held_events(shared_gateway.database_url, desk.opened.ledger_id) == held_before
    assert_gateway_holds_exactly(shared_gateway.database_url, desk)
    shown = shared_gateway.admin("head", desk.opened.ledger_id)
    assert f"分叉 / FORK 第 {backed_up_seq + 1} 号" in shown.stdout


def test_an_old_backup_not_yet_written_to_is_told_it_is_behind(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk, tmp_path: Path, clock: FakeClock
) -> None:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 2)
    client.sync_now(desk, policy=FAST)
    backup_desk(desk, tmp_path / "b.zip")
    write_events(desk, 3, start=2)
    client.sync_now(desk, policy=FAST)
    old = _restored(desk, tmp_path / "b.zip", tmp_path, clock)
    try:
        with pytest.raises(DeskBehind) as behind:
            client.sync_now(old, policy=FAST)
        assert (behind.value.desk_seq, behind.value.gateway_seq) == (
            head(old.conn)[0],
            head(desk.conn)[0],
        )
        assert "旧备份" in behind.value.message
    finally:
        old.close()
    assert shared_gateway.head(desk.opened.ledger_id)["forks"] == []


# -- something else answers in the gateway's place -----------------------------------------


class _Impostor(BaseHTTPRequestHandler):
    body = b"<html>Welcome to the hotel Wi-Fi, please log in</html>"
    content_type = "text/html"

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = _answer  # noqa: N815
    do_POST = _answer  # noqa: N815

    def log_message(self, *_args: object) -> None:
        pass


def _forged_head(desk_id: str) -> bytes:
    key = Ed25519PrivateKey.generate()
    receipt = wire.sign_receipt(key, desk_id, 9999, "a" * 64, "2026-01-01T00:00:00+00:00")
    doc = {"acked_seq": 9999, "head_hash": "a" * 64, "receipt": receipt.to_json(), "fork": None}
    return json.dumps(doc).encode()


@pytest.fixture
def impostor() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Impostor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _point_at(desk: Desk, server: ThreadingHTTPServer) -> None:
    found = outbox.load_enrolment(desk.conn)
    assert found is not None
    url = f"http://127.0.0.1:{server.server_address[1]}"
    outbox.save_enrolment(desk.conn, outbox.Enrolment(**{**found.__dict__, "gateway_url": url}))


@pytest.mark.parametrize("answer", ["captive portal page", "receipt signed by another key"])
def test_a_200_that_is_not_the_gateways_receipt_is_a_failure(
    answer: str,
    shared_gateway: GatewayProcess,
    enrolled_desk: EnrolledDesk,
    impostor: ThreadingHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 2)
    client.sync_now(desk, policy=FAST)
    acked = outbox.load_state(desk.conn).acked_seq
    kept = len(outbox.receipts(desk.conn, desk.opened.ledger_id))
    write_events(desk, 2, start=2)
    if answer != "captive portal page":
        monkeypatch.setattr(_Impostor, "body", _forged_head(desk.opened.ledger_id))
        monkeypatch.setattr(_Impostor, "content_type", "application/json")
    _point_at(desk, impostor)
    with pytest.raises(GatewayUnreachable):
        client.sync_now(desk, policy=FAST)
    state = outbox.load_state(desk.conn)
    assert state.acked_seq == acked
    assert state.attempts == FAST.attempts and state.last_error
    assert len(outbox.receipts(desk.conn, desk.opened.ledger_id)) == kept


def test_only_one_sync_runs_at_a_time(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk
) -> None:
    desk = enrolled_desk(shared_gateway)
    with client.sync_lock(desk), pytest.raises(SyncBusy):
        client.sync_now(desk, policy=FAST)


# -- the command line ---------------------------------------------------------------------


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.run(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_enrols_syncs_and_reports(
    shared_gateway: GatewayProcess,
    make_desk: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk, _ = make_desk("cli.ledger", desk_no=7)  # type: ignore[operator]
    write_events(desk, 3)
    path = str(desk.path)
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    common = ["--ledger", path, "--user", "admin"]
    code = shared_gateway.code(desk=7)
    enrol = ["sync", "enrol", *common, "--gateway", shared_gateway.url, "--code", code]
    assert _run(enrol, capsys)[0] == 0
    # A code works once.
    again = _run(enrol, capsys)
    assert again[0] == 4 and "注册码无效" in again[2] and again[2].count("\n") == 1
    status, out, _ = _run(["sync", *common, "--json"], capsys)
    assert status == 0
    result = json.loads(out)
    assert result["acked_seq"] == result["head_seq"] > 0
    status, out, _ = _run(["sync", "status", *common, "--json"], capsys)
    shown = json.loads(out)
    assert (shown["pending"], shown["stopped"]) == (0, None)
    assert shown["acked_seq"] == result["acked_seq"]


def test_the_cli_says_a_fork_in_one_line_and_exits_5(
    shared_gateway: GatewayProcess,
    enrolled_desk: EnrolledDesk,
    tmp_path: Path,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = enrolled_desk(shared_gateway)
    client.sync_now(desk, policy=FAST)
    backup_desk(desk, tmp_path / "b.zip")
    write_events(desk, 2)
    client.sync_now(desk, policy=FAST)
    old = _restored(desk, tmp_path / "b.zip", tmp_path, clock)
    write_events(old, 1, start=50)
    path = str(old.path)
    old.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    code, _, err = _run(["sync", "--ledger", path, "--user", "admin"], capsys)
    assert code == 5
    assert err.startswith("clerkdesk: 本机台账与县网关已确认的记录") and err.count("\n") == 1
