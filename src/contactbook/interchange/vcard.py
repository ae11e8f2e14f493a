"""vCard 4.0 (RFC 6350) export of a contact set, and import of vCard 3.0 and 4.0.

Export writes one card::

    BEGIN:VCARD
    VERSION:4.0
    FN:Customer 1001
    EMAIL;PREF=1:ann@example.com
    item1.EMAIL:facturen@example.nl
    item1.X-ABLabel:Billing Contact
    TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+31-6-12345678
    URL;PREF=1:https://example.com
    END:VCARD

The primary point of each kind carries ``PREF=1``; a landline is ``TYPE=voice`` and a
mobile ``TYPE=cell``, both as ``tel:`` URIs (RFC 3966). A description goes into an
``X-ABLabel`` property of the same group (``itemN.``), which is how Apple Contacts,
Google Contacts and most address books label a value. Lines end in CRLF, are folded at
75 octets without splitting a UTF-8 sequence (§3.2), and text is escaped (§3.4).

Import reads vCards of version 2.1, 3.0 and 4.0 as phones and address books write
them: quoted-printable with soft line breaks, ``CHARSET`` parameters, bare 2.1
parameters (``TEL;CELL;WORK:``), folded base64 photos, LF, CRLF and CR CR LF line ends,
UTF-16 with or without a byte-order mark. :func:`read_cards` reads a file one card at a
time (flat memory); :func:`check_card` puts a card's values through
:class:`contactbook.operations.Intake`, the rules of every input; :func:`load_vcard`
reads one customer's card into a set, and :func:`check_cards` / :func:`check_vcard_file`
check every card of a file as one customer each (named by an :class:`Identity` rule),
giving the same blocks, report and summary as a CSV check. A line that cannot be used
(an unknown property, a refused value, a duplicate, a malformed line) is reported with a
code and a reason, and the rest is kept. The most preferred value of each kind
(``PREF=1``, or the ``pref`` type of 2.1 and 3.0) becomes its primary.

This module is written by hand, not on a vCard library: vobject, measured on the shared
corpora of real exports, fails on 24 of 77 files that this reader reads (2.1 soft line
breaks, CR CR LF, charsets, UTF-16 without a byte-order mark), does not read 4.0, and
parses 1,000 cards three times slower than this module checks them; see
docs/reference/formats.md, "Why contactbook reads vCards itself".
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

import attrs

from contactbook.errors import ContactValidationError, FormatError, InFile, InVCard, Problem
from contactbook.interchange.csv_check import (
    Sinks,
    Summary,
    Tally,
    source_size,
    write_results,
)
from contactbook.interchange.csv_read import CheckedPoint, CustomerBlock, customer_id_problem
from contactbook.model import KINDS, ContactKind, ContactPoint, ContactSet, Family
from contactbook.operations import AddPoint, Intake
from contactbook.validation import country_named, normalize_country, phone_uri
from contactbook.vocabulary import shown

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_VCARD_SIZE",
    "CheckedCard",
    "Identity",
    "VCard",
    "VCardImport",
    "check_card",
    "check_cards",
    "check_vcard_file",
    "dump_vcard",
    "load_vcard",
    "looks_like_vcard",
    "read_cards",
]

#: The largest card read, in bytes of its lines (and the largest text :func:`load_vcard`
#: reads); a card of 100 points is far smaller.
MAX_VCARD_SIZE = 1_000_000

_CRLF = "\r\n"
_FOLD_AT = 75  # octets per physical line, CRLF not counted (RFC 6350 §3.2)
_MAX_SHOWN = 60
_MAX_SHOWN_VALUE = 200
# RFC 6350 §3.3: group and property names are letters, digits and hyphens.
# Outlook also writes underscores (X-WAB-WEDDING_ANNIVERSARY); they are read too.
_NAME = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")
# An Apple label such as "_$!<Work>!$_" stands for the plain word.
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
# RFC 6350 §3.3: a value holds no control characters (but newlines, escaped as \n).
_UNWRITABLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_STRUCTURE = frozenset({"BEGIN", "END", "VERSION"})
# Properties that say who the card is, which a contact set does not hold; skipping them
# is expected, so they are not reported.
_IDENTITY = frozenset({"FN", "N", "UID", "PRODID", "REV", "KIND", "X-ABLABEL"})


@attrs.frozen
class VCardImport:
    """What :func:`load_vcard` read: the set, the lines it skipped, and warnings."""

    contacts: ContactSet
    skipped: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- export


def _escape(text: str) -> str:
    """Escape a property value (RFC 6350 §3.4): backslash, comma, semicolon, newline.

    Control characters and lone surrogates, which a vCard cannot hold (§3.3), become
    U+FFFD; only a host's own ``full_name`` or ``uid`` can contain them.
    """
    return (
        _UNWRITABLE.sub("\ufffd", text)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence (§3.2)."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line
    pieces: list[bytes] = []
    start, width = 0, _FOLD_AT
    while len(data) - start > width:
        end = start + width
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its sequence
            end -= 1
        pieces.append(data[start:end])
        start, width = end, _FOLD_AT - 1  # the leading space of a continuation counts
    pieces.append(data[start:])
    return (_CRLF + " ").join(piece.decode("utf-8") for piece in pieces)


def _point_lines(point: ContactPoint, *, primary: bool, group: str | None) -> list[str]:
    prefix = f"{group}." if group else ""
    pref = ";PREF=1" if primary else ""
    spec = KINDS[point.kind]
    if spec.family is Family.PHONE:
        params, value = ";VALUE=uri", phone_uri(point.value)
    else:
        params, value = "", point.value
    if spec.vcard_types:
        params += f";TYPE={spec.vcard_types[0]}"
    line = f"{prefix}{spec.vcard}{params}{pref}:{_escape(value)}"
    lines = [line]
    if group and point.description:
        lines.append(f"{group}.X-ABLabel:{_escape(point.description)}")
    return lines


def dump_vcard(contacts: ContactSet, /, *, full_name: str, uid: str | None = None) -> str:
    r"""Return ``contacts`` as one vCard 4.0 (RFC 6350), with CRLF line ends.

    ``full_name`` is the card's ``FN`` (required by the RFC; a set has no name of its
    own, so pass the customer's name or number). ``uid`` becomes ``UID`` if given. A
    website is written as stored, which is the card's link for it too (a ``'`` is
    stored as ``%27``: ``docs/explanation/normalization.md``).

    >>> from contactbook import ContactKind, ContactSet, add
    >>> card = dump_vcard(add(ContactSet(), ContactKind.MOBILE, "+31612345678"),
    ...                   full_name="Customer 1")
    >>> print(card.replace("\r\n", "\n"), end="")
    BEGIN:VCARD
    VERSION:4.0
    FN:Customer 1
    TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+31-6-12345678
    END:VCARD
    """
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(full_name)}"]
    if uid is not None:
        lines.append(f"UID:{_escape(uid)}")
    labelled = 0
    for point in contacts.points:
        group = None
        if point.description:
            labelled += 1
            group = f"item{labelled}"
        lines.extend(_point_lines(point, primary=contacts.is_primary(point), group=group))
    lines.append("END:VCARD")
    return "".join(_fold(line) + _CRLF for line in lines)


# --------------------------------------------------------------------------- reading


#: The longest physical line read, in bytes; the rest of a longer line is dropped (no
#: contact value comes near it; a photo written on one line is not read anyway).
MAX_LINE_BYTES = 256 * 1024
_READ_CHUNK = 64 * 1024
# Properties whose (large, binary) values are never read: not kept in memory.
_BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_BINARY_NAMES = frozenset(name.encode() for name in _BINARY)
_VERSIONS = frozenset({"2.1", "3.0", "4.0"})
# vCard 2.1 writes parameter values without a name ("TEL;WORK;QUOTED-PRINTABLE:").
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_BARE_VALUES = frozenset({"INLINE", "URL", "URI", "CID", "CONTENT-ID", "VCARD"})
_CHARSET_NAME = re.compile(r"(?:utf|iso|windows|cp|shift|euc|koi|big5|gb|us-ascii|ascii)", re.I)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}-[A-Za-z]{2}")
# TYPE values that say what a value is technically, not a label a person gave it.
# The kinds' own TYPE words (KindSpec.vcard_types) are technical too.
_TECHNICAL_TYPES = frozenset(
    {"pref", "internet", "x400", "msg", "video", "text", "textphone", "postal", "parcel",
     "dom", "intl"}
).union(*(spec.vcard_types for spec in KINDS.values()))  # fmt: skip
# Each vCard property the kinds are written as, with its kinds in the card's order.
_KINDS_OF = {
    name: tuple(kind for kind, spec in KINDS.items() if spec.vcard == name)
    for name in dict.fromkeys(spec.vcard for spec in KINDS.values())
}
# The prefix of the UID that contactbook's own export writes before the customer id.
_OWN_UID = "urn:contactbook:customer:"
_MAX_CUSTOMER_ID = 200


def _physical_lines(stream: BinaryIO) -> tuple[Iterator[bytes], bool]:
    """Return the stream's lines (line ends dropped) and whether it is UTF-16.

    LF, CRLF and CR CR LF all end a line. UTF-16 (with or without a byte-order mark:
    a zero byte in the first two says so) is decoded and handed on as UTF-8, and its
    ``CHARSET`` parameters no longer apply; a UTF-8 byte-order mark is skipped.
    """
    head = stream.read(4)
    encoding: str | None = None
    for bom, name in (
        (codecs.BOM_UTF8, None),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            head, encoding = head[len(bom) :], name
            break
    else:
        if len(head) >= 2 and (head[0] == 0) != (head[1] == 0):
            encoding = "utf-16-be" if head[0] == 0 else "utf-16-le"
    if encoding is None:
        return _byte_lines(head, stream), False
    return _utf16_lines(head, stream, encoding), True


def _byte_lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    first = True
    while True:
        raw = stream.readline(MAX_LINE_BYTES)
        if first:
            raw, first = head + raw, False
        if not raw:
            return
        if len(raw) >= MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (more := stream.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                pass  # drop the rest of an over-long line, a piece at a time
        yield raw.rstrip(b"\r\n")


def _utf16_lines(head: bytes, stream: BinaryIO, encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    pending = decoder.decode(head)
    while True:
        chunk = stream.read(_READ_CHUNK)
        pending += decoder.decode(chunk, final=not chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            yield line.rstrip("\r")[:MAX_LINE_BYTES].encode("utf-8", "surrogateescape")
        pending = pending[-MAX_LINE_BYTES:]
        if not chunk:
            break
    if pending:
        yield pending.rstrip("\r").encode("utf-8", "surrogateescape")


def _head(raw: bytes) -> bytes:
    return raw.split(b":", 1)[0].upper()


def _logical_lines(physical: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Unfold: join each content line's continuation lines; yield it with its number.

    A line starting with a space or tab continues the one before (RFC 6350 §3.2,
    RFC 2426 §5.8.1); so does, in vCard 2.1, the line after a quoted-printable soft
    line break (a value ending in ``=``), and a line without a colon after a base64
    value or a value ending in a backslash, as 2.1 writers leave them.
    """
    start, current, binary = 0, b"", False
    for number, line in enumerate(physical, 1):
        if start:
            if current.endswith(b"=") and b"QUOTED-PRINTABLE" in _head(current):
                current = _joined(current[:-1], line, binary=binary)
                continue
            if line[:1] in {b" ", b"\t"}:
                current = _joined(current, line[1:], binary=binary)
                continue
            if line and b":" not in line and _continued(current):
                current = _joined(current, line, binary=binary)
                continue
            yield start, current
        start, current = number, line[:MAX_LINE_BYTES]
        # A photo's continuation lines are read past, not kept: it is never used.
        binary = _name(current) in _BINARY_NAMES
    if start:
        yield start, current


