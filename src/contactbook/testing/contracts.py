"""Contract test suites for the ports a host implements: run them against your own.

Subclass a contract in your test suite, name the subclass ``Test...`` so that pytest
collects it, and override one fixture that returns your implementation::

    from contactbook.testing.contracts import (
        AuditSinkContract, BillingCountriesContract, RepositoryContract,
        UnitOfWorkContract,
    )
    from contactbook.ports import HostUnitOfWork

    class TestOurRepository(RepositoryContract):
        @pytest.fixture
        def repository(self):
            return OurRepository(test_database_url)

    class TestOurActivityLog(AuditSinkContract):          # record, and entries paged
        @pytest.fixture
        def audit_sink(self):
            return OurActivityLog(test_database_url)

    class TestOurBillingCountries(BillingCountriesContract):
        @pytest.fixture
        def countries(self):
            return OurCustomers(test_database_url)

        def set_country(self, countries, customer_id, code):
            countries.update_customer(customer_id, billing_country=code)

    class TestOurUnitOfWork(UnitOfWorkContract):          # atomicity and nesting
        @pytest.fixture
        def unit(self):
            db = OurDatabase(test_database_url)
            return HostUnitOfWork(
                db.repository, db.activity_log, db.customers, transaction=db.transaction
            )

The shipped stores (:class:`~contactbook.adapters.memory.InMemoryStore`,
:class:`~contactbook.adapters.sqlite.SQLiteStore` and the PostgreSQL store) pass these
same suites in contactbook's own tests.

Every test uses fresh random customer ids, so a suite may run against a database that
already holds data (a shared test database): it never needs an empty one, and it
leaves its rows behind for you to remove or ignore.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    Event,
    PointAdded,
    PointRemoved,
    PrimaryChanged,
    ValueChanged,
    diff,
)
from contactbook.errors import (
    ConflictError,
    ContactError,
    ContactValidationError,
    EntryNotFoundError,
)
from contactbook.model import MAX_POINTS, ContactKind, ContactPoint, ContactSet
from contactbook.operations import AddPoint, apply
from contactbook.ports import (
    ActivityPage,
    AuditSink,
    BatchStore,
    BillingCountries,
    ContactRepository,
    HostUnitOfWork,
    MarkStore,
    Permission,
    Stored,
    UnitOfWork,
)
from contactbook.service import ContactService
from contactbook.testing.strategies import batches, contact_sets, countries

__all__ = [
    "AuditSinkContract",
    "BatchStoreContract",
    "BillingCountriesContract",
    "MarkStoreContract",
    "RepositoryContract",
    "UnitOfWorkContract",
]

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)

# Property tests reuse the implementation the fixture made once per test: every example
# works on a customer of its own, so sharing it is safe, and building a database per
# example would make the suite slow. The deadline is off because real storage has
# I/O-bound outliers; the number of examples comes from your Hypothesis profile. The
# explain phase is left out: against real storage it can take minutes to say which lines
# a failure ran, while the shrunk example already says what was lost. Each subclass runs
# the same test function with its own ``self`` (differing executors); that is the point
# of a contract, and an example saved for one implementation is a fair input for another.
_WITH_A_FIXTURE = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.differing_executors,
    ],
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
_ANY_SET = contact_sets(max_size=12) | countries().flatmap(
    lambda country: contact_sets(country=country, max_size=12)
)
_UTC = dt.timezone.utc

#: Numbers no store may pass to its database: past 64 bits, negative, or not an int.
_NOT_VERSIONS = (2**63, 2**64 + 1, 10**5000, -1, True, 1.0, "1", None)
_NOT_PAGE_SIZES = (0, -1, 2**63 - 1, 2**63, 2**64 + 1, 10**5000, True, 1.5, "3", None)

#: Any text at all, the surrogates (lone or in pairs) and NUL included.
_ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=30) | st.sampled_from(
    ["x\udbff\udc00", "\ud83d\ude00", "\udc00\ud800", "a\x00b", "\ud800", ""]
)


def new_customer_id(label: str = "customer") -> str:
    """Return a customer id no test has used before (random, readable in failures)."""
    return f"{label}-{uuid.uuid4().hex[:12]}"


def _point(
    point_id: int,
    kind: ContactKind,
    value: str,
    *,
    description: str | None = None,
    entered: str | None = None,
    country: str | None = None,
) -> ContactPoint:
    return ContactPoint(point_id, kind, value, description, entered or value, country)


def tricky_set() -> ContactSet:
    """Return a set that catches lossy storage: gaps in ids, Unicode, entered != value."""
    return ContactSet(
        (
            _point(
                2,
                EMAIL,
                "Jöns.O'Brien@bücher.de",
                description="Billing Contact",
                entered="  Jöns.O'Brien@BÜCHER.de ",
            ),
            _point(3, PHONE, "+31201234567", entered="020 123 4567", country="NL"),
            _point(
                5,
                MOBILE,
                "+447400123456",
                description="Emergency Contact 🚑",
                entered="+44 7400 123456",
                country="GB",
            ),
            _point(
                6,
                WEBSITE,
                "https://xn--mnchen-3ya.de/preise?a=1&b='x'",
                description='Work; DROP TABLE "contacts"; --',
                entered="münchen.de/preise?a=1&b='x'",
            ),
            _point(8, EMAIL, "facturen@example.nl", description="x" * 100),
            _point(9, MOBILE, "+31612345678", entered="06 12345678", country="NL"),
        ),
        next_id=12,
    )


class RepositoryContract:
    """The rules every :class:`~contactbook.ports.ContactRepository` must keep.

    Override the ``repository`` fixture. If one repository object must not be shared
    between threads, also override :meth:`concurrent_repositories` to return separate
    handles (connections) to the same storage.
    """

    @pytest.fixture
    def repository(self) -> ContactRepository:
        """Return the repository under test (override this fixture)."""
        msg = "Override the `repository` fixture to return the repository under test."
        raise NotImplementedError(msg)

    def concurrent_repositories(
        self, repository: ContactRepository, count: int
    ) -> Sequence[ContactRepository]:
        """Return ``count`` handles on the same storage, one per thread (default: shared)."""
        return [repository] * count

    # ----------------------------------------------------------------- the protocol

    def test_implements_the_repository_protocol(self, repository: ContactRepository) -> None:
        """The object has ``load`` and ``save`` (``typing.runtime_checkable``)."""
        assert isinstance(repository, ContactRepository)

    def test_an_unknown_customer_is_the_empty_set_at_version_0(
        self, repository: ContactRepository
    ) -> None:
        """A customer with nothing saved loads as ``Stored(ContactSet(), 0)``."""
        stored = repository.load(new_customer_id())
        assert (ContactSet(), 0) == (stored.contacts, stored.version)

    # ----------------------------------------------------------------- versions

    def test_each_save_returns_the_expected_version_plus_one(
        self, repository: ContactRepository
    ) -> None:
        """Saves number versions 1, 2, 3 ...; a load returns the last set and version."""
        customer = new_customer_id()
        contacts = ContactSet()
        for version in range(3):
            contacts = apply(contacts, [_add_email(version)]).contacts
            assert version + 1 == repository.save(customer, contacts, expected_version=version)
        stored = repository.load(customer)
        assert (contacts, 3) == (stored.contacts, stored.version)

    def test_saving_an_unchanged_set_still_makes_a_version(
        self, repository: ContactRepository
    ) -> None:
        """A version counts saves, not differences: saving equal sets still adds one."""
        customer = new_customer_id()
        contacts = tricky_set()
        assert 1 == repository.save(customer, contacts, expected_version=0)
        assert 2 == repository.save(customer, contacts, expected_version=1)

    def test_a_stale_save_raises_a_conflict_and_stores_nothing(
        self, repository: ContactRepository
    ) -> None:
        """Saving with a version that moved on raises ``contact.conflict``; nothing changes."""
        customer = new_customer_id()
        first = apply(ContactSet(), [_add_email(1)]).contacts
        late = apply(ContactSet(), [_add_email(2)]).contacts
        repository.save(customer, first, expected_version=0)
        with pytest.raises(ConflictError) as refused:
            repository.save(customer, late, expected_version=0)
        assert "contact.conflict" == refused.value.code
        assert 0 == refused.value.expected
        assert refused.value.actual in {None, 1}  # a store may check without reading back
        stored = repository.load(customer)
        assert (first, 1) == (stored.contacts, stored.version)

    def test_a_save_from_the_future_raises_a_conflict(self, repository: ContactRepository) -> None:
        """A version the customer never had (ahead of the stored one) is a conflict too."""
        customer = new_customer_id()
        contacts = apply(ContactSet(), [_add_email(1)]).contacts
        for wrong in (1, 5):
            with pytest.raises(ConflictError):
                repository.save(customer, contacts, expected_version=wrong)
        assert 0 == repository.load(customer).version
        repository.save(customer, contacts, expected_version=0)
        with pytest.raises(ConflictError):
            repository.save(customer, contacts, expected_version=2)
        stored = repository.load(customer)
        assert (contacts, 1) == (stored.contacts, stored.version)

    def test_a_version_no_database_holds_is_refused_before_the_write(
        self, repository: ContactRepository
    ) -> None:
        """``expected_version`` past 64 bits, negative or not an int: ``version.invalid``."""
        customer = new_customer_id()
        contacts = apply(ContactSet(), [_add_email(1)]).contacts
        for wrong in _NOT_VERSIONS:
            with pytest.raises(ContactValidationError) as refused:
                repository.save(customer, contacts, expected_version=wrong)  # type: ignore[arg-type]  # the point
            assert "version.invalid" == refused.value.code, wrong
        assert 0 == repository.load(customer).version

    # ----------------------------------------------------------------- round trips

    def test_a_set_round_trips_exactly(self, repository: ContactRepository) -> None:
        """Ids, ``next_id``, values, entered text, countries and descriptions all survive."""
        customer = new_customer_id()
        repository.save(customer, tricky_set(), expected_version=0)
        loaded = repository.load(customer).contacts
        assert tricky_set() == loaded
        assert [p.id for p in tricky_set()] == [p.id for p in loaded]
        assert 12 == loaded.next_id

    def test_an_emptied_set_keeps_its_next_id(self, repository: ContactRepository) -> None:
        """Removing every point must not let ids be reused: ``next_id`` is stored too."""
        customer = new_customer_id()
        repository.save(customer, tricky_set(), expected_version=0)
        repository.save(customer, ContactSet((), next_id=12), expected_version=1)
        stored = repository.load(customer)
        assert (ContactSet((), next_id=12), 2) == (stored.contacts, stored.version)

    def test_a_full_set_round_trips(self, repository: ContactRepository) -> None:
        """The largest set (100 points) is stored whole, in order."""
        customer = new_customer_id()
        points = [_point(n, EMAIL, f"person{n}@example.com") for n in range(1, MAX_POINTS + 1)]
        contacts = ContactSet(points)
        repository.save(customer, contacts, expected_version=0)
        assert contacts == repository.load(customer).contacts

    @_WITH_A_FIXTURE
    @given(contacts=_ANY_SET)
    def test_any_set_round_trips_exactly(
        self, repository: ContactRepository, contacts: ContactSet
    ) -> None:
        """Every set the strategies draw loads back equal (property test)."""
        customer = new_customer_id()
        repository.save(customer, contacts, expected_version=0)
        stored = repository.load(customer)
        assert (contacts, 1) == (stored.contacts, stored.version)

    @_WITH_A_FIXTURE
    @given(customer=_ANY_TEXT, texts=st.lists(_ANY_TEXT, min_size=3, max_size=3))
    def test_every_string_it_accepts_comes_back_identical(
        self, repository: ContactRepository, customer: str, texts: list[str]
    ) -> None:
        """Any text in an id, value, entered text or description: kept exactly, or refused.

        A store that cannot hold a string exactly (a surrogate, a NUL) refuses it with
        ``text.character``; it never hands back another string.
        """
        value, entered, description = texts
        customer = f"{new_customer_id()}{customer}"
        contacts = ContactSet([ContactPoint(1, EMAIL, value, description, entered, None)])
        refused = _refusal(lambda: repository.save(customer, contacts, expected_version=0))
        if refused is not None:
            assert "text.character" == refused.code
            return
        stored = repository.load(customer)
        assert (contacts, 1) == (stored.contacts, stored.version)
        (point,) = stored.contacts.points
        assert [value, entered, description] == [point.value, point.entered, point.description]

    # ----------------------------------------------------------------- customers

    def test_customers_are_kept_apart(self, repository: ContactRepository) -> None:
        """Saving one customer's set changes no other customer's set or version."""
        base = new_customer_id()
        # Ids that collations, trimming or number parsing would wrongly merge.
        customers = [base, base.upper(), f" {base}", f"{base}-ü", f"{base}'--", "0" + base]
        for number, customer in enumerate(customers, 1):
            contacts = apply(ContactSet(), [_add_email(n) for n in range(number)]).contacts
            repository.save(customer, contacts, expected_version=0)
        for number, customer in enumerate(customers, 1):
            stored = repository.load(customer)
            assert (number, 1) == (len(stored.contacts), stored.version), customer
        repository.save(base, ContactSet((), next_id=2), expected_version=1)
        for number, customer in enumerate(customers[1:], 2):
            stored = repository.load(customer)
            assert (number, 1) == (len(stored.contacts), stored.version), customer

    # ----------------------------------------------------------------- concurrency

    def test_of_savers_of_one_version_exactly_one_wins(self, repository: ContactRepository) -> None:
        """Threads saving the same version at once: one succeeds, the others conflict."""
        customer = new_customer_id()
        count = 8
        outcomes: list[str] = []

        def save(handle: ContactRepository, number: int) -> None:
            contacts = apply(ContactSet(), [_add_email(number)]).contacts
            try:
                handle.save(customer, contacts, expected_version=0)
            except ConflictError:
                outcomes.append("conflict")
            else:
                outcomes.append(f"saved {number}")

        _run_together(self.concurrent_repositories(repository, count), save)
        won = [outcome for outcome in outcomes if outcome != "conflict"]
        assert (1, count - 1) == (len(won), outcomes.count("conflict"))
        stored = repository.load(customer)
        assert 1 == stored.version
        assert [f"saved {_email_number(stored.contacts)}"] == won

    def test_concurrent_savers_that_retry_lose_nothing(self, repository: ContactRepository) -> None:
        """Threads that reload and retry on conflict: every thread's point is kept."""
        customer = new_customer_id()
        count, rounds = 6, 3

        def add_mine(handle: ContactRepository, number: int) -> None:
            for round_ in range(rounds):
                while True:
                    stored = handle.load(customer)
                    change = _add_email(number * 100 + round_)
                    contacts = apply(stored.contacts, [change]).contacts
                    try:
                        handle.save(customer, contacts, expected_version=stored.version)
                    except ConflictError:
                        continue
                    break

        _run_together(self.concurrent_repositories(repository, count), add_mine)
        stored = repository.load(customer)
        expected = {_address(n * 100 + r) for n in range(count) for r in range(rounds)}
        assert expected == {point.value for point in stored.contacts}
        assert count * rounds == stored.version


