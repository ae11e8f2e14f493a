"""Checking a customer export in CSV: every value through the rules, customer by customer.

The bulk-check entry point (:func:`check_file`, :func:`check_blocks`): rows read by
:mod:`contactbook.interchange.csv_read` are grouped by customer and every value goes
through :class:`contactbook.operations.Intake`, one at a time on the customer's points
so far, so the one set of rules decides (duplicates within a customer and the 100-point
limit included), each value checked once. Rows of one customer must be adjacent, as in
any export sorted by customer: the file is streamed, never held in memory, and a
customer's points live only while its rows are read. A problem refuses its value, not
its row: the row's other values are kept, and every problem is reported with its row,
column, code and message (a repeated value names the row and column it repeats); the
accepted values are written as normalized rows in the point shape
(:mod:`contactbook.interchange.csv_write`), which can be checked or imported again.

Long files are checked in a process pool (``jobs``), here and nowhere else: reading and
writing stay in the calling process.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import hashlib
import importlib.metadata
import multiprocessing
import os
import pickle
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, BinaryIO, NamedTuple, TextIO

import attrs

from contactbook.errors import ContactValidationError, InFile, Problem
from contactbook.interchange.csv_layout import Layout
from contactbook.interchange.csv_read import (
    CheckedPoint,
    Columns,
    CustomerBlock,
    Export,
    Item,
    Reading,
    Row,
    Shape,
    open_export,
    shown_cell,
)
from contactbook.interchange.csv_write import NormalizedWriter, ReportWriter
from contactbook.model import MAX_POINTS, ContactKind, ContactSet, match_key
from contactbook.operations import Intake
from contactbook.validation import normalize_country, validate_value
from contactbook.vocabulary import KIND_TEXT, NOUNS

__all__ = [
    "MAX_CUSTOMER_ROWS",
    "CheckOptions",
    "Known",
    "Marked",
    "Sinks",
    "Summary",
    "Tally",
    "check_blocks",
    "check_file",
    "default_jobs",
    "fingerprint",
    "source_size",
    "start_check",
    "start_import",
    "write_results",
]

#: The most rows of one customer that are checked; rows beyond are reported as
#: ``contact.limit`` unread, so that one customer cannot hold the file in memory.
MAX_CUSTOMER_ROWS = 10 * MAX_POINTS

#: Rows handed to a worker process at a time (a chunk); checked in this process, the
#: rows are read and checked 50 at a time: their objects then die young, which the
#: garbage collector finds cheaply (1,000 at a time cost about 3 us a customer more,
#: docs/explanation/performance.md).
_CHUNK_ROWS = 1000
_ROWS_HERE = 50
#: How often (in rows) ``progress`` hears of the check.
_PROGRESS_ROWS = 1000


@attrs.frozen
class _Plan:
    """What a worker needs to know about the file besides its rows."""

    country_column: str
    country: str | None  # the default billing country, normalized
    describes: bool


@attrs.define
class Summary:
    """What a check found: counts of rows, customers, points, errors and warnings.

    ``customers`` counts runs of adjacent rows of one customer (so a customer whose rows
    are apart counts twice); ``values_refused`` the errors of one cell (the value, or
    the country, left out; the row's other values kept), ``rows_refused`` the rows
    refused whole (unreadable, the wrong width, no usable customer id, past the
    customer's row limit); ``errors`` and ``warnings`` count problems by code.
    ``reading`` says how the file was read (encoding, delimiter, layout, identity).
    """

    rows: int = 0
    customers: int = 0
    points: int = 0
    values_refused: int = 0
    rows_refused: int = 0
    errors: Counter[str] = attrs.field(factory=Counter)
    warnings: Counter[str] = attrs.field(factory=Counter)
    reading: Reading | None = None

    @property
    def clean(self) -> bool:
        """Whether nothing was refused (warnings do not count)."""
        return not self.errors

    def add(self, block: CustomerBlock) -> None:
        """Count ``block`` in."""
        self.rows += block.rows
        self.customers += bool(block.customer_id)
        self.points += len(block.points)
        if not block.problems:
            return
        refused = set()
        for problem in block.problems:
            if problem.severity == "error":
                self.errors[problem.code] += 1
                where = problem.location
                assert isinstance(where, InFile)  # noqa: S101 -- a file's problems
                if not where.column or problem.code == "csv.customer_id":
                    refused.add(where.row)
                else:
                    self.values_refused += 1
            else:
                self.warnings[problem.code] += 1
        self.rows_refused += len(refused)


@attrs.frozen
class CheckOptions:
    """How to read an export: its dialect, its layout, and the worker processes.

    ``encoding`` and ``delimiter`` are found from the file when ``None``;
    ``columns`` names contactbook's own columns, whose ``shape`` is found from the header
    when ``None``; ``layout`` is a user's column mapping
    (:func:`~contactbook.interchange.csv_layout.load_mapping`), without which the header
    says (contactbook's own or an address book's); ``id_column`` names the customer
    id's column (without one, and none named ``customer_id``, each record is a customer,
    ``row-N``); ``country`` is the billing country of customers whose rows give none.
    ``jobs`` above 1 checks chunks of customers in that many processes once the file is
    longer than one chunk (1,000 rows); the result does not depend on it.
    """

    columns: Columns = attrs.field(factory=Columns)
    shape: Shape | None = None
    encoding: str | None = None
    delimiter: str | None = None
    layout: Layout | None = None
    id_column: str | None = None
    country: str | None = None
    jobs: int = 1

    def open(self, source: BinaryIO, /) -> Export:
        """Open ``source`` as these options say (its header read)."""
        return open_export(
            source,
            columns=self.columns,
            shape=self.shape,
            encoding=self.encoding,
            delimiter=self.delimiter,
            layout=self.layout,
            id_column=self.id_column,
        )


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
    sinks = sinks or Sinks()
    export, blocks, _ = start_check(source, options or CheckOptions(), sinks.progress)
    summary = write_results(blocks, sinks)
    summary.reading = export.reading
    return summary


def start_check(
    source: BinaryIO, options: CheckOptions, progress: Callable[[Tally], None] | None
) -> tuple[Export, Iterator[CustomerBlock], Tally]:
    """Open an export as ``options`` say; return it, its checked blocks (lazy), the tally.

    The one start of a check, for :func:`check_file`; an import starts with
    :func:`start_import`, which counts its customers in the same tally.
    """
    export, marked, tally = start_import(source, options, progress, None)
    return export, (one.block for one in marked), tally


def start_import(
    source: BinaryIO,
    options: CheckOptions,
    progress: Callable[[Tally], None] | None,
    known: Known | None,
) -> tuple[Export, Iterator[Marked], Tally]:
    """Start a check as :func:`start_check` does, for an import: each block with its mark.

    With ``known`` (an import into a :class:`~contactbook.ports.MarkStore`), each
    chunk's customers are looked up by their rows' :func:`fingerprint` before the chunk
    is checked, and those ``known`` answers are built from their stored set instead
    (see :class:`Marked`).
    """
    tally = Tally(size=source_size(source))
    export = options.open(source)
    marked = _marked_blocks(
        export,
        jobs=options.jobs,
        progress=progress,
        tally=tally,
        country=options.country,
        known=known,
    )
    return export, marked, tally


def source_size(source: BinaryIO, /) -> int | None:
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
    country: str | None = None,
) -> Iterator[CustomerBlock]:
    """Check the rows of an opened export; yield one block per customer, in file order.

    ``jobs`` above 1 checks chunks of customers in that many worker processes (only
    once the file turns out to be longer than one chunk); the output order and content
    do not depend on it. ``progress`` is called with ``tally`` (a new one if not
    given), counted on as the rows are checked.
    ``country`` is the billing country of customers whose rows give none (refused,
    ``country.invalid``, when it is no ISO 3166-1 code).
    """
    marked = _marked_blocks(
        export, jobs=jobs, progress=progress, tally=tally, country=country, known=None
    )
    return (one.block for one in marked)


#: Looks a chunk's customers up in the store: given each group's ``(customer_id,
#: fingerprint)`` in file order (``None`` for a group that cannot be taken as stored),
#: returns for each the stored set that may be taken as its check's result (the set
#: carries the fingerprint as its mark), or ``None``
#: (:func:`contactbook.bulk.import_file` makes it).
Known = Callable[[Sequence[tuple[str, bytes | None]]], Sequence[ContactSet | None]]


class Marked(NamedTuple):
    """A checked block of an import, with the fingerprint of its rows.

    ``mark`` is the rows' :func:`fingerprint` (``None`` when none was asked for, or the
    rows cannot be taken as stored: a row with a problem of its own, one without a
    customer id, one past the row limit); ``known`` is true when the block was built from
    the customer's stored set, which carried that mark, instead of checked.
    """

    block: CustomerBlock
    mark: bytes | None = None
    known: bool = False


def _marked_blocks(
    export: Export,
    /,
    *,
    jobs: int,
    progress: Callable[[Tally], None] | None,
    tally: Tally | None,
    country: str | None,
    known: Known | None,
) -> Iterator[Marked]:
    """Check the rows of an opened export (see :func:`check_blocks`); yield each marked."""
    plan = _Plan(
        country_column=export.column("country"),
        country=normalize_country(country),
        describes=export.describes,
    )
    tally = tally or Tally()
    chunks = _chunks(_groups(export.rows()), tally, _CHUNK_ROWS if jobs > 1 else _ROWS_HERE)
    fingerprints = None if known is None else _fingerprint_context(export, plan.country)
    blocks = _checked(plan, chunks, jobs, fingerprints, known)
    return _counted(blocks, export, tally, progress)


def _counted(
    checked: Iterator[list[Marked]],
    export: Export,
    tally: Tally,
    progress: Callable[[Tally], None] | None,
) -> Iterator[Marked]:
    """Count each chunk in ``tally`` as it is checked; yield its blocks.

    ``progress`` is called every :data:`_PROGRESS_ROWS` rows or so, and at the end.
    """
    told = 0
    for blocks in checked:
        tally.rows += sum(one.block.rows for one in blocks)
        tally.customers += sum(bool(one.block.customer_id) for one in blocks)
        tally.read = export.position()
        if progress is not None and tally.rows - told >= _PROGRESS_ROWS:
            told = tally.rows
            progress(tally)
        yield from blocks
    tally.finished = True
    if progress is not None:
        progress(tally)


# --------------------------------------------------------------------------- fingerprints

#: The distributions whose code or data decides what a check finds.
_CHECKED_BY = ("contactbook-billing", "phonenumbers", "email-validator", "idna", "rfc3986")


@functools.cache
def _versions() -> tuple[str, ...]:
    """Return the versions of :data:`_CHECKED_BY`, as installed."""
    return tuple(importlib.metadata.version(name) for name in _CHECKED_BY)


def _fingerprint_context(export: Export, country: str | None) -> hashlib.blake2b:
    """Return the hash of what a check reads besides a customer's rows (see fingerprint)."""
    context = hashlib.blake2b(digest_size=16, person=b"contactbook-rows")
    seen = (
        _versions(),
        export.header,
        export.shape,
        export.layout,
        export.columns,
        export.describes,
        export.column("country"),
        country,
        MAX_CUSTOMER_ROWS,
    )
    context.update(repr(seen).encode("utf-8", "surrogatepass"))
    return context


