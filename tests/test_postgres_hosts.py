"""PostgresStore inside a host's transactions: Django's atomic, a SQLAlchemy Session, psycopg.

Each shape runs the service with an activity log whose ``record`` writes the entry and
then raises: nothing may be kept, neither the save nor the entry, even when the host
commits its transaction afterwards. No store commits on its own.
"""

import contextlib
import multiprocessing
import uuid

import pytest

import pgserver
from contactbook import ContactKind, ContactService, SetPrimary
from contactbook.ports import HostUnitOfWork

psycopg = pgserver.require("psycopg")
from contactbook.adapters.memory import AllowAll  # noqa: E402
from contactbook.adapters.postgres import PostgresStore  # noqa: E402


class BrokenLogError(Exception):
    """The activity log failed after it wrote its entry."""


class WritesThenFails:
    """An activity log that records the entry in the store, then raises."""

    def __init__(self, store):
        self.store = store

    def record(self, entry, /):
        self.store.record(entry)
        raise BrokenLogError

    def entries(self, customer_id, /, *, limit=50, before=None):
        return self.store.entries(customer_id, limit=limit, before=before)


def update(service, customer):
    return service.update(
        "ann", customer, [SetPrimary(ContactKind.EMAIL, "ann@example.nl")], expected_version=0
    )


def service_over(store, transaction, *, failing=True):
    log = WritesThenFails(store) if failing else store
    return ContactService(HostUnitOfWork(store, log, store, transaction=transaction), AllowAll())


@pytest.fixture
def schema(postgres):
    name = f"cb_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        PostgresStore(connection, schema=name)
    return name


@pytest.fixture
def kept(pg_connect, schema):
    """``kept(customer)``: (version, entries) as another connection sees them."""
    reader = PostgresStore(pg_connect(autocommit=True), schema=schema, prepare=False)
    return lambda customer: (reader.load(customer).version, len(reader.entries(customer).entries))


# --------------------------------------------------------------------------- Django


def django_shapes(conninfo, schema):
    """Run the Django shapes in a fresh interpreter (Django is configured once per process).

    Returns what each shape raised, by customer id; the parent checks what was kept.
    """
    import django
    from django.conf import settings
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(conninfo)
    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": server["dbname"],
                "USER": server["user"],
                "HOST": server["host"],
                "PORT": server["port"],
            }
        },
        USE_TZ=True,
    )
    django.setup()
    from django.db import connection, transaction

    def store():
        connection.ensure_connection()
        return PostgresStore(connection.connection, schema=schema, prepare=False)

    outcomes = {}

    def run(customer, work):
        try:
            work(customer)
            outcomes[customer] = "returned"
        except BrokenLogError:
            outcomes[customer] = "BrokenLogError"
        except Exception as error:  # reported to the parent, which asserts
            outcomes[customer] = repr(error)

    # The service's unit is the outermost atomic(): the state the issue found.
    run("dj-atomic", lambda c: update(service_over(store(), transaction.atomic), c))

    # The view's own atomic() around it: the service's unit is a savepoint of it; the
    # view catches the failure and commits its own work, and nothing of the save stays.
    def view_catches(customer):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            with contextlib.suppress(BrokenLogError):
                update(service_over(store(), transaction.atomic), customer)

    run("dj-view", view_catches)

    # The store's own unit inside atomic() before its first statement.
    def store_unit(customer):
        with transaction.atomic():
            shop = store()
            update(service_over(shop, shop.transaction), customer)

    run("dj-store-unit", store_unit)

    # And a save that succeeds is durable when atomic() commits, not before.
    def succeeds(customer):
        with transaction.atomic():
            update(service_over(store(), transaction.atomic, failing=False), customer)

    run("dj-ok", succeeds)
    connection.close()
    return outcomes


class TestDjangoAtomic:
    """transaction.atomic over PostgresStore(django.db.connection.connection) is one unit."""

    def test_a_record_that_fails_after_writing_keeps_nothing(self, postgres, schema, kept):
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            outcomes = pool.apply(django_shapes, (postgres, schema))
        assert {
            "dj-atomic": "BrokenLogError",
            "dj-view": "returned",
            "dj-store-unit": "BrokenLogError",
            "dj-ok": "returned",
        } == outcomes
        for customer in ("dj-atomic", "dj-view", "dj-store-unit"):
            assert (customer, (0, 0)) == (customer, kept(customer))
        assert (1, 1) == kept("dj-ok")


# --------------------------------------------------------------------------- SQLAlchemy


