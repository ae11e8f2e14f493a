"""Bulk checking of a customer export in CSV: normalised output and an error report.

Two shapes of export are read; the header row says which:

- one row per customer: ``customer_id, country, email, phone, mobile, website`` (any
  of the four value columns may be left out; each cell holds one value, which becomes
  the primary of its kind);
- one row per contact point: ``customer_id, country, kind, value, description``.

Column names are matched without regard to case or surrounding space and can be renamed
with :class:`Columns`. ``country`` is the customer's billing country (ISO 3166-1
alpha-2), used for telephone numbers written without a country code.

Every value goes through :func:`contactbook.operations.apply`, row by row on the
customer's set so far, so the one set of rules decides (duplicates within a customer
and the 100-point limit included). Rows of one customer must be adjacent, as in any
export sorted by customer: the file is streamed, never held in memory, and a customer's
set lives only while its rows are read. A row with any error is skipped as a whole and
every problem is reported with its row, column, code and message; the rest is written
as normalised rows in the point shape, which can be checked or imported again.

Hostile input gives problems, never a traceback: bytes that are not UTF-8 (per row, or
for the whole file when the header cannot be read), a byte-order mark (skipped), a
missing column (:class:`~contactbook.errors.FormatError` ``csv.columns``), a row with
the wrong number of cells, a huge cell or line (``csv.too_large``), NUL bytes and other
control characters (refused by the validators).

The error report is safe to open in a spreadsheet (:func:`safe_cell`); the normalised
rows are written exactly, since they are read back (:class:`NormalisedWriter`).
"""

from __future__ import annotations

import codecs
import concurrent.futures
import csv
import enum
import multiprocessing
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, BinaryIO, TextIO

import attrs

from contactbook.errors import ContactValidationError, FormatError, Problem
from contactbook.model import MAX_POINTS, ContactKind, ContactSet, match_key
from contactbook.operations import AddPoint, Change, EditPoint, apply
from contactbook.validation import normalize_region

__all__ = [
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

#: The longest physical line read, in bytes; the rest of a longer line is skipped and
#: its row reported as ``csv.too_large``. No valid row comes near it.
MAX_LINE_BYTES = 256 * 1024
#: The most rows of one customer that are checked; rows beyond are reported as
#: ``contact.limit`` unread, so that one customer cannot hold the file in memory.
MAX_CUSTOMER_ROWS = 10 * MAX_POINTS
#: The columns of the normalised output (the point shape).
NORMALISED_HEADER = ("customer_id", "country", "kind", "value", "description")
#: The columns of the error report.
REPORT_HEADER = ("row", "customer_id", "column", "severity", "code", "message", "input")

_MAX_CUSTOMER_ID = 200
_MAX_SHOWN_INPUT = 200
_CHUNK_ROWS = 1000
# OWASP "CSV injection": a cell starting with one of these runs as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ITU-T E.164: "+", a country code that does not start with 0, at most 15 digits.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_KIND_NAMES = {
    "email": ContactKind.EMAIL,
    "e-mail": ContactKind.EMAIL,
    "phone": ContactKind.PHONE,
    "telephone": ContactKind.PHONE,
    "landline": ContactKind.PHONE,
    "mobile": ContactKind.MOBILE,
    "cell": ContactKind.MOBILE,
    "website": ContactKind.WEBSITE,
    "url": ContactKind.WEBSITE,
}


def safe_cell(text: str, /) -> str:
    r"""Return ``text`` so that a spreadsheet shows it instead of running it.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, which spreadsheets take as "text"; a valid-looking E.164
    number (``+31612345678``) is left as it is, so normalised numbers stay exact.

    >>> safe_cell('=HYPERLINK("http://x")'), safe_cell("+31612345678")
    ('\'=HYPERLINK("http://x")', '+31612345678')
    """
    if text.startswith(_FORMULA_START) and not _E164.fullmatch(text):
        return "'" + text
    return text


# --------------------------------------------------------------------------- records


class Shape(enum.Enum):
    """The two shapes of export."""

    CUSTOMER = "customer"  # one row per customer: email, phone, mobile, website columns
    POINT = "point"  # one row per contact point: kind, value, description columns


