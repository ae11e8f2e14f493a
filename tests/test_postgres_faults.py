"""A writer killed (SIGKILL) mid-save leaves PostgreSQL sound: no torn save, no lost ack."""

import multiprocessing
import os
import random
import signal
import time
import uuid

import pytest

import pgserver
from contactbook import AddPoint, ContactKind, ContactSet, RemovePoint, replay

psycopg = pgserver.require("psycopg")
from contactbook.adapters.memory import AllowAll  # noqa: E402
from contactbook.adapters.postgres import PostgresStore  # noqa: E402
from contactbook.service import ContactService  # noqa: E402

CUSTOMERS = ("c1", "c2", "c3")
KILLS = 50


def save_until_killed(conninfo, schema, seed, ready, acknowledged):
    """Save small batches as fast as possible; report each acknowledged version at once."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        store = PostgresStore(connection, schema=schema, check=False)
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
            saved = service.update("worker", customer, [change], expected_version=stored.version)
            # One small write to a pipe is atomic: the parent reads it whole or not at all.
            acknowledged.send((customer, saved.version, saved.entry.id))


class DieInsideTheUnit:
    """An audit sink that kills its own process in the middle of the save's transaction."""

    def __init__(self, store, *, after_record):
        self.store = store
        self.after_record = after_record

    def record(self, entry, /):
        if self.after_record:
            self.store.record(entry)
        os.kill(os.getpid(), signal.SIGKILL)

    def entries(self, customer_id, /, **options):
        return self.store.entries(customer_id, **options)


def die_between_save_and_commit(conninfo, schema, after_record):
    """Save once, then die inside the transaction, before or after recording."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        store = PostgresStore(connection, schema=schema)
        sink = DieInsideTheUnit(store, after_record=after_record)
        service = ContactService(store, sink, AllowAll(), store, transaction=store.transaction)
        service.update(
            "worker", "c1", [AddPoint(ContactKind.EMAIL, "late@example.com")], expected_version=1
        )


def all_entries(store, customer):
    kept, page = [], store.entries(customer, limit=500)
    kept.extend(page.entries)
    while page.next is not None:
        page = store.entries(customer, limit=500, before=page.next)
        kept.extend(page.entries)
    return kept[::-1]


def assert_sound(store, acknowledged):
    """Every save has exactly its entry, the set is its entries replayed, no ack is lost."""
    for customer in CUSTOMERS:
        stored = store.load(customer)
        entries = all_entries(store, customer)
        assert list(range(1, stored.version + 1)) == [e.version for e in entries]
        rebuilt = ContactSet()
        for entry in entries:
            rebuilt = replay(rebuilt, entry.changes)
        assert stored.contacts.points == rebuilt.points
        ids = {entry.version: entry.id for entry in entries}
        for acked_customer, version, entry_id in acknowledged:
            if acked_customer == customer:
                assert entry_id == ids.get(version), (customer, version)


@pytest.fixture(scope="module")
def context():
    context = multiprocessing.get_context("forkserver")
    # Children fork from a server that has imported everything: each starts in milliseconds.
    context.set_forkserver_preload(
        ["psycopg", "contactbook.adapters.postgres", "contactbook.service"]
    )
    return context


@pytest.fixture
def store(postgres):
    with psycopg.connect(postgres, autocommit=True) as connection:
        yield PostgresStore(connection, schema=f"cb_{uuid.uuid4().hex[:10]}")


class TestKilledWriters:
    """SIGKILL at random points during saves never splits a save or loses an acknowledged one."""

    def test_random_kills_during_saves(self, postgres, context, store):
        rng = random.Random(20261127)  # noqa: S311 -- reproducible kill times
        acknowledged = []
        for kill in range(KILLS):
            ready = context.Event()
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=save_until_killed, args=(postgres, store.schema, kill, ready, sender)
            )
            child.start()
            sender.close()
            assert ready.wait(timeout=30)
            time.sleep(rng.uniform(0.0, 0.03))
            child.kill()  # SIGKILL
            child.join(timeout=30)
            assert -signal.SIGKILL == child.exitcode
            while receiver.poll():
                try:
                    acknowledged.append(receiver.recv())
                except EOFError:
                    break
            receiver.close()
            assert_sound(store, acknowledged)
        assert len(acknowledged) > KILLS  # the children did save between the kills

    @pytest.mark.parametrize("after_record", [False, True], ids=["before", "after"])
    def test_a_kill_inside_the_unit_keeps_neither(self, postgres, context, store, after_record):
        store.save("c1", ContactSet(), expected_version=0)
        child = context.Process(
            target=die_between_save_and_commit, args=(postgres, store.schema, after_record)
        )
        child.start()
        child.join(timeout=30)
        assert -signal.SIGKILL == child.exitcode
        # The server notices the lost client and rolls its transaction back; wait for it.
        deadline = time.monotonic() + 10
        while store.load("c1").version != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (1, ()) == (store.load("c1").version, store.entries("c1").entries)
