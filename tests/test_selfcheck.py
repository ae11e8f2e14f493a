"""The fence on the fast paths, contactbook.selfcheck.fastpaths() and the self-check.

The fast paths run only on the validator releases their differential tests passed on
(``contactbook._fastpath.FENCE``); elsewhere every input takes the reference path. A
host asks which path runs (``contactbook.selfcheck.fastpaths()``, ``python -m contactbook doctor``)
and checks its own environment (``python -m contactbook selfcheck``).
"""

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import contactbook.selfcheck
from contactbook import _fastpath, selfcheck
from contactbook._fastpath import FENCE, gate, installed_versions, passage
from contactbook.validation import (
    email_reference,
    normalize_email,
    normalize_phone,
    normalize_website,
    phone_reference,
    website_reference,
)

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LIBRARIES = sorted({name for libraries in FENCE.values() for name in libraries})


def python(*args, env=None):
    """Run this interpreter in a subprocess; return the finished process."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


class TestTheFenceDecides:
    """A fast path runs on the releases its differential tests passed on, and on no other."""

    def test_a_checked_release_runs_the_fast_path(self):
        found = passage("email", {"email-validator": "2.4.0", "idna": "3.20"})
        assert (True, "email-validator 2.4.0, idna 3.20: inside the checked range") == (
            found.active,
            found.reason,
        )

    @pytest.mark.parametrize(
        ("kind", "versions", "named"),
        [
            ("email", {"email-validator": "2.5.0", "idna": "3.20"}, "email-validator 2.5.0"),
            ("email", {"email-validator": "2.2.0", "idna": "3.20"}, "email-validator 2.2.0"),
            ("email", {"email-validator": "2.4.0", "idna": "4.0"}, "idna 4.0"),
            ("phone", {"phonenumbers": "9.1.0"}, "phonenumbers 9.1.0"),
            ("phone", {"phonenumbers": "8.12.57"}, "phonenumbers 8.12.57"),
            ("phone", {"phonenumbers": "9.0.44rc1"}, "phonenumbers 9.0.44rc1"),
            ("website", {"rfc3986": "2.1.0", "idna": "3.20"}, "rfc3986 2.1.0"),
            ("website", {"rfc3986": "2.0.0", "idna": "3.6"}, "idna 3.6"),
        ],
    )
    def test_any_other_release_takes_the_reference_path(self, kind, versions, named):
        found = passage(kind, versions)
        assert False is found.active
        assert found.reason.startswith(f"{named} is outside the releases")

    def test_a_library_not_found_takes_the_reference_path(self):
        found = passage("phone", {"phonenumbers": None})
        assert (False, "phonenumbers is not installed (or its version unknown)") == (
            found.active,
            found.reason,
        )

    def test_post_releases_and_patch_releases_inside_the_range_are_admitted(self):
        assert [True, True, True] == [
            passage("phone", {"phonenumbers": version}).active
            for version in ("8.13", "8.13.0.post1", "9.0.99")
        ]

    def test_the_switch_shuts_every_fast_path(self):
        found = passage("website", {"rfc3986": "2.0.0", "idna": "3.20"}, switch="OFF")
        assert (False, "switched off (CONTACTBOOK_FASTPATHS=off)") == (found.active, found.reason)


class TestTheFenceAndTheDeclaredRanges:
    """The fence admits what pyproject.toml allows at its floors, and what is installed."""

    def test_every_declared_floor_is_inside_the_fence(self):
        floors = {}
        for requirement in PYPROJECT["project"]["dependencies"]:
            name, floor = re.fullmatch(r"([\w-]+)>=([\d.]+)", requirement).groups()
            floors[name] = floor
        for kind, libraries in FENCE.items():
            found = passage(kind, {name: floors[name] for name in libraries})
            assert (kind, True) == (kind, found.active), found.reason

    def test_the_installed_releases_are_inside_the_fence(self):
        """A new release outside it fails here: run the differential tests, then widen FENCE."""
        for kind, found in contactbook.selfcheck.fastpaths().items():
            assert (kind, True) == (kind, found.active), (
                f"{found.reason}: if tests/test_fastpath_differential.py passes on it, add "
                "it to FENCE in src/contactbook/_fastpath/__init__.py "
                "(docs/explanation/fast-path-fence.md)"
            )

    def test_versions_are_read_as_importlib_metadata_reads_them(self):
        expected = {name: importlib.metadata.version(name) for name in LIBRARIES}
        assert expected == installed_versions(LIBRARIES)

    def test_a_distribution_not_installed_has_no_version(self):
        assert {"no-such-distribution-here": None} == installed_versions(
            ["no-such-distribution-here"]
        )


class TestAShutFenceMeansTheReferencePath:
    """With a fast path shut, every input of its kind gets the reference path's answer."""

    @pytest.fixture
    def shut(self, monkeypatch):
        def refuse(*args):
            raise AssertionError("a shut fast path ran")

        for kind, module, function in [
            ("email", _fastpath.emails, "email"),
            ("phone", _fastpath.phones, "phone"),
            ("website", _fastpath.websites, "website"),
        ]:
            monkeypatch.setattr(gate, kind, False)
            monkeypatch.setattr(module, function, refuse)

    @pytest.mark.usefixtures("shut")
    def test_emails(self):
        assert email_reference(" Ann@Example.COM ") == normalize_email(" Ann@Example.COM ")

    @pytest.mark.usefixtures("shut")
    def test_phones(self):
        assert phone_reference("06 12345678", "NL").e164 == normalize_phone("06 12345678", "NL")

    @pytest.mark.usefixtures("shut")
    def test_websites(self):
        assert website_reference("Example.COM/a") == normalize_website("Example.COM/a")

    def test_the_switch_is_read_at_import(self):
        done = python(
            "-c",
            "from contactbook.selfcheck import fastpaths; "
            "print(sorted(k for k, p in fastpaths().items() if not p.active))",
            env={"CONTACTBOOK_FASTPATHS": "off"},
        )
        assert "['email', 'phone', 'website']\n" == done.stdout


