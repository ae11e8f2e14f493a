"""The release: the version, and the CHANGELOG section that says what it holds."""

import re
from pathlib import Path

import contactbook

ROOT = Path(__file__).parent.parent
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_version_is_a_release_not_a_development_build():
    assert re.fullmatch(r"\d+\.\d+\.\d+", contactbook.__version__), contactbook.__version__


def test_the_version_has_a_dated_changelog_section_below_unreleased():
    sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", CHANGELOG, re.M)
    assert "Unreleased" == sections[0][0]
    assert (contactbook.__version__, True) == (sections[1][0], bool(sections[1][1]))


def test_no_deprecated_names_shims_or_warnings():
    for path in [*(ROOT / "src").rglob("*.py"), ROOT / "CHANGELOG.md"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"deprecat|DeprecationWarning", text, re.I), path
