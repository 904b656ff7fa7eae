"""Hypothesis strategies for Chinese characters from every CJK unified ideograph block
(common block and Extensions A–H), limited to what the bundled fonts print — the characters
the desk promises to accept, show and print."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from printing.fonts import HAN_BLOCKS, face_for


@functools.cache
def printable_by_block() -> tuple[tuple[str, tuple[int, ...]], ...]:
    return tuple(
        (name, tuple(cp for cp in range(first, last + 1) if face_for(chr(cp)) is not None))
        for name, first, last in HAN_BLOCKS
    )


#: One character; each block is drawn from equally, so Extension H turns up as often as the
#: common block does.
han = st.sampled_from(range(len(HAN_BLOCKS))).flatmap(
    lambda i: st.sampled_from(printable_by_block()[i][1]).map(chr)
)


def coverage_report() -> str:
    """The text of docs/han-coverage.txt: per block, how many characters print and exactly
    which code points no bundled face draws (the app refuses those at input)."""
    lines = [
        "# CJK unified ideographs no bundled face draws: refused at input"
        " (app.identity.check_printable).",
        "# Regenerate after changing a face: .venv/bin/python -m tests.han_strategies"
        " > docs/han-coverage.txt",
    ]
    for (name, printable), (_, first, last) in zip(printable_by_block(), HAN_BLOCKS, strict=True):
        have = set(printable)
        total = last - first + 1
        lines.append(
            f"## {name} U+{first:04X}..U+{last:04X}: {len(have)} of {total} printable, "
            f"{total - len(have)} missing"
        )
        ranges: list[list[int]] = []
        for cp in range(first, last + 1):
            if cp in have:
                continue
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        lines += [f"U+{a:04X}" if a == b else f"U+{a:04X}..U+{b:04X}" for a, b in ranges]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(coverage_report())
