"""The server store: contact sets, the activity log and billing countries in PostgreSQL.

:class:`PostgresStore` implements the repository, the activity log and the billing
countries on psycopg 3 (install ``contactbook[postgres]``), over a connection or a
connection pool the host already has::

    store = PostgresStore(connection)            # a psycopg.Connection
    store = PostgresStore.from_pool(pool)        # a psycopg_pool.ConnectionPool
    service = ContactService(store, authorizer)

What it guarantees (``docs/how-to/postgres-store.md`` has the long form):

- *It never commits the host's transaction.* Every statement runs in a unit the store
  opened or in the host's transaction. On a host connection in autocommit mode with no
  transaction open, a unit of work (:meth:`~PostgresStore.transaction`) is a database
  transaction the store begins and commits; inside the host's ``with
  connection.transaction():`` it is a ``SAVEPOINT``. On a connection that is *not* in
  autocommit (Django inside ``transaction.atomic()``, a SQLAlchemy ``Session``, a plain
  psycopg connection) the host owns the transaction: every statement joins it (psycopg
  begins it at the first statement, as usual), every unit is a savepoint of it, and
  nothing is durable until the host commits. A connection borrowed from a pool belongs
  to the store while it is lent: there, too, a unit is a transaction of its own.
- *No lost update, across threads, processes and hosts.* The version check is part of
  the write: ``UPDATE ... WHERE version = expected``, or ``INSERT ... ON CONFLICT DO
  NOTHING`` for a first save; no row written means a stale save, raised as
  :class:`~contactbook.errors.ConflictError` without any SQL error, so the transaction
  it ran in stays usable.
- *Its own tables, checked.* The store creates its tables in its own schema
  (``contactbook`` unless told otherwise) and records their version in a
  ``schema_version`` table; an older version is migrated forward, a newer one is refused
  with ``storage.version``, tables it did not make with ``storage.corrupt``, and so are
  its own tables once their columns differ from the ones it made.
- *UTF8 on both sides.* The database and the connection must both use UTF8; anything
  else is refused with ``storage.encoding`` (the store never changes a host connection's
  settings).
- *No driver exception escapes.* Every psycopg error becomes a
  :class:`~contactbook.errors.StorageError` with a ``storage.*`` code; an error that
  shows the store's own tables were changed (a column added, dropped or retyped, a
  table dropped) is ``storage.corrupt``.
- *A pool never hangs a call.* A store over a pool waits at most ``timeout`` seconds
  (:data:`DEFAULT_POOL_TIMEOUT` unless told otherwise) for a free connection, then
  raises ``storage.unavailable``.

Threads: a store over one connection serialises its work on that connection (a unit of
work holds it until it ends); a store over a pool gives each thread's unit of work a
connection of its own, and any number of threads may share it.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Protocol

import psycopg
from psycopg import errors as sqlstate
from psycopg.pq import TransactionStatus
from psycopg.rows import tuple_row
from psycopg_pool import PoolTimeout

from contactbook.audit import ActivityEntry
from contactbook.errors import (
    ConflictError,
    ContactValidationError,
    EntryNotFoundError,
    FormatError,
    StorageError,
)
from contactbook.interchange.jsonform import dump_entry, dump_set, load_entry, load_set
from contactbook.model import ContactSet
from contactbook.ports import (
    DEFAULT_PAGE_SIZE,
    ActivityPage,
    Stored,
    StorePorts,
    batch_conflict,
    require_marks,
    require_page_size,
    require_saves,
    require_version,
)
from contactbook.validation import normalize_country

__all__ = [
    "DEFAULT_POOL_TIMEOUT",
    "DEFAULT_SCHEMA",
    "SCHEMA_VERSION",
    "ConnectionSource",
    "PostgresStore",
]

#: The schema (namespace) the store keeps its tables in unless told otherwise.
DEFAULT_SCHEMA = "contactbook"

#: How long (seconds) a store over a pool waits for a free connection before it raises
#: ``storage.unavailable``: long enough for a busy pool to free one, short enough that a
#: request never hangs (psycopg_pool's own default is 30 s).
DEFAULT_POOL_TIMEOUT = 5.0

#: Written into the ``schema_version`` table, so that the tables are recognised.
_APPLICATION = "contactbook"

#: The forward migrations, one step per schema version: step ``n`` (0-based) turns
#: schema ``n`` into schema ``n + 1``. ``{s}`` stands for the quoted schema name. Steps are only
#: ever appended; a released step never changes.
_MIGRATIONS: Sequence[Sequence[str]] = (
    (
        # Version 1. A customer's whole set, as the JSON form, with its version.
        """CREATE TABLE {s}.contact_sets (
            customer_id text PRIMARY KEY,
            version     bigint NOT NULL CHECK (version >= 1),
            body        jsonb NOT NULL
        )""",
        # The activity log, in write order: an identity column (a sequence) orders it.
        """CREATE TABLE {s}.activity (
            seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            entry_id    text NOT NULL,
            customer_id text NOT NULL,
            version     bigint NOT NULL,
            at          timestamptz NOT NULL,
            body        jsonb NOT NULL
        )""",
        "CREATE INDEX activity_by_customer ON {s}.activity (customer_id, seq)",
        "CREATE INDEX activity_by_entry ON {s}.activity (entry_id)",
        """CREATE TABLE {s}.billing_countries (
            customer_id text PRIMARY KEY,
            country     text NOT NULL CHECK (country ~ '^[A-Z][A-Z]$')
        )""",
    ),
    (
        # Version 2. A set's mark (MarkStore): the fingerprint of the rows an import
        # stored it from, 16 bytes, or NULL. Every write of a set that does not mark it
        # clears it.
        "ALTER TABLE {s}.contact_sets ADD COLUMN mark bytea",
    ),
)

#: The schema this release writes, and the newest it opens.
SCHEMA_VERSION = len(_MIGRATIONS)

#: The tables the store makes; any of them without a ``schema_version`` is foreign.
_TABLES = ("schema_version", "contact_sets", "activity", "billing_countries")

#: The columns of each table at :data:`SCHEMA_VERSION`, with their types as PostgreSQL's
#: ``format_type`` names them; every one is ``NOT NULL``. A migration that changes a
#: table changes its row here.
_COLUMNS: dict[str, dict[str, str]] = {
    "schema_version": {"application": "text", "version": "integer"},
    "contact_sets": {
        "customer_id": "text",
        "version": "bigint",
        "body": "jsonb",
        "mark": "bytea (nullable)",
    },
    "activity": {
        "seq": "bigint",
        "entry_id": "text",
        "customer_id": "text",
        "version": "bigint",
        "at": "timestamp with time zone",
        "body": "jsonb",
    },
    "billing_countries": {"customer_id": "text", "country": "text"},
}

_NOTHING_STORED = Stored(ContactSet(), 0)


class _StaleError(Exception):
    """A block of saves wrote fewer rows than it holds (raised to roll its savepoint back)."""


_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class ConnectionSource(Protocol):
    """A connection pool as :meth:`PostgresStore.from_pool` uses it (psycopg_pool's)."""

    def connection(
        self, timeout: float | None = None
    ) -> AbstractContextManager[psycopg.Connection[Any]]:
        """Lend a connection for the ``with`` block; give it back at its end."""
        ...


class PostgresStore(StorePorts):
    """A repository, an activity log and billing countries in PostgreSQL; see the module docs.

    ``connection`` is a psycopg 3 connection the host owns (the store never closes it);
    use :meth:`from_pool` for a pool. ``schema`` is the schema the tables live in
    (made if missing). ``prepare`` (the default) recognises the tables and creates or
    migrates them before the store is used; a host that makes a store per request over
    the request's connection may pass ``prepare=False`` after one store made at
    start-up has prepared the database.
    """

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        /,
        *,
        schema: str = DEFAULT_SCHEMA,
        prepare: bool = True,
    ) -> None:
        self._setup(schema)
        self._connection: psycopg.Connection[Any] | None = connection
        self._pool: ConnectionSource | None = None
        if prepare:
            self._prepare()

    @classmethod
    def from_pool(
        cls,
        pool: ConnectionSource,
        /,
        *,
        schema: str = DEFAULT_SCHEMA,
        prepare: bool = True,
        timeout: float = DEFAULT_POOL_TIMEOUT,
    ) -> PostgresStore:
        """Return a store that borrows connections from ``pool`` (a psycopg_pool pool).

        Each unit of work borrows one connection for its whole length (units nested on
        the same thread share it); a call outside any unit borrows one for that call.
        A borrow waits at most ``timeout`` seconds for a free connection, then raises
        :class:`~contactbook.errors.StorageError` (``storage.unavailable``).
        """
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 < timeout < float("inf")
        ):
            msg = f"The pool timeout must be a number of seconds above 0, got {timeout!r}."
            raise StorageError(msg, code="storage.unavailable", field="timeout")
        store = cls.__new__(cls)
        store._setup(schema)
        store._connection = None
        store._pool = pool
        store._timeout = float(timeout)
        if prepare:
            store._prepare()
        return store

    def _setup(self, schema: str) -> None:
        if not isinstance(schema, str) or not schema or not _storable(schema):
            msg = f"The schema name must be a non-empty text without NUL, got {schema!r}."
            raise StorageError(msg, code="storage.unavailable", field="schema")
        self._schema = schema
        self._timeout = DEFAULT_POOL_TIMEOUT
        self._lock = threading.RLock()
        self._local = threading.local()
        self._cursor: psycopg.Cursor[Any] | None = None
        s = self._compose
        self._sql_load = s(
            "SELECT version, body::text FROM {s}.contact_sets WHERE customer_id = %s"
        )
        self._sql_version = s("SELECT version FROM {s}.contact_sets WHERE customer_id = %s")
        self._sql_insert = s(
            "INSERT INTO {s}.contact_sets (customer_id, version, body) "
            "VALUES (%s, 1, %s::jsonb) ON CONFLICT (customer_id) DO NOTHING"
        )
        self._sql_update = s(
            "UPDATE {s}.contact_sets SET version = version + 1, body = %s::jsonb, mark = NULL "
            "WHERE customer_id = %s AND version = %s"
        )
        self._sql_record = s(
            "INSERT INTO {s}.activity (entry_id, customer_id, version, at, body) "
            "VALUES (%s, %s, %s, %s, %s::jsonb)"
        )
        self._sql_position = s(
            "SELECT max(seq) FROM {s}.activity WHERE customer_id = %s AND entry_id = %s"
        )
        self._sql_newest = s(
            "SELECT entry_id, body::text FROM {s}.activity WHERE customer_id = %s "
            "ORDER BY seq DESC LIMIT %s"
        )
        self._sql_older = s(
            "SELECT entry_id, body::text FROM {s}.activity WHERE customer_id = %s "
            "AND seq < %s ORDER BY seq DESC LIMIT %s"
        )
        self._sql_load_many = s(
            "SELECT customer_id, version, body::text FROM {s}.contact_sets "
            "WHERE customer_id = ANY(%b::text[])"
        )
        self._sql_insert_many = s(
            "INSERT INTO {s}.contact_sets (customer_id, version, body) "
            "SELECT customer_id, 1, body::jsonb FROM unnest(%b::text[], %b::text[]) "
            "AS saved (customer_id, body) ON CONFLICT (customer_id) DO NOTHING"
        )
        self._sql_update_many = s(
            "UPDATE {s}.contact_sets AS stored SET version = stored.version + 1, "
            "body = saved.body::jsonb, mark = NULL "
            "FROM unnest(%b::text[], %b::bigint[], %b::text[]) "
            "AS saved (customer_id, version, body) "
            "WHERE stored.customer_id = saved.customer_id AND stored.version = saved.version"
        )
        self._sql_load_marked = s(
            "SELECT stored.customer_id, stored.version, stored.body::text "
            "FROM {s}.contact_sets AS stored JOIN unnest(%b::text[], %b::bytea[]) "
            "AS marked (customer_id, mark) "
            "ON stored.customer_id = marked.customer_id AND stored.mark = marked.mark"
        )
        self._sql_mark_many = s(
            "UPDATE {s}.contact_sets AS stored SET mark = marked.mark "
            "FROM unnest(%b::text[], %b::bytea[]) AS marked (customer_id, mark) "
            "WHERE stored.customer_id = marked.customer_id"
        )
        self._sql_record_many = s(
            "INSERT INTO {s}.activity (entry_id, customer_id, version, at, body) "
            "SELECT entry_id, customer_id, version, at, body::jsonb FROM unnest("
            "%b::text[], %b::text[], %b::bigint[], %b::timestamptz[], %b::text[]) "
            "WITH ORDINALITY AS entry (entry_id, customer_id, version, at, body, place) "
            "ORDER BY place"
        )
        self._sql_country = s("SELECT country FROM {s}.billing_countries WHERE customer_id = %s")
        self._sql_set_countries = s(
            "INSERT INTO {s}.billing_countries (customer_id, country) "
            "SELECT * FROM unnest(%b::text[], %b::text[]) "
            "ON CONFLICT (customer_id) DO UPDATE SET country = EXCLUDED.country "
            "WHERE {s}.billing_countries.country IS DISTINCT FROM EXCLUDED.country"
        )  # the same country again writes no row version
        self._sql_clear_countries = s(
            "DELETE FROM {s}.billing_countries WHERE customer_id = ANY(%b::text[])"
        )

    def _compose(self, template: str) -> str:
        """Return ``template`` with ``{s}`` replaced by the quoted schema name."""
        # PostgreSQL's quoting of an identifier: in double quotes, each one doubled. (No
        # psycopg.sql.Identifier: before psycopg 3.2 it needs a connection to quote.)
        return template.replace("{s}", '"' + self._schema.replace('"', '""') + '"')

    @property
    def schema(self) -> str:
        """The schema the store's tables live in."""
        return self._schema

    def __repr__(self) -> str:
        source = "pool" if self._pool is not None else "connection"
        return f"PostgresStore({source}, schema={self._schema!r})"

    # ----------------------------------------------------------------- the tables

    def _prepare(self) -> None:
        """Check the encodings; recognise the tables; create them or migrate them forward."""
        with self._borrow() as connection:
            self._check_encodings(connection)
        if self._identify() != SCHEMA_VERSION:  # refuses foreign or newer tables first
            self._migrate()
        self._check_columns()

    def _migrate(self) -> None:
        """Create the tables, or migrate them forward to :data:`SCHEMA_VERSION`."""
        with self.transaction():
            # One migrator at a time: the others wait here, then find the work done.
            lock = zlib.crc32(f"contactbook:{self._schema}".encode())
            self._all("SELECT pg_advisory_xact_lock(%s)", (lock,))
            current = self._identify()
            if not self._all("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self._schema,)):
                self._all(self._compose("CREATE SCHEMA {s}"))
            if current == 0:
                self._all(
                    self._compose(
                        "CREATE TABLE {s}.schema_version"
                        " (application text NOT NULL, version integer NOT NULL)"
                    )
                )
                self._all(
                    self._compose("INSERT INTO {s}.schema_version VALUES (%s, 0)"), (_APPLICATION,)
                )
            for step in _MIGRATIONS[current:]:
                for statement in step:
                    self._all(self._compose(statement))
            self._all(
                self._compose("UPDATE {s}.schema_version SET version = %s"), (SCHEMA_VERSION,)
            )

    def _check_columns(self) -> None:
        """Refuse tables whose columns are not the ones the store made (``storage.corrupt``).

        Exactly the columns of :data:`_COLUMNS`, with their types, all ``NOT NULL``: a
        column added, dropped, retyped or made nullable is found here, at start-up,
        rather than by the first save it breaks.
        """
        found: dict[str, dict[str, str]] = {table: {} for table in _COLUMNS}
        for table, column, kind, not_null in self._all(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull"
            " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = ANY(%s) AND c.relkind IN ('r', 'p')"
            " AND a.attnum > 0 AND NOT a.attisdropped",
            (self._schema, list(_COLUMNS)),
        ):
            found[table][column] = kind if not_null else f"{kind} (nullable)"
        changes = []
        for table, columns in _COLUMNS.items():
            have = found[table]
            if not have:
                changes.append(f"table {table} is missing")
            changes.extend(
                _column_change(f"{table}.{column}", columns.get(column), have.get(column))
                for column in sorted(columns.keys() | have.keys())
                if have and columns.get(column) != have.get(column)
            )
        if changes:
            raise self._changed("; ".join(changes))

    def _check_encodings(self, connection: psycopg.Connection[Any]) -> None:
        """Refuse a database or a connection that does not speak UTF8 (``storage.encoding``).

        Any other encoding cannot carry every name and description a customer may type:
        PostgreSQL would refuse them, or (``SQL_ASCII``) store bytes that no longer read
        back as the text saved. The server reports both names when the connection opens,
        so this runs no statement.
        """
        server = _setting(connection, "server_encoding")
        if server not in {"UTF8", None}:
            msg = (
                f"The database's encoding is {server}; the contact store needs UTF8, so "
                "that names and descriptions in any language can be stored. Give it a "
                "database created with ENCODING 'UTF8'."
            )
            raise StorageError(msg, code="storage.encoding")
        client = _setting(connection, "client_encoding")
        if client not in {"UTF8", None}:
            raise self._wrong_client(client)

    def _wrong_client(self, client: str, detail: str = "") -> StorageError:
        """Return the refusal of a connection whose client encoding is ``client``."""
        because = f" ({detail})" if detail else ""
        msg = (
            f"The connection's client encoding is {client}; the contact store needs UTF8, "
            "so that text in any language reaches the database unchanged"
            f"{because}. Connect with client_encoding UTF8 (unset PGCLIENTENCODING, or "
            "pass options='-c client_encoding=UTF8'), or run SET client_encoding TO "
            "'UTF8' on the connection; the store leaves your connection's settings alone."
        )
        return StorageError(msg, code="storage.encoding")

    def _identify(self) -> int:
        """Return the schema version of the tables, or refuse tables that are not ours.

        Only reads: a schema that is missing or holds none of the store's tables is
        version 0.
        """
        found = {
            name
            for (name,) in self._all(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = ANY(%s)",
                (self._schema, list(_TABLES)),
            )
        }
        if not found:
            return 0
        rows = (
            self._all(self._compose("SELECT application, version FROM {s}.schema_version"))
            if "schema_version" in found
            else []
        )
        if len(rows) != 1 or rows[0][0] != _APPLICATION or not isinstance(rows[0][1], int):
            msg = (
                f"The schema {self._schema!r} holds tables contactbook did not make "
                f"({', '.join(sorted(found))}); they were left untouched. Give the store a "
                "schema of its own (PostgresStore(..., schema=...))."
            )
            raise StorageError(msg, code="storage.corrupt")
        version = int(rows[0][1])
        if version > SCHEMA_VERSION:
            msg = (
                f"The contact store in schema {self._schema!r} has schema version {version}, "
                f"written by a newer contactbook; this release reads up to version "
                f"{SCHEMA_VERSION}. Upgrade contactbook to use it."
            )
            raise StorageError(msg, code="storage.version")
        return version

    # ----------------------------------------------------------------- connections

    @contextmanager
    def _borrow(self) -> Iterator[psycopg.Connection[Any]]:
        """Hold this thread's connection: the open unit's, the store's, or a pooled one."""
        current: psycopg.Connection[Any] | None = getattr(self._local, "connection", None)
        if current is not None:
            yield current
            return
        if self._connection is not None:
            with self._lock:  # held for the whole unit: other threads wait for it
                yield self._connection
            return
        assert self._pool is not None  # noqa: S101 -- one of the two is always set
        lent = self._pool.connection(timeout=self._timeout)
        try:
            connection = lent.__enter__()
        except PoolTimeout as error:
            msg = (
                f"The contact store (PostgreSQL schema {self._schema!r}) cannot be used: "
                f"the pool had no free connection within {self._timeout:g} s (every "
                "connection busy, or the server cannot be reached). Try again; if it keeps "
                "happening, check the server, or give the pool more connections or the "
                "store a longer timeout (PostgresStore.from_pool(..., timeout=...))."
            )
            raise StorageError(msg, code="storage.unavailable") from error
        except psycopg.Error as error:
            raise self._error(error) from error
        self._local.connection = connection
        try:
            yield connection
        except BaseException as error:
            self._local.connection = None
            if not lent.__exit__(type(error), error, error.__traceback__):
                raise
        else:
            self._local.connection = None
            try:
                lent.__exit__(None, None, None)
            except psycopg.Error as error:
                raise self._error(error) from error

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: everything inside commits together, or not at all.

        On a connection in autocommit mode with no transaction open (and on a pooled
        connection) the outermost unit is a database transaction (``BEGIN`` ...
        ``COMMIT``). A unit opened inside an open one, or inside the host's transaction,
        is a ``SAVEPOINT``: its failure undoes only its own work, and nothing is durable
        until the outermost transaction commits. On a host's connection that is not in
        autocommit every unit is a savepoint of the host's transaction (begun first if
        none is open yet), so only the host's commit makes it durable.
        """
        with self._borrow() as connection:
            unit = connection.transaction()
            try:
                if (
                    connection is self._connection
                    and not connection.autocommit
                    and connection.info.transaction_status == TransactionStatus.IDLE
                ):
                    # psycopg would make this unit a transaction of its own and commit it,
                    # inside a transaction the host believes open (Django's atomic() before
                    # its first statement): begin the host's transaction, as any statement
                    # on this connection would, so that the unit is a savepoint of it.
                    connection.execute("SELECT 1")
                unit.__enter__()
            except psycopg.Error as error:
                raise self._error(error) from error
            try:
                yield
            except BaseException as error:
                if not unit.__exit__(type(error), error, error.__traceback__):
                    raise
            else:
                try:
                    unit.__exit__(None, None, None)
                except psycopg.Error as error:
                    raise self._error(error) from error

    def read_transaction(self) -> AbstractContextManager[None]:
        """Open the unit of a use case that only reads: :meth:`transaction`'s.

        PostgreSQL's readers take no lock a writer waits for, so one kind of unit serves.
        """
        return self.transaction()

    # ----------------------------------------------------------------- SQL, translated

    def _all(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        """Run one statement and return its rows."""
        return self._run(sql, parameters)[0]

    def _run(self, sql: str, parameters: Sequence[object] = ()) -> tuple[list[Any], int]:
        """Run one statement where it belongs; return its rows and row count.

        On the host's connection the statement runs as the connection stands: in the
        open unit or the host's transaction, or (autocommit, nothing open) on its own,
        as autocommit means. A pooled connection borrowed for this one call runs it in a
        transaction of its own, so that none is left open in the pool.
        """
        connection = self._connection
        if connection is not None:  # the store's one connection: the hot path, kept short
            with self._lock:
                cursor = self._cursor
                if cursor is None or cursor.closed:
                    cursor = self._cursor = connection.cursor(row_factory=tuple_row)
                return self._execute(connection, cursor, sql, parameters)
        with self._borrow() as connection, connection.cursor(row_factory=tuple_row) as cursor:
            if connection.autocommit or connection.info.transaction_status != (
                TransactionStatus.IDLE
            ):
                return self._execute(connection, cursor, sql, parameters)
            try:
                with connection.transaction():
                    return self._execute(connection, cursor, sql, parameters)
            except psycopg.Error as error:  # the COMMIT itself
                raise self._error(error) from error

    def _execute(
        self,
        connection: psycopg.Connection[Any],
        cursor: psycopg.Cursor[Any],
        sql: str,
        parameters: Sequence[object],
    ) -> tuple[list[Any], int]:
        try:
            cursor.execute(sql, parameters)
            # pgresult, not description: description builds column objects at every call.
            result = cursor.pgresult
            rows = cursor.fetchall() if result is not None and result.nfields else []
        except (sqlstate.UntranslatableCharacter, sqlstate.CharacterNotInRepertoire) as error:
            found = _setting(connection, "client_encoding") or "unknown"
            raise self._wrong_client(found, _first(error)) from error
        except psycopg.Error as error:
            raise self._error(error) from error
        except UnicodeError as error:
            client = _setting(connection, "client_encoding")
            if client not in {"UTF8", None}:  # text the client encoding cannot carry
                raise self._wrong_client(client) from error
            raise _not_text("text") from error  # a lone surrogate the checks did not see
        return rows, cursor.rowcount

    def _error(self, error: psycopg.Error) -> StorageError:
        """Turn a psycopg exception into a StorageError a person can act on."""
        text = _first(error)
        where = f"The contact store (PostgreSQL schema {self._schema!r})"
        if isinstance(
            error,
            sqlstate.LockNotAvailable
            | sqlstate.QueryCanceled
            | sqlstate.DeadlockDetected
            | sqlstate.SerializationFailure,
        ):
            msg = (
                f"{where} stayed locked by another writer ({text}). Try again; if it keeps "
                "happening, look for a session that holds a transaction open, or raise the "
                "lock or statement timeout."
            )
            return StorageError(msg, code="storage.locked")
        if isinstance(error, sqlstate.InFailedSqlTransaction):
            msg = (
                f"{where} cannot be used: the transaction was already aborted by an earlier "
                "error. Roll it back, then retry the whole unit of work."
            )
            return StorageError(msg, code="storage.unavailable")
        if isinstance(error, sqlstate.InsufficientPrivilege):
            msg = (
                f"{where} cannot be used: the database user lacks a privilege ({text}). "
                "Grant it USAGE and CREATE on the schema (or let the schema's owner create "
                "the tables once), and read and write on its tables."
            )
            return StorageError(msg, code="storage.unavailable")
        if isinstance(
            error, sqlstate.UndefinedTable | sqlstate.UndefinedColumn | sqlstate.InvalidSchemaName
        ):
            msg = (
                f"{where} is missing a table or column it made ({text}); someone changed "
                "or dropped them. Restore them from a backup."
            )
            return StorageError(msg, code="storage.corrupt")
        if isinstance(
            error, psycopg.IntegrityError | psycopg.ProgrammingError | psycopg.DataError
        ) and not isinstance(error, sqlstate.NumericValueOutOfRange):
            # The store's statements are fixed and its values checked before any SQL: a
            # constraint, type or statement error can only come from tables that no longer
            # have the shape the store made (a column added NOT NULL, retyped, a table
            # replaced).
            return self._changed(text)
        msg = (
            f"{where} cannot be used: {text}. Check that the database server is running "
            "and reachable, and that the connection is open."
        )
        return StorageError(msg, code="storage.unavailable")

    def _changed(self, text: str) -> StorageError:
        """Return the refusal of tables that no longer have the shape the store made."""
        msg = (
            f"The contact store (PostgreSQL schema {self._schema!r}) does not have the "
            f"shape contactbook made ({text}); someone changed its tables. Undo the change "
            "(contactbook's tables take no columns or constraints of yours), or restore "
            "them from a backup."
        )
        return StorageError(msg, code="storage.corrupt")

    def _read(self, reader: Any, body: str, customer_id: str | None = None) -> Any:
        if not isinstance(body, str):  # bytes: a SQL_ASCII connection decodes no text
            raise self._wrong_client("SQL_ASCII")
        try:
            return reader(body)
        except FormatError as error:
            what = "an activity entry" if customer_id is None else f"customer {customer_id!r}"
            where = f"schema {self._schema!r}"
            raise StorageError.unreadable(error, what=what, where=where) from error

    # ----------------------------------------------------------------- the repository

    def load(self, customer_id: str, /) -> Stored:
        """Return the customer's set and version; ``(ContactSet(), 0)`` if unknown."""
        rows = self._all(self._sql_load, (_key(customer_id, "customer_id"),))
        if not rows:
            return Stored(ContactSet(), 0)
        version, body = rows[0]
        if type(version) is not int:
            raise self._changed(f"customer {customer_id!r} has a version of type {type(version)}")
        return Stored(self._read(load_set, body, customer_id), version)

    def save(self, customer_id: str, contacts: ContactSet, /, *, expected_version: int) -> int:
        """Store ``contacts`` as version ``expected_version + 1``, or raise a conflict.

        One statement checks the version and writes: a conditional ``UPDATE``, or an
        ``INSERT ... ON CONFLICT DO NOTHING`` for version 0. When it writes no row the
        save was stale: :class:`~contactbook.errors.ConflictError` is raised, nothing is
        stored, and the transaction it ran in is not aborted.
        """
        key = _key(customer_id, "customer_id")
        require_version(expected_version)  # a bool or a str would reach SQL as another type
        body = _document(dump_set(contacts), "contacts")
        if expected_version == 0:
            _, written = self._run(self._sql_insert, (key, body))
        else:
            _, written = self._run(self._sql_update, (body, key, expected_version))
        if written != 1:
            rows = self._all(self._sql_version, (key,))
            raise ConflictError(customer_id, expected_version, int(rows[0][0]) if rows else 0)
        return expected_version + 1

    # ----------------------------------------------------------------- in blocks

    def load_many(self, customer_ids: Sequence[str], /) -> dict[str, Stored]:
        """Return each customer's set and version (``(ContactSet(), 0)`` if unknown).

        One ``SELECT ... = ANY(...)`` for them all.
        """
        keys = [_key(customer_id, "customer_id") for customer_id in customer_ids]
        found = self._stored(self._all(self._sql_load_many, (keys,)))
        return {key: found.get(key, _NOTHING_STORED) for key in keys}

    def _stored(self, rows: Sequence[tuple[Any, ...]]) -> dict[str, Stored]:
        """Read rows of ``(customer_id, version, body)``: each customer's set and version."""
        found: dict[str, Stored] = {}
        for customer_id, version, body in rows:
            if type(version) is not int:
                raise self._changed(
                    f"customer {customer_id!r} has a version of type {type(version)}"
                )
            found[customer_id] = Stored(self._read(load_set, body, customer_id), version)
        return found

    def save_many(self, saves: Sequence[tuple[str, ContactSet, int]], /) -> None:
        """Store each set as its expected version + 1; on any conflict, store none.

        Two statements for the whole block (an ``INSERT ... ON CONFLICT DO NOTHING``
        and a conditional ``UPDATE`` over ``unnest`` of the block), each checking the
        versions in the write, in a savepoint: when they write fewer rows than the
        block holds, the savepoint is rolled back and
        :class:`~contactbook.errors.ConflictError` raised (no SQL error: the
        transaction stays usable).
        """
        require_saves(saves)
        if not saves:
            return
        first: tuple[list[str], list[str]] = ([], [])
        later: tuple[list[str], list[int], list[str]] = ([], [], [])
        for customer_id, contacts, expected_version in saves:
            key = _key(customer_id, "customer_id")
            body = _document(dump_set(contacts), "contacts")
            if expected_version == 0:
                first[0].append(key)
                first[1].append(body)
            else:
                later[0].append(key)
                later[1].append(expected_version)
                later[2].append(body)
        try:
            with self.transaction():  # a savepoint inside the open unit
                written = self._run(self._sql_insert_many, first)[1] if first[0] else 0
                if later[0]:
                    written += self._run(self._sql_update_many, later)[1]
                if written != len(saves):
                    raise _StaleError
        except _StaleError:
            raise batch_conflict(saves, self.load_many) from None

    def load_marked(self, marks: Mapping[str, bytes], /) -> dict[str, Stored]:
        """Return the set of each customer whose set carries exactly the mark given.

        One ``SELECT`` joining the sets to ``unnest`` of the marks: only the sets whose
        mark matches are sent and parsed.
        """
        require_marks(marks.items())
        keys = [_key(customer_id, "customer_id") for customer_id in marks]
        if not keys:
            return {}
        return self._stored(self._all(self._sql_load_marked, (keys, list(marks.values()))))

    def mark_many(self, marks: Sequence[tuple[str, bytes]], /) -> None:
        """Put each mark on the customer's set as now stored, in one statement.

        A customer named twice gets the last of its marks, as one after the other would.
        """
        require_marks(marks)
        last = {_key(customer_id, "customer_id"): mark for customer_id, mark in marks}
        if last:
            self._all(self._sql_mark_many, (list(last), list(last.values())))

    def record_many(self, entries: Sequence[ActivityEntry], /) -> None:
        """Append ``entries`` to the activity log in their order, in one statement."""
        rows = [self._entry_row(entry) for entry in entries]
        if rows:  # one array per column
            self._all(self._sql_record_many, [list(column) for column in zip(*rows, strict=True)])

    # ----------------------------------------------------------------- the activity log

    def record(self, entry: ActivityEntry, /) -> None:
        """Append ``entry`` to the activity log (inside the open unit of work, if any)."""
        self._all(self._sql_record, self._entry_row(entry))

    def _entry_row(self, entry: ActivityEntry) -> tuple[str, str, int, object, str]:
        """Check an entry and return its row of the activity table."""
        entry_id = _key(entry.id, "entry.id")
        customer_id = _key(entry.customer_id, "entry.customer_id")
        _key(entry.actor, "entry.actor")
        require_version(entry.version, field="entry.version")
        body = _document(dump_entry(entry), "entry")
        return (entry_id, customer_id, entry.version, entry.at, body)

    def entries(
        self, customer_id: str, /, *, limit: int = DEFAULT_PAGE_SIZE, before: str | None = None
    ) -> ActivityPage:
        """Return a page of up to ``limit`` of the customer's entries, newest first.

        Paging: pass the page's ``next`` as ``before`` to get the next (older) page;
        ``next`` is ``None`` on the last page. ``before`` is an entry id of this
        customer's log; one it does not hold raises
        :class:`~contactbook.errors.EntryNotFoundError`. Write order is the order of
        the log: saves of one customer are serialised by its row, so its entries stand
        in version order.
        """
        key = _key(customer_id, "customer_id")
        require_page_size(limit)
        if before is None:
            rows = self._all(self._sql_newest, (key, limit + 1))
        else:
            (position,) = self._all(self._sql_position, (key, _key(before, "before")))[0]
            if position is None:
                raise EntryNotFoundError(before)
            rows = self._all(self._sql_older, (key, position, limit + 1))
        entries = tuple(self._read(load_entry, body) for _, body in rows[:limit])
        return ActivityPage(entries, rows[limit - 1][0] if len(rows) > limit else None)

    # ----------------------------------------------------------------- billing countries

    def billing_country(self, customer_id: str, /) -> str | None:
        """Return the customer's billing country (ISO 3166-1 alpha-2), or ``None``."""
        rows = self._all(self._sql_country, (_key(customer_id, "customer_id"),))
        return str(rows[0][0]) if rows else None

    def set_billing_country(self, customer_id: str, country: str | None, /) -> None:
        """Set (or, with ``None``, forget) the customer's billing country.

        The stored phone numbers are not touched: see ``ContactService.country_change``.
        """
        self.set_billing_countries([(customer_id, country)])

    def set_billing_countries(self, countries: Sequence[tuple[str, str | None]], /) -> None:
        """Set (or forget) many customers' billing countries: each as :meth:`set_billing_country`.

        The last one given for a customer holds. Every id and code is checked first (one
        refused sets none); then one statement sets them all and one forgets: in a
        savepoint inside the open unit when both run (all or none), else alone.
        """
        latest = {
            _key(customer_id, "customer_id"): normalize_country(country)
            for customer_id, country in countries
        }
        to_set = [key for key, code in latest.items() if code is not None]
        to_clear = [key for key, code in latest.items() if code is None]
        with self.transaction() if to_set and to_clear else nullcontext():
            if to_set:
                self._all(self._sql_set_countries, (to_set, [latest[key] for key in to_set]))
            if to_clear:
                self._all(self._sql_clear_countries, (to_clear,))


