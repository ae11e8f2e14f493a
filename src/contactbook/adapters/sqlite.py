"""The embedded store: contact sets and the activity log in one SQLite database file.

:class:`SQLiteStore` implements the :class:`~contactbook.ports.ContactRepository`,
:class:`~contactbook.ports.AuditSink` and :class:`~contactbook.ports.BillingCountries`
ports on the standard library's :mod:`sqlite3`, and its
:meth:`~SQLiteStore.transaction` makes each use case (load, save and activity entry)
one SQL transaction::

    store = SQLiteStore("contacts.db")
    service = ContactService(store, authorizer)

A host that has a :mod:`sqlite3` connection of its own (a Django or SQLAlchemy
application on SQLite) hands it in instead, and contactbook's reads and writes run in
the host's transaction: ``SQLiteStore.over(connection)``.

What it guarantees (``docs/how-to/sqlite-store.md`` has the long form):

- *Atomicity.* A unit of work is one ``BEGIN IMMEDIATE`` ... ``COMMIT``: a crash at any
  point leaves the save and its entry both or neither. A unit inside a unit, or inside
  a transaction the host opened on its connection, is a ``SAVEPOINT`` (the
  :class:`~contactbook.ports.Transaction` rules): the store never commits a transaction
  it did not begin.
- *Readers do not wait for the writer.* A unit that only reads
  (:meth:`~SQLiteStore.read_transaction`, which the service uses for its reads) is a
  ``BEGIN DEFERRED`` read transaction: under WAL it takes no write lock and sees the
  last commit, however long another process holds the write lock.
- *No lost update, across threads and processes.* ``BEGIN IMMEDIATE`` takes the file's
  write lock before the version is checked, so the check and the write cannot
  interleave with another writer; a stale save raises ``contact.conflict``.
- *Locks are waited for, then reported.* A writer waits up to ``timeout`` seconds for
  the lock, then gets :class:`~contactbook.errors.StorageError` ``storage.locked``. No
  :mod:`sqlite3` exception escapes: every failure is a ``StorageError`` with a
  ``storage.*`` code.
- *Foreign files are left alone.* A file is recognised by its SQLite header's
  application id before anything is written; anything else is refused with
  ``storage.corrupt`` and not touched. A file of a newer schema is refused with
  ``storage.version``.

Threads: one store may be shared by any number of threads. Each thread gets its own
connection (made on first use, closed by :meth:`~SQLiteStore.close` or when a later
connection is made after its thread ended); a unit of work belongs to the thread that
opened it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from types import TracebackType
from typing import Any

from contactbook.audit import ActivityEntry
from contactbook.errors import (
    ConflictError,
    ContactValidationError,
    EntryNotFoundError,
    FormatError,
    StorageError,
)
from contactbook.interchange.jsonform import (
    dump_entry,
    dump_set,
    entry_to_data,
    load_entry,
    load_set,
    set_to_data,
)
from contactbook.model import ContactSet
from contactbook.ports import (
    DEFAULT_PAGE_SIZE,
    MAX_INTEGER,
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

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SQLiteStore"]

#: Written to the SQLite header (``PRAGMA application_id``) of every contactbook file, so
#: that a file is recognised before anything is written to it. The bytes spell "cbk1".
APPLICATION_ID = 0x63626B31

#: The forward migrations, one step per schema version: step ``n`` (0-based) turns a
#: file of schema ``n`` into schema ``n + 1``; version 1 is the first schema. Steps are
#: only ever appended; a released step never changes.
_MIGRATIONS: Sequence[Sequence[str]] = (
    (
        # Version 1. A customer's whole set, as the JSON form, with its version.
        """CREATE TABLE contact_sets (
            customer_id TEXT PRIMARY KEY NOT NULL,
            version     INTEGER NOT NULL CHECK (version >= 1),
            body        TEXT NOT NULL
        )""",
        # The activity log, in write order. AUTOINCREMENT: a position is never reused.
        """CREATE TABLE activity (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id    TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            version     INTEGER NOT NULL,
            body        TEXT NOT NULL
        )""",
        "CREATE INDEX activity_by_customer ON activity (customer_id, seq)",
        "CREATE INDEX activity_by_entry ON activity (entry_id)",
    ),
    (
        # Version 2. Each customer's billing country (ISO 3166-1 alpha-2), for hosts
        # without customer records of their own (the CLI, the reference web host).
        """CREATE TABLE billing_countries (
            customer_id TEXT PRIMARY KEY NOT NULL,
            country     TEXT NOT NULL
        )""",
    ),
    # Version 3. No table changes: an activity entry's body is written as its JSON form
    # compressed (zlib, a BLOB) instead of the text, a third of its size; a body of
    # text (written under schema 1 or 2) is still read as it is. The version tells an
    # older release, which cannot read the compressed bodies, to refuse the file.
    (),
    # Version 4. No table changes: an entry's body is compressed with a preset
    # dictionary (_ENTRY_WORDS: the words every entry repeats), about half the size of
    # schema 3's; bodies of schema 1-3 are still read as they are.
    (),
    # Version 5. A set's mark (MarkStore): the fingerprint of the rows an import stored
    # it from, 16 bytes; or none: NULL (a row of schema 4), 17 zero bytes (_INSERT_SET).
    # Every write of a set that does not mark it clears it.
    ("ALTER TABLE contact_sets ADD COLUMN mark BLOB",),
)

#: The preset dictionary of schema 4's entry bodies (zlib's FDICT): the keys, event
#: types and kinds of the JSON form, which a few hundred bytes of one entry cannot
#: teach the compressor. Part of the file format: never changed once released (another
#: dictionary would take a new schema version, and zlib's header names the one used).
_ENTRY_WORDS = (
    b'"description":null,"entered":"","country":null}},{"type":"description_changed",'
    b'"before":{"id":,"kind":"website","value":"https://www.","description":null}'
    b',"after":{"id":,"kind":"email","value":"","description":null,"entered":"",'
    b'"country":null}},{"type":"value_changed","before":{"id":,"kind":"phone","value":"+'
    b'","description":null,"entered":"","country":""}},{"type":"point_removed","point":'
    b'{"id":,"kind":"mobile","value":"+","description":null,"entered":"","country":""}}'
    b',{"type":"primary_changed","kind":"website","before":null,"after":},'
    b'{"type":"primary_changed","kind":"mobile","before":null,"after":},'
    b'{"type":"primary_changed","kind":"phone","before":null,"after":},'
    b'{"type":"primary_changed","kind":"email","before":null,"after":}]}'
    b'{"format":"contactbook/activity-entry","format_version":2,"id":"","customer_id":"",'
    b'"actor":"","at":"T::.Z","version":,"changes":[{"type":"point_added","point":{"id":'
)


def _shape(connection: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Return each of the store's tables' columns: name, type, NOT NULL, default, key."""
    return {
        table: [tuple(row[1:]) for row in connection.execute(f"PRAGMA table_info({table})")]
        for table in _TABLES[:3]
    }