class AuditSinkContract:
    """The rules every :class:`~contactbook.ports.AuditSink` must keep.

    Override the ``audit_sink`` fixture, and :meth:`recorded` to say how to read back
    what the sink kept for one customer (in any order).
    """

    @pytest.fixture
    def audit_sink(self) -> AuditSink:
        """Return the audit sink under test (override this fixture)."""
        msg = "Override the `audit_sink` fixture to return the audit sink under test."
        raise NotImplementedError(msg)

    def recorded(self, audit_sink: AuditSink, customer_id: str) -> Sequence[ActivityEntry]:
        """Return every entry ``audit_sink`` kept for ``customer_id``, through its pages."""
        return _all_pages(audit_sink, customer_id, limit=7)

    def _assert_kept(self, audit_sink: AuditSink, entries: Sequence[ActivityEntry]) -> None:
        customer = entries[0].customer_id
        kept = list(self.recorded(audit_sink, customer))
        assert _in_order(entries) == _in_order(kept)

    # ----------------------------------------------------------------- tests

    def test_implements_the_audit_sink_protocol(self, audit_sink: AuditSink) -> None:
        """The object has ``record`` and ``entries`` (``typing.runtime_checkable``)."""
        assert isinstance(audit_sink, AuditSink)

    # ----------------------------------------------------------------- the read side

    def test_a_customer_without_entries_has_an_empty_last_page(self, audit_sink: AuditSink) -> None:
        """Reading the log of a customer with no entries gives no entries and no cursor."""
        assert ActivityPage((), None) == audit_sink.entries(new_customer_id())

    def test_entries_come_newest_first_a_page_at_a_time(self, audit_sink: AuditSink) -> None:
        """Pages hold ``limit`` entries, newest first; ``next`` leads to the older ones."""
        customer = new_customer_id()
        entries = _history(customer, 7)
        for entry in entries:
            audit_sink.record(entry)
        first = audit_sink.entries(customer, limit=3)
        assert [7, 6, 5] == [entry.version for entry in first.entries]
        assert first.next is not None
        second = audit_sink.entries(customer, limit=3, before=first.next)
        assert [4, 3, 2] == [entry.version for entry in second.entries]
        last = audit_sink.entries(customer, limit=3, before=second.next)
        assert ([1], None) == ([entry.version for entry in last.entries], last.next)
        exact = audit_sink.entries(customer, limit=7)
        assert (entries[::-1], None) == (list(exact.entries), exact.next)

    def test_a_cursor_does_not_shift_when_entries_are_added(self, audit_sink: AuditSink) -> None:
        """Entries written between two pages do not repeat or skip any entry of the next."""
        customer = new_customer_id()
        entries = _history(customer, 6)
        for entry in entries[:4]:
            audit_sink.record(entry)
        first = audit_sink.entries(customer, limit=2)
        for entry in entries[4:]:
            audit_sink.record(entry)
        second = audit_sink.entries(customer, limit=2, before=first.next)
        assert [2, 1] == [entry.version for entry in second.entries]
        assert [6, 5, 4] == [e.version for e in audit_sink.entries(customer, limit=3).entries]

    def test_pages_hold_only_the_customers_own_entries(self, audit_sink: AuditSink) -> None:
        """Interleaved entries of two customers page apart, each complete and in order."""
        mine, theirs = new_customer_id(), new_customer_id()
        for my_entry, their_entry in zip(_history(mine, 5), _history(theirs, 5), strict=True):
            audit_sink.record(my_entry)
            audit_sink.record(their_entry)
        for customer in (mine, theirs):
            kept = _all_pages(audit_sink, customer, limit=2)
            assert [5, 4, 3, 2, 1] == [entry.version for entry in kept]
            assert {customer} == {entry.customer_id for entry in kept}

    def test_an_unknown_cursor_is_refused(self, audit_sink: AuditSink) -> None:
        """A ``before`` the log never gave out raises ``activity.not_found``."""
        customer = new_customer_id()
        audit_sink.record(_history(customer, 1)[0])
        with pytest.raises(EntryNotFoundError) as refused:
            audit_sink.entries(customer, before=uuid.uuid4().hex)
        assert "activity.not_found" == refused.value.code

    def test_a_page_size_no_database_holds_is_refused(self, audit_sink: AuditSink) -> None:
        """A ``limit`` below 1, past 64 bits (one more row included) or no int: ``page.invalid``."""
        customer = new_customer_id()
        audit_sink.record(_history(customer, 1)[0])
        for limit in _NOT_PAGE_SIZES:
            with pytest.raises(ContactValidationError) as refused:
                audit_sink.entries(customer, limit=limit)  # type: ignore[arg-type]  # the point
            assert "page.invalid" == refused.value.code, limit
        assert 1 == len(audit_sink.entries(customer, limit=2**63 - 2).entries)

    def test_an_entry_version_no_database_holds_is_refused(self, audit_sink: AuditSink) -> None:
        """An entry whose ``version`` is past 64 bits is refused (``version.invalid``), not kept."""
        customer = new_customer_id()
        for wrong in (2**63, 2**64 + 1, -1):
            with pytest.raises(ContactValidationError) as refused:
                audit_sink.record(_entry(customer, wrong, diff(ContactSet(), tricky_set())))
            assert "version.invalid" == refused.value.code, wrong
        assert ActivityPage((), None) == audit_sink.entries(customer)
        largest = _entry(customer, 2**63 - 1, diff(ContactSet(), tricky_set()))
        audit_sink.record(largest)
        self._assert_kept(audit_sink, [largest])

    def test_an_entry_is_kept_exactly(self, audit_sink: AuditSink) -> None:
        """One recorded entry reads back equal: id, customer, actor, time, version, changes."""
        after = tricky_set()
        entry = _entry(new_customer_id(), 1, diff(ContactSet(), after), actor="Zoë O'Neil")
        audit_sink.record(entry)
        self._assert_kept(audit_sink, [entry])

    def test_every_kind_of_change_is_kept(self, audit_sink: AuditSink) -> None:
        """Added, removed, value, description and primary changes keep before and after."""
        customer = new_customer_id()
        before = tricky_set()
        email, phone, mobile, website, second_email, second_mobile = before.points
        after = ContactSet(
            (
                ContactPoint(email.id, EMAIL, "new@bücher.de", email.description, "new@bücher.de"),
                _point(
                    mobile.id,
                    MOBILE,
                    mobile.value,
                    description=None,
                    entered=mobile.entered,
                    country=mobile.country,
                ),
                second_email,
                second_mobile,
                _point(12, WEBSITE, "https://example.org", entered="example.org"),
            ),
            next_id=13,
        )
        changes = diff(before, after)
        kinds = {type(change) for change in changes}
        assert {PointAdded, PointRemoved, ValueChanged, DescriptionChanged, PrimaryChanged} == kinds
        cleared = PrimaryChanged(PHONE, phone, None)
        entry = _entry(customer, 2, changes)
        first = _entry(customer, 1, (PointAdded(website), PrimaryChanged(WEBSITE, None, website)))
        audit_sink.record(first)
        audit_sink.record(entry)
        self._assert_kept(audit_sink, [first, entry])
        assert cleared in changes

    def test_times_stay_utc_to_the_microsecond(self, audit_sink: AuditSink) -> None:
        """The entry's time reads back equal, timezone-aware and in UTC."""
        customer = new_customer_id()
        moments = [
            dt.datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=_UTC),  # a DST night in Europe
            dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=_UTC),
            dt.datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=_UTC),  # past 32-bit Unix time
            dt.datetime(1, 1, 1, tzinfo=_UTC),  # the first moment a datetime holds
            dt.datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=_UTC),  # three digits
            dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=_UTC),  # the last
        ]
        entries = [
            _entry(customer, version, diff(ContactSet(), tricky_set()), at=at)
            for version, at in enumerate(moments, 1)
        ]
        for entry in entries:
            audit_sink.record(entry)
        kept = self.recorded(audit_sink, customer)
        self._assert_kept(audit_sink, entries)
        for entry in kept:
            assert dt.timedelta(0) == entry.at.utcoffset()

    @_WITH_A_FIXTURE
    @given(at=st.datetimes(timezones=st.just(_UTC)))
    def test_any_time_of_the_years_1_to_9999_is_kept_exactly(
        self, audit_sink: AuditSink, at: dt.datetime
    ) -> None:
        """Any UTC time a clock can give, to the microsecond, reads back equal (property)."""
        entry = _entry(new_customer_id(), 1, diff(ContactSet(), tricky_set()), at=at)
        audit_sink.record(entry)
        self._assert_kept(audit_sink, [entry])

    @_WITH_A_FIXTURE
    @given(texts=st.lists(_ANY_TEXT, min_size=4, max_size=4))
    def test_every_string_it_accepts_comes_back_identical(
        self, audit_sink: AuditSink, texts: list[str]
    ) -> None:
        """Any text in an entry's id, customer, actor or a description: kept exactly, or refused.

        A log that cannot hold a string exactly refuses the entry with ``text.character``;
        it never hands back another string.
        """
        entry_id, customer, actor, description = texts
        customer = f"{new_customer_id()}{customer}"
        point = _point(1, EMAIL, "ann@example.com", description=description)
        entry = attrs.evolve(
            _entry(customer, 1, [PointAdded(point)], actor=actor), id=entry_id + uuid.uuid4().hex
        )
        refused = _refusal(lambda: audit_sink.record(entry))
        if refused is not None:
            assert "text.character" == refused.code
            return
        (kept,) = self.recorded(audit_sink, customer)
        assert entry == kept
        assert [entry.id, customer, actor] == [kept.id, kept.customer_id, kept.actor]

    def test_every_entry_is_kept(self, audit_sink: AuditSink) -> None:
        """Many entries of one customer are all kept, none merged or overwritten."""
        customer = new_customer_id()
        contacts, entries = ContactSet(), []
        for version in range(1, 21):
            outcome = apply(contacts, [_add_email(version)])
            entries.append(_entry(customer, version, outcome.changes))
            contacts = outcome.contacts
        for entry in entries:
            audit_sink.record(entry)
        self._assert_kept(audit_sink, entries)

    def test_customers_entries_are_kept_apart(self, audit_sink: AuditSink) -> None:
        """Reading back one customer's entries gives none of another's."""
        base = new_customer_id()
        mine = _entry(base, 1, diff(ContactSet(), tricky_set()))
        theirs = _entry(base.upper(), 1, diff(ContactSet(), tricky_set()))
        audit_sink.record(mine)
        audit_sink.record(theirs)
        self._assert_kept(audit_sink, [mine])
        self._assert_kept(audit_sink, [theirs])

    @_WITH_A_FIXTURE
    @given(data=st.data())
    def test_entries_of_any_batch_are_kept_exactly(
        self, audit_sink: AuditSink, data: st.DataObject
    ) -> None:
        """Entries made from drawn sets and batches read back equal (property test)."""
        contacts = data.draw(contact_sets(max_size=8), label="contacts")
        batch = data.draw(batches(contacts, min_size=1, max_size=5), label="batch")
        changes = apply(contacts, batch).changes
        if not changes:
            changes = diff(ContactSet(), contacts) or diff(ContactSet(), tricky_set())
        entry = _entry(new_customer_id(), 1, changes)
        audit_sink.record(entry)
        self._assert_kept(audit_sink, [entry])


