"""A writer killed (SIGKILL) mid-save leaves PostgreSQL sound: no torn save, no lost ack."""

import functools
import multiprocessing
import random
import signal
import time
import uuid

import pytest

import pgserver
import processes
from contactbook import ContactSet

psycopg = pgserver.require("psycopg")
from contactbook.adapters.postgres import PostgresStore  # noqa: E402

KILLS = 50


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
            opener = functools.partial(pgserver.opened_store, postgres, store.schema, prepare=False)
            child = context.Process(
                target=processes.save_until_killed, args=(opener, kill, ready, sender)
            )
            child.start()
            sender.close()
            assert ready.wait(timeout=30)
            # Kill after its first acknowledged save, so that a loaded machine (a slow
            # child) still kills writers mid-save rather than before they save at all.
            assert receiver.poll(timeout=30)
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
            processes.assert_sound(store, acknowledged)
        assert len(acknowledged) > KILLS  # the children did save between the kills

    @pytest.mark.parametrize("after_record", [False, True], ids=["before", "after"])
    def test_a_kill_inside_the_unit_keeps_neither(self, postgres, context, store, after_record):
        store.save("c1", ContactSet(), expected_version=0)
        child = context.Process(
            target=processes.die_between_save_and_commit,
            args=(functools.partial(pgserver.opened_store, postgres, store.schema), after_record),
        )
        child.start()
        child.join(timeout=30)
        assert -signal.SIGKILL == child.exitcode
        # The server notices the lost client and rolls its transaction back; wait for it.
        deadline = time.monotonic() + 10
        while store.load("c1").version != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (1, ()) == (store.load("c1").version, store.entries("c1").entries)