def _name(raw: bytes) -> bytes:
    return raw.split(b":", 1)[0].split(b";", 1)[0].rpartition(b".")[2].strip().upper()


def _joined(current: bytes, more: bytes, *, binary: bool) -> bytes:
    if binary or len(current) >= MAX_LINE_BYTES:
        return current
    return (current + more)[:MAX_LINE_BYTES]


def _continued(current: bytes) -> bool:
    head = _head(current)
    return current.endswith(b"\\") or b"BASE64" in head or b"ENCODING=B" in head


def _colon(raw: bytes) -> int:
    """Return where the value starts after the name and parameters (-1: no colon)."""
    colon = raw.find(b":")
    quote = raw.find(b'"')
    if quote < 0 or colon < quote:
        return colon
    quoted = False
    for index, byte in enumerate(raw):
        if byte == 0x22:  # '"'
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # ':'
            return index
    return -1


@attrs.frozen
class _Line:
    """One content line: ``[group.]name *(;param) : value``, its value still encoded."""

    number: int
    text: str
    group: str | None
    name: str
    params: dict[str, list[str]]
    raw: bytes
    unicode_file: bool

    @property
    def value(self) -> str:
        """The value as text: quoted-printable undone, read in its ``CHARSET``.

        Without a ``CHARSET`` (or in a UTF-16 file, or text given as a ``str``) it is
        UTF-8; bytes that are not UTF-8 are read as windows-1252, what Windows address
        books write.
        """
        data = self.raw
        if "QUOTED-PRINTABLE" in self.params.get("ENCODING", ()):
            data = binascii.a2b_qp(data)
        if self.unicode_file:
            # Text already read as Unicode (UTF-16, or a str given): a surrogate in it
            # comes back as itself, for the value's check to refuse (text.character).
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8", "surrogatepass")
        else:
            for charset in self.params.get("CHARSET", ()):
                with contextlib.suppress(LookupError):
                    return data.decode(charset, "replace")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace")


