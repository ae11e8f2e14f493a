"""The shipped contract suites pass for the in-memory store and fail for broken ones."""

import contextlib
import dataclasses
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _pytest.outcomes import Failed

from contactbook import ConflictError, ContactSet, StorageError
from contactbook.adapters.memory import InMemoryStore
from contactbook.ports import ActivityPage, Stored
from contactbook.testing.contracts import (
    AuditSinkContract,
    BatchStoreContract,
    BillingCountriesContract,
    MarkStoreContract,
    RepositoryContract,
    UnitOfWorkContract,
)


class TestInMemoryRepository(RepositoryContract):
    """InMemoryStore keeps the repository contract."""

    @pytest.fixture
    def repository(self):
        return InMemoryStore()


class TestInMemoryAuditSink(AuditSinkContract):
    """InMemoryStore keeps the audit-sink contract."""

    @pytest.fixture
    def audit_sink(self):
        return InMemoryStore()


class TestInMemoryBillingCountries(BillingCountriesContract):
    """InMemoryStore keeps the billing-country contract."""

    @pytest.fixture
    def countries(self):
        return InMemoryStore()


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    """InMemoryStore's transaction keeps the atomicity and nesting rules."""

    @pytest.fixture
    def unit(self):
        return InMemoryStore()


class TestInMemoryBatchStore(BatchStoreContract):
    """InMemoryStore's batch methods keep their contract."""

    @pytest.fixture
    def store(self):
        return InMemoryStore()


class TestInMemoryMarkStore(MarkStoreContract):
    """InMemoryStore's marks keep their contract."""

    @pytest.fixture
    def store(self):
        return InMemoryStore()


# --------------------------------------------------------------------------- broken ones


class OneByOneBatchStore(InMemoryStore):
    """Saves a batch one set at a time: the sets before a conflict stay stored."""

    def save_many(self, saves, /):
        for customer_id, contacts, expected_version in saves:
            self.save(customer_id, contacts, expected_version=expected_version)


class ShuffledBatchLog(InMemoryStore):
    """Records a batch of entries in reverse."""

    def record_many(self, entries, /):
        super().record_many(entries[::-1])


class VersionBlindStore(InMemoryStore):
    """Saves whatever it is given: the version check is gone."""

    def save(self, customer_id, contacts, /, *, expected_version):
        version = self.load(customer_id).version + 1
        self._sets[customer_id] = Stored(contacts, version)
        return version


class PointLosingStore(InMemoryStore):
    """Stores every point but the last one."""

    def save(self, customer_id, contacts, /, *, expected_version):
        kept = ContactSet(contacts.points[:-1], contacts.next_id)
        return super().save(customer_id, kept, expected_version=expected_version)


class NextIdForgettingStore(InMemoryStore):
    """Stores the points only, so next_id is recomputed from them (ids get reused)."""

    def save(self, customer_id, contacts, /, *, expected_version):
        return super().save(
            customer_id, ContactSet(contacts.points), expected_version=expected_version
        )


class RacyStore(InMemoryStore):
    """Checks the version, then writes, without a lock: two savers can both win."""

    def save(self, customer_id, contacts, /, *, expected_version):
        current = self._sets.get(customer_id, Stored(ContactSet(), 0)).version
        if current != expected_version:
            raise ConflictError(customer_id, expected_version, current)
        time.sleep(0.002)  # the window every unlocked read-then-write has
        self._sets[customer_id] = Stored(contacts, current + 1)
        return current + 1


class CaseFoldingStore(InMemoryStore):
    """Treats customer ids case-insensitively, like a database with a _ci collation."""

    def load(self, customer_id, /):
        return super().load(customer_id.casefold())

    def save(self, customer_id, contacts, /, *, expected_version):
        return super().save(customer_id.casefold(), contacts, expected_version=expected_version)


class SecondsOnlyLog(InMemoryStore):
    """Keeps entry times to the second, as a TIMESTAMP(0) column would."""

    def record(self, entry, /):
        super().record(dataclasses.replace(entry, at=entry.at.replace(microsecond=0)))


class LatestOnlyLog(InMemoryStore):
    """Keeps only the newest entry of each customer."""

    def record(self, entry, /):
        self._entries = [e for e in self._entries if e.customer_id != entry.customer_id]
        super().record(entry)


class OldestFirstLog(InMemoryStore):
    """Reads the log oldest first."""

    def entries(self, customer_id, /, *, limit=50, before=None):
        everything = super().entries(customer_id, limit=1000).entries[::-1]
        start = 0 if before is None else int(before)
        page = everything[start : start + limit]
        more = start + limit < len(everything)
        return ActivityPage(page, str(start + limit) if more else None)


