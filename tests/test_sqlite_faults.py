"""A process killed (SIGKILL) while saving leaves a sound store: each save and entry, or neither."""

import multiprocessing
import os
import random
import signal
import time
import uuid

import pytest

from contactbook import AddPoint, ContactKind, ContactSet, RemovePoint, replay
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.service import ContactService

CUSTOMERS = ("c1", "c2", "c3")
KILLS = 30


def save_until_killed(path, seed, ready):
    """Save small batches as fast as possible, forever; the parent kills this process."""
    with SQLiteStore(path) as store:
        service = ContactService.on(store, AllowAll())
        rng = random.Random(seed)  # noqa: S311 -- seeded test data, not secrets
        ready.set()
        while True:
            customer = rng.choice(CUSTOMERS)
            stored = service.read("worker", customer)
            points = stored.contacts.points
            if len(points) >= 6:  # stay small: add and remove in turn
                change = RemovePoint(points[0].id)
            else:
                change = AddPoint(ContactKind.EMAIL, f"{uuid.uuid4().hex}@example.com")
            # The only writer, so never a conflict: one would end the child with an error.
            service.update("worker", customer, [change], expected_version=stored.version)


class DieInsideTheUnit:
    """An audit sink that kills its own process in the middle of the save's transaction."""

    def __init__(self, store, *, after_record):
        self.store = store
        self.after_record = after_record

    def record(self, entry, /):
        if self.after_record:
            self.store.record(entry)
        os.kill(os.getpid(), signal.SIGKILL)


def die_between_save_and_commit(path, after_record):
    """Save once, then die inside the transaction, before or after recording."""
    with SQLiteStore(path) as store:
        sink = DieInsideTheUnit(store, after_record=after_record)
        service = ContactService(store, sink, AllowAll(), store, transaction=store.transaction)
        version = service.read("worker", "c1").version
        service.update(
            "worker",
            "c1",
            [AddPoint(ContactKind.EMAIL, "late@example.com")],
            expected_version=version,
        )


def assert_sound(path):
    """The store opens, passes integrity_check, and every save has exactly its entry."""
    with SQLiteStore(path) as store:
        store.check_integrity()
        for customer in CUSTOMERS:
            stored = store.load(customer)
            entries = store.entries(customer, limit=100_000).entries[::-1]
            assert list(range(1, stored.version + 1)) == [e.version for e in entries]
            rebuilt = ContactSet()
            for entry in entries:
                rebuilt = replay(rebuilt, entry.changes)
            assert stored.contacts.points == rebuilt.points


@pytest.fixture(scope="module")
def context():
    context = multiprocessing.get_context("forkserver")
    # Children fork from a server that has imported everything: each starts in milliseconds.
    context.set_forkserver_preload(["contactbook.adapters.sqlite", "contactbook.service"])
    return context


class TestKilledWriters:
    """SIGKILL at random points during saves never breaks the store or splits a save."""

    def test_random_kills_during_saves(self, tmp_path, context):
        path = tmp_path / "faults.db"
        SQLiteStore(path).close()
        rng = random.Random(20261125)  # noqa: S311 -- reproducible kill times
        saved_before = 0
        for kill in range(KILLS):
            ready = context.Event()
            child = context.Process(target=save_until_killed, args=(path, kill, ready))
            child.start()
            assert ready.wait(timeout=30)
            time.sleep(rng.uniform(0.0, 0.05))
            child.kill()  # SIGKILL
            child.join(timeout=30)
            assert -signal.SIGKILL == child.exitcode
            assert_sound(path)
        with SQLiteStore(path) as store:
            saved_before = len(store.entries_since(None, limit=100_000))
        assert saved_before > KILLS  # the children did save between the kills

    @pytest.mark.parametrize("after_record", [False, True], ids=["before", "after"])
    def test_a_kill_inside_the_unit_keeps_neither(self, tmp_path, context, after_record):
        path = tmp_path / "inside.db"
        with SQLiteStore(path) as store:
            store.save("c1", ContactSet(), expected_version=0)
        child = context.Process(target=die_between_save_and_commit, args=(path, after_record))
        child.start()
        child.join(timeout=30)
        assert -signal.SIGKILL == child.exitcode
        with SQLiteStore(path) as store:
            store.check_integrity()
            assert (1, ()) == (store.load("c1").version, store.entries("c1").entries)
