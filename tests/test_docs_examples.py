"""Every ```python block in the docs and the README runs, page by page, in order."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# A page whose code connects to PostgreSQL gets the throwaway server through the libpq
# environment variables (PGHOST, ...), as a host's deployment would give its own.
NEEDS_POSTGRES = re.compile(r"^import psycopg|^from sqlalchemy", re.MULTILINE)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_examples_run(page, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    text = page.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    if any(NEEDS_POSTGRES.search(block) for block in blocks):
        from psycopg.conninfo import conninfo_to_dict

        server = conninfo_to_dict(request.getfixturevalue("postgres"))
        for name in ("host", "port", "user", "dbname"):
            variable = "PGDATABASE" if name == "dbname" else f"PG{name.upper()}"
            monkeypatch.setenv(variable, str(server[name]))
    namespace = {"__name__": f"docs_example_{page.stem}"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)  # noqa: S102 -- running the docs' own examples is the point
