"""Every ```python block in the docs and the README runs, page by page, in order.

A page that configures Django runs in a fresh interpreter (Django can be configured once
per process), once per database it is written for: SQLite and PostgreSQL, chosen by
``DJANGO_DATABASE``. A block whose first line starts with ``# PostgreSQL only`` runs on
PostgreSQL alone, as the block says.

Each page also says what it installs: a ```sh block with its ``pip install`` line comes
before its first Python block, and every module its code imports is installed by that
line (the standard library aside).
"""

import ast
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHELL = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
INSTALL = re.compile(r"pip install ([^#\n]+)")
# A page whose code connects to PostgreSQL gets the throwaway server through the libpq
# environment variables (PGHOST, ...), as a host's deployment would give its own.
NEEDS_POSTGRES = re.compile(r"^import psycopg|^from sqlalchemy", re.MULTILINE)
NEEDS_DJANGO = re.compile(r"^import django$", re.MULTILINE)
POSTGRES_ONLY = "# PostgreSQL only"
DJANGO_DATABASES = ("sqlite", "postgresql")
DISTRIBUTION = "contactbook-billing"


def run_page(page: Path, database: str = "", namespace: dict | None = None) -> None:
    """Run the page's blocks in order, in one namespace (those for ``database``)."""
    if namespace is None:
        namespace = {"__name__": f"docs_example_{page.stem}"}
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        if block.startswith(POSTGRES_ONLY) and database != "postgresql":
            continue
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)  # noqa: S102 -- running the docs' own examples is the point


def postgres_environment(request, monkeypatch):
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(request.getfixturevalue("postgres"))
    for name in ("host", "port", "user", "dbname"):
        variable = "PGDATABASE" if name == "dbname" else f"PG{name.upper()}"
        monkeypatch.setenv(variable, str(server[name]))


def cases():
    for page in PAGES:
        name = str(page.relative_to(ROOT))
        if NEEDS_DJANGO.search(page.read_text(encoding="utf-8")):
            for database in DJANGO_DATABASES:
                yield pytest.param(page, database, id=f"{name}[{database}]")
        else:
            yield pytest.param(page, "", id=name)


@pytest.mark.parametrize(("page", "database"), list(cases()))
def test_examples_run(page, database, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    if database == "postgresql" or any(NEEDS_POSTGRES.search(block) for block in blocks):
        postgres_environment(request, monkeypatch)
    if not database:
        run_page(page)
        return
    monkeypatch.setenv("DJANGO_DATABASE", database)
    runner = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from test_docs_examples import run_page; run_page(Path(sys.argv[2]), sys.argv[3])"
    )
    done = subprocess.run(
        [sys.executable, "-c", runner, str(Path(__file__).parent), str(page), database],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(), check=False,
    )  # fmt: skip
    assert 0 == done.returncode, done.stderr[-3000:]


def test_the_tutorial_runs_again_and_after_the_readme(tmp_path, monkeypatch):
    """The tutorial starts from a clean state of its own, whatever ran before it."""
    monkeypatch.chdir(tmp_path)
    for page in ("README.md", "docs/tutorial/index.md", "docs/tutorial/index.md"):
        run_page(ROOT / page, namespace={"__name__": "docs_example_again"})


# --------------------------------------------------------------------------- install lines


def install_line(text):
    """Return the requirements of the page's install line: its first ``pip install``."""
    first_code = text.find("```python")
    for block in SHELL.findall(text[:first_code]):
        if match := INSTALL.search(block):
            return [word.strip("'\"") for word in match.group(1).split()]
    return None


def distributions(requirements):
    """Return the distributions those requirements install, their dependencies included."""
    todo = []
    for word in requirements:
        # The checkout itself (".", ".[cli]") is the distribution contactbook-billing.
        name = DISTRIBUTION + word[1:] if word.startswith(".") else word
        todo.append(Requirement(name))
    found = set()
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        key = (name, frozenset(requirement.extras))
        if key in found:
            continue
        found.add(key)
        for line in metadata.requires(name) or ():
            needed = Requirement(line)
            if needed.marker is None or any(
                needed.marker.evaluate({"extra": extra}) for extra in requirement.extras or {""}
            ):
                todo.append(needed)
    return {name for name, _ in found}


def imported_modules(blocks):
    """Return the top-level modules the blocks import."""
    modules = set()
    for block in blocks:
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


RUNNABLE = [page for page in PAGES if BLOCK.search(page.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(p.relative_to(ROOT)) for p in RUNNABLE])
def test_every_page_says_what_it_installs(page):
    text = page.read_text(encoding="utf-8")
    requirements = install_line(text)
    assert requirements is not None, (
        f"{page.relative_to(ROOT)} runs code but has no ```sh block with a `pip install` "
        "line before its first Python block"
    )
    installed = distributions(requirements)
    # An editable install maps no module to the checkout: contactbook is its own.
    owners = {**metadata.packages_distributions(), "contactbook": [DISTRIBUTION]}
    missing = {
        module: owners.get(module, ["?"])
        for module in imported_modules(BLOCK.findall(text))
        if module not in sys.stdlib_module_names
        and not {name.lower().replace("_", "-") for name in owners.get(module, ["?"])} & installed
    }
    assert {} == missing, f"{page.relative_to(ROOT)}: its install line {requirements} misses"
