"""PostgresStore on a real server: its tables, units of work, the host's transaction, errors."""

import datetime as dt
import threading
import uuid

import pytest

import pgserver
from contactbook import (
    AddPoint,
    ConflictError,
    ContactKind,
    ContactSet,
    ContactValidationError,
    EntryNotFoundError,
    StorageError,
)
from contactbook.audit import ActivityEntry
from contactbook.operations import apply

psycopg = pgserver.require("psycopg")
from contactbook.adapters.postgres import SCHEMA_VERSION, PostgresStore  # noqa: E402

UTC = dt.timezone.utc


def new_schema():
    return f"cb_{uuid.uuid4().hex[:10]}"


def emails(*numbers):
    return apply(
        ContactSet(), [AddPoint(ContactKind.EMAIL, f"p{n}@example.com") for n in numbers]
    ).contacts


def entry(customer_id, version, *, entry_id=None):
    return ActivityEntry(
        id=entry_id or uuid.uuid4().hex,
        customer_id=customer_id,
        actor="ann",
        at=dt.datetime(2026, 11, 27, 9, 0, version, tzinfo=UTC),
        version=version,
        changes=(),
    )


def fail_inside(store, work):
    """Do ``work`` in a unit of work that then fails."""
    with store.transaction():
        work()
        raise RuntimeError


@pytest.fixture
def connection(pg_connect):
    return pg_connect(autocommit=True)


@pytest.fixture
def store(connection):
    return PostgresStore(connection, schema=new_schema())