def fingerprint(context: hashlib.blake2b, group: Sequence[Row], /) -> bytes | None:
    """Return the 16-byte fingerprint of a customer's rows, or ``None`` if they have none.

    It covers everything a check of the rows reads: ``context`` (from the export) holds
    the versions of contactbook, phonenumbers, email-validator, idna and rfc3986; the
    export's header, shape, layout (a mapping's included), its own column names, whether
    it gives descriptions, the country column, the default billing country
    (``--country``) and the row limit. Then each row: its customer id, country cell
    and values (column, kind, text, description, the column the description came
    from). They are framed by :mod:`pickle` (protocol 5: each text with its length,
    ``None`` apart from ``""``; half the time of their ``repr``), so no two lists of
    rows give the same bytes. Not the row numbers: they only
    place problems, and a block taken as stored has none (its points are given their
    rows again). Rows that cannot be taken as stored have none: a row with a problem of
    its own (unreadable, the wrong width), without a customer id, or past the row
    limit. BLAKE2b, 16 bytes: a mark stored with each set.
    """
    for row in group:
        if not row.customer_id or row.problems or row.over_limit:
            return None
    names = KIND_TEXT
    cells = [
        (
            row.customer_id,
            row.country,
            *(
                (i.column, i.kind and names[i.kind], i.value, i.description, i.described_by)
                for i in row.items
            ),
        )
        for row in group
    ]
    hashed = context.copy()
    hashed.update(pickle.dumps(cells, protocol=5))
    return hashed.digest()


