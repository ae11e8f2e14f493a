"""Writing the results of a CSV check: the normalized rows and the error report.

The error report is safe to open in a spreadsheet (:func:`safe_cell`); the normalized
rows are written exactly, since they are read back (:class:`NormalizedWriter`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, TextIO

from contactbook.errors import InFile, Problem
from contactbook.interchange.csv_read import shown_cell

if TYPE_CHECKING:
    from contactbook.interchange.csv_check import CustomerBlock

__all__ = ["NORMALIZED_HEADER", "REPORT_HEADER", "NormalizedWriter", "ReportWriter", "safe_cell"]

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
        for point in block.points:
            self._writer.writerow(
                [
                    block.customer_id,
                    block.country or "",
                    point.kind.value,
                    point.value,
                    point.description or "",
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
