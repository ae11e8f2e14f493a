"""Several processes updating the same customers through one SQLite file lose nothing."""

import functools
import threading

import processes
from contactbook.adapters.sqlite import SQLiteStore

CUSTOMERS = ("c1", "c2")
WORKERS = 3
ROUNDS = 30


class TestProcesses:
    """Read-modify-save loops in several processes, retried on conflict, all land."""

    def test_every_accepted_change_is_present_once_with_gapless_versions(self, tmp_path):
        path = tmp_path / "shared.db"  # made by whichever worker opens it first
        open_store = functools.partial(SQLiteStore, path, timeout=30)
        accepted = processes.run_workers(
            open_store, workers=WORKERS, customers=CUSTOMERS, rounds=ROUNDS
        )
        with SQLiteStore(path) as store:
            store.verify_integrity()
            processes.assert_nothing_lost(store, accepted, CUSTOMERS, kept_all=True)


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