class BillingCountriesContract:
    """The rules every :class:`~contactbook.ports.BillingCountries` must keep.

    Override the ``countries`` fixture, and :meth:`set_country` to say how the host sets
    a customer's billing country (the shipped stores have ``set_billing_country``).
    """

    @pytest.fixture
    def countries(self) -> BillingCountries:
        """Return the billing-country port under test (override this fixture)."""
        msg = "Override the `countries` fixture to return the port under test."
        raise NotImplementedError(msg)

    def set_country(self, countries: BillingCountries, customer_id: str, code: str | None) -> None:
        """Set (``None``: forget) the customer's billing country the host's way."""
        countries.set_billing_country(customer_id, code)  # type: ignore[attr-defined]  # the shipped stores'

    def test_implements_the_billing_countries_protocol(self, countries: BillingCountries) -> None:
        """The object has ``billing_country`` (``typing.runtime_checkable``)."""
        assert isinstance(countries, BillingCountries)

    def test_an_unknown_customer_has_no_billing_country(self, countries: BillingCountries) -> None:
        """``None`` means none is known: numbers without a country code are then refused."""
        assert None is countries.billing_country(new_customer_id())

    def test_the_country_set_is_the_country_read_upper_case(
        self, countries: BillingCountries
    ) -> None:
        """A country set for a customer reads back as its upper-case ISO 3166-1 code."""
        customer = new_customer_id()
        self.set_country(countries, customer, "nl")
        assert "NL" == countries.billing_country(customer)
        self.set_country(countries, customer, "BE")
        assert "BE" == countries.billing_country(customer)

    def test_customers_countries_are_kept_apart(self, countries: BillingCountries) -> None:
        """Setting or clearing one customer's country changes no other customer's."""
        base = new_customer_id()
        self.set_country(countries, base, "GB")
        self.set_country(countries, base.upper(), "IM")
        assert ("GB", "IM") == (
            countries.billing_country(base),
            countries.billing_country(base.upper()),
        )
        self.set_country(countries, base, None)
        assert (None, "IM") == (
            countries.billing_country(base),
            countries.billing_country(base.upper()),
        )


