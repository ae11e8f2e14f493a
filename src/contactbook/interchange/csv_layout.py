"""Which columns of a customer export hold what: contactbook's own, address books', a mapping.

A :class:`Layout` says which columns hold contact values (:class:`ValueColumn`: a kind,
a fixed description or a column whose cell is the description, Google's "E-mail 1 -
Type"), which column holds the customer id and which the billing country, and what joins
several values in one cell. :func:`recognize` finds the layout of an address book's
export from its header; :func:`load_mapping` reads a user's mapping file for any other.

The address books' layouts are tables (one row per column name), so that a column this
module does not list is never read as a value: Outlook's ``E-mail Display Name`` and
``E-mail Type`` hold no address. Telephone columns that say "mobile" hold mobile
numbers; the others (home, business, fax, pager, ...) telephone numbers. The column's
own words become the description ("Business Phone" gives "Business"), as the export's
labels do in Google's layout (its leading ``*``, which marks the primary, taken off).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from contactbook.errors import FormatError
from contactbook.model import KINDS, ContactKind
from contactbook.vocabulary import KIND_SPELLINGS

__all__ = [
    "KNOWN_LAYOUTS",
    "Layout",
    "ValueColumn",
    "kind_by_label",
    "label_description",
    "load_mapping",
    "recognize",
]

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@attrs.frozen
class ValueColumn:
    """A column that holds contact values.

    ``kind`` ``None`` means a telephone number whose label (``label``'s cell) says
    whether it is a mobile one (:func:`kind_by_label`). ``description`` is the values'
    fixed description; ``label`` names the column whose cell is their description (it
    wins when not empty).
    """

    column: str
    kind: ContactKind | None
    description: str | None = None
    label: str | None = None


@attrs.frozen
class Layout:
    """How to read an export's columns: where the values, the id and the country are.

    ``customer_id`` ``None``: the file names no customer; each record is one customer
    (the identity rule, :func:`contactbook.interchange.csv_read.open_export`).
    ``separator``: what joins several values in one cell (Google's ``" ::: "``), or
    ``None`` (one value per cell). ``describes``: whether the descriptions read are the
    customers' (an import then replaces stored descriptions that differ).
    """

    name: str
    values: tuple[ValueColumn, ...]
    customer_id: str | None = None
    country: str | None = None
    separator: str | None = None
    describes: bool = True

    def columns(self) -> list[str]:
        """Return every column the layout reads, in its order."""
        names = [self.customer_id, self.country]
        for value in self.values:
            names += [value.column, value.label]
        return [name for name in names if name is not None]


# The words of a telephone label that say its kind (KindSpec.label_words), kind by kind.
_LABEL_WORDS = tuple((kind, spec.label_words) for kind, spec in KINDS.items() if spec.label_words)


def kind_by_label(label: str, /) -> ContactKind:
    """Return the kind of a telephone number by its label: mobile when it says so.

    >>> kind_by_label("* Mobile"), kind_by_label("Work Fax")
    (<ContactKind.MOBILE: 'mobile'>, <ContactKind.PHONE: 'phone'>)
    """
    folded = label.casefold()
    said = (kind for kind, words in _LABEL_WORDS if any(word in folded for word in words))
    return next(said, PHONE)


def label_description(label: str, kind: ContactKind, /) -> str | None:
    """Return an export's label as a description: ``*`` (primary) off, the kind's name none.

    >>> label_description("* Home", ContactKind.EMAIL)
    'Home'
    >>> label_description("Mobile", ContactKind.MOBILE) is None
    True
    """
    text = label.strip().removeprefix("*").strip()
    if not text or KIND_SPELLINGS.get(text.casefold()) is kind:
        return None
    return text


# --------------------------------------------------------------------------- known layouts


@attrs.frozen
class _Known:
    """An address book's export: the columns that say it is one, and what each holds."""

    name: str
    signature: frozenset[str]  # casefolded names; the header holding any is this layout
    columns: Mapping[str, tuple[ContactKind, str | None]]  # casefolded name -> kind, description
    numbered: tuple[tuple[re.Pattern[str], ContactKind | None, tuple[str, ...]], ...] = ()
    separator: str | None = None

    def layout(self, header: Sequence[str]) -> Layout:
        """Return the layout of ``header`` (its own spelling of each column)."""
        folded = {name.strip().casefold(): name for name in header}
        values: list[ValueColumn] = []
        for name in header:
            key = name.strip().casefold()
            if key in self.columns:
                fixed, description = self.columns[key]
                values.append(ValueColumn(name, fixed, description))
                continue
            for pattern, kind, labels in self.numbered:
                match = pattern.fullmatch(key)
                if match is None:
                    continue
                label = next(
                    (folded[n] for t in labels if (n := t.format(*match.groups())) in folded),
                    None,
                )
                values.append(ValueColumn(name, kind, label=label))
                break
        return Layout(self.name, tuple(values), separator=self.separator)


def _table(rows: str) -> Mapping[str, tuple[ContactKind, str | None]]:
    """Read ``name | kind | description`` lines into a column table."""
    table = {}
    for line in rows.strip().splitlines():
        name, kind, description = (part.strip() for part in line.split("|"))
        table[name.casefold()] = (ContactKind(kind), description or None)
    return MappingProxyType(table)


# Google Contacts: "E-mail 1 - Value" with its "E-mail 1 - Type" (before 2020) or
# "E-mail 1 - Label" (after); several values in one cell joined by " ::: ". The oldest
# Gmail export: "Name, E-mail, Notes", then "Section 1 - Email", "Section 1 - Mobile", ...
# with "Section 1 - Description".
GOOGLE = _Known(
    "Google Contacts",
    signature=frozenset(),
    columns=_table("E-mail | email |"),
    numbered=(
        (
            re.compile(r"e-?mail (\d+) - value"),
            EMAIL,
            ("e-mail {0} - type", "e-mail {0} - label", "email {0} - type", "email {0} - label"),
        ),
        (re.compile(r"phone (\d+) - value"), None, ("phone {0} - type", "phone {0} - label")),
        (
            re.compile(r"website (\d+) - value"),
            WEBSITE,
            ("website {0} - type", "website {0} - label"),
        ),
        (re.compile(r"section (\d+) - e-?mail"), EMAIL, ("section {0} - description",)),
        (re.compile(r"section (\d+) - (?:phone|pager|fax)"), PHONE, ("section {0} - description",)),
        (re.compile(r"section (\d+) - mobile"), MOBILE, ("section {0} - description",)),
    ),
    separator=" ::: ",
)

# Outlook 2010 to 365 (File > Open & Export > Export to a file > CSV), English headers.
OUTLOOK = _Known(
    "Outlook",
    signature=frozenset({"e-mail address", "e-mail 2 address", "business phone", "mobile phone"}),
    columns=_table(
        """
        E-mail Address | email |
        E-mail 2 Address | email |
        E-mail 3 Address | email |
        Primary Phone | phone |
        Home Phone | phone | Home
        Home Phone 2 | phone | Home
        Business Phone | phone | Business
        Business Phone 2 | phone | Business
        Company Main Phone | phone | Company
        Assistant's Phone | phone | Assistant
        Callback | phone | Callback
        Car Phone | phone | Car
        ISDN | phone | ISDN
        Other Phone | phone | Other
        Radio Phone | phone | Radio
        TTY/TDD Phone | phone | TTY/TDD
        Pager | phone | Pager
        Home Fax | phone | Home Fax
        Business Fax | phone | Business Fax
        Other Fax | phone | Other Fax
        Mobile Phone | mobile |
        Web Page | website |
        Personal Web Page | website | Personal
        Business Web Page | website | Business
        """
    ),
)

# Thunderbird (Tools > Export, "Comma separated"): Web Page 1 is the work page, 2 the home.
THUNDERBIRD = _Known(
    "Thunderbird",
    signature=frozenset({"primary email", "secondary email", "mobile number", "web page 1"}),
    columns=_table(
        """
        Primary Email | email |
        Secondary Email | email |
        Work Phone | phone | Work
        Home Phone | phone | Home
        Fax Number | phone | Fax
        Pager Number | phone | Pager
        Mobile Number | mobile |
        Web Page 1 | website | Work
        Web Page 2 | website | Home
        """
    ),
)

# Roundcube's own export: Outlook's names for telephones, its own for email and websites.
ROUNDCUBE = _Known(
    "Roundcube",
    signature=frozenset({"email home", "email work", "email other", "website work"}),
    columns=_table(
        """
        Email Home | email | Home
        Email Work | email | Work
        Email Other | email | Other
        Home Phone | phone | Home
        Home Phone 2 | phone | Home
        Business Phone | phone | Business
        Business Phone 2 | phone | Business
        Home Mobile | mobile | Home
        Primary Phone | phone |
        Home Fax | phone | Home Fax
        Business Fax | phone | Business Fax
        Car Phone | phone | Car
        Pager | phone | Pager
        Phone Video | phone | Video
        Assistant's Phone | phone | Assistant
        Other Phone | phone | Other
        Website Blog | website | Blog
        Website Home Page | website | Home Page
        Website Other | website | Other
        Website Profile | website | Profile
        Website Work | website | Work
        """
    ),
)

#: The address books whose exports are recognised from their headers, in the order tried.
KNOWN_LAYOUTS = (GOOGLE, THUNDERBIRD, ROUNDCUBE, OUTLOOK)


def recognize(header: Sequence[str], /) -> Layout | None:
    """Return the layout of an address book's export with this header, or ``None``.

    Google's is recognised by its numbered value columns, the others by a column only
    they have (Thunderbird's ``Primary Email``, Roundcube's ``Email Home``, Outlook's
    ``E-mail Address``).
    """
    folded = {name.strip().casefold() for name in header}
    for known in KNOWN_LAYOUTS:
        if known.signature & folded or (
            not known.signature
            and any(p.fullmatch(name) for p, _, _ in known.numbered for name in folded)
        ):
            layout = known.layout(header)
            if layout.values:
                return layout
    return None


# --------------------------------------------------------------------------- a user's mapping

_MAPPING_KEYS = frozenset({"customer_id", "country", "separator", "columns"})
_VALUE_KEYS = frozenset({"kind", "description", "label"})


def _mapping_error(where: str, message: str) -> FormatError:
    return FormatError(f"The column mapping {where}: {message}", code="csv.mapping")


def load_mapping(text: str, /, *, name: str = "mapping") -> Layout:
    """Read a column mapping (TOML) into a :class:`Layout`.

    ::

        customer_id = "Klantnummer"      # optional: else one customer per record
        country = "Land"                 # optional: the billing country column
        separator = ";"                  # optional: several values in one cell

        [columns]
        "E-mailadres" = "email"
        "Telefoon werk" = { kind = "phone", description = "Work" }
        "Telefoon" = { kind = "phone", label = "Soort" }   # "Soort" holds the description

    A kind is ``email``, ``phone``, ``mobile`` or ``website`` (or another spelling of
    :data:`~contactbook.vocabulary.KIND_SPELLINGS`). Raises
    :class:`~contactbook.errors.FormatError` ``csv.mapping`` saying what is wrong.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _mapping_error(name, f"is not TOML ({error}).") from None
    unknown = sorted(set(data) - _MAPPING_KEYS)
    if unknown:
        raise _mapping_error(name, f"has keys it does not know: {', '.join(unknown)}.")
    for key in ("customer_id", "country", "separator"):
        if not isinstance(data.get(key, ""), str) or (key in data and not data[key]):
            raise _mapping_error(name, f"{key} must be a non-empty text.")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _mapping_error(name, "needs a [columns] table naming which column holds which kind.")
    values = tuple(_value_column(name, column, spec) for column, spec in columns.items())
    return Layout(
        name,
        values,
        customer_id=data.get("customer_id"),
        country=data.get("country"),
        separator=data.get("separator"),
        describes=any(v.description is not None or v.label is not None for v in values),
    )


def _value_column(name: str, column: str, spec: object) -> ValueColumn:
    where = f"{name}, column {column!r}"
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, dict) or "kind" not in spec or set(spec) - _VALUE_KEYS:
        msg = 'must be a kind ("email") or a table with kind and optionally description, label.'
        raise _mapping_error(where, msg)
    kind = KIND_SPELLINGS.get(str(spec["kind"]).strip().casefold())
    if kind is None:
        raise _mapping_error(where, f"{spec['kind']!r} is not email, phone, mobile or website.")
    for key in ("description", "label"):
        if not isinstance(spec.get(key, ""), str):
            raise _mapping_error(where, f"{key} must be a text.")
    return ValueColumn(column, kind, spec.get("description") or None, spec.get("label") or None)
