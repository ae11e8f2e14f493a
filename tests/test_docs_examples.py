"""Every ```python block in the docs and the README runs, page by page, in order.

A page that configures Django runs in a fresh interpreter (Django can be configured once
per process), once per database it is written for: SQLite and PostgreSQL, chosen by
``DJANGO_DATABASE``. A block whose first line starts with ``# PostgreSQL only`` runs on
PostgreSQL alone, as the block says.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# A page whose code connects to PostgreSQL gets the throwaway server through the libpq
# environment variables (PGHOST, ...), as a host's deployment would give its own.
NEEDS_POSTGRES = re.compile(r"^import psycopg|^from sqlalchemy", re.MULTILINE)
NEEDS_DJANGO = re.compile(r"^import django$", re.MULTILINE)
POSTGRES_ONLY = "# PostgreSQL only"
DJANGO_DATABASES = ("sqlite", "postgresql")


def run_page(page: Path, database: str = "") -> None:
    """Run the page's blocks in order, in one namespace (those for ``database``)."""
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
