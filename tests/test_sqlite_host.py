"""SQLiteStore.over(connection): contactbook inside the host's own SQLite transaction.

Each shape a host has (Django's ``atomic``, a SQLAlchemy ``Session``, a plain
``sqlite3`` connection in each of its transaction modes) runs an update whose activity
log writes the entry and then raises: nothing is kept, neither the save nor the entry.
And the host's rollback undoes a save that succeeded; its commit keeps it, with its own
rows. The store never commits a transaction it did not begin.
"""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contactbook import AddPoint, ContactKind
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.ports import HostUnitOfWork
from contactbook.service import ContactService
from contactbook.testing.contracts import (
    AuditSinkContract,
    BatchStoreContract,
    RepositoryContract,
    UnitOfWorkContract,
)

ADD = [AddPoint(ContactKind.EMAIL, "ann@example.com")]


class RecordFailedError(Exception):
    """The host's activity log failed after writing the entry."""


class WritesThenFails:
    """An activity log that writes the entry through the store, then raises."""

    def __init__(self, store):
        self.store = store

    def record(self, entry, /):
        self.store.record(entry)
        raise RecordFailedError(entry.id)

    def entries(self, customer_id, /, *, limit=50, before=None):
        return self.store.entries(customer_id, limit=limit, before=before)