class TestTables:
    """The store makes its own tables, recognises them, and refuses tables it did not make."""

    def test_a_new_schema_gets_the_tables_and_its_version(self, connection):
        schema = new_schema()
        PostgresStore(connection, schema=schema)
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,),
        ).fetchall()
        assert {"schema_version", "contact_sets", "activity", "billing_countries"} == {
            name for (name,) in tables
        }
        assert [("contactbook", SCHEMA_VERSION)] == connection.execute(
            f'SELECT application, version FROM "{schema}".schema_version'
        ).fetchall()

    def test_opening_again_keeps_the_data(self, connection):
        schema = new_schema()
        PostgresStore(connection, schema=schema).save("c1", emails(1), expected_version=0)
        assert 1 == PostgresStore(connection, schema=schema).load("c1").version

    def test_a_schema_name_needing_quotes_works(self, connection):
        store = PostgresStore(connection, schema=f'Odd "name"; {uuid.uuid4().hex[:6]}')
        store.save("c1", emails(1), expected_version=0)
        assert emails(1) == store.load("c1").contacts

    def test_a_schema_of_another_application_is_refused_and_left_alone(self, connection):
        schema = new_schema()
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE TABLE "{schema}".activity (x int)')
        connection.execute(f'INSERT INTO "{schema}".activity VALUES (7)')
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.corrupt" == refused.value.code
        assert "schema of its own" in refused.value.message
        assert [(7,)] == connection.execute(f'SELECT x FROM "{schema}".activity').fetchall()

    def test_a_version_table_of_another_application_is_refused(self, connection):
        schema = new_schema()
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(
            f'CREATE TABLE "{schema}".schema_version (application text, version int)'
        )
        connection.execute(f"INSERT INTO \"{schema}\".schema_version VALUES ('other', 1)")
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.corrupt" == refused.value.code

    def test_a_newer_schema_is_refused_with_storage_version(self, connection):
        schema = new_schema()
        PostgresStore(connection, schema=schema)
        connection.execute(f'UPDATE "{schema}".schema_version SET version = version + 1')
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.version" == refused.value.code
        assert "Upgrade contactbook" in refused.value.message

    def test_tables_of_version_1_get_the_mark_column_and_keep_their_sets(self, connection):
        # Version 2 adds contact_sets.mark (MarkStore); the sets stored before are kept,
        # unmarked, and can be marked once migrated.
        schema = new_schema()
        PostgresStore(connection, schema=schema).save("c1", emails(1), expected_version=0)
        connection.execute(f'ALTER TABLE "{schema}".contact_sets DROP COLUMN mark')
        connection.execute(f'UPDATE "{schema}".schema_version SET version = 1')
        store = PostgresStore(connection, schema=schema)
        assert emails(1) == store.load("c1").contacts
        assert [("contactbook", SCHEMA_VERSION)] == connection.execute(
            f'SELECT application, version FROM "{schema}".schema_version'
        ).fetchall()
        assert {} == store.load_marked({"c1": bytes(16)})
        store.mark_many([("c1", bytes(16))])
        assert {"c1"} == set(store.load_marked({"c1": bytes(16)}))

    def test_a_mark_column_made_not_null_is_reported_as_corrupt(self, connection):
        schema = new_schema()
        PostgresStore(connection, schema=schema)
        connection.execute(f'ALTER TABLE "{schema}".contact_sets ALTER COLUMN mark SET NOT NULL')
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.corrupt" == refused.value.code

    def test_a_dropped_table_is_reported_as_corrupt(self, connection):
        schema = new_schema()
        store = PostgresStore(connection, schema=schema)
        connection.execute(f'DROP TABLE "{schema}".contact_sets')
        with pytest.raises(StorageError) as refused:
            store.load("c1")
        assert "storage.corrupt" == refused.value.code

    def test_many_openers_of_a_new_schema_all_open_it(self, pg_connect):
        schema = new_schema()
        connections = [pg_connect(autocommit=True) for _ in range(6)]
        barrier, outcomes = threading.Barrier(6), []

        def opener(connection):
            barrier.wait(timeout=30)
            try:
                outcomes.append(PostgresStore(connection, schema=schema).load("c1").version)
            except Exception as error:  # reported below, where the test asserts
                outcomes.append(repr(error))

        threads = [threading.Thread(target=opener, args=(c,)) for c in connections]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [0] * 6 == outcomes

    def test_a_dropped_column_added_column_or_changed_type_is_corrupt(self, connection):
        for change, call in (
            ("activity ADD COLUMN tenant text NOT NULL", lambda s: s.record(entry("c1", 1))),
            ("contact_sets DROP COLUMN body", lambda s: s.load("c1")),
            (
                "contact_sets ALTER COLUMN customer_id TYPE integer USING 0",
                lambda s: s.save("c2", emails(1), expected_version=0),
            ),
            (
                "contact_sets DROP CONSTRAINT contact_sets_version_check,"
                " ALTER COLUMN version TYPE text",
                lambda s: s.save("c1", emails(1), expected_version=1),
            ),
            ("billing_countries ADD UNIQUE (country)", None),
            (
                "activity ALTER COLUMN version TYPE date USING '2000-01-01'",
                lambda s: s.record(entry("c1", 1)),
            ),
        ):
            schema = new_schema()
            store = PostgresStore(connection, schema=schema)
            store.save("c1", emails(1), expected_version=0)
            store.set_billing_country("c9", "NL")
            connection.execute(f'ALTER TABLE "{schema}".{change}')
            with pytest.raises(StorageError) as refused:
                (call or (lambda s: s.set_billing_country("c2", "NL")))(store)
            assert ("storage.corrupt", change) == (refused.value.code, change)
            assert "someone changed" in refused.value.message
            assert "server is running" not in refused.value.message

    @pytest.mark.parametrize(
        ("change", "said"),
        [
            ("activity ADD COLUMN tenant text NOT NULL", "activity.tenant (text) is not"),
            ("activity ADD COLUMN note text", "activity.note (text (nullable)) is not"),
            ("contact_sets DROP COLUMN body", "contact_sets.body is missing"),
            ("contact_sets ALTER COLUMN body TYPE text", "contact_sets.body is text, not jsonb"),
            ("billing_countries ALTER COLUMN country DROP NOT NULL", "text (nullable), not text"),
        ],
    )
    def test_the_check_refuses_tables_of_another_shape(self, connection, change, said):
        schema = new_schema()
        PostgresStore(connection, schema=schema)
        connection.execute(f'ALTER TABLE "{schema}".{change}')
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.corrupt" == refused.value.code
        assert said in refused.value.message
        assert "Undo the change" in refused.value.message

    def test_the_check_refuses_a_dropped_table(self, connection):
        schema = new_schema()
        PostgresStore(connection, schema=schema)
        connection.execute(f'DROP TABLE "{schema}".billing_countries')
        with pytest.raises(StorageError) as refused:
            PostgresStore(connection, schema=schema)
        assert "storage.corrupt" == refused.value.code
        assert "table billing_countries is missing" in refused.value.message

    def test_a_retyped_version_read_back_is_corrupt(self, connection):
        schema = new_schema()
        store = PostgresStore(connection, schema=schema)
        store.save("c1", emails(1), expected_version=0)
        connection.execute(f'ALTER TABLE "{schema}".contact_sets ALTER COLUMN version TYPE numeric')
        with pytest.raises(StorageError) as refused:
            store.load("c1")
        assert "storage.corrupt" == refused.value.code

    def test_check_false_runs_no_statement(self, pg_connect):
        connection = pg_connect()
        PostgresStore(connection, schema=new_schema(), prepare=False)
        assert psycopg.pq.TransactionStatus.IDLE == connection.info.transaction_status


