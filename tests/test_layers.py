"""The core imports no adapter, no sqlite3, no CLI and no Hypothesis (also import-linter)."""

import json
import subprocess
import sys

CORE = ["errors", "validation", "model", "operations", "audit", "ports", "routing", "card", "form"]
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