def _known_block(plan: _Plan, group: list[Row], contacts: ContactSet) -> CustomerBlock | None:
    """Return the block the check of ``group`` gives, from the set stored from these rows.

    The set was marked with the rows' fingerprint only when their check found no
    problem and gave exactly its points (:func:`contactbook.bulk.import_file`), so
    each value of the rows is one point of it, in order. ``None`` if the set does not
    fit the rows after all (it is checked then).
    """
    stored = contacts.points
    left = iter(stored)
    points: list[CheckedPoint] = []
    country: str | None = None
    customer_id = group[0].customer_id
    for row in group:
        row_country, problems = _row_country(plan, row, customer_id, country)
        if problems:
            return None
        country = country or row_country
        for item in row.items:  # each value of the rows is the next point, of its kind
            p = next(left, None)
            if p is None or p.kind is not item.kind:
                return None
            points.append(
                CheckedPoint(
                    row.row, p.kind, p.value, p.description, item.value, item.description, p.country
                )
            )
    if len(points) != len(stored):
        return None
    # (customer_id, country, first_row, rows, points, problems, describes)
    return CustomerBlock(
        customer_id, country, group[0].row, len(group), tuple(points), (), plan.describes
    )


# --------------------------------------------------------------------------- grouping


def _groups(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Group adjacent rows of one customer; rows past MAX_CUSTOMER_ROWS are marked."""
    group: list[Row] = []
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


def _chunks(groups: Iterable[list[Row]], tally: Tally, rows: int) -> Iterator[list[list[Row]]]:
    """Cut the groups into chunks of about ``rows`` rows (whole groups)."""
    chunk: list[list[Row]] = []
    size = 0
    for group in groups:
        chunk.append(group)
        size += len(group)
        if size >= rows:
            tally.rows_read += size
            yield chunk
            chunk, size = [], 0
    if chunk:
        tally.rows_read += size
        yield chunk


class _Chunk(NamedTuple):
    """A chunk of groups, their fingerprints, and the blocks taken as stored, by place."""

    groups: list[list[Row]]
    marks: list[bytes | None]
    found: dict[int, CustomerBlock]

    def unknown(self) -> list[list[Row]]:
        """Return the groups to check: those not taken as stored."""
        return [group for place, group in enumerate(self.groups) if place not in self.found]

    def marked(self, checked: list[CustomerBlock]) -> list[Marked]:
        """Return the chunk's blocks in order: the ones taken as stored and ``checked``."""
        more = iter(checked)
        return [
            Marked(self.found[place], mark, True)
            if place in self.found
            else Marked(next(more), mark)
            for place, mark in enumerate(self.marks)
        ]


def _looked_up(
    plan: _Plan,
    chunk: list[list[Row]],
    fingerprints: hashlib.blake2b | None,
    known: Known | None,
) -> _Chunk:
    """Fingerprint a chunk's groups and take those the store knows from their sets."""
    if fingerprints is None or known is None:
        return _Chunk(chunk, [None] * len(chunk), {})
    marks = [fingerprint(fingerprints, group) for group in chunk]
    ids = [_group_id(group) for group in chunk]
    stored = known(list(zip(ids, marks, strict=True)))
    found: dict[int, CustomerBlock] = {}
    for place, (group, contacts) in enumerate(zip(chunk, stored, strict=True)):
        block = None if contacts is None else _known_block(plan, group, contacts)
        if block is not None:
            found[place] = block
    return _Chunk(chunk, marks, found)


def _checked(
    plan: _Plan,
    chunks: Iterator[list[list[Row]]],
    jobs: int,
    fingerprints: hashlib.blake2b | None = None,
    known: Known | None = None,
) -> Iterator[list[Marked]]:
    """Check chunks in order, in this process or (for long files) in a process pool.

    With ``known``, each chunk is looked up first (:func:`_looked_up`), here, and only
    the groups not taken as stored are checked.
    """
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if jobs > 1 else None
    if second is None:
        for chunk in _chained(first, chunks):
            looked = _looked_up(plan, chunk, fingerprints, known)
            yield looked.marked(_check_chunk(plan, looked.unknown()))
        return
    # "spawn" starts clean workers: no inherited threads or locks, the same on every OS.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_leave_interrupts_to_the_caller
    ) as pool:
        pending: deque[tuple[_Chunk, concurrent.futures.Future[list[CustomerBlock]]]] = deque()
        for chunk in _chained(first, iter([second]), chunks):
            looked = _looked_up(plan, chunk, fingerprints, known)
            with _interrupts_held():  # a worker this starts is born deaf to Ctrl-C
                pending.append((looked, pool.submit(_check_chunk, plan, looked.unknown())))
            if len(pending) >= 2 * jobs:  # keep memory flat: a few chunks in flight
                looked, checked = pending.popleft()
                yield looked.marked(checked.result())
        while pending:
            looked, checked = pending.popleft()
            yield looked.marked(checked.result())


