"""Every ```python block in the docs and the README runs, page by page, in order.

Each page also says what it installs: a ```sh block with its ``pip install`` line comes
before its first Python block, and every module its code imports is installed by that
line (the standard library aside).
"""

import ast
import re
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
DISTRIBUTION = "contactbook-billing"


def run_page(page, namespace):
    """Run the page's Python blocks, in order, in ``namespace``."""
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)  # noqa: S102 -- running the docs' own examples is the point


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_examples_run(page, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    if any(NEEDS_POSTGRES.search(block) for block in blocks):
        from psycopg.conninfo import conninfo_to_dict

        server = conninfo_to_dict(request.getfixturevalue("postgres"))
        for name in ("host", "port", "user", "dbname"):
            variable = "PGDATABASE" if name == "dbname" else f"PG{name.upper()}"
            monkeypatch.setenv(variable, str(server[name]))
    run_page(page, {"__name__": f"docs_example_{page.stem}"})


def test_the_tutorial_runs_again_and_after_the_readme(tmp_path, monkeypatch):
    """The tutorial starts from a clean state of its own, whatever ran before it."""
    monkeypatch.chdir(tmp_path)
    for page in ("README.md", "docs/tutorial/index.md", "docs/tutorial/index.md"):
        run_page(ROOT / page, {"__name__": "docs_example_again"})


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