class UnitOfWorkContract:
    """The atomicity rules (:class:`~contactbook.ports.Transaction`) a host's ports keep.

    Override the ``unit`` fixture to return the
    :class:`~contactbook.ports.UnitOfWork` the host hands to the service: a store that
    is every storage port (``store``), or a
    :class:`~contactbook.ports.HostUnitOfWork` of the host's own ports and transaction,
    all on the same storage.
    """

    @pytest.fixture
    def unit(self) -> UnitOfWork:
        """Return the unit of work under test (override this fixture)."""
        msg = "Override the `unit` fixture to return the UnitOfWork under test."
        raise NotImplementedError(msg)

    def _service(self, unit: UnitOfWork, audit: AuditSink | None = None) -> ContactService:
        if audit is not None:
            unit = HostUnitOfWork(
                unit.contacts,
                audit,
                unit.countries,
                transaction=unit.transaction,
                read_transaction=unit.read_transaction,
            )
        return ContactService(unit, _ALLOW_ALL)

    def _state(self, unit: UnitOfWork, customer: str) -> tuple[int, int]:
        with unit.transaction():
            version = unit.contacts.load(customer).version
            logged = len(_all_pages(unit.log, customer, limit=50))
        return version, logged

    def test_a_unit_commits_the_save_and_the_entry_together(self, unit: UnitOfWork) -> None:
        """A saved batch is one new version and one entry, both kept."""
        customer = new_customer_id()
        saved = self._service(unit).update("ann", customer, [_add_email(1)], expected_version=0)
        assert (1, 1) == self._state(unit, customer)
        assert [saved.entry] == list(unit.log.entries(customer).entries)

    def test_reads_see_the_last_commit_and_the_open_units_own_writes(
        self, unit: UnitOfWork
    ) -> None:
        """The service's reads (in the read unit, if any) see what is saved, inside a unit too."""
        customer = new_customer_id()
        service = self._service(unit)
        service.update("ann", customer, [_add_email(1)], expected_version=0)
        assert 1 == service.read("ann", customer).version
        with unit.transaction():
            service.update("ann", customer, [_add_email(2)], expected_version=1)
            assert 2 == service.read("ann", customer).version
            assert 2 == len(service.history("ann", customer).entries)
            service.update("ann", customer, [_add_email(3)], expected_version=2)
        assert (3, 3) == self._state(unit, customer)

    def test_a_failing_record_leaves_no_save(self, unit: UnitOfWork) -> None:
        """When the entry cannot be written, the save is undone with it."""
        customer = new_customer_id()
        service = self._service(unit, audit=_FailingRecord(unit.log))
        with pytest.raises(_RecordFailedError):
            service.update("ann", customer, [_add_email(1)], expected_version=0)
        assert (0, 0) == self._state(unit, customer)

    def test_an_exception_after_both_writes_keeps_neither(self, unit: UnitOfWork) -> None:
        """Leaving the outermost unit with an exception undoes everything inside it."""
        customer = new_customer_id()
        contacts = apply(ContactSet(), [_add_email(1)]).contacts

        def write_both_then_fail() -> None:
            with unit.transaction():
                version = unit.contacts.save(customer, contacts, expected_version=0)
                unit.log.record(_entry(customer, version, diff(ContactSet(), contacts)))
                raise _AbandonedError

        with pytest.raises(_AbandonedError):
            write_both_then_fail()
        assert (0, 0) == self._state(unit, customer)

    def test_a_conflict_leaves_nothing_and_the_unit_usable(self, unit: UnitOfWork) -> None:
        """A stale update saves and records nothing; the host's open unit goes on."""
        customer = new_customer_id()
        service = self._service(unit)
        service.update("ann", customer, [_add_email(1)], expected_version=0)
        late = apply(ContactSet(), [_add_email(2)]).contacts
        with unit.transaction():
            with pytest.raises(ConflictError):
                service.update("bob", customer, [_add_email(2)], expected_version=0)
            with pytest.raises(ConflictError):  # the repository's own check, in the write
                unit.contacts.save(customer, late, expected_version=0)
            # The unit is not poisoned: a write after the refusals still commits.
            service.update("ann", customer, [_add_email(3)], expected_version=1)
        assert (2, 2) == self._state(unit, customer)
        stored = service.read("ann", customer).contacts
        assert [_address(1), _address(3)] == [point.value for point in stored]

    def test_a_failed_inner_unit_undoes_only_its_own_work(self, unit: UnitOfWork) -> None:
        """Nesting: an inner unit is a savepoint; the outer unit keeps what it did."""
        customer = new_customer_id()
        service = self._service(unit)
        with unit.transaction():
            service.update("ann", customer, [_add_email(1)], expected_version=0)

            def inner() -> None:
                with unit.transaction():
                    service.update("ann", customer, [_add_email(2)], expected_version=1)
                    raise _AbandonedError

            with pytest.raises(_AbandonedError):
                inner()
            assert 1 == unit.contacts.load(customer).version
        assert (1, 1) == self._state(unit, customer)

    def test_a_failed_outer_unit_undoes_its_inner_units(self, unit: UnitOfWork) -> None:
        """Nothing is kept until the outermost unit commits."""
        customer = new_customer_id()
        service = self._service(unit)

        def outer() -> None:
            with unit.transaction():
                with unit.transaction():
                    service.update("ann", customer, [_add_email(1)], expected_version=0)
                service.update("ann", customer, [_add_email(2)], expected_version=1)
                raise _AbandonedError

        with pytest.raises(_AbandonedError):
            outer()
        assert (0, 0) == self._state(unit, customer)