def _parse(number: int, raw: bytes, *, unicode_file: bool) -> _Line | None:
    """Parse a logical line; ``None`` if it is not a content line."""
    colon = _colon(raw)
    if colon < 0:
        return None
    head = raw[:colon].decode("utf-8", "replace")
    name_part, *param_parts = _split_params(head)
    match = _NAME.fullmatch(name_part.strip())
    if match is None:
        return None
    params: dict[str, list[str]] = {}
    for part in param_parts:
        key, equals, value = part.partition("=")
        key = key.strip().upper() if equals else _bare_parameter(part.strip())
        values = _split_list(value if equals else part)
        if key in {"ENCODING", "CHARSET", "VALUE"}:
            values = [v.upper() if key != "CHARSET" else v for v in values]
        params.setdefault(key, []).extend(values)
    group, name = match.group(1), match.group(2).upper()
    return _Line(
        number=number,
        text=raw[:200].decode("utf-8", "replace"),
        group=group.upper() if group else None,
        name=name,
        params=params,
        raw=b"" if name in _BINARY else raw[colon + 1 :],
        unicode_file=unicode_file,
    )


def _bare_parameter(value: str) -> str:
    """Return the parameter a vCard 2.1 bare value belongs to (``TEL;CELL;QUOTED-PRINTABLE``)."""
    upper = value.upper()
    if upper in _BARE_ENCODINGS:
        return "ENCODING"
    if upper in _BARE_VALUES:
        return "VALUE"
    if _LANGUAGE_TAG.fullmatch(value):
        return "LANGUAGE"
    if _CHARSET_NAME.match(value):
        with contextlib.suppress(LookupError):
            codecs.lookup(value)
            return "CHARSET"
    return "TYPE"


