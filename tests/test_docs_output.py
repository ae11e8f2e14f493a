"""Output shown in the docs is the output the code prints.

A page shows what a ```python block prints in the ```text block right after it.
tests/test_docs_examples.py runs every block; this test also captures what each
python block prints and, when a text block follows it directly (nothing but blank
lines between), checks that the text block shows exactly that output. So neither the
code nor its shown output can rot.
"""

import contextlib
import io
import itertools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n?", re.DOTALL | re.MULTILINE)


def blocks_with_output(text):
    """Each python block, with the text block that directly follows it (or None)."""
    fences = list(FENCE.finditer(text))
    for here, after in itertools.zip_longest(fences, fences[1:]):
        if here.group(1) != "python":
            continue
        follows = after is not None and not text[here.end() : after.start()].strip()
        yield here.group(2), after.group(2) if follows and after.group(1) == "text" else None


PAIRS = [
    (page, number)
    for page in PAGES
    for number, (_, shown) in enumerate(blocks_with_output(page.read_text("utf-8")), 1)
    if shown is not None
]


class TestShownOutput:
    """A text block after a python block shows exactly what that block prints."""

    @pytest.mark.parametrize(
        "page", sorted({page for page, _ in PAIRS}), ids=lambda p: str(p.relative_to(ROOT))
    )
    def test_shown_output_is_printed_output(self, page, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        namespace = {"__name__": f"docs_output_{page.stem}"}
        text = page.read_text(encoding="utf-8")
        for number, (code, shown) in enumerate(blocks_with_output(text), 1):
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, f"{page.name} (block {number})", "exec"), namespace)  # noqa: S102 -- the docs' own examples
            if shown is not None:
                assert shown == printed.getvalue(), f"{page.name}, block {number}"

    def test_the_tutorial_shows_output(self):
        tutorial = ROOT / "docs" / "tutorial" / "index.md"
        assert [n for page, n in PAIRS if page == tutorial]  # the check above is not empty
