"""add / edit / remove: pure, deterministic, and refusing cleanly."""

import pytest

from contactbook import (
    ContactKind,
    ContactNotFoundError,
    ContactPoint,
    ContactSet,
    ContactValidationError,
    add,
)
from contactbook.model import MAX_POINTS
from contactbook.operations import edit, remove

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "ann@example.com")
    s = add(s, EMAIL, "billing@example.com", "Billing Contact")
    s = add(s, MOBILE, "06 12345678", country="NL")
    return add(s, EMAIL, "emergency@example.com", "Emergency Contact")


class TestAdd:
    """Adding validates, normalizes, keeps the input and appends a new id."""

    def test_first_point_of_a_kind_is_primary(self):
        s = add(ContactSet(), EMAIL, "a@example.com")
        assert s.points[0] == s.primary(EMAIL)

    def test_point_keeps_input_country_and_description(self):
        s = add(ContactSet(), MOBILE, " 06 12345678 ", "  Work ", country="nl")
        assert ContactPoint(1, MOBILE, "+31612345678", "Work", " 06 12345678 ", "NL") == s.points[0]

    def test_country_is_kept_only_on_phone_points(self):
        s = add(ContactSet(), EMAIL, "a@example.com", country="NL")
        assert s.points[0].country is None

    def test_ids_are_sequential_from_next_id(self, contacts):
        assert [1, 2, 3, 4] == [p.id for p in contacts.points]
        assert 5 == contacts.next_id

    def test_same_inputs_give_equal_outputs(self):
        def build():
            return add(add(ContactSet(), EMAIL, "a@example.com"), PHONE, "+31 20 1234567")

        assert build() == build()

    def test_input_set_is_unchanged(self, contacts):
        before = ContactSet(contacts.points, contacts.next_id)
        add(contacts, WEBSITE, "example.com")
        assert before == contacts

    def test_duplicate_is_refused_email_case_insensitively(self, contacts):
        with pytest.raises(ContactValidationError) as info:
            add(contacts, EMAIL, "ANN@EXAMPLE.COM")
        assert ("contact.duplicate", "email") == (info.value.code, info.value.field)

    def test_duplicate_phone_compares_e164(self, contacts):
        with pytest.raises(ContactValidationError, match="already"):
            add(contacts, MOBILE, "+31 6 1234 5678")

    def test_same_value_in_another_kind_is_not_a_duplicate(self):
        s = add(ContactSet(), PHONE, "+31 20 1234567")
        s = add(s, MOBILE, "+31 20 1234567")
        assert 2 == len(s)

    def test_more_than_100_points_is_refused(self):
        s = ContactSet()
        for n in range(MAX_POINTS):
            s = add(s, EMAIL, f"a{n}@example.com")
        with pytest.raises(ContactValidationError) as info:
            add(s, EMAIL, "one-more@example.com")
        assert "contact.limit" == info.value.code

    def test_invalid_value_and_description_are_both_reported(self):
        with pytest.raises(ContactValidationError) as info:
            add(ContactSet(), EMAIL, "nope", "x" * 101)
        assert ["email.invalid", "description.too_long"] == [e.code for e in info.value.errors]


class TestEdit:
    """Editing changes value and/or description in place; omitted means unchanged."""

    def test_edit_keeps_id_and_place(self, contacts):
        s = edit(contacts, 1, value="new@example.com")
        assert (1, "new@example.com") == (s.points[0].id, s.points[0].value)
        assert s.points[0] == s.primary(EMAIL)

    def test_omitted_keywords_are_unchanged(self, contacts):
        s = edit(contacts, 2, value="b@example.com")
        assert "Billing Contact" == s.get(2).description

    def test_description_none_clears_it(self, contacts):
        assert edit(contacts, 2, description=None).get(2).description is None

    def test_same_normalized_value_changes_nothing(self, contacts):
        assert contacts == edit(contacts, 3, value="+31 6 1234 5678", country="NL")

    def test_edit_to_another_points_value_is_a_duplicate(self, contacts):
        with pytest.raises(ContactValidationError, match="already"):
            edit(contacts, 1, value="Billing@example.com")

    def test_unknown_id_is_a_lookup_error(self, contacts):
        with pytest.raises(ContactNotFoundError) as info:
            edit(contacts, 99, description="x")
        assert isinstance(info.value, LookupError)
        assert "contact.not_found" == info.value.code

    def test_phone_edit_records_new_input_and_country(self, contacts):
        s = edit(contacts, 3, value="0470 12 34 56", country="BE")
        assert ("+32470123456", "0470 12 34 56", "BE") == (
            s.get(3).value,
            s.get(3).entered,
            s.get(3).country,
        )


class TestRemove:
    """Removing drops a point; the next of its kind becomes primary; ids stay unused."""

    def test_removing_primary_promotes_the_next(self, contacts):
        s = remove(contacts, 1)
        assert 2 == s.primary(EMAIL).id

    def test_removed_id_is_never_reused(self, contacts):
        s = add(remove(contacts, 4), EMAIL, "x@example.com")
        assert 5 == s.points[-1].id

    def test_unknown_id_is_a_lookup_error(self, contacts):
        with pytest.raises(LookupError):
            remove(contacts, 42)

    def test_removing_everything_gives_the_empty_state(self, contacts):
        s = contacts
        for point in contacts.points:
            s = remove(s, point.id)
        assert s.is_empty
        assert 5 == s.next_id


class TestReadHelpers:
    """The set's read helpers agree with the primary rule."""

    def test_primaries_in_card_order(self, contacts):
        s = add(contacts, WEBSITE, "example.com")
        assert [EMAIL, MOBILE, WEBSITE] == list(s.primaries())

    def test_additional_are_the_non_primary_points(self, contacts):
        assert [2, 4] == [p.id for p in contacts.additional()]

    def test_of_kind_primary_first(self, contacts):
        assert [1, 2, 4] == [p.id for p in contacts.of_kind(EMAIL)]

    def test_is_primary(self, contacts):
        assert contacts.is_primary(contacts.get(1))
        assert not contacts.is_primary(contacts.get(2))

    def test_empty_set(self):
        assert ContactSet().is_empty
        assert ContactSet().primary(EMAIL) is None
        assert 0 == len(ContactSet())


class TestSetInvariants:
    """A set cannot be built with repeated ids, a reused next id or duplicate values."""

    def test_repeated_ids_are_refused(self):
        point = ContactPoint(1, EMAIL, "a@example.com")
        with pytest.raises(ContactValidationError):
            ContactSet((point, ContactPoint(1, EMAIL, "b@example.com")))

    def test_next_id_cannot_reuse_an_id(self):
        with pytest.raises(ContactValidationError):
            ContactSet((ContactPoint(3, EMAIL, "a@example.com"),), next_id=2)

    def test_next_id_defaults_past_the_largest_id(self):
        assert 8 == ContactSet((ContactPoint(7, EMAIL, "a@example.com"),)).next_id

    def test_entered_defaults_to_value(self):
        assert "a@example.com" == ContactPoint(1, EMAIL, "a@example.com").entered
