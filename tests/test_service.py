"""ContactService: authorise, load, apply, then save and record as one unit."""

import datetime as dt
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ClearPrimary,
    ConflictError,
    ContactKind,
    ContactSet,
    EditPoint,
    PermissionDeniedError,
    RemovePoint,
    SetPrimary,
    apply,
    replay,
)
from contactbook.adapters.memory import AllowAll, FixedClock, GrantTable, InMemoryStore
from contactbook.ports import AuditSink, Authorizer, Clock, ContactRepository, Permission
from contactbook.service import ContactService

EMAIL, PHONE, MOBILE, WEBSITE = ContactKind
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def service_over(store, authorizer=None, **options):
    return ContactService(
        store,
        store,
        authorizer or AllowAll(),
        clock=FixedClock(T0, dt.timedelta(seconds=1)),
        transaction=store.transaction,
        **options,
    )


@pytest.fixture
def store():
    return InMemoryStore()


@pytest.fixture
def service(store):
    return service_over(store)


class TestPorts:
    """The shipped in-memory adapters satisfy the port protocols."""

    def test_in_memory_adapters_implement_the_ports(self, store):
        assert isinstance(store, ContactRepository)
        assert isinstance(store, AuditSink)
        assert isinstance(AllowAll(), Authorizer)
        assert isinstance(FixedClock(), Clock)

    def test_unknown_customer_is_the_empty_set_at_version_0(self, store):
        loaded = store.load("nobody")
        assert (ContactSet(), 0) == (loaded.contacts, loaded.version)


class TestUpdate:
    """A saved batch is one new version and one activity entry."""

    def test_first_save_creates_version_1_and_an_entry(self, service, store):
        saved = service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        assert 1 == saved.version
        (entry,) = store.entries("c1")
        assert ("c1", "ann", T0, 1) == (entry.customer_id, entry.actor, entry.at, entry.version)
        assert saved.entry == entry
        assert "Added email address a@example.com" in entry.summary()

    def test_entry_diff_has_before_and_after(self, service, store):
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        service.update("ann", "c1", [EditPoint(1, value="b@example.com")])
        change = store.entries("c1")[1].changes[0]
        assert ("a@example.com", "b@example.com") == (change.before.value, change.after.value)

    def test_a_batch_that_changes_nothing_saves_and_records_nothing(self, service, store):
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        saved = service.update("ann", "c1", [ClearPrimary(WEBSITE)])
        assert (1, None) == (saved.version, saved.entry)
        assert 1 == len(store.entries("c1"))
        assert 1 == store.load("c1").version

    def test_region_reads_national_numbers(self, service):
        saved = service.update("ann", "c1", [SetPrimary(MOBILE, "06 12345678")], region="NL")
        assert "+31612345678" == saved.contacts.primary(MOBILE).value

    def test_warnings_are_returned(self, service):
        saved = service.update("ann", "c1", [SetPrimary(MOBILE, "020 1234567")], region="NL")
        assert ["mobile.fixed_line"] == [w.code for w in saved.warnings]

    def test_refused_batch_leaves_no_trace(self, service, store):
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        with pytest.raises(BatchValidationError):
            service.update("ann", "c1", [RemovePoint(1), AddPoint(EMAIL, "bad")])
        assert 1 == store.load("c1").version
        assert 1 == len(store.entries())

    def test_read_returns_set_and_version(self, service):
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        stored = service.read("ann", "c1")
        assert (1, 1) == (len(stored.contacts), stored.version)


class TestPermissions:
    """Refusals name the permission, say whom to ask, and come before any other work."""

    class Untouchable:
        def load(self, customer_id):
            raise AssertionError("storage touched before the permission check")

        save = record = load

    def test_update_needs_the_update_permission(self):
        readers = GrantTable.of(bob=[Permission.READ_CONTACT_DETAILS])
        store = self.Untouchable()
        service = ContactService(store, store, readers)
        with pytest.raises(PermissionDeniedError) as info:
            service.update("bob", "c1", [AddPoint(EMAIL, "not even valid")])
        message = str(info.value)
        assert "Update Customer Contact Details" in message
        assert "system administrator" in message
        assert "permission.denied" == info.value.code

    def test_read_needs_the_read_permission(self):
        store = self.Untouchable()
        service = ContactService(store, store, GrantTable.of())
        with pytest.raises(PermissionDeniedError, match="View Customer Contact Details"):
            service.read("eve", "c1")

    def test_may_answers_for_the_change_button(self, store):
        grants = GrantTable.of(ann=list(Permission), bob=[Permission.READ_CONTACT_DETAILS])
        service = service_over(store, grants)
        assert service.may("ann", Permission.UPDATE_CONTACT_DETAILS, "c1")
        assert not service.may("bob", Permission.UPDATE_CONTACT_DETAILS, "c1")