def kept(path, customer_id="c1"):
    """What another connection sees committed: (version, entries, host rows)."""
    with sqlite3.connect(path) as other:
        version = other.execute(
            "SELECT coalesce(max(version), 0) FROM contact_sets WHERE customer_id = ?",
            (customer_id,),
        ).fetchone()[0]
        (entries,) = other.execute(
            "SELECT count(*) FROM activity WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        (rows,) = other.execute("SELECT count(*) FROM host_rows").fetchone()
    other.close()
    return version, entries, rows


def make_host_table(path):
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE host_rows (note TEXT)")
    setup.close()


def service_over(store, transaction, audit=None):
    unit = HostUnitOfWork(store, audit or store, store, transaction=transaction)
    return ContactService(unit, AllowAll())


class TestPlainConnection:
    """A host's own sqlite3 connection, in each of Python's transaction modes."""

    @pytest.fixture(
        params=[{}, {"isolation_level": "DEFERRED"}, {"isolation_level": None}],
        ids=["legacy-default", "legacy-deferred", "isolation_level-None"],
    )
    def connection(self, request, tmp_path):
        path = tmp_path / "host.db"
        make_host_table(path)
        connection = sqlite3.connect(path, **request.param)
        yield connection
        connection.close()

    def begin(self, connection):
        """Open the host's transaction the way its mode does."""
        if connection.isolation_level is None:
            connection.execute("BEGIN")
        connection.execute("INSERT INTO host_rows VALUES ('host')")  # legacy: an implicit BEGIN
        assert connection.in_transaction

    def path(self, connection):
        return connection.execute("PRAGMA database_list").fetchone()[2]

    def test_a_record_that_fails_keeps_nothing_inside_the_hosts_transaction(self, connection):
        store = SQLiteStore.over(connection)
        self.begin(connection)
        service = service_over(store, store.transaction, WritesThenFails(store))
        with pytest.raises(RecordFailedError):
            service.update("ann", "c1", ADD, expected_version=0)
        assert connection.in_transaction  # the host's transaction goes on
        connection.commit()
        assert (0, 0, 1) == kept(self.path(connection))

    def test_the_hosts_rollback_undoes_a_save(self, connection):
        store = SQLiteStore.over(connection)
        self.begin(connection)
        service_over(store, store.transaction).update("ann", "c1", ADD, expected_version=0)
        assert connection.in_transaction  # not committed by the store
        assert (0, 0, 0) == kept(self.path(connection))
        connection.rollback()
        assert (0, 0, 0) == kept(self.path(connection))

    def test_the_hosts_commit_keeps_the_save_its_entry_and_its_own_rows(self, connection):
        store = SQLiteStore.over(connection)
        self.begin(connection)
        service_over(store, store.transaction).update("ann", "c1", ADD, expected_version=0)
        connection.commit()
        assert (1, 1, 1) == kept(self.path(connection))

    def test_on_an_idle_connection_a_unit_is_its_own_transaction(self, connection):
        store = SQLiteStore.over(connection)
        assert not connection.in_transaction
        failing = service_over(store, store.transaction, WritesThenFails(store))
        with pytest.raises(RecordFailedError):
            failing.update("ann", "c1", ADD, expected_version=0)
        assert (0, 0, 0) == kept(self.path(connection))
        service_over(store, store.transaction).update("ann", "c1", ADD, expected_version=0)
        assert not connection.in_transaction
        assert (1, 1, 0) == kept(self.path(connection))

    def test_close_leaves_the_hosts_connection_open(self, connection):
        store = SQLiteStore.over(connection)
        store.close()
        assert [(1,)] == connection.execute("SELECT 1").fetchall()

    def test_the_tables_are_made_in_the_hosts_transaction(self, connection):
        self.begin(connection)
        SQLiteStore.over(connection)
        connection.rollback()  # the host changed its mind: no tables either
        with sqlite3.connect(self.path(connection)) as other:
            names = {row[0] for row in other.execute("SELECT name FROM sqlite_master")}
        other.close()
        assert "contact_sets" not in names


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sqlite3's autocommit is new in 3.12")
class TestPep249Mode:
    """autocommit=False (Python 3.12+): always in a transaction, so the store never commits."""

    def test_the_host_commits_or_rolls_back_everything(self, tmp_path):
        path = tmp_path / "host.db"
        make_host_table(path)
        connection = sqlite3.connect(path, autocommit=False)
        try:
            store = SQLiteStore.over(connection)
            connection.commit()  # the tables
            service = service_over(store, store.transaction)
            service.update("ann", "c1", ADD, expected_version=0)
            connection.rollback()
            assert (0, 0, 0) == kept(path)
            failing = service_over(store, store.transaction, WritesThenFails(store))
            with pytest.raises(RecordFailedError):
                failing.update("ann", "c1", ADD, expected_version=0)
            connection.commit()
            assert (0, 0, 0) == kept(path)
            service.update("ann", "c1", ADD, expected_version=0)
            connection.commit()
            assert (1, 1, 0) == kept(path)
        finally:
            connection.close()


def begin_nested(session):
    """``session.begin_nested`` as a unit of work for a store over the session's connection.

    SQLAlchemy says ``SAVEPOINT`` only when the session next uses its connection, and
    the store writes to the DBAPI connection beneath it: without ``session.connection()``
    the savepoint would never be made, and its rollback would undo nothing.
    """

    @contextlib.contextmanager
    def unit():
        with session.begin_nested():
            session.connection()
            yield

    return unit


class TestSQLAlchemySession:
    """A Session over a sqlite engine, the store over the session's DBAPI connection."""

    @pytest.fixture(params=["session.begin_nested", "store.transaction"])
    def unit(self, request):
        """The unit of work: the session's savepoint, or the store's (one in the session's)."""
        if request.param == "store.transaction":
            return lambda session, store: store.transaction
        return lambda session, store: begin_nested(session)

    @pytest.fixture
    def engine(self, tmp_path):
        sqlalchemy = pytest.importorskip("sqlalchemy")
        engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'host.db'}")

        # SQLAlchemy's recipe for SQLite savepoints ("Serializable isolation / Savepoints
        # / Transactional DDL"): let SQLAlchemy, not the driver, say BEGIN.
        @sqlalchemy.event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection, record):
            dbapi_connection.isolation_level = None

        @sqlalchemy.event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE host_rows (note TEXT)")
            SQLiteStore.over(connection.connection.dbapi_connection)  # makes the tables
        yield engine
        engine.dispose()

    def store_of(self, session):
        return SQLiteStore.over(session.connection().connection.dbapi_connection)

    def path(self, engine):
        return engine.url.database

    def host_row(self, session):
        from sqlalchemy import text

        session.execute(text("INSERT INTO host_rows VALUES ('host')"))

    def test_a_record_that_fails_keeps_nothing(self, engine, unit):
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            store = self.store_of(session)
            self.host_row(session)
            service = service_over(store, unit(session, store), WritesThenFails(store))
            with pytest.raises(RecordFailedError):
                service.update("ann", "c1", ADD, expected_version=0)
            session.commit()
        assert (0, 0, 1) == kept(self.path(engine))

    def test_the_sessions_rollback_undoes_a_save(self, engine, unit):
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            store = self.store_of(session)
            self.host_row(session)
            service = service_over(store, unit(session, store))
            service.update("ann", "c1", ADD, expected_version=0)
            assert (0, 0, 0) == kept(self.path(engine))
            session.rollback()
        assert (0, 0, 0) == kept(self.path(engine))

    def test_the_sessions_commit_keeps_everything(self, engine, unit):
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            store = self.store_of(session)
            self.host_row(session)
            service = service_over(store, unit(session, store))
            service.update("ann", "c1", ADD, expected_version=0)
            session.commit()
        assert (1, 1, 1) == kept(self.path(engine))


