"""ContactService: authorise, then one unit of work: load, apply, save and record."""

import contextlib
import datetime as dt
import io
import threading
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ConflictError,
    ContactKind,
    ContactSet,
    ContactValidationError,
    EditPoint,
    PermissionDeniedError,
    RemovePoint,
    SetPrimary,
    bulk,
)
from contactbook.adapters.memory import AllowAll, FixedClock, GrantTable, InMemoryStore
from contactbook.audit import replay
from contactbook.operations import ClearPrimary, apply
from contactbook.ports import (
    AuditSink,
    Authorizer,
    BillingCountries,
    Clock,
    ContactRepository,
    HostUnitOfWork,
    Permission,
    UnitOfWork,
)
from contactbook.presentation.card import ContactCard
from contactbook.presentation.window import EditWindow
from contactbook.service import ContactService

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def service_over(store, authorizer=None, **options):
    return ContactService(
        store, authorizer or AllowAll(), clock=FixedClock(T0, dt.timedelta(seconds=1)), **options
    )


def save(service, customer_id, changes, actor="ann"):
    """Update on the version just read, as a form opened a moment ago would."""
    version = service.read(actor, customer_id).version
    return service.update(actor, customer_id, changes, expected_version=version)


def logged(store, customer_id):
    """The customer's whole activity log, oldest first."""
    return list(store.entries(customer_id, limit=1000).entries[::-1])


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
        assert isinstance(store, BillingCountries)
        assert isinstance(store, (ContactRepository, AuditSink, BillingCountries))
        assert isinstance(AllowAll(), Authorizer)
        assert isinstance(FixedClock(), Clock)

    def test_unknown_customer_is_the_empty_set_at_version_0(self, store):
        loaded = store.load("nobody")
        assert (ContactSet(), 0) == (loaded.contacts, loaded.version)

    def test_the_service_is_handed_one_unit_of_work(self, store):
        assert isinstance(store, UnitOfWork)
        assert (store, store, store) == (store.contacts, store.log, store.countries)
        with pytest.raises(TypeError):
            ContactService(store, store, AllowAll(), store)


class TestUpdate:
    """A saved batch is one new version and one activity entry."""

    def test_first_save_creates_version_1_and_an_entry(self, service, store):
        saved = save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        assert 1 == saved.version
        (entry,) = logged(store, "c1")
        assert ("c1", "ann", T0, 1) == (entry.customer_id, entry.actor, entry.at, entry.version)
        assert saved.entry == entry
        assert "Added email address a@example.com" in entry.summary()

    def test_entry_diff_has_before_and_after(self, service, store):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        save(service, "c1", [EditPoint(1, value="b@example.com")])
        change = logged(store, "c1")[1].changes[0]
        assert ("a@example.com", "b@example.com") == (change.before.value, change.after.value)

    def test_a_batch_that_changes_nothing_saves_and_records_nothing(self, service, store):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        saved = save(service, "c1", [ClearPrimary(WEBSITE)])
        assert (1, None) == (saved.version, saved.entry)
        assert 1 == len(logged(store, "c1"))
        assert 1 == store.load("c1").version

    def test_national_numbers_are_read_in_the_hosts_billing_country(self, service, store):
        store.set_billing_country("c1", "NL")
        saved = save(service, "c1", [SetPrimary(MOBILE, "06 12345678")])
        assert "+31612345678" == saved.contacts.primary(MOBILE).value
        assert "NL" == saved.contacts.primary(MOBILE).country

    def test_without_a_billing_country_a_national_number_is_refused(self, service):
        with pytest.raises(BatchValidationError) as refused:
            save(service, "c1", [SetPrimary(MOBILE, "06 12345678")])
        assert ["phone.country_required"] == [p.code for p in refused.value.errors]

    def test_warnings_are_returned(self, service, store):
        store.set_billing_country("c1", "NL")
        saved = save(service, "c1", [SetPrimary(MOBILE, "020 1234567")])
        assert ["mobile.fixed_line"] == [w.code for w in saved.warnings]

    def test_refused_batch_leaves_no_trace(self, service, store):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        with pytest.raises(BatchValidationError):
            save(service, "c1", [RemovePoint(1), AddPoint(EMAIL, "bad")])
        assert 1 == store.load("c1").version
        assert 1 == len(logged(store, "c1"))

    def test_read_returns_set_and_version(self, service):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        stored = service.read("ann", "c1")
        assert (1, 1) == (len(stored.contacts), stored.version)