def _split_params(text: str) -> list[str]:
    """Split ``;``-separated parameters, honouring double-quoted values."""
    if '"' not in text:
        return text.split(";")
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _split_list(value: str) -> list[str]:
    """Split a comma-separated parameter value (``TYPE="work,voice"`` or ``TYPE=work``)."""
    return [item.strip() for item in value.replace('"', "").split(",") if item.strip()]


@attrs.frozen
class VCard:
    """One card of a vCard file as read: its content lines, not checked yet.

    ``number`` is its place in the file (1-based); ``line`` the line of its
    ``BEGIN:VCARD``; ``version`` its ``VERSION`` (``""`` when it has none); ``rows`` the
    number of its content lines; ``complete`` is false for a card cut short (no
    ``END:VCARD``). ``skipped`` are the lines that are not content lines.
    """

    number: int
    line: int
    version: str
    lines: tuple[_Line, ...]
    skipped: tuple[Problem, ...]
    rows: int
    complete: bool

    def first(self, name: str, /) -> str | None:
        """Return the value of the card's first ``name`` property (unescaped, trimmed)."""
        wanted = name.upper()
        for line in self.lines:
            if line.name == wanted:
                return _unescape(line.value).strip()
        return None

    def country(self) -> str | None:
        """Return the country the card's address names (its preferred address first)."""
        addresses = sorted((line for line in self.lines if line.name == "ADR"), key=_pref)
        for line in addresses:
            parts = re.split(r"(?<!\\);", line.value)
            # RFC 6350 §6.3.1: box; extended; street; locality; country; code; country.
            if len(parts) >= 7 and parts[6].strip():
                country = country_named(_unescape(parts[6]))
                if country is not None:
                    return country
        return None

    def refusal(self) -> FormatError | None:
        """Return why the card as a whole cannot be read, or ``None``."""
        if not self.complete:
            msg = (
                f"Card {self.number} is cut short: its END:VCARD line is missing; export it again."
            )
            return FormatError(msg, code="format.invalid")
        if self.version and self.version not in _VERSIONS:
            msg = (
                f"Card {self.number} is a vCard of version {shown(self.version, 20)}; "
                "contactbook reads versions 2.1, 3.0 and 4.0. Export it again as vCard "
                "3.0 or 4.0."
            )
            return FormatError(msg, code="format.version")
        return None


