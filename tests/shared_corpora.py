"""Where the shared real-world corpora are, and the one rule for tests that read them.

The files in ``../shared/corpora`` (or ``$CONTACTBOOK_SHARED/corpora``) were exported by
other software; they are never copied into the project. A test over them runs whenever
they are there (CI always has them) and is otherwise left out with one line saying so,
under ``CI=true`` too: a fresh clone without ``shared/`` must still pass. Tests marked
``shared_corpus`` are deselected then (tests/conftest.py says so in one line);
:func:`corpus_files` skips any other caller. The project's own fixtures cover each
feature those files show.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONTACTBOOK_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"


def corpus_files(relative: str, pattern: str) -> list[Path]:
    """Return the corpus files under ``corpora/relative`` matching ``pattern``, sorted.

    Skips the calling test when there are none (the corpus is not on this machine).
    """
    folder = CORPORA / relative
    files = sorted(folder.rglob(pattern))
    if not files:
        pytest.skip(f"the shared corpus is not at {folder}: its tests are left out")
    return files