class TestUnitsOfWork:
    """A unit is a transaction; one inside another is a savepoint."""

    def test_a_failing_unit_keeps_nothing(self, store):
        def work():
            store.save("c1", emails(1), expected_version=0)
            store.record(entry("c1", 1))

        with pytest.raises(RuntimeError):
            fail_inside(store, work)
        assert (0, ()) == (store.load("c1").version, store.entries("c1").entries)

    def test_a_failing_inner_unit_undoes_only_its_own_work(self, store):
        with store.transaction():
            store.save("c1", emails(1), expected_version=0)
            with pytest.raises(RuntimeError):
                fail_inside(store, lambda: store.save("c2", emails(2), expected_version=0))
            store.record(entry("c1", 1))
        assert (1, 0) == (store.load("c1").version, store.load("c2").version)
        assert [1] == [e.version for e in store.entries("c1").entries]

    def test_nothing_is_visible_elsewhere_before_the_outer_unit_commits(self, store, pg_connect):
        other = PostgresStore(pg_connect(autocommit=True), schema=store.schema)
        with store.transaction():
            with store.transaction():
                store.save("c1", emails(1), expected_version=0)
            assert 0 == other.load("c1").version
        assert 1 == other.load("c1").version

    def test_a_pool_gives_each_threads_unit_its_own_connection(self, postgres):
        pool_module = pgserver.require("psycopg_pool")
        with pool_module.ConnectionPool(postgres, min_size=2, max_size=4, open=True) as pool:
            store = PostgresStore.from_pool(pool, schema=new_schema())
            inside = threading.Event()
            release = threading.Event()

            def slow_unit():
                with store.transaction():
                    store.save("slow", emails(1), expected_version=0)
                    inside.set()
                    release.wait(timeout=30)

            thread = threading.Thread(target=slow_unit)
            thread.start()
            assert inside.wait(timeout=30)
            store.save("fast", emails(2), expected_version=0)  # not blocked, not joined
            assert (0, 1) == (store.load("slow").version, store.load("fast").version)
            release.set()
            thread.join(timeout=30)
            assert 1 == store.load("slow").version
            assert 0 == pool.get_stats().get("connections_lost", 0)