class TestFastpathsSaysWhy:
    """contactbook.selfcheck.fastpaths() names, per kind, the state, the reason and the versions."""

    def test_one_entry_per_kind(self):
        found = contactbook.selfcheck.fastpaths()
        assert ["email", "phone", "website"] == sorted(found)
        assert {name: importlib.metadata.version(name) for name in FENCE["phone"]} == dict(
            found["phone"].versions
        )
        assert dict(FENCE["email"]) == dict(found["email"].checked)

    def test_doctor_prints_one_line_per_kind(self):
        done = python("-m", "contactbook", "doctor")
        lines = done.stdout.splitlines()
        assert 0 == done.returncode
        assert (
            f"contactbook {contactbook.__version__} (distribution contactbook-billing)"
            == (lines[0])
        )
        assert ["email: fast path: ", "phone: fast path: ", "website: fast path: "] == [
            line[: line.index(":", line.index(":") + 1) + 2] for line in lines[2:]
        ]


class TestTheSelfCheck:
    """The self-check compares each fast path with the reference path, input by input."""

    def test_the_installed_versions_agree(self):
        found = selfcheck.run(400, seed=7)
        assert (True, None) == (found.agrees, found.disagreement)
        assert all(found.compared[kind] > 0 for kind in ("email", "phone", "website"))
        assert all(found.compared[kind] <= found.inputs[kind] for kind in found.inputs)

    def test_it_reports_the_first_disagreement(self, monkeypatch):
        monkeypatch.setattr(selfcheck.websites, "website", lambda text: "https://wrong.example")
        found = selfcheck.run(50)
        assert False is found.agrees
        assert ("website", ("value", "https://wrong.example")) == (
            found.disagreement.kind,
            found.disagreement.fast,
        )
        assert found.disagreement.reference != found.disagreement.fast

    def test_it_runs_a_shut_fast_path_too(self, monkeypatch):
        monkeypatch.setattr(gate, "email", False)
        assert 0 < selfcheck.run(50).compared["email"]

    def test_the_command_reports_agreement(self):
        done = python("-m", "contactbook", "selfcheck", "--size", "200")
        assert (0, "") == (done.returncode, done.stderr)
        assert done.stdout.splitlines()[-1].startswith(
            "agree: every fast-path answer is the reference answer"
        )

    def test_the_command_refuses_a_size_below_one(self):
        done = python("-m", "contactbook", "selfcheck", "--size", "0")
        assert 2 == done.returncode
        assert "--size must be at least 1" in done.stderr
