"""The edit window's model: fields from a set, the user's edits, the batch for Save."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    UNCHANGED,
    AddPoint,
    BatchValidationError,
    ContactForm,
    ContactKind,
    ContactSet,
    EditPoint,
    FormField,
    RemovePoint,
    SetPrimary,
    add,
    apply,
    normalize,
    normalize_description,
)
from contactbook.adapters.memory import AllowAll, FixedClock, InMemoryStore
from contactbook.service import ContactService

EMAIL, PHONE, MOBILE, WEBSITE = ContactKind


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "info@example.com")  # 1
    s = add(s, MOBILE, "06 12345678", "Work", region="NL")  # 2
    s = add(s, EMAIL, "billing@example.com", "Billing Contact")  # 3
    return add(s, EMAIL, "old@example.com")  # 4


@pytest.fixture
def form(contacts):
    return ContactForm.from_set(contacts)


class TestFields:
    """The window opens with the four primary fields and the additional entries."""

    def test_four_primary_fields_in_the_cards_order(self, form):
        assert [
            FormField(EMAIL, "info@example.com", "", 1),
            FormField(PHONE),
            FormField(MOBILE, "+31 6 12345678", "Work", 2),
            FormField(WEBSITE),
        ] == list(form.primary)

    def test_the_additional_entries(self, form):
        assert [
            FormField(EMAIL, "billing@example.com", "Billing Contact", 3),
            FormField(EMAIL, "old@example.com", "", 4),
        ] == list(form.additional)

    def test_fields_are_found_by_kind_or_position(self, form):
        assert 2 == form.field(MOBILE).point_id
        assert 4 == form.field(1).point_id


class TestRoundTrip:
    """A form saved unchanged, or changed and changed back, gives an empty batch."""

    def test_unchanged_form_gives_an_empty_batch(self, form):
        assert () == form.changes()

    def test_empty_set_gives_an_empty_batch(self):
        assert () == ContactForm.from_set(ContactSet()).changes()

    def test_edited_and_reverted_gives_an_empty_batch(self, form):
        edited = form.edit(EMAIL, value="x@example.com", description="X").edit(1, value="y")
        reverted = edited.edit(EMAIL, value="info@example.com", description="").edit(
            1, value="old@example.com"
        )
        assert () == reverted.changes()

    def test_an_untouched_new_entry_is_ignored(self, form):
        assert () == form.add(WEBSITE).changes()


class TestBatch:
    """Each edit becomes the change record that does it; existing points by id."""

    def test_a_new_value_in_a_primary_field_edits_that_point(self, form):
        assert (EditPoint(1, "new@example.com", UNCHANGED),) == form.edit(
            EMAIL, value="new@example.com"
        ).changes()

    def test_a_new_description_alone(self, form):
        assert (EditPoint(2, UNCHANGED, "Private"),) == form.edit(
            MOBILE, description="Private"
        ).changes()

    def test_clearing_a_description(self, form):
        changes = form.edit(MOBILE, description=None).changes()
        assert (EditPoint(2, UNCHANGED, ""),) == changes

    def test_clearing_a_primary_field_removes_its_point_and_promotes_the_next(self, form, contacts):
        changes = form.remove(EMAIL).changes()
        assert (RemovePoint(1),) == changes
        assert 3 == apply(contacts, changes).contacts.primary(EMAIL).id

    def test_a_blank_value_clears_a_primary_field_too(self, form):
        assert (RemovePoint(1),) == form.edit(EMAIL, value="   ").changes()

    def test_filling_an_empty_primary_field_sets_the_primary(self, form):
        changes = form.edit(WEBSITE, value="example.com", description="Shop").changes()
        assert (SetPrimary(WEBSITE, "example.com", "Shop"),) == changes

    def test_adding_an_entry(self, form):
        changes = form.add(PHONE, "020 1234567", "Reception").changes()
        assert (AddPoint(PHONE, "020 1234567", "Reception"),) == changes

    def test_removing_an_entry(self, form):
        smaller = form.remove(0)
        assert [4] == [field.point_id for field in smaller.additional]
        assert (RemovePoint(3),) == smaller.changes()

    def test_a_removed_value_can_be_entered_again_elsewhere(self, form, contacts):
        changes = form.remove(1).edit(0, value="old@example.com").changes()
        assert (RemovePoint(4), EditPoint(3, "old@example.com", UNCHANGED)) == changes
        assert "old@example.com" == apply(contacts, changes).contacts.get(3).value

    def test_a_new_primary_comes_before_a_new_entry_of_its_kind(self, form, contacts):
        edited = form.add(WEBSITE, "b.example.com").edit(WEBSITE, value="a.example.com")
        changes = edited.changes()
        assert (
            SetPrimary(WEBSITE, "a.example.com", ""),
            AddPoint(WEBSITE, "b.example.com", ""),
        ) == changes
        assert "https://a.example.com" == apply(contacts, changes).contacts.primary(WEBSITE).value

    def test_a_phone_shown_internationally_can_be_retyped_nationally(self, form, contacts):
        changes = form.edit(MOBILE, value="06 87654321").changes()
        saved = apply(contacts, changes, region="NL").contacts
        assert "+31687654321" == saved.get(2).value
        assert () == ContactForm.from_set(saved).changes()

    def test_the_field_of_a_refused_change_is_found_from_its_index(self, form, contacts):
        edited = form.remove(1).edit(EMAIL, value="not an address").add(MOBILE, "", "Night")
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, edited.changes())
        refused = {edited.field_for(problem.index) for problem in info.value.errors}
        assert {EMAIL, 1} == refused
        assert edited.field_for(0) is None  # the removal of the dropped entry


class TestSaving:
    """Save is ContactService.update with the form's batch; Cancel is dropping the form."""

    def test_save_through_the_service(self, contacts):
        store = InMemoryStore()
        store.set_billing_country("c1", "NL")
        service = ContactService.on(store, AllowAll(), clock=FixedClock())
        stored = service.read("ann", "c1")
        form = ContactForm.from_set(stored.contacts).edit(EMAIL, value="a@example.com")
        saved = service.update("ann", "c1", form.changes(), expected_version=stored.version)
        assert "a@example.com" == saved.contacts.primary(EMAIL).value
        again = ContactForm.from_set(saved.contacts)
        assert None is service.update("ann", "c1", again.changes(), expected_version=1).entry