class TestTheHostsTransaction:
    """Inside the host's own transaction the store's units are savepoints of it."""

    def test_the_hosts_write_and_the_save_commit_together(self, pg_connect):
        host = pg_connect()  # not autocommit: the host drives its transactions
        schema = new_schema()
        store = PostgresStore(host, schema=schema)
        host.execute(f'CREATE TABLE "{schema}".customers (id text)')
        host.commit()
        reader = PostgresStore(pg_connect(autocommit=True), schema=schema)
        with host.transaction():
            host.execute(f"INSERT INTO \"{schema}\".customers VALUES ('c1')")
            with store.transaction():
                store.save("c1", emails(1), expected_version=0)
            assert 0 == reader.load("c1").version  # not yet: the host has not committed
        assert 1 == reader.load("c1").version
        assert [("c1",)] == host.execute(f'SELECT id FROM "{schema}".customers').fetchall()

    def test_the_hosts_rollback_undoes_the_save(self, pg_connect):
        host = pg_connect()
        store = PostgresStore(host, schema=new_schema())
        host.commit()  # the tables the check made, in the host's transaction
        host.execute("SELECT 1")  # the host's transaction is open
        with store.transaction():
            store.save("c1", emails(1), expected_version=0)
            store.record(entry("c1", 1))
        host.rollback()
        assert (0, ()) == (store.load("c1").version, store.entries("c1").entries)

    def test_a_conflict_leaves_the_hosts_transaction_usable(self, pg_connect):
        host = pg_connect()
        store = PostgresStore(host, schema=new_schema())
        store.save("c1", emails(1), expected_version=0)
        with host.transaction():
            for stale in (0, 5):
                with pytest.raises(ConflictError) as refused:
                    store.save("c1", emails(2), expected_version=stale)
                assert (stale, 1) == (refused.value.expected, refused.value.actual)
            assert psycopg.pq.TransactionStatus.INTRANS == host.info.transaction_status
            assert 2 == store.save("c1", emails(3), expected_version=1)
        assert (emails(3), 2) == (store.load("c1").contacts, store.load("c1").version)

    def test_an_aborted_host_transaction_is_reported_as_such(self, pg_connect):
        host = pg_connect()
        store = PostgresStore(host, schema=new_schema())
        with pytest.raises(psycopg.errors.DivisionByZero):
            host.execute("SELECT 1 / 0")
        with pytest.raises(StorageError) as refused:
            store.load("c1")
        assert "storage.unavailable" == refused.value.code
        assert "Roll it back" in refused.value.message

    def test_not_in_autocommit_a_call_joins_the_hosts_transaction(self, pg_connect):
        host = pg_connect()
        store = PostgresStore(host, schema=new_schema())
        host.commit()  # the tables the check made
        store.save("c1", emails(1), expected_version=0)
        assert psycopg.pq.TransactionStatus.INTRANS == host.info.transaction_status
        host.rollback()
        assert 0 == store.load("c1").version

    def test_not_in_autocommit_a_unit_is_a_savepoint_of_the_hosts_transaction(self, pg_connect):
        host = pg_connect()
        store = PostgresStore(host, schema=new_schema())
        host.commit()
        assert psycopg.pq.TransactionStatus.IDLE == host.info.transaction_status
        with store.transaction():
            store.save("c1", emails(1), expected_version=0)
        assert psycopg.pq.TransactionStatus.INTRANS == host.info.transaction_status
        host.rollback()
        assert 0 == store.load("c1").version

    def test_the_hosts_row_factory_does_not_matter(self, pg_connect):
        from psycopg.rows import dict_row

        store = PostgresStore(pg_connect(row_factory=dict_row), schema=new_schema())
        store.save("c1", emails(1), expected_version=0)
        store.record(entry("c1", 1))
        assert 1 == store.load("c1").version
        assert [1] == [e.version for e in store.entries("c1").entries]


class TestErrors:
    """No psycopg exception escapes: each is a StorageError with a storage.* code."""

    def test_a_closed_connection_is_storage_unavailable(self, pg_connect):
        connection = pg_connect(autocommit=True)
        store = PostgresStore(connection, schema=new_schema())
        connection.close()
        for call in (lambda: store.load("c1"), lambda: store.transaction().__enter__()):
            with pytest.raises(StorageError) as refused:
                call()
            assert "storage.unavailable" == refused.value.code

    def test_a_row_held_too_long_is_storage_locked(self, pg_connect):
        schema = new_schema()
        holder = PostgresStore(pg_connect(autocommit=True), schema=schema)
        holder.save("c1", emails(1), expected_version=0)
        waiter = PostgresStore(
            pg_connect(autocommit=True, options="-c lock_timeout=200"), schema=schema
        )
        with holder.transaction():
            holder.save("c1", emails(2), expected_version=1)
            with pytest.raises(StorageError) as refused:
                waiter.save("c1", emails(3), expected_version=1)
        assert "storage.locked" == refused.value.code
        assert 2 == waiter.load("c1").version

    def test_no_privilege_is_storage_unavailable_with_what_to_grant(self, connection, pg_connect):
        role = f"reader_{uuid.uuid4().hex[:8]}"
        connection.execute(f"CREATE ROLE {role} LOGIN")
        limited = pg_connect(autocommit=True, user=role)
        with pytest.raises(StorageError) as refused:
            PostgresStore(limited, schema=new_schema())
        assert "storage.unavailable" == refused.value.code
        assert "privilege" in refused.value.message

    @pytest.mark.parametrize("text", ["c\udc80", "c\x00"], ids=["surrogate", "nul"])
    def test_text_postgresql_cannot_hold_is_refused_before_any_sql(self, store, text):
        for call in (
            lambda: store.load(text),
            lambda: store.save(text, emails(1), expected_version=0),
            lambda: store.record(entry(text, 1)),
            lambda: store.record(attrs_evolve_actor(entry("c1", 1), text)),
            lambda: store.billing_country(text),
        ):
            with pytest.raises(ContactValidationError) as refused:
                call()
            assert "text.character" == refused.value.code
        assert 0 == store.load("c1").version  # the connection is still usable