def _leave_interrupts_to_the_caller() -> None:
    """Ignore Ctrl-C in a worker: the caller stops the pool (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards one held since its start
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back in this thread (it comes after) while a worker may be started.

    A spawned worker inherits the signal mask, so a Ctrl-C to the process group while it
    still imports contactbook waits until it ignores Ctrl-C (and is then discarded)
    instead of printing a traceback: what multiprocessing's resource tracker does.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups to signal
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _chained(first: list[list[Row]], *rest: Iterator[list[list[Row]]]) -> Iterator[list[list[Row]]]:
    yield first
    for more in rest:
        yield from more


# --------------------------------------------------------------------------- checking


def _check_chunk(plan: _Plan, chunk: list[list[Row]]) -> list[CustomerBlock]:
    return [_check_group(plan, group) for group in chunk]


class _Customer:
    """One customer's points so far, and the row and column each was read from."""

    __slots__ = ("intake", "origins")

    def __init__(self) -> None:
        self.intake = Intake()
        self.origins: list[tuple[int, str]] = []  # per accepted point, in order

    def earlier(self, kind: ContactKind, value: str, country: str | None) -> tuple[int, str]:
        """Return the row and column of the accepted point ``value`` repeats."""
        key = match_key(kind, validate_value(kind, value, country).value)
        for point, origin in zip(self.intake.points, self.origins, strict=True):
            if point.kind is kind and match_key(kind, point.value) == key:
                return origin
        return (0, "")  # not reached: the intake found it


