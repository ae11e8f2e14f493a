"""The activity log as lines a person reads, in the card's words and number format."""

import datetime as dt

import pytest

from contactbook import BatchValidationError, ContactKind, ContactSet, EditPoint, RemovePoint, add
from contactbook.audit import ActivityEntry, describe, diff
from contactbook.operations import apply
from contactbook.presentation.activity import ActivityLog, describe_change
from contactbook.presentation.card import CardLabels

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)
AT = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)


def entry(before, after, version=1):
    return ActivityEntry(f"e{version}", "c1", "ann", AT, version, diff(before, after))


@pytest.fixture
def contacts():
    s = add(ContactSet(), MOBILE, "020 1234567", country="NL")  # a landline typed as Mobile
    return add(s, EMAIL, "billing@example.nl", "Billing Contact")


class TestLines:
    """Each change is one line, numbers as the card shows them."""

    def test_an_added_number_shows_as_on_the_card(self):
        after = add(ContactSet(), MOBILE, "06 12345678", "Evenings", country="NL")
        assert (
            "Added mobile number +31 6 12345678 (Evenings)",
            "Primary mobile number is now +31 6 12345678 (was none)",
        ) == ActivityLog.build([entry(ContactSet(), after)]).items[0].lines

    def test_a_changed_value_and_description(self, contacts):
        after = apply(contacts, [EditPoint(1, "020 7654321", "Reception")], country="NL").contacts
        assert (
            "Changed mobile number from +31 20 123 4567 to +31 20 765 4321",
            "Changed the description of mobile number +31 20 765 4321 from no description "
            "to 'Reception'",
        ) == ActivityLog.build([entry(contacts, after)]).items[0].lines

    def test_a_number_moved_to_another_kind(self, contacts):
        after = apply(contacts, [EditPoint(1, kind=PHONE)], country="NL").contacts
        lines = ActivityLog.build([entry(contacts, after)]).items[0].lines
        assert "Moved mobile number +31 20 123 4567 to telephone number +31 20 123 4567" == lines[0]
        assert "Moved mobile number +31201234567 to telephone number +31201234567" == describe(
            entry(contacts, after).changes[0]
        )

    def test_a_removal_with_its_description(self, contacts):
        after = apply(contacts, [RemovePoint(2)]).contacts
        lines = ActivityLog.build([entry(contacts, after)]).items[0].lines
        assert "Removed email address billing@example.nl (Billing Contact)" == lines[0]


class TestLog:
    """The log keeps the entries' order, carries the cursor, and has an empty state."""

    def test_items_in_the_order_given_with_time_actor_and_version(self, contacts):
        first = entry(ContactSet(), contacts, 1)
        second = entry(contacts, apply(contacts, [RemovePoint(2)]).contacts, 2)
        log = ActivityLog.build([second, first], next="e0")
        assert [("e2", 2, "ann", AT), ("e1", 1, "ann", AT)] == [
            (item.entry_id, item.version, item.actor, item.at) for item in log.items
        ]
        assert ("Activity log", None, "e0") == (log.heading, log.empty_message, log.next)

    def test_the_empty_state(self):
        log = ActivityLog.build([])
        assert ((), "No changes have been made yet.") == (log.items, log.empty_message)

    def test_translated(self, contacts):
        dutch = CardLabels(
            activity="Activiteitenlog",
            added="{kind} {value} toegevoegd",
            added_described="{kind} {value} ({description}) toegevoegd",
            primary_changed="Primair {kind} is nu {after} (was {before})",
            none="geen",
            nouns={ContactKind.MOBILE: "mobiel nummer", ContactKind.EMAIL: "e-mailadres"},
        )
        log = ActivityLog.build([entry(ContactSet(), contacts)], labels=dutch)
        assert "Activiteitenlog" == log.heading
        assert "mobiel nummer +31 20 123 4567 toegevoegd" == log.items[0].lines[0]
        assert "Primair e-mailadres is nu billing@example.nl (was geen)" == describe_change(
            entry(ContactSet(), contacts).changes[2], dutch
        )


class TestKindChange:
    """EditPoint(kind=...) moves a point to another kind; it keeps its id and place."""

    def test_the_primaries_follow_the_first_point_of_each_kind(self):
        s = add(ContactSet(), PHONE, "+31 20 765 4321")  # 1, primary telephone
        s = add(s, MOBILE, "020 1234567", country="NL")  # 2, a landline as the primary mobile
        s = add(s, MOBILE, "06 12345678", country="NL")  # 3
        moved = apply(s, [EditPoint(2, kind=PHONE)], country="NL").contacts
        assert [1, 2, 3] == [point.id for point in moved]
        assert (1, 3) == (moved.primary(PHONE).id, moved.primary(MOBILE).id)
        assert PHONE is moved.get(2).kind

    def test_the_value_is_checked_as_the_new_kind(self, contacts):
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, [EditPoint(1, kind=EMAIL)])
        assert ["email.invalid"] == [problem.code for problem in info.value.errors]

    def test_no_value_twice_in_the_new_kind(self):
        s = add(ContactSet(), PHONE, "+31 20 123 4567")
        s = add(s, MOBILE, "+31 20 123 4567")
        with pytest.raises(BatchValidationError) as info:
            apply(s, [EditPoint(2, kind=PHONE)])
        assert ["contact.duplicate"] == [problem.code for problem in info.value.errors]

    def test_a_mobile_number_moved_to_telephone_gets_the_warning(self):
        s = add(ContactSet(), MOBILE, "06 12345678", country="NL")
        outcome = apply(s, [EditPoint(1, kind=PHONE)], country="NL")
        assert ["phone.mobile"] == [warning.code for warning in outcome.warnings]
