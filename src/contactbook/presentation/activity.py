"""The activity log as a view model: each saved batch as lines a person reads.

:meth:`ActivityLog.build` turns activity entries (newest first, as the service's
``history`` returns them) into items with the time, the person and one line per change.
Numbers show as the card shows them (``+31 6 12345678``), and every word comes from
:class:`~contactbook.presentation.card.CardLabels`, so the log translates with the card.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    Event,
    PointAdded,
    PointRemoved,
    ValueChanged,
)
from contactbook.model import ContactPoint
from contactbook.presentation.card import CardLabels, display_value

__all__ = ["ActivityItem", "ActivityLog", "describe_change"]


@attrs.frozen
class ActivityItem:
    """One saved batch: when, by whom, the version it made, and one line per change."""

    entry_id: str
    at: dt.datetime
    actor: str
    version: int
    lines: tuple[str, ...]


@attrs.frozen
class ActivityLog:
    """The log as shown: a heading, the items (newest first) and the empty state.

    ``next`` is the cursor of the next (older) page, ``None`` if there is none.
    """

    heading: str
    items: tuple[ActivityItem, ...]
    empty_message: str | None
    next: str | None = None

    @classmethod
    def build(
        cls,
        entries: Iterable[ActivityEntry],
        /,
        *,
        next: str | None = None,  # noqa: A002 -- the name of the page's own field
        labels: CardLabels | None = None,
    ) -> ActivityLog:
        """Return the log of ``entries`` (newest first) in ``labels``' words.

        >>> import datetime as dt
        >>> from contactbook import ContactKind, ContactSet, add
        >>> from contactbook.audit import ActivityEntry, diff
        >>> after = add(ContactSet(), ContactKind.MOBILE, "+31612345678")
        >>> at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        >>> entry = ActivityEntry("e1", "c1", "ann", at, 1, diff(ContactSet(), after))
        >>> for line in ActivityLog.build([entry]).items[0].lines:
        ...     print(line)
        Added mobile number +31 6 12345678
        Primary mobile number is now +31 6 12345678 (was none)
        """
        labels = CardLabels() if labels is None else labels
        items = tuple(
            ActivityItem(
                entry.id,
                entry.at,
                entry.actor,
                entry.version,
                tuple(describe_change(change, labels) for change in entry.changes),
            )
            for entry in entries
        )
        return cls(labels.activity, items, None if items else labels.activity_empty, next)


def describe_change(change: Event, labels: CardLabels | None = None, /) -> str:
    """Return the line a person reads for ``change``, numbers as the card shows them."""
    labels = CardLabels() if labels is None else labels
    if isinstance(change, (PointAdded, PointRemoved)):
        point = change.point
        added = isinstance(change, PointAdded)
        if point.description:
            template = labels.added_described if added else labels.removed_described
        else:
            template = labels.added if added else labels.removed
        return template.format(
            kind=labels.noun(point.kind),
            value=display_value(point),
            description=point.description or "",
        )
    if isinstance(change, ValueChanged):
        before, after = change.before, change.after
        template = labels.value_changed if before.kind is after.kind else labels.kind_changed
        return template.format(
            kind=labels.noun(after.kind),
            before_kind=labels.noun(before.kind),
            before=display_value(before),
            after=display_value(after),
        )
    if isinstance(change, DescriptionChanged):
        return labels.description_changed.format(
            kind=labels.noun(change.after.kind),
            value=display_value(change.after),
            before=_described(change.before, labels),
            after=_described(change.after, labels),
        )
    return labels.primary_changed.format(
        kind=labels.noun(change.kind),
        after=_point_text(change.after, labels),
        before=_point_text(change.before, labels),
    )


def _described(point: ContactPoint, labels: CardLabels) -> str:
    if point.description is None:
        return labels.no_description_given
    return labels.quoted.format(description=point.description)


def _point_text(point: ContactPoint | None, labels: CardLabels) -> str:
    return labels.none if point is None else display_value(point)
