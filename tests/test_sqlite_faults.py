"""A process killed (SIGKILL) while saving leaves a sound store: each save and entry, or neither."""

import functools
import multiprocessing
import random
import signal
import time

import pytest

import processes
from contactbook import ContactSet
from contactbook.adapters.sqlite import SQLiteStore

KILLS = 30


def assert_sound(path):
    """The store opens, passes integrity_check, and every save has exactly its entry."""
    with SQLiteStore(path) as store:
        store.verify_integrity()
        processes.assert_sound(store)


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
            child = context.Process(
                target=processes.save_until_killed,
                args=(functools.partial(SQLiteStore, path), kill, ready),
            )
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
        child = context.Process(
            target=processes.die_between_save_and_commit,
            args=(functools.partial(SQLiteStore, path), after_record),
        )
        child.start()
        child.join(timeout=30)
        assert -signal.SIGKILL == child.exitcode
        with SQLiteStore(path) as store:
            store.verify_integrity()
            assert (1, ()) == (store.load("c1").version, store.entries("c1").entries)