@attrs.frozen
class Columns:
    """The names of the columns in the export's header (matched case-insensitively)."""

    customer_id: str = "customer_id"
    country: str = "country"
    email: str = "email"
    phone: str = "phone"
    mobile: str = "mobile"
    website: str = "website"
    kind: str = "kind"
    value: str = "value"
    description: str = "description"


@attrs.frozen
class RowProblem:
    """One line of the error report.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1);
    ``column`` is the header's name of the cell (empty for the whole row); ``severity``
    is ``"error"`` (the row was skipped) or ``"warning"`` (the row was kept); ``input``
    is the cell as it was, shortened.
    """

    row: int
    customer_id: str
    column: str
    code: str
    message: str
    input: str = ""
    severity: str = "error"


@attrs.frozen
class CheckedPoint:
    """An accepted contact point of the export: normalised, with the input kept."""

    row: int
    kind: ContactKind
    value: str
    description: str | None
    entered: str
    entered_description: str | None


@attrs.frozen
class CustomerBlock:
    """The checked result of one customer's adjacent rows.

    ``points`` are the accepted points in file order (what import stores); ``problems``
    are the errors and warnings of its rows; ``country`` is the customer's billing
    country (normalised) or ``None``. ``describes`` is true in the point shape, where
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
class _Item:
    """One value of a row: its column, kind, input and description."""

    column: str
    kind: ContactKind | None
    value: str
    description: str | None


@attrs.frozen
class _Row:
    """A row as read in the main process, before any value is checked."""

    row: int
    customer_id: str
    country: str
    items: tuple[_Item, ...]
    problems: tuple[RowProblem, ...] = ()
    over_limit: bool = False


@attrs.frozen
class _Plan:
    """What a worker needs to know about the file besides its rows."""

    country_column: str
    description_column: str
    describes: bool


def _shown(text: str) -> str:
    text = _CONTROL.sub("\ufffd", text)
    return text if len(text) <= _MAX_SHOWN_INPUT else text[: _MAX_SHOWN_INPUT - 1] + "…"


# --------------------------------------------------------------------------- reading bytes


class _Lines:
    """The file's physical lines as text, each at most MAX_LINE_BYTES, flaws noted."""

    def __init__(self, stream: BinaryIO, encoding: str):
        self._stream = stream
        self._decode = codecs.getdecoder(encoding)
        self.number = 0
        self.utf16 = False
        self.flaws: dict[int, str] = {}  # line number -> csv.encoding / csv.too_large

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._stream.readline(MAX_LINE_BYTES)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (more := self._stream.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                pass  # skip the rest of the line, a piece at a time
            self.flaws[self.number] = "csv.too_large"
            return "\n"
        if self.number == 1:
            self.utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text: str = self._decode(raw)[0]
        except UnicodeError:  # UnicodeDecodeError, or a codec's own refusal
            self.flaws[self.number] = "csv.encoding"
            try:
                text = self._decode(raw, "replace")[0]
            except UnicodeError:
                text = "\n"
        return text


_FLAW_MESSAGES = {
    "csv.encoding": (
        "This row holds bytes that are not {encoding} text; save the file as UTF-8 "
        '("CSV UTF-8") or give its encoding.'
    ),
    "csv.too_large": (
        f"This row holds a line longer than {MAX_LINE_BYTES // 1024} KiB or a cell longer "
        "than the CSV reader allows; no contact value is that long. Check the row."
    ),
}


@attrs.frozen
class _Record:
    row: int
    cells: list[str] | None  # None: the CSV parser gave up on this row
    flaw: str | None


def _records(lines: _Lines) -> Iterator[_Record]:
    reader = csv.reader(lines, strict=False)
    row = 0
    while True:
        first_line = lines.number + 1
        cells: list[str] | None
        flaw = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            cells = None
            flaw = "csv.too_large" if "field limit" in str(error) else "csv.row"
        row += 1
        for number in range(first_line, lines.number + 1):
            flaw = lines.flaws.pop(number, None) or flaw
        yield _Record(row, cells, flaw)


# --------------------------------------------------------------------------- the export


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


class Export:
    """An opened export: its shape and header are known, its rows not read yet.

    Iterate :meth:`blocks` once to check it. Build it with :func:`open_export`.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        columns: Columns,
        shape: Shape | None,
        encoding: str,
    ):
        self._stream = stream
        self._encoding = encoding = text_codec(encoding)
        self._lines = _Lines(stream, encoding)
        self._records = _records(self._lines)
        header = self._header()
        self.header: tuple[str, ...] = tuple(header)
        self.columns = columns
        self.shape, self._index = self._layout([name.casefold() for name in header], columns, shape)
        # The report names each column as the file's header does.
        self._names = {field: header[position] for field, position in self._index.items()}
        # The customer shape's value columns (name, kind, position), found once here:
        # _items runs on every row.
        self._value_columns = tuple(
            (self._names[field], kind, self._index[field])
            for kind in ContactKind
            if (field := kind.name.lower()) in self._index
        )

    def _header(self) -> list[str]:
        first = next(self._records, None)
        if first is None:
            msg = "The file is empty; a CSV export starts with a header row of column names."
            raise FormatError(msg, code="csv.columns")
        if self._lines.utf16 and "16" not in self._encoding:
            msg = 'The file is UTF-16 text; save it as UTF-8 ("CSV UTF-8") and check it again.'
            raise FormatError(msg, code="csv.encoding")
        if first.cells is None or first.flaw:
            msg = (
                f"The header row cannot be read as {self._encoding} text. Save the file as "
                'UTF-8 ("CSV UTF-8" in a spreadsheet) or give its encoding.'
            )
            raise FormatError(msg, code="csv.encoding")
        return [cell.strip() for cell in first.cells]

    @staticmethod
    def _layout(
        header: list[str], columns: Columns, shape: Shape | None
    ) -> tuple[Shape, dict[str, int]]:
        where: dict[str, int] = {}
        for position, name in enumerate(header):
            where.setdefault(name, position)
        wanted = {field: getattr(columns, field) for field in attrs.fields_dict(Columns)}
        index = {
            f: where[n.strip().casefold()]
            for f, n in wanted.items()
            if n.strip().casefold() in where
        }
        value_fields = [kind.name.lower() for kind in ContactKind]
        if shape is None:
            shape = Shape.POINT if {"kind", "value"} <= index.keys() else Shape.CUSTOMER
        required = ["customer_id"] + (["kind", "value"] if shape is Shape.POINT else [])
        missing = [wanted[f] for f in required if f not in index]
        if shape is Shape.CUSTOMER and not any(f in index for f in value_fields):
            missing.append(" or ".join(wanted[f] for f in value_fields))
        if missing:
            found = ", ".join(header) or "(none)"
            msg = (
                f"The file has no column {', '.join(repr(m) for m in missing)} (its columns "
                f"are: {found}). A customer export needs customer_id, country and email, "
                "phone, mobile, website columns, or customer_id, country, kind, value and "
                "description; rename the columns or say which column is which."
            )
            raise FormatError(msg, code="csv.columns")
        return shape, index

    def _rows(self) -> Iterator[_Row]:
        for record in self._records:
            blank = record.cells is not None and not any(cell.strip() for cell in record.cells)
            if blank and record.flaw is None:
                continue  # a blank line, as spreadsheets leave them
            yield self._row(record)

    def _cell(self, cells: Sequence[str], field: str) -> str:
        position = self._index.get(field)
        # A short row has no cell there; its width is reported by the row check.
        return "" if position is None or position >= len(cells) else cells[position]

    def _row(self, record: _Record) -> _Row:
        cells = record.cells or []
        customer_id = self._cell(cells, "customer_id").strip() if record.cells else ""
        id_problem = _customer_id_problem(customer_id)
        clean_id = "" if id_problem else customer_id
        if record.flaw is not None:
            message = _FLAW_MESSAGES.get(
                record.flaw,
                "This row is not well-formed CSV (a stray quote?); check its quotes.",
            ).format(encoding=self._encoding)
            problem = RowProblem(record.row, clean_id, "", record.flaw, message)
            return _Row(record.row, clean_id, "", (), (problem,))
        width = len(self.header)
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            message = (
                f"This row has {len(cells)} cells and the header {width}; a separator or "
                "a quote is missing or extra. Fix the row."
            )
            problem = RowProblem(record.row, clean_id, "", "csv.row", message)
            return _Row(record.row, clean_id, "", (), (problem,))
        problems = []
        if id_problem:
            column = self._names["customer_id"]
            problems.append(
                RowProblem(
                    record.row, "", column, "csv.customer_id", id_problem, _shown(customer_id)
                )
            )
        items = self._items(record.row, clean_id, cells, problems)
        country = self._cell(cells, "country")
        return _Row(record.row, clean_id, country, items, tuple(problems))

    def _items(
        self, row: int, customer_id: str, cells: Sequence[str], problems: list[RowProblem]
    ) -> tuple[_Item, ...]:
        if self.shape is Shape.CUSTOMER:
            return tuple(
                _Item(column, kind, cells[position], None)
                for column, kind, position in self._value_columns
                if cells[position].strip()
            )
        kind_text = self._cell(cells, "kind")
        kind = _KIND_NAMES.get(kind_text.strip().casefold())
        if kind is None:
            problems.append(
                RowProblem(
                    row,
                    customer_id,
                    self._names["kind"],
                    "csv.kind",
                    f"{_shown(kind_text)!r} is not a kind of contact detail; write email, "
                    "phone, mobile or website.",
                    _shown(kind_text),
                )
            )
        description = self._cell(cells, "description") if "description" in self._index else None
        return (_Item(self._names["value"], kind, self._cell(cells, "value"), description),)

    def blocks(
        self, *, jobs: int = 1, progress: Callable[[int], None] | None = None
    ) -> Iterator[CustomerBlock]:
        """Check the rows and yield one block per customer, in file order.

        ``jobs`` above 1 checks chunks of customers in that many worker processes (only
        once the file turns out to be longer than one chunk); the output order and
        content do not depend on it. ``progress`` is called with the bytes read so far.
        """
        plan = _Plan(
            country_column=self._names.get("country", self.columns.country),
            description_column=self._names.get("description", self.columns.description),
            describes=self.shape is Shape.POINT and "description" in self._index,
        )
        chunks = _chunks(_groups(self._rows()))
        if progress is None:
            report = None
        else:

            def report() -> None:
                progress(self._stream.tell())

        yield from _checked(plan, chunks, jobs, report)


def _customer_id_problem(customer_id: str) -> str | None:
    if not customer_id:
        return "The customer id is empty; every row needs the id of its customer."
    if len(customer_id) > _MAX_CUSTOMER_ID:
        return f"The customer id is longer than {_MAX_CUSTOMER_ID} characters; check the row."
    # Every character _CONTROL matches (category Cc) is also not printable.
    if not customer_id.isprintable():
        return "The customer id holds control characters; retype it."
    return None


def open_export(
    stream: BinaryIO,
    /,
    *,
    columns: Columns | None = None,
    shape: Shape | None = None,
    encoding: str = "utf-8",
) -> Export:
    """Open a customer export read from a binary stream, reading its header row.

    ``shape`` is found from the header when not given. ``encoding`` is the text
    encoding of the file (UTF-8 by default; a byte-order mark is skipped). Raises
    :class:`~contactbook.errors.FormatError` when the header cannot be read or a needed
    column is missing.
    """
    return Export(stream, columns=columns or Columns(), shape=shape, encoding=encoding)


# Codecs Python counts as text encodings that are not character sets a file is saved in:
# "undefined" refuses everything, punycode and idna are for domain names (and raise
# UnicodeError on a stray byte), the escape codecs read backslashes as escapes.
_NOT_FILE_ENCODINGS = frozenset(
    {"undefined", "punycode", "idna", "unicode-escape", "raw-unicode-escape"}
)


def text_codec(encoding: object, /) -> str:
    """Return the name of a character set a text file can be saved in, or refuse it.

    Any name Python's codecs know for a text encoding (``utf-8``, ``cp1252``,
    ``latin-1``, ``utf-16``, ...) but the ones that are not file character sets
    (``undefined``, ``punycode``, ``idna``, the escape codecs); raises
    :class:`~contactbook.errors.FormatError` ``format.encoding`` for anything else,
    whatever the name holds (NUL, surrogates, another type).

    >>> text_codec("UTF8")
    'utf-8'
    """
    name = None
    if isinstance(encoding, str) and encoding.isascii() and encoding.isprintable():
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            info = None
        if info is not None and info._is_text_encoding and info.name not in _NOT_FILE_ENCODINGS:
            name = info.name  # as str.decode checks
    if name is None:
        shown = ascii(encoding[:40]) if isinstance(encoding, str) else type(encoding).__name__
        msg = (
            f"{shown} is not the name of a text encoding a file can be saved in; "
            "try utf-8 or cp1252."
        )
        raise FormatError(msg, code="format.encoding")
    return name


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
        group.append(
            attrs.evolve(row, items=(), over_limit=True) if count > MAX_CUSTOMER_ROWS else row
        )
        if len(group) >= MAX_CUSTOMER_ROWS:
            yield group  # a long run of one customer goes on in the next group
            group = []
    if group:
        yield group


def _chunks(groups: Iterable[list[_Row]]) -> Iterator[list[list[_Row]]]:
    chunk: list[list[_Row]] = []
    size = 0
    for group in groups:
        chunk.append(group)
        size += len(group)
        if size >= _CHUNK_ROWS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _checked(
    plan: _Plan,
    chunks: Iterator[list[list[_Row]]],
    jobs: int,
    report: Callable[[], None] | None,
) -> Iterator[CustomerBlock]:
    """Check chunks in order, in this process or (for long files) in a process pool."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if jobs > 1 else None
    if second is None:
        for chunk in _chained(first, chunks):
            yield from _check_chunk(plan, chunk)
            if report:
                report()
        return
    # "spawn" starts clean workers: no inherited threads or locks, the same on every OS.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        pending: deque[concurrent.futures.Future[list[CustomerBlock]]] = deque()
        for chunk in _chained(first, iter([second]), chunks):
            pending.append(pool.submit(_check_chunk, plan, chunk))
            if len(pending) >= 2 * jobs:  # keep memory flat: a few chunks in flight
                yield from pending.popleft().result()
                if report:
                    report()
        while pending:
            yield from pending.popleft().result()
            if report:
                report()


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
    contacts = ContactSet()
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
            _, _, more = _check_items(plan, row, "", ContactSet(), region)
            problems.extend([*row_problems, *more])
            continue
        region, row_problems = _region(plan, row, customer_id, country)
        if country is None and region is not None and not row_problems:
            country = region
        updated, accepted, more = _check_items(plan, row, customer_id, contacts, region)
        if row_problems and region is None:
            # An unreadable country already explains numbers that need one.
            more = [p for p in more if p.code != "phone.region_required"]
        row_problems.extend(more)
        problems.extend(row_problems)
        if row.problems or any(p.severity == "error" for p in row_problems):
            continue
        points.extend(accepted)
        contacts = updated
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
            _shown(row.country),
        )
        return None, [problem]
    if country is not None and region != country:
        message = (
            f"Customer {customer_id!r} has billing country {country} in an earlier row and "
            f"{region} here; a customer has one billing country. Correct one of the rows."
        )
        problem = RowProblem(
            row.row, customer_id, plan.country_column, "csv.country", message, _shown(row.country)
        )
        return country, [problem]
    return region, []


