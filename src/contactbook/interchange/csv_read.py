"""Reading a customer export in CSV: bytes to rows, and the header's layout.

How the file is written is found from its first 64 KiB (:func:`detect_encoding`,
:func:`detect_delimiter`), unless given: the encoding (a byte-order mark says UTF-8,
UTF-16 or UTF-32; text that is not UTF-8 and holds no UTF-8 sequence at all is
Windows-1252, what Excel writes in Western Europe; else UTF-8) and the delimiter
(comma, semicolon, tab or bar: the one that splits the header into most columns and
the next rows into as many). :class:`Reading` records what was used.

Which columns hold what (:mod:`contactbook.interchange.csv_layout`):

- contactbook's own, one row per customer: ``customer_id, country, email, phone,
  mobile, website`` (any of the four value columns may be left out; each cell holds one
  value). Column names are matched without regard to case or surrounding space and can
  be renamed with :class:`Columns`;
- contactbook's own, one row per contact point: ``customer_id, country, kind, value,
  description``;
- an address book's export (Google Contacts, Outlook, Thunderbird, Roundcube), found
  from its header, or any file with a user's column mapping (a
  :class:`~contactbook.interchange.csv_layout.Layout`).

The customer id is the ``id_column`` given, else the layout's, else a column named
``customer_id``; a file with none holds one customer per record, named ``row-N`` after
its row number. ``country`` is the customer's billing country (ISO 3166-1 alpha-2),
used for telephone numbers written without a country code.

The file is streamed, never held in memory. Hostile input gives problems, never a
traceback: bytes that are not text in the encoding (in a value: that value; elsewhere:
the row; in the header: the file), a missing column
(:class:`~contactbook.errors.FormatError` ``csv.columns``), a row with the wrong number
of cells, a huge cell or line (``csv.too_large``). Values are not checked here: that is
:mod:`contactbook.interchange.csv_check`. The records a check yields
(:class:`CustomerBlock` of :class:`CheckedPoint`, with its
:class:`~contactbook.errors.Problem` list) are defined here, below the check and the
writers (:mod:`~contactbook.interchange.csv_write`), so that the imports between the
three modules point one way: the check reads and writes, the writers read.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import enum
import functools
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import BinaryIO, NamedTuple

import attrs

from contactbook.errors import FormatError, InFile, Problem
from contactbook.interchange.csv_layout import (
    Layout,
    ValueColumn,
    kind_by_label,
    label_description,
    recognize,
)
from contactbook.model import ContactKind, ContactPoint, KindTexts
from contactbook.vocabulary import KIND_NAMES, KIND_SPELLINGS, shown

__all__ = [
    "DELIMITERS",
    "MAX_LINE_CHARS",
    "SNIFF_BYTES",
    "CheckedPoint",
    "Columns",
    "CustomerBlock",
    "Export",
    "Item",
    "Reading",
    "Row",
    "Shape",
    "customer_id_problem",
    "detect_delimiter",
    "detect_encoding",
    "open_export",
    "text_codec",
]

#: The longest physical line read, in characters; the rest of a longer line is skipped
#: and its row reported as ``csv.too_large``. No valid row comes near it.
MAX_LINE_CHARS = 256 * 1024
#: How much of the file's start the encoding and the delimiter are found from.
SNIFF_BYTES = 64 * 1024
#: The delimiters looked for, in the order a tie is broken.
DELIMITERS = (",", ";", "\t", "|")

_MAX_CUSTOMER_ID = 200
_MAX_SHOWN_INPUT = 200
#: A cell as a report shows it: shortened, unquoted, refused characters as U+FFFD.
shown_cell = functools.partial(shown, limit=_MAX_SHOWN_INPUT, quoted=False, masked=True)


class Shape(enum.Enum):
    """The two shapes of export."""

    CUSTOMER = "customer"  # one row per customer: email, phone, mobile, website columns
    POINT = "point"  # one row per contact point: kind, value, description columns


def _own_name(kind: ContactKind) -> str:
    return kind.value


@attrs.frozen(init=False)
class Columns:
    """The names of the columns in the export's header (matched case-insensitively).

    Each kind's column is named by the kind's name as a keyword
    (``Columns(email="E-mailadres")``) and defaults to that name; ``kinds`` holds them
    all, one per kind of the table (:data:`contactbook.model.KINDS`).
    """

    customer_id: str
    country: str
    kind: str
    value: str
    description: str
    kinds: KindTexts

    def __init__(
        self,
        *,
        customer_id: str = "customer_id",
        country: str = "country",
        kind: str = "kind",
        value: str = "value",
        description: str = "description",
        **kinds: str,
    ) -> None:
        """Name the columns; each kind's by its name (``email="E-mail"``)."""
        unknown = [name for name in kinds if name not in KIND_NAMES]
        if unknown:
            msg = f"Columns() has no column {unknown[0]!r}"
            raise TypeError(msg)
        named = KindTexts.of({KIND_NAMES[name]: text for name, text in kinds.items()}, _own_name)
        self.__attrs_init__(customer_id, country, kind, value, description, named)

    def names(self) -> dict[str, str]:
        """Return each column's name by what it holds (a field's or a kind's name)."""
        return {
            "customer_id": self.customer_id,
            "country": self.country,
            **{kind.value: name for kind, name in self.kinds.items()},
            "kind": self.kind,
            "value": self.value,
            "description": self.description,
        }