class _CardBuilder:
    def __init__(self, number: int, line: int):
        self.number, self.line = number, line
        self.version = ""
        self.lines: list[_Line] = []
        self.skipped: list[Problem] = []
        self.rows = 1
        self.size = self.depth = 0

    def done(self, *, complete: bool) -> VCard:
        return VCard(
            self.number,
            self.line,
            self.version,
            tuple(self.lines),
            tuple(self.skipped),
            self.rows + complete,
            complete,
        )

    def add(self, number: int, raw: bytes, line: _Line | None, *, marker: bytes) -> bool:
        """Take a logical line of the card; return whether it ended the card."""
        self.rows += self.depth == 0
        if marker == b"VCARD" and line is not None:
            if line.name == "BEGIN":
                if not self.depth:
                    self.skip(number, raw.decode("utf-8", "replace"), "vcard.unsupported",
                              "A card inside a card (vCard 2.1 AGENT) is not read.")  # fmt: skip
                self.depth += 1
                return False
            if not self.depth:
                return True
            self.depth -= 1
            return False
        if self.depth:
            return False
        if line is None:
            self.skip(
                number,
                raw.decode("utf-8", "replace"),
                "vcard.line",
                "This is not a vCard content line (name:value); it was ignored.",
            )
        elif line.name == "VERSION":
            self.version = line.value.strip()
        elif self.size + len(line.raw) > MAX_VCARD_SIZE:
            self.skip(
                number,
                line.text,
                "vcard.line",
                f"The card is longer than {MAX_VCARD_SIZE:,} bytes; this line and the "
                "rest of the card were not read.",
            )
            self.size = MAX_VCARD_SIZE + 1
        else:
            self.size += len(line.raw)
            self.lines.append(line)
        return False

    def skip(self, number: int, text: str, code: str, message: str) -> None:
        self.skipped.append(
            Problem(
                code,
                None,
                message,
                location=InVCard(number),
                input=shown(text, _MAX_SHOWN, quoted=False),
            )
        )


def read_cards(source: BinaryIO | bytes | str, /) -> Iterator[VCard]:
    """Read the cards of a vCard file (2.1, 3.0 or 4.0) one at a time, streaming.

    Lines may end in LF, CRLF or CR CR LF; the file may be UTF-8, UTF-16 (with or
    without a byte-order mark) or, per value, the ``CHARSET`` its parameters name. A
    card inside a card (vCard 2.1 ``AGENT``) is skipped with its reason, and so is a
    line that is not a content line. Only one card's lines are held at a time, at most
    :data:`MAX_VCARD_SIZE` bytes of them. Raises
    :class:`~contactbook.errors.FormatError` when the file holds no card at all.
    """
    given_text = isinstance(source, str)
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    stream: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    physical, unicode_file = _physical_lines(stream)
    unicode_file = unicode_file or given_text
    card: _CardBuilder | None = None
    count = 0
    seen = False
    for number, raw in _logical_lines(physical):
        if not raw.strip():
            continue
        line = _parse(number, raw, unicode_file=unicode_file)
        marker = line.raw.strip().upper() if line and line.name in {"BEGIN", "END"} else b""
        if card is None:
            if line is not None and line.name == "BEGIN" and marker == b"VCARD":
                count += 1
                card = _CardBuilder(count, number)
            elif line is not None and line.name == "VERSION" and not seen:
                # A file that starts with VERSION has lost its BEGIN:VCARD (Evolution
                # reads it): the card starts here.
                count += 1
                card = _CardBuilder(count, number)
                card.add(number, raw, line, marker=marker)
            seen = True
            continue  # text outside a card is no part of any
        if card.add(number, raw, line, marker=marker):
            yield card.done(complete=True)
            card = None
    if card is not None:
        yield card.done(complete=False)
    if not count:
        msg = "This is not a vCard: no BEGIN:VCARD line was found."
        raise FormatError(msg, code="format.invalid")


# --------------------------------------------------------------------------- checking