class BatchStoreContract:
    """The rules of the optional batch methods (:class:`~contactbook.ports.BatchStore`).

    Override the ``store`` fixture to return a store that has ``load_many``,
    ``save_many`` and ``record_many`` besides ``load``, ``save``, ``entries`` and
    ``transaction()``. If one store object must not be shared between threads, also
    override :meth:`concurrent_stores` to return separate handles on the same storage.
    """

    @pytest.fixture
    def store(self) -> _BatchUnderTest:
        """Return the store under test (override this fixture)."""
        msg = "Override the `store` fixture to return the store under test."
        raise NotImplementedError(msg)

    def concurrent_stores(self, store: _BatchUnderTest, count: int) -> Sequence[_BatchUnderTest]:
        """Return ``count`` handles on the same storage, one per thread (default: shared)."""
        return [store] * count

    def test_implements_the_batch_protocol(self, store: _BatchUnderTest) -> None:
        """The object has ``load_many``, ``save_many`` and ``record_many``."""
        assert isinstance(store, BatchStore)

    def test_load_many_answers_each_customer_as_load_does(self, store: _BatchUnderTest) -> None:
        """Every id asked is in the answer: stored sets with their versions, unknown ones empty."""
        saved, unknown = new_customer_id(), new_customer_id()
        store.save(saved, tricky_set(), expected_version=0)
        found = store.load_many([saved, unknown])
        assert {saved: Stored(tricky_set(), 1), unknown: Stored(ContactSet(), 0)} == found
        assert found[saved] == store.load(saved)
        assert {} == store.load_many([])

    @_WITH_A_FIXTURE
    @given(sets=st.lists(_ANY_SET, min_size=1, max_size=4))
    def test_any_sets_round_trip_exactly_in_a_batch(
        self, store: _BatchUnderTest, sets: list[ContactSet]
    ) -> None:
        """Every set the strategies draw, saved in one batch, loads back equal (property)."""
        pairs = [(new_customer_id(), contacts) for contacts in sets]
        customers = [customer for customer, _ in pairs]
        store.save_many([(customer, contacts, 0) for customer, contacts in pairs])
        expected = {customer: Stored(contacts, 1) for customer, contacts in pairs}
        assert expected == store.load_many(customers)
        assert [expected[customer] for customer in customers] == [
            store.load(customer) for customer in customers
        ]

    def test_save_many_stores_each_set_at_its_version_plus_one(
        self, store: _BatchUnderTest
    ) -> None:
        """New customers (version 0) and stored ones (their version) are saved together."""
        old, new = new_customer_id(), new_customer_id()
        first = apply(ContactSet(), [_add_email(1)]).contacts
        store.save(old, first, expected_version=0)
        store.save(old, first, expected_version=1)
        later = apply(first, [_add_email(2)]).contacts
        store.save_many([(old, later, 2), (new, tricky_set(), 0)])
        assert {old: Stored(later, 3), new: Stored(tricky_set(), 1)} == store.load_many([old, new])
        store.save_many([])

    def test_a_conflict_inside_a_batch_stores_none_of_it(self, store: _BatchUnderTest) -> None:
        """One save whose version moved on refuses the whole batch: nothing is stored."""
        first = apply(ContactSet(), [_add_email(1)]).contacts
        for stale in (0, 1, 7):  # a new customer's, one behind, one ahead
            before, moved, after = (new_customer_id() for _ in range(3))
            store.save(moved, first, expected_version=0)
            store.save(moved, first, expected_version=1)
            saves = [(before, first, 0), (moved, tricky_set(), stale), (after, first, 0)]
            with pytest.raises(ConflictError) as refused:
                store.save_many(saves)
            assert (moved, stale) == (refused.value.customer_id, refused.value.expected)
            assert refused.value.actual in {None, 2}
            stored = store.load_many([before, moved, after])
            assert [0, 2, 0] == [stored[customer].version for customer in (before, moved, after)]
            assert first == stored[moved].contacts

    def test_a_customer_named_twice_is_a_conflict(self, store: _BatchUnderTest) -> None:
        """Two saves of one customer in a batch: the second was built on a replaced version."""
        customer, other = new_customer_id(), new_customer_id()
        first = apply(ContactSet(), [_add_email(1)]).contacts
        with pytest.raises(ConflictError):
            store.save_many([(other, first, 0), (customer, first, 0), (customer, first, 1)])
        assert {0} == {stored.version for stored in store.load_many([customer, other]).values()}

    def test_a_version_that_is_no_version_is_refused_before_anything_is_stored(
        self, store: _BatchUnderTest
    ) -> None:
        """An expected version that is no version is ``version.invalid``; nothing is stored."""
        customer, other = new_customer_id(), new_customer_id()
        first = apply(ContactSet(), [_add_email(1)]).contacts
        for wrong in _NOT_VERSIONS:
            with pytest.raises(ContactValidationError) as refused:
                store.save_many([(other, first, 0), (customer, first, wrong)])  # type: ignore[list-item]  # the point
            assert "version.invalid" == refused.value.code, wrong
        assert 0 == store.load(other).version

    def test_a_conflict_leaves_the_open_unit_usable(self, store: _BatchUnderTest) -> None:
        """Inside a unit, a refused batch undoes only itself; the unit goes on and commits."""
        stale, fresh = new_customer_id(), new_customer_id()
        first = apply(ContactSet(), [_add_email(1)]).contacts
        store.save(stale, first, expected_version=0)
        with store.transaction():
            with pytest.raises(ConflictError):
                store.save_many([(fresh, first, 0), (stale, first, 0)])
            store.save_many([(fresh, tricky_set(), 0)])
        assert {fresh: Stored(tricky_set(), 1), stale: Stored(first, 1)} == store.load_many(
            [fresh, stale]
        )

    def test_record_many_keeps_the_entries_in_their_order(self, store: _BatchUnderTest) -> None:
        """Entries of several customers come back from ``entries`` as ``record`` keeps them."""
        ann, bob = new_customer_id(), new_customer_id()
        anns, bobs = _history(ann, 3), _history(bob, 2)
        store.record_many([anns[0], bobs[0], anns[1], bobs[1], anns[2]])
        assert anns[::-1] == list(store.entries(ann).entries)
        assert bobs[::-1] == list(store.entries(bob).entries)
        store.record_many([])

    def test_a_failed_unit_keeps_neither_saves_nor_entries(self, store: _BatchUnderTest) -> None:
        """Batches written in a unit that then fails are undone with it."""
        customer = new_customer_id()
        contacts = apply(ContactSet(), [_add_email(1)]).contacts

        def write_then_fail() -> None:
            with store.transaction():
                store.save_many([(customer, contacts, 0)])
                store.record_many([_entry(customer, 1, diff(ContactSet(), contacts))])
                raise _AbandonedError

        with pytest.raises(_AbandonedError):
            write_then_fail()
        assert (0, ()) == (store.load(customer).version, store.entries(customer).entries)

    def test_concurrent_batches_of_the_same_customers_store_one_whole(
        self, store: _BatchUnderTest
    ) -> None:
        """Writers racing with batches of the same new customers: one batch wins, whole."""
        customers = [new_customer_id() for _ in range(3)]
        handles = self.concurrent_stores(store, 4)
        won: list[int] = []

        def save(handle: ContactRepository, number: int) -> None:
            contacts = apply(ContactSet(), [_add_email(number)]).contacts
            try:
                handle.save_many([(customer, contacts, 0) for customer in customers])  # type: ignore[attr-defined]
            except ConflictError:
                return
            won.append(number)

        _run_together(handles, save)
        assert 1 == len(won)
        stored = store.load_many(customers)
        assert {_address(won[0])} == {
            stored[customer].contacts.points[0].value for customer in customers
        }