def _column_change(column: str, made: str | None, found: str | None) -> str:
    """Say how ``column`` differs from the one the store made (``None``: not there)."""
    if found is None:
        return f"{column} is missing"
    if made is None:
        return f"{column} ({found}) is not contactbook's"
    return f"{column} is {found}, not {made}"


def _setting(connection: psycopg.Connection[Any], name: str) -> str | None:
    """Return a setting the server reported (``server_encoding``, ...) as text, or ``None``.

    ``None`` when the connection is closed or broken: its next statement says so.
    """
    try:
        return connection.info.parameter_status(name)
    except (psycopg.Error, UnicodeError):
        return None


def _first(error: psycopg.Error) -> str:
    """Return the first line of a psycopg error's message (its type's name if none)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _storable(text: str) -> bool:
    """Whether PostgreSQL can hold ``text``: UTF-8 encodable (no lone surrogate), no NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_text(field: str) -> ContactValidationError:
    msg = (
        f"The {field} holds a NUL character or a lone surrogate, which PostgreSQL cannot "
        "store as text; pass a valid string."
    )
    return ContactValidationError(msg, code="text.character", field=field)


def _key(text: str, field: str) -> str:
    """Refuse an id PostgreSQL cannot store as text (NUL, or a lone surrogate)."""
    if not _storable(text):
        raise _not_text(field)
    return text


def _document(body: str, field: str) -> str:
    """Refuse a JSON document ``jsonb`` cannot hold (a NUL or a lone surrogate in a value)."""
    if "\\u0000" in body and _NUL_ESCAPE.search(body):
        raise _not_text(field)
    if not body.isascii():
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:
            raise _not_text(field) from None
    return body
