"""The primary rules, as a Hypothesis state machine over add / edit / remove.

The model is a plain list of (id, kind, value) in insertion order; after every step the
real set must agree with it, and every earlier set must be exactly as it was.
"""

import string

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from contactbook import ContactError, ContactKind, ContactSet, ContactValidationError, add
from contactbook.operations import edit, remove
from contactbook.validation import normalize

label = st.text(string.ascii_lowercase, min_size=1, max_size=3)
RAW_VALUES = {
    ContactKind.EMAIL: st.builds("{}@{}.com".format, label, label),
    ContactKind.PHONE: st.integers(0, 30).map(lambda n: f"020 1{n:06d}"),
    ContactKind.MOBILE: st.integers(0, 30).map(lambda n: f"06 1{n:07d}"),
    ContactKind.WEBSITE: st.builds("{}.{}".format, label, st.sampled_from(["com", "nl"])),
}
kinds = st.sampled_from(list(ContactKind))


@st.composite
def kind_and_value(draw):
    kind = draw(kinds)
    return kind, draw(RAW_VALUES[kind])


class PrimaryRules(RuleBasedStateMachine):
    """Exactly one primary per non-empty kind, the first added; ids never reused."""

    def __init__(self):
        super().__init__()
        self.contacts = ContactSet()
        self.model: list[tuple[int, ContactKind, str]] = []
        self.ids_ever: set[int] = set()
        self.history: list[tuple[ContactSet, tuple]] = []

    def _moved_to(self, new):
        self.history.append((self.contacts, tuple(self.contacts.points)))
        self.contacts = new

    def _duplicate(self, kind, value, own_id=None):
        key = value.casefold() if kind is ContactKind.EMAIL else value
        return any(
            k is kind and i != own_id and (v.casefold() if k is ContactKind.EMAIL else v) == key
            for i, k, v in self.model
        )

    @rule(kv=kind_and_value(), description=st.none() | st.sampled_from(["Billing", "Work"]))
    def add_point(self, kv, description):
        kind, raw = kv
        value = normalize(kind, raw, "NL")
        if self._duplicate(kind, value):
            try:
                add(self.contacts, kind, raw, description, country="NL")
            except ContactValidationError as error:
                assert "contact.duplicate" == error.code
                return
            raise AssertionError("duplicate accepted")
        new = add(self.contacts, kind, raw, description, country="NL")
        point = new.points[-1]
        assert point.id not in self.ids_ever
        assert self.contacts.next_id == point.id
        self.ids_ever.add(point.id)
        self.model.append((point.id, kind, value))
        self._moved_to(new)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def edit_point(self, data):
        index = data.draw(st.integers(0, len(self.model) - 1))
        point_id, kind, _ = self.model[index]
        raw = data.draw(RAW_VALUES[kind])
        value = normalize(kind, raw, "NL")
        if self._duplicate(kind, value, own_id=point_id):
            try:
                edit(self.contacts, point_id, value=raw, country="NL")
            except ContactValidationError as error:
                assert "contact.duplicate" == error.code
                return
            raise AssertionError("duplicate accepted")
        new = edit(self.contacts, point_id, value=raw, country="NL")
        self.model[index] = (point_id, kind, value)
        self._moved_to(new)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove_point(self, data):
        index = data.draw(st.integers(0, len(self.model) - 1))
        point_id = self.model.pop(index)[0]
        self._moved_to(remove(self.contacts, point_id))

    @rule(point_id=st.integers(-5, 200))
    def unknown_ids_are_refused(self, point_id):
        if any(i == point_id for i, _, _ in self.model):
            return
        for operation in (
            lambda: remove(self.contacts, point_id),
            lambda: edit(self.contacts, point_id, description="x"),
        ):
            try:
                operation()
            except ContactError as error:
                assert "contact.not_found" == error.code
                assert isinstance(error, LookupError)
            else:
                raise AssertionError("unknown id accepted")

    @invariant()
    def set_matches_model_in_insertion_order(self):
        assert [(i, k, v) for i, k, v in self.model] == [
            (p.id, p.kind, p.value) for p in self.contacts.points
        ]

    @invariant()
    def exactly_one_primary_per_non_empty_kind_the_first_added(self):
        for kind in ContactKind:
            of_kind = [i for i, k, _ in self.model if k is kind]
            primary = self.contacts.primary(kind)
            if of_kind:
                assert primary is not None
                assert of_kind[0] == primary.id
                assert 1 == sum(self.contacts.is_primary(p) for p in self.contacts.of_kind(kind))
            else:
                assert primary is None

    @invariant()
    def additional_points_are_the_rest(self):
        primaries = {p.id for p in self.contacts.primaries().values()}
        assert [i for i, _, _ in self.model if i not in primaries] == [
            p.id for p in self.contacts.additional()
        ]

    @invariant()
    def earlier_sets_are_unchanged(self):
        for earlier, points in self.history:
            assert points == earlier.points

    @invariant()
    def next_id_is_past_every_id_ever_used(self):
        assert all(i < self.contacts.next_id for i in self.ids_ever)


TestPrimaryRules = PrimaryRules.TestCase