class MarkStoreContract:
    """The rules of the optional marks on stored sets (:class:`~contactbook.ports.MarkStore`).

    Override the ``store`` fixture to return a store that has ``load_marked`` and
    ``mark_many`` besides ``load``, ``save``, ``save_many`` and ``transaction()``.
    """

    @pytest.fixture
    def store(self) -> _MarkUnderTest:
        """Return the store under test (override this fixture)."""
        msg = "Override the `store` fixture to return the store under test."
        raise NotImplementedError(msg)

    def test_implements_the_mark_protocol(self, store: _MarkUnderTest) -> None:
        """The object has ``load_marked`` and ``mark_many``."""
        assert isinstance(store, MarkStore)

    def test_a_mark_reads_back_with_the_set_it_was_put_on(self, store: _MarkUnderTest) -> None:
        """The mark given finds the set and its version; another mark, or none, does not."""
        marked, unmarked, unknown = (new_customer_id() for _ in range(3))
        store.save(marked, tricky_set(), expected_version=0)
        store.save(unmarked, tricky_set(), expected_version=0)
        store.mark_many([(marked, _MARK)])
        asked = {marked: _MARK, unmarked: _MARK, unknown: _MARK}
        assert {marked: Stored(tricky_set(), 1)} == store.load_marked(asked)
        assert {} == store.load_marked({marked: _OTHER_MARK})
        assert {} == store.load_marked({})
        store.mark_many([])

    def test_a_set_never_marked_matches_no_mark(self, store: _MarkUnderTest) -> None:
        """A saved set carries no mark: not even one of zero bytes (whatever a store keeps)."""
        customer = new_customer_id()
        store.save(customer, tricky_set(), expected_version=0)
        store.save_many([(customer, tricky_set(), 1)])
        for mark in (bytes(16), bytes(1), b"\xff" * 16, _MARK):
            assert {} == store.load_marked({customer: mark})

    def test_an_unknown_customer_gets_no_mark(self, store: _MarkUnderTest) -> None:
        """A mark on a customer with nothing stored is not kept, not even by a later save."""
        customer = new_customer_id()
        store.mark_many([(customer, _MARK)])
        assert {} == store.load_marked({customer: _MARK})
        store.save(customer, tricky_set(), expected_version=0)
        assert {} == store.load_marked({customer: _MARK})

    def test_the_last_mark_of_a_customer_named_twice_is_kept(self, store: _MarkUnderTest) -> None:
        """Marks are put in their order: the later one replaces the earlier."""
        customer = new_customer_id()
        store.save(customer, tricky_set(), expected_version=0)
        store.mark_many([(customer, _MARK), (customer, _OTHER_MARK)])
        assert {} == store.load_marked({customer: _MARK})
        assert {customer} == set(store.load_marked({customer: _OTHER_MARK}))

    def test_every_save_clears_the_mark(self, store: _MarkUnderTest) -> None:
        """``save`` and ``save_many`` both clear the mark of the customer they write."""
        one, other, untouched = (new_customer_id() for _ in range(3))
        first = apply(ContactSet(), [_add_email(1)]).contacts
        for customer in (one, other, untouched):
            store.save(customer, first, expected_version=0)
        store.mark_many([(one, _MARK), (other, _MARK), (untouched, _MARK)])
        store.save(one, first, expected_version=1)
        store.save_many([(other, tricky_set(), 1)])
        found = store.load_marked({one: _MARK, other: _MARK, untouched: _MARK})
        assert {untouched: Stored(first, 1)} == found

    def test_a_rolled_back_unit_keeps_no_mark(self, store: _MarkUnderTest) -> None:
        """Marks put in a unit that then fails are undone with it; the set's own stay."""
        customer, earlier = new_customer_id(), new_customer_id()
        store.save(customer, tricky_set(), expected_version=0)
        store.save(earlier, tricky_set(), expected_version=0)
        store.mark_many([(earlier, _OTHER_MARK)])

        def mark_then_fail() -> None:
            with store.transaction():
                store.mark_many([(customer, _MARK), (earlier, _MARK)])
                raise _AbandonedError

        with pytest.raises(_AbandonedError):
            mark_then_fail()
        assert {} == store.load_marked({customer: _MARK, earlier: _MARK})
        assert {earlier} == set(store.load_marked({earlier: _OTHER_MARK}))

    def test_a_save_rolled_back_keeps_the_mark(self, store: _MarkUnderTest) -> None:
        """A save undone with its unit did not happen: the mark is still there."""
        customer = new_customer_id()
        store.save(customer, tricky_set(), expected_version=0)
        store.mark_many([(customer, _MARK)])

        def save_then_fail() -> None:
            with store.transaction():
                store.save_many([(customer, ContactSet(), 1)])
                raise _AbandonedError

        with pytest.raises(_AbandonedError):
            save_then_fail()
        assert {customer: Stored(tricky_set(), 1)} == store.load_marked({customer: _MARK})

    def test_a_mark_that_is_no_mark_is_refused_before_anything_is_marked(
        self, store: _MarkUnderTest
    ) -> None:
        """A mark that is no bytes of 1 to 16 is ``mark.invalid``, in both methods."""
        customer, other = new_customer_id(), new_customer_id()
        store.save(customer, tricky_set(), expected_version=0)
        store.save(other, tricky_set(), expected_version=0)
        for wrong in _NOT_MARKS:
            with pytest.raises(ContactValidationError) as refused:
                store.mark_many([(other, _MARK), (customer, wrong)])  # type: ignore[list-item]  # the point
            assert "mark.invalid" == refused.value.code, wrong
            with pytest.raises(ContactValidationError) as refused:
                store.load_marked({other: _MARK, customer: wrong})  # type: ignore[dict-item]  # the point
            assert "mark.invalid" == refused.value.code, wrong
        assert {} == store.load_marked({other: _MARK})

    def test_many_customers_are_found_in_one_call(self, store: _MarkUnderTest) -> None:
        """More customers than one statement names (SQLite: 500) are all answered."""
        customers = [new_customer_id() for _ in range(1201)]
        contacts = apply(ContactSet(), [_add_email(1)]).contacts
        store.save_many([(customer, contacts, 0) for customer in customers])
        store.mark_many([(customer, _MARK) for customer in customers[::2]])
        found = store.load_marked(dict.fromkeys(customers, _MARK))
        assert set(customers[::2]) == set(found)