def _check_items(
    plan: _Plan, row: _Row, customer_id: str, contacts: ContactSet, region: str | None
) -> tuple[ContactSet, list[CheckedPoint], list[RowProblem]]:
    """Apply the row's values to the customer's set so far; on errors keep the set."""
    items = list(row.items)
    changes: list[Change] = [
        AddPoint(item.kind, item.value, item.description) for item in items if item.kind is not None
    ]
    if len(changes) != len(items):
        return contacts, [], []  # an unknown kind is already reported
    try:
        outcome = apply(contacts, changes, region=region)
    except ContactValidationError as error:
        return contacts, [], [_row_problem(plan, row, customer_id, items, p) for p in error.errors]
    added = outcome.contacts.points[len(contacts.points) :]
    accepted = [
        CheckedPoint(row.row, p.kind, p.value, p.description, item.value, item.description)
        for p, item in zip(added, items, strict=True)
    ]
    warnings = [
        attrs.evolve(_row_problem(plan, row, customer_id, items, w), severity="warning")
        for w in outcome.warnings
    ]
    return outcome.contacts, accepted, warnings


def _row_problem(
    plan: _Plan, row: _Row, customer_id: str, items: list[_Item], problem: Problem
) -> RowProblem:
    item = items[problem.index or 0]
    if problem.field == "description":
        column, shown = plan.description_column, _shown(item.description or "")
        return RowProblem(row.row, customer_id, column, problem.code, problem.message, shown)
    return RowProblem(
        row.row, customer_id, item.column, problem.code, problem.message, _shown(item.value)
    )