class TestPermissions:
    """Refusals name the permission, say whom to ask, and come before any other work."""

    class Untouchable:
        def load(self, customer_id):
            raise AssertionError("storage touched before the permission check")

        save = record = entries = billing_country = transaction = load

    def test_update_needs_the_update_permission(self):
        readers = GrantTable.of(bob=[Permission.READ_CONTACT_DETAILS])
        store = self.Untouchable()
        service = ContactService(
            HostUnitOfWork(store, store, store, transaction=store.transaction), readers
        )
        with pytest.raises(PermissionDeniedError) as info:
            service.update("bob", "c1", [AddPoint(EMAIL, "not even valid")], expected_version=0)
        message = str(info.value)
        assert "Update Customer Contact Details" in message
        assert "system administrator" in message
        assert "permission.denied" == info.value.code

    def test_read_needs_the_read_permission(self):
        store = self.Untouchable()
        service = ContactService(
            HostUnitOfWork(store, store, store, transaction=store.transaction), GrantTable.of()
        )
        for read in (service.read, service.history, service.billing_country):
            with pytest.raises(PermissionDeniedError, match="View Customer Contact Details"):
                read("eve", "c1")
        with pytest.raises(PermissionDeniedError, match="View Customer Contact Details"):
            service.country_change("eve", "c1", "BE")

    def test_may_answers_for_the_change_button(self, store):
        grants = GrantTable.of(ann=list(Permission), bob=[Permission.READ_CONTACT_DETAILS])
        service = service_over(store, grants)
        assert service.may("ann", Permission.UPDATE_CONTACT_DETAILS, "c1")
        assert not service.may("bob", Permission.UPDATE_CONTACT_DETAILS, "c1")


class TestConcurrency:
    """Two actors who both read version N: one saves, the other gets contact.conflict."""

    def test_stale_expected_version_is_a_conflict(self, service, store):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
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
        assert list(range(1, 81)) == [e.version for e in logged(store, "c1")]


class TestAtomicity:
    """Load, save and record happen inside one unit: a failing log undoes the save."""

    class FailingSink:
        def record(self, entry, /):
            raise OSError("activity log unavailable")

        def entries(self, customer_id, /, *, limit=50, before=None):
            raise AssertionError("not read")

    def test_failing_record_rolls_back_the_save(self, store):
        unit = HostUnitOfWork(store, self.FailingSink(), store, transaction=store.transaction)
        service = ContactService(unit, AllowAll())
        with pytest.raises(OSError, match="activity log"):
            service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")], expected_version=0)
        assert (ContactSet(), 0) == (store.load("c1").contacts, store.load("c1").version)

    def test_every_read_and_write_happens_inside_the_unit(self, store):
        opened = []

        class Watched(InMemoryStore):
            depth = 0

            @contextlib.contextmanager
            def transaction(self):
                self.depth += 1
                try:
                    with super().transaction():
                        yield
                finally:
                    self.depth -= 1

            def _inside(self, what):
                opened.append((what, self.depth))

            def load(self, customer_id, /):
                self._inside("load")
                return super().load(customer_id)

            def save(self, customer_id, contacts, /, *, expected_version):
                self._inside("save")
                return super().save(customer_id, contacts, expected_version=expected_version)

            def record(self, entry, /):
                self._inside("record")
                super().record(entry)

            def billing_country(self, customer_id, /):
                self._inside("country")
                return super().billing_country(customer_id)

            def entries(self, customer_id, /, *, limit=50, before=None):
                self._inside("entries")
                return super().entries(customer_id, limit=limit, before=before)

        watched = Watched()
        service = service_over(watched)
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")], expected_version=0)
        service.check("ann", "c1", [AddPoint(EMAIL, "b@example.com")], expected_version=1)
        ContactCard.for_actor(service, "ann", "c1")
        service.history("ann", "c1")
        service.country_change("ann", "c1", "BE")
        assert opened
        assert [] == [what for what, depth in opened if depth != 1]


