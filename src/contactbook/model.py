"""The domain values: contact kinds, contact points and the contact set.

All three are immutable. A :class:`ContactSet` holds a customer's points in the order
they were added; the *primary* point of a kind is simply the first point of that kind.
It is derived on every read, never stored, and so can never go stale or be chosen by
hand. Operations that change a set live in :mod:`contactbook.operations`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import assert_never

import attrs

from contactbook.errors import ContactNotFoundError, ContactValidationError
from contactbook.messages import N_, Message

__all__ = [
    "KINDS",
    "LIMIT_MESSAGE",
    "MAX_POINTS",
    "PHONE_KINDS",
    "ContactKind",
    "ContactPoint",
    "ContactSet",
    "Family",
    "KindSpec",
    "KindTexts",
    "Link",
]

#: The most contact points one set may hold, so that no input can grow it without bound.
MAX_POINTS = 100
#: The one wording of the refusal ``contact.limit``, wherever a set would outgrow
#: :data:`MAX_POINTS` (a batch, an import, a set built directly).
LIMIT_MESSAGE = Message(
    "A customer can have at most {max_points} contact points; remove one before adding another.",
    max_points=MAX_POINTS,
)


class ContactKind(enum.Enum):
    """The four kinds of contact detail, in the order the contact card shows them."""

    EMAIL = "email"
    PHONE = "phone"  # a landline; the card calls it "Telephone"
    MOBILE = "mobile"
    WEBSITE = "website"

    # Members are singletons compared by identity, so the identity hash agrees with
    # equality; Enum's own __hash__ is Python code, and sets and dicts keyed by kind are
    # on the hot path of loading and checking every set.
    __hash__ = object.__hash__


class Family(enum.Enum):
    """Which rules read a kind's values: the validator family of ``contactbook.validation``."""

    EMAIL = "email"  # email-validator; duplicates compared case-insensitively
    PHONE = "phone"  # phonenumbers, read in the billing country, stored as E.164
    WEBSITE = "website"  # rfc3986 and idna, stored as an http(s) address


class Link(enum.Enum):
    """How the card links a value: ``mailto:`` (RFC 6068), ``tel:`` (RFC 3966), the address."""

    MAILTO = "mailto"
    TEL = "tel"
    WEB = "web"  # the stored http(s) address itself, when it is one the rules store


@attrs.frozen
class KindSpec:
    """Everything that differs between kinds, in one row: every module reads it here.

    ``label`` and ``noun`` are English :class:`~contactbook.messages.Message` texts (translated by
    the catalogs); ``duplicate`` is the template of the ``contact.duplicate`` refusal
    (one per kind, as another language may word each noun's sentence differently).
    ``spellings`` are the names a spreadsheet gives the kind, lower case (the first is
    the kind's own name, the CSV column's default); ``label_words`` the words in an
    address book's telephone label that say this kind ("Work Mobile"). ``vcard`` is the
    vCard property and ``vcard_types`` its TYPE words read as this kind (the first is
    the one written).
    """

    kind: ContactKind
    family: Family
    label: str
    noun: str
    duplicate: str
    spellings: tuple[str, ...]
    vcard: str
    link: Link
    vcard_types: tuple[str, ...] = ()
    label_words: tuple[str, ...] = ()

    @property
    def keeps_country(self) -> bool:
        """Whether a point keeps the billing country its value was read in (phones)."""
        return self.family is Family.PHONE

    @property
    def case_insensitive(self) -> bool:
        """Whether two values that differ only in case are the same (email)."""
        return self.family is Family.EMAIL


