"""apply(): batches validated together, all-or-nothing, with every problem reported."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ContactKind,
    ContactPoint,
    ContactSet,
    EditPoint,
    PrimaryChanged,
    RemovePoint,
    SetPrimary,
    add,
)
from contactbook.audit import (
    DescriptionChanged,
    PointAdded,
    PointRemoved,
    ValueChanged,
    describe,
    diff,
    replay,
)
from contactbook.operations import ClearPrimary, Finding, apply, revalidate

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
    return add(s, MOBILE, "06 12345678", country="NL")


class TestApply:
    """A batch applies in order to a working copy and succeeds or fails as a whole."""

    def test_changes_apply_in_order(self, contacts):
        outcome = apply(
            contacts,
            [RemovePoint(1), AddPoint(EMAIL, "ann@example.com"), EditPoint(2, description=None)],
        )
        assert [2, 3, 4] == [p.id for p in outcome.contacts.points]
        assert 2 == outcome.contacts.primary(EMAIL).id

    def test_every_problem_is_reported_with_its_change_index(self, contacts):
        batch = [
            AddPoint(WEBSITE, "example.com"),
            AddPoint(EMAIL, "not-an-email", "x" * 101),
            EditPoint(99, value="a@example.com"),
            AddPoint(MOBILE, "06 12345678"),
            RemovePoint(1),
        ]
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, batch, country="NL")
        assert [
            (1, "email.invalid", "email"),
            (1, "description.too_long", "description"),
            (2, "contact.not_found", "id"),
            (3, "contact.duplicate", "mobile"),
        ] == [(p.index, p.code, p.field) for p in info.value.errors]
        assert "email.invalid" == info.value.code
        assert isinstance(info.value, ValueError)

    def test_a_refused_batch_changes_nothing(self, contacts):
        before = ContactSet(contacts.points, contacts.next_id)
        with pytest.raises(BatchValidationError):
            apply(contacts, [RemovePoint(1), AddPoint(EMAIL, "bad")])
        assert before == contacts

    def test_a_batch_that_changes_nothing_has_no_changes(self, contacts):
        outcome = apply(contacts, [EditPoint(3, value="+31 6 1234 5678"), ClearPrimary(PHONE)])
        assert () == outcome.changes
        assert contacts == outcome.contacts

    def test_warnings_carry_their_change_index(self, contacts):
        outcome = apply(
            contacts, [AddPoint(WEBSITE, "x.nl"), AddPoint(MOBILE, "020 1234567")], country="NL"
        )
        assert [("mobile.fixed_line", 1)] == [(w.code, w.index) for w in outcome.warnings]

    def test_invalid_country_is_refused_up_front(self, contacts):
        with pytest.raises(ValueError, match="country code"):
            apply(contacts, [], country="Netherlands")


class TestJudgedByTheResult:
    """Duplicates are judged on the batch's result, never step by step."""

    def test_swapping_the_primary_with_another_point_is_allowed(self, contacts):
        outcome = apply(
            contacts,
            [EditPoint(1, "billing@example.com"), EditPoint(2, "ann@example.com")],
        )
        assert ["billing@example.com", "ann@example.com"] == [
            p.value for p in outcome.contacts.of_kind(EMAIL)
        ]
        assert [1, 2] == [p.id for p in outcome.contacts.of_kind(EMAIL)]

    def test_a_value_held_twice_in_the_result_is_refused_at_the_change_that_made_it(self, contacts):
        with pytest.raises(BatchValidationError) as info:
            apply(
                contacts,
                [EditPoint(3, "06 87654321"), EditPoint(2, "ANN@example.com")],
                country="NL",
            )
        [problem] = info.value.errors
        assert ("contact.duplicate", 1) == (problem.code, problem.index)
        assert (
            "The email address ANN@example.com is already in this customer's contact "
            "details; each value can be added once."
        ) == problem.message

    def test_two_new_points_with_one_value_refuse_the_second(self, contacts):
        with pytest.raises(BatchValidationError) as info:
            apply(
                contacts,
                [AddPoint(MOBILE, "0687654321"), AddPoint(MOBILE, "+31 6 87654321")],
                country="NL",
            )
        [problem] = info.value.errors
        assert 1 == problem.index
        assert "The mobile number +31 6 87654321 is already" in problem.message  # as on the card
        assert "id" not in problem.message.split()

    @given(st.permutations(range(5)))
    def test_any_permutation_of_a_kinds_values_saves_in_one_batch(self, order):
        values = [f"user{n}@example.com" for n in range(5)]
        contacts = ContactSet()
        for value in values:
            contacts = add(contacts, EMAIL, value)
        ids = [point.id for point in contacts]
        outcome = apply(
            contacts, [EditPoint(i, values[n]) for i, n in zip(ids, order, strict=True)]
        )
        assert [values[n] for n in order] == [p.value for p in outcome.contacts]
        assert ids == [p.id for p in outcome.contacts]

    def test_every_problem_is_reported_with_the_duplicates(self, contacts):
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, [AddPoint(EMAIL, "ann@example.com"), AddPoint(WEBSITE, "x y")])
        assert [(0, "contact.duplicate"), (1, "website.character")] == [
            (p.index, p.code) for p in info.value.errors
        ]