class TestNoUpdateWithoutAVersion:
    """Every update names the version its edit was built from: a stale one saves nothing."""

    def test_the_version_is_required(self, service):
        with pytest.raises(TypeError, match="expected_version"):
            service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")])

    @pytest.mark.parametrize("version", [None, -1, "1", 1.0, True])
    def test_a_version_that_is_not_one_is_refused(self, service, store, version):
        with pytest.raises(ContactValidationError) as refused:
            service.update(
                "ann", "c1", [AddPoint(EMAIL, "a@example.com")], expected_version=version
            )
        assert ("version.invalid", "expected_version") == (refused.value.code, refused.value.field)
        assert 0 == store.load("c1").version

    def test_a_stale_window_saves_and_records_nothing(self, service, store):
        store.set_billing_country("c1", "NL")
        opened_by_bob = service.read("bob", "c1").version
        save(service, "c1", [AddPoint(MOBILE, "06 34567890", "Billing Contact")])
        with pytest.raises(ConflictError) as refused:
            service.update("bob", "c1", [ClearPrimary(MOBILE)], expected_version=opened_by_bob)
        assert (0, 1) == (refused.value.expected, refused.value.actual)
        stored = store.load("c1")
        assert (1, ["+31634567890"]) == (stored.version, [p.value for p in stored.contacts])
        assert ["ann"] == [entry.actor for entry in logged(store, "c1")]


class TestPreview:
    """A check looks at a batch as a save would, and saves nothing."""

    def test_a_check_returns_the_outcome_and_warnings_and_saves_nothing(self, service, store):
        store.set_billing_country("c1", "NL")
        outcome = service.check(
            "ann", "c1", [SetPrimary(MOBILE, "020 1234567")], expected_version=0
        )
        assert "+31201234567" == outcome.contacts.primary(MOBILE).value
        assert ["mobile.fixed_line"] == [w.code for w in outcome.warnings]
        assert (0, []) == (store.load("c1").version, logged(store, "c1"))

    def test_a_check_reports_every_error(self, service):
        with pytest.raises(BatchValidationError) as refused:
            service.check(
                "ann",
                "c1",
                [AddPoint(EMAIL, "bad"), AddPoint(WEBSITE, "ftp://x")],
                expected_version=0,
            )
        assert [("email.invalid", 0), ("website.scheme", 1)] == [
            (p.code, p.index) for p in refused.value.errors
        ]

    def test_a_stale_check_is_a_conflict(self, service):
        save(service, "c1", [AddPoint(EMAIL, "a@example.com")])
        with pytest.raises(ConflictError):
            service.check("ann", "c1", [ClearPrimary(EMAIL)], expected_version=0)

    def test_a_check_needs_the_update_permission(self, store):
        service = service_over(store, GrantTable.of(bob=[Permission.READ_CONTACT_DETAILS]))
        with pytest.raises(PermissionDeniedError):
            service.check("bob", "c1", [], expected_version=0)


class TestHistory:
    """The activity log is read through the service, newest first, a page at a time."""

    def test_pages_come_newest_first_with_a_cursor(self, service):
        for n in range(5):
            save(service, "c1", [AddPoint(EMAIL, f"a{n}@example.com")])
        first = service.history("ann", "c1", limit=2)
        second = service.history("ann", "c1", limit=2, before=first.next)
        last = service.history("ann", "c1", limit=2, before=second.next)
        versions = [[e.version for e in page.entries] for page in (first, second, last)]
        assert [[5, 4], [3, 2], [1]] == versions
        assert None is last.next


