"""merge_many, the bulk import's use case: per customer what merge does, stored in batches."""

import contextlib
import datetime as dt
import itertools

import pytest

from contactbook import BatchValidationError, ContactKind, ContactSet, StorageError, add
from contactbook.adapters.memory import AllowAll, FixedClock, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.errors import ConflictError, ContactValidationError, PermissionDeniedError
from contactbook.model import MAX_POINTS
from contactbook.ports import HostUnitOfWork
from contactbook.service import ContactService, Saved

EMAIL, MOBILE = ContactKind.EMAIL, ContactKind.MOBILE
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def points(*values):
    """Checked points (as a reader gives them) for ``(kind, input[, description])``."""
    contacts = ContactSet()
    for kind, value, *description in values:
        contacts = add(contacts, kind, value, *description, country="NL")
    return contacts.points


def service_over(unit, authorizer=None):
    """A service with a fixed clock and entry ids e1, e2, ... (comparable across stores)."""
    numbers = itertools.count(1)
    return ContactService(
        unit,
        authorizer or AllowAll(),
        clock=FixedClock(T0, dt.timedelta(seconds=1)),
        new_entry_id=lambda: f"e{next(numbers)}",
    )


def one_by_one(store):
    """The store as a unit of work without the batch methods (a host's own ports)."""

    class Plain:
        load = store.load
        save = store.save
        record = store.record
        entries = store.entries
        billing_country = store.billing_country

    plain = Plain()
    return HostUnitOfWork(plain, plain, plain, transaction=store.transaction)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStore()
        return
    with SQLiteStore(tmp_path / "c.db") as opened:
        yield opened


def stored(store, customers):
    """Each customer's set, version and activity entries (oldest first)."""
    return {
        customer: (store.load(customer), store.entries(customer, limit=100).entries[::-1])
        for customer in customers
    }


MERGES = [
    ("c1", points((EMAIL, "ann@example.com"), (MOBILE, "06 12345678", "Work"))),
    ("c2", points((EMAIL, "bob@example.com"))),
    ("c1", points((EMAIL, "ANN@example.com", "Billing"), (EMAIL, "ann2@example.com"))),
    ("c3", points((MOBILE, "06 23456789"))),
]


class TestTheSameAsMergeOneByOne:
    """Batches store, per customer, exactly what merge stores one customer at a time."""

    def test_batches_and_single_merges_store_the_same(self, store, tmp_path):
        seed = points((EMAIL, "bob@example.com"))
        batches = service_over(store)
        batches.merge("ann", "c2", seed)
        answers = batches.merge_many("ann", MERGES)

        single = InMemoryStore()
        each = service_over(single)
        each.merge("ann", "c2", seed)
        one_at_a_time = [each.merge("ann", customer, given) for customer, given in MERGES]

        assert [
            (saved.contacts, saved.version, saved.entry and saved.entry.changes)
            for saved in one_at_a_time
        ] == [
            (saved.contacts, saved.version, saved.entry and saved.entry.changes)
            for saved in answers
        ]
        assert stored(single, ["c1", "c2", "c3"]) == stored(store, ["c1", "c2", "c3"])
        assert None is answers[1].entry  # bob's address was there: nothing written for c2

    def test_a_store_without_batch_methods_stores_the_same(self, store):
        plain = InMemoryStore()
        service_over(one_by_one(plain)).merge_many("ann", MERGES)
        service_over(store).merge_many("ann", MERGES)
        assert stored(plain, ["c1", "c2", "c3"]) == stored(store, ["c1", "c2", "c3"])

    def test_a_customer_named_twice_gets_two_versions_in_order(self, store):
        answers = service_over(store).merge_many("ann", MERGES)
        assert [1, 1, 2, 1] == [answer.version for answer in answers]
        c1 = store.load("c1").contacts
        assert ["ann@example.com", "+31612345678", "ann2@example.com"] == [p.value for p in c1]
        assert "Billing" == c1.points[0].description

    def test_merging_again_writes_nothing(self, store):
        service_over(store).merge_many("ann", MERGES)
        before = stored(store, ["c1", "c2", "c3"])
        again = service_over(store).merge_many("ann", MERGES[1:])
        assert [None, None, None] == [answer.entry for answer in again]
        assert before == stored(store, ["c1", "c2", "c3"])