@functools.cache
def _expected_shape() -> dict[str, list[tuple[Any, ...]]]:
    """Return the tables' shape as this release's migrations make them (in memory)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as blank:
        for step in _MIGRATIONS:
            for statement in step:
                blank.execute(statement)
        return _shape(blank)


#: The store's writes of a set and of an activity entry, one statement each: a first
#: save inserts (doing nothing when the row exists), a later one updates the version it
#: was built on; either writes no row when the version moved on. Both clear the set's
#: mark (MarkStore): they write 17 zero bytes, which no mark equals (a mark has 16 at
#: most) and which keep the mark's room in the row, so that marking it (an import
#: does, in the same unit) rewrites the row in place. With NULL there, each mark grew
#: its row and split the pages: 7 % more file after an import (measured, 20,000 rows).
_INSERT_SET = (
    "INSERT INTO contact_sets (customer_id, version, body, mark) VALUES (?, 1, ?, zeroblob(17)) "
    "ON CONFLICT (customer_id) DO NOTHING"
)
_UPDATE_SET = (
    "UPDATE contact_sets SET version = version + 1, body = ?, mark = zeroblob(17) "
    "WHERE customer_id = ? AND version = ?"
)
_MARK_SET = "UPDATE contact_sets SET mark = ? WHERE customer_id = ?"
_INSERT_ENTRY = "INSERT INTO activity (entry_id, customer_id, version, body) VALUES (?, ?, ?, ?)"

#: How many customers one ``SELECT ... IN`` of :meth:`SQLiteStore.load_many` names
#: (SQLite before 3.32 takes at most 999 parameters in a statement).
_BLOCK = 500

_NOTHING_STORED = Stored(ContactSet(), 0)


class _StaleError(Exception):
    """A block of saves wrote fewer rows than it holds (raised to roll its savepoint back)."""


#: A position past every activity entry (SQLite's largest integer): "from the newest".
_NEWEST = MAX_INTEGER

#: A high surrogate followed by a low one: two code points that JSON's ``\u`` escapes
#: (RFC 8259 §7) read back as the one character the pair encodes.
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")

#: The schema this release writes, and the newest it opens.
SCHEMA_VERSION = len(_MIGRATIONS)

#: In a host's database (``SQLiteStore.over``), whose header is the host's, this table
#: holds the schema version; and the store's tables, which it never touches unmarked.
_MARKER = "contactbook_schema"
_TABLES = ("contact_sets", "activity", "billing_countries", _MARKER)


#: Connections inherited through ``fork()`` belong to the parent: closing them in the
#: child could disturb the parent's locks (SQLite's "how to corrupt" guide, §2.6), so
#: the child keeps them referenced here and never uses or closes them.
_INHERITED: list[sqlite3.Connection] = []


class _Connection:
    """One thread's connection (or the host's) and the depth of its open unit of work."""

    def __init__(self, connection: sqlite3.Connection, owner: threading.Thread | None) -> None:
        self.connection = connection
        self.owner = owner
        self.pid = os.getpid()
        self.depth = 0


class SQLiteStore(StorePorts):
    """A repository and an activity log in one SQLite file; see the module docs.

    ``path`` is the database file: a missing or empty file becomes a new store, a
    contactbook file of an older schema is migrated forward, anything else is refused
    (:class:`~contactbook.errors.StorageError`). ``timeout`` is how many seconds a
    writer waits for another writer's lock before ``storage.locked``. ``durable``
    (the default) makes every commit survive power loss (``synchronous=FULL``);
    ``durable=False`` survives a crash of the process but may lose the last commits
    on power loss, and saves faster (``synchronous=NORMAL``). Either way the file is
    never left inconsistent.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 5.0, durable: bool = True
    ) -> None:
        self._path = os.fspath(path)
        if self._path in {"", ":memory:"} or self._path.startswith("file:"):
            msg = (
                f"SQLiteStore needs the path of a database file, got {self._path!r}; "
                "use contactbook.adapters.memory.InMemoryStore for a store in memory."
            )
            raise StorageError(msg, code="storage.unavailable", field="path")
        self._setup(timeout)
        self._synchronous = "FULL" if durable else "NORMAL"
        made = [Path(self._path + suffix) for suffix in ("-wal", "-shm")]
        made = [side for side in made if not side.exists()]
        try:
            self._prepare()
        except BaseException as error:
            self.close()
            if isinstance(error, StorageError) and error.code != "storage.locked":
                _remove_empty(made)
            raise

    def _setup(self, timeout: float | None) -> None:
        self._timeout = timeout
        self._lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[_Connection] = []
        self._host: _Connection | None = None
        self._closed = False

    @classmethod
    def over(cls, connection: sqlite3.Connection, /) -> SQLiteStore:
        """Return a store that works on the host's own ``connection``, in its transactions.

        For a host that has an :mod:`sqlite3` connection already (Django's
        ``django.db.connection.connection``, a SQLAlchemy session's DBAPI connection):
        while the connection is inside a transaction, every unit of work is a
        ``SAVEPOINT`` in it and the store never commits: the host's commit makes the
        save, its entry and the host's own writes durable together, and its rollback
        undoes them all. On a connection with no transaction open, a unit of work is a
        transaction of its own (``BEGIN IMMEDIATE``, or ``BEGIN DEFERRED`` to read),
        committed at its end, as in a store that owns its connections.

        The tables are recognised, and made or migrated, at once (in the host's
        transaction, if one is open). The host keeps everything else: the connection
        is never closed (:meth:`close` only stops the store), and its journal mode,
        ``synchronous`` setting and busy timeout stay as the host set them (WAL, so
        that readers run beside the writer, is the host's choice to make). Use the
        store from one thread at a time, as the connection itself.
        """
        store = cls.__new__(cls)
        store._setup(None)
        rows = store._run(connection, "SELECT file FROM pragma_database_list WHERE name = 'main'")
        store._path = str(rows[0][0]) if rows and rows[0][0] else ":memory:"
        store._host = _Connection(connection, None)
        store._synchronous = ""
        if store._identify() < SCHEMA_VERSION:
            store._migrate()
        return store

    # ----------------------------------------------------------------- the file

    @property
    def path(self) -> Path:
        """The database file."""
        return Path(self._path)

    def _prepare(self) -> None:
        """Recognise the file, migrate it forward, check its tables, switch it to WAL mode."""
        if self._identify() < SCHEMA_VERSION:  # refuses a foreign or newer file first
            self._migrate()
        self._check_shape()
        (mode,) = self._one("PRAGMA journal_mode")
        if mode != "wal":
            mode = self._switch_to_wal()
            if mode != "wal":
                msg = (
                    f"The contact store {self._path} could not be switched to WAL mode "
                    f"(it stays {mode!r}); put it on a local file system that SQLite "
                    "supports WAL on."
                )
                raise StorageError(msg, code="storage.unavailable")

    def _check_shape(self) -> None:
        """Refuse tables that someone changed (a column added, dropped, renamed, retyped)."""
        try:
            found = _shape(self._connection())
        except sqlite3.Error as error:
            raise self._error(error) from None
        expected = _expected_shape()
        changed = [table for table in expected if found[table] != expected[table]]
        if changed:
            raise StorageError(
                _changed_tables(self._path, ", ".join(changed)), code="storage.corrupt"
            )

    def _migrate(self) -> None:
        """Bring the tables to this release's schema, under the write lock."""
        with self.transaction():  # the write lock: one process migrates, others wait
            current = self._identify()  # another process may have migrated meanwhile
            connection = self._connection()
            for step in _MIGRATIONS[current:]:
                for statement in step:
                    self._run(connection, statement)
            if self._in_header:
                self._run(connection, f"PRAGMA application_id = {APPLICATION_ID}")
                self._run(connection, f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:  # the host's database: its header is the host's to set
                marker = "CREATE TABLE IF NOT EXISTS contactbook_schema (version INTEGER)"
                self._run(connection, marker)
                self._run(connection, "DELETE FROM contactbook_schema")
                version = (SCHEMA_VERSION,)
                self._run(connection, "INSERT INTO contactbook_schema VALUES (?)", version)

    def _switch_to_wal(self) -> str:
        """Set WAL mode, retrying while other openers of a new file hold it.

        Changing the journal mode needs the file to itself, and SQLite answers "locked"
        at once, without waiting out the busy timeout, when another connection is
        reading it; so several processes opening one new file together would refuse
        each other. Retry until the timeout instead.
        """
        deadline = time.monotonic() + (self._timeout or 0.0)
        while True:
            try:
                (mode,) = self._one("PRAGMA journal_mode = WAL")
            except StorageError as error:
                if error.code != "storage.locked" or time.monotonic() >= deadline:
                    raise
                time.sleep(0.005)
            else:
                return str(mode)

    def _identify(self) -> int:
        """Return the file's schema version, or refuse a file that is not ours.

        Only reads: a blank file (new, empty, or an SQLite database with nothing in it)
        is schema 0; a contactbook file is its ``user_version``. In a host's database
        (:meth:`over`), whose header is the host's, the store's tables are marked by a
        ``contactbook_schema`` table instead; none of them there is schema 0.
        """
        # One statement, so one snapshot: read separately, another process creating the
        # same new file could commit between the reads, and its half-seen schema would
        # look like a foreign database.
        application_id, version, objects, ours = self._one(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master),"
            " (SELECT group_concat(name, ', ') FROM sqlite_master WHERE type = 'table'"
            " AND name IN (?, ?, ?, ?))",
            _TABLES,
        )
        self._in_header = application_id == APPLICATION_ID or self._host is None
        if application_id != APPLICATION_ID and self._host is not None and ours:
            if _MARKER not in ours.split(", "):
                msg = (
                    f"The database {self._path} holds tables named as contactbook's ({ours}) "
                    "that contactbook did not make; they were left untouched. Rename them, "
                    "or give the store a database of its own."
                )
                raise StorageError(msg, code="storage.corrupt")
            (version,) = self._one("SELECT max(version) FROM contactbook_schema")
            application_id = APPLICATION_ID  # checked below as the header would be
        if application_id == APPLICATION_ID:
            if not isinstance(version, int) or version > SCHEMA_VERSION:
                msg = (
                    f"The contact store {self._path} has schema version {version}, written "
                    f"by a newer contactbook; this release reads up to version "
                    f"{SCHEMA_VERSION}. Upgrade contactbook to open it."
                )
                raise StorageError(msg, code="storage.version")
            return int(version)
        if (application_id == 0 and version == 0 and objects == 0) or self._host is not None:
            return 0
        msg = (
            f"{self._path} is an SQLite database of another application, not a contact "
            "store; it was left untouched. Give the path of a contactbook database, or of "
            "a new file."
        )
        raise StorageError(msg, code="storage.corrupt")

    def verify_integrity(self) -> None:
        """Run SQLite's full ``PRAGMA integrity_check``; raise ``storage.corrupt`` if it fails.

        It reads the whole file, so it takes time in proportion to its size: run it
        after a crash or a copy, not on every open.
        """
        problems = [row[0] for row in self._all("PRAGMA integrity_check")]
        if problems != ["ok"]:
            msg = (
                f"The contact store {self._path} is damaged: {'; '.join(problems[:5])}. "
                "Restore it from a backup."
            )
            raise StorageError(msg, code="storage.corrupt")

    def backup(self, target: str | os.PathLike[str], /) -> None:
        """Copy the whole store to ``target`` while it stays in use (SQLite online backup).

        The copy is a consistent snapshot of committed data and a complete database on
        its own. ``target`` is overwritten. Copying the file alone is not a backup under
        WAL: recent commits may live only in the ``-wal`` file beside it.
        """
        if self._closed:
            self._connection()  # raises: the store is closed
        if self._host is not None and self._path == ":memory:":
            source = self._host.connection  # nothing else can reach an in-memory database
            try:
                copy = sqlite3.connect(os.fspath(target))
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            except sqlite3.Error as error:
                raise self._error(error) from error
            return
        try:
            # A connection of its own, so that no open unit of work is copied.
            source = sqlite3.connect(self._path, timeout=self._timeout or 5.0)
            try:
                copy = sqlite3.connect(os.fspath(target), timeout=self._timeout or 5.0)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.Error as error:
            raise self._error(error) from error

    # ----------------------------------------------------------------- connections

    def _connection(self) -> sqlite3.Connection:
        """Return this thread's connection, making it on first use (or the host's)."""
        if self._host is not None and not self._closed:
            return self._host.connection
        current: _Connection | None = getattr(self._local, "current", None)
        if current is not None and current.pid == os.getpid() and not self._closed:
            return current.connection
        return self._open().connection

    def _open(self) -> _Connection:
        with self._lock:
            if self._closed:
                msg = f"The contact store {self._path} is closed; open a new SQLiteStore."
                raise StorageError(msg, code="storage.unavailable")
            assert self._timeout is not None  # noqa: S101 -- a store over a host's has no _open
            pid = os.getpid()
            kept: list[_Connection] = []
            for other in self._connections:
                if other.pid != pid:
                    _INHERITED.append(other.connection)
                elif other.owner is not None and other.owner.is_alive():
                    kept.append(other)
                else:  # its thread ended: it can hold no unit of work
                    other.connection.close()
            try:
                connection = sqlite3.connect(
                    self._path,
                    timeout=self._timeout,
                    isolation_level=None,  # we say BEGIN and COMMIT ourselves
                    check_same_thread=False,  # so that close() may close it from any thread
                )
                connection.execute(f"PRAGMA synchronous = {self._synchronous}")
            except sqlite3.Error as error:
                raise self._error(error) from error
            current = _Connection(connection, threading.current_thread())
            self._connections = [*kept, current]
            self._local.current = current
            return current

    def _current(self) -> _Connection:
        self._connection()
        current: _Connection = self._host or self._local.current
        return current

    def close(self) -> None:
        """Close every connection; later use raises ``storage.unavailable``.

        Call it when no thread is inside a unit of work: an open one is rolled back.
        Closing twice is harmless. A store :meth:`over` a host's connection leaves that
        connection open.
        """
        with self._lock:
            self._closed = True
            pid = os.getpid()
            for current in self._connections:
                if current.pid == pid:
                    current.connection.close()
                else:
                    _INHERITED.append(current.connection)
            self._connections = []

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._host is not None:
            return f"SQLiteStore.over(<connection to {self._path!r}>)"
        return f"SQLiteStore({self._path!r})"

    # ----------------------------------------------------------------- SQL, translated

    def _error(self, error: sqlite3.Error) -> StorageError:
        """Turn an :mod:`sqlite3` exception into a StorageError a person can act on."""
        name = str(getattr(error, "sqlite_errorname", ""))
        text = str(error)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            waited = (
                "the connection's busy timeout"
                if self._timeout is None
                else f"up to {self._timeout} seconds"
            )
            msg = (
                f"The contact store {self._path} stayed locked by another writer (waited "
                f"{waited}). Try again; if it keeps happening, look for a process that holds "
                "a transaction open, or raise the timeout."
            )
            return StorageError(msg, code="storage.locked")
        if name in {"SQLITE_NOTADB", "SQLITE_CORRUPT"} or (
            "not a database" in text or "malformed" in text
        ):
            msg = (
                f"{self._path} is not a contactbook database, or it is damaged ({text}); "
                "it was left untouched. Restore it from a backup, or give another path."
            )
            return StorageError(msg, code="storage.corrupt")
        if isinstance(error, sqlite3.IntegrityError) or _SCHEMA_TROUBLE.search(text):
            # The store's own statements fit the tables it made: a constraint, trigger or
            # column it did not make is a change someone made to them.
            return StorageError(_changed_tables(self._path, text), code="storage.corrupt")
        if name.startswith("SQLITE_READONLY") or "readonly" in text:
            msg = (
                f"The contact store {self._path} is read-only ({text}). Give this process "
                "write access to the file and to its directory (SQLite writes -wal and -shm "
                "files beside it)."
            )
            return StorageError(msg, code="storage.unavailable")
        msg = (
            f"The contact store {self._path} cannot be used: {text}. Check that the path "
            "is a file this process may read and write, on a disk with free space."
        )
        return StorageError(msg, code="storage.unavailable")

    def _run(
        self, connection: sqlite3.Connection, sql: str, parameters: Sequence[object] = ()
    ) -> list[Any]:
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _write(self, connection: sqlite3.Connection, sql: str, parameters: Sequence[object]) -> int:
        """Run one writing statement; return how many rows it wrote."""
        try:
            return connection.execute(sql, parameters).rowcount
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _all(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        return self._run(self._connection(), sql, parameters)

    def _one(self, sql: str, parameters: Sequence[object] = ()) -> Any:
        rows = self._all(sql, parameters)
        return rows[0] if rows else None

    # ----------------------------------------------------------------- units of work

    def transaction(self) -> AbstractContextManager[None]:
        """One unit of work: everything inside commits together, or not at all.

        It starts with ``BEGIN IMMEDIATE`` (waiting up to ``timeout`` for the write
        lock, so that a load, its version check and the save see one state), commits
        when the block ends and rolls back when it raises. A unit opened inside another
        on the same thread, or inside the host's transaction on its connection
        (:meth:`over`), is a ``SAVEPOINT``: if it raises, only its own work is undone
        and the outer unit goes on; the store commits nothing it did not begin. Saves
        and records made outside any unit are each their own.
        """
        return self._unit("BEGIN IMMEDIATE")

    def read_transaction(self) -> AbstractContextManager[None]:
        """Open a unit of work that only reads: ``BEGIN DEFERRED``, which takes no write lock.

        Its reads see one state, the last commit when it began, while other processes
        go on writing: readers never wait for a writer (WAL mode). The service runs its
        reads in it. Do not write inside it: the first write would have to take the
        write lock, and fails with ``storage.locked`` when another process committed
        since the unit began. Inside another unit it is a ``SAVEPOINT``, as
        :meth:`transaction`.
        """
        return self._unit("BEGIN DEFERRED")

    @contextmanager
    def _unit(self, begin: str) -> Iterator[None]:
        current = self._current()
        connection = current.connection
        if current.depth or connection.in_transaction:
            # Inside our own unit or the host's transaction: a savepoint, never a commit.
            savepoint = f"contactbook{current.depth}"
            self._run(connection, f"SAVEPOINT {savepoint}")
            current.depth += 1
            try:
                yield
            except BaseException:
                self._undo_savepoint(connection, savepoint)
                raise
            finally:
                current.depth -= 1
            self._run(connection, f"RELEASE {savepoint}")
            return
        self._run(connection, begin)
        current.depth = 1
        try:
            yield
        except BaseException:
            current.depth = 0
            self._rollback(connection)
            raise
        current.depth = 0
        try:
            self._run(connection, "COMMIT")
        except StorageError:
            self._rollback(connection)
            raise

    def _writing(self) -> AbstractContextManager[object]:
        """Return the open unit of work, or a new one (a single write is atomic alone).

        Inside a unit, or the host's transaction, no savepoint is needed: a failing
        statement changes nothing.
        """
        current = self._current()
        if current.depth or current.connection.in_transaction:
            return nullcontext()
        return self.transaction()

    def _undo_savepoint(self, connection: sqlite3.Connection, savepoint: str) -> None:
        try:
            if connection.in_transaction:
                connection.execute(f"ROLLBACK TO {savepoint}")
                connection.execute(f"RELEASE {savepoint}")
        except sqlite3.Error:  # the outer unit's rollback undoes it all the same
            pass

    def _rollback(self, connection: sqlite3.Connection) -> None:
        try:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        except sqlite3.Error:  # the connection is gone; SQLite undoes the rest on open
            pass

    # ----------------------------------------------------------------- the repository

    def load(self, customer_id: str, /) -> Stored:
        """Return the customer's set and version; ``(ContactSet(), 0)`` if unknown."""
        row = self._one(
            "SELECT version, body FROM contact_sets WHERE customer_id = ?",
            (_key(customer_id, "customer_id"),),
        )
        if row is None:
            return Stored(ContactSet(), 0)
        version, body = row
        return Stored(self._read(load_set, body, customer_id), version)

    def save(self, customer_id: str, contacts: ContactSet, /, *, expected_version: int) -> int:
        """Store ``contacts`` as version ``expected_version + 1``, or raise a conflict.

        One statement checks the version and writes, under the file's write lock: a
        conditional ``UPDATE``, or an ``INSERT ... ON CONFLICT DO NOTHING`` for version 0.
        When it writes no row the save was stale: :class:`~contactbook.errors.ConflictError`
        is raised and nothing is stored.
        """
        key = _key(customer_id, "customer_id")
        require_version(expected_version)
        body = _document(dump_set(contacts), "contacts", lambda: set_to_data(contacts))
        with self._writing():
            connection = self._connection()
            if expected_version == 0:
                written = self._write(connection, _INSERT_SET, (key, body))
            else:
                written = self._write(connection, _UPDATE_SET, (body, key, expected_version))
            if written != 1:
                rows = self._run(
                    connection, "SELECT version FROM contact_sets WHERE customer_id = ?", (key,)
                )
                raise ConflictError(customer_id, expected_version, int(rows[0][0]) if rows else 0)
            return expected_version + 1

    # ----------------------------------------------------------------- in blocks

    def load_many(self, customer_ids: Sequence[str], /) -> dict[str, Stored]:
        """Return each customer's set and version (``(ContactSet(), 0)`` if unknown).

        One ``SELECT ... IN (...)`` per 500 customers (an SQLite before 3.32 binds 999 at most).
        """
        keys = [_key(customer_id, "customer_id") for customer_id in customer_ids]
        found: dict[str, Stored] = {}
        for customer_id, version, body in self._set_rows(keys, "customer_id, version, body"):
            found[customer_id] = Stored(self._read(load_set, body, customer_id), version)
        return {key: found.get(key, _NOTHING_STORED) for key in keys}

    def _set_rows(self, keys: Sequence[str], columns: str) -> Iterator[tuple[Any, ...]]:
        """Yield ``columns`` of the stored sets of ``keys``: one ``SELECT`` per 500 keys."""
        for start in range(0, len(keys), _BLOCK):
            block = keys[start : start + _BLOCK]
            yield from self._all(
                f"SELECT {columns} FROM contact_sets "  # noqa: S608 -- our columns, only ?s
                f"WHERE customer_id IN ({', '.join('?' * len(block))})",
                block,
            )

    def save_many(self, saves: Sequence[tuple[str, ContactSet, int]], /) -> None:
        """Store each set as its expected version + 1; on any conflict, store none.

        Two statements run for the whole block, each checking the versions in the write
        (:meth:`save`'s ``INSERT ... ON CONFLICT DO NOTHING`` and conditional
        ``UPDATE``), in a savepoint: when they write fewer rows than the block holds, the
        savepoint is rolled back and :class:`~contactbook.errors.ConflictError` raised.
        """
        require_saves(saves)
        if not saves:
            return
        first: list[tuple[str, str]] = []
        later: list[tuple[str, str, int]] = []
        for customer_id, contacts, expected_version in saves:
            key = _key(customer_id, "customer_id")
            body = _document(
                dump_set(contacts), "contacts", functools.partial(set_to_data, contacts)
            )
            if expected_version == 0:
                first.append((key, body))
            else:
                later.append((body, key, expected_version))
        try:
            with self.transaction():  # a savepoint inside the open unit
                connection = self._connection()
                written = self._write_many(connection, _INSERT_SET, first)
                written += self._write_many(connection, _UPDATE_SET, later)
                if written != len(saves):
                    raise _StaleError
        except _StaleError:
            raise batch_conflict(saves, self.load_many) from None

    def load_marked(self, marks: Mapping[str, bytes], /) -> dict[str, Stored]:
        """Return the set of each customer whose set carries exactly the mark given.

        One ``SELECT ... IN (...)`` per 500 customers (more than one in a read unit:
        one state of the file); only the bodies whose mark matches are parsed.
        """
        require_marks(marks.items())
        keys = [_key(customer_id, "customer_id") for customer_id in marks]
        found: dict[str, Stored] = {}
        # One statement reads one state alone; more take a read unit.
        with self.read_transaction() if len(keys) > _BLOCK else nullcontext():
            for customer_id, mark, version, body in self._set_rows(
                keys, "customer_id, mark, version, body"
            ):
                if mark is not None and mark == marks[customer_id]:
                    found[customer_id] = Stored(self._read(load_set, body, customer_id), version)
        return found

    def mark_many(self, marks: Sequence[tuple[str, bytes]], /) -> None:
        """Put each mark on the customer's set as now stored, all or none (one statement)."""
        require_marks(marks)
        rows = [(mark, _key(customer_id, "customer_id")) for customer_id, mark in marks]
        if rows:
            with self.transaction():  # a savepoint inside the open unit
                self._write_many(self._connection(), _MARK_SET, rows)

    def record_many(self, entries: Sequence[ActivityEntry], /) -> None:
        """Append ``entries`` to the activity log in their order, all or none."""
        rows = [self._entry_row(entry) for entry in entries]
        if rows:
            with self.transaction():  # a savepoint inside the open unit
                self._write_many(self._connection(), _INSERT_ENTRY, rows)

    def _write_many(
        self, connection: sqlite3.Connection, sql: str, rows: Sequence[Sequence[object]]
    ) -> int:
        """Run one writing statement for each of ``rows``; return how many rows it wrote."""
        if not rows:
            return 0
        try:
            return connection.executemany(sql, rows).rowcount
        except sqlite3.Error as error:
            raise self._error(error) from error

    # ----------------------------------------------------------------- the activity log

    def record(self, entry: ActivityEntry, /) -> None:
        """Append ``entry`` to the activity log (inside the open unit of work, if any)."""
        row = self._entry_row(entry)
        with self._writing():
            self._run(self._connection(), _INSERT_ENTRY, row)

    def _entry_row(self, entry: ActivityEntry) -> tuple[str, str, int, bytes]:
        """Check an entry and return its row of the activity table."""
        entry_id = _key(entry.id, "entry.id")
        customer_id = _key(entry.customer_id, "entry.customer_id")
        require_version(entry.version, field="entry.version")
        body = _document(dump_entry(entry), "entry", functools.partial(entry_to_data, entry))
        return (entry_id, customer_id, entry.version, _compressed(body))

    def entries(
        self, customer_id: str, /, *, limit: int = DEFAULT_PAGE_SIZE, before: str | None = None
    ) -> ActivityPage:
        """Return up to ``limit`` of the customer's entries, newest first (a page).

        Paging: pass the page's ``next`` (the id of its last entry) as ``before`` to get
        the next, older page; ``next`` is ``None`` when nothing is older. A ``before``
        the log does not hold raises :class:`~contactbook.errors.EntryNotFoundError`.
        """
        key = _key(customer_id, "customer_id")
        require_page_size(limit)
        # One more row than the page tells whether an older page exists.
        start = _NEWEST if before is None else self._position(before)
        rows = self._all(
            "SELECT body FROM activity WHERE customer_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (key, start, limit + 1),
        )
        page = tuple(self._read(_stored_entry, body) for (body,) in rows[:limit])
        return ActivityPage(page, page[-1].id if len(rows) > limit else None)

    def billing_country(self, customer_id: str, /) -> str | None:
        """Return the customer's billing country, or ``None`` if none was set."""
        row = self._one(
            "SELECT country FROM billing_countries WHERE customer_id = ?",
            (_key(customer_id, "customer_id"),),
        )
        return None if row is None else str(row[0])

    def set_billing_country(self, customer_id: str, country: str | None, /) -> None:
        """Set (or, with ``None``, forget) the customer's billing country.

        The code is checked (``country.invalid``) and stored upper-cased. Stored numbers
        are not touched: see :meth:`contactbook.service.ContactService.country_change`.
        """
        self.set_billing_countries([(customer_id, country)])

    def set_billing_countries(self, countries: Sequence[tuple[str, str | None]], /) -> None:
        """Set (or forget) many customers' billing countries: each as :meth:`set_billing_country`.

        The last one given for a customer holds. Every id and code is checked first (one
        refused sets none); then one statement sets and one forgets, for them all: in a
        savepoint inside the open unit when both run (all or none), else alone.
        """
        latest = {
            _key(customer_id, "customer_id"): normalize_country(country)
            for customer_id, country in countries
        }
        to_set = [(key, code) for key, code in latest.items() if code is not None]
        to_clear = [(key,) for key, code in latest.items() if code is None]
        with self.transaction() if to_set and to_clear else self._writing():
            connection = self._connection()
            self._write_many(connection, _SET_COUNTRY, to_set)
            self._write_many(connection, _CLEAR_COUNTRY, to_clear)

    def entries_since(
        self, entry_id: str | None, *, limit: int = DEFAULT_PAGE_SIZE
    ) -> tuple[ActivityEntry, ...]:
        """Return up to ``limit`` entries written after ``entry_id``, oldest first.

        ``None`` starts at the first entry ever written. To relay the log elsewhere,
        pass the id of the last entry relayed; an empty result means you are up to date.
        Write order is commit order (SQLite has one writer at a time), so an entry is
        never committed behind one a relay has already seen. An unknown id raises
        :class:`~contactbook.errors.EntryNotFoundError`.
        """
        require_page_size(limit)
        after = 0 if entry_id is None else self._position(entry_id)
        rows = self._all(
            "SELECT body FROM activity WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        )
        return tuple(self._read(_stored_entry, body) for (body,) in rows)

    def _position(self, entry_id: str) -> int:
        """Return where the entry stands in write order (the last one, if the id repeats)."""
        (position,) = self._one(
            "SELECT max(seq) FROM activity WHERE entry_id = ?", (_key(entry_id, "entry_id"),)
        )
        if position is None:
            raise EntryNotFoundError(entry_id)
        return int(position)

    def _read(self, reader: Any, body: str, customer_id: str | None = None) -> Any:
        try:
            return reader(body)
        except FormatError as error:
            # The message is built only here: _read is on every load's path.
            what = "an activity entry" if customer_id is None else f"customer {customer_id!r}"
            raise StorageError.unreadable(error, what=what, where=self._path) from error


#: Set a customer's billing country; the same country again writes nothing.
_SET_COUNTRY = (
    "INSERT INTO billing_countries (customer_id, country) VALUES (?, ?) "
    "ON CONFLICT (customer_id) DO UPDATE SET country = excluded.country "
    "WHERE country IS NOT excluded.country"
)
_CLEAR_COUNTRY = "DELETE FROM billing_countries WHERE customer_id = ?"


def _compressed(body: str) -> bytes:
    """Compress an entry's JSON form with the preset dictionary (schema 4).

    A 4 KiB window (``wbits=12``) and ``memLevel=4``: an entry is a few hundred bytes,
    and with a dictionary zlib's defaults (a 32 KiB window) take about four times as long
    to set up, for the same size (measured on the import benchmark's entries).
    """
    packer = zlib.compressobj(6, zlib.DEFLATED, 12, 4, zlib.Z_DEFAULT_STRATEGY, _ENTRY_WORDS)
    return packer.compress(body.encode("utf-8")) + packer.flush()


def _stored_entry(body: str | bytes) -> ActivityEntry:
    """Read an entry's stored body: its JSON form, compressed (schema 3, 4) or as text.

    A schema 3 body names no dictionary in its zlib header, so the reader never asks
    for it: one reader reads both.
    """
    if isinstance(body, bytes):
        unpacker = zlib.decompressobj(zdict=_ENTRY_WORDS)
        try:
            body = unpacker.decompress(body) + unpacker.flush()
        except zlib.error as error:
            msg = f"The contact data is malformed: not a compressed activity entry ({error})."
            raise FormatError(msg, code="format.invalid") from None
        if not unpacker.eof or unpacker.unused_data:
            msg = "The contact data is malformed: a compressed activity entry is cut short."
            raise FormatError(msg, code="format.invalid")
    return load_entry(body)


def _remove_empty(made: list[Path]) -> None:
    """Remove the -wal and -shm files that opening a refused file made, if they hold nothing.

    SQLite makes them beside a WAL-mode file as soon as it reads it; a refused file is
    left as it was found. A -wal file with content is kept (it may hold someone's data),
    and its -shm with it.
    """
    wal = [side for side in made if side.name.endswith("-wal")]
    if any(side.exists() and side.stat().st_size > 0 for side in wal):
        return
    for side in made:
        side.unlink(missing_ok=True)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key(text: str, field: str) -> str:
    """Refuse an id SQLite cannot store as text (a surrogate is not UTF-8)."""
    if not _encodable(text):
        msg = f"The {field} holds a lone surrogate, which is not text; pass a valid string."
        raise ContactValidationError(msg, code="text.character", field=field)
    return text


def _document(body: str, field: str, data: Callable[[], object]) -> str:
    r"""Return a JSON document as SQLite keeps it exactly, or refuse one it would change.

    A surrogate cannot be UTF-8, so a document holding one (a lone surrogate in a
    description from ``load_set``, say) is stored as the same JSON form, ASCII-escaped
    (``\udc80``), which reads back exactly. Except a high surrogate followed by a low
    one: escaped, the pair reads back as the one character it encodes, so it is refused
    (``text.character``, as the core refuses surrogates) rather than changed.
    """
    if _encodable(body):
        return body
    if _SURROGATE_PAIR.search(body):
        msg = (
            f"The {field} holds a surrogate pair written as two code points (such as "
            "'\\ud83d\\ude00'), which would be read back as the one character it encodes; "
            "pass that character itself."
        )
        raise ContactValidationError(msg, code="text.character", field=field)
    return json.dumps(data(), separators=(",", ":"))


#: What SQLite says when a statement of the store meets tables of another shape.
_SCHEMA_TROUBLE = re.compile(r"no such (column|table)|has no column named|has \d+ columns but")


def _changed_tables(path: str, what: str) -> str:
    return (
        f"The contact store {path} has tables of another shape than contactbook made "
        f"({what}): someone changed them. Undo the change, or restore the file from a "
        "backup; the store makes and migrates its own tables, and needs them as it made them."
    )
