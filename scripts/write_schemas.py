"""Write the shipped JSON Schema files (and their copies in the docs) from the descriptions.

The structure of each JSON format is described once, in
``src/contactbook/interchange/formats.py``. After changing a description, run::

    python scripts/write_schemas.py

It rewrites ``src/contactbook/interchange/schemas/*.schema.json`` and the matching
blocks of ``docs/reference/formats.md``. ``tests/test_schema.py`` fails while either is
out of step with the descriptions.
"""

from __future__ import annotations

import re
from pathlib import Path

from contactbook.interchange.formats import schema_text
from contactbook.interchange.schemas import SCHEMA_FILES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "src" / "contactbook" / "interchange" / "schemas"
PAGE = ROOT / "docs" / "reference" / "formats.md"


def main() -> None:
    """Write every schema file and its block in the formats page."""
    page = PAGE.read_text(encoding="utf-8")
    for name, filename in SCHEMA_FILES.items():
        text = schema_text(name)
        (SCHEMAS / filename).write_text(text, encoding="utf-8")
        block = re.compile(rf"(### {re.escape(filename)}\n\n```json\n).*?```", re.S)
        page, count = block.subn(lambda match, text=text: match.group(1) + text + "```", page)
        if count != 1:
            msg = f"{PAGE} has no ```json block under '### {filename}'; add one."
            raise SystemExit(msg)
        print(f"wrote {filename}")
    PAGE.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
