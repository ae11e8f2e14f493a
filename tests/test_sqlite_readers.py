"""SQLite readers do not wait for the writer: reads run in a read transaction (WAL)."""

import multiprocessing
import sqlite3

import pytest

from contactbook import AddPoint, ContactKind, StorageError
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.presentation.card import ContactCard
from contactbook.service import ContactService

ADD = [AddPoint(ContactKind.EMAIL, "ann@example.com")]
BOB = [AddPoint(ContactKind.EMAIL, "bob@example.com")]


def hold_the_write_lock(path, holding, release):
    """In another process: take the write lock, write, and hold it until released."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO billing_countries VALUES ('someone-else', 'BE')")
    holding.set()
    release.wait(timeout=120)
    connection.execute("ROLLBACK")
    connection.close()


@pytest.fixture
def writer(tmp_path):
    """A store with one saved customer, and another process holding its write lock."""
    path = tmp_path / "c.db"
    with SQLiteStore(path) as store:
        store.set_billing_country("c1", "NL")
        ContactService(store, AllowAll()).update("ann", "c1", ADD, expected_version=0)
    context = multiprocessing.get_context("spawn")
    holding, release = context.Event(), context.Event()
    process = context.Process(target=hold_the_write_lock, args=(str(path), holding, release))
    process.start()
    assert holding.wait(timeout=60), "the writer never took the lock"
    yield path
    release.set()
    process.join(timeout=60)
    assert 0 == process.exitcode


class TestReadsBesideALongWrite:
    """Every read-only use case answers while another process holds the write lock."""

    def test_reads_finish_while_the_writer_holds_the_lock(self, writer):
        # The timeout is far longer than the test: a read that waited for the writer
        # would not come back until the writer lets go (after the asserts below).
        with SQLiteStore(writer, timeout=60) as store:
            service = ContactService(store, AllowAll())
            assert 1 == service.read("ann", "c1").version
            (entry,) = service.history("ann", "c1").entries
            assert 1 == entry.version
            assert "NL" == service.billing_country("ann", "c1")
            assert None is service.billing_country("ann", "someone-else")  # not committed
            assert ("ann@example.com",) == tuple(
                row.value for row in ContactCard.for_actor(service, "ann", "c1").primary
            )
            assert () == service.country_change("ann", "c1", "BE")
            assert service.check("ann", "c1", BOB, expected_version=1).changes
        # The writer held the lock all along: a write still cannot have it.
        with SQLiteStore(writer, timeout=0.2) as store:
            with pytest.raises(StorageError) as refused:
                ContactService(store, AllowAll()).update("ann", "c1", BOB, expected_version=1)
            assert "storage.locked" == refused.value.code

    def test_a_read_unit_sees_one_state(self, writer):
        with SQLiteStore(writer, timeout=60) as store, store.read_transaction():
            assert 1 == store.load("c1").version
            assert "NL" == store.billing_country("c1")
            assert 1 == len(store.entries("c1").entries)