class TestEncodings:
    """The store needs UTF8 on both sides, and says so: never a refusal of the customer's text."""

    @pytest.fixture
    def other_database(self, connection):
        def create(encoding):
            name = f"enc_{uuid.uuid4().hex[:8]}"
            connection.execute(
                f"CREATE DATABASE {name} ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C' "
                "TEMPLATE template0"
            )
            return name

        return create

    @pytest.mark.parametrize("encoding", ["LATIN1", "SQL_ASCII"])
    def test_a_database_not_in_utf8_is_refused(self, pg_connect, other_database, encoding):
        database = pg_connect(autocommit=True, dbname=other_database(encoding))
        with pytest.raises(StorageError) as refused:
            PostgresStore(database)
        assert "storage.encoding" == refused.value.code
        assert f"The database's encoding is {encoding};" in refused.value.message
        assert "ENCODING 'UTF8'" in refused.value.message

    @pytest.mark.parametrize("how", ["options", "environment"])
    def test_a_connection_not_in_utf8_is_refused(self, pg_connect, monkeypatch, how):
        if how == "options":
            latin = pg_connect(autocommit=True, options="-c client_encoding=LATIN1")
        else:
            monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
            latin = pg_connect(autocommit=True)
        with pytest.raises(StorageError) as refused:
            PostgresStore(latin, schema=new_schema())
        assert "storage.encoding" == refused.value.code
        assert "client encoding is LATIN1;" in refused.value.message
        assert "LATIN1" == latin.info.parameter_status("client_encoding")  # left alone

    def test_text_a_latin1_connection_cannot_carry_is_a_storage_error(self, pg_connect):
        schema = new_schema()
        utf8 = PostgresStore(pg_connect(autocommit=True), schema=schema)
        latin = PostgresStore(
            pg_connect(autocommit=True, options="-c client_encoding=LATIN1"),
            schema=schema,
            prepare=False,
        )
        tokyo = apply(ContactSet(), [AddPoint(ContactKind.EMAIL, "a@b.nl", "東京 office")])
        with pytest.raises(StorageError) as refused:
            latin.save("c1", tokyo.contacts, expected_version=0)
        assert "storage.encoding" == refused.value.code
        utf8.save("c2", tokyo.contacts, expected_version=0)
        for call in (lambda: latin.load("c2"), lambda: latin.load("東京")):
            with pytest.raises(StorageError) as refused:
                call()
            assert "storage.encoding" == refused.value.code
            assert "client encoding is LATIN1" in refused.value.message
        assert 0 == latin.load("c1").version  # nothing saved; the connection still works

    def test_a_pool_of_connections_not_in_utf8_is_refused(self, postgres):
        pool_module = pgserver.require("psycopg_pool")
        with (
            pool_module.ConnectionPool(
                postgres, min_size=1, max_size=1, kwargs={"options": "-c client_encoding=LATIN1"}
            ) as pool,
            pytest.raises(StorageError) as refused,
        ):
            PostgresStore.from_pool(pool, schema=new_schema())
        assert "storage.encoding" == refused.value.code