class TestBillingCountry:
    """The billing country comes from the host; changing it rewrites nothing."""

    def test_a_country_change_reports_what_would_read_differently(self, service, store):
        store.set_billing_country("c1", "BE")
        save(service, "c1", [AddPoint(PHONE, "02 511 12 34"), AddPoint(MOBILE, "+31612345678")])
        findings = service.country_change("ann", "c1", "NL")
        assert [("+3225111234", "02 511 12 34", None, "phone.invalid")] == [
            (f.point.value, f.point.entered, f.value, f.problem.code) for f in findings
        ]
        assert "+3225111234" == store.load("c1").contacts.primary(PHONE).value

    def test_revalidation_reads_each_number_in_its_own_country(self, service, store):
        from contactbook.operations import revalidate

        store.set_billing_country("c1", "BE")
        save(service, "c1", [AddPoint(PHONE, "02 511 12 34")])
        store.set_billing_country("c1", "NL")
        assert () == revalidate(store.load("c1").contacts)
        assert "NL" == service.billing_country("ann", "c1")

    def test_an_unknown_country_code_is_refused(self, service):
        with pytest.raises(ContactValidationError) as refused:
            service.country_change("ann", "c1", "XX")
        assert "country.invalid" == refused.value.code


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
        store.set_billing_country("c1", "NL")
        service = service_over(store)
        model, versions = ContactSet(), [ContactSet()]
        for batch in batches:
            try:
                outcome = apply(model, batch, country="NL")
            except BatchValidationError:
                with pytest.raises(BatchValidationError):
                    save(service, "c1", batch)
                continue
            save(service, "c1", batch)
            if outcome.changes:  # a batch that changes nothing is not saved
                model = outcome.contacts
                versions.append(model)
        stored = store.load("c1")
        assert (model, len(versions) - 1) == (stored.contacts, stored.version)
        entries = logged(store, "c1")
        assert list(range(1, len(versions))) == [entry.version for entry in entries]
        for entry in entries:
            old, new = versions[entry.version - 1], versions[entry.version]
            assert new.points == replay(old, entry.changes).points


# --------------------------------------------------------------------------- issue 20


class Spy(InMemoryStore):
    """A store and authorizer that log, in order, each question, unit and store call."""

    def __init__(self, *, allowed=True):
        super().__init__()
        self.allowed = allowed
        self.calls = []

    def is_allowed(self, actor, permission, customer_id, /):
        self.calls.append("ask")
        return self.allowed

    @contextlib.contextmanager
    def transaction(self):
        self.calls.append("unit")
        with super().transaction():
            yield

    def load(self, customer_id, /):
        self.calls.append("load")
        return super().load(customer_id)

    def load_many(self, customer_ids, /):
        self.calls.extend("load" for _ in customer_ids)  # one load of each customer
        return super().load_many(customer_ids)

    def save(self, customer_id, contacts, /, *, expected_version):
        self.calls.append("save")
        return super().save(customer_id, contacts, expected_version=expected_version)

    def save_many(self, saves, /):
        self.calls.extend("save" for _ in saves)
        super().save_many(saves)

    def record_many(self, entries, /):
        self.calls.extend("record" for _ in entries)
        super().record_many(entries)

    def record(self, entry, /):
        self.calls.append("record")
        super().record(entry)

    def billing_country(self, customer_id, /):
        self.calls.append("country")
        return super().billing_country(customer_id)

    def entries(self, customer_id, /, *, limit=50, before=None):
        self.calls.append("entries")
        return super().entries(customer_id, limit=limit, before=before)


def spied_service(spy):
    unit = HostUnitOfWork(spy, spy, spy, transaction=spy.transaction)
    return ContactService(unit, spy, clock=FixedClock(T0))


POST = {"version": "0", "primary.email.value": "b@example.com", "action": "save"}
CARD = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEMAIL:b@example.com\r\nEND:VCARD\r\n"
CSV = b"customer_id,kind,value\r\nc1,email,b@example.com\r\nc2,email,c@example.com\r\n"
ADD = [AddPoint(EMAIL, "b@example.com")]
ADDED = apply(ContactSet(), [AddPoint(EMAIL, "c@example.com")]).contacts.points


def _import_blocks(service, actor):
    from contactbook.interchange.csv_check import check_blocks
    from contactbook.interchange.csv_read import open_export

    blocks = check_blocks(open_export(io.BytesIO(CSV)))
    return list(bulk.import_blocks(service, actor, blocks, bulk.Imported()))