class TestConcurrency:
    """Two actors who both read version N: one saves, the other gets contact.conflict."""

    def test_stale_expected_version_is_a_conflict(self, service, store):
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        read_by_bob = service.read("bob", "c1").version
        service.update("ann", "c1", [AddPoint(EMAIL, "b@example.com")], expected_version=1)
        with pytest.raises(ConflictError) as info:
            service.update(
                "bob", "c1", [AddPoint(EMAIL, "c@example.com")], expected_version=read_by_bob
            )
        assert "contact.conflict" == info.value.code
        # Bob reloads and retries on the new version; nothing was lost.
        service.update(
            "bob",
            "c1",
            [AddPoint(EMAIL, "c@example.com")],
            expected_version=service.read("bob", "c1").version,
        )
        assert 3 == len(store.load("c1").contacts)

    def test_repository_refuses_a_stale_save(self, store):
        store.save("c1", ContactSet(), expected_version=0)
        with pytest.raises(ConflictError):
            store.save("c1", ContactSet(), expected_version=0)

    def test_threads_racing_lose_no_update(self, service, store):
        def worker(n):
            for i in range(20):
                while True:
                    version = service.read("w", "c1").version
                    try:
                        service.update(
                            "w",
                            "c1",
                            [AddPoint(EMAIL, f"w{n}-{i}@example.com")],
                            expected_version=version,
                        )
                        break
                    except ConflictError:
                        continue

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = store.load("c1")
        assert (80, 80) == (len(stored.contacts), stored.version)
        assert list(range(1, 81)) == [e.version for e in store.entries("c1")]


class TestAtomicity:
    """With a transaction, a failing activity log undoes the save."""

    class FailingSink:
        def record(self, entry):
            raise OSError("activity log unavailable")

    def test_failing_record_rolls_back_the_save(self, store):
        service = ContactService(
            store, self.FailingSink(), AllowAll(), transaction=store.transaction
        )
        with pytest.raises(OSError, match="activity log"):
            service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        assert (ContactSet(), 0) == (store.load("c1").contacts, store.load("c1").version)

    def test_a_record_then_a_failure_keeps_neither(self, store, service):
        class RecordThenFail:
            def record(self, entry, /):
                store.record(entry)
                raise OSError("the log's disk went away")

        service.update("ann", "c0", [AddPoint(EMAIL, "a@example.com")])
        failing = ContactService(store, RecordThenFail(), AllowAll(), transaction=store.transaction)
        with pytest.raises(OSError, match="went away"):
            failing.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
        assert (0, ["c0"]) == (
            store.load("c1").version,
            [entry.customer_id for entry in store.entries()],
        )

    def test_a_failed_inner_unit_undoes_only_its_own_work(self, store, service):
        def update_then_fail():
            with store.transaction():
                service.update("ann", "c2", [AddPoint(EMAIL, "b@example.com")])
                raise KeyError("boom")

        with store.transaction():
            service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])
            with pytest.raises(KeyError):
                update_then_fail()
        assert ((1, 0), ["c1"]) == (
            (store.load("c1").version, store.load("c2").version),
            [entry.customer_id for entry in store.entries()],
        )


changes = st.one_of(
    st.builds(
        AddPoint,
        st.sampled_from(list(ContactKind)),
        st.sampled_from(
            ["a@example.com", "B@example.com", "+31 6 12345678", "x.nl", "020 1234567", "bad", ""]
        ),
    ),
    st.builds(EditPoint, st.integers(1, 8), st.sampled_from(["c@example.com", "y.nl", "?"])),
    st.builds(RemovePoint, st.integers(1, 8)),
    st.builds(SetPrimary, st.sampled_from(list(ContactKind)), st.sampled_from(["d@x.nl", "z.nl"])),
    st.builds(ClearPrimary, st.sampled_from(list(ContactKind))),
)


class TestServiceAgainstModel:
    """Random batches through the service: the store matches a pure model, entries replay."""

    @given(st.lists(st.lists(changes, max_size=4), max_size=8))
    def test_random_batches(self, batches):
        store = InMemoryStore()
        service = service_over(store)
        model, versions = ContactSet(), [ContactSet()]
        for batch in batches:
            try:
                outcome = apply(model, batch, region="NL")
            except BatchValidationError:
                with pytest.raises(BatchValidationError):
                    service.update("ann", "c1", batch, region="NL")
                continue
            service.update("ann", "c1", batch, region="NL")
            if outcome.changes:  # a batch that changes nothing is not saved
                model = outcome.contacts
                versions.append(model)
        stored = store.load("c1")
        assert (model, len(versions) - 1) == (stored.contacts, stored.version)
        entries = store.entries("c1")
        assert list(range(1, len(versions))) == [entry.version for entry in entries]
        for entry in entries:
            old, new = versions[entry.version - 1], versions[entry.version]
            assert new.points == replay(old, entry.changes).points
