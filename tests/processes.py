"""Several processes doing read-modify-save loops through the service, for any store.

The SQLite and PostgreSQL concurrency tests share this kit: each worker opens its own
store (``open_store()``, a picklable callable returning a context manager), reads a
customer, waits as a person would, and saves one change on the version it read,
retrying on conflict. :func:`assert_nothing_lost` then checks what a lost update would
break: gapless versions, one entry per version (the one its save returned, adding its
value), and the entries replaying to the stored set.
"""

import multiprocessing
import random
import time

from contactbook import (
    AddPoint,
    ConflictError,
    ContactKind,
    ContactSet,
    PointAdded,
    RemovePoint,
    replay,
)
from contactbook.adapters.memory import AllowAll
from contactbook.service import ContactService


def read_modify_save(open_store, number, start, results, *, customers, rounds, keep):
    """One worker; past ``keep`` points (if given) each update also removes the oldest."""
    start.wait(timeout=60)  # open together: creating the store races too
    with open_store() as store:
        service = ContactService.on(store, AllowAll())
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
