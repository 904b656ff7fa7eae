"""Shared pieces of the benchmarks: every benchmark reports a ratio of two measurements taken
in the same run on the same machine, so the table means something on any computer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    name: str
    ours: float
    baseline: float
    unit: str
    baseline_name: str

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock seconds of `repeat` calls: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
