"""Masking of personal numbers on anything printed or shown to the public.

This is the one place masking lives: `app/` and `ui/` import these functions from here, so a
slip, a screen and a report always mask the same way. Masking is idempotent (masking a masked
value changes nothing) and never changes the length or the separators of a value, so a clerk
can still compare a masked number with the card in front of them.
"""

from __future__ import annotations

MASK = "*"


def mask_id_number(id_number: str) -> str:
    """Keep the first 6 and last 4 characters of an ID of 11 characters or more
    (`510421199001011234` → `510421********1234`, an area code and a check tail, as public
    registers do). Shorter IDs (passports, permits) show at most half their characters: the
    first and last quarter."""
    value = id_number.strip()
    n = len(value)
    if n >= 11:
        head, tail = 6, 4
    else:
        visible = n // 2
        tail = min(4, (visible + 1) // 2)
        head = visible - tail
    return value[:head] + MASK * (n - head - tail) + value[n - tail :]


def mask_phone(phone: str) -> str:
    """Mask the middle digits of a phone number, keeping separators in place.

    Mobile `13812345678` → `138****5678`; landline `0812-8171234` → `0812-***1234` (the area
    code, before the first separator, is public and stays). Numbers of 7 digits or more keep
    their last 4 digits; shorter ones keep at most their last 2. Masked positions count as
    digits, so masking twice gives the same result.
    """
    value = phone.strip()
    positions = [i for i, ch in enumerate(value) if ch.isdigit() or ch == MASK]
    d = len(positions)
    if d == 0:
        return value
    if d >= 7:
        tail = 4
        head = _area_code_digits(value)
        if head is None or head > d - tail - 1:
            head = min(3, d - tail - 1)
    else:
        tail = 2 if d >= 4 else 0
        head = 0
    masked = set(positions[head : d - tail])
    return "".join(MASK if i in masked else ch for i, ch in enumerate(value))


def mask_name(name: str) -> str:
    """Mask a personal name for lists others may see (a report left on a desk):
    `王秀英` → `王*英`, `李明` → `李*`, `欧阳娜娜` → `欧**娜`. One character stays as is."""
    value = name.strip()
    n = len(value)
    if n <= 1:
        return value
    if n == 2:
        return value[0] + MASK
    return value[0] + MASK * (n - 2) + value[-1]


def _area_code_digits(value: str) -> int | None:
    """Digits before the first separator when they look like an area code or a mobile
    prefix (3 or 4 digits, as in `0812-8171234` or `138-1234-5678`), else None."""
    count = 0
    for ch in value:
        if ch.isdigit() or ch == MASK:
            count += 1
        elif count:
            return count if count in (3, 4) else None
    return None
