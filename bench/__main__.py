"""`make bench`: run every bench/bench_*.py module's `run()` and print one table of ratios."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import Ratio


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows: list[Ratio] = []
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if not module.name.startswith("bench_"):
            continue
        if wanted and module.name.removeprefix("bench_") not in wanted:
            continue
        print(f"running {module.name} ...", file=sys.stderr, flush=True)
        rows.extend(importlib.import_module(f"bench.{module.name}").run())
    width = max((len(r.name) for r in rows), default=10)
    print(f"{'benchmark':<{width}}  {'ours':>12}  {'baseline':>12}  {'ratio':>8}  baseline is")
    for r in rows:
        print(
            f"{r.name:<{width}}  {r.ours:>10.4g}{r.unit:>2}  {r.baseline:>10.4g}{r.unit:>2}"
            f"  {r.ratio:>7.2f}x  {r.baseline_name}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
