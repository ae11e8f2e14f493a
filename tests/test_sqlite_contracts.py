"""SQLiteStore keeps every shipped contract: repository, activity log, countries, units."""

import pytest

from contactbook.adapters.sqlite import SQLiteStore
from contactbook.testing.contracts import (
    AuditSinkContract,
    BatchStoreContract,
    BillingCountriesContract,
    MarkStoreContract,
    RepositoryContract,
    UnitOfWorkContract,
)


@pytest.fixture
def store(tmp_path):
    opened = SQLiteStore(tmp_path / "contacts.db")
    yield opened
    opened.close()


class TestSQLiteRepository(RepositoryContract):
    """SQLiteStore keeps the repository contract (threads share one store)."""

    @pytest.fixture
    def repository(self, store):
        return store


class TestSQLiteRepositoryAcrossStores(RepositoryContract):
    """Separate SQLiteStore objects on one file keep it too (as separate processes would)."""

    @pytest.fixture
    def repository(self, store):
        return store

    @pytest.fixture(autouse=True)
    def _close_handles(self):
        self.handles = []
        yield
        for handle in self.handles:
            handle.close()

    def concurrent_repositories(self, repository, count):
        self.handles = [SQLiteStore(repository.path) for _ in range(count)]
        return self.handles


class TestSQLiteAuditSink(AuditSinkContract):
    """SQLiteStore keeps the audit-sink contract."""

    @pytest.fixture
    def audit_sink(self, store):
        return store


class TestSQLiteBillingCountries(BillingCountriesContract):
    """SQLiteStore keeps the billing-country contract."""

    @pytest.fixture
    def countries(self, store):
        return store


class TestSQLiteUnitOfWork(UnitOfWorkContract):
    """SQLiteStore's transaction keeps the atomicity and nesting rules."""

    @pytest.fixture
    def unit(self, store):
        return store


class TestSQLiteMarkStore(MarkStoreContract):
    """SQLiteStore's marks keep their contract."""

    @pytest.fixture
    def store(self, store):
        return store


class TestSQLiteBatchStore(BatchStoreContract):
    """SQLiteStore's batch methods keep their contract (separate stores race on one file)."""

    @pytest.fixture
    def store(self, store):
        return store

    @pytest.fixture(autouse=True)
    def _close_handles(self):
        self.handles = []
        yield
        for handle in self.handles:
            handle.close()

    def concurrent_stores(self, store, count):
        self.handles = [SQLiteStore(store.path) for _ in range(count)]
        return self.handles