def _group_id(group: list[Row]) -> str:
    """Return the customer id of a group of rows: its first row's that has one, or ""."""
    return group[0].customer_id or next((row.customer_id for row in group if row.customer_id), "")


def _check_group(plan: _Plan, group: list[Row]) -> CustomerBlock:
    customer_id = _group_id(group)
    customer = _Customer()
    country: str | None = None
    points: list[CheckedPoint] = []
    problems: list[Problem] = []
    for row in group:
        if row.problems:
            problems.extend(row.problems)
        if row.over_limit:
            problems.append(
                Problem(
                    "contact.limit",
                    None,
                    f"Customer {customer_id!r} has more than {MAX_CUSTOMER_ROWS} rows; a "
                    f"customer can have at most {MAX_POINTS} contact points, so this row "
                    "was not checked.",
                    location=InFile(row.row, "", customer_id),
                )
            )
            continue
        owner = customer_id if row.customer_id else ""
        row_country, row_problems = _row_country(plan, row, owner, country if owner else None)
        if row.customer_id and country is None and row_country is not None and not row_problems:
            country = row_country
        if row.items:
            # A row without a usable id belongs to no customer: its values are checked on
            # their own, and none is kept.
            checked = customer if row.customer_id else _Customer()
            accepted, more = _check_items(row, owner, checked, row_country, keep=bool(owner))
            points.extend(accepted)
            row_problems.extend(more)
        problems.extend(row_problems)
    # (customer_id, country, first_row, rows, points, problems, describes): one a customer
    return CustomerBlock(
        customer_id,
        country,
        group[0].row,
        len(group),
        tuple(points),
        tuple(problems),
        plan.describes,
    )


