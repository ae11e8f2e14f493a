"""SQLiteStore: the ports over one file, its activity log, its schema and bad files."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    ConflictError,
    ContactKind,
    ContactPoint,
    ContactSet,
    ContactValidationError,
    EntryNotFoundError,
    StorageError,
)
from contactbook.adapters import sqlite as sqlite_adapter
from contactbook.adapters.memory import AllowAll, FixedClock
from contactbook.adapters.sqlite import APPLICATION_ID, SCHEMA_VERSION, SQLiteStore
from contactbook.audit import ActivityEntry, PointAdded
from contactbook.interchange.jsonform import dump_entry, entry_to_data
from contactbook.ports import AuditSink, ContactRepository, HostUnitOfWork
from contactbook.service import ContactService

EMAIL = ContactKind.EMAIL
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
# Hypothesis reuses one temporary directory across examples; files get fresh names.
FILES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@pytest.fixture
def store(tmp_path):
    with SQLiteStore(tmp_path / "contacts.db", durable=False) as opened:
        yield opened


def service_over(store):
    return ContactService(store, AllowAll(), clock=FixedClock(T0, dt.timedelta(seconds=1)))


def update(service, customer_id, changes):
    """Update on the version just read."""
    version = service.read("ann", customer_id).version
    return service.update("ann", customer_id, changes, expected_version=version)


def add_emails(store, customer_id, count, *, start=0):
    service = service_over(store)
    return [
        update(service, customer_id, [AddPoint(EMAIL, f"a{n}@example.com")]).entry
        for n in range(start, start + count)
    ]


def a_set(*values):
    return ContactSet([ContactPoint(n, EMAIL, value) for n, value in enumerate(values, 1)])


def an_entry(entry_id, customer_id="c1", version=1, actor="ann"):
    point = ContactPoint(1, EMAIL, "a@example.com")
    return ActivityEntry(entry_id, customer_id, actor, T0, version, [PointAdded(point)])


def pragma(path, name):
    with sqlite3.connect(path) as connection:
        value = connection.execute(f"PRAGMA {name}").fetchone()[0]
    connection.close()
    return value


class TestPorts:
    """The store is a repository and an audit sink with optimistic concurrency."""

    def test_it_implements_both_ports(self, store):
        assert isinstance(store, ContactRepository)
        assert isinstance(store, AuditSink)

    def test_unknown_customer_is_the_empty_set_at_version_0(self, store):
        loaded = store.load("nobody")
        assert (ContactSet(), 0) == (loaded.contacts, loaded.version)

    def test_saves_count_versions_from_1(self, store):
        assert 1 == store.save("c1", a_set("a@example.com"), expected_version=0)
        assert 2 == store.save("c1", a_set("b@example.com"), expected_version=1)
        assert (a_set("b@example.com"), 2) == (store.load("c1").contacts, store.load("c1").version)

    def test_a_stale_save_is_a_conflict_and_stores_nothing(self, store):
        store.save("c1", a_set("a@example.com"), expected_version=0)
        with pytest.raises(ConflictError) as raised:
            store.save("c1", a_set("b@example.com"), expected_version=0)
        assert ("contact.conflict", 0, 1) == (
            raised.value.code,
            raised.value.expected,
            raised.value.actual,
        )
        assert a_set("a@example.com") == store.load("c1").contacts

    def test_a_save_for_a_version_from_the_future_is_a_conflict(self, store):
        with pytest.raises(ConflictError):
            store.save("c1", a_set("a@example.com"), expected_version=3)
        assert 0 == store.load("c1").version

    def test_customers_are_kept_apart(self, store):
        store.save("c1", a_set("a@example.com"), expected_version=0)
        store.save("c2", a_set("b@example.com"), expected_version=0)
        assert ["a@example.com"] == [p.value for p in store.load("c1").contacts.points]

    def test_next_id_is_kept_so_ids_are_never_reused(self, store):
        contacts = ContactSet([ContactPoint(7, EMAIL, "a@example.com")], 12)
        store.save("c1", contacts, expected_version=0)
        assert 12 == store.load("c1").contacts.next_id

    def test_data_survives_reopening(self, tmp_path):
        with SQLiteStore(tmp_path / "c.db") as first:
            add_emails(first, "c1", 3)
        with SQLiteStore(tmp_path / "c.db") as second:
            assert 3 == second.load("c1").version
            assert [3, 2, 1] == [e.version for e in second.entries("c1").entries]


class TestRoundTrips:
    """Whatever text a set or an entry holds comes back exactly."""

    @FILES
    @given(
        customer_id=st.text(max_size=40),
        # Unique as email addresses are: case-insensitively ("G" and "g" are one value).
        values=st.lists(st.text(min_size=1, max_size=60), max_size=8, unique_by=str.casefold),
    )
    def test_any_set_and_customer_id_round_trip(self, tmp_path, customer_id, values):
        contacts = a_set(*values)
        with SQLiteStore(tmp_path / "round.db", durable=False) as store:
            before = store.load(customer_id).version
            store.save(customer_id, contacts, expected_version=before)
            loaded = store.load(customer_id)
            assert (contacts, before + 1) == (loaded.contacts, loaded.version)

    @FILES
    @given(actor=st.text(max_size=40), entry_id=st.text(max_size=20))
    def test_any_entry_round_trips(self, tmp_path, actor, entry_id):
        entry = an_entry(entry_id, customer_id="c\x00\u202e", actor=actor)
        with SQLiteStore(tmp_path / "entries.db", durable=False) as store:
            store.record(entry)
            assert entry == store.entries("c\x00\u202e", limit=1).entries[0]

    def test_an_actor_with_a_lone_surrogate_is_refused_as_everywhere(self, store):
        with pytest.raises(ContactValidationError) as raised:
            store.record(an_entry("e1", actor="ann\ud800"))
        assert ("text.character", "actor") == (raised.value.code, raised.value.field)
        assert () == store.entries_since(None)

    def test_a_customer_id_with_a_lone_surrogate_is_refused_clearly(self, store):
        with pytest.raises(ContactValidationError) as raised:
            store.save("c\udfff", a_set("a@example.com"), expected_version=0)
        assert ("text.character", "customer_id") == (raised.value.code, raised.value.field)

    @pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
    def test_loading_an_id_with_a_lone_surrogate_is_refused_first(self, store, closed):
        if closed:
            store.close()  # the id is refused before the file is touched
        with pytest.raises(ContactValidationError) as raised:
            store.load("c\udfff")
        assert ("text.character", "customer_id") == (raised.value.code, raised.value.field)

    def test_huge_customer_ids_and_sets_are_stored(self, store):
        contacts = a_set(*(f"{n}@example.com" + "x" * 1000 for n in range(100)))
        store.save("c" * 100_000, contacts, expected_version=0)
        assert contacts == store.load("c" * 100_000).contacts

    def test_sets_are_stored_as_the_json_form(self, tmp_path):
        with SQLiteStore(tmp_path / "c.db") as store:
            store.save("c1", a_set("a@example.com"), expected_version=0)
        with sqlite3.connect(tmp_path / "c.db") as raw:
            (body,) = raw.execute("SELECT body FROM contact_sets").fetchone()
        raw.close()
        assert ("contactbook/contact-set", 1) == (
            json.loads(body)["format"],
            json.loads(body)["format_version"],
        )


class TestUnitOfWork:
    """A save and its activity entry are one transaction: both or neither."""

    def test_the_service_saves_and_records_together(self, store):
        (entry,) = add_emails(store, "c1", 1)
        assert (1, (entry,)) == (store.load("c1").version, store.entries("c1").entries)

    def test_a_failing_record_undoes_the_save(self, store):
        class Failing:
            def record(self, entry, /):
                store.record(entry)
                raise OSError("the log's disk went away")

        unit = HostUnitOfWork(store, Failing(), store, transaction=store.transaction)
        service = ContactService(unit, AllowAll())
        with pytest.raises(OSError, match="went away"):
            service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")], expected_version=0)
        assert (0, ()) == (store.load("c1").version, store.entries_since(None))

    def test_units_nest_and_commit_once(self, store):
        with store.transaction():
            store.save("c1", a_set("a@example.com"), expected_version=0)
            with store.transaction():
                store.record(an_entry("e1"))
            assert 1 == store.load("c1").version  # seen inside the open unit
        assert (1, 1) == (store.load("c1").version, len(store.entries("c1").entries))

    def test_an_exception_in_the_outer_unit_undoes_the_inner_work(self, store):
        def save_then_fail():
            with store.transaction():
                with store.transaction():
                    store.save("c1", a_set("a@example.com"), expected_version=0)
                raise KeyError("boom")

        with pytest.raises(KeyError):
            save_then_fail()
        assert 0 == store.load("c1").version

    def test_other_connections_do_not_see_an_open_unit(self, store, tmp_path):
        with store.transaction():
            store.save("c1", a_set("a@example.com"), expected_version=0)
            with SQLiteStore(tmp_path / "contacts.db") as other:
                assert 0 == other.load("c1").version  # WAL: readers are not blocked


class TestActivityLog:
    """Entries of a customer newest first, in pages; entries since an id in write order."""

    def test_entries_are_newest_first(self, store):
        add_emails(store, "c1", 3)
        assert [3, 2, 1] == [entry.version for entry in store.entries("c1").entries]

    def test_pages_cover_every_entry_once(self, store):
        written = add_emails(store, "c1", 7)
        add_emails(store, "c2", 2)
        pages, before = [], None
        while True:
            page = store.entries("c1", limit=3, before=before)
            pages.append([entry.version for entry in page.entries])
            if page.next is None:
                break
            before = page.next
        assert [[7, 6, 5], [4, 3, 2], [1]] == pages
        assert {e.id for e in written} == {e.id for e in store.entries("c1", limit=100).entries}

    def test_an_unknown_cursor_is_refused(self, store):
        add_emails(store, "c1", 1)
        with pytest.raises(EntryNotFoundError) as raised:
            store.entries("c1", before="no-such-entry")
        assert ("activity.not_found", "entry_id") == (raised.value.code, raised.value.field)
        with pytest.raises(LookupError):
            store.entries_since("no-such-entry")

    def test_since_returns_every_customer_in_write_order(self, store):
        first = add_emails(store, "c1", 2)
        second = add_emails(store, "c2", 1)
        third = add_emails(store, "c1", 1, start=5)
        written = [*first, *second, *third]
        assert tuple(written) == store.entries_since(None)
        assert tuple(written[2:]) == store.entries_since(written[1].id)
        assert () == store.entries_since(written[-1].id)

    def test_a_relay_reads_the_log_in_pages(self, store):
        written = add_emails(store, "c1", 5)
        relayed, cursor = [], None
        while batch := store.entries_since(cursor, limit=2):
            relayed.extend(batch)
            cursor = batch[-1].id
        assert written == relayed

    @pytest.mark.parametrize("limit", [0, -1])
    def test_a_limit_below_1_is_refused(self, store, limit):
        with pytest.raises(ContactValidationError, match="limit") as refused:
            store.entries("c1", limit=limit)
        assert "page.invalid" == refused.value.code
        with pytest.raises(ContactValidationError, match="limit"):
            store.entries_since(None, limit=limit)


class TestThreads:
    """One store serves many threads; a closed store says so."""

    def test_threads_updating_the_same_customer_lose_nothing(self, store):
        service = service_over(store)
        accepted = []

        def work(worker):
            for n in range(10):
                while True:
                    try:
                        update(service, "c1", [AddPoint(EMAIL, f"w{worker}n{n}@example.com")])
                    except ConflictError:
                        continue
                    accepted.append(f"w{worker}n{n}@example.com")
                    break

        threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = store.load("c1")
        assert (40, sorted(accepted)) == (stored.version, sorted(p.value for p in stored.contacts))
        assert list(range(40, 0, -1)) == [e.version for e in store.entries("c1", limit=100).entries]

    def test_a_closed_store_refuses_use(self, tmp_path):
        store = SQLiteStore(tmp_path / "c.db")
        store.close()
        store.close()  # harmless
        with pytest.raises(StorageError) as raised:
            store.load("c1")
        assert "storage.unavailable" == raised.value.code
        assert "closed" in str(raised.value)


class TestLocking:
    """A writer waits for another's lock, then reports storage.locked; readers go on."""

    def test_a_held_write_lock_gives_storage_locked(self, tmp_path):
        path = tmp_path / "c.db"
        with SQLiteStore(path, timeout=0.1) as store:
            store.save("c1", a_set("a@example.com"), expected_version=0)
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                with pytest.raises(StorageError) as raised:
                    store.save("c1", a_set("b@example.com"), expected_version=1)
                assert "storage.locked" == raised.value.code
                assert 1 == store.load("c1").version  # reading goes on beside the writer
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert 2 == store.save("c1", a_set("b@example.com"), expected_version=1)


