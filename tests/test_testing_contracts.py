"""The shipped contract suites pass for the in-memory store and fail for broken ones."""

import dataclasses
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _pytest.outcomes import Failed

from contactbook import ConflictError, ContactSet
from contactbook.adapters.memory import InMemoryStore
from contactbook.ports import Stored
from contactbook.testing.contracts import AuditSinkContract, RepositoryContract


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

    def recorded(self, audit_sink, customer_id):
        return audit_sink.entries(customer_id)


# --------------------------------------------------------------------------- broken ones


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
        assert set() == names - set(dir(RepositoryContract))
