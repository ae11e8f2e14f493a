"""A rule-based state machine of the primary rules, to drive a host's storage or API.

Subclass :class:`PrimaryRulesMachine`, tell it how to apply a batch to your system and
how to read the current set back, and run its ``TestCase``::

    class OurContactsMachine(PrimaryRulesMachine):
        country = "NL"                        # the billing country batches are read in

        def __init__(self):
            super().__init__()
            self.api = make_test_client()    # a fresh system for every run
            self.customer = new_customer()

        def apply_batch(self, changes):
            self.api.update_contacts(self.customer, changes, country=self.country)

        def current_set(self):
            return self.api.contacts_of(self.customer)

    TestOurContacts = OurContactsMachine.TestCase

Hypothesis then runs random sequences of valid batches (adding, editing, removing,
setting and clearing primary fields) and refused ones, and after every step compares
what ``current_set()`` returns with a model that implements the primary rules on its
own, step by step, as ``SPEC`` states them:

- the points are exactly the model's, in the order they were added, with their ids,
  values, entered text, countries and descriptions; ``next_id`` matches;
- each kind that has points has exactly one primary: the first one added that is
  still there. Removing the primary promotes the next of its kind; editing never
  moves it; nothing else chooses it;
- ids are never reused, and the set never holds more than 100 points;
- a refused batch (an invalid value, an unknown id, a duplicate) raises
  :class:`~contactbook.errors.ContactValidationError` with the expected code, for
  the change that caused it, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from contactbook.errors import ContactValidationError
from contactbook.model import (
    MAX_POINTS,
    PHONE_KINDS,
    ContactKind,
    ContactPoint,
    ContactSet,
    match_key,
)
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    ClearPrimary,
    Command,
    EditPoint,
    RemovePoint,
    SetPrimary,
)
from contactbook.testing.strategies import batches, contact_kinds, invalid_values, valid_values
from contactbook.validation import normalize, normalize_country, normalize_description

__all__ = ["PrimaryRulesMachine"]


@attrs.define
class _Model:
    """The primary rules written out plainly, with the primaries tracked explicitly.

    The library derives primaries (the first point of a kind); the model instead
    records which point is primary and moves that record only where SPEC says it
    moves, so that the two formulations check each other.
    """

    country: str | None
    points: list[ContactPoint] = attrs.Factory(list)
    next_id: int = 1
    primary: dict[ContactKind, int] = attrs.Factory(dict)
    retired: set[int] = attrs.Factory(set)

    def as_set(self) -> ContactSet:
        return ContactSet(self.points, self.next_id)

    def find(self, point_id: int) -> ContactPoint:
        (point,) = [point for point in self.points if point.id == point_id]
        return point

    def apply_batch(self, batch: Sequence[Command]) -> None:
        before = attrs.evolve(
            self, points=list(self.points), primary=dict(self.primary), retired=set(self.retired)
        )
        for change in batch:
            self.apply(change)
        if self.points == before.points:
            # A batch that changes nothing saves nothing (SPEC, Editing): the ids it used
            # along the way (an add undone by a remove) were never seen, and stay free.
            self.next_id, self.retired = before.next_id, before.retired

    def apply(self, change: Command) -> None:
        if isinstance(change, SetPrimary):
            current = self.primary.get(change.kind)
            if current is None:
                description = None if change.description is UNCHANGED else change.description
                self.apply(AddPoint(change.kind, change.value, description))
            else:
                self.apply(EditPoint(current, change.value, change.description))
        elif isinstance(change, ClearPrimary):
            current = self.primary.get(change.kind)
            if current is not None:
                self.apply(RemovePoint(current))
        elif isinstance(change, AddPoint):
            self._add(change)
        elif isinstance(change, EditPoint):
            self._edit(change)
        else:
            self._remove(change.point_id)

    def _add(self, change: AddPoint) -> None:
        point = ContactPoint(
            id=self.next_id,
            kind=change.kind,
            value=normalize(change.kind, change.value, self.country),
            description=normalize_description(change.description),
            entered=change.value,
            country=self.country if change.kind in PHONE_KINDS else None,
        )
        self.points.append(point)
        self.next_id += 1
        # The first point of a kind becomes its primary; later ones never do on their own.
        self.primary.setdefault(point.kind, point.id)

    def _edit(self, change: EditPoint) -> None:
        point = self.find(change.point_id)
        edited = point
        if change.value is not UNCHANGED:
            value = normalize(point.kind, change.value, self.country)
            if value != point.value:  # an equivalent input keeps what was entered first
                country = self.country if point.kind in PHONE_KINDS else None
                edited = attrs.evolve(edited, value=value, entered=change.value, country=country)
        if change.description is not UNCHANGED:
            edited = attrs.evolve(edited, description=normalize_description(change.description))
        # Editing keeps the point's place, so a primary stays primary.
        self.points[self.points.index(point)] = edited

    def _remove(self, point_id: int) -> None:
        point = self.find(point_id)
        place = self.points.index(point)
        del self.points[place]
        self.retired.add(point_id)
        if self.primary.get(point.kind) == point_id:
            # Promote the next point of the kind (in the order they were added), if any.
            following = [p for p in self.points[place:] if p.kind is point.kind]
            if following:
                self.primary[point.kind] = following[0].id
            else:
                del self.primary[point.kind]


class PrimaryRulesMachine(RuleBasedStateMachine):
    """The primary rules as a state machine; subclass it and plug in your system.

    Override :meth:`apply_batch` and :meth:`current_set`, and ``__init__`` (calling
    ``super().__init__()``) to start every run with a customer who has no contact
    details. Set ``country`` to the billing country your batches are read in. Then
    ``TestYours = YourMachine.TestCase`` runs it under pytest or unittest; tune it with
    ``TestYours.settings = hypothesis.settings(max_examples=..., stateful_step_count=...)``.
    """

    #: The customer's billing country, used for phone numbers without a country code.
    country: ClassVar[str | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.model = _Model(country=normalize_country(self.country))

    # ----------------------------------------------------------------- the host's part

    def apply_batch(self, changes: Sequence[Command], /) -> None:
        """Apply ``changes`` as one batch through your system (override this).

        Apply them with ``country=self.country``. A refused batch must raise
        :class:`~contactbook.errors.ContactValidationError` (the service raises its
        subclass :class:`~contactbook.errors.BatchValidationError`) with every
        problem in ``errors``; translate your API's error back if it has its own.
        """
        msg = "Override apply_batch(changes) to apply a batch through your system."
        raise NotImplementedError(msg)

    def current_set(self) -> ContactSet:
        """Return the customer's contact set as your system now holds it (override this)."""
        msg = "Override current_set() to read the customer's set back from your system."
        raise NotImplementedError(msg)

    # ----------------------------------------------------------------- rules

    @rule(data=st.data())
    def save_a_batch(self, data: st.DataObject) -> None:
        """Apply a valid batch of one to five changes of any kind."""
        batch = data.draw(
            batches(self.model.as_set(), country=self.country, min_size=1, max_size=5),
            label="batch",
        )
        self.apply_batch(batch)
        self.model.apply_batch(batch)

    @precondition(lambda self: bool(self.model.primary))
    @rule(data=st.data())
    def remove_a_primary(self, data: st.DataObject) -> None:
        """Remove a primary point by id: the next point of its kind must move up."""
        kind = data.draw(st.sampled_from(sorted(self.model.primary, key=list(ContactKind).index)))
        change = RemovePoint(self.model.primary[kind])
        self.apply_batch([change])
        self.model.apply_batch([change])

    @precondition(lambda self: bool(self.model.primary))
    @rule(data=st.data())
    def edit_a_primary(self, data: st.DataObject) -> None:
        """Set a primary field to a new value: the primary is edited and stays primary."""
        kind = data.draw(st.sampled_from(sorted(self.model.primary, key=list(ContactKind).index)))
        raw = data.draw(valid_values(kind, country=self.country), label="value")
        key = match_key(kind, normalize(kind, raw, self.country))
        primary_id = self.model.primary[kind]
        if any(
            p.kind is kind and p.id != primary_id and p.match_key == key for p in self.model.points
        ):
            return  # another point already has this value: that batch is a refused one
        change = SetPrimary(kind, raw)
        self.apply_batch([change])
        self.model.apply_batch([change])

    @rule(data=st.data())
    def a_refused_batch_changes_nothing(self, data: st.DataObject) -> None:
        """Apply a batch with one bad change: it is refused whole, naming that change."""
        before = self.model.as_set()
        good = data.draw(batches(before, country=self.country, max_size=3), label="valid changes")
        bad, code = data.draw(self._refused_changes(before), label="refused change")
        if code == "contact.duplicate":
            # A batch is judged by its result: another change could edit, remove or
            # clear the point that holds the value, and the add would be no duplicate.
            good = []
        # A duplicate is a duplicate of the set as read, so it goes first; the others
        # may go anywhere, since a refused change leaves the working set as it was.
        where = 0 if code == "contact.duplicate" else data.draw(st.integers(0, len(good)))
        batch = [*good[:where], bad, *good[where:]]
        try:
            self.apply_batch(batch)
        except ContactValidationError as error:
            found = {(problem.code, problem.index) for problem in error.errors}
            assert (code, where) in found, f"expected {code} at change {where}, got {found}"
        else:
            msg = f"The batch {batch!r} holds a change that must be refused ({code})."
            raise AssertionError(msg)

    def _refused_changes(self, contacts: ContactSet) -> st.SearchStrategy[tuple[Command, str]]:
        invalid = contact_kinds().flatmap(
            lambda kind: invalid_values(kind, country=self.country).map(
                lambda bad: (AddPoint(kind, bad.raw), bad.code)
            )
        )
        gone = sorted(self.model.retired) or [contacts.next_id + 1000]
        unknown = st.sampled_from(gone).map(
            lambda point_id: (RemovePoint(point_id), "contact.not_found")
        )
        options: list[st.SearchStrategy[tuple[Command, str]]] = [invalid, unknown]
        if contacts.points:
            # The stored value typed again is a duplicate (emails: whatever the case).
            options.append(
                st.sampled_from(contacts.points).map(
                    lambda point: (AddPoint(point.kind, point.value), "contact.duplicate")
                )
            )
        return st.one_of(options)

    # ----------------------------------------------------------------- invariants

    @invariant()
    def the_set_follows_the_primary_rules(self) -> None:
        """Compare the system's set with the model after every step."""
        actual = self.current_set()
        model = self.model
        assert list(actual.points) == model.points, "the points differ from the model"
        assert model.next_id == actual.next_id, "next_id differs from the model"
        for kind in ContactKind:
            of_kind = actual.of_kind(kind)
            primaries = [point for point in of_kind if actual.is_primary(point)]
            assert len(primaries) == (1 if of_kind else 0), f"{kind.name}: {primaries}"
            primary = actual.primary(kind)
            assert model.primary.get(kind) == (None if primary is None else primary.id), (
                f"the primary {kind.name} moved"
            )
        ids = [point.id for point in actual.points]
        assert len(set(ids)) == len(ids), "two points share an id"
        assert not set(ids) & model.retired, "an id of a removed point came back"
        assert all(point_id < actual.next_id for point_id in ids)
        assert len(actual) <= MAX_POINTS
