"""Reading a customer export in CSV: bytes to rows, and the header's layout.

Two shapes of export are read; the header row says which:

- one row per customer: ``customer_id, country, email, phone, mobile, website`` (any
  of the four value columns may be left out; each cell holds one value, which becomes
  the primary of its kind);
- one row per contact point: ``customer_id, country, kind, value, description``.

Column names are matched without regard to case or surrounding space and can be renamed
with :class:`Columns`. ``country`` is the customer's billing country (ISO 3166-1
alpha-2), used for telephone numbers written without a country code.

The file is streamed, never held in memory. Hostile input gives problems, never a
traceback: bytes that are not UTF-8 (per row, or for the whole file when the header
cannot be read), a byte-order mark (skipped), a missing column
(:class:`~contactbook.errors.FormatError` ``csv.columns``), a row with the wrong number
of cells, a huge cell or line (``csv.too_large``). Values are not checked here: that is
:mod:`contactbook.interchange.csv_check`.
"""

from __future__ import annotations

import codecs
import csv
import enum
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

import attrs

from contactbook.errors import FormatError, InFile, Problem
from contactbook.model import ContactKind
from contactbook.vocabulary import KIND_SPELLINGS, shown

if TYPE_CHECKING:
    from contactbook.interchange.csv_check import CustomerBlock, Tally

__all__ = [
    "MAX_LINE_BYTES",
    "Columns",
    "Export",
    "RowProblem",
    "Shape",
    "open_export",
    "text_codec",
]

#: The longest physical line read, in bytes; the rest of a longer line is skipped and
#: its row reported as ``csv.too_large``. No valid row comes near it.
MAX_LINE_BYTES = 256 * 1024

_MAX_CUSTOMER_ID = 200
_MAX_SHOWN_INPUT = 200
#: A cell as a report shows it: shortened, unquoted, refused characters as U+FFFD.
shown_cell = functools.partial(shown, limit=_MAX_SHOWN_INPUT, quoted=False, masked=True)


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


class RowProblem(Problem):
    """One line of the error report: a :class:`~contactbook.errors.Problem` in a file.

    Its ``location`` is an :class:`~contactbook.errors.InFile`: ``row`` is the row
    number as a spreadsheet shows it (the header is row 1); ``column`` is the header's
    name of the cell (empty for the whole row); ``customer_id`` the row's customer.
    ``input`` is the cell as it was, shortened; ``severity`` is ``"error"`` (the row was
    skipped) or ``"warning"`` (the row was kept), as the code says (``WARNING_CODES``).
    The separate type, its constructor and ``row``, ``customer_id`` and ``column`` are
    kept one release (deprecated): read ``location`` instead.
    """

    __slots__ = ()

    def __init__(  # noqa: PLR0917 -- the old record's fields, in their order
        self,
        row: int,
        customer_id: str,
        column: str,
        code: str,
        message: str,
        input: str = "",  # noqa: A002 -- the old record's field name
        severity: str = "error",
    ) -> None:
        del severity  # the code says it (WARNING_CODES)
        where = InFile(row, column, customer_id)
        super().__init__(code, None, message, location=where, input=input)

    @property
    def _where(self) -> InFile:
        assert isinstance(self.location, InFile)  # noqa: S101 -- set by __init__
        return self.location

    @property
    def row(self) -> int:
        """Deprecated: ``location.row``."""
        return self._where.row

    @property
    def customer_id(self) -> str:
        """Deprecated: ``location.customer_id``."""
        return self._where.customer_id

    @property
    def column(self) -> str:
        """Deprecated: ``location.column``."""
        return self._where.column


class _Item(NamedTuple):
    """One value of a row: its column, kind, input and description.

    A named tuple, as the other per-row records: they are made for every cell of a file.
    """

    column: str
    kind: ContactKind | None
    value: str
    description: str | None


class _Row(NamedTuple):
    """A row as read in the main process, before any value is checked."""

    row: int
    customer_id: str
    country: str
    items: tuple[_Item, ...]
    problems: tuple[RowProblem, ...] = ()
    over_limit: bool = False


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


class _Record(NamedTuple):
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
                    record.row, "", column, "csv.customer_id", id_problem, shown_cell(customer_id)
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
        kind = KIND_SPELLINGS.get(kind_text.strip().casefold())
        if kind is None:
            problems.append(
                RowProblem(
                    row,
                    customer_id,
                    self._names["kind"],
                    "csv.kind",
                    f"{shown_cell(kind_text)!r} is not a kind of contact detail; write email, "
                    "phone, mobile or website.",
                    shown_cell(kind_text),
                )
            )
        description = self._cell(cells, "description") if "description" in self._index else None
        return (_Item(self._names["value"], kind, self._cell(cells, "value"), description),)

    def rows(self) -> Iterator[_Row]:
        """Yield the rows after the header, in file order, values not checked yet."""
        return self._rows()

    def position(self) -> int:
        """Return how many bytes of the file have been read (for a progress bar)."""
        return self._stream.tell()

    @property
    def describes(self) -> bool:
        """Whether the file gives descriptions (the point shape with that column)."""
        return self.shape is Shape.POINT and "description" in self._index

    def column(self, field: str) -> str:
        """Return the file's header name of a :class:`Columns` field (its own if absent)."""
        name: str = self._names.get(field, getattr(self.columns, field))
        return name

    def blocks(
        self, *, jobs: int = 1, progress: Callable[[Tally], None] | None = None
    ) -> Iterator[CustomerBlock]:
        """Check the rows and yield one block per customer (kept for compatibility).

        The same as :func:`contactbook.interchange.csv_check.check_blocks`, which is
        where checking lives.
        """
        from contactbook.interchange.csv_check import check_blocks  # noqa: PLC0415 -- checking imports reading

        return check_blocks(self, jobs=jobs, progress=progress)


def _customer_id_problem(customer_id: str) -> str | None:
    if not customer_id:
        return "The customer id is empty; every row needs the id of its customer."
    if len(customer_id) > _MAX_CUSTOMER_ID:
        return f"The customer id is longer than {_MAX_CUSTOMER_ID} characters; check the row."
    # Every control character REFUSED matches (category Cc) is also not printable.
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