class TestSchema:
    """Files are marked as ours, versioned, migrated forward, and never downgraded."""

    def test_a_new_file_is_marked_and_in_wal_mode(self, tmp_path):
        SQLiteStore(tmp_path / "c.db").close()
        assert APPLICATION_ID == pragma(tmp_path / "c.db", "application_id")
        assert SCHEMA_VERSION == pragma(tmp_path / "c.db", "user_version")
        assert "wal" == pragma(tmp_path / "c.db", "journal_mode")

    def test_an_empty_file_becomes_a_store(self, tmp_path):
        (tmp_path / "c.db").touch()
        with SQLiteStore(tmp_path / "c.db") as store:
            assert 1 == store.save("c1", a_set("a@example.com"), expected_version=0)

    def test_an_empty_sqlite_database_becomes_a_store(self, tmp_path):
        sqlite3.connect(tmp_path / "c.db").close()
        with sqlite3.connect(tmp_path / "c.db") as raw:
            raw.execute("VACUUM")  # writes the header of an empty database
        raw.close()
        with SQLiteStore(tmp_path / "c.db") as store:
            assert 0 == store.load("c1").version

    def test_a_newer_schema_is_refused_and_left_untouched(self, tmp_path):
        path = tmp_path / "c.db"
        SQLiteStore(path).close()
        with sqlite3.connect(path, isolation_level=None) as raw:
            raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        raw.close()
        before = path.read_bytes()
        with pytest.raises(StorageError) as raised:
            SQLiteStore(path)
        assert "storage.version" == raised.value.code
        assert "Upgrade contactbook" in str(raised.value)
        assert before == path.read_bytes()

    def test_an_older_schema_is_migrated_forward_keeping_the_data(self, tmp_path, monkeypatch):
        path = tmp_path / "c.db"
        with SQLiteStore(path) as store:
            add_emails(store, "c1", 2)
        step = ("CREATE TABLE notes (customer_id TEXT PRIMARY KEY, note TEXT)",)
        monkeypatch.setattr(sqlite_adapter, "_MIGRATIONS", (*sqlite_adapter._MIGRATIONS, step))
        monkeypatch.setattr(sqlite_adapter, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        with SQLiteStore(path) as store:
            assert (2, 2) == (store.load("c1").version, len(store.entries("c1").entries))
        assert SCHEMA_VERSION + 1 == pragma(path, "user_version")
        with sqlite3.connect(path) as raw:
            assert [] == raw.execute("SELECT * FROM notes").fetchall()
        raw.close()

    def test_stored_data_of_a_newer_json_form_is_refused_clearly(self, store):
        store.save("c1", a_set("a@example.com"), expected_version=0)
        with sqlite3.connect(store.path, isolation_level=None) as raw:
            body = json.dumps({"format": "contactbook/contact-set", "format_version": 99})
            raw.execute("UPDATE contact_sets SET body = ?", (body,))
        raw.close()
        with pytest.raises(StorageError) as raised:
            store.load("c1")
        assert "storage.version" == raised.value.code

    def test_damaged_stored_data_is_refused_clearly(self, store):
        store.record(an_entry("e1"))
        with sqlite3.connect(store.path, isolation_level=None) as raw:
            raw.execute("UPDATE activity SET body = '{not json'")
        raw.close()
        with pytest.raises(StorageError) as raised:
            store.entries("c1")
        assert "storage.corrupt" == raised.value.code

    def test_an_entry_is_stored_compressed_and_reads_back(self, store):
        store.record(an_entry("e1"))
        with sqlite3.connect(store.path) as raw:
            (body,) = raw.execute("SELECT body FROM activity").fetchone()
        raw.close()
        assert isinstance(body, bytes)
        unpacker = zlib.decompressobj(zdict=sqlite_adapter._ENTRY_WORDS)
        assert json.loads(unpacker.decompress(body))["id"] == "e1"
        assert [an_entry("e1")] == list(store.entries("c1").entries)

    def test_an_entry_is_compressed_with_the_dictionary_to_half_of_schema_3(self, store):
        entry = an_entry("e1")
        store.record(entry)
        with sqlite3.connect(store.path) as raw:
            (body,) = raw.execute("SELECT body FROM activity").fetchone()
        raw.close()
        assert body[1] & 0x20  # zlib's FDICT: a preset dictionary, named in the header
        assert len(body) < 0.6 * len(zlib.compress(dump_entry(entry).encode()))

    def test_a_schema_3_file_with_entries_compressed_without_dictionary_is_read(self, tmp_path):
        path = tmp_path / "c.db"
        with SQLiteStore(path) as store:
            store.record(an_entry("e1"))
        with sqlite3.connect(path, isolation_level=None) as raw:
            body = zlib.compress(dump_entry(an_entry("e1")).encode())
            raw.execute("UPDATE activity SET body = ?", (body,))
            raw.execute("ALTER TABLE contact_sets DROP COLUMN mark")  # as schema 3 had it
            raw.execute("PRAGMA user_version = 3")
        raw.close()
        with SQLiteStore(path) as store:
            assert [an_entry("e1")] == list(store.entries("c1").entries)
        assert SCHEMA_VERSION == 5 == pragma(path, "user_version")

    def test_a_schema_4_file_gets_the_mark_column_and_keeps_its_sets(self, tmp_path):
        # Schema 5 adds contact_sets.mark (MarkStore); a schema 4 file's sets are kept,
        # unmarked, and can be marked once it is migrated.
        path = tmp_path / "c.db"
        with SQLiteStore(path) as store:
            store.save("c1", a_set("a@example.com"), expected_version=0)
            store.record(an_entry("e1"))
        with sqlite3.connect(path, isolation_level=None) as raw:
            raw.execute("ALTER TABLE contact_sets DROP COLUMN mark")
            raw.execute("PRAGMA user_version = 4")
        raw.close()
        with SQLiteStore(path) as store:
            assert a_set("a@example.com") == store.load("c1").contacts
            assert [an_entry("e1")] == list(store.entries("c1").entries)
            assert {} == store.load_marked({"c1": bytes(16)})
            store.mark_many([("c1", bytes(16))])
            assert {"c1"} == set(store.load_marked({"c1": bytes(16)}))
        assert SCHEMA_VERSION == 5 == pragma(path, "user_version")
        with sqlite3.connect(path) as raw:
            columns = [row[1] for row in raw.execute("PRAGMA table_info(contact_sets)")]
        raw.close()
        assert ["customer_id", "version", "body", "mark"] == columns

    def test_a_cut_short_compressed_entry_is_refused_clearly(self, store):
        store.record(an_entry("e1"))
        with sqlite3.connect(store.path, isolation_level=None) as raw:
            raw.execute("UPDATE activity SET body = substr(body, 1, length(body) - 9)")
        raw.close()
        with pytest.raises(StorageError) as raised:
            store.entries("c1")
        assert "storage.corrupt" == raised.value.code

    def test_a_schema_2_file_with_entries_as_text_is_read_and_migrated(self, tmp_path):
        # A file written before schema 3: its entries are JSON text, version 1 of the
        # form (each primary change's point written whole). Both are read as they are.
        path = tmp_path / "c.db"
        with SQLiteStore(path) as store:
            store.record(an_entry("e1"))
        entry = an_entry("e1")
        data = entry_to_data(entry)
        data["format_version"] = 1
        with sqlite3.connect(path, isolation_level=None) as raw:
            raw.execute("UPDATE activity SET body = ?", (json.dumps(data),))
            raw.execute("ALTER TABLE contact_sets DROP COLUMN mark")  # as schema 2 had it
            raw.execute("PRAGMA user_version = 2")
        raw.close()
        with SQLiteStore(path) as store:
            assert [entry] == list(store.entries("c1").entries)
            assert [entry] == list(store.entries_since(None))
        assert SCHEMA_VERSION == 5 == pragma(path, "user_version")

    def test_a_damaged_compressed_entry_is_refused_clearly(self, store):
        store.record(an_entry("e1"))
        with sqlite3.connect(store.path, isolation_level=None) as raw:
            raw.execute("UPDATE activity SET body = ?", (b"\x78\x9cnot zlib",))
        raw.close()
        with pytest.raises(StorageError) as raised:
            store.entries("c1")
        assert "storage.corrupt" == raised.value.code


def a_store_file(path):
    with SQLiteStore(path) as store:
        add_emails(store, "c1", 30)
    return path.read_bytes()


class TestBadFiles:
    """Anything that is not a contactbook file is refused clearly and left untouched."""

    def refused(self, path, code):
        before = path.read_bytes()
        with pytest.raises(StorageError) as raised:
            SQLiteStore(path)
        assert code == raised.value.code
        assert before == path.read_bytes()
        assert not Path(f"{path}-wal").exists()
        assert not Path(f"{path}-shm").exists()
        return raised.value

    def test_garbage_is_refused(self, tmp_path):
        path = tmp_path / "garbage.db"
        path.write_bytes(os.urandom(10_000))
        error = self.refused(path, "storage.corrupt")
        assert "not a contactbook database" in str(error)

    @pytest.mark.parametrize("fraction", [0.0005, 0.01, 0.1, 0.5, 0.9])
    def test_a_truncated_store_is_refused(self, tmp_path, fraction):
        whole = a_store_file(tmp_path / "whole.db")
        path = tmp_path / "cut.db"
        path.write_bytes(whole[: max(1, int(len(whole) * fraction))])
        self.refused(path, "storage.corrupt")

    def test_a_foreign_sqlite_database_is_refused(self, tmp_path):
        path = tmp_path / "foreign.db"
        with sqlite3.connect(path) as raw:
            raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
            raw.execute("INSERT INTO invoices (total) VALUES (100)")
        raw.close()
        error = self.refused(path, "storage.corrupt")
        assert "another application" in str(error)
        assert "delete" == pragma(path, "journal_mode")

    def test_a_sqlite_database_of_another_application_id_is_refused(self, tmp_path):
        path = tmp_path / "foreign.db"
        with sqlite3.connect(path, isolation_level=None) as raw:
            raw.execute("PRAGMA application_id = 42")
        raw.close()
        self.refused(path, "storage.corrupt")

    @pytest.mark.parametrize("name", ["", ":memory:", "file:c.db?mode=ro"])
    def test_names_that_are_not_files_are_refused(self, name):
        with pytest.raises(StorageError) as raised:
            SQLiteStore(name)
        assert ("storage.unavailable", "path") == (raised.value.code, raised.value.field)

    def test_a_directory_is_refused(self, tmp_path):
        with pytest.raises(StorageError) as raised:
            SQLiteStore(tmp_path)
        assert "storage.unavailable" == raised.value.code

    def test_a_missing_directory_is_refused(self, tmp_path):
        with pytest.raises(StorageError) as raised:
            SQLiteStore(tmp_path / "no" / "such" / "c.db")
        assert "storage.unavailable" == raised.value.code

    def test_a_read_only_file_gives_a_clear_error(self, tmp_path):
        # Root may write any file, so the check runs in a child that drops to "nobody".
        path = tmp_path / "ro" / "c.db"
        path.parent.mkdir()
        a_store_file(path)
        before = path.read_bytes()
        path.chmod(0o444)
        for directory in (path.parent, *path.parents):
            if directory.stat().st_uid == os.getuid() and directory != Path("/"):
                directory.chmod(directory.stat().st_mode | 0o755)
        path.parent.chmod(0o777)  # the -shm file may be made; the database may not change
        child = subprocess.run(
            [sys.executable, "-c", READ_ONLY_CHILD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        outcome = json.loads(child.stdout)
        assert "storage.unavailable" == outcome["code"]
        assert "read-only" in outcome["message"]
        assert before == path.read_bytes()


READ_ONLY_CHILD = """
import json, os, sys
from contactbook import ContactSet, StorageError
from contactbook.adapters.sqlite import SQLiteStore
if os.geteuid() == 0:
    os.seteuid(65534)
try:
    store = SQLiteStore(sys.argv[1])
    version = store.load("c1").version
    store.save("c1", ContactSet(), expected_version=version)
except StorageError as error:
    print(json.dumps({"code": error.code, "message": str(error)}))
else:
    print(json.dumps({"code": None, "message": "saved"}))
"""


class TestBackup:
    """A backup taken while the store is in use is a complete, consistent store."""

    def test_backup_while_in_use(self, store, tmp_path):
        add_emails(store, "c1", 3)
        with store.transaction():  # an open unit is not in the copy
            store.save("c2", a_set("b@example.com"), expected_version=0)
            store.backup(tmp_path / "copy.db")
        with SQLiteStore(tmp_path / "copy.db") as copy:
            copy.verify_integrity()
            assert (3, 0) == (copy.load("c1").version, copy.load("c2").version)
            assert [3, 2, 1] == [entry.version for entry in copy.entries("c1").entries]

    def test_check_passes_on_a_sound_store(self, store):
        add_emails(store, "c1", 2)
        store.verify_integrity()


class TestChangedTables:
    """Tables someone changed are storage.corrupt, at open or at the first use, never lost."""

    CHANGES = {  # noqa: RUF012 -- read by the parametrize below, never changed
        "a column added": "ALTER TABLE activity ADD COLUMN tenant TEXT NOT NULL DEFAULT 't'",
        "a column dropped": "ALTER TABLE contact_sets DROP COLUMN body",
        "a column renamed": "ALTER TABLE activity RENAME COLUMN body TO payload",
        "a table dropped": "DROP TABLE billing_countries",
    }

    @pytest.mark.parametrize("change", CHANGES)
    def test_a_changed_table_is_refused_at_open(self, tmp_path, change):
        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store:
            store.save("c1", a_set("a@b.nl"), expected_version=0)
        with sqlite3.connect(path) as connection:
            connection.execute(self.CHANGES[change])
        before = path.read_bytes()
        with pytest.raises(StorageError) as caught:
            SQLiteStore(path)
        assert "storage.corrupt" == caught.value.code
        assert "someone changed them" in caught.value.message
        assert before == path.read_bytes()

    def test_a_constraint_someone_added_is_corrupt_at_the_write(self, tmp_path):
        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store:
            service = service_over(store)
            update(service, "c1", [AddPoint(ContactKind.EMAIL, "a@b.nl")])
            with sqlite3.connect(path) as connection:
                connection.execute(
                    "CREATE TRIGGER no_entries BEFORE INSERT ON activity"
                    " BEGIN SELECT RAISE(ABORT, 'no entries today'); END"
                )
            with pytest.raises(StorageError) as caught:
                update(service, "c1", [AddPoint(ContactKind.EMAIL, "c@d.nl")])
            assert ("storage.corrupt", 1) == (caught.value.code, store.load("c1").version)