@attrs.frozen
class _Candidate:
    line: _Line
    kind: ContactKind
    value: str
    description: str | None
    pref: int


@attrs.frozen
class CheckedCard:
    """A card's values through the rules: what was accepted, and every problem.

    ``accepted`` pairs each point (in the order a set adds them: each kind's preferred
    value first) with the line it came from; ``problems`` are the skipped lines, the
    refused values and the warnings, each at its line, in line order.
    """

    card: VCard
    accepted: tuple[tuple[int, ContactPoint], ...]
    problems: tuple[Problem, ...]


def _unescape(value: str) -> str:
    r"""Undo §3.4 escaping: ``\n``/``\N`` is a newline, ``\x`` is ``x``."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _types(line: _Line) -> list[str]:
    return [value.strip().lower() for value in line.params.get("TYPE", [])]


def _pref(line: _Line) -> int:
    """RFC 6350 §5.3: PREF=1 is the most preferred; 2.1 and 3.0 mark it with TYPE=pref."""
    if "pref" in _types(line):
        return 1
    for value in line.params.get("PREF", []):
        digits = value.strip()
        # At most three digits: int() of a 4,301-digit string raises ValueError.
        if digits.isdecimal() and len(digits) <= 3 and 1 <= int(digits) <= 100:
            return int(digits)
    return 101


def _described(types: list[str]) -> str | None:
    """Return the labels among a value's TYPEs as a description ("Work fax"), or None."""
    words = [t for t in types if t not in _TECHNICAL_TYPES and not t.startswith("x-")]
    if not words:
        return None
    text = " ".join(dict.fromkeys(words))
    return text[:1].upper() + text[1:]


def _kind_and_value(line: _Line) -> tuple[ContactKind, str] | str:
    """Return what a property holds, or the reason it cannot be used."""
    if set(line.params.get("ENCODING", ())) & {"BASE64", "B"}:
        return "a base64-encoded value is not read; export the card as text"
    value = _unescape(line.value).strip()
    kinds = _KINDS_OF[line.name]
    if KINDS[kinds[0]].family is Family.PHONE:
        if value[:4].lower() == "tel:":
            value = value[4:]
        elif ":" in value[:8] and "URI" in line.params.get("VALUE", []):
            uri = shown(value, _MAX_SHOWN, quoted=False)
            return f"only tel: addresses are telephone numbers, not {uri}"
    types = _types(line)
    # The property's first kind (TEL: telephone, "voice") unless the line has another
    # kind's TYPE word ("TEL;TYPE=cell,voice" is a mobile number).
    others = (k for k in kinds[1:] if not set(KINDS[k].vcard_types).isdisjoint(types))
    kind = next(others, kinds[0])
    return kind, value


def _label(text: str) -> str:
    label = _unescape(text)
    apple = _APPLE_LABEL.fullmatch(label.strip())
    return apple.group(1) if apple else label


def _candidates(lines: Iterable[_Line], skipped: list[Problem]) -> list[_Candidate]:
    lines = list(lines)
    labels = {
        line.group: _label(line.value)
        for line in lines
        if line.name == "X-ABLABEL" and line.group is not None
    }
    found: list[_Candidate] = []
    for line in lines:
        if line.name in _IDENTITY or line.name in _STRUCTURE:
            continue
        if line.name not in _KINDS_OF:
            skipped.append(
                Problem(
                    "vcard.unsupported",
                    None,
                    f"{line.name} is not kept: contactbook keeps email addresses, "
                    "telephone and mobile numbers and websites only.",
                    location=InVCard(line.number),
                    input=shown(line.text, _MAX_SHOWN, quoted=False),
                )
            )
            continue
        what = _kind_and_value(line)
        if isinstance(what, str):
            entered = shown(_unescape(line.value).strip(), _MAX_SHOWN_VALUE, quoted=False)
            skipped.append(
                Problem(
                    "vcard.unsupported", None, what, location=InVCard(line.number), input=entered
                )
            )
            continue
        description = labels.get(line.group) if line.group else None
        if description is None:
            description = _described(_types(line))
        found.append(_Candidate(line, what[0], what[1], description, _pref(line)))
    return _primaries_first(found)


def _primaries_first(found: list[_Candidate]) -> list[_Candidate]:
    """Move each kind's most preferred value to the place of the kind's first value."""
    ordered = list(found)
    for kind in ContactKind:
        of_kind = [c for c in ordered if c.kind is kind]
        if not of_kind:
            continue
        best = min(of_kind, key=lambda c: c.pref)  # min keeps the first of equals
        if best is not of_kind[0]:
            ordered.remove(best)
            ordered.insert(ordered.index(of_kind[0]), best)
    return ordered


