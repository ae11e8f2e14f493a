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

Import reads one card of version 3.0 or 4.0 into a new set. Every value goes through
:func:`contactbook.operations.apply`, so it is validated by the same rules as any other
input; a line that cannot be used (an unknown property, a refused value, a duplicate, a
malformed line, a second card) is reported in :attr:`VCardImport.skipped` with a code and
a reason, and the rest is kept. The most preferred value of each kind (``PREF=1``, or
``TYPE=pref`` in 3.0) becomes its primary.

This module is written by hand, not on a vCard library: the runtime dependencies are
kept to the four validators and attrs, the subset used here (four properties, folding,
escaping, groups, parameters) is small and fully specified, and the libraries at hand
(vobject) target vCard 3.0 and would need their own 4.0 handling on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from contactbook.errors import ContactValidationError, FormatError, InVCard, Problem
from contactbook.model import ContactKind, ContactPoint, ContactSet
from contactbook.operations import AddPoint, apply
from contactbook.validation import normalize_region, phone_uri
from contactbook.vocabulary import shown

__all__ = ["MAX_VCARD_SIZE", "SkippedLine", "VCardImport", "dump_vcard", "load_vcard"]

#: The largest vCard text read, in characters; a card of 100 points is far smaller.
MAX_VCARD_SIZE = 1_000_000

_CRLF = "\r\n"
_FOLD_AT = 75  # octets per physical line, CRLF not counted (RFC 6350 §3.2)
_MAX_SHOWN = 60
# RFC 6350 §3.3: group and property names are letters, digits and hyphens.
_NAME = re.compile(r"(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")
# An Apple label such as "_$!<Work>!$_" stands for the plain word.
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
# RFC 6350 §3.3: a value holds no control characters (but newlines, escaped as \n).
_UNWRITABLE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_STRUCTURE = frozenset({"BEGIN", "END", "VERSION"})
# Properties that say who the card is, which a contact set does not hold; skipping them
# is expected, so they are not reported.
_IDENTITY = frozenset({"FN", "N", "UID", "PRODID", "REV", "KIND", "X-ABLABEL"})


class SkippedLine(Problem):
    """A line of an imported vCard that was not used, and why.

    A :class:`~contactbook.errors.Problem` at an :class:`~contactbook.errors.InVCard`
    location: ``location.line`` is the number (1-based) of its first physical line;
    ``input`` is the unfolded line, shortened; ``code`` is an error code
    (``vcard.unsupported``, ``vcard.line``, ``vcard.card``, or a validation code such as
    ``email.invalid``). Deprecated as a separate type: ``SkippedLine(line, text, code,
    message)``, ``.line`` and ``.text`` keep working for one release.
    """

    __slots__ = ()

    def __init__(self, line: int, text: str, code: str, message: str) -> None:
        super().__init__(code, None, message, location=InVCard(line), input=text)

    @property
    def line(self) -> int:
        """Deprecated: ``location.line``."""
        assert isinstance(self.location, InVCard)  # noqa: S101 -- set by __init__
        return self.location.line

    @property
    def text(self) -> str:
        """Deprecated: ``input``."""
        return self.input


@attrs.frozen
class VCardImport:
    """What :func:`load_vcard` read: the set, the lines it skipped, and warnings."""

    contacts: ContactSet
    skipped: tuple[SkippedLine, ...] = ()
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
    if point.kind is ContactKind.EMAIL:
        line = f"{prefix}EMAIL{pref}:{_escape(point.value)}"
    elif point.kind is ContactKind.WEBSITE:
        line = f"{prefix}URL{pref}:{_escape(point.value)}"
    else:
        kind = "cell" if point.kind is ContactKind.MOBILE else "voice"
        line = f"{prefix}TEL;VALUE=uri;TYPE={kind}{pref}:{_escape(phone_uri(point.value))}"
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


# --------------------------------------------------------------------------- import


@attrs.frozen
class _Line:
    number: int
    text: str
    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str


