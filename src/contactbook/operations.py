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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, Literal, Protocol

import attrs

from contactbook.audit import DescriptionChanged, Event, PointAdded, PrimaryChanged, diff
from contactbook.errors import (
    BatchValidationError,
    ContactError,
    ContactNotFoundError,
    ContactValidationError,
    Problem,
)
from contactbook.messages import Message
from contactbook.model import (
    KINDS,
    LIMIT_MESSAGE,
    MAX_POINTS,
    PHONE_KINDS,
    ContactKind,
    ContactPoint,
    ContactSet,
    match_key,
)
from contactbook.validation import (
    format_phone,
    normalize_country,
    normalize_description,
    validate_value,
)

__all__ = [
    "UNCHANGED",
    "AddPoint",
    "ClearPrimary",
    "Command",
    "EditPoint",
    "Finding",
    "Intake",
    "Outcome",
    "RemovePoint",
    "RereadPoint",
    "SetPrimary",
    "add",
    "apply",
    "edit",
    "merge",
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
    """Read a point's input again as it was first read: in the country it was entered in.

    For re-validation after a validator upgrade (:func:`revalidate`): the point keeps
    its id, place, input and country; only its value follows today's rules. The
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


#: What a caller asks of a set; what happened is an ``audit.Event``.
Command = AddPoint | EditPoint | RereadPoint | RemovePoint | SetPrimary | ClearPrimary


@attrs.frozen
class Outcome:
    """What a batch did: the new set, its changes against the old one, and warnings."""

    contacts: ContactSet
    changes: tuple[Event, ...]
    warnings: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- single operations


def add(
    contacts: ContactSet,
    kind: ContactKind,
    value: str,
    description: str | None = None,
    *,
    country: str | None = None,
) -> ContactSet:
    """Return ``contacts`` with a new point of ``kind`` added at the end.

    ``country`` is the billing country, used for phone numbers without a country code.

    >>> from contactbook import ContactSet, ContactKind
    >>> add(ContactSet(), ContactKind.MOBILE, "06 12345678", country="NL").points[0].value
    '+31612345678'
    """
    return _single(contacts, AddPoint(kind, value, description), normalize_country(country))


def edit(
    contacts: ContactSet,
    point_id: int,
    *,
    value: str | Unchanged = UNCHANGED,
    description: str | Unchanged | None = UNCHANGED,
    country: str | None = None,
) -> ContactSet:
    """Return ``contacts`` with one point's value and/or description changed.

    A keyword left out is unchanged; ``description=None`` clears the description. The
    point keeps its id and its place, so a primary stays primary.
    """
    change = EditPoint(point_id, value, description)
    return _single(contacts, change, normalize_country(country))


def remove(contacts: ContactSet, point_id: int) -> ContactSet:
    """Return ``contacts`` without the point ``point_id``; the next of its kind moves up."""
    return _single(contacts, RemovePoint(point_id), None)


# --------------------------------------------------------------------------- batches


def apply(
    contacts: ContactSet, changes: Iterable[Command], /, *, country: str | None = None
) -> Outcome:
    """Validate and apply a batch of changes as a whole.

    Changes apply in order, each to the result of the ones before (so a batch may
    remove a value and add it again). If any change is refused, nothing is applied and
    :class:`~contactbook.errors.BatchValidationError` lists every problem of every
    change, each with the ``index`` of its change. A batch that changes nothing returns
    an outcome with no changes.
    """
    billing_country = normalize_country(country)
    working = _Draft.of(contacts)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    valued: dict[int, int] = {}  # point id -> the change that last gave it its value
    for index, change in enumerate(changes):
        try:
            after, warning = _step(working, change, billing_country)
        except ContactValidationError as error:
            problems.extend(problem.at(index) for problem in error.errors)
            continue
        except ContactError as error:
            problems.append(Problem(error.code, error.field, error.message, index))
            continue
        valued.update(dict.fromkeys(_revalued(working, after), index))
        working = after
        if warning is not None:
            warnings.append(warning.at(index))
    # A batch is judged by its result (SPEC "Editing"): swapping two values in one
    # save holds no duplicate, though one of its steps alone would.
    problems.extend(
        problem.at(valued[point_id]) for point_id, problem in _duplicates(working, valued)
    )
    if problems:
        problems.sort(key=lambda problem: problem.index or 0)
        raise BatchValidationError.from_problems(problems)
    result = working.contacts()
    return Outcome(result, diff(contacts, result), tuple(warnings))


def _single(contacts: ContactSet, change: Command, country: str | None) -> ContactSet:
    """Apply one change on its own: :func:`_step`, then the duplicate rule on the result."""
    before = _Draft.of(contacts)
    after, _ = _step(before, change, country)
    valued = dict.fromkeys(_revalued(before, after), 0)
    problems = [problem for _, problem in _duplicates(after, valued)]
    if problems:
        raise ContactValidationError.from_problems(problems)
    return after.contacts()


@attrs.frozen
class _Draft:
    """A set being edited by a batch: its points may repeat a value until the end.

    :class:`~contactbook.model.ContactSet` refuses a repeated value when built; a batch
    is judged by its result, so its steps work on drafts and only the result becomes a
    set again (after :func:`_duplicates`).
    """

    points: tuple[ContactPoint, ...]
    next_id: int

    @classmethod
    def of(cls, contacts: ContactSet) -> _Draft:
        return cls(contacts.points, contacts.next_id)

    def contacts(self) -> ContactSet:
        return ContactSet(self.points, self.next_id)

    def __len__(self) -> int:
        return len(self.points)

    def primary(self, kind: ContactKind) -> ContactPoint | None:
        return next((point for point in self.points if point.kind is kind), None)

    def get(self, point_id: int) -> ContactPoint:
        for point in self.points:
            if point.id == point_id:
                return point
        raise ContactNotFoundError(point_id)


def _revalued(before: _Draft, after: _Draft) -> list[int]:
    """Return the ids of the points of ``after`` that are new or hold another value."""
    old = {point.id: point for point in before.points}
    return [
        point.id
        for point in after.points
        if (was := old.get(point.id)) is None or (was.kind, was.value) != (point.kind, point.value)
    ]


def _duplicates(contacts: _Draft, valued: Mapping[int, int]) -> list[tuple[int, Problem]]:
    """Return each point of the result that repeats a value, with its problem.

    Of the points holding one value, those this batch gave it (``valued``) are
    refused; when the batch gave it to all of them, the first keeps it (as if the
    others had been added after it).
    """
    holders: dict[tuple[ContactKind, str], list[ContactPoint]] = {}
    for point in contacts.points:
        holders.setdefault((point.kind, point.match_key), []).append(point)
    found: list[tuple[int, Problem]] = []
    for same in holders.values():
        if len(same) < 2:
            continue
        refused = [point for point in same if point.id in valued]
        if len(refused) == len(same):
            refused = refused[1:]
        found.extend((p.id, _duplicate_problem(p.kind, p.value)) for p in refused)
    return found


def _step(  # noqa: PLR0911 -- one return per kind of change reads best
    contacts: _Draft, change: Command, country: str | None
) -> tuple[_Draft, Problem | None]:
    """Apply one change; raise the change's problems as one ContactValidationError."""
    if isinstance(change, SetPrimary):
        primary = contacts.primary(change.kind)
        if primary is None:
            description = None if change.description is UNCHANGED else change.description
            return _step(contacts, AddPoint(change.kind, change.value, description), country)
        return _step(contacts, EditPoint(primary.id, change.value, change.description), country)
    if isinstance(change, ClearPrimary):
        primary = contacts.primary(change.kind)
        if primary is None:
            return contacts, None
        return _step(contacts, RemovePoint(primary.id), country)
    if isinstance(change, RemovePoint):
        gone = contacts.get(change.point_id)
        return attrs.evolve(
            contacts, points=tuple(p for p in contacts.points if p is not gone)
        ), None
    if isinstance(change, AddPoint):
        return _added(contacts, change, country)
    if isinstance(change, RereadPoint):
        point = contacts.get(change.point_id)
        # An edit to the same input, in the point's own country: entered and country stay.
        return _edited(contacts, EditPoint(point.id, point.entered), point.country)
    return _edited(contacts, change, country)


def _added(
    contacts: _Draft, change: AddPoint, country: str | None
) -> tuple[_Draft, Problem | None]:
    # Duplicates are judged on the batch's result (_duplicates), not step by step.
    point, _, warning = _new_point(change, country, len(contacts), contacts.next_id, _untaken)
    return _Draft((*contacts.points, point), contacts.next_id + 1), warning


def _untaken(key: tuple[ContactKind, str]) -> int | None:
    del key
    return None


class _Addition(Protocol):
    """What :func:`_new_point` reads of an addition (an AddPoint, or a reader's row item)."""

    @property
    def kind(self) -> ContactKind: ...
    @property
    def value(self) -> str: ...
    @property
    def description(self) -> str | None: ...


def _new_point(
    change: _Addition,
    country: str | None,
    size: int,
    next_id: int,
    taken: Callable[[tuple[ContactKind, str]], int | None],
) -> tuple[ContactPoint, tuple[ContactKind, str], Problem | None]:
    """Check a point added to a set of ``size`` points, then build it (the add rule).

    ``taken((kind, key))`` is the id of the set's point with that match key, or
    ``None``. Returns the point, its match key and its warning; raises the change's
    problems as one ContactValidationError.
    """
    problems: list[Problem] = []
    kind, entered = change.kind, change.value
    value, warning = _value(kind, entered, country, problems)
    description = None if change.description is None else _description(change.description, problems)
    if size >= MAX_POINTS:
        problems.append(_limit_problem(kind))
    if value is None:  # refused: its problems, and the description's and the limit's
        raise ContactValidationError.from_problems(problems)
    key = (kind, match_key(kind, value))
    if taken(key) is not None:
        problems.append(_duplicate_problem(kind, value))
    if problems:
        raise ContactValidationError.from_problems(problems)
    # Positional: this runs for every value of a file (id, kind, value, description,
    # entered, country).
    point = ContactPoint(next_id, kind, value, description, entered, _country_of(kind, country))
    return point, key, warning


def _limit_problem(kind: ContactKind) -> Problem:
    return Problem("contact.limit", kind.value, LIMIT_MESSAGE)


def _duplicate_problem(kind: ContactKind, value: str) -> Problem:
    # The value as the card shows it; never an internal id (SPEC "Words a person reads").
    shown = format_phone(value) if kind in PHONE_KINDS else value
    return Problem(
        "contact.duplicate",
        kind.value,
        Message(KINDS[kind].duplicate, value=shown),
    )


def _edited(
    contacts: _Draft, change: EditPoint, country: str | None
) -> tuple[_Draft, Problem | None]:
    point = contacts.get(change.point_id)
    problems: list[Problem] = []
    updated, warning = point, None
    kind = point.kind if change.kind is UNCHANGED else change.kind
    if change.value is not UNCHANGED or kind is not point.kind:
        # A point moved to another kind is read again as that kind, from what was typed.
        raw = point.entered if change.value is UNCHANGED else change.value
        if change.value is UNCHANGED and kind in PHONE_KINDS:
            country = point.country
        value, warning = _value(kind, raw, country, problems)
        if value is not None and (value != point.value or kind is not point.kind):
            updated = attrs.evolve(
                updated,
                kind=kind,
                value=value,
                entered=raw,
                country=_country_of(kind, country),
            )
    if change.description is not UNCHANGED:
        updated = attrs.evolve(updated, description=_description(change.description, problems))
    if problems:
        raise ContactValidationError.from_problems(problems)
    if updated == point:
        return contacts, None
    points = tuple(updated if p is point else p for p in contacts.points)
    return attrs.evolve(contacts, points=points), warning


def _value(
    kind: ContactKind, raw: str, country: str | None, problems: list[Problem]
) -> tuple[str | None, Problem | None]:
    try:
        accepted = validate_value(kind, raw, country)
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


def _country_of(kind: ContactKind, country: str | None) -> str | None:
    """Keep the billing country on phone points only: it is what read their number."""
    return country if kind in PHONE_KINDS else None


# --------------------------------------------------------------------------- bulk


class Intake:
    """A new contact set read in bulk, a batch of additions at a time (an export's rows).

    :meth:`add` checks a batch exactly as :func:`apply` would add it to the set read so
    far (the same rule: value, description, the 100-point limit, duplicates, ids), and
    raises the same :class:`~contactbook.errors.BatchValidationError`; but it keeps the
    points in a list and their match keys in a dict instead of building a
    :class:`~contactbook.model.ContactSet` per step, so that checking a file costs about
    what its values cost. :attr:`points` are the accepted points, in order.
    """

    def __init__(self) -> None:
        self.points: list[ContactPoint] = []
        self._taken: dict[tuple[ContactKind, str], int] = {}

    def add(
        self,
        additions: Sequence[_Addition],
        /,
        *,
        country: str | None = None,
        keep: bool = True,
    ) -> tuple[tuple[ContactPoint, ...], tuple[Problem, ...]]:
        """Check and keep a batch of additions as a whole: return its points and warnings.

        ``additions`` are :class:`AddPoint` objects (or anything with their ``kind``,
        ``value`` and ``description``). ``country`` is the billing country, already
        normalized (a bulk reader reads it once per row). On any problem nothing of the
        batch is kept; with ``keep`` false the batch is only checked, as if added (a row
        skipped for another reason).
        """
        taken = self._taken
        size = len(self.points)
        added: list[ContactPoint] = []
        keys: list[tuple[ContactKind, str]] = []
        problems: list[Problem] = []
        warnings: list[Problem] = []
        for index, change in enumerate(additions):
            try:
                point, key, warning = _new_point(change, country, size, size + 1, taken.get)
            except ContactValidationError as error:
                problems.extend(problem.at(index) for problem in error.errors)
                continue
            added.append(point)
            keys.append(key)
            taken[key] = point.id
            size += 1
            if warning is not None:
                warnings.append(warning.at(index))
        if problems or not keep:
            for key in keys:
                del taken[key]
            if problems:
                raise BatchValidationError.from_problems(problems)
        else:
            self.points.extend(added)
        return tuple(added), tuple(warnings)

    def add_each(
        self,
        additions: Sequence[_Addition],
        /,
        *,
        country: str | None = None,
        keep: bool = True,
    ) -> list[tuple[ContactPoint | None, tuple[Problem, ...]]]:
        """Check each addition on its own and keep those that pass: a problem refuses one.

        Each is checked as :meth:`add` checks a batch of one, on the points so far (the
        ones this call accepted before it included). Returns, per addition, its point
        and warnings, or ``None`` and its problems. With ``keep`` false each is only
        checked, as if added. Problems and warnings point at their addition's place
        (``index``). One call for a row's values, so that a bulk reader that refuses
        values one by one pays for a call per row, not per value.
        """
        taken = self._taken
        lookup = taken.get
        points = self.points
        size = len(points)
        outcomes: list[tuple[ContactPoint | None, tuple[Problem, ...]]] = []
        keys: list[tuple[ContactKind, str]] = []  # what to forget again, without keep
        for index, change in enumerate(additions):
            try:
                point, key, warning = _new_point(change, country, size, size + 1, lookup)
            except ContactValidationError as error:
                outcomes.append((None, tuple(problem.at(index) for problem in error.errors)))
                continue
            taken[key] = point.id
            size += 1
            if keep:
                points.append(point)
            else:
                keys.append(key)
            outcomes.append((point, () if warning is None else (warning.at(index),)))
        for key in keys:
            del taken[key]
        return outcomes


def merge(
    contacts: ContactSet, incoming: Iterable[ContactPoint], /, *, describes: bool = True
) -> Outcome:
    """Merge already-checked points into a stored set: add what is missing, never remove.

    The import rule, shared by CSV and vCard import. A point whose value the set does
    not hold yet (same kind, same match key) is added at the end with a new id, keeping
    its input and country; when ``describes`` is true, a held point whose description
    differs takes the incoming one (``None`` clears it). Nothing is removed or
    reordered, so stored primaries stay primary and merging the same points twice
    changes nothing the second time. ``incoming`` are points checked by the rules
    already (from :class:`Intake`, :func:`apply` or a vCard import): their values are
    not checked again; their ids are not used (a point whose id is the one it gets is
    kept as it is). A result over the 100-point limit raises
    :class:`~contactbook.errors.BatchValidationError` (``contact.limit``), changing
    nothing.

    >>> from contactbook import ContactSet, ContactKind, add
    >>> stored = add(ContactSet(), ContactKind.EMAIL, "ann@example.com")
    >>> new = add(add(ContactSet(), ContactKind.EMAIL, "ANN@example.com", "Billing"),
    ...           ContactKind.WEBSITE, "example.com")
    >>> merged = merge(stored, new.points)
    >>> [(p.id, p.value, p.description) for p in merged.contacts]
    [(1, 'ann@example.com', 'Billing'), (2, 'https://example.com', None)]
    """
    held = {(p.kind, p.match_key): index for index, p in enumerate(contacts.points)}
    points = list(contacts.points)
    next_id = contacts.next_id
    seen: set[tuple[ContactKind, str]] = set()
    # The events as they happen, in diff()'s order (its result, without comparing the
    # sets afterwards): described held points in the set's order, then the additions,
    # then each kind the set had no point of and now has (its first addition).
    described: dict[int, DescriptionChanged] = {}
    added: list[PointAdded] = []
    for point in incoming:
        key = (point.kind, point.match_key)
        if key in seen:
            continue
        seen.add(key)
        where = held.get(key)
        if where is None:
            if len(points) >= MAX_POINTS:
                problem = _limit_problem(point.kind).at(len(seen) - 1)
                raise BatchValidationError.from_problems([problem])
            new = (
                point  # already numbered as it is added (a new customer's import): as it is
                if point.id == next_id
                else ContactPoint(
                    next_id,
                    point.kind,
                    point.value,
                    point.description,
                    point.entered,
                    point.country,
                )
            )
            points.append(new)
            added.append(PointAdded(new))
            next_id += 1
        elif describes and points[where].description != point.description:
            before = points[where]
            points[where] = attrs.evolve(before, description=point.description)
            described[where] = DescriptionChanged(before, points[where])
    if not added and not described:
        return Outcome(contacts, ())
    changes: list[Event] = [described[where] for where in sorted(described)]
    changes.extend(added)
    if added:
        held_kinds = {p.kind for p in contacts.points}
        first: dict[ContactKind, ContactPoint] = {}
        for event in added:
            if event.point.kind not in held_kinds:
                first.setdefault(event.point.kind, event.point)
        changes.extend(
            PrimaryChanged(kind, None, first[kind]) for kind in _KIND_ORDER if kind in first
        )
    return Outcome(ContactSet(points, next_id), tuple(changes))


_KIND_ORDER = tuple(ContactKind)


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
    contacts: ContactSet, /, *, country: str | Unchanged | None = UNCHANGED
) -> tuple[Finding, ...]:
    """Re-check every point's input against the current rules and metadata.

    Each point is read again from ``entered`` in the country it was entered in (or in
    ``country``, when given, for a changed billing country). Returns the points whose
    value would now differ or be refused; changes nothing. Run it after upgrading
    phonenumbers.
    """
    findings: list[Finding] = []
    for point in contacts.points:
        billing_country = point.country if country is UNCHANGED else country
        try:
            value = validate_value(point.kind, point.entered, billing_country).value
        except ContactValidationError as error:
            findings.append(Finding(point, None, error.errors[0]))
            continue
        if value != point.value:
            findings.append(Finding(point, value))
    return tuple(findings)