def check_card(card: VCard, /, *, country: str | None = None) -> CheckedCard:
    """Check a card's email addresses, numbers and websites by the rules of any input.

    ``country`` is the billing country (normalized) for numbers without a country code.
    Each value is added as :class:`~contactbook.operations.Intake` adds a row's: the
    same validation, duplicates and 100-point limit; a refused value is a problem at
    its line and the card's other values are kept.
    """
    skipped = list(card.skipped)
    intake = Intake()
    accepted: list[tuple[int, ContactPoint]] = []
    for candidate in _candidates(card.lines, skipped):
        line = candidate.line
        change = AddPoint(candidate.kind, candidate.value, candidate.description)
        try:
            added, warnings = intake.add([change], country=country)
        except ContactValidationError as error:
            found = error.errors
        else:
            accepted.append((line.number, added[0]))
            found = warnings
        # As in a CSV report, the input of a refused value is the value as written.
        entered = shown(candidate.value, _MAX_SHOWN_VALUE, quoted=False)
        skipped.extend(
            Problem(p.code, None, p.message, location=InVCard(line.number), input=entered)
            for p in found
        )
    skipped.sort(key=_line)
    return CheckedCard(card, tuple(accepted), tuple(skipped))


def load_vcard(text: str | bytes, /, *, country: str | None = None) -> VCardImport:
    """Read one customer's vCard (2.1, 3.0 or 4.0) into a new contact set.

    ``country`` is the customer's billing country, used for telephone numbers written
    without a country code. Values are validated as any input is; each line that could
    not be used is in ``skipped`` with its reason (a second card too: one card is one
    customer; :func:`read_cards` reads them all). A text that is not a vCard, is cut
    short, is longer than :data:`MAX_VCARD_SIZE` or has another version raises
    :class:`~contactbook.errors.FormatError`.
    """
    billing_country = normalize_country(country)
    if len(text) > MAX_VCARD_SIZE:
        msg = (
            f"The vCard is {len(text):,} characters long; one customer's card is read, "
            f"at most {MAX_VCARD_SIZE:,} characters."
        )
        raise FormatError(msg, code="format.invalid")
    cards = read_cards(text)
    card = next(cards)
    refusal = card.refusal()
    if refusal is not None:
        raise refusal
    checked = check_card(card, country=billing_country)
    skipped = [p for p in checked.problems if not p.is_warning]
    warnings = [Problem(p.code, None, p.message) for p in checked.problems if p.is_warning]
    skipped.extend(
        Problem(
            "vcard.card",
            None,
            "Only the first card is read (one card per customer); import the file with "
            "contactbook import to read every card.",
            location=InVCard(more.line),
            input="BEGIN:VCARD",
        )
        for more in cards
    )
    points = ContactSet(tuple(point for _, point in checked.accepted))
    return VCardImport(points, tuple(skipped), tuple(warnings))


# --------------------------------------------------------------------------- whole files


def looks_like_vcard(head: bytes, /) -> bool:
    """Whether a file's first bytes are a vCard's (``BEGIN:VCARD``, in UTF-8 or UTF-16)."""
    for encoding in ("utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"):
        text = head.decode(encoding, "ignore").lstrip("\ufeff \t\r\n")
        if text[:11].upper() == "BEGIN:VCARD":
            return True
    return False


def _upper(text: str) -> str:
    return text.strip().upper()


@attrs.frozen
class Identity:
    """Which customer a card of a file is: the rule, shown with every check's summary.

    The customer id is the value of the card's first property ``name`` (``UID`` by default;
    any other, such as ``X-CUSTOMER-ID``, ``EMAIL`` or ``FN``), trimmed; a ``UID``
    written by contactbook's own export (``urn:contactbook:customer:ID``) gives back
    ``ID``. A card without the property, or whose value is no usable id (empty, longer
    than 200 characters, or holding control characters), is ``FILE#N``: ``file`` and
    its number in the file.
    """

    name: str = attrs.field(default="UID", converter=_upper)
    file: str = "cards"

    @name.validator
    def _check(self, _attribute: object, value: str) -> None:
        if _NAME.fullmatch(value) is None or "." in value:
            msg = (
                f"{shown(value, 40)} is not a vCard property name; give one such as UID, "
                "X-CUSTOMER-ID, EMAIL or FN."
            )
            raise FormatError(msg, code="format.invalid")

    def of(self, card: VCard, /) -> str:
        """Return the customer id of ``card`` by this rule."""
        value = card.first(self.name)
        if value is not None and self.name == "UID":
            value = value.removeprefix(_OWN_UID)
        if value and customer_id_problem(value) is None:
            return value
        return f"{self.file}#{card.number}"

    def describe(self) -> str:
        """Return the rule in words, for a summary."""
        return (
            f"customer id: each card's {self.name} (a card without one: "
            f"{self.file}#N, N its number in the file)"
        )