@attrs.frozen
class _Candidate:
    line: _Line
    kind: ContactKind
    value: str
    description: str | None
    pref: int


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfold (§3.2): a line starting with a space or tab continues the one before."""
    number, current = 0, None
    for index, physical in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if physical[:1] in {" ", "\t"} and current is not None:
            current += physical[1:]
            continue
        if current is not None:
            yield number, current
        number, current = index, physical
    if current is not None:
        yield number, current


def _split_params(text: str) -> list[str]:
    """Split ``;``-separated parameters, honouring double-quoted values."""
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


def _parse(number: int, text: str) -> _Line | None:
    """Parse ``[group.]name *(;param) : value``; ``None`` if the line is malformed."""
    colon, quoted = -1, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            colon = index
            break
    if colon < 0:
        return None
    head, value = text[:colon], text[colon + 1 :]
    name_part, *param_parts = _split_params(head)
    match = _NAME.fullmatch(name_part)
    if match is None:
        return None
    params: dict[str, list[str]] = {}
    for part in param_parts:
        key, equals, raw = part.partition("=")
        if not equals:
            # vCard 2.1 style bare parameter ("TEL;CELL:..."): a TYPE value.
            key, raw = "TYPE", part
        params.setdefault(key.strip().upper(), []).extend(_split_list(raw))
    group = match.group(1)
    return _Line(
        number=number,
        text=text,
        group=group.upper() if group else None,
        name=match.group(2).upper(),
        params=params,
        value=value,
    )


def _unescape(value: str) -> str:
    r"""Undo §3.4 escaping: ``\n``/``\N`` is a newline, ``\x`` is ``x``."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _types(line: _Line) -> set[str]:
    return {value.strip().lower() for value in line.params.get("TYPE", [])}


def _pref(line: _Line) -> int:
    """RFC 6350 §5.3: PREF=1 is the most preferred; 3.0 marks it with TYPE=pref."""
    if "pref" in _types(line):
        return 1
    for value in line.params.get("PREF", []):
        digits = value.strip()
        # At most three digits: int() of a 4,301-digit string raises ValueError.
        if digits.isdecimal() and len(digits) <= 3 and 1 <= int(digits) <= 100:
            return int(digits)
    return 101


def _kind_and_value(line: _Line) -> tuple[ContactKind, str] | str:  # noqa: PLR0911 -- one return per case reads best
    """Return what a property holds, or the reason it cannot be used."""
    if "ENCODING" in line.params:
        return "encoded values (ENCODING=...) are not read; export the card as text"
    value = _unescape(line.value).strip()
    if line.name == "EMAIL":
        return ContactKind.EMAIL, value
    if line.name == "URL":
        return ContactKind.WEBSITE, value
    types = _types(line)
    if value[:4].lower() == "tel:":
        value = value[4:]
    elif ":" in value[:8] and "uri" in {v.lower() for v in line.params.get("VALUE", [])}:
        uri = shown(value, _MAX_SHOWN, quoted=False)
        return f"only tel: addresses are telephone numbers, not {uri}"
    if "cell" in types:
        return ContactKind.MOBILE, value
    if types & {"fax", "pager"} and "voice" not in types:
        return "fax and pager numbers are not kept; only telephone and mobile numbers"
    return ContactKind.PHONE, value


def _label(text: str) -> str:
    label = _unescape(text)
    apple = _APPLE_LABEL.fullmatch(label.strip())
    return apple.group(1) if apple else label


def _decoded(text: str | bytes) -> str:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            msg = (
                f"The vCard is not UTF-8 (byte {error.start} cannot be read); export it "
                "again as UTF-8, as vCard 4.0 requires."
            )
            raise FormatError(msg, code="format.invalid") from None
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_VCARD_SIZE:
        msg = (
            f"The vCard is {len(text):,} characters long; one customer's card is read, "
            f"at most {MAX_VCARD_SIZE:,} characters."
        )
        raise FormatError(msg, code="format.invalid")
    return text