def _spec(kind: ContactKind) -> KindSpec:
    """Return the row of ``kind``; mypy names this place when a kind has no row."""
    match kind:
        case ContactKind.EMAIL:
            return KindSpec(
                kind,
                Family.EMAIL,
                Message("Email Address"),
                Message("email address"),
                N_(
                    "The email address {value} is already in this customer's contact "
                    "details; each value can be added once."
                ),
                ("email", "e-mail"),
                "EMAIL",
                Link.MAILTO,
            )
        case ContactKind.PHONE:
            return KindSpec(
                kind,
                Family.PHONE,
                Message("Telephone"),
                Message("telephone number"),
                N_(
                    "The telephone number {value} is already in this customer's contact "
                    "details; each value can be added once."
                ),
                ("phone", "telephone", "landline"),
                "TEL",
                Link.TEL,
                vcard_types=("voice",),
            )
        case ContactKind.MOBILE:
            return KindSpec(
                kind,
                Family.PHONE,
                Message("Mobile Phone"),
                Message("mobile number"),
                N_(
                    "The mobile number {value} is already in this customer's contact "
                    "details; each value can be added once."
                ),
                ("mobile", "cell"),
                "TEL",
                Link.TEL,
                vcard_types=("cell", "mobile", "iphone"),
                label_words=("mobile", "cell", "handy", "mobiel"),
            )
        case ContactKind.WEBSITE:
            return KindSpec(
                kind,
                Family.WEBSITE,
                Message("Website"),
                Message("website"),
                N_(
                    "The website {value} is already in this customer's contact details; "
                    "each value can be added once."
                ),
                ("website", "url"),
                "URL",
                Link.WEB,
            )
        case _:
            assert_never(kind)


#: The one table of kinds: each kind's :class:`KindSpec`, in the card's order.
KINDS: Mapping[ContactKind, KindSpec] = MappingProxyType(
    {kind: _spec(kind) for kind in ContactKind}
)
#: The kinds whose values are telephone numbers: read in, and keeping, a billing country.
PHONE_KINDS = frozenset(kind for kind, spec in KINDS.items() if spec.keeps_country)
_CASE_INSENSITIVE = frozenset(kind for kind, spec in KINDS.items() if spec.case_insensitive)
_POSITION = {kind: position for position, kind in enumerate(ContactKind)}


@attrs.frozen
class KindTexts(Mapping[ContactKind, str]):
    """A text for every kind (a label, a column name), in the card's order of kinds.

    A read-only mapping that is hashable and pickles, for frozen values that name each
    kind (``CardLabels``, ``Columns``). :meth:`of` fills in the kinds a caller leaves
    out, so a new kind never goes without its text.
    """

    texts: tuple[str, ...]

    @classmethod
    def of(
        cls, given: Mapping[ContactKind, str], /, default: Callable[[ContactKind], str]
    ) -> KindTexts:
        """Return ``given``'s text for each kind, ``default(kind)`` for a kind left out."""
        unknown = [key for key in given if not isinstance(key, ContactKind)]
        if unknown:
            msg = f"the keys of a kind's texts are ContactKind members, not {unknown[0]!r}"
            raise TypeError(msg)
        return cls(tuple(given[kind] if kind in given else default(kind) for kind in ContactKind))

    def __getitem__(self, kind: ContactKind, /) -> str:
        """Return the text of ``kind``."""
        return self.texts[_POSITION[kind]]

    def __iter__(self) -> Iterator[ContactKind]:
        """Iterate over the kinds, in the card's order."""
        return iter(ContactKind)

    def __len__(self) -> int:
        """Return the number of kinds."""
        return len(self.texts)


@attrs.frozen
class ContactPoint:
    """One contact detail of a customer.

    ``value`` is the normalized form (E.164 for phones); ``entered`` is the input as it
    was typed and ``country`` the billing country it was read in, kept so that stored
    points can be re-checked when the validation data changes
    (:func:`contactbook.operations.revalidate`). ``id`` is stable: edits never change it and a set
    never reuses it.

    Build points through :func:`contactbook.add` and friends, which validate; the
    constructor trusts its arguments.
    """

    id: int
    kind: ContactKind
    value: str
    description: str | None = None
    entered: str = attrs.field()
    country: str | None = None

    @entered.default
    def _entered_defaults_to_value(self) -> str:
        return self.value

    @property
    def match_key(self) -> str:
        """What two points of the same kind must not share (email: case-insensitive)."""
        return match_key(self.kind, self.value)


