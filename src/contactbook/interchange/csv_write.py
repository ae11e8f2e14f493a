"""Writing the results of a CSV check: the normalized rows and the error report.

The error report is safe to open in a spreadsheet (:func:`safe_cell`); the normalized
rows are written exactly, since they are read back (:class:`NormalizedWriter`). Each
output file is written whole or not at all (:func:`atomic_output`).
"""

from __future__ import annotations

import contextlib
import csv
import glob
import os
import re
import secrets
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TextIO

from contactbook.errors import InFile, Problem
from contactbook.interchange.csv_read import CustomerBlock, shown_cell
from contactbook.vocabulary import KIND_TEXT

__all__ = [
    "NORMALIZED_HEADER",
    "PARTIAL_SUFFIX",
    "REPORT_HEADER",
    "NormalizedWriter",
    "ReportWriter",
    "atomic_output",
    "safe_cell",
]

#: The columns of the normalized output (the point shape).
NORMALIZED_HEADER = ("customer_id", "country", "kind", "value", "description")
#: The columns of the error report.
REPORT_HEADER = ("row", "customer_id", "column", "severity", "code", "message", "input")

# OWASP "CSV injection": a cell starting with one of these runs as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ITU-T E.164: "+", a country code that does not start with 0, at most 15 digits.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def safe_cell(text: str, /) -> str:
    r"""Return ``text`` so that a spreadsheet shows it instead of running it.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, which spreadsheets take as "text"; a valid-looking E.164
    number (``+31612345678``) is left as it is, so normalized numbers stay exact.

    >>> safe_cell('=HYPERLINK("http://x")'), safe_cell("+31612345678")
    ('\'=HYPERLINK("http://x")', '+31612345678')
    """
    if text.startswith(_FORMULA_START) and not _E164.fullmatch(text):
        return "'" + text
    return text


class NormalizedWriter:
    """Writes accepted points as normalized rows in the point shape, exactly.

    This file is data meant to be read back (checked or imported again), so every cell
    is written as it is: no spreadsheet escaping, which would end up in the data (a
    description ``@Home`` would come back as ``'@Home``). Open the error report, not
    this file, in a spreadsheet; to show the rows to people in one, pass each cell
    through :func:`safe_cell` in a copy of your own.
    """

    def __init__(self, stream: TextIO | IO[str]):
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._writer.writerow(NORMALIZED_HEADER)

    def write(self, block: CustomerBlock) -> None:
        """Write the accepted points of ``block``."""
        customer_id, country = block.customer_id, block.country or ""
        self._writer.writerows(
            [
                (customer_id, country, KIND_TEXT[p.kind], p.value, p.description or "")
                for p in block.points
            ]
        )


class ReportWriter:
    """Writes the error report: one line per problem (spreadsheet-safe)."""

    def __init__(self, stream: TextIO | IO[str]):
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._writer.writerow(REPORT_HEADER)

    def write(self, problems: Iterable[Problem]) -> None:
        """Write ``problems`` (each at its row and column: an ``InFile`` location)."""
        for p in problems:
            where = p.location if isinstance(p.location, InFile) else InFile(0)
            self._writer.writerow(
                [
                    where.row,
                    safe_cell(where.customer_id),
                    safe_cell(where.column),
                    p.severity,
                    p.code,
                    safe_cell(shown_cell(p.message)),
                    safe_cell(p.input),
                ]
            )


#: How a file being written ends: ``.NAME.<8 hex digits>.partial`` beside ``NAME``.
PARTIAL_SUFFIX = ".partial"


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], /, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Write the text file ``path`` whole or not at all; yield the stream to write to.

    The text goes to a temporary file beside ``path`` (``.NAME.<random>.partial``, in
    the same folder so that the rename cannot cross file systems), which replaces
    ``path`` (:func:`os.replace`) once the ``with`` block ends without an exception,
    after its bytes are on disk (:func:`os.fsync`). An exception, Ctrl-C included,
    removes it; so a refused or interrupted run leaves an earlier ``path`` byte for
    byte as it was. A process killed outright (SIGKILL, power loss) leaves its partial
    file: the next :func:`atomic_output` of the same ``path`` removes those that no
    running writer holds (each writer holds a lock on its own, on POSIX). Lines are
    written as given (``newline=""``). Through a symbolic link the file it leads to is
    replaced. A ``path`` that is no regular file (``/dev/stdout``, a pipe) is written to
    directly.
    """
    if Path(path).exists() and not Path(path).is_file():
        with Path(path).open("w", encoding=encoding, newline="") as direct:
            yield direct
        return
    target = Path(os.path.realpath(path))
    _remove_abandoned(target)
    partial, descriptor = _create_partial(target)
    try:
        with os.fdopen(descriptor, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
            if _LOCKS:  # rename while the lock is held: no one can take it for abandoned
                partial.replace(target)
        if not _LOCKS:  # Windows renames no open file
            partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _create_partial(target: Path) -> tuple[Path, int]:
    """Create and lock a new partial file beside ``target``; return it and its descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        try:
            descriptor = os.open(partial, flags, 0o666)  # the umask applies, as to any file
        except OSError as error:  # name the file asked for, not the partial one
            raise OSError(error.errno, error.strerror, os.fspath(target)) from error
        _lock(descriptor, wait=True)
        try:
            # Between its creation and the lock, another run may have taken it for
            # abandoned and removed it: then make another.
            if os.path.samestat(os.fstat(descriptor), partial.stat()):
                return partial, descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)


def _remove_abandoned(target: Path) -> None:
    """Remove the partial files of ``target`` that no running writer holds."""
    pattern = f".{glob.escape(target.name)}.{'[0-9a-f]' * 8}{PARTIAL_SUFFIX}"
    for partial in target.parent.glob(pattern):
        try:
            descriptor = os.open(partial, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _LOCKS and _lock(descriptor, wait=False):
                partial.unlink(missing_ok=True)
        finally:
            os.close(descriptor)
        if not _LOCKS:
            with contextlib.suppress(OSError):  # fails while the writer has it open
                partial.unlink(missing_ok=True)


if sys.platform == "win32":  # pragma: no cover - the file cannot be removed while open
    _LOCKS = False

    def _lock(descriptor: int, *, wait: bool) -> bool:
        return True

else:
    import fcntl

    _LOCKS = True

    def _lock(descriptor: int, *, wait: bool) -> bool:
        """Lock the file exclusively; without ``wait``, return False if another holds it."""
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