def _line(problem: Problem) -> int:
    """Return the line of a skipped line's problem (at an :class:`InVCard` location)."""
    return problem.location.line if isinstance(problem.location, InVCard) else 0


def _row_problem(card: VCard, customer_id: str, names: dict[int, str], problem: Problem) -> Problem:
    name = names.get(_line(problem), "")
    column = f"{name} (card {card.number})" if name else f"card {card.number}"
    return Problem(
        problem.code,
        None,
        problem.message,
        location=InFile(_line(problem), column, customer_id),
        input=problem.input,
    )


def _reported(problem: Problem, names: dict[int, str]) -> bool:
    """Whether a bulk check reports it: not a property that holds no contact value."""
    if problem.code != "vcard.unsupported":
        return True
    name = names.get(_line(problem), "BEGIN")
    return name == "BEGIN" or name in _KINDS_OF


def check_cards(
    source: BinaryIO,
    /,
    *,
    identity: Identity | None = None,
    country: str | None = None,
    progress: Callable[[Tally], None] | None = None,
    tally: Tally | None = None,
) -> Iterator[CustomerBlock]:
    """Check every card of a vCard file; yield one customer block per card, streaming.

    Each card is a customer, named by ``identity``; its billing country is the country
    of its (preferred) address when that names one, else ``country``. The blocks are
    those of a CSV check (:mod:`contactbook.interchange.csv_check`), so that the same
    report, normalized rows and import follow: a problem's row is the line of the file,
    its column the property and the card's number (``TEL (card 3)``). Properties that
    hold no contact value (``N``, ``ADR``, ``PHOTO``, ...) are not reported. A card cut
    short or of another version is refused with its reason, the others are read.
    ``progress`` is called with ``tally`` (a new one if not given) after each card and
    at the end: its rows are the cards' lines, its customers the cards.
    """
    identity = identity or Identity()
    tally = tally or Tally(size=source_size(source))
    default = normalize_country(country)
    for card in read_cards(source):
        customer_id = identity.of(card)
        country = card.country() or default
        refusal = card.refusal()
        if refusal is not None:
            problem = Problem(
                refusal.code,
                None,
                refusal.message,
                location=InFile(card.line, f"card {card.number}", customer_id),
            )
            points: tuple[CheckedPoint, ...] = ()
            problems: tuple[Problem, ...] = (problem,)
        else:
            checked = check_card(card, country=country)
            points = tuple(
                CheckedPoint(
                    line, p.kind, p.value, p.description, p.entered, p.description, p.country
                )
                for line, p in checked.accepted
            )
            names = {line.number: line.name for line in card.lines}
            problems = tuple(
                _row_problem(card, customer_id, names, p)
                for p in checked.problems
                if _reported(p, names)
            )
        yield CustomerBlock(
            customer_id=customer_id,
            country=country,
            first_row=card.line,
            rows=card.rows,
            points=points,
            problems=problems,
            describes=True,
        )
        tally.rows_read += card.rows
        tally.rows += card.rows
        tally.customers += 1
        tally.read = source.tell()
        if progress is not None:
            progress(tally)
    tally.finished = True
    if progress is not None:
        progress(tally)


def check_vcard_file(
    source: BinaryIO,
    /,
    sinks: Sinks | None = None,
    *,
    identity: Identity | None = None,
    country: str | None = None,
) -> Summary:
    """Check a whole vCard file as a CSV file is checked; return the summary.

    The same normalized rows, report and summary as
    :func:`~contactbook.interchange.csv_check.check_file` (see :func:`check_cards`).
    """
    sinks = sinks or Sinks()
    blocks = check_cards(source, identity=identity, country=country, progress=sinks.progress)
    return write_results(blocks, sinks)
