"""Pure operations on contact sets: add, edit, remove, and batches of changes.

Every function returns a new set and leaves its input untouched; the same inputs give
equal outputs, ids included (a new point takes the set's ``next_id``). A refused
operation raises and changes nothing.

A batch (:func:`apply`) is the edit window's "Save": its changes are applied in order
to a working copy, every problem of every change is collected, and the batch succeeds
or fails as a whole.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final, Literal

import attrs

from contactbook.audit import PointChange, diff
from contactbook.errors import (
    BatchValidationError,
    ContactError,
    ContactValidationError,
    Problem,
)
from contactbook.model import (
    LIMIT_MESSAGE,
    MAX_POINTS,
    ContactKind,
    ContactPoint,
    ContactSet,
    match_key,
)
from contactbook.validation import check, normalize_description, normalize_region

__all__ = [
    "UNCHANGED",
    "AddPoint",
    "Change",
    "ClearPrimary",
    "EditPoint",
    "Finding",
    "Outcome",
    "RemovePoint",
    "RereadPoint",
    "SetPrimary",
    "add",
    "apply",
    "edit",
    "remove",
    "revalidate",
]


class _Unchanged(enum.Enum):
    UNCHANGED = "UNCHANGED"

    def __repr__(self) -> str:
        return "UNCHANGED"


#: Leave a field as it is (the default of every optional field of an edit).
UNCHANGED: Final = _Unchanged.UNCHANGED
Unchanged = Literal[_Unchanged.UNCHANGED]


@attrs.frozen
class AddPoint:
    """Add a point of ``kind``; it becomes primary if it is the first of its kind."""

    kind: ContactKind
    value: str
    description: str | None = None


@attrs.frozen
class EditPoint:
    """Change a point's value, description and/or kind; it keeps its id and place.

    A new ``kind`` moves the point to another kind (a landline typed into Mobile, say):
    its value is checked again as that kind, and the primaries follow the usual rule,
    the first point of each kind.
    """

    point_id: int
    value: str | Unchanged = UNCHANGED
    description: str | Unchanged | None = UNCHANGED
    kind: ContactKind | Unchanged = UNCHANGED


@attrs.frozen
class RereadPoint:
    """Read a point's input again as it was first read: in the region it was entered in.

    For re-validation after a validator upgrade (:func:`revalidate`): the point keeps
    its id, place, input and region; only its value follows today's rules. The
    customer's billing country now plays no part.
    """

    point_id: int


@attrs.frozen
class RemovePoint:
    """Remove a point; if it was primary, the next point of its kind becomes primary."""

    point_id: int


@attrs.frozen
class SetPrimary:
    """Set a primary field of the form: edit the kind's primary, or add one if none."""

    kind: ContactKind
    value: str
    description: str | Unchanged | None = UNCHANGED


@attrs.frozen
class ClearPrimary:
    """Clear a primary field of the form: remove the kind's primary, if there is one."""

    kind: ContactKind


Change = AddPoint | EditPoint | RereadPoint | RemovePoint | SetPrimary | ClearPrimary


@attrs.frozen
class Outcome:
    """What a batch did: the new set, its changes against the old one, and warnings."""

    contacts: ContactSet
    changes: tuple[PointChange, ...]
    warnings: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- single operations


def add(
    contacts: ContactSet,
    kind: ContactKind,
    value: str,
    description: str | None = None,
    *,
    region: str | None = None,
) -> ContactSet:
    """Return ``contacts`` with a new point of ``kind`` added at the end.

    ``region`` is the billing country, used for phone numbers without a country code.

    >>> from contactbook import ContactSet, ContactKind
    >>> add(ContactSet(), ContactKind.MOBILE, "06 12345678", region="NL").points[0].value
    '+31612345678'
    """
    return _step(contacts, AddPoint(kind, value, description), normalize_region(region))[0]


def edit(
    contacts: ContactSet,
    point_id: int,
    *,
    value: str | Unchanged = UNCHANGED,
    description: str | Unchanged | None = UNCHANGED,
    region: str | None = None,
) -> ContactSet:
    """Return ``contacts`` with one point's value and/or description changed.

    A keyword left out is unchanged; ``description=None`` clears the description. The
    point keeps its id and its place, so a primary stays primary.
    """
    change = EditPoint(point_id, value, description)
    return _step(contacts, change, normalize_region(region))[0]


def remove(contacts: ContactSet, point_id: int) -> ContactSet:
    """Return ``contacts`` without the point ``point_id``; the next of its kind moves up."""
    return _step(contacts, RemovePoint(point_id), None)[0]


# --------------------------------------------------------------------------- batches


def apply(
    contacts: ContactSet, changes: Iterable[Change], /, *, region: str | None = None
) -> Outcome:
    """Validate and apply a batch of changes as a whole.

    Changes apply in order, each to the result of the ones before (so a batch may
    remove a value and add it again). If any change is refused, nothing is applied and
    :class:`~contactbook.errors.BatchValidationError` lists every problem of every
    change, each with the ``index`` of its change. A batch that changes nothing returns
    an outcome with no changes.
    """
    billing_country = normalize_region(region)
    working = contacts
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for index, change in enumerate(changes):
        try:
            working, warning = _step(working, change, billing_country)
        except ContactValidationError as error:
            problems.extend(problem.at(index) for problem in error.errors)
        except ContactError as error:
            problems.append(Problem(error.code, error.field, error.message, index))
        else:
            if warning is not None:
                warnings.append(warning.at(index))
    if problems:
        raise BatchValidationError.from_problems(problems)
    return Outcome(working, diff(contacts, working), tuple(warnings))