@pytest.fixture
def engine(postgres):
    sqlalchemy = pgserver.require("sqlalchemy")
    made = sqlalchemy.create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(postgres)
    )
    yield made
    made.dispose()


def session_store(session, schema):
    return PostgresStore(
        session.connection().connection.driver_connection, schema=schema, prepare=False
    )


class TestSQLAlchemySession:
    """The Session's transaction holds the service's unit, however the unit is opened."""

    def test_begin_nested_inside_the_sessions_transaction(self, engine, schema, kept):
        from sqlalchemy.orm import Session

        with pytest.raises(BrokenLogError), Session(engine) as session, session.begin():
            update(service_over(session_store(session, schema), session.begin_nested), "sa-1")
        assert (0, 0) == kept("sa-1")

    def test_the_stores_unit_and_the_session_commits_after_catching(self, engine, schema, kept):
        from sqlalchemy.orm import Session

        with Session(engine) as session, session.begin():
            store = session_store(session, schema)
            with pytest.raises(BrokenLogError):
                update(service_over(store, store.transaction), "sa-2")
        assert (0, 0) == kept("sa-2")

    def test_begin_nested_makes_its_savepoint_only_when_the_session_works(
        self, engine, schema, kept
    ):
        """Why the guide uses store.transaction: SQLAlchemy emits begin_nested's SAVEPOINT
        lazily, when the Session itself next uses its connection; contactbook's statements
        go to the psycopg connection directly, so a failed unit left its save in place."""
        from sqlalchemy.orm import Session

        with Session(engine) as session, session.begin(), pytest.raises(BrokenLogError):
            update(service_over(session_store(session, schema), session.begin_nested), "sa-5")
        assert (1, 1) == kept("sa-5")  # SQLAlchemy's behaviour, not the store's

    def test_the_stores_unit_in_a_session_that_ran_nothing_yet(self, engine, schema, kept):
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            store = session_store(session, schema)
            with pytest.raises(BrokenLogError):
                update(service_over(store, store.transaction), "sa-4")
            session.commit()  # the host commits anyway: the failed unit left nothing in it
        assert (0, 0) == kept("sa-4")


# --------------------------------------------------------------------------- psycopg


class TestPlainPsycopg:
    """On a plain connection, autocommit or not, a failed unit keeps nothing."""

    @pytest.mark.parametrize("unit", ["store", "psycopg"])
    def test_not_in_autocommit_and_idle(self, pg_connect, schema, kept, unit):
        host = pg_connect()  # not autocommit, no transaction open
        store = PostgresStore(host, schema=schema, prepare=False)
        transaction = store.transaction if unit == "store" else host.transaction
        with pytest.raises(BrokenLogError):
            update(service_over(store, transaction), f"pg-{unit}")
        host.commit()  # the host commits anyway: nothing of the unit is in it
        assert (0, 0) == kept(f"pg-{unit}")

    def test_in_autocommit(self, pg_connect, schema, kept):
        store = PostgresStore(pg_connect(autocommit=True), schema=schema, prepare=False)
        with pytest.raises(BrokenLogError):
            update(service_over(store, store.transaction), "pg-auto")
        assert (0, 0) == kept("pg-auto")

    def test_inside_the_hosts_transaction_block(self, pg_connect, schema, kept):
        host = pg_connect(autocommit=True)
        store = PostgresStore(host, schema=schema, prepare=False)
        with pytest.raises(BrokenLogError), host.transaction():
            update(service_over(store, store.transaction), "pg-block")
        assert (0, 0) == kept("pg-block")

    def test_not_in_autocommit_nothing_is_durable_before_the_host_commits(
        self, pg_connect, schema, kept
    ):
        host = pg_connect()
        store = PostgresStore(host, schema=schema, prepare=False)
        update(service_over(store, store.transaction, failing=False), "pg-commit")
        store.set_billing_country("pg-commit", "NL")  # a call outside any unit: the same
        assert (0, 0) == kept("pg-commit")
        assert psycopg.pq.TransactionStatus.INTRANS == host.info.transaction_status
        host.commit()
        assert (1, 1) == kept("pg-commit")

    def test_not_in_autocommit_the_hosts_rollback_undoes_every_call(self, pg_connect, schema, kept):
        host = pg_connect()
        store = PostgresStore(host, schema=schema, prepare=False)
        store.save("pg-rollback", store.load("pg-rollback").contacts, expected_version=0)
        host.rollback()
        assert (0, 0) == kept("pg-rollback")