def match_key(kind: ContactKind, value: str) -> str:
    """Return the key under which ``value`` counts as a duplicate within ``kind``."""
    return value.casefold() if kind in _CASE_INSENSITIVE else value


def description_key(description: str | None) -> str | None:
    """Return the key under which two descriptions are the same: case-insensitive.

    Descriptions are stored tidied (trimmed, inner white space collapsed, NFC; see
    :func:`contactbook.validation.normalize_description`), so the case-folded text is all that is
    left to compare. The card groups additional contacts by this key and routing
    policies match descriptions by it.

    >>> description_key("Billing Contact") == description_key("BILLING CONTACT")
    True
    """
    return None if description is None else description.casefold()


def _as_points(points: Iterable[ContactPoint]) -> tuple[ContactPoint, ...]:
    return tuple(points)


def _check_points(
    instance: ContactSet,
    attribute: attrs.Attribute[tuple[ContactPoint, ...]],
    points: tuple[ContactPoint, ...],
) -> None:
    if len(points) > MAX_POINTS:
        raise ContactValidationError(LIMIT_MESSAGE, code="contact.limit", field=None)
    ids = {point.id for point in points}
    keys = {(point.kind, match_key(point.kind, point.value)) for point in points}
    if len(ids) != len(points) or len(keys) != len(points):
        msg = "A contact set cannot hold two points with the same id or the same value."
        raise ContactValidationError(msg, code="contact.duplicate", field=None)
    # attrs runs validators once every field is set, so next_id is there to check.
    if ids and instance.next_id <= max(ids):
        msg = f"next_id {instance.next_id} would reuse the id of a point already in the set."
        raise ContactValidationError(msg, code="contact.duplicate", field="id")


def _first_free_id(instance: ContactSet) -> int:
    return max((point.id for point in instance.points), default=0) + 1


@attrs.frozen
class ContactSet:
    """All contact points of one customer, in the order they were added.

    ``ContactSet()`` is the empty set. ``next_id`` is the id the next added point gets;
    it only grows, so ids are never reused, even after a removal.
    """

    points: tuple[ContactPoint, ...] = attrs.field(
        default=(), converter=_as_points, validator=_check_points
    )
    next_id: int = attrs.field(
        default=attrs.Factory(_first_free_id, takes_self=True),
    )

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[ContactPoint]:
        return iter(self.points)

    @property
    def is_empty(self) -> bool:
        """Whether the customer has no contact details at all (the card's empty state)."""
        return not self.points

    def primary(self, kind: ContactKind) -> ContactPoint | None:
        """Return the primary point of ``kind`` (the first one added), or ``None``."""
        return next((point for point in self.points if point.kind is kind), None)

    def primaries(self) -> dict[ContactKind, ContactPoint]:
        """Return the primary point of each kind that has one, in the card's order."""
        found: dict[ContactKind, ContactPoint] = {}
        for point in self.points:
            found.setdefault(point.kind, point)
        return {kind: found[kind] for kind in ContactKind if kind in found}

    def is_primary(self, point: ContactPoint) -> bool:
        """Whether ``point`` is the primary point of its kind in this set."""
        return self.primary(point.kind) == point

    def of_kind(self, kind: ContactKind) -> tuple[ContactPoint, ...]:
        """Return the points of ``kind``, primary first."""
        return tuple(point for point in self.points if point.kind is kind)

    def additional(self) -> tuple[ContactPoint, ...]:
        """Return every point that is not the primary of its kind, in insertion order."""
        primary_ids = {point.id for point in self.primaries().values()}
        return tuple(point for point in self.points if point.id not in primary_ids)

    def get(self, point_id: int) -> ContactPoint:
        """Return the point with ``point_id``; raise :class:`ContactNotFoundError`."""
        for point in self.points:
            if point.id == point_id:
                return point
        raise ContactNotFoundError(point_id)
