"""Test-wide set-up. Qt must never try to reach a display: CI has none."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
