"""生僻字: every character of the CJK Unified Ideographs blocks and Extensions A–H that a
bundled face has prints on every form that carries a name, an address or a material —
in the text layer (search and copy find it) and as a drawn glyph, never .notdef or a gap.
What no face has is listed by `missing_glyphs`, which the app uses to refuse it at input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printing import samples
from printing.data import MissingMaterial
from printing.fonts import HAN_BLOCKS, missing_glyphs
from printing.forms import FORMS
from tests.han_strategies import coverage_report, han, printable_by_block

from .pdfcheck import flat_text, glyphs_drawn

ROOT = Path(__file__).resolve().parents[2]


def test_every_block_is_covered_except_the_listed_gaps_of_extensions_g_and_h() -> None:
    missing = {
        name: (last - first + 1) - len(cps)
        for (name, cps), (_, first, last) in zip(printable_by_block(), HAN_BLOCKS, strict=True)
    }
    # Measured with the shipped faces; docs/printing.md names the gaps. Anything here
    # growing means a face lost characters the desk promised to print.
    assert missing == {
        "CJK Unified Ideographs": 0,
        "Extension A": 0,
        "Extension B": 0,
        "Extension C": 0,
        "Extension D": 0,
        "Extension E": 0,
        "Extension F": 0,
        "Extension G": 1894,
        "Extension H": 1921,
    }
    assert missing_glyphs("\U00030041\U00031353") == {"\U00030041", "\U00031353"}


common = st.sampled_from("王李张刘陈杨镇村组号路街社区0123456789")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(alphabet=han, min_size=1, max_size=6),
    address=st.text(alphabet=st.one_of(han, common), min_size=1, max_size=40),
    material=st.text(alphabet=st.one_of(han, common), min_size=1, max_size=20),
)
def test_rare_characters_print_on_every_form_with_a_name(
    name: str, address: str, material: str
) -> None:
    receipt = samples.receipt()
    person = replace(receipt.applicant, name=name, address=address)
    notice = samples.notice()
    extra = MissingMaterial(material, "未提供", f"请提供{material}原件")
    # The 80 mm slips print no address (short, and the applicant's own copy).
    prints = [
        ("receipt", replace(receipt, applicant=person), (name, address), (name,)),
        (
            "notice",
            replace(notice, applicant=person, missing=(extra, *notice.missing)),
            (name, address, material),
            (name, material),
        ),
        ("rejection", replace(samples.rejection(), applicant=person), (name, address), ()),
        ("completion", replace(samples.completion(), applicant=person), (name,), ()),
    ]
    for kind, data, on_a4, on_slip in prints:
        for layout in FORMS[kind].layouts:
            pdf = FORMS[kind].render(data, layout)
            text = flat_text(pdf)
            drawn = glyphs_drawn(pdf)
            for value in on_a4 if layout == "a4" else on_slip:
                assert value in text, f"{kind}/{layout}: {value!r} not in the text layer"
                undrawn = {ch for ch in value if not drawn.get(ch, False)}
                assert not undrawn, f"{kind}/{layout}: no glyph drawn for {undrawn}"


def test_a_character_no_face_has_is_caught_by_the_check() -> None:
    # The property above must be able to fail: printed anyway, the character is neither in
    # the text layer nor drawn.
    receipt = samples.receipt()
    name = "王\U00030041"
    pdf = FORMS["receipt"].render(
        replace(receipt, applicant=replace(receipt.applicant, name=name)), "a4"
    )
    assert name not in flat_text(pdf)
    assert not glyphs_drawn(pdf).get("\U00030041", False)


def test_the_documented_gaps_are_exactly_what_the_faces_lack() -> None:
    documented = (ROOT / "docs" / "han-coverage.txt").read_text(encoding="utf-8")
    assert documented == coverage_report(), "regenerate: python -m tests.han_strategies"
