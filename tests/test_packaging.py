"""What the package declares holds: its name, version, dependencies, Pythons and commands."""

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import contactbook

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SOURCES = sorted((ROOT / "src").rglob("*.py"))


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


def requirement_name(requirement):
    return re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower()


def imported_top_names(path):
    """The top-level names of every module a source file imports, outside contactbook."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"contactbook", "__future__"}


class TestTheName:
    """The distribution is contactbook-billing; the import name is contactbook."""

    def test_the_installed_distribution(self):
        assert "contactbook-billing" == PROJECT["name"]
        assert contactbook.__version__ == importlib.metadata.version("contactbook-billing")

    def test_no_install_line_installs_the_other_projects_contactbook(self):
        """PyPI's `contactbook` is an unrelated project: no page may tell anyone to install it."""
        pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        pages += [ROOT / "src" / "contactbook" / name for name in ("cli.py", "_command.py")]
        wrong = re.compile(r"""pip install\s+(-\S+\s+)*["']?contactbook(\[|["'\s]|$)""", re.M)
        found = [
            f"{page.relative_to(ROOT)}: {match.group(0)}"
            for page in pages
            for match in wrong.finditer(page.read_text(encoding="utf-8"))
        ]
        assert [] == found


class TestTheDependencies:
    """Every library the code imports is declared, in the extra its module needs."""

    def declared(self, *extras):
        names = {requirement_name(r) for r in PROJECT["dependencies"]}
        for extra in extras:
            names |= {requirement_name(r) for r in PROJECT["optional-dependencies"][extra]}
        return names

    def distributions(self, path):
        mapping = importlib.metadata.packages_distributions()
        return {
            name: {d.lower() for d in mapping.get(name, [f"<{name} not installed>"])}
            for name in imported_top_names(path)
        }

    @pytest.mark.parametrize(
        "path", SOURCES, ids=[str(p.relative_to(ROOT / "src")) for p in SOURCES]
    )
    def test_every_import_is_declared(self, path):
        module = path.relative_to(ROOT / "src").as_posix()
        extras = (
            ("cli",)
            if module in {"contactbook/cli.py", "contactbook/_command.py"}
            else ("testing",)
            if module.startswith("contactbook/testing/") or module == "_contactbook_hypothesis.py"
            else ("postgres",)
            if module == "contactbook/adapters/postgres.py"
            else ("fast",)
            if module == "contactbook/interchange/jsonform.py"
            else ()
        )
        declared = self.declared(*extras)
        undeclared = {
            name: dists for name, dists in self.distributions(path).items() if not dists & declared
        }
        assert {} == undeclared

    def test_dev_minimums_cover_its_tools_own(self):
        """[dev] installs its tools at their own minimums, so `pip check` passes at the floor."""
        dev = {requirement_name(r): r for r in PROJECT["optional-dependencies"]["dev"]}
        assert ("click>=8.2", "rich>=14.2") == (dev["click"], dev["rich"])


class TestThePythons:
    """The Pythons declared are the Pythons scripts/test runs the tests on."""

    def test_classifiers_requires_python_and_scripts_test_agree(self):
        classified = [
            c.rsplit(" ", 1)[-1]
            for c in PROJECT["classifiers"]
            if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
        ]
        script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
        tested = re.search(r"^DECLARED_PYTHONS=\((.*)\)$", script, re.M).group(1).split()
        assert classified == tested
        assert f">={tested[0]}" == PROJECT["requires-python"]
        assert f"py{tested[0].replace('.', '')}" == PYPROJECT["tool"]["ruff"]["target-version"]

    def test_ci_runs_the_readme_test_command(self):
        ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
        assert "exec scripts/test\n" in ci
        assert "scripts/test\n" in (ROOT / "README.md").read_text(encoding="utf-8")


class TestTheCommand:
    """`contactbook` and `python -m contactbook` work, with or without the cli extra."""

    def test_version(self):
        done = python("-m", "contactbook", "--version")
        assert f"contactbook {contactbook.__version__} (distribution contactbook-billing)\n" == (
            done.stdout
        )

    def test_the_console_script_is_the_wrapper(self):
        assert ("contactbook._command:main",) == tuple(
            ep.value
            for ep in importlib.metadata.entry_points(group="console_scripts")
            if ep.name == "contactbook" and ep.dist.name == "contactbook-billing"
        )

    @pytest.mark.parametrize("missing", ["click", "rich"])
    def test_without_the_cli_extra_it_names_the_extra_in_one_line(self, missing):
        done = python(
            "-c",
            f"import sys; sys.modules[{missing!r}] = None\n"
            "from contactbook._command import main; main(['show', 'C1'])",
        )
        assert (5, "") == (done.returncode, done.stdout)
        assert [
            f"contactbook: this command needs the [cli] extra ({missing} is not installed): "
            "pip install 'contactbook-billing[cli]'"
        ] == done.stderr.splitlines()

    def test_without_the_cli_extra_doctor_still_works(self):
        done = python(
            "-c",
            "import sys; sys.modules['click'] = None\n"
            "from contactbook._command import main; main(['doctor'])",
        )
        assert 0 == done.returncode
        assert 5 == len(done.stdout.splitlines())

    def test_help_texts_name_no_repository_path(self):
        done = python("-m", "contactbook", "export", "--help")
        assert 0 == done.returncode
        assert "docs/" not in done.stdout
        assert "python -m pydoc contactbook.interchange.jsonform" in " ".join(done.stdout.split())


LOADED = "import sys; print(sorted(m for m in sys.modules if m.startswith('contactbook')))"


class TestTheHypothesisPlugin:
    """The plugin costs `import hypothesis` nothing, and registers once contactbook loads."""

    def test_importing_hypothesis_imports_no_contactbook(self):
        done = python("-c", f"import hypothesis\n{LOADED}")
        assert "[]\n" == done.stdout

    @pytest.mark.parametrize(
        "order", ["import hypothesis, contactbook", "import contactbook, hypothesis"]
    )
    def test_from_type_draws_contactbook_values_in_either_import_order(self, order):
        done = python(
            "-c",
            f"{order}\n"
            "from hypothesis import strategies as st\n"
            "from contactbook import ContactPoint, ContactSet\n"
            "print(repr(st.from_type(ContactSet)).startswith('one_of(_sets('),"
            " repr(st.from_type(ContactPoint)).startswith('_points('))",
        )
        assert ("True True\n", "") == (done.stdout, done.stderr)

    def test_registering_loads_no_strategies_until_one_is_asked_for(self):
        done = python("-c", f"import hypothesis, contactbook\n{LOADED}")
        loaded = eval(done.stdout)  # noqa: S307 -- our own subprocess prints a list literal
        assert "contactbook.testing._hypothesis_plugin" in loaded
        assert "contactbook.testing.strategies" not in loaded
