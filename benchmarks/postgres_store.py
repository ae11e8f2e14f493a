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

The three take turns call by call (one save or load each, then the next customer), so
that the load other processes put on the machine falls on all three alike; each figure
is the best of ``--repeat`` passes. The exit status is 0 whatever the figures: this is
a measurement, never a gate.
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

    def first_saves(self, attempt: int) -> list[Callable[[int], object]]:
        """A new key per attempt, so that every save inserts."""

        def key(n: int) -> str:
            return f"customer-{n:06d}-{attempt}"

        def with_json(n: int) -> None:
            self.json.execute(self.json_sql[0], (key(n), dump_set(self.sets[n])))
            if self.json.rowcount != 1:
                raise AssertionError

        def raw(n: int) -> None:
            self.raw.execute(self.raw_sql[0], (key(n), self.made[n]))
            if self.raw.rowcount != 1:
                raise AssertionError

        return [
            lambda n: self.store.save(key(n), self.sets[n], expected_version=0),
            with_json,
            raw,
        ]

    def updates(self, attempt: int) -> list[Callable[[int], object]]:
        """Every customer of attempt 0 moves on by one version per attempt."""
        version = attempt + 1

        def key(n: int) -> str:
            return f"customer-{n:06d}-0"

        def with_json(n: int) -> None:
            self.json.execute(self.json_sql[1], (dump_set(self.edited[n]), key(n), version))
            if self.json.rowcount != 1:
                raise AssertionError

        def raw(n: int) -> None:
            self.raw.execute(self.raw_sql[1], (self.edited_made[n], key(n), version))
            if self.raw.rowcount != 1:
                raise AssertionError

        return [
            lambda n: self.store.save(key(n), self.edited[n], expected_version=version),
            with_json,
            raw,
        ]

    def loads(self, attempt: int) -> list[Callable[[int], object]]:
        """Load every customer of attempt 0."""

        def key(n: int) -> str:
            return f"customer-{n:06d}-0"

        def with_json(n: int) -> object:
            self.json.execute(self.json_sql[2], (key(n),))
            version, body = self.json.fetchone()  # type: ignore[misc]
            return Stored(load_set(body), version)

        def raw(n: int) -> object:
            self.raw.execute(self.raw_sql[2], (key(n),))
            _, body = self.raw.fetchone()  # type: ignore[misc]
            return json.loads(body)

        return [lambda n: self.store.load(key(n)), with_json, raw]


def paired(contenders: list[Callable[[int], object]], customers: int) -> list[float]:
    """Return each contender's seconds for all customers, timed call by call in turn.

    The three run one call each for a customer before the next customer, in a rotating
    order, so that a change in the machine's load (other processes) hits all alike.
    """
    clock = time.perf_counter
    spent = [0.0] * len(contenders)
    for n in range(customers):
        for turn in range(len(contenders)):
            number = (n + turn) % len(contenders)
            start = clock()
            contenders[number](n)
            spent[number] += clock() - start
    return spent


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
            for attempt in range(repeat):
                for number, seconds in enumerate(paired(make(attempt), customers)):
                    fastest[number] = min(fastest[number], seconds)
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