class OffsetPagingLog(InMemoryStore):
    """Pages newest first, but its cursor is an offset, which shifts under new writes."""

    def entries(self, customer_id, /, *, limit=50, before=None):
        everything = super().entries(customer_id, limit=1000).entries
        start = 0 if before is None else int(before)
        page = everything[start : start + limit]
        more = start + limit < len(everything)
        return ActivityPage(page, str(start + limit) if more else None)


class OneCountryForAll(InMemoryStore):
    """Keeps one billing country, whoever it was set for."""

    def billing_country(self, customer_id, /):
        return next(iter(self._countries.values()), None)


class NoUnitStore(InMemoryStore):
    """Its transaction is no unit at all: each write stands alone (nullcontext)."""

    def transaction(self):
        return contextlib.nullcontext()


class FlatNestingStore(InMemoryStore):
    """An inner unit joins the outer one: its failure undoes nothing of its own."""

    def __init__(self):
        super().__init__()
        self.depth = 0

    @contextlib.contextmanager
    def transaction(self):
        if self.depth:
            yield
            return
        self.depth += 1
        try:
            with super().transaction():
                yield
        finally:
            self.depth -= 1


class PoisonedByConflictStore(InMemoryStore):
    """A conflict aborts the open unit, like a unique violation in PostgreSQL."""

    def __init__(self):
        super().__init__()
        self.aborted = False

    def save(self, customer_id, contacts, /, *, expected_version):
        if self.aborted:
            raise StorageError("current transaction is aborted", code="storage.unavailable")
        try:
            return super().save(customer_id, contacts, expected_version=expected_version)
        except ConflictError:
            self.aborted = True
            raise

    @contextlib.contextmanager
    def transaction(self):
        try:
            with super().transaction():
                yield
        finally:
            self.aborted = False


def failing_tests(contract, *, only=None, **fixtures):
    """Run the tests of ``contract`` (or ``only`` those) directly; return those that fail."""
    instance = contract()
    failed = set()
    for name in sorted(dir(contract)):
        if not name.startswith("test_") or (only is not None and name not in only):
            continue
        made = {fixture: make() for fixture, make in fixtures.items()}
        try:
            getattr(instance, name)(**made)
        except (Exception, Failed):
            failed.add(name)
    return failed