class TestPoolWaits:
    """A store over a pool waits a bounded time for a connection, then says why it stopped."""

    def test_a_busy_pool_ends_the_wait_after_the_timeout(self, postgres):
        import time

        pool_module = pgserver.require("psycopg_pool")
        with pool_module.ConnectionPool(postgres, min_size=1, max_size=1) as pool:
            store = PostgresStore.from_pool(pool, schema=new_schema(), timeout=0.3)
            holding, release = threading.Event(), threading.Event()

            def hold():
                with store.transaction():
                    holding.set()
                    release.wait(timeout=30)

            thread = threading.Thread(target=hold)
            thread.start()
            assert holding.wait(timeout=30)
            started = time.monotonic()
            with pytest.raises(StorageError) as refused:
                store.load("c1")
            waited = time.monotonic() - started
            release.set()
            thread.join(timeout=30)
        assert "storage.unavailable" == refused.value.code
        assert "no free connection within 0.3 s" in refused.value.message
        assert 0.25 < waited < 3

    def test_a_server_that_is_down_ends_the_wait_after_the_default(self, tmp_path):
        import time

        from contactbook.adapters.postgres import DEFAULT_POOL_TIMEOUT

        pool_module = pgserver.require("psycopg_pool")
        nowhere = f"host={tmp_path} port=5432 user=postgres dbname=postgres connect_timeout=1"
        with pool_module.ConnectionPool(nowhere, min_size=1, open=False) as pool:
            pool.open(wait=False)
            started = time.monotonic()
            with pytest.raises(StorageError) as refused:
                PostgresStore.from_pool(pool)
            waited = time.monotonic() - started
        assert "storage.unavailable" == refused.value.code
        assert f"within {DEFAULT_POOL_TIMEOUT:g} s" in refused.value.message
        assert DEFAULT_POOL_TIMEOUT - 0.1 < waited < DEFAULT_POOL_TIMEOUT + 3

    @pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "5", True, None])
    def test_a_timeout_that_is_no_positive_number_is_refused(self, postgres, timeout):
        with pytest.raises(StorageError) as refused:
            PostgresStore.from_pool(object(), timeout=timeout)
        assert "timeout" == refused.value.field


def attrs_evolve_actor(item, actor):
    import attrs

    return attrs.evolve(item, actor=actor)


class TestTheLogsReadSide:
    """Entries read back newest first, paged by a cursor that new writes do not shift."""

    def test_pages_are_newest_first_and_chain_by_cursor(self, store):
        for version in range(1, 6):
            store.record(entry("c1", version))
        store.record(entry("c2", 1))
        first = store.entries("c1", limit=2)
        assert [5, 4] == [e.version for e in first.entries]
        store.record(entry("c1", 6))  # a new write does not shift the older pages
        second = store.entries("c1", limit=2, before=first.next)
        third = store.entries("c1", limit=2, before=second.next)
        assert [3, 2] == [e.version for e in second.entries]
        assert ([1], None) == ([e.version for e in third.entries], third.next)

    def test_an_exactly_full_last_page_says_there_is_no_more(self, store):
        for version in (1, 2):
            store.record(entry("c1", version))
        page = store.entries("c1", limit=2)
        assert ([2, 1], None) == ([e.version for e in page.entries], page.next)

    def test_an_unknown_cursor_or_another_customers_is_not_found(self, store):
        store.record(entry("c2", 1, entry_id="theirs"))
        for cursor in ("nothing", "theirs"):
            with pytest.raises(EntryNotFoundError):
                store.entries("c1", before=cursor)

    def test_a_limit_below_1_is_refused(self, store):
        with pytest.raises(ContactValidationError) as refused:
            store.entries("c1", limit=0)
        assert ("page.invalid", "limit") == (refused.value.code, refused.value.field)


class TestBillingCountries:
    """A customer's billing country is kept, normalized, and can be forgotten."""

    def test_set_read_and_clear(self, store):
        assert store.billing_country("c1") is None
        store.set_billing_country("c1", " nl ")
        store.set_billing_country("c2", "BE")
        assert ("NL", "BE") == (store.billing_country("c1"), store.billing_country("c2"))
        store.set_billing_country("c1", "GB")
        store.set_billing_country("c2", None)
        assert ("GB", None) == (store.billing_country("c1"), store.billing_country("c2"))

    def test_an_unknown_country_is_refused(self, store):
        with pytest.raises(ContactValidationError) as refused:
            store.set_billing_country("c1", "XX")
        assert "country.invalid" == refused.value.code
        assert store.billing_country("c1") is None