class TestPrimaryFields:
    """The form's four primary fields: set edits or adds the primary; clear removes it."""

    def test_set_edits_the_existing_primary(self, contacts):
        outcome = apply(contacts, [SetPrimary(EMAIL, "new@example.com")])
        assert (1, "new@example.com") == (
            outcome.contacts.primary(EMAIL).id,
            outcome.contacts.primary(EMAIL).value,
        )

    def test_set_adds_a_primary_when_none(self, contacts):
        outcome = apply(contacts, [SetPrimary(WEBSITE, "example.com", "Shop")])
        assert ("https://example.com", "Shop") == (
            outcome.contacts.primary(WEBSITE).value,
            outcome.contacts.primary(WEBSITE).description,
        )

    def test_set_keeps_the_description_unless_given(self, contacts):
        s = apply(contacts, [EditPoint(1, description="Main")]).contacts
        assert "Main" == apply(s, [SetPrimary(EMAIL, "x@example.com")]).contacts.get(1).description

    def test_clear_removes_the_primary_and_promotes_the_next(self, contacts):
        outcome = apply(contacts, [ClearPrimary(EMAIL)])
        assert 2 == outcome.contacts.primary(EMAIL).id

    def test_clear_of_an_empty_kind_does_nothing(self, contacts):
        assert () == apply(contacts, [ClearPrimary(WEBSITE)]).changes


class TestDiff:
    """diff() names every change between two sets; the activity entry is built from it."""

    def test_each_kind_of_change(self, contacts):
        new = apply(
            contacts,
            [
                RemovePoint(1),
                EditPoint(2, value="b@example.com", description="Invoices"),
                AddPoint(WEBSITE, "example.com"),
            ],
        ).contacts
        old_2, new_2 = contacts.get(2), new.get(2)
        assert (
            PointRemoved(contacts.get(1)),
            ValueChanged(old_2, new_2),
            DescriptionChanged(old_2, new_2),
            PointAdded(new.get(4)),
            PrimaryChanged(EMAIL, contacts.get(1), new_2),
            PrimaryChanged(WEBSITE, None, new.get(4)),
        ) == diff(contacts, new)

    def test_primary_to_none(self, contacts):
        new = apply(contacts, [ClearPrimary(MOBILE)]).contacts
        assert PrimaryChanged(MOBILE, contacts.get(3), None) in diff(contacts, new)

    def test_equal_sets_have_no_diff(self, contacts):
        assert () == diff(contacts, contacts)

    def test_describe_reads_as_a_sentence(self, contacts):
        new = apply(contacts, [EditPoint(2, description=None)]).contacts
        assert [
            "Changed the description of email address billing@example.com "
            "from 'Billing Contact' to no description"
        ] == [describe(change) for change in diff(contacts, new)]

    @given(st.lists(st.sampled_from(range(6)), max_size=8))
    def test_replay_of_the_diff_gives_the_new_points(self, choices):
        pool = [
            AddPoint(WEBSITE, "example.com"),
            RemovePoint(1),
            EditPoint(2, value="c@example.com"),
            SetPrimary(MOBILE, "+31 6 11111111", "Work"),
            ClearPrimary(EMAIL),
            AddPoint(EMAIL, "d@example.com", "Billing Contact"),
        ]
        start = add(
            add(ContactSet(), EMAIL, "a@example.com"), EMAIL, "b@example.com", "Billing Contact"
        )
        try:
            new = apply(start, [pool[i] for i in choices]).contacts
        except BatchValidationError:
            return
        assert new.points == replay(start, diff(start, new)).points


class TestRevalidate:
    """revalidate() re-reads each stored input and reports what would now differ."""

    def test_current_points_give_no_findings(self, contacts):
        assert () == revalidate(contacts)

    def test_a_value_that_would_now_differ_is_reported(self):
        stale = ContactPoint(1, MOBILE, "+31600000001", entered="06 12345678", country="NL")
        contacts = ContactSet((stale,))
        assert (Finding(stale, "+31612345678"),) == revalidate(contacts)

    def test_a_value_that_would_now_be_refused_is_reported(self):
        stale = ContactPoint(1, PHONE, "+31201234567", entered="020 12", country="NL")
        (finding,) = revalidate(ContactSet((stale,)))
        assert (None, "phone.invalid") == (finding.value, finding.problem.code)

    def test_a_new_billing_country_can_be_given(self, contacts):
        (finding,) = revalidate(contacts, country="BE")
        assert (3, None) == (finding.point.id, finding.value)

    def test_it_changes_nothing(self, contacts):
        before = ContactSet(contacts.points, contacts.next_id)
        revalidate(contacts, country="BE")
        assert before == contacts
