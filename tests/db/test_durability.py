"""A clerk never loses a case the screen said was saved, whatever kills the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.desk import Desk, open_desk, verify_desk
from tests.conftest import PASSPHRASE

MakeDesk = Callable[..., tuple[Desk, str]]

WRITER = textwrap.dedent(
    """
    import sys
    from app import staff
    from app.desk import open_desk
    desk = open_desk(__import__("pathlib").Path(sys.argv[1]), "admin", sys.argv[2])
    while True:
        staff.record_passphrase_changed(desk)  # one committed event per loop
        seq = desk.conn.execute("SELECT max(seq) FROM events").fetchone()[0]
        print(seq, flush=True)  # printed only after COMMIT returned: "the screen said saved"
    """
)


@pytest.mark.slow
def test_sigkill_during_appends_loses_no_committed_event(
    make_desk: MakeDesk, tmp_path: Path
) -> None:
    desk, _ = make_desk()
    path = desk.path
    desk.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for round_no, kill_after in enumerate((1, 7, 23, 40, 75)):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), PASSPHRASE],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        confirmed = 0
        deadline = time.monotonic() + 60
        while confirmed < kill_after and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            confirmed = int(line)
        # Kill at an arbitrary moment, most likely in the middle of the next append.
        time.sleep(0.001 * round_no)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert confirmed > 0, "the writer never committed"
        reopened = open_desk(path, "admin", PASSPHRASE)
        head = reopened.conn.execute("SELECT max(seq) FROM events").fetchone()[0]
        assert head >= confirmed
        report = verify_desk(reopened)
        assert report.ok, report.problem
        reopened.close()
