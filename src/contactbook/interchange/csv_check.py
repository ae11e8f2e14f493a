"""Checking a customer export in CSV: every value through the rules, customer by customer.

The bulk-check entry point (:func:`check_file`, :func:`check_blocks`): rows read by
:mod:`contactbook.interchange.csv_read` are grouped by customer and every value goes
through :class:`contactbook.operations.Intake`, row by row on the customer's points so
far, so the one set of rules decides (duplicates within a customer and the 100-point
limit included), each value checked once. Rows of one customer must be adjacent, as in
any export sorted by customer: the file is streamed, never held in memory, and a
customer's points live only while its rows are read. A row with any error is skipped
as a whole and every problem is reported with its row, column, code and message; the
rest is written as normalized rows in the point shape
(:mod:`contactbook.interchange.csv_write`), which can be checked or imported again.

Long files are checked in a process pool (``jobs``), here and nowhere else: reading and
writing stay in the calling process.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import IO, BinaryIO, NamedTuple, TextIO, cast

import attrs

from contactbook.errors import ContactValidationError, Problem
from contactbook.interchange.csv_read import (
    Columns,
    Export,
    RowProblem,
    Shape,
    _Item,
    _Row,
    open_export,
    shown_cell,
)
from contactbook.interchange.csv_write import NormalizedWriter, ReportWriter
from contactbook.model import MAX_POINTS, ContactKind, ContactPoint
from contactbook.operations import AddPoint, Intake
from contactbook.validation import normalize_region

__all__ = [
    "MAX_CUSTOMER_ROWS",
    "CheckOptions",
    "CheckedPoint",
    "CustomerBlock",
    "Sinks",
    "Summary",
    "Tally",
    "check_blocks",
    "check_file",
    "default_jobs",
    "write_results",
]

#: The most rows of one customer that are checked; rows beyond are reported as
#: ``contact.limit`` unread, so that one customer cannot hold the file in memory.
MAX_CUSTOMER_ROWS = 10 * MAX_POINTS

_CHUNK_ROWS = 1000


class CheckedPoint(NamedTuple):
    """An accepted contact point of the export: normalized, with the input kept.

    ``region`` is the billing country its number was read in (phones only). A named
    tuple: one is made for every value of a file.
    """

    row: int
    kind: ContactKind
    value: str
    description: str | None
    entered: str
    entered_description: str | None
    region: str | None = None

    def point(self) -> ContactPoint:
        """Return it as a contact point (id 0: a merge gives it its id)."""
        return ContactPoint(0, self.kind, self.value, self.description, self.entered, self.region)


@attrs.frozen
class CustomerBlock:
    """The checked result of one customer's adjacent rows.

    ``points`` are the accepted points in file order (what import stores); ``problems``
    are the errors and warnings of its rows; ``country`` is the customer's billing
    country (normalized) or ``None``. ``describes`` is true in the point shape, where
    the file gives descriptions (and an empty one means none).
    """

    customer_id: str
    country: str | None
    first_row: int
    rows: int
    points: tuple[CheckedPoint, ...]
    problems: tuple[RowProblem, ...]
    describes: bool

    @property
    def errors(self) -> tuple[RowProblem, ...]:
        """The problems that made rows be skipped."""
        return tuple(p for p in self.problems if p.severity == "error")


@attrs.frozen
class _Plan:
    """What a worker needs to know about the file besides its rows."""

    country_column: str
    description_column: str
    describes: bool


@attrs.define
class Summary:
    """What a check found: counts of rows, customers, points, errors and warnings.

    ``customers`` counts runs of adjacent rows of one customer (so a customer whose rows
    are apart counts twice); ``errors`` and ``warnings`` count problems by code.
    """

    rows: int = 0
    customers: int = 0
    points: int = 0
    rows_with_errors: int = 0
    errors: Counter[str] = attrs.field(factory=Counter)
    warnings: Counter[str] = attrs.field(factory=Counter)

    @property
    def clean(self) -> bool:
        """Whether no row had an error (warnings do not count)."""
        return not self.errors

    def add(self, block: CustomerBlock) -> None:
        """Count ``block`` in."""
        failed = set()
        for problem in block.problems:
            if problem.severity == "error":
                self.errors[problem.code] += 1
                failed.add(problem.row)
            else:
                self.warnings[problem.code] += 1
        self.rows += block.rows
        self.customers += bool(block.customer_id)
        self.points += len(block.points)
        self.rows_with_errors += len(failed)


@attrs.frozen
class CheckOptions:
    """How to read an export: its columns, shape, encoding, and the worker processes.

    ``shape`` is found from the header when ``None``; ``encoding`` is the file's text
    encoding (a byte-order mark is skipped); ``jobs`` above 1 checks chunks of customers
    in that many processes once the file is longer than one chunk (1,000 rows); the
    result does not depend on it.
    """

    columns: Columns = attrs.field(factory=Columns)
    shape: Shape | None = None
    encoding: str = "utf-8"
    jobs: int = 1


@attrs.define
class Tally:
    """How far a check, and an import, have come: for a progress bar, in rows.

    ``rows`` and ``customers`` have been checked and ``imported`` customers stored (an
    import only), of the file's :meth:`expected_rows` and :meth:`expected_customers`:
    estimated from the bytes read (``read`` of ``size``, when the source can tell its
    size) until the whole file is checked (``finished``), exact after.
    """

    size: int | None = None
    read: int = 0
    rows_read: int = 0
    rows: int = 0
    customers: int = 0
    imported: int = 0
    finished: bool = False

    def expected_rows(self) -> int:
        """Return the rows of the whole file: exact once ``finished``, else estimated."""
        if self.finished or not self.size or not self.read:
            return max(self.rows, self.rows_read)
        return max(self.rows, round(self.rows_read * self.size / self.read))

    def expected_customers(self) -> int:
        """Return the customers of the file: exact once ``finished``, else estimated."""
        if self.finished or not self.rows:
            return self.customers
        return max(self.customers, round(self.customers * self.expected_rows() / self.rows))


@attrs.frozen
class Sinks:
    """Where the results go: the normalized rows, the error report, the progress.

    Each is optional. ``progress`` is called with the :class:`Tally` every thousand
    rows or so, as the check (and an import) goes on, and once at the end.
    """

    normalized: TextIO | IO[str] | None = None
    report: TextIO | IO[str] | None = None
    progress: Callable[[Tally], None] | None = None


def default_jobs() -> int:
    """Return the job count that checks fastest here: 1 on two usable cores or fewer.

    The calling process reads, hands out and writes every row, about two thirds of the
    work, so on two cores a worker only competes with it: two jobs took 1.3 to 2 times
    as long as one at 5,000 to 200,000 rows (docs/explanation/performance.md). With
    more cores, one worker per core but the caller's.
    """
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use
    except AttributeError:  # pragma: no cover - not on macOS or Windows
        cores = os.cpu_count() or 1
    return 1 if cores <= 2 else cores - 1


def check_file(
    source: BinaryIO, /, sinks: Sinks | None = None, options: CheckOptions | None = None
) -> Summary:
    """Check a whole export, writing the normalized rows and the report as it goes.

    Returns the :class:`Summary`; raises :class:`~contactbook.errors.FormatError` for a
    file that cannot be read at all.
    """
    options = options or CheckOptions()
    sinks = sinks or Sinks()
    tally = Tally(size=_source_size(source))
    export = open_export(
        source, columns=options.columns, shape=options.shape, encoding=options.encoding
    )
    blocks = check_blocks(export, jobs=options.jobs, progress=sinks.progress, tally=tally)
    return write_results(blocks, sinks)


def _source_size(source: BinaryIO, /) -> int | None:
    """Return how many bytes ``source`` holds from where it is, or ``None`` if it cannot say."""
    try:
        if not source.seekable():
            return None
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
    except (OSError, ValueError):
        return None
    return end - here


def write_results(blocks: Iterable[CustomerBlock], sinks: Sinks, /) -> Summary:
    """Write checked blocks to the sinks (not ``progress``) and count them in a summary.

    For a caller that does more with each block on the way, an import for one.
    """
    out = NormalizedWriter(sinks.normalized) if sinks.normalized is not None else None
    problems_out = ReportWriter(sinks.report) if sinks.report is not None else None
    summary = Summary()
    for block in blocks:
        summary.add(block)
        if out is not None:
            out.write(block)
        if problems_out is not None and block.problems:
            problems_out.write(block.problems)
    return summary


def check_blocks(
    export: Export,
    /,
    *,
    jobs: int = 1,
    progress: Callable[[Tally], None] | None = None,
    tally: Tally | None = None,
) -> Iterator[CustomerBlock]:
    """Check the rows of an opened export; yield one block per customer, in file order.

    ``jobs`` above 1 checks chunks of customers in that many worker processes (only
    once the file turns out to be longer than one chunk); the output order and content
    do not depend on it. ``progress`` is called with ``tally`` (a new one if not
    given), counted on as the rows are checked.
    """
    plan = _Plan(
        country_column=export.column("country"),
        description_column=export.column("description"),
        describes=export.describes,
    )
    tally = tally or Tally()
    chunks = _chunks(_groups(export.rows()), tally)
    blocks = _checked(plan, chunks, jobs)
    return _counted(blocks, export, tally, progress)


def _counted(
    checked: Iterator[list[CustomerBlock]],
    export: Export,
    tally: Tally,
    progress: Callable[[Tally], None] | None,
) -> Iterator[CustomerBlock]:
    """Count each chunk in ``tally`` as it is checked, call ``progress``; yield its blocks."""
    for blocks in checked:
        tally.rows += sum(block.rows for block in blocks)
        tally.customers += sum(bool(block.customer_id) for block in blocks)
        tally.read = export.position()
        if progress is not None:
            progress(tally)
        yield from blocks
    tally.finished = True
    if progress is not None:
        progress(tally)


# --------------------------------------------------------------------------- grouping


def _groups(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    """Group adjacent rows of one customer; rows past MAX_CUSTOMER_ROWS are marked."""
    group: list[_Row] = []
    current, count = None, 0
    for row in rows:
        if row.customer_id and row.customer_id != current:
            if group:
                yield group
            group, current, count = [], row.customer_id, 0
        count += 1
        group.append(row._replace(items=(), over_limit=True) if count > MAX_CUSTOMER_ROWS else row)
        if len(group) >= MAX_CUSTOMER_ROWS:
            yield group  # a long run of one customer goes on in the next group
            group = []
    if group:
        yield group


def _chunks(groups: Iterable[list[_Row]], tally: Tally) -> Iterator[list[list[_Row]]]:
    chunk: list[list[_Row]] = []
    size = 0
    for group in groups:
        chunk.append(group)
        size += len(group)
        if size >= _CHUNK_ROWS:
            tally.rows_read += size
            yield chunk
            chunk, size = [], 0
    if chunk:
        tally.rows_read += size
        yield chunk


def _checked(
    plan: _Plan, chunks: Iterator[list[list[_Row]]], jobs: int
) -> Iterator[list[CustomerBlock]]:
    """Check chunks in order, in this process or (for long files) in a process pool."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if jobs > 1 else None
    if second is None:
        for chunk in _chained(first, chunks):
            yield _check_chunk(plan, chunk)
        return
    # "spawn" starts clean workers: no inherited threads or locks, the same on every OS.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_leave_interrupts_to_the_caller
    ) as pool:
        pending: deque[concurrent.futures.Future[list[CustomerBlock]]] = deque()
        for chunk in _chained(first, iter([second]), chunks):
            pending.append(pool.submit(_check_chunk, plan, chunk))
            if len(pending) >= 2 * jobs:  # keep memory flat: a few chunks in flight
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _leave_interrupts_to_the_caller() -> None:
    """Ignore Ctrl-C in a worker: the caller stops the pool (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chained(
    first: list[list[_Row]], *rest: Iterator[list[list[_Row]]]
) -> Iterator[list[list[_Row]]]:
    yield first
    for more in rest:
        yield from more


# --------------------------------------------------------------------------- checking


def _check_chunk(plan: _Plan, chunk: list[list[_Row]]) -> list[CustomerBlock]:
    return [_check_group(plan, group) for group in chunk]


def _check_group(plan: _Plan, group: list[_Row]) -> CustomerBlock:
    customer_id = next((row.customer_id for row in group if row.customer_id), "")
    intake = Intake()
    country: str | None = None
    points: list[CheckedPoint] = []
    problems: list[RowProblem] = []
    for row in group:
        problems.extend(row.problems)
        if row.over_limit:
            problems.append(
                RowProblem(
                    row.row,
                    customer_id,
                    "",
                    "contact.limit",
                    f"Customer {customer_id!r} has more than {MAX_CUSTOMER_ROWS} rows; a "
                    f"customer can have at most {MAX_POINTS} contact points, so this row "
                    "was not checked.",
                )
            )
            continue
        if not row.items:
            continue
        if not row.customer_id:
            # A row without a usable id belongs to no customer: check it on its own.
            region, row_problems = _region(plan, row, "", None)
            _, more = _check_items(plan, row, "", Intake(), region, keep=False)
            problems.extend([*row_problems, *more])
            continue
        region, row_problems = _region(plan, row, customer_id, country)
        if country is None and region is not None and not row_problems:
            country = region
        # A row with a problem of its own is checked, and kept out of the set.
        keep = not row.problems and not any(p.severity == "error" for p in row_problems)
        accepted, more = _check_items(plan, row, customer_id, intake, region, keep=keep)
        if row_problems and region is None:
            # An unreadable country already explains numbers that need one.
            more = [p for p in more if p.code != "phone.region_required"]
        if more:
            row_problems.extend(more)
        if row_problems:
            problems.extend(row_problems)
        if keep and not any(p.severity == "error" for p in more):
            points.extend(accepted)
    return CustomerBlock(
        customer_id=customer_id,
        country=country,
        first_row=group[0].row,
        rows=len(group),
        points=tuple(points),
        problems=tuple(problems),
        describes=plan.describes,
    )


def _region(
    plan: _Plan, row: _Row, customer_id: str, country: str | None
) -> tuple[str | None, list[RowProblem]]:
    """Return the row's billing country (the customer's, if the cell is empty)."""
    if not row.country.strip():
        return country, []
    try:
        region = normalize_region(row.country)
    except ContactValidationError as error:
        problem = RowProblem(
            row.row,
            customer_id,
            plan.country_column,
            error.code,
            error.message,
            shown_cell(row.country),
        )
        return None, [problem]
    if country is not None and region != country:
        message = (
            f"Customer {customer_id!r} has billing country {country} in an earlier row and "
            f"{region} here; a customer has one billing country. Correct one of the rows."
        )
        problem = RowProblem(
            row.row,
            customer_id,
            plan.country_column,
            "csv.country",
            message,
            shown_cell(row.country),
        )
        return country, [problem]
    return region, []


def _check_items(
    plan: _Plan,
    row: _Row,
    customer_id: str,
    intake: Intake,
    region: str | None,
    *,
    keep: bool,
) -> tuple[list[CheckedPoint], list[RowProblem]]:
    """Add the row's values to the customer's points so far, as one batch.

    With ``keep`` false the batch is checked on a copy and nothing is kept. On errors
    nothing is kept either.
    """
    items = row.items
    for item in items:
        if item.kind is None:
            return [], []  # an unknown kind is already reported
    try:
        # Each item has the kind, value and description of an AddPoint.
        added, warnings = intake.add(cast("list[AddPoint]", items), region=region, keep=keep)
    except ContactValidationError as error:
        return [], [_row_problem(plan, row, customer_id, items, p) for p in error.errors]
    number = row.row
    accepted = [
        CheckedPoint(number, p.kind, p.value, p.description, item.value, item.description, p.region)
        for p, item in zip(added, items, strict=True)
    ]
    if not warnings:
        return accepted, []
    return accepted, [_row_problem(plan, row, customer_id, items, w) for w in warnings]


def _row_problem(
    plan: _Plan, row: _Row, customer_id: str, items: tuple[_Item, ...], problem: Problem
) -> RowProblem:
    item = items[problem.index or 0]
    if problem.field == "description":
        column, shown = plan.description_column, shown_cell(item.description or "")
        return RowProblem(row.row, customer_id, column, problem.code, problem.message, shown)
    return RowProblem(
        row.row, customer_id, item.column, problem.code, problem.message, shown_cell(item.value)
    )
