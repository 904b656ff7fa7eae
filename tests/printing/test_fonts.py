"""The bundled font: shipped with its licence, embedded in every PDF, and able to draw every
character a form can print (a missing glyph prints as nothing, silently)."""

from __future__ import annotations

import ast
import dataclasses
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import printing
from printing import samples
from printing.fonts import (
    FACES,
    FONT_DIR,
    FONT_PATH,
    font_runs,
    missing_glyphs,
    register_fonts,
)

from .conftest import ALL_RENDERS
from .pdfcheck import fonts

PRINTING = Path(printing.__file__).parent
# The bundled faces' PostScript names, as they appear between a subset's "ABCDEF+" tag and
# its "-n" number.
BUNDLED_BASE_FONTS = {"WenQuanYiMicroHei", "HanaMinA", "HanaMinB", "BabelStoneHan"}
# Modules whose strings end up on paper (qt_print's strings are Qt window titles and
# error messages; render_forms talks to a terminal).
PRINTED_MODULES = sorted(
    [
        *PRINTING.glob("forms/*.py"),
        PRINTING / "layout.py",
        PRINTING / "barcodes.py",
        PRINTING / "data.py",
        PRINTING / "masking.py",
    ]
)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def source_strings(path: Path) -> Iterator[str]:
    """Every string literal in a module (f-string pieces included), docstrings excepted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.value


def data_strings(value: object) -> Iterator[str]:
    """Every string inside a (nested) sample dataclass."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from data_strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from data_strings(item)


def all_samples() -> list[object]:
    return [
        samples.receipt(),
        samples.receipt(provisional=True),
        samples.notice(missing_count=40),
        samples.rejection(),
        samples.completion(),
        samples.referral(),
        samples.guide(),
        samples.away_sign(),
        samples.staff_card(with_photo=False),
        samples.daily_report(),
    ]


def test_font_and_licence_are_shipped() -> None:
    assert FONT_PATH.is_file() and FONT_PATH.stat().st_size > 4_000_000
    copyright_text = (FONT_DIR / "wqy-microhei-COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "Apache-2.0" in copyright_text and "Font exception" in copyright_text
    assert "Apache License" in (FONT_DIR / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")
    hanazono = (FONT_DIR / "hanazono-COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "Hanazono Font License" in hanazono and "SIL OPEN FONT LICENSE" in hanazono
    babelstone = (FONT_DIR / "babelstone-han-COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "ARPHIC PUBLIC LICENSE" in babelstone and "CC-BY-SA-4.0" in babelstone
    for face in FACES:
        assert face.path.is_file() and face.path.stat().st_size > 4_000_000, face.file


def test_registration_happens_once() -> None:
    assert register_fonts() == register_fonts()
    assert register_fonts.cache_info().currsize == 1


@pytest.mark.parametrize("path", PRINTED_MODULES, ids=lambda p: p.name)
def test_every_label_in_the_form_modules_has_a_glyph(path: Path) -> None:
    text = "".join(source_strings(path))
    assert text, f"no strings found in {path}"
    assert missing_glyphs(text) == set()


def test_every_character_of_the_demo_data_has_a_glyph() -> None:
    text = "".join(s for sample in all_samples() for s in data_strings(sample))
    assert len(text) > 2000
    assert missing_glyphs(text) == set()


def test_digits_latin_and_form_punctuation_have_glyphs() -> None:
    # Numbers, masked IDs, times and the CJK punctuation forms use; and the non-breaking
    # space the layout turns 　 into.
    text = string.printable.strip() + "　\xa0〔〕（）【】《》“”‘’，。、：；！？—…·√□×"
    assert missing_glyphs(text) == set()


def test_missing_glyphs_reports_what_no_bundled_face_has() -> None:
    # The check must be able to fail: U+30041 (Extension G) is in none of the faces, while
    # Extension A and B characters the primary face lacks are found in a fallback.
    assert missing_glyphs("申请\U00030041王䶮李𠮷") == {"\U00030041"}
    assert missing_glyphs("行\n") == set()


def test_each_character_is_set_in_the_first_face_that_has_it() -> None:
    assert font_runs("王䶮𠮷a𰻞") == [
        ("WQYMicroHei", "王"),
        ("HanaMinA", "䶮𠮷"),
        ("WQYMicroHei", "a"),
        ("BabelStoneHan", "𰻞"),
    ]
    assert font_runs("受理通知书 2026") == [("WQYMicroHei", "受理通知书 2026")]
    assert font_runs("") == []


@pytest.mark.parametrize(("sample_id", "layout"), ALL_RENDERS)
def test_only_our_font_is_used_and_it_is_embedded_as_a_subset(
    rendered: dict[tuple[str, str], bytes], sample_id: str, layout: str
) -> None:
    used = fonts(rendered[(sample_id, layout)])
    assert used, "no fonts in the PDF"
    for font in used:
        base = str(font["/BaseFont"])
        assert base[8:].rsplit("-", 1)[0] in BUNDLED_BASE_FONTS, f"unexpected font {base}"
        assert base[7] == "+" and base[1:7].isupper(), f"not a subset: {base}"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{base} is not embedded"