#: Two marks, as an import's fingerprints are: 16 bytes.
_MARK = bytes(range(16))
_OTHER_MARK = bytes(range(1, 17))
_NOT_MARKS = (b"", bytes(17), "0123456789abcdef", bytearray(16), memoryview(bytes(16)), None, 16)


class _MarkUnderTest(ContactRepository, BatchStore, MarkStore, Protocol):
    """What :class:`MarkStoreContract` uses of a store."""

    def transaction(self) -> AbstractContextManager[object]: ...


class _BatchUnderTest(ContactRepository, AuditSink, BatchStore, Protocol):
    """What :class:`BatchStoreContract` uses of a store."""

    def transaction(self) -> AbstractContextManager[object]: ...


class _AbandonedError(Exception):
    """Raised inside a unit to leave it with an exception."""


class _RecordFailedError(Exception):
    """The activity log refused an entry (a full disk, a lost connection)."""


class _FailingRecord:
    """An audit sink that reads through ``inner`` but fails every write."""

    def __init__(self, inner: AuditSink) -> None:
        self.inner = inner

    def record(self, entry: ActivityEntry, /) -> None:
        raise _RecordFailedError(entry.id)

    def entries(
        self, customer_id: str, /, *, limit: int = 50, before: str | None = None
    ) -> ActivityPage:
        return self.inner.entries(customer_id, limit=limit, before=before)


