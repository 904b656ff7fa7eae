"""schemathesis against the OpenAPI document the real gateway serves: whatever it sends,
the gateway never answers 5xx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sync.conftest import GatewayProcess


def test_fuzzing_the_served_openapi_finds_no_server_error(
    shared_gateway: GatewayProcess, tmp_path: Path
) -> None:
    tool = Path(sys.executable).parent / "schemathesis"
    done = subprocess.run(
        [str(tool), "run", f"{shared_gateway.url}/openapi.json"]
        + ["--checks", "not_a_server_error", "--max-examples", "40", "--seed", "20260302"]
        + ["--generation-database", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout.split("SUMMARY")[-1]
