"""Processes saving through the service, for any store: the kit of the SQLite and
PostgreSQL concurrency and fault tests.

Each child opens its own store with ``open_store()``, a picklable callable returning a
context manager (``functools.partial(SQLiteStore, path)``, or ``pgserver.opened_store``).

- :func:`run_workers`: read-modify-save loops that wait as a person would and retry on
  conflict; :func:`assert_nothing_lost` then checks what a lost update would break.
- :func:`save_until_killed` and :func:`die_between_save_and_commit`: writers for the
  parent to SIGKILL; :func:`assert_sound` then checks that no save was torn and no
  acknowledged save lost.
"""

import multiprocessing
import os
import random
import signal
import time
import uuid

from contactbook import AddPoint, ConflictError, ContactKind, ContactSet, RemovePoint
from contactbook.adapters.memory import AllowAll
from contactbook.audit import PointAdded, replay
from contactbook.ports import HostUnitOfWork
from contactbook.service import ContactService

#: The customers the fault tests' writers save to.
FAULT_CUSTOMERS = ("c1", "c2", "c3")


def read_modify_save(open_store, number, start, results, *, customers, rounds, keep):
    """One worker; past ``keep`` points (if given) each update also removes the oldest."""
    start.wait(timeout=60)  # open together: creating the store races too
    with open_store() as store:
        service = ContactService(store, AllowAll())
        rng = random.Random(number)  # noqa: S311 -- seeded test data, not secrets
        accepted, conflicts = [], 0
        for round_number in range(rounds):
            customer = rng.choice(customers)
            value = f"w{number}r{round_number}@example.com"
            while True:
                stored = service.read("worker", customer)
                time.sleep(rng.uniform(0, 0.002))  # a person edits: others save meanwhile
                changes = [AddPoint(ContactKind.EMAIL, value)]
                if keep is not None and len(stored.contacts) >= keep:
                    changes.append(RemovePoint(stored.contacts.points[0].id))
                try:
                    saved = service.update(
                        f"worker{number}", customer, changes, expected_version=stored.version
                    )
                except ConflictError:
                    conflicts += 1
                    continue
                accepted.append((customer, value, saved.version, saved.entry.id))
                break
    results.put((accepted, conflicts))


def run_workers(open_store, *, workers, customers, rounds, keep=None):
    """Run ``workers`` processes at once; return every accepted change."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(
            target=read_modify_save,
            args=(open_store, n, start, results),
            kwargs={"customers": customers, "rounds": rounds, "keep": keep},
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [0] * workers == [process.exitcode for process in processes]
    accepted = [change for changes, _ in outcomes for change in changes]
    assert workers * rounds == len(accepted)
    assert sum(conflicts for _, conflicts in outcomes) > 0  # the retry path was taken
    return accepted


def all_entries(store, customer):
    """Every entry of the customer, oldest first, read page by page."""
    page = store.entries(customer, limit=40)
    kept = list(page.entries)
    while page.next is not None:
        page = store.entries(customer, limit=40, before=page.next)
        kept.extend(page.entries)
    return kept[::-1]


def assert_nothing_lost(store, accepted, customers, *, kept_all):
    """Gapless versions, one entry per version, and the entries replay to the stored set.

    ``kept_all``: no update removed a point, so every accepted value is in the set.
    """
    for customer in customers:
        mine = [change for change in accepted if change[0] == customer]
        stored = store.load(customer)
        entries = all_entries(store, customer)
        # Gapless: the versions handed out are exactly 1..n, each once.
        assert list(range(1, len(mine) + 1)) == sorted(change[2] for change in mine)
        assert len(mine) == stored.version
        # Exactly one entry per version, the one its save returned, adding its value.
        assert list(range(1, stored.version + 1)) == [entry.version for entry in entries]
        by_version = {change[2]: change for change in mine}
        for entry in entries:
            _, value, _, entry_id = by_version[entry.version]
            assert entry_id == entry.id
            added = [c.point.value for c in entry.changes if isinstance(c, PointAdded)]
            assert [value] == added
        # Nothing lost: replaying every entry gives the stored set.
        rebuilt = ContactSet()
        for entry in entries:
            rebuilt = replay(rebuilt, entry.changes)
        assert stored.contacts.points == rebuilt.points
        if kept_all:
            values = sorted(point.value for point in stored.contacts)
            assert sorted(change[1] for change in mine) == values


# --------------------------------------------------------------------------- faults


def save_until_killed(open_store, seed, ready, acknowledged=None):
    """Save small batches as fast as possible, forever; the parent kills this process.

    ``acknowledged``, a pipe's sending end, gets each saved (customer, version, entry id)
    as soon as the save returns: one small write to a pipe is atomic, so the parent reads
    it whole or not at all.
    """
    with open_store() as store:
        service = ContactService(store, AllowAll())
        rng = random.Random(seed)  # noqa: S311 -- seeded test data, not secrets
        ready.set()
        while True:
            customer = rng.choice(FAULT_CUSTOMERS)
            stored = service.read("worker", customer)
            points = stored.contacts.points
            if len(points) >= 6:  # stay small: add and remove in turn
                change = RemovePoint(points[0].id)
            else:
                change = AddPoint(ContactKind.EMAIL, f"{uuid.uuid4().hex}@example.com")
            # The only writer, so never a conflict: one would end the child with an error.
            saved = service.update("worker", customer, [change], expected_version=stored.version)
            if acknowledged is not None:
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


def die_between_save_and_commit(open_store, after_record):
    """Save once, then die inside the transaction, before or after recording."""
    with open_store() as store:
        sink = DieInsideTheUnit(store, after_record=after_record)
        unit = HostUnitOfWork(store, sink, store, transaction=store.transaction)
        service = ContactService(unit, AllowAll())
        version = service.read("worker", "c1").version
        service.update(
            "worker",
            "c1",
            [AddPoint(ContactKind.EMAIL, "late@example.com")],
            expected_version=version,
        )


def assert_sound(store, acknowledged=()):
    """Every save has exactly its entry, the set is its entries replayed, no ack is lost."""
    for customer in FAULT_CUSTOMERS:
        stored = store.load(customer)
        entries = all_entries(store, customer)
        assert list(range(1, stored.version + 1)) == [entry.version for entry in entries]
        rebuilt = ContactSet()
        for entry in entries:
            rebuilt = replay(rebuilt, entry.changes)
        assert stored.contacts.points == rebuilt.points
        ids = {entry.version: entry.id for entry in entries}
        for acked_customer, version, entry_id in acknowledged:
            if acked_customer == customer:
                assert entry_id == ids.get(version), (customer, version)