# --------------------------------------------------------------------------- properties

VALUES = {
    EMAIL: [f"{name}@example.com" for name in "abcdef"],
    PHONE: [f"+31 20 123 450{n}" for n in range(6)],
    MOBILE: [f"+31 6 1234560{n}" for n in range(6)],
    WEBSITE: [f"{name}.example.com" for name in "abcdef"],
}
kinds = st.sampled_from(list(ContactKind))
descriptions = st.sampled_from(["", "Billing Contact", "Work", " work "])


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind, index, description in draw(
        st.lists(st.tuples(kinds, st.integers(0, 5), descriptions), max_size=12)
    ):
        value = normalize(kind, VALUES[kind][index])
        if all(point.kind is not kind or point.value != value for point in contacts):
            contacts = add(contacts, kind, value, description)
    return contacts


@st.composite
def edited_forms(draw, contacts):
    form = ContactForm.from_set(contacts)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["primary", "clear", "add", "edit", "remove"]))
        kind = draw(kinds)
        value = draw(st.sampled_from(VALUES[kind]))
        description = draw(descriptions)
        if action == "primary":
            form = form.edit(kind, value=value, description=description)
        elif action == "clear":
            form = form.remove(kind)
        elif action == "add":
            form = form.add(kind, value, description)
        elif form.additional:
            position = draw(st.integers(0, len(form.additional) - 1))
            if action == "remove":
                form = form.remove(position)
            else:
                value = draw(st.sampled_from(VALUES[form.field(position).kind]))
                form = form.edit(position, value=value, description=description)
    return form


class TestFormProperties:
    """For every set and every sequence of edits, Save does what the window shows."""

    @given(contact_sets())
    def test_round_trip_gives_an_empty_batch(self, contacts):
        assert () == ContactForm.from_set(contacts).changes()

    @given(st.data())
    def test_the_saved_set_is_what_the_form_showed(self, data):
        contacts = data.draw(contact_sets())
        form = data.draw(edited_forms(contacts))
        changes = form.changes()
        try:
            saved = apply(contacts, changes).contacts
        except BatchValidationError as error:
            # Every value drawn is valid: only a value typed twice can be refused.
            assert {"contact.duplicate"} == {problem.code for problem in error.errors}
            assert all(form.field_for(problem.index) is not None for problem in error.errors)
            return
        kept = [
            field
            for field in (*form.primary, *form.additional)
            if not field.is_blank or (field.point_id is None and field.description.strip())
        ]
        assert len(kept) == len(saved)
        for field in kept:
            if field.point_id is not None:
                point = saved.get(field.point_id)
            else:
                value = normalize(field.kind, field.value)
                point = next(p for p in saved if p.kind is field.kind and p.value == value)
                assert point.id >= contacts.next_id
            assert normalize(field.kind, field.value) == point.value
            assert normalize_description(field.description) == point.description
        for field in form.primary:
            if not field.is_blank:
                assert normalize(field.kind, field.value) == saved.primary(field.kind).value
        assert () == ContactForm.from_set(saved).changes()

    @given(st.data())
    def test_edits_reverted_give_an_empty_batch(self, data):
        contacts = data.draw(contact_sets())
        form = ContactForm.from_set(contacts)
        kind = data.draw(kinds)
        original = form.field(kind)
        edited = form.edit(kind, value=data.draw(st.sampled_from(VALUES[kind])), description="x")
        reverted = edited.edit(kind, value=original.value, description=original.description)
        assert () == reverted.changes()
