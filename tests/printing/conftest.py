"""Every form rendered once per test session from the demo data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from printing import samples
from printing.forms import FORMS

# (sample id, form kind, factory): the same variants `render_forms` draws.
SAMPLES: dict[str, tuple[str, Callable[[], object]]] = {
    "receipt": ("receipt", samples.receipt),
    "receipt-provisional": ("receipt", lambda: samples.receipt(provisional=True)),
    "receipt-rare-name": ("receipt", lambda: samples.receipt(rare_name=True)),
    "notice": ("notice", samples.notice),
    "rejection": ("rejection", samples.rejection),
    "completion": ("completion", samples.completion),
    "referral": ("referral", samples.referral),
    "guide": ("guide", samples.guide),
    "away": ("away", samples.away_sign),
    "card": ("card", samples.staff_card),
    "card-no-photo": ("card", lambda: samples.staff_card(with_photo=False)),
    "daily": ("daily", samples.daily_report),
}

ALL_RENDERS = [
    (sample_id, layout)
    for sample_id, (kind, _) in SAMPLES.items()
    for layout in FORMS[kind].layouts
]


@pytest.fixture(scope="session")
def rendered() -> dict[tuple[str, str], bytes]:
    out = {}
    for sample_id, layout in ALL_RENDERS:
        kind, make = SAMPLES[sample_id]
        out[(sample_id, layout)] = FORMS[kind].render(make(), layout)
    return out