class TestTheSuitesCatchBrokenImplementations:
    """A repository or sink that breaks a rule fails the contract suite."""

    def test_a_correct_repository_fails_nothing(self):
        assert set() == failing_tests(TestInMemoryRepository, repository=InMemoryStore)

    def test_a_repository_without_the_version_check_fails(self):
        failed = failing_tests(TestInMemoryRepository, repository=VersionBlindStore)
        assert {
            "test_a_stale_save_raises_a_conflict_and_stores_nothing",
            "test_a_save_from_the_future_raises_a_conflict",
            "test_of_savers_of_one_version_exactly_one_wins",
        } <= failed

    def test_a_repository_that_loses_a_point_fails(self):
        failed = failing_tests(TestInMemoryRepository, repository=PointLosingStore)
        assert {
            "test_a_set_round_trips_exactly",
            "test_a_full_set_round_trips",
            "test_any_set_round_trips_exactly",
            "test_concurrent_savers_that_retry_lose_nothing",
        } <= failed

    def test_a_repository_that_forgets_next_id_fails(self):
        failed = failing_tests(TestInMemoryRepository, repository=NextIdForgettingStore)
        assert {"test_a_set_round_trips_exactly", "test_an_emptied_set_keeps_its_next_id"} <= failed

    def test_a_repository_with_a_race_fails(self):
        concurrent = {
            "test_of_savers_of_one_version_exactly_one_wins",
            "test_concurrent_savers_that_retry_lose_nothing",
        }
        failed = failing_tests(TestInMemoryRepository, only=concurrent, repository=RacyStore)
        assert "test_of_savers_of_one_version_exactly_one_wins" in failed

    def test_a_repository_that_merges_customers_fails(self):
        failed = failing_tests(TestInMemoryRepository, repository=CaseFoldingStore)
        assert {"test_customers_are_kept_apart"} == failed

    def test_a_correct_sink_fails_nothing(self):
        assert set() == failing_tests(TestInMemoryAuditSink, audit_sink=InMemoryStore)

    def test_a_sink_that_drops_microseconds_fails(self):
        failed = failing_tests(TestInMemoryAuditSink, audit_sink=SecondsOnlyLog)
        assert "test_times_stay_utc_to_the_microsecond" in failed

    def test_a_sink_that_keeps_only_the_latest_entry_fails(self):
        failed = failing_tests(TestInMemoryAuditSink, audit_sink=LatestOnlyLog)
        assert {"test_every_entry_is_kept", "test_every_kind_of_change_is_kept"} <= failed

    def test_a_correct_log_countries_and_unit_fail_nothing(self):
        assert set() == failing_tests(TestInMemoryAuditSink, audit_sink=InMemoryStore)
        assert set() == failing_tests(TestInMemoryBillingCountries, countries=InMemoryStore)
        assert set() == failing_tests(TestInMemoryUnitOfWork, unit=InMemoryStore)

    def test_a_log_read_oldest_first_fails(self):
        failed = failing_tests(TestInMemoryAuditSink, audit_sink=OldestFirstLog)
        assert {
            "test_entries_come_newest_first_a_page_at_a_time",
            "test_a_cursor_does_not_shift_when_entries_are_added",
        } <= failed

    def test_a_log_paged_by_offset_fails(self):
        failed = failing_tests(TestInMemoryAuditSink, audit_sink=OffsetPagingLog)
        assert {
            "test_a_cursor_does_not_shift_when_entries_are_added",
            "test_an_unknown_cursor_is_refused",
        } <= failed

    def test_countries_mixed_up_between_customers_fail(self):
        failed = failing_tests(TestInMemoryBillingCountries, countries=OneCountryForAll)
        assert {"test_customers_countries_are_kept_apart"} <= failed

    def test_a_transaction_that_is_no_unit_fails(self):
        failed = failing_tests(TestInMemoryUnitOfWork, unit=NoUnitStore)
        assert {
            "test_a_failing_record_leaves_no_save",
            "test_an_exception_after_both_writes_keeps_neither",
            "test_a_failed_inner_unit_undoes_only_its_own_work",
            "test_a_failed_outer_unit_undoes_its_inner_units",
        } <= failed

    def test_nesting_that_joins_the_outer_unit_fails(self):
        failed = failing_tests(TestInMemoryUnitOfWork, unit=FlatNestingStore)
        assert {"test_a_failed_inner_unit_undoes_only_its_own_work"} == failed

    def test_a_conflict_that_poisons_the_unit_fails(self):
        failed = failing_tests(TestInMemoryUnitOfWork, unit=PoisonedByConflictStore)
        assert {"test_a_conflict_leaves_nothing_and_the_unit_usable"} == failed

    def test_a_correct_batch_store_fails_nothing(self):
        assert set() == failing_tests(TestInMemoryBatchStore, store=InMemoryStore)

    def test_a_batch_saved_one_by_one_fails(self):
        failed = failing_tests(TestInMemoryBatchStore, store=OneByOneBatchStore)
        assert {
            "test_a_conflict_inside_a_batch_stores_none_of_it",
            "test_a_customer_named_twice_is_a_conflict",
            "test_a_version_that_is_no_version_is_refused_before_anything_is_stored",
            "test_a_conflict_leaves_the_open_unit_usable",
        } <= failed

    def test_a_batch_log_out_of_order_fails(self):
        failed = failing_tests(TestInMemoryBatchStore, store=ShuffledBatchLog)
        assert {"test_record_many_keeps_the_entries_in_their_order"} == failed

    def test_the_fixture_must_be_overridden(self):
        with pytest.raises(NotImplementedError, match="repository"):
            RepositoryContract.repository.__wrapped__(RepositoryContract())


def test_threads_are_not_left_behind():
    assert [] == [t.name for t in threading.enumerate() if t.name.startswith("saver-")]


class TestTheDocsExample:
    """The host test module in "Testing your integration" passes when run with pytest."""

    PAGE = Path(__file__).parent.parent / "docs" / "how-to" / "testing-your-integration.md"

    def page(self):
        return self.PAGE.read_text(encoding="utf-8")

    def test_the_example_module_passes_under_pytest(self, tmp_path):
        blocks = re.findall(r"^```python\n(.*?)^```", self.page(), re.DOTALL | re.MULTILINE)
        (module,) = [b for b in blocks if b.startswith("# tests/test_contact_integration.py")]
        (tmp_path / "test_contact_integration.py").write_text(module, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        claimed = int(re.search(r"then runs (\d+) tests", self.page()).group(1))
        assert 0 == run.returncode, run.stdout[-3000:] + run.stderr[-2000:]
        assert f"{claimed} passed" in run.stdout, run.stdout[-500:]

    def test_the_table_names_real_tests(self):
        named = set(re.findall(r"^\| `(test_\w+)`(?:, `(test_\w+)`)?", self.page(), re.MULTILINE))
        names = {name for pair in named for name in pair if name}
        assert names
        contracts = (RepositoryContract, UnitOfWorkContract)
        assert set() == names - {name for contract in contracts for name in dir(contract)}
