"""The card, form and activity modules moved to contactbook.presentation; the old paths warn."""

import importlib
import json
import subprocess
import sys

import pytest

import contactbook
import contactbook.presentation.activity
import contactbook.presentation.card
import contactbook.presentation.form

MOVED = {
    "contactbook.card": contactbook.presentation.card,
    "contactbook.form": contactbook.presentation.form,
    "contactbook.activity": contactbook.presentation.activity,
}


def fresh_import(name):
    """Import ``name`` as a first import would (the warning comes once per process)."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)


@pytest.mark.parametrize("old", sorted(MOVED))
class TestDeprecatedModulePaths:
    """Each old module path still imports for one release, warns, and re-exports the new."""

    def test_importing_the_old_path_warns_and_names_the_new(self, old):
        new = MOVED[old].__name__
        with pytest.warns(DeprecationWarning, match=f"{old} is deprecated.*import {new}"):
            fresh_import(old)

    def test_the_old_path_re_exports_every_public_name(self, old):
        with pytest.warns(DeprecationWarning, match="is deprecated"):
            shim = fresh_import(old)
        new = MOVED[old]
        assert new.__all__ == shim.__all__
        assert {name: getattr(new, name) for name in new.__all__} == {
            name: getattr(shim, name) for name in shim.__all__
        }

    def test_the_old_path_resolves_private_helpers_too(self, old):
        with pytest.warns(DeprecationWarning, match="is deprecated"):
            shim = fresh_import(old)
        new = MOVED[old]
        private = sorted(name for name in vars(new) if name.startswith("_") and name[1] != "_")
        assert private
        assert [getattr(new, name) for name in private] == [getattr(shim, name) for name in private]


class TestTheCoreUsesTheNewPaths:
    """Nothing shipped imports a deprecated path: a fresh process loads none of them."""

    def test_every_public_name_and_the_cli_load_no_old_path(self):
        code = (
            "import json, sys, contactbook, contactbook.cli, contactbook.testing.contracts\n"
            "for name in contactbook.__all__: getattr(contactbook, name)\n"
            "print(json.dumps(sorted(sys.modules)))"
        )
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", code], check=True, capture_output=True, text=True
        )
        assert [] == [name for name in json.loads(done.stdout) if name in MOVED]