class CheckedPoint(NamedTuple):
    """An accepted contact point of the export: normalized, with the input kept.

    ``country`` is the billing country its number was read in (phones only). A named
    tuple: one is made for every value of a file.
    """

    row: int
    kind: ContactKind
    value: str
    description: str | None
    entered: str
    entered_description: str | None
    country: str | None = None

    def point(self, point_id: int = 0) -> ContactPoint:
        """Return it as a contact point (a merge gives it its id, keeping one already right)."""
        return ContactPoint(
            point_id, self.kind, self.value, self.description, self.entered, self.country
        )


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
    problems: tuple[Problem, ...]
    describes: bool

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that left a value (or a whole row) out."""
        return tuple(p for p in self.problems if p.severity == "error")


class Item(NamedTuple):
    """One value of a row: its column, kind, input and description.

    ``described_by`` is the column the description was read from (empty: none, or the
    layout's fixed one). A named tuple, as the other per-row records: they are made for
    every cell of a file.
    """

    column: str
    kind: ContactKind | None
    value: str
    description: str | None
    described_by: str = ""


class Row(NamedTuple):
    """A row as read in the main process, before any value is checked."""

    row: int
    customer_id: str
    country: str
    items: tuple[Item, ...]
    problems: tuple[Problem, ...] = ()
    over_limit: bool = False


@attrs.frozen
class Reading:
    """How an export was read: what the command prints with its summary.

    ``encoding`` is the codec's name (``utf-8``, ``utf-16``, ``cp1252``, ...), ``bom``
    whether the file starts with a byte-order mark; ``delimiter`` the cell separator;
    ``found`` names what was found from the file rather than given (``"encoding"``,
    ``"delimiter"``); ``layout`` the layout's name; ``identity`` the customer id's
    column, or ``""`` for one customer per record (``row-N``).
    """

    encoding: str
    bom: bool
    delimiter: str
    layout: str
    identity: str
    found: frozenset[str] = frozenset()

    def describe(self) -> str:
        r"""Return one line saying how the file was read.

        >>> Reading("utf-16", True, "\t", "Google Contacts", "").describe()[:42]
        'utf-16 with byte-order mark, tab-separated'
        """
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
        delimiter = names.get(self.delimiter, repr(self.delimiter))
        identity = (
            f"customer id from column {self.identity}"
            if self.identity
            else "one customer per row (row-N)"
        )
        parts = [
            f"{self.encoding}{' with byte-order mark' if self.bom else ''}"
            + (" (found)" if "encoding" in self.found else ""),
            f"{delimiter}-separated" + (" (found)" if "delimiter" in self.found else ""),
            f"{self.layout} layout",
            identity,
        ]
        return ", ".join(parts)


# --------------------------------------------------------------------------- the dialect

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A character UTF-8 encodes in two to four bytes: Windows-1252 text almost never holds
# one (it would take an accented capital followed by one or more symbols).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def detect_encoding(head: bytes, /) -> tuple[str, bool]:
    r"""Return the encoding of a file that starts with ``head``, and whether it has a BOM.

    A byte-order mark says UTF-8, UTF-16 or UTF-32. Without one: ASCII text with a NUL
    beside every character is UTF-16 (little- or big-endian); text that is UTF-8 (the
    end of ``head`` may cut a character) or holds UTF-8 sequences beside bytes that are
    not (a file with a few broken rows) is UTF-8; anything else is Windows-1252 (cp1252),
    what Excel's "CSV" writes in Western Europe.

    >>> detect_encoding("naam;e-mail\nRené;r@x.fr\n".encode("cp1252"))
    ('cp1252', False)
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, True
    sample = head[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4:
        if odd.count(0) >= 0.9 * len(odd) and not even.count(0):
            return "utf-16-le", False
        if even.count(0) >= 0.9 * len(even) and not odd.count(0):
            return "utf-16-be", False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return ("utf-8" if _UTF8_SEQUENCE.search(head) else "cp1252"), False
    return "utf-8", False


def detect_delimiter(text: str, /, *, complete: bool = True) -> str:
    r"""Return the delimiter of CSV ``text``: comma, semicolon, tab or bar.

    The one whose header has at least two columns and the most of the next 50 records
    as wide as the header, then the widest header; a comma when none splits the header
    (a file of one column). ``complete`` false: ``text`` is the start of a longer file,
    so its last record may be cut and does not count.

    >>> detect_delimiter("customer_id;email\n1;a@example.com\n")
    ';'
    """
    best, score = ",", (0, 0)
    for delimiter in DELIMITERS:
        records = _first_records(text, delimiter)
        if not complete and len(records) > 1:
            records.pop()
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        here = (sum(len(r) == width for r in records[1:] if any(r)), width)
        if here > score:
            best, score = delimiter, here
    return best


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    """Return the first 51 records of ``text``, up to the first one the parser refuses."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    with contextlib.suppress(csv.Error):  # a stray quote: the records before it count
        records.extend(itertools.islice(reader, 51))
    return records


# --------------------------------------------------------------------------- reading text

# Bytes that are not text in the file's encoding are read as this lone surrogate, which
# no decoded text holds; the cell or row holding it is reported (csv.encoding).
_MARK = "\udcff"


def _marked(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _MARK * max(1, error.end - error.start), error.end


_MARK_ERRORS = "contactbook.csv-marked"
codecs.register_error(_MARK_ERRORS, _marked)


class _Source(io.RawIOBase):
    """The file's bytes: the start read to find the dialect, then the rest of the stream.

    So that any stream works, seekable or not; closing it leaves the caller's stream open.
    """

    def __init__(self, head: bytes, stream: BinaryIO):
        super().__init__()
        self._head = head
        self._stream = stream
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = len(buffer)
        if self._head:
            data, self._head = self._head[:wanted], self._head[wanted:]
        else:
            data = self._stream.read(wanted)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


class _Lines:
    """The file's physical lines, each at most MAX_LINE_CHARS, flaws noted."""

    def __init__(self, source: _Source, encoding: str):
        # utf-8-sig: reads UTF-8 with or without a byte-order mark, and skips it.
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        buffered = io.BufferedReader(source, 64 * 1024)
        self._text = io.TextIOWrapper(buffered, encoding=codec, errors=_MARK_ERRORS, newline="")
        self.number = 0
        self.flaws: dict[int, str] = {}  # line number -> csv.too_large
        self.marked: set[int] = set()  # lines holding bytes that are not text
        self._broken = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._broken:
            raise StopIteration
        try:
            line = self._text.readline(MAX_LINE_CHARS)
        except UnicodeError:  # a codec's own refusal ("UTF-16 stream does not start with BOM")
            self._broken = True  # the decoder cannot go on: the rest is unread
            self.number += 1
            self.flaws[self.number] = "csv.encoding"
            return "\n"
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            while (more := self._text.readline(MAX_LINE_CHARS)) and not more.endswith(("\n", "\r")):
                pass  # skip the rest of the line, a piece at a time
            self.flaws[self.number] = "csv.too_large"
            return "\n"
        if not line.isascii() and _MARK in line:
            self.marked.add(self.number)
        return line


_FLAW_MESSAGES = {
    "csv.encoding": (
        "This row holds bytes that are not {encoding} text; save the file as UTF-8 "
        '("CSV UTF-8") or give its encoding.'
    ),
    "csv.too_large": (
        f"This row holds a line longer than {MAX_LINE_CHARS // 1024} K characters or a cell "
        "longer than the CSV reader allows; no contact value is that long. Check the row."
    ),
}


class _Record(NamedTuple):
    row: int
    cells: list[str] | None  # None: the CSV parser gave up on this row
    flaw: str | None
    marked: bool = False  # some cell holds bytes that are not text


def _records(lines: _Lines, delimiter: str) -> Iterator[_Record]:
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
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
        marked = False
        if lines.flaws or lines.marked:  # (most files have neither)
            for number in range(first_line, lines.number + 1):
                flaw = lines.flaws.pop(number, None) or flaw
                if number in lines.marked:
                    lines.marked.discard(number)
                    marked = True
        yield _Record(row, cells, flaw, marked)


# --------------------------------------------------------------------------- the export


class _Value(NamedTuple):
    """A value column, found in the header: where its cells and labels are."""

    name: str
    kind: ContactKind | None
    position: int
    description: str | None
    label: str
    label_position: int | None


class Export:
    """An opened export: its dialect, layout and header are known, its rows not read yet.

    Iterate :meth:`rows` once to read it. Build it with :func:`open_export`.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        columns: Columns,
        shape: Shape | None,
        encoding: str | None,
        delimiter: str | None,
        layout: Layout | None,
        id_column: str | None,
    ):
        head = stream.read(SNIFF_BYTES)
        found = set()
        if encoding is None:
            encoding, bom = detect_encoding(head)
            found.add("encoding")
        else:
            encoding = text_codec(encoding)
            bom = any(head.startswith(b) for b, n in _BOMS if encoding.startswith(n))
        self._encoding = encoding
        if delimiter is None:
            try:
                text = head.decode(encoding, "replace")
            except UnicodeError:  # a codec's own refusal: the header says so below
                text = ""
            delimiter = detect_delimiter(text, complete=len(head) < SNIFF_BYTES)
            found.add("delimiter")
        elif len(delimiter) != 1 or delimiter in '"\r\n':
            msg = f"{delimiter!r} cannot separate cells; give one character: , ; tab or |."
            raise FormatError(msg, code="csv.columns")
        self._source = _Source(head, stream)
        self._lines = _Lines(self._source, encoding)
        self._records = _records(self._lines, delimiter)
        header = self._header(head)
        self.header: tuple[str, ...] = tuple(header)
        self.columns = columns
        self._where: dict[str, int] = {}
        for position, name in enumerate(header):
            self._where.setdefault(name.casefold(), position)
        self.shape, self.layout = self._layout(columns, shape, layout)
        identity = self._identity(columns, id_column)
        self._id = None if identity is None else self._where[identity.casefold()]
        self.reading = Reading(
            encoding,
            bom,
            delimiter,
            self.layout.name,
            "" if self._id is None else header[self._id],
            frozenset(found),
        )
        self._index = {
            f: p for f, name in columns.names().items() if (p := self._find(name)) is not None
        }
        country = self.layout.country if self.layout.country is not None else columns.country
        self._country = self._find(country)
        # The report names each column as the file's header does.
        self._names = {field: header[position] for field, position in self._index.items()}
        # The value columns, found once here: _items runs on every row.
        self._values = tuple(self._value(v) for v in self.layout.values)
        self._separator = self.layout.separator
        self._plain = self._separator is None and all(
            v.description is None and v.label_position is None and v.kind is not None
            for v in self._values
        )
        # In a plain layout each value column is one item of its kind, without description.
        self._plain_values = tuple((v.position, v.name, v.kind) for v in self._values)
        # Read by _row's shortcut for the common row (a plain layout with a customer id):
        # None when the shortcut does not apply to this layout.
        self._plain_row = (
            (self._id, len(self.header), self._country)
            if self._plain and self.shape is Shape.CUSTOMER and self._id is not None
            else None
        )

    def _find(self, name: str | None) -> int | None:
        return None if name is None else self._where.get(name.strip().casefold())

    def _value(self, column: ValueColumn) -> _Value:
        position = self._find(column.column)
        assert position is not None  # noqa: S101 -- _layout checked every column
        label = self._find(column.label)
        name = "" if label is None else self.header[label]
        return _Value(self.header[position], column.kind, position, column.description, name, label)

    def _header(self, head: bytes) -> list[str]:
        first = next(self._records, None)
        if first is None:
            msg = "The file is empty; a CSV export starts with a header row of column names."
            raise FormatError(msg, code="csv.columns")
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if utf16 and "16" not in self._encoding and "32" not in self._encoding:
            msg = "The file is UTF-16 text; give --encoding utf-16, or leave the encoding out."
            raise FormatError(msg, code="csv.encoding")
        if first.cells is None or first.flaw or first.marked:
            msg = (
                f"The header row cannot be read as {self._encoding} text. Save the file as "
                'UTF-8 ("CSV UTF-8" in a spreadsheet) or give its encoding.'
            )
            raise FormatError(msg, code="csv.encoding")
        cells = [cell.strip() for cell in first.cells]
        if cells:
            cells[0] = cells[0].removeprefix("\ufeff").strip()  # a BOM the codec kept
        return cells

    def _missing(self, names: Sequence[str], *, hint: str) -> FormatError:
        found = ", ".join(self.header) or "(none)"
        msg = (
            f"The file has no column {', '.join(repr(m) for m in names)} (its columns are: "
            f"{found}). {hint}"
        )
        return FormatError(msg, code="csv.columns")

    def _layout(
        self, columns: Columns, shape: Shape | None, layout: Layout | None
    ) -> tuple[Shape, Layout]:
        if layout is not None:
            missing = [name for name in layout.columns() if self._find(name) is None]
            if missing:
                raise self._missing(missing, hint=f"Check the column mapping {layout.name}.")
            return Shape.CUSTOMER, layout
        has = {f for f, name in columns.names().items() if self._find(name) is not None}
        if shape is Shape.POINT or (shape is None and {"kind", "value"} <= has):
            missing = [
                getattr(columns, f) for f in ("customer_id", "kind", "value") if f not in has
            ]
            if missing:
                raise self._missing(missing, hint=_OWN_LAYOUT)
            return Shape.POINT, Layout(
                "contactbook (a row per point)", (), describes="description" in has
            )
        own = tuple(
            ValueColumn(name, kind) for kind, name in columns.kinds.items() if kind.value in has
        )
        if own or shape is Shape.CUSTOMER:
            if not own:
                raise self._missing([" or ".join(columns.kinds.values())], hint=_OWN_LAYOUT)
            return Shape.CUSTOMER, Layout("contactbook (a row per customer)", own, describes=False)
        known = recognize(self.header)
        if known is None:
            raise self._missing([" or ".join(columns.kinds.values())], hint=_OWN_LAYOUT)
        return Shape.CUSTOMER, known

    def _identity(self, columns: Columns, id_column: str | None) -> str | None:
        if id_column is not None:
            if self._find(id_column) is None:
                raise self._missing([id_column], hint="Name the column that holds the customer id.")
            return id_column
        for name in (self.layout.customer_id, columns.customer_id):
            if name is not None and self._find(name) is not None:
                return name
        if self.shape is Shape.POINT:
            raise self._missing([columns.customer_id], hint=_OWN_LAYOUT)
        return None

    def rows(self) -> Iterator[Row]:
        """Yield the rows after the header, in file order, values not checked yet."""
        for record in self._records:
            # (one join: a row of short cells, and str.strip's white space either way)
            blank = record.cells is not None and not "".join(record.cells).strip()
            if blank and record.flaw is None:
                continue  # a blank line, as spreadsheets leave them
            yield self._row(record)

    def _cell(self, cells: Sequence[str], position: int | None) -> str:
        # A short row has no cell there; its width is reported by the row check.
        return "" if position is None or position >= len(cells) else cells[position]

    def _row(self, record: _Record) -> Row:
        cells = record.cells
        plain = self._plain_row
        if (
            plain is not None
            and cells is not None
            and len(cells) == plain[1]
            and record.flaw is None
            and not record.marked
        ):
            # The common row, in short: what the general path below does for it.
            customer_id = cells[plain[0]].strip()
            if customer_id_problem(customer_id) is None:
                country = "" if plain[2] is None else cells[plain[2]]
                return Row(record.row, customer_id, country, self._plain_items(cells))
        return self._any_row(record)

    def _any_row(self, record: _Record) -> Row:
        cells = record.cells or []
        if self._id is None:
            customer_id = f"row-{record.row}"
        else:
            customer_id = self._cell(cells, self._id).strip() if record.cells else ""
        id_problem = customer_id_problem(customer_id)
        clean_id = "" if id_problem else customer_id
        flaw = record.flaw
        if flaw is None and record.marked and self._marked_outside_values(cells):
            flaw = "csv.encoding"
        if flaw is not None:
            message = _FLAW_MESSAGES.get(
                flaw, "This row is not well-formed CSV (a stray quote?); check its quotes."
            ).format(encoding=self._encoding)
            problem = Problem(flaw, None, message, location=InFile(record.row, "", clean_id))
            return Row(record.row, clean_id, "", (), (problem,))
        width = len(self.header)
        if len(cells) != width and (
            len(cells) < width or any(cell.strip() for cell in cells[width:])
        ):
            message = (
                f"This row has {len(cells)} cells and the header {width}; a separator or "
                "a quote is missing or extra. Fix the row."
            )
            problem = Problem("csv.row", None, message, location=InFile(record.row, "", clean_id))
            return Row(record.row, clean_id, "", (), (problem,))
        problems = []
        if id_problem:
            column = self.header[self._id] if self._id is not None else ""
            problems.append(
                Problem(
                    "csv.customer_id",
                    None,
                    id_problem,
                    location=InFile(record.row, column, ""),
                    input=shown_cell(customer_id),
                )
            )
        if self.shape is Shape.POINT:
            items = self._point(record.row, clean_id, cells, problems)
        elif self._plain and not record.marked:
            items = self._plain_items(cells)
        else:
            items = self._items(record.row, clean_id, cells, problems)
        country = self._cell(cells, self._country)
        return Row(record.row, clean_id, country, items, tuple(problems))

    def _plain_items(self, cells: Sequence[str]) -> tuple[Item, ...]:
        """Return a plain layout's items: each value column's cell that is not blank."""
        return tuple(
            [
                Item(name, kind, cells[position], None)
                for position, name, kind in self._plain_values
                if cells[position].strip()
            ]
        )

    def _marked_outside_values(self, cells: Sequence[str]) -> bool:
        """Whether bytes that are not text are in a cell other than a value's."""
        values = set() if self.shape is Shape.POINT else {v.position for v in self._values}
        if self.shape is Shape.POINT and "value" in self._index:
            values.add(self._index["value"])
        return any(_MARK in cell for i, cell in enumerate(cells) if i not in values)

    def _items(
        self, row: int, customer_id: str, cells: Sequence[str], problems: list[Problem]
    ) -> tuple[Item, ...]:
        items = []
        for value in self._values:
            cell = cells[value.position]
            if not cell.strip():
                continue
            label = "" if value.label_position is None else cells[value.label_position]
            kind = value.kind or kind_by_label(label)
            if label.strip():
                description, described_by = label_description(label, kind), value.label
            else:
                description, described_by = value.description, ""
            pieces = cell.split(self._separator) if self._separator else [cell]
            for piece in pieces:
                if not piece.strip():
                    continue
                if _MARK in piece:
                    problems.append(self._unreadable(row, customer_id, value.name, piece))
                    continue
                items.append(Item(value.name, kind, piece, description, described_by))
        return tuple(items)

    def _unreadable(self, row: int, customer_id: str, column: str, cell: str) -> Problem:
        message = (
            f"This cell holds bytes that are not {self._encoding} text; save the file as "
            'UTF-8 ("CSV UTF-8") or give its encoding.'
        )
        shown = shown_cell(cell.replace(_MARK, "\ufffd"))
        return Problem(
            "csv.encoding", None, message, location=InFile(row, column, customer_id), input=shown
        )

    def _point(
        self, row: int, customer_id: str, cells: Sequence[str], problems: list[Problem]
    ) -> tuple[Item, ...]:
        kind_text = self._cell(cells, self._index["kind"])
        kind = KIND_SPELLINGS.get(kind_text.strip().casefold())
        if kind is None:
            problems.append(
                Problem(
                    "csv.kind",
                    None,
                    f"{shown_cell(kind_text)!r} is not a kind of contact detail; write email, "
                    "phone, mobile or website.",
                    location=InFile(row, self._names["kind"], customer_id),
                    input=shown_cell(kind_text),
                )
            )
        value = self._cell(cells, self._index["value"])
        column = self._names["value"]
        if _MARK in value:
            problems.append(self._unreadable(row, customer_id, column, value))
            return ()
        position = self._index.get("description")
        description = self._cell(cells, position) if position is not None else None
        described_by = self._names.get("description", "")
        return (Item(column, kind, value, description, described_by),)

    def position(self) -> int:
        """Return how many bytes of the file have been read (for a progress bar)."""
        return self._source.position

    @property
    def describes(self) -> bool:
        """Whether the file gives the customers' descriptions (an import takes them)."""
        return self.layout.describes

    def column(self, field: str) -> str:
        """Return the file's header name of a :class:`Columns` field (its own if absent)."""
        if field == "country" and self._country is not None:
            return self.header[self._country]
        return self._names.get(field, self.columns.names()[field])


_OWN_LAYOUT = (
    "A customer export needs email, phone, mobile or website columns (and customer_id, "
    "country), or customer_id, country, kind, value and description; or it is a Google, "
    "Outlook or Thunderbird export. Rename the columns, say which column is which "
    "(--column), or give a column mapping (--mapping)."
)


def customer_id_problem(customer_id: str) -> str | None:
    """Return why ``customer_id`` cannot name a customer (empty, too long, controls), or ``None``.

    The one rule for a customer id read from a file, CSV or vCard.
    """
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
    encoding: str | None = None,
    delimiter: str | None = None,
    layout: Layout | None = None,
    id_column: str | None = None,
) -> Export:
    """Open a customer export read from a binary stream, reading its header row.

    ``encoding`` and ``delimiter`` are found from the file's start when not given
    (:func:`detect_encoding`, :func:`detect_delimiter`); a byte-order mark is skipped.
    ``layout`` (a user's column mapping) says which columns hold what; without it the
    header says (contactbook's own, ``columns`` naming them, in the ``shape`` given or
    found; else an address book's). ``id_column`` names the customer id's column; a
    file without one holds one customer per record, ``row-N``. Raises
    :class:`~contactbook.errors.FormatError` when the header cannot be read or a needed
    column is missing. The stream is read from where it is, and left open.
    """
    return Export(
        stream,
        columns=columns or Columns(),
        shape=shape,
        encoding=encoding,
        delimiter=delimiter,
        layout=layout,
        id_column=id_column,
    )


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