def _edit(service, actor):
    with service.editing(actor, "c1") as edit:
        return edit.save(ADD, expected_version=edit.stored.version)


#: Every use case of ContactService and contactbook.bulk, as a call of (service, actor).
USE_CASES = {
    "read": lambda service, actor: service.read(actor, "c1"),
    "for_actor": lambda service, actor: ContactCard.for_actor(service, actor, "c1"),
    "history": lambda service, actor: service.history(actor, "c1"),
    "billing_country": lambda service, actor: service.billing_country(actor, "c1"),
    "country_change": lambda service, actor: service.country_change(actor, "c1", "BE"),
    "check": lambda service, actor: service.check(actor, "c1", ADD, expected_version=0),
    "update": lambda service, actor: service.update(actor, "c1", ADD, expected_version=0),
    "merge": lambda service, actor: service.merge(actor, "c1", apply(ContactSet(), ADD).contacts),
    "merge_many": lambda service, actor: service.merge_many(
        actor, [("c1", apply(ContactSet(), ADD).contacts.points), ("c2", ADDED)]
    ),
    "editing": _edit,
    "window_open": lambda service, actor: EditWindow.open(service, actor, "c1"),
    "window_post": lambda service, actor: EditWindow.post(service, actor, "c1", POST),
    "import_file": lambda service, actor: bulk.import_file(service, actor, io.BytesIO(CSV)),
    "import_blocks": _import_blocks,
    "import_vcard": lambda service, actor: bulk.import_vcard(service, actor, "c1", CARD),
    "import_vcard_file": lambda service, actor: bulk.import_vcard_file(
        service, actor, io.BytesIO(CARD.encode())
    ),
}


def test_the_spy_lists_every_use_case():
    """A new use case of the service or of bulk must be added to USE_CASES."""
    public = {
        name
        for name in dir(ContactService)
        if not name.startswith("_")
        and name not in {"on", "authorize", "may"}
        and callable(getattr(ContactService, name))
    }
    windows = {"for_actor", "window_open", "window_post"}
    assert public | windows | {*bulk.__all__} - {"DEFAULT_PER_UNIT", "Imported"} == set(USE_CASES)


#: What each use case asks, opens and loads: (questions, units, loads).
ONE_CALL = {
    "read": (1, 1, 1),
    "for_actor": (2, 1, 1),  # the read permission, and whether to offer "Change"
    "history": (1, 1, 0),
    "billing_country": (1, 1, 0),
    "country_change": (1, 1, 1),
    "check": (1, 1, 1),
    "update": (1, 1, 1),
    "merge": (1, 1, 1),
    "editing": (1, 1, 1),
    "import_vcard": (1, 1, 1),
    "window_open": (1, 1, 1),
    "window_post": (1, 1, 1),
}


@pytest.mark.parametrize("name", ONE_CALL)
def test_a_use_case_asks_once_opens_one_unit_and_loads_once(name):
    spy = Spy()
    USE_CASES[name](spied_service(spy), "ann")
    counted = Counter(spy.calls)
    assert ONE_CALL[name] == (counted["ask"], counted["unit"], counted["load"])


@pytest.mark.parametrize("name", ["import_file", "import_blocks", "merge_many"])
def test_a_bulk_import_asks_and_loads_once_per_customer(name):
    spy = Spy()
    USE_CASES[name](spied_service(spy), "ann")
    counted = Counter(spy.calls)
    assert (2, 1, 2) == (counted["ask"], counted["unit"], counted["load"])  # two customers