# --------------------------------------------------------------------------- import


def changes_for(current: ContactSet, block: CustomerBlock, /) -> list[Change]:
    """Return the batch that merges a checked customer into their stored set.

    A value not yet stored (same kind, same normalised value) is added with its input as
    entered; in the point shape a stored value whose description differs gets the
    file's description. Nothing is removed or reordered, so applying the batch twice
    changes nothing the second time.
    """
    stored = {(p.kind, p.match_key): p for p in current.points}
    changes: list[Change] = []
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


# --------------------------------------------------------------------------- writing


class NormalisedWriter:
    """Writes accepted points as normalised rows in the point shape, exactly.

    This file is data meant to be read back (checked or imported again), so every cell
    is written as it is: no spreadsheet escaping, which would end up in the data (a
    description ``@Home`` would come back as ``'@Home``). Open the error report, not
    this file, in a spreadsheet; to show the rows to people in one, pass each cell
    through :func:`safe_cell` in a copy of your own.
    """

    def __init__(self, stream: TextIO | IO[str]):
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._writer.writerow(NORMALISED_HEADER)

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

    def write(self, problems: Iterable[RowProblem]) -> None:
        """Write ``problems``."""
        for p in problems:
            self._writer.writerow(
                [
                    p.row,
                    safe_cell(p.customer_id),
                    safe_cell(p.column),
                    p.severity,
                    p.code,
                    safe_cell(_shown(p.message)),
                    safe_cell(p.input),
                ]
            )