class TestRefusedAlone:
    """A customer refused for what is its own is refused alone; the others are stored."""

    def test_no_permission_for_one_customer(self, store):
        class NotC2:
            def is_allowed(self, actor, permission, customer_id, /):
                return customer_id != "c2"

        answers = service_over(store, NotC2()).merge_many("ann", MERGES)
        assert isinstance(answers[1], PermissionDeniedError)
        assert [Saved, Saved, Saved] == [type(answers[i]) for i in (0, 2, 3)]
        assert (0, 2, 1) == tuple(store.load(c).version for c in ("c2", "c1", "c3"))

    def test_a_set_over_the_limit(self, store):
        many = [points((EMAIL, f"p{n}@example.com")) for n in range(MAX_POINTS + 1)]
        too_many = tuple(point for one in many for point in one)
        answers = service_over(store).merge_many("ann", [("c1", too_many), MERGES[1]])
        assert isinstance(answers[0], BatchValidationError)
        assert "contact.limit" == answers[0].errors[0].code
        assert (0, 1) == (store.load("c1").version, store.load("c2").version)

    def test_an_id_no_use_case_takes(self, store):
        answers = service_over(store).merge_many("ann", [("c\ud800", ()), MERGES[1]])
        assert isinstance(answers[0], ContactValidationError)
        assert "text.character" == answers[0].code
        assert 1 == store.load("c2").version

    def test_an_actor_no_use_case_takes_is_refused_whole(self, store):
        with pytest.raises(ContactValidationError) as refused:
            service_over(store).merge_many("", MERGES)
        assert "actor.invalid" == refused.value.code
        assert 0 == store.load("c1").version


class TestStorage:
    """A storage failure rolls the whole unit back; a conflict merges again one by one."""

    def test_a_failing_log_stores_nothing_of_the_block(self, store, monkeypatch):
        def full(entries, /):
            raise StorageError("The disk is full.", code="storage.unavailable")

        monkeypatch.setattr(store, "record_many", full)
        with pytest.raises(StorageError):
            service_over(store).merge_many("ann", MERGES)
        assert (0, 0, 0) == tuple(store.load(c).version for c in ("c1", "c2", "c3"))

    def test_a_failing_after_each_stores_nothing_of_the_block(self, store):
        def country(customer_id):
            if customer_id == "c3":
                raise StorageError("The disk is full.", code="storage.unavailable")

        with pytest.raises(StorageError):
            service_over(store).merge_many("ann", MERGES, after_each=country)
        assert (0, 0, 0) == tuple(store.load(c).version for c in ("c1", "c2", "c3"))

    def test_a_conflicting_batch_is_merged_again_customer_by_customer(self, store, monkeypatch):
        real = store.save_many
        calls = []

        def another_writer_came_first(saves, /):
            if not calls:  # the first batch: another writer saved c2 meanwhile
                store.save("c2", ContactSet(), expected_version=0)
            calls.append(saves)
            real(saves)

        monkeypatch.setattr(store, "save_many", another_writer_came_first)
        answers = service_over(store).merge_many("ann", MERGES[:2])
        assert [1, 2] == [answer.version for answer in answers]  # c2 merged on version 1
        assert ["bob@example.com"] == [p.value for p in store.load("c2").contacts]
        assert 1 == len(store.entries("c2").entries)  # the merge's (the writer recorded none)

    def test_after_each_is_called_inside_the_unit_for_each_merged_customer(self, store):
        seen = []

        @contextlib.contextmanager
        def counted():
            seen.append("unit")
            with store.transaction():
                yield

        unit = HostUnitOfWork(store, store, store, transaction=counted)

        class NotC3:
            def is_allowed(self, actor, permission, customer_id, /):
                return customer_id != "c3"

        service_over(unit, NotC3()).merge_many("ann", MERGES, after_each=seen.append)
        assert ["unit", "c1", "c2", "c1"] == seen
        with pytest.raises(ConflictError):  # (the store still checks versions)
            store.save("c1", ContactSet(), expected_version=0)


def test_a_batch_conflict_names_the_first_save_whose_version_moved_on():
    from contactbook.ports import Stored, batch_conflict

    saves = [("a", ContactSet(), 1), ("b", ContactSet(), 2), ("c", ContactSet(), 0)]
    stored = {
        "a": Stored(ContactSet(), 1),
        "b": Stored(ContactSet(), 3),
        "c": Stored(ContactSet(), 1),
    }
    error = batch_conflict(saves, lambda ids: {i: stored[i] for i in ids})
    assert ("b", 2, 3) == (error.customer_id, error.expected, error.actual)
    undone = batch_conflict(saves[:1], lambda ids: {"a": Stored(ContactSet(), 1)})
    assert ("a", 1, None) == (undone.customer_id, undone.expected, undone.actual)