def _card_lines(text: str) -> tuple[list[_Line], list[SkippedLine], str]:
    """Return the content lines of the first card, what was skipped, and its version."""
    lines: list[_Line] = []
    skipped: list[SkippedLine] = []
    state, version = "before", ""
    for number, raw in _logical_lines(text):
        if not raw.strip():
            continue
        line = _parse(number, raw)
        if line is None:
            if state == "in":
                skipped.append(
                    SkippedLine(
                        number,
                        shown(raw, _MAX_SHOWN, quoted=False),
                        "vcard.line",
                        "This is not a vCard content line (name:value); it was ignored.",
                    )
                )
            continue
        if line.name == "BEGIN" and line.value.strip().upper() == "VCARD":
            if state == "before":
                state = "in"
                continue
            skipped.append(
                SkippedLine(
                    number,
                    shown(raw, _MAX_SHOWN, quoted=False),
                    "vcard.card",
                    "Only the first card is read (one card per customer); import the "
                    "others one by one.",
                )
            )
            state = "after"
        elif line.name == "END" and line.value.strip().upper() == "VCARD" and state == "in":
            state = "after"
        elif state == "in":
            if line.name == "VERSION":
                version = line.value.strip()
            else:
                lines.append(line)
    if state == "before":
        msg = "This is not a vCard: no BEGIN:VCARD line was found."
        raise FormatError(msg, code="format.invalid")
    if state == "in":
        msg = "The vCard is cut short: its END:VCARD line is missing; export it again."
        raise FormatError(msg, code="format.invalid")
    return lines, skipped, version


def _candidates(lines: list[_Line], skipped: list[SkippedLine]) -> list[_Candidate]:
    labels = {
        line.group: _label(line.value)
        for line in lines
        if line.name == "X-ABLABEL" and line.group is not None
    }
    found: list[_Candidate] = []
    for line in lines:
        if line.name in _IDENTITY or line.name in _STRUCTURE:
            continue
        if line.name not in {"EMAIL", "TEL", "URL"}:
            skipped.append(
                SkippedLine(
                    line.number,
                    shown(line.text, _MAX_SHOWN, quoted=False),
                    "vcard.unsupported",
                    f"{line.name} is not kept: contactbook keeps email addresses, "
                    "telephone and mobile numbers and websites only.",
                )
            )
            continue
        what = _kind_and_value(line)
        if isinstance(what, str):
            skipped.append(
                SkippedLine(
                    line.number,
                    shown(line.text, _MAX_SHOWN, quoted=False),
                    "vcard.unsupported",
                    what,
                )
            )
            continue
        description = labels.get(line.group) if line.group else None
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


def load_vcard(text: str | bytes, /, *, region: str | None = None) -> VCardImport:
    """Read one vCard (3.0 or 4.0) into a new contact set.

    ``region`` is the customer's billing country, used for telephone numbers written
    without a country code. Values are validated as any input is; each line that could
    not be used is in ``skipped`` with its reason. A text that is not a vCard, is cut
    short, is not UTF-8 or has another version raises
    :class:`~contactbook.errors.FormatError`.
    """
    billing_country = normalize_region(region)
    lines, skipped, version = _card_lines(_decoded(text))
    if version not in {"3.0", "4.0"}:
        msg = (
            f"This is a vCard of version {version or '(none)'}; contactbook reads "
            "versions 3.0 and 4.0. Export the card again as vCard 3.0 or 4.0."
        )
        raise FormatError(msg, code="format.version")
    contacts = ContactSet()
    warnings: list[Problem] = []
    for candidate in _candidates(lines, skipped):
        change = AddPoint(candidate.kind, candidate.value, candidate.description)
        try:
            outcome = apply(contacts, [change], region=billing_country)
        except ContactValidationError as error:
            problem = error.errors[0]
            line = candidate.line
            skipped.append(
                SkippedLine(
                    line.number,
                    shown(line.text, _MAX_SHOWN, quoted=False),
                    problem.code,
                    problem.message,
                )
            )
            continue
        contacts = outcome.contacts
        warnings.extend(w.at(None) for w in outcome.warnings)
    skipped.sort(key=lambda s: s.line)
    return VCardImport(contacts, tuple(skipped), tuple(warnings))