class TestPermissionBeforeTheUnit:
    """Every use case asks the authorizer before it opens a unit of work or reads."""

    @pytest.mark.parametrize("name", USE_CASES)
    def test_the_first_call_is_the_question(self, name):
        spy = Spy()
        USE_CASES[name](spied_service(spy), "ann")
        assert "unit" in spy.calls
        first_unit = spy.calls.index("unit")
        assert "ask" == spy.calls[0]
        assert [] == [call for call in spy.calls[:first_unit] if call != "ask"]

    @pytest.mark.parametrize("name", USE_CASES)
    def test_a_denied_actor_opens_no_unit_and_reads_nothing(self, name):
        spy = Spy(allowed=False)
        try:
            result = USE_CASES[name](spied_service(spy), "ann")
        except PermissionDeniedError:
            pass
        else:  # a bulk import reports each customer refused on its rows
            assert name in {"import_file", "import_blocks", "import_vcard_file", "merge_many"}
            refused = (
                Counter(problem.code for block in result for problem in block.problems)
                if name == "import_blocks"
                else Counter(answer.code for answer in result)
                if name == "merge_many"
                else result.summary.errors
            )
            customers = 1 if name == "import_vcard_file" else 2  # one card, two customers
            assert {"permission.denied": customers} == refused
        assert {"ask"} == set(spy.calls)

    def test_a_denied_vcard_import_is_denied_even_while_another_writer_holds_the_lock(
        self, tmp_path
    ):
        from contactbook.adapters.sqlite import SQLiteStore

        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store, SQLiteStore(path, timeout=0.1) as other:
            service = ContactService(store, GrantTable.of())
            with other.transaction():
                other.save("c9", ContactSet(), expected_version=0)  # holds the write lock
                with pytest.raises(PermissionDeniedError):
                    bulk.import_vcard(service, "bob", "c1", CARD)


class TestTheActor:
    """An actor no log line can show (blank, not a str, unprintable) is refused first."""

    @pytest.mark.parametrize(
        "actor", ["", " ", "\t", "\u3000", "ann\n", "ann\x00", "ann\x1b[2J", "ann\u202e", 7, None]
    )
    @pytest.mark.parametrize("name", USE_CASES)
    def test_every_use_case_refuses_it_before_anything_else(self, name, actor):
        spy = Spy()
        with pytest.raises(ContactValidationError) as info:
            USE_CASES[name](spied_service(spy), actor)
        assert ("actor.invalid", "actor") == (info.value.code, info.value.field)
        assert [] == spy.calls

    def test_an_empty_actor_records_nothing(self, service, store):
        with pytest.raises(ContactValidationError):
            service.update("", "c1", ADD, expected_version=0)
        assert (0, ()) == (store.load("c1").version, store.entries("c1").entries)

    def test_a_name_with_spaces_and_accents_is_an_actor(self, service, store):
        saved = service.update("Zoë van Dijk", "c1", ADD, expected_version=0)
        assert "Zoë van Dijk" == saved.entry.actor


class TestSurrogatesInTheRequest:
    """A surrogate in the actor or the customer id is text.character in every use case."""

    @pytest.mark.parametrize("text", ["x\udbff\udc00", "x\ud800", "\udc80"])
    @pytest.mark.parametrize("name", USE_CASES)
    def test_in_the_actor(self, name, text):
        spy = Spy()
        with pytest.raises(ContactValidationError) as info:
            USE_CASES[name](spied_service(spy), text)
        assert ("text.character", "actor") == (info.value.code, info.value.field)
        assert [] == spy.calls

    @pytest.mark.parametrize(
        "call",
        [
            lambda service: service.read("ann", "c\udbff\udc00"),
            lambda service: service.history("ann", "c\ud800"),
            lambda service: service.update("ann", "c\udc80", ADD, expected_version=0),
            lambda service: service.merge("ann", "c\udbff\udc00", ()),
            lambda service: bulk.import_vcard(service, "ann", "c\udbff\udc00", CARD),
        ],
    )
    def test_in_the_customer_id(self, call):
        spy = Spy()
        with pytest.raises(ContactValidationError) as info:
            call(spied_service(spy))
        assert ("text.character", "customer_id") == (info.value.code, info.value.field)
        assert [] == spy.calls

    def test_a_csv_customer_id_with_a_surrogate_is_refused_on_its_row(self):
        spy = Spy()
        data = "customer_id,kind,value\r\nc\udbff\udc00,email,b@example.com\r\n"
        imported = bulk.import_file(
            spied_service(spy), "ann", io.BytesIO(data.encode("utf-8", "surrogatepass"))
        )
        assert "unit" not in spy.calls
        assert 0 == imported.changed
