"""PostgresStore keeps every shipped contract, over one connection and over a pool."""

import uuid

import pytest

import pgserver
from contactbook.testing.contracts import (
    AuditSinkContract,
    BatchStoreContract,
    BillingCountriesContract,
    MarkStoreContract,
    RepositoryContract,
    UnitOfWorkContract,
)

psycopg = pgserver.require("psycopg")
psycopg_pool = pgserver.require("psycopg_pool")
from contactbook.adapters.postgres import PostgresStore  # noqa: E402


@pytest.fixture(scope="module")
def schema(postgres):
    """One schema for the module: every contract test uses fresh customer ids."""
    name = f"cb_contracts_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        PostgresStore(connection, schema=name)
    return name


@pytest.fixture
def store(pg_connect, schema):
    return PostgresStore(pg_connect(autocommit=True), schema=schema)


@pytest.fixture(scope="module")
def pool(postgres):
    with psycopg_pool.ConnectionPool(postgres, min_size=2, max_size=10, open=True) as opened:
        yield opened


@pytest.fixture
def pooled(pool, schema):
    return PostgresStore.from_pool(pool, schema=schema)


@pytest.fixture
def in_the_hosts_transaction(pg_connect, schema):
    """A store on the host's connection, inside the host's transaction for the whole test."""
    host = pg_connect()  # not autocommit
    store = PostgresStore(host, schema=schema)
    host.commit()  # the check's reads: a connection not in autocommit opened a transaction
    with host.transaction():  # the host's transaction, open for the whole test
        yield store


class TestPostgresRepository(RepositoryContract):
    """Over one connection (threads take turns on it), the repository contract holds."""

    @pytest.fixture
    def repository(self, store):
        return store


class TestPostgresRepositoryAcrossConnections(RepositoryContract):
    """Separate connections, as separate processes would have, keep it too."""

    @pytest.fixture
    def repository(self, store):
        return store

    @pytest.fixture(autouse=True)
    def _connect(self, pg_connect, schema):
        self.connect = lambda: PostgresStore(pg_connect(autocommit=True), schema=schema)

    def concurrent_repositories(self, repository, count):
        return [self.connect() for _ in range(count)]


class TestPostgresRepositoryOverAPool(RepositoryContract):
    """A store over a pool, shared by every thread, keeps it."""

    @pytest.fixture
    def repository(self, pooled):
        return pooled


class TestPostgresAuditSink(AuditSinkContract):
    """PostgresStore keeps the audit-sink contract, read side included."""

    @pytest.fixture
    def audit_sink(self, store):
        return store


class TestPostgresBillingCountries(BillingCountriesContract):
    """PostgresStore keeps the billing-country contract."""

    @pytest.fixture
    def countries(self, store):
        return store


class TestPostgresUnitOfWork(UnitOfWorkContract):
    """Units over one connection: transactions, nested ones savepoints."""

    @pytest.fixture
    def unit(self, store):
        return store


class TestPostgresUnitOfWorkOverAPool(UnitOfWorkContract):
    """Units over a pool: each borrows one connection, nested units share it."""

    @pytest.fixture
    def unit(self, pooled):
        return pooled


class TestPostgresUnitOfWorkInTheHostsTransaction(UnitOfWorkContract):
    """Inside the host's own open transaction the rules hold, until the host commits."""

    @pytest.fixture
    def unit(self, in_the_hosts_transaction):
        return in_the_hosts_transaction


class TestPostgresMarkStore(MarkStoreContract):
    """PostgresStore's marks keep their contract."""

    @pytest.fixture
    def store(self, store):
        return store


class TestPostgresMarkStoreInTheHostsTransaction(MarkStoreContract):
    """Inside the host's own open transaction the marks keep it too."""

    @pytest.fixture
    def store(self, in_the_hosts_transaction):
        return in_the_hosts_transaction


class TestPostgresBatchStore(BatchStoreContract):
    """PostgresStore's batch methods keep their contract (separate connections race)."""

    @pytest.fixture
    def store(self, store):
        return store

    @pytest.fixture(autouse=True)
    def _connect(self, pg_connect, schema):
        self.connect = lambda: PostgresStore(pg_connect(autocommit=True), schema=schema)

    def concurrent_stores(self, store, count):
        return [self.connect() for _ in range(count)]


class TestPostgresBatchStoreOverAPool(BatchStoreContract):
    """A store over a pool keeps it too."""

    @pytest.fixture
    def store(self, pooled):
        return pooled


class TestPostgresBatchStoreInTheHostsTransaction(BatchStoreContract):
    """Inside the host's own open transaction, a refused batch leaves it usable."""

    @pytest.fixture
    def store(self, in_the_hosts_transaction):
        return in_the_hosts_transaction
