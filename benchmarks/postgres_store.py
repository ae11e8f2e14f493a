"""How fast the PostgreSQL store saves and loads, against the same SQL through psycopg.

Run from the repository root (it needs Debian's PostgreSQL server binaries, or a
server you name)::

    python -m benchmarks.postgres_store                    # 5,000 customers
    python -m benchmarks.postgres_store --customers 500    # a quick run
    python -m benchmarks.postgres_store --conninfo "host=/run/postgresql dbname=bench"

Without ``--conninfo`` it starts a throwaway server the way the tests do
(``tests/pgserver.py``: a temporary cluster on a Unix socket, fsync off) and removes it
at the end. Both contenders use one connection each (autocommit, the same server, the
same run) and tables made by :class:`PostgresStore`, each in its own schema:

- the store: ``save`` (a first save, then an update of every customer) and ``load``;
- baseline A: the very statements the store runs, through ``cursor.execute``, making
  and reading the same JSON form (``dump_set``, ``load_set``): the same work without
  the store, so "vs A" is what the store itself adds (the issue's target: >= 0.8x);
- baseline B: the same statements with the documents made beforehand, and a load
  that only ``json.loads`` its row: "vs B" adds the cost of the JSON form itself.

The exit status is 0 whatever the figures: this is a measurement, never a gate.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: python benchmarks/postgres_store.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.sqlite_store import contact_sets
from contactbook.interchange.jsonform import dump_set, load_set
from contactbook.ports import Stored

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.8


@contextlib.contextmanager
def server(conninfo: str | None) -> Iterator[str]:
    """Yield ``conninfo``, or that of a throwaway server started for this run."""
    if conninfo is not None:
        yield conninfo
        return
    sys.path.insert(0, str(ROOT / "tests"))
    import pgserver  # tests/pgserver.py: the tests start their server the same way

    with pgserver.throwaway_server() as started:
        yield started


def best(action: Callable[[], object], repeat: int) -> float:
    """Return the fewest seconds ``action`` took in ``repeat`` runs."""
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


class Contenders:
    """The store and the two baselines, each on its own connection and schema."""

    def __init__(self, conninfo: str, stack: contextlib.ExitStack, customers: int) -> None:
        import psycopg
        from psycopg.rows import tuple_row

        from contactbook.adapters.postgres import PostgresStore

        run_id = uuid.uuid4().hex[:8]
        self.schemas = [f"bench_{name}_{run_id}" for name in ("store", "json", "raw")]
        self.connections = [
            stack.enter_context(psycopg.connect(conninfo, autocommit=True)) for _ in self.schemas
        ]
        self.store = PostgresStore(self.connections[0], schema=self.schemas[0])
        for connection, schema in zip(self.connections[1:], self.schemas[1:], strict=True):
            PostgresStore(connection, schema=schema)  # the same tables for the baselines
        self.json, self.raw = (c.cursor(row_factory=tuple_row) for c in self.connections[1:])
        # The statements the store runs, taken from it: the baselines run the very same SQL.
        ours = [self.store._sql_insert, self.store._sql_update, self.store._sql_load]
        self.json_sql, self.raw_sql = (
            [sql.replace(f'"{self.schemas[0]}"', f'"{schema}"') for sql in ours]
            for schema in self.schemas[1:]
        )
        self.sets, self.edited = contact_sets(customers), contact_sets(customers, seed=9)
        self.made = [dump_set(c) for c in self.sets]
        self.edited_made = [dump_set(c) for c in self.edited]
        self.customers = customers

    def drop(self) -> None:
        for connection, schema in zip(self.connections, self.schemas, strict=True):
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')

    def first_saves(self, attempt: int) -> list[Callable[[], None]]:
        keys = [f"customer-{n:06d}-{attempt}" for n in range(self.customers)]

        def with_store() -> None:
            for key, contacts in zip(keys, self.sets, strict=True):
                self.store.save(key, contacts, expected_version=0)

        def with_json() -> None:
            for key, contacts in zip(keys, self.sets, strict=True):
                self.json.execute(self.json_sql[0], (key, dump_set(contacts)))
                if self.json.rowcount != 1:
                    raise AssertionError

        def raw() -> None:
            for key, document in zip(keys, self.made, strict=True):
                self.raw.execute(self.raw_sql[0], (key, document))
                if self.raw.rowcount != 1:
                    raise AssertionError

        return [with_store, with_json, raw]

    def updates(self, attempt: int) -> list[Callable[[], None]]:
        keys = [f"customer-{n:06d}-0" for n in range(self.customers)]
        version = attempt + 1

        def with_store() -> None:
            for key, contacts in zip(keys, self.edited, strict=True):
                self.store.save(key, contacts, expected_version=version)

        def with_json() -> None:
            for key, contacts in zip(keys, self.edited, strict=True):
                self.json.execute(self.json_sql[1], (dump_set(contacts), key, version))
                if self.json.rowcount != 1:
                    raise AssertionError

        def raw() -> None:
            for key, document in zip(keys, self.edited_made, strict=True):
                self.raw.execute(self.raw_sql[1], (document, key, version))
                if self.raw.rowcount != 1:
                    raise AssertionError

        return [with_store, with_json, raw]

    def loads(self, attempt: int) -> list[Callable[[], None]]:
        keys = [f"customer-{n:06d}-0" for n in range(self.customers)]

        def with_store() -> None:
            for key in keys:
                self.store.load(key)

        def with_json() -> None:
            for key in keys:
                self.json.execute(self.json_sql[2], (key,))
                version, body = self.json.fetchone()  # type: ignore[misc]
                Stored(load_set(body), version)

        def raw() -> None:
            for key in keys:
                self.raw.execute(self.raw_sql[2], (key,))
                _, body = self.raw.fetchone()  # type: ignore[misc]
                json.loads(body)

        return [with_store, with_json, raw]


def run(conninfo: str, customers: int, repeat: int) -> list[tuple[str, float, float, float]]:
    """Return (what, store, psycopg with the JSON form, psycopg alone) rates per second."""
    rows = []
    with contextlib.ExitStack() as stack:
        contenders = Contenders(conninfo, stack, customers)
        for what, make in [
            ("first saves/s (INSERT ... ON CONFLICT DO NOTHING)", contenders.first_saves),
            ("saves/s (UPDATE ... WHERE version = expected)", contenders.updates),
            ("loads/s (SELECT by customer id)", contenders.loads),
        ]:
            fastest = [float("inf")] * 3
            for attempt in range(repeat):  # alternating, so that all see the same machine load
                for number, action in enumerate(make(attempt)):
                    fastest[number] = min(fastest[number], best(action, 1))
            store, with_json, raw = (customers / seconds for seconds in fastest)
            rows.append((what, store, with_json, raw))
        contenders.drop()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5_000, help="customers (default 5,000)")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many (default 5)")
    parser.add_argument("--conninfo", help="a server to use instead of a throwaway one")
    options = parser.parse_args(argv)
    with server(options.conninfo) as conninfo:
        rows = run(conninfo, options.customers, options.repeat)
    print(f"PostgresStore against psycopg running the same SQL, {options.customers:,} customers")
    print("  A: psycopg + the JSON form (dump_set / load_set): the same work, no store")
    print("  B: psycopg alone: documents made beforehand, a load only json.loads its row")
    header = f"  {'':<50} {'store':>7} {'A':>7} {'B':>7} {'vs A':>6} {'vs B':>6}"
    print(header + f"  target >= {TARGET}x vs A")
    for what, store, with_json, raw in rows:
        verdict = "PASS" if store / with_json >= TARGET else "FAIL"
        print(
            f"  {what:<50} {store:>7,.0f} {with_json:>7,.0f} {raw:>7,.0f} "
            f"{store / with_json:>5.2f}x {store / raw:>5.2f}x  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
