"""docs/ledger-format.md's worked example is recomputed from the code on every run, so the
document a gateway implementer reads cannot drift from what the desk hashes.

`CLERKDESK_WRITE_DOC_EXAMPLE=1` rewrites the computed blocks instead of checking them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import rfc8785

from db.ledger import ChainIdentity, Event, canonical_event_text, event_hash

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledger-format.md"
_BLOCK = re.compile(r"^```(?:json|text) (clerkdesk-example-[a-z0-9-]+)\n(.*?)^```$", re.M | re.S)


def _blocks(doc: str) -> dict[str, str]:
    return {m[1]: m[2] for m in _BLOCK.finditer(doc)}


def _hex_lines(data: bytes) -> str:
    return "".join(
        f"{offset:04x}: {data[offset : offset + 16].hex(' ')}\n"
        for offset in range(0, len(data), 16)
    )


def _computed(example: dict[str, object]) -> dict[str, str]:
    identity = ChainIdentity(str(example["ledger_id"]), str(example["desk_id"]))
    fields = {k: v for k, v in example.items() if k not in ("ledger_id", "desk_id")}
    event = Event(**fields, hash="")  # type: ignore[arg-type]
    text = canonical_event_text(event, identity)
    v1_text = canonical_event_text(Event(**{**fields, "hash_version": 1}, hash=""), identity)  # type: ignore[arg-type]
    return {
        "clerkdesk-example-canonical": text + "\n",
        "clerkdesk-example-utf8": _hex_lines(text.encode("utf-8")),
        "clerkdesk-example-sha256": event_hash(text) + "\n",
        "clerkdesk-example-v1-canonical": v1_text + "\n",
        "clerkdesk-example-v1-sha256": event_hash(v1_text) + "\n",
    }


def test_the_worked_example_is_what_the_code_hashes() -> None:
    doc = DOC.read_text(encoding="utf-8")
    blocks = _blocks(doc)
    example = json.loads(blocks["clerkdesk-example-event"])
    assert example["hash_version"] == 2
    computed = _computed(example)
    if os.environ.get("CLERKDESK_WRITE_DOC_EXAMPLE") == "1":
        for name, content in computed.items():
            doc = re.sub(
                rf"^(```text {name}\n).*?^```$",
                lambda m, c=content: m[1] + c + "```",
                doc,
                flags=re.M | re.S,
            )
        DOC.write_text(doc, encoding="utf-8")
        blocks = _blocks(doc)
    for name, content in computed.items():
        assert blocks.get(name) == content, (
            f"docs/ledger-format.md block {name} is stale; rerun with CLERKDESK_WRITE_DOC_EXAMPLE=1"
        )


def test_the_example_text_is_its_own_canonical_form_and_parses_back() -> None:
    """What a second implementation does: parse the received text, re-encode, compare."""
    blocks = _blocks(DOC.read_text(encoding="utf-8"))
    text = blocks["clerkdesk-example-canonical"].rstrip("\n")
    example = json.loads(blocks["clerkdesk-example-event"])
    assert json.loads(text) == example
    # An independent RFC 8785 implementation writes the same bytes.
    assert rfc8785.dumps(example) == text.encode("utf-8")
    assert text.encode("utf-8").hex() == "".join(
        line.split(": ", 1)[1].replace(" ", "")
        for line in blocks["clerkdesk-example-utf8"].splitlines()
    )
