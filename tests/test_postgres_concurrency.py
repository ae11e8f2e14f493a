"""Several processes updating the same customers through PostgreSQL lose nothing."""

import contextlib
import functools
import uuid

import pgserver
import processes

psycopg = pgserver.require("psycopg")
from contactbook.adapters.postgres import PostgresStore  # noqa: E402

CUSTOMERS = ("c1", "c2")
WORKERS = 4
ROUNDS = 50
KEEP = 12  # a set stays small: past this many points, each update also removes the oldest


@contextlib.contextmanager
def open_store(conninfo, schema):
    """A worker's own connection and store (creating the tables races too)."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        yield PostgresStore(connection, schema=schema)


class TestProcesses:
    """Read-modify-save loops in several processes, retried on conflict, all land."""

    def test_no_update_is_lost_and_versions_are_gapless(self, postgres):
        schema = f"cb_{uuid.uuid4().hex[:10]}"
        accepted = processes.run_workers(
            functools.partial(open_store, postgres, schema),
            workers=WORKERS,
            customers=CUSTOMERS,
            rounds=ROUNDS,
            keep=KEEP,
        )
        with open_store(postgres, schema) as store:
            processes.assert_nothing_lost(store, accepted, CUSTOMERS, kept_all=False)