def _row_country(
    plan: _Plan, row: Row, customer_id: str, country: str | None
) -> tuple[str | None, list[Problem]]:
    """Return the row's billing country (the customer's, or the default, if empty)."""
    if not row.country.strip():
        return country or plan.country, []
    try:
        found = normalize_country(row.country)
    except ContactValidationError as error:
        problem = Problem(
            error.code,
            None,
            error.message,
            location=InFile(row.row, plan.country_column, customer_id),
            input=shown_cell(row.country),
        )
        return None, [problem]
    if country is not None and found != country:
        message = (
            f"Customer {customer_id!r} has billing country {country} in an earlier row and "
            f"{found} here; a customer has one billing country, so this row's numbers "
            f"were read in {country}. Correct one of the rows."
        )
        problem = Problem(
            "csv.country",
            None,
            message,
            location=InFile(row.row, plan.country_column, customer_id),
            input=shown_cell(row.country),
        )
        return country, [problem]
    return found, []


def _check_items(
    row: Row, customer_id: str, customer: _Customer, country: str | None, *, keep: bool
) -> tuple[list[CheckedPoint], list[Problem]]:
    """Add the row's values to the customer's points so far, one at a time.

    A value with a problem is left out, and the row's other values are kept; with
    ``keep`` false each is checked as if added, and nothing is kept.
    """
    accepted: list[CheckedPoint] = []
    problems: list[Problem] = []
    items = [item for item in row.items if item.kind is not None]  # unknown: reported
    # An item has the kind (not None here), value and description of an AddPoint.
    outcomes = customer.intake.add_each(items, country=country, keep=keep)  # type: ignore[arg-type]
    number = row.row
    origins = customer.origins
    for item, (point, found) in zip(items, outcomes, strict=True):
        if found:
            problems.extend(
                _value_problem(row, customer_id, item, p, customer, country) for p in found
            )
        if point is not None and keep:
            origins.append((number, item.column))
            accepted.append(
                CheckedPoint(
                    number,
                    point.kind,
                    point.value,
                    point.description,
                    item.value,
                    item.description,
                    point.country,
                )
            )
    return accepted, problems


def _value_problem(  # noqa: PLR0917 -- the problem and where it is
    row: Row,
    customer_id: str,
    item: Item,
    problem: Problem,
    customer: _Customer,
    country: str | None,
) -> Problem:
    if problem.field == "description":
        column = item.described_by or item.column
        shown = shown_cell(item.description or "")
        return Problem(
            problem.code,
            None,
            problem.message,
            location=InFile(row.row, column, customer_id),
            input=shown,
        )
    message = problem.message
    if problem.code == "contact.duplicate" and item.kind is not None:
        # Named by row and column, as a spreadsheet shows them, never by a point's id.
        at_row, at_column = customer.earlier(item.kind, item.value, country)
        message = (
            f"{item.column} repeats row {at_row}, column {at_column}: a customer holds each "
            f"{NOUNS[item.kind]} once, so this one was left out."
        )
    return Problem(
        problem.code,
        None,
        message,
        location=InFile(row.row, item.column, customer_id),
        input=shown_cell(item.value),
    )
