"""The layers: the core loads nothing forbidden, the namespace loads on use, import-linter."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORE = [
    "errors",
    "validation",
    "model",
    "operations",
    "audit",
    "ports",
    "routing",
    "presentation.card",
    "presentation.form",
    "presentation.activity",
]
FORBIDDEN = [
    "sqlite3",
    "hypothesis",
    "pytest",
    "argparse",
    "contactbook.adapters",
    # contactbook.service is not here: the package's public API re-exports it (a host
    # embeds through it), and import-linter checks that no core module imports it.
    "contactbook.testing",
    "contactbook.cli",
]


def test_importing_the_core_loads_nothing_forbidden():
    code = (
        "import json, sys\n"
        + "".join(f"import contactbook.{m}\n" for m in CORE)
        + "print(json.dumps(sorted(sys.modules)))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
    )
    assert [m for m in loaded if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN] == []


def loaded_by(code):
    """The modules a fresh interpreter holds after running ``code``."""
    code += "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


class TestTheTopLevelLoadsLittle:
    """`import contactbook` loads the core and the service; no presentation or routing."""

    NOT_LOADED = ("contactbook.presentation", "contactbook.routing", "contactbook.interchange")

    def test_importing_the_package_loads_no_presentation_routing_or_interchange(self):
        loaded = loaded_by("import contactbook")
        assert [] == [m for m in loaded if m.startswith(self.NOT_LOADED)]
        assert "contactbook.service" in loaded


ROOT = Path(__file__).resolve().parent.parent


def lint_imports(tmp_path, edit=None):
    """Run lint-imports on a copy of the package, after ``edit(src)``; return its result."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if edit is not None:
        edit(tmp_path / "src" / "contactbook")
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True,
        text=True,
    )


def add_import(module, statement):
    def edit(package):
        path = package.joinpath(*module.split(".")).with_suffix(".py")
        path.write_text(path.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")

    return edit


class TestTheLayersContract:
    """import-linter's layers contract keeps the package as it is and refuses a wrong import."""

    def test_the_package_as_it_is_keeps_every_contract(self, tmp_path):
        done = lint_imports(tmp_path)
        kept, broken = re.search(r"Contracts: (\d+) kept, (\d+) broken", done.stdout).groups()
        assert (0, "10", "0") == (done.returncode, kept, broken)

    @pytest.mark.parametrize(
        ("module", "statement", "refusal"),
        [
            (
                "service",
                "import contactbook.presentation.form",
                "contactbook.service is not allowed to import contactbook.presentation",
            ),
            (
                "model",
                "import contactbook.operations",
                "contactbook.model is not allowed to import contactbook.operations",
            ),
            (
                "adapters.memory",
                "import contactbook.presentation.card",
                "contactbook.adapters is not allowed to import contactbook.presentation",
            ),
        ],
    )
    def test_an_import_running_up_the_layers_breaks_it(self, tmp_path, module, statement, refusal):
        done = lint_imports(tmp_path, add_import(module, statement))
        assert (1, True) == (done.returncode, refusal in " ".join(done.stdout.split()))

    def test_a_module_placed_in_no_layer_breaks_it(self, tmp_path):
        def edit(package):
            (package / "newrule.py").write_text('"""A rule nobody placed."""\n', encoding="utf-8")

        done = lint_imports(tmp_path, edit)
        assert (1, True) == (done.returncode, "- contactbook.newrule" in done.stdout)