def check_file(
    source: BinaryIO,
    /,
    *,
    normalised: TextIO | IO[str] | None = None,
    report: TextIO | IO[str] | None = None,
    columns: Columns | None = None,
    shape: Shape | None = None,
    encoding: str = "utf-8",
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    on_block: Callable[[CustomerBlock], Iterable[RowProblem]] | None = None,
) -> Summary:
    """Check a whole export, writing the normalised rows and the report as it goes.

    ``on_block`` is called with each checked customer (for example to store it) and may
    return more problems for the report. Returns the :class:`Summary`; raises
    :class:`~contactbook.errors.FormatError` for a file that cannot be read at all.
    """
    export = open_export(source, columns=columns, shape=shape, encoding=encoding)
    out = NormalisedWriter(normalised) if normalised is not None else None
    problems_out = ReportWriter(report) if report is not None else None
    summary = Summary()
    for checked in export.blocks(jobs=jobs, progress=progress):
        block = checked
        more = tuple(on_block(checked)) if on_block is not None else ()
        if any(problem.severity == "error" for problem in more):
            # The customer could not be stored: nothing of it counts as accepted.
            block = attrs.evolve(checked, points=(), problems=checked.problems + more)
        elif more:
            block = attrs.evolve(checked, problems=checked.problems + more)
        summary.add(block)
        if out is not None:
            out.write(block)
        if problems_out is not None:
            problems_out.write(block.problems)
    return summary
