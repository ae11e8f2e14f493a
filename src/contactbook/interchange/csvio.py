"""Deprecated: the CSV check's old home, kept for one release as a re-export.

The module did seven things; they now live apart, each with one job:

- :mod:`contactbook.interchange.csv_read`: bytes to rows and the header's layout
  (``Columns``, ``Shape``, ``Export``, ``open_export``, ``text_codec``, ``RowProblem``);
- :mod:`contactbook.interchange.csv_check`: grouping, validation and the process pool
  (``check_file``, ``check_blocks``, ``CheckOptions``, ``Sinks``, ``Summary``,
  ``CustomerBlock``);
- :mod:`contactbook.interchange.csv_write`: the writers and spreadsheet escaping
  (``NormalizedWriter``, was ``NormalisedWriter``; ``ReportWriter``, ``safe_cell``);
- the merge rule is :func:`contactbook.operations.merge`, and import is
  :meth:`contactbook.service.ContactService.merge` (in bulk:
  :func:`contactbook.bulk.import_file`).

Every name this module exported still works, with a :class:`DeprecationWarning`;
``check_file`` keeps its old keyword options (``on_block`` included) and
``changes_for`` its old result. Both go in the next release.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO

import attrs

from contactbook.interchange import csv_check, csv_read
from contactbook.model import ContactSet, match_key
from contactbook.operations import AddPoint, Command, EditPoint

if TYPE_CHECKING:
    from contactbook.interchange.csv_check import CustomerBlock, Summary
    from contactbook.interchange.csv_read import Columns, RowProblem, Shape

__all__ = [  # each is served by __getattr__, with a warning
    "MAX_CUSTOMER_ROWS",
    "MAX_LINE_BYTES",
    "NORMALISED_HEADER",
    "REPORT_HEADER",
    "Columns",
    "CustomerBlock",
    "Export",
    "NormalisedWriter",
    "ReportWriter",
    "RowProblem",
    "Shape",
    "Summary",
    "changes_for",
    "check_file",
    "open_export",
    "safe_cell",
    "text_codec",
]

_MOVED = {
    "MAX_CUSTOMER_ROWS": "csv_check",
    "MAX_LINE_BYTES": "csv_read.MAX_LINE_CHARS",
    "NORMALISED_HEADER": "csv_write.NORMALIZED_HEADER",
    "REPORT_HEADER": "csv_write",
    "CheckedPoint": "csv_check",
    "Columns": "csv_read",
    "CustomerBlock": "csv_check",
    "Export": "csv_read",
    "NormalisedWriter": "csv_write.NormalizedWriter",
    "ReportWriter": "csv_write",
    "RowProblem": "csv_read",
    "Shape": "csv_read",
    "Summary": "csv_check",
    "open_export": "csv_read",
    "safe_cell": "csv_write",
    "text_codec": "csv_read",
}
_REPLACED = {
    "check_file": "contactbook.interchange.csv_check.check_file (options and sinks objects)",
    "changes_for": "contactbook.operations.merge or ContactService.merge",
}


def __getattr__(name: str) -> Any:
    """Return a moved name, warning that this module goes away."""
    if name in _MOVED:
        module, _, new = _MOVED[name].partition(".")
        where = f"contactbook.interchange.{module}"
        value = getattr(importlib.import_module(where), new or name)
        where = f"{where}.{new}" if new else where
    elif name in _REPLACED:
        where = _REPLACED[name]
        value = globals()[f"_{name}"]
    else:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    warnings.warn(
        f"contactbook.interchange.csvio.{name} is deprecated; use {where}.",
        DeprecationWarning,
        stacklevel=2,
    )
    return value


def _check_file(
    source: BinaryIO,
    /,
    *,
    normalised: TextIO | IO[str] | None = None,
    report: TextIO | IO[str] | None = None,
    columns: Columns | None = None,
    shape: Shape | None = None,
    encoding: str = "utf-8",
    jobs: int = 1,
    progress: Callable[[csv_check.Tally], None] | None = None,
    on_block: Callable[[CustomerBlock], Iterable[RowProblem]] | None = None,
) -> Summary:
    """Check a file with the old keyword options (``on_block`` run on each block)."""
    export = csv_read.open_export(source, columns=columns, shape=shape, encoding=encoding)
    blocks: Iterable[CustomerBlock] = csv_check.check_blocks(export, jobs=jobs, progress=progress)
    if on_block is not None:
        blocks = _with_hook(blocks, on_block)
    sinks = csv_check.Sinks(normalized=normalised, report=report, progress=progress)
    return csv_check.write_results(blocks, sinks)


def _with_hook(
    blocks: Iterable[CustomerBlock], on_block: Callable[[CustomerBlock], Iterable[RowProblem]]
) -> Iterator[CustomerBlock]:
    for block in blocks:
        more = tuple(on_block(block))
        if any(problem.severity == "error" for problem in more):
            # The customer could not be stored: nothing of it counts as accepted.
            yield attrs.evolve(block, points=(), problems=block.problems + more)
        elif more:
            yield attrs.evolve(block, problems=block.problems + more)
        else:
            yield block


def _changes_for(current: ContactSet, block: CustomerBlock, /) -> list[Command]:
    """Return the old merge: a batch of changes carrying the input as entered."""
    stored = {(p.kind, p.match_key): p for p in current.points}
    changes: list[Command] = []
    seen = set()
    for point in block.points:
        key = (point.kind, match_key(point.kind, point.value))
        if key in seen:
            continue
        seen.add(key)
        existing = stored.get(key)
        if existing is None:
            changes.append(AddPoint(point.kind, point.entered, point.entered_description))
        elif block.describes and existing.description != point.description:
            changes.append(EditPoint(existing.id, description=point.entered_description))
    return changes