def _step(  # noqa: PLR0911 -- one return per kind of change reads best
    contacts: ContactSet, change: Change, region: str | None
) -> tuple[ContactSet, Problem | None]:
    """Apply one change; raise the change's problems as one ContactValidationError."""
    if isinstance(change, SetPrimary):
        primary = contacts.primary(change.kind)
        if primary is None:
            description = None if change.description is UNCHANGED else change.description
            return _step(contacts, AddPoint(change.kind, change.value, description), region)
        return _step(contacts, EditPoint(primary.id, change.value, change.description), region)
    if isinstance(change, ClearPrimary):
        primary = contacts.primary(change.kind)
        if primary is None:
            return contacts, None
        return _step(contacts, RemovePoint(primary.id), region)
    if isinstance(change, RemovePoint):
        gone = contacts.get(change.point_id)
        return attrs.evolve(contacts, points=[p for p in contacts.points if p is not gone]), None
    if isinstance(change, AddPoint):
        return _added(contacts, change, region)
    if isinstance(change, RereadPoint):
        point = contacts.get(change.point_id)
        # An edit to the same input, in the point's own region: entered and region stay.
        return _edited(contacts, EditPoint(point.id, point.entered), point.region)
    return _edited(contacts, change, region)


def _added(
    contacts: ContactSet, change: AddPoint, region: str | None
) -> tuple[ContactSet, Problem | None]:
    problems: list[Problem] = []
    value, warning = _value(change.kind, change.value, region, problems)
    description = _description(change.description, problems)
    if len(contacts) >= MAX_POINTS:
        problems.append(Problem("contact.limit", change.kind.value, LIMIT_MESSAGE))
    if value is not None:
        _check_unique(contacts, change.kind, value, None, problems)
    if problems:
        raise ContactValidationError.from_problems(problems)
    assert value is not None  # noqa: S101 -- no problems means the value was accepted
    point = ContactPoint(
        id=contacts.next_id,
        kind=change.kind,
        value=value,
        description=description,
        entered=change.value,
        region=_region_of(change.kind, region),
    )
    return ContactSet((*contacts.points, point), contacts.next_id + 1), warning


def _edited(
    contacts: ContactSet, change: EditPoint, region: str | None
) -> tuple[ContactSet, Problem | None]:
    point = contacts.get(change.point_id)
    problems: list[Problem] = []
    updated, warning = point, None
    kind = point.kind if change.kind is UNCHANGED else change.kind
    if change.value is not UNCHANGED or kind is not point.kind:
        # A point moved to another kind is read again as that kind, from what was typed.
        raw = point.entered if change.value is UNCHANGED else change.value
        if change.value is UNCHANGED and kind in (ContactKind.PHONE, ContactKind.MOBILE):
            region = point.region
        value, warning = _value(kind, raw, region, problems)
        if value is not None and (value != point.value or kind is not point.kind):
            _check_unique(contacts, kind, value, point.id, problems)
            updated = attrs.evolve(
                updated,
                kind=kind,
                value=value,
                entered=raw,
                region=_region_of(kind, region),
            )
    if change.description is not UNCHANGED:
        updated = attrs.evolve(updated, description=_description(change.description, problems))
    if problems:
        raise ContactValidationError.from_problems(problems)
    if updated == point:
        return contacts, None
    points = [updated if p is point else p for p in contacts.points]
    return attrs.evolve(contacts, points=points), warning


def _value(
    kind: ContactKind, raw: str, region: str | None, problems: list[Problem]
) -> tuple[str | None, Problem | None]:
    try:
        accepted = check(kind, raw, region)
    except ContactValidationError as error:
        problems.extend(error.errors)
        return None, None
    return accepted.value, accepted.warning


def _description(raw: str | None, problems: list[Problem]) -> str | None:
    try:
        return normalize_description(raw)
    except ContactValidationError as error:
        problems.extend(error.errors)
        return None


def _check_unique(
    contacts: ContactSet,
    kind: ContactKind,
    value: str,
    own_id: int | None,
    problems: list[Problem],
) -> None:
    key = match_key(kind, value)
    for other in contacts.points:
        if other.kind is kind and other.id != own_id and other.match_key == key:
            problems.append(
                Problem(
                    "contact.duplicate",
                    kind.value,
                    f"{value} is already one of this customer's {kind.value} contacts "
                    f"(id {other.id}); each value can be added once.",
                )
            )
            return


def _region_of(kind: ContactKind, region: str | None) -> str | None:
    """Keep the billing country on phone points only: it is what read their number."""
    return region if kind in (ContactKind.PHONE, ContactKind.MOBILE) else None


# --------------------------------------------------------------------------- re-validation


@attrs.frozen
class Finding:
    """A stored point that the current rules read differently.

    ``value`` is what its input gives now (``None`` if refused, then ``problem`` says
    why). A point that would be stored the same gives no finding.
    """

    point: ContactPoint
    value: str | None
    problem: Problem | None = None


def revalidate(
    contacts: ContactSet, /, *, region: str | Unchanged | None = UNCHANGED
) -> tuple[Finding, ...]:
    """Re-check every point's input against the current rules and metadata.

    Each point is read again from ``entered`` in the region it was entered in (or in
    ``region``, when given, for a changed billing country). Returns the points whose
    value would now differ or be refused; changes nothing. Run it after upgrading
    phonenumbers.
    """
    findings: list[Finding] = []
    for point in contacts.points:
        billing_country = point.region if region is UNCHANGED else region
        try:
            value = check(point.kind, point.entered, billing_country).value
        except ContactValidationError as error:
            findings.append(Finding(point, None, error.errors[0]))
            continue
        if value != point.value:
            findings.append(Finding(point, value))
    return tuple(findings)