# Django's settings are configured once per process, so the Django host runs in a
# process of its own (and other test modules may configure Django differently).
DJANGO_HOST = textwrap.dedent(
    """
    import json, sys

    import django
    from django.conf import settings

    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}},
        USE_TZ=True,
    )
    django.setup()
    from django.db import connection, transaction

    from contactbook import AddPoint, ContactKind
    from contactbook.adapters.memory import AllowAll
    from contactbook.adapters.sqlite import SQLiteStore
    from contactbook.ports import HostUnitOfWork
    from contactbook.service import ContactService
    from test_sqlite_host import RecordFailedError, WritesThenFails, kept

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE host_rows (note TEXT)")
    connection.ensure_connection()
    store = SQLiteStore.over(connection.connection)
    add = [AddPoint(ContactKind.EMAIL, "ann@example.com")]
    failing = ContactService(
        HostUnitOfWork(store, WritesThenFails(store), store, transaction=transaction.atomic),
        AllowAll(),
    )
    service = ContactService(
        HostUnitOfWork(store, store, store, transaction=transaction.atomic), AllowAll()
    )
    seen = {}

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO host_rows VALUES ('host')")
            failing.update("ann", "c1", add, expected_version=0)
    except RecordFailedError:
        pass
    seen["failing record, in the host's atomic"] = kept(sys.argv[1])

    try:
        failing.update("ann", "c1", add, expected_version=0)
    except RecordFailedError:
        pass
    seen["failing record, atomic as the unit"] = kept(sys.argv[1])

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO host_rows VALUES ('host')")
        service.update("ann", "c1", add, expected_version=0)
        seen["inside, before the host commits"] = kept(sys.argv[1])
        transaction.set_rollback(True)
    seen["after the host's rollback"] = kept(sys.argv[1])

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO host_rows VALUES ('host')")
        service.update("ann", "c1", add, expected_version=0)
    seen["after the host's commit"] = kept(sys.argv[1])
    print(json.dumps(seen))
    """
)


class TestDjangoAtomic:
    """Django's transaction.atomic as the unit, over django.db.connection.connection."""

    def test_nothing_is_kept_unless_the_host_commits(self, tmp_path):
        pytest.importorskip("django")
        run = subprocess.run(
            [sys.executable, "-c", DJANGO_HOST, str(tmp_path / "django.db")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=str(tmp_path),
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
        )
        assert 0 == run.returncode, run.stderr[-3000:]
        assert {
            "failing record, in the host's atomic": [0, 0, 0],
            "failing record, atomic as the unit": [0, 0, 0],
            "inside, before the host commits": [0, 0, 0],
            "after the host's rollback": [0, 0, 0],
            "after the host's commit": [1, 1, 1],
        } == json.loads(run.stdout)


class TestContractsOverAHostConnection:
    """A store over a host's connection keeps every shipped contract."""

    @pytest.fixture
    def store(self, tmp_path):
        connection = sqlite3.connect(
            tmp_path / "host.db", isolation_level=None, check_same_thread=False
        )
        yield SQLiteStore.over(connection)
        connection.close()


class TestHostRepository(TestContractsOverAHostConnection, RepositoryContract):
    """The repository contract, threads each over a connection of their own."""

    @pytest.fixture
    def repository(self, store):
        return store

    @pytest.fixture(autouse=True)
    def _close_handles(self):
        self.connections = []
        yield
        for connection in self.connections:
            connection.close()

    def concurrent_repositories(self, repository, count):
        path = repository.path
        self.connections = [
            sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            for _ in range(count)
        ]
        return [SQLiteStore.over(connection) for connection in self.connections]


class TestHostAuditSink(TestContractsOverAHostConnection, AuditSinkContract):
    """The audit-sink contract."""

    @pytest.fixture
    def audit_sink(self, store):
        return store


class TestHostUnitOfWork(TestContractsOverAHostConnection, UnitOfWorkContract):
    """The unit-of-work contract."""

    @pytest.fixture
    def unit(self, store):
        return store


class TestHostBatchStore(TestContractsOverAHostConnection, BatchStoreContract):
    """The batch methods' contract, threads each over a connection of their own."""

    @pytest.fixture(autouse=True)
    def _close_handles(self):
        self.connections = []
        yield
        for connection in self.connections:
            connection.close()

    def concurrent_stores(self, store, count):
        self.connections = [
            sqlite3.connect(store.path, isolation_level=None, check_same_thread=False, timeout=30)
            for _ in range(count)
        ]
        return [SQLiteStore.over(connection) for connection in self.connections]
