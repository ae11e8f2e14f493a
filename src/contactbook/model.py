"""The domain values: contact kinds, contact points and the contact set.

All three are immutable. A :class:`ContactSet` holds a customer's points in the order
they were added; the *primary* point of a kind is simply the first point of that kind.
It is derived on every read, never stored, and so can never go stale or be chosen by
hand. Operations that change a set live in :mod:`contactbook.operations`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator

import attrs

from contactbook.errors import ContactNotFoundError, ContactValidationError
from contactbook.messages import Message

__all__ = ["LIMIT_MESSAGE", "MAX_POINTS", "ContactKind", "ContactPoint", "ContactSet"]

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


_EMAIL = ContactKind.EMAIL


@attrs.frozen
class ContactPoint:
    """One contact detail of a customer.

    ``value`` is the normalized form (E.164 for phones); ``entered`` is the input as it
    was typed and ``region`` the billing country it was read in, kept so that stored
    points can be re-checked when the validation data changes
    (:func:`contactbook.revalidate`). ``id`` is stable: edits never change it and a set
    never reuses it.

    Build points through :func:`contactbook.add` and friends, which validate; the
    constructor trusts its arguments.
    """

    id: int
    kind: ContactKind
    value: str
    description: str | None = None
    entered: str = attrs.field()
    region: str | None = None

    @entered.default
    def _entered_defaults_to_value(self) -> str:
        return self.value

    @property
    def match_key(self) -> str:
        """What two points of the same kind must not share (email: case-insensitive)."""
        return match_key(self.kind, self.value)


def match_key(kind: ContactKind, value: str) -> str:
    """Return the key under which ``value`` counts as a duplicate within ``kind``."""
    return value.casefold() if kind is _EMAIL else value


def description_key(description: str | None) -> str | None:
    """Return the key under which two descriptions are the same: case-insensitive.

    Descriptions are stored tidied (trimmed, inner white space collapsed, NFC; see
    :func:`contactbook.normalize_description`), so the case-folded text is all that is
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
