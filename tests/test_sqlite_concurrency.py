"""Several processes updating the same customers through one SQLite file lose nothing."""

import multiprocessing
import random
import threading
import time

from contactbook import AddPoint, ConflictError, ContactKind, PointAdded
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.service import ContactService

CUSTOMERS = ("c1", "c2")
WORKERS = 3
ROUNDS = 30


def read_modify_save(path, number, start, results):
    """One worker: open the (perhaps new) store, then read, change and save, retrying."""
    start.wait(timeout=60)  # open together: creating the file races too
    with SQLiteStore(path, timeout=30) as store:
        service = ContactService.on(store, AllowAll())
        rng = random.Random(number)  # noqa: S311 -- seeded test data, not secrets
        accepted, conflicts = [], 0
        for round_number in range(ROUNDS):
            customer = rng.choice(CUSTOMERS)
            value = f"w{number}r{round_number}@example.com"
            while True:
                stored = service.read("worker", customer)
                time.sleep(rng.uniform(0, 0.002))  # a person edits: others save meanwhile
                try:
                    saved = service.update(
                        f"worker{number}",
                        customer,
                        [AddPoint(ContactKind.EMAIL, value)],
                        expected_version=stored.version,
                    )
                except ConflictError:
                    conflicts += 1
                    continue
                accepted.append((customer, value, saved.version, saved.entry.id))
                break
    results.put((accepted, conflicts))


class TestProcesses:
    """Read-modify-save loops in several processes, retried on conflict, all land."""

    def test_every_accepted_change_is_present_once_with_gapless_versions(self, tmp_path):
        path = tmp_path / "shared.db"  # made by whichever worker opens it first
        context = multiprocessing.get_context("spawn")
        start, results = context.Barrier(WORKERS), context.Queue()
        workers = [
            context.Process(target=read_modify_save, args=(path, n, start, results))
            for n in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert [0] * WORKERS == [worker.exitcode for worker in workers]

        accepted = [change for changes, _ in outcomes for change in changes]
        assert WORKERS * ROUNDS == len(accepted)
        assert sum(conflicts for _, conflicts in outcomes) > 0  # the retry path was taken
        with SQLiteStore(path) as store:
            store.check_integrity()
            for customer in CUSTOMERS:
                mine = sorted(c for c in accepted if c[0] == customer)
                stored = store.load(customer)
                entries = store.entries(customer, limit=1000).entries[::-1]
                # Gapless: the versions handed out are exactly 1..n, each once.
                assert list(range(1, len(mine) + 1)) == sorted(c[2] for c in mine)
                assert len(mine) == stored.version
                # Every accepted change is in the set.
                assert sorted(c[1] for c in mine) == sorted(p.value for p in stored.contacts)
                # One entry per version, the one its save returned, adding its value.
                assert list(range(1, stored.version + 1)) == [e.version for e in entries]
                by_version = {c[2]: c for c in mine}
                for entry in entries:
                    _, value, _, entry_id = by_version[entry.version]
                    assert entry_id == entry.id
                    assert [value] == [
                        change.point.value
                        for change in entry.changes
                        if isinstance(change, PointAdded)
                    ]


class TestOpeningTogether:
    """Openers that create the same new store at once all open it; none is refused."""

    def test_a_new_file_opened_by_many_at_once(self, tmp_path):
        # Threads, each with its own store and connection, race just as processes do
        # (SQLite releases the GIL) and far more cheaply, so the race is hit often.
        for attempt in range(40):
            path = tmp_path / f"new-{attempt}.db"
            barrier = threading.Barrier(8)
            outcomes = []

            def opener(path=path, barrier=barrier, outcomes=outcomes):
                barrier.wait(timeout=60)
                try:
                    with SQLiteStore(path, timeout=30) as store:
                        outcomes.append(("ok", store.load("c1").version))
                except Exception as error:  # reported below, where the test asserts
                    outcomes.append(("error", repr(error)))

            threads = [threading.Thread(target=opener) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert [("ok", 0)] * 8 == outcomes
