"""Several processes updating the same customers through PostgreSQL lose nothing."""

import multiprocessing
import random
import time
import uuid

import pgserver
from contactbook import AddPoint, ConflictError, ContactKind, ContactSet, RemovePoint, replay

psycopg = pgserver.require("psycopg")
from contactbook.adapters.memory import AllowAll  # noqa: E402
from contactbook.adapters.postgres import PostgresStore  # noqa: E402
from contactbook.service import ContactService  # noqa: E402

CUSTOMERS = ("c1", "c2")
WORKERS = 4
ROUNDS = 50
KEEP = 12  # a set stays small: past this many points, each update also removes the oldest


def read_modify_save(conninfo, schema, number, start, results):
    """One worker: read, change and save through the service, retrying on conflict."""
    start.wait(timeout=60)  # open together: creating the tables races too
    with psycopg.connect(conninfo, autocommit=True) as connection:
        store = PostgresStore(connection, schema=schema)
        service = ContactService.on(store, AllowAll())
        rng = random.Random(number)  # noqa: S311 -- seeded test data, not secrets
        accepted, conflicts = [], 0
        for round_number in range(ROUNDS):
            customer = rng.choice(CUSTOMERS)
            value = f"w{number}r{round_number}@example.com"
            while True:
                stored = service.read("worker", customer)
                time.sleep(rng.uniform(0, 0.002))  # a person edits: others save meanwhile
                changes = [AddPoint(ContactKind.EMAIL, value)]
                if len(stored.contacts) >= KEEP:
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


def all_entries(store, customer):
    """Every entry of the customer, oldest first, read page by page."""
    kept, page = [], store.entries(customer, limit=40)
    kept.extend(page.entries)
    while page.next is not None:
        page = store.entries(customer, limit=40, before=page.next)
        kept.extend(page.entries)
    return kept[::-1]


class TestProcesses:
    """Read-modify-save loops in several processes, retried on conflict, all land."""

    def test_no_update_is_lost_and_versions_are_gapless(self, postgres):
        schema = f"cb_{uuid.uuid4().hex[:10]}"
        context = multiprocessing.get_context("spawn")
        start, results = context.Barrier(WORKERS), context.Queue()
        workers = [
            context.Process(target=read_modify_save, args=(postgres, schema, n, start, results))
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
        with psycopg.connect(postgres, autocommit=True) as connection:
            store = PostgresStore(connection, schema=schema)
            for customer in CUSTOMERS:
                mine = [c for c in accepted if c[0] == customer]
                stored = store.load(customer)
                entries = all_entries(store, customer)
                # Gapless: the versions handed out are exactly 1..n, each once.
                assert list(range(1, len(mine) + 1)) == sorted(c[2] for c in mine)
                assert len(mine) == stored.version
                # Exactly one entry per version, the one its save returned, adding its value.
                assert list(range(1, stored.version + 1)) == [e.version for e in entries]
                by_version = {c[2]: c for c in mine}
                for entry in entries:
                    _, value, _, entry_id = by_version[entry.version]
                    assert entry_id == entry.id
                    assert value in {c.point.value for c in entry.changes if hasattr(c, "point")}
                # Nothing lost: replaying every entry gives the stored set.
                rebuilt = ContactSet()
                for entry in entries:
                    rebuilt = replay(rebuilt, entry.changes)
                assert stored.contacts.points == rebuilt.points
