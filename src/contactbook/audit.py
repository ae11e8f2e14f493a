"""What changed between two contact sets, and the activity entry made of it.

:func:`diff` compares two sets by point id. Its records carry whole points (before and
after), so an entry can be shown to a person and replayed by a program
(:func:`replay`). An :class:`ActivityEntry` is one saved batch: the host's activity log
receives one per save through the :class:`~contactbook.ports.AuditSink` port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from contactbook.model import ContactKind, ContactPoint, ContactSet
from contactbook.vocabulary import NOUNS

__all__ = [
    "ActivityEntry",
    "DescriptionChanged",
    "Event",
    "PointAdded",
    "PointRemoved",
    "PrimaryChanged",
    "ValueChanged",
    "describe",
    "diff",
    "replay",
]


@attrs.frozen
class PointAdded:
    """A point was added."""

    point: ContactPoint


@attrs.frozen
class PointRemoved:
    """A point was removed."""

    point: ContactPoint


@attrs.frozen
class ValueChanged:
    """A point's value or kind changed (its id and place stay)."""

    before: ContactPoint
    after: ContactPoint


@attrs.frozen
class DescriptionChanged:
    """A point's description changed, was added or was cleared."""

    before: ContactPoint
    after: ContactPoint


@attrs.frozen
class PrimaryChanged:
    """The primary point of a kind is now another point, or none (``None``)."""

    kind: ContactKind
    before: ContactPoint | None
    after: ContactPoint | None


#: What happened to a set, as an activity entry records it;
#: what a caller asks for is an ``operations.Command``.
Event = PointAdded | PointRemoved | ValueChanged | DescriptionChanged | PrimaryChanged


def diff(old: ContactSet, new: ContactSet, /) -> tuple[Event, ...]:
    """Return the changes that turn ``old`` into ``new``.

    Removals come first (in ``old``'s order), then value and description changes and
    additions (in ``new``'s order), then primary changes (in the card's kind order).
    Equal sets give ``()``.
    """
    before = {point.id: point for point in old.points}
    after_ids = {point.id for point in new.points}
    changes: list[Event] = [
        PointRemoved(point) for point in old.points if point.id not in after_ids
    ]
    for point in new.points:
        was = before.get(point.id)
        if was is None:
            changes.append(PointAdded(point))
            continue
        if (was.kind, was.value, was.entered, was.country) != (
            point.kind,
            point.value,
            point.entered,
            point.country,
        ):
            changes.append(ValueChanged(was, point))
        if was.description != point.description:
            changes.append(DescriptionChanged(was, point))
    old_primaries, new_primaries = old.primaries(), new.primaries()
    for kind in ContactKind:
        was_primary, now_primary = old_primaries.get(kind), new_primaries.get(kind)
        if _id(was_primary) != _id(now_primary):
            changes.append(PrimaryChanged(kind, was_primary, now_primary))
    return tuple(changes)


def _id(point: ContactPoint | None) -> int | None:
    return None if point is None else point.id


def replay(contacts: ContactSet, changes: Iterable[Event], /) -> ContactSet:
    """Apply recorded changes to ``contacts``; ``replay(a, diff(a, b))`` has b's points.

    Primary changes are derived, so replay skips them. ``next_id`` becomes at least one
    past every id seen (ids used and removed within one batch leave no record).
    """
    points = list(contacts.points)
    for change in changes:
        if isinstance(change, PointAdded):
            points.append(change.point)
        elif isinstance(change, PointRemoved):
            points = [point for point in points if point.id != change.point.id]
        elif isinstance(change, (ValueChanged, DescriptionChanged)):
            points = [change.after if p.id == change.after.id else p for p in points]
    next_id = max([contacts.next_id, *(point.id + 1 for point in points)])
    return ContactSet(points, next_id)


def describe(change: Event, /) -> str:
    """Return one line a person reads in the activity log for ``change``."""
    if isinstance(change, PointAdded):
        return f"Added {NOUNS[change.point.kind]} {_show(change.point)}"
    if isinstance(change, PointRemoved):
        return f"Removed {NOUNS[change.point.kind]} {_show(change.point)}"
    if isinstance(change, ValueChanged) and change.before.kind is not change.after.kind:
        return (
            f"Moved {NOUNS[change.before.kind]} {change.before.value} "
            f"to {NOUNS[change.after.kind]} {change.after.value}"
        )
    if isinstance(change, ValueChanged):
        return (
            f"Changed {NOUNS[change.after.kind]} from {change.before.value} to {change.after.value}"
        )
    if isinstance(change, DescriptionChanged):
        return (
            f"Changed the description of {NOUNS[change.after.kind]} {change.after.value} "
            f"from {_quote(change.before.description)} to {_quote(change.after.description)}"
        )
    return (
        f"Primary {NOUNS[change.kind]} is now "
        f"{change.after.value if change.after else 'none'} "
        f"(was {change.before.value if change.before else 'none'})"
    )


def _show(point: ContactPoint) -> str:
    return point.value + (f" ({point.description})" if point.description else "")


def _quote(description: str | None) -> str:
    return "no description" if description is None else f"'{description}'"


def _as_changes(changes: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(changes)


def _utc(instance: ActivityEntry, attribute: attrs.Attribute[dt.datetime], at: dt.datetime) -> None:
    if at.utcoffset() != dt.timedelta(0):
        msg = f"An activity entry's time must be in UTC, got {at!r}."
        raise ValueError(msg)


@attrs.frozen
class ActivityEntry:
    """One saved batch, as the customer's activity log records it.

    ``version`` is the set's version after the save; ``changes`` is :func:`diff` of the
    set before and after, so it is never empty.
    """

    id: str
    customer_id: str
    actor: str
    at: dt.datetime = attrs.field(validator=_utc)
    version: int
    changes: tuple[Event, ...] = attrs.field(converter=_as_changes)

    def summary(self) -> str:
        """Return the entry's changes as lines a person reads, one per change."""
        return "\n".join(describe(change) for change in self.changes)
