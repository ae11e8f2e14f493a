"""Several processes updating the same customers through PostgreSQL lose nothing."""

import functools
import uuid

import pgserver
import processes

pgserver.require("psycopg")

CUSTOMERS = ("c1", "c2")
WORKERS = 4
ROUNDS = 50
KEEP = 12  # a set stays small: past this many points, each update also removes the oldest


class TestProcesses:
    """Read-modify-save loops in several processes, retried on conflict, all land."""

    def test_no_update_is_lost_and_versions_are_gapless(self, postgres):
        schema = f"cb_{uuid.uuid4().hex[:10]}"
        accepted = processes.run_workers(
            functools.partial(pgserver.opened_store, postgres, schema),
            workers=WORKERS,
            customers=CUSTOMERS,
            rounds=ROUNDS,
            keep=KEEP,
        )
        with pgserver.opened_store(postgres, schema) as store:
            processes.assert_nothing_lost(store, accepted, CUSTOMERS, kept_all=False)