class _AllowAll:
    def is_allowed(self, actor: str, permission: Permission, customer_id: str, /) -> bool:
        return True


_ALLOW_ALL = _AllowAll()


# --------------------------------------------------------------------------- helpers


def _refusal(call: Callable[[], object]) -> ContactError | None:
    """Run ``call``; return the ContactError it raised, or ``None`` if it raised none."""
    try:
        call()
    except ContactError as error:
        return error
    return None


def _all_pages(audit_sink: AuditSink, customer_id: str, *, limit: int) -> list[ActivityEntry]:
    """Every entry of the customer, newest first, read a page at a time."""
    kept: list[ActivityEntry] = []
    before: str | None = None
    for _ in range(10_000):  # a log that never ends its pages is a failure, not a hang
        page = audit_sink.entries(customer_id, limit=limit, before=before)
        kept.extend(page.entries)
        if page.next is None:
            return kept
        before = page.next
    msg = "the activity log's pages never ended (next is never None)"
    raise AssertionError(msg)


def _history(customer_id: str, count: int) -> list[ActivityEntry]:
    """``count`` entries of one customer, versions 1 to ``count``, oldest first."""
    contacts, entries = ContactSet(), []
    for version in range(1, count + 1):
        outcome = apply(contacts, [_add_email(version)])
        entries.append(_entry(customer_id, version, outcome.changes))
        contacts = outcome.contacts
    return entries


def _address(number: int) -> str:
    return f"person{number}@example.com"


def _add_email(number: int) -> AddPoint:
    return AddPoint(EMAIL, _address(number))


def _email_number(contacts: ContactSet) -> int:
    (point,) = contacts.points
    return int(point.value.removeprefix("person").split("@")[0])


def _entry(
    customer_id: str,
    version: int,
    changes: Sequence[Event],
    *,
    actor: str = "ann",
    at: dt.datetime | None = None,
) -> ActivityEntry:
    return ActivityEntry(
        id=uuid.uuid4().hex,
        customer_id=customer_id,
        actor=actor,
        at=at or dt.datetime(2026, 11, 25, 9, 30, 15, 123_456, tzinfo=_UTC),
        version=version,
        changes=changes,
    )


def _in_order(entries: Sequence[ActivityEntry]) -> list[ActivityEntry]:
    return sorted(entries, key=lambda entry: (entry.version, entry.id))


def _run_together(
    handles: Sequence[ContactRepository], work: Callable[[ContactRepository, int], None]
) -> None:
    """Run ``work(handle, number)`` in one thread per handle, all released at once."""
    start = threading.Barrier(len(handles))
    failures: list[BaseException] = []

    def run(handle: ContactRepository, number: int) -> None:
        try:
            start.wait()
            work(handle, number)
        except BaseException as error:  # reported in the main thread, where pytest sees it
            failures.append(error)

    threads = [
        threading.Thread(target=run, args=(handle, number), name=f"saver-{number}")
        for number, handle in enumerate(handles)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread.name for thread in threads if thread.is_alive()], "a saver hung"
    if failures:
        raise failures[0]
