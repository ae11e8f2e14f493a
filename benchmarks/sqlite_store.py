"""How fast the SQLite store saves and loads: customers with 5 contact points each.

Run from the repository root::

    python -m benchmarks.sqlite_store                   # 10,000 customers
    python -m benchmarks.sqlite_store --customers 200   # a quick run

It prints saves per second (repository saves, each its own durable transaction, and
with ``durable=False``), service updates per second (a save and its activity entry in
one transaction), loads per second, and the cost of a load against ``json.loads`` of
the same stored document (issue 8's target: at most 3x). The figures depend on the disk
(a durable commit waits for fsync) and on the machine's load; the exit status is 0
whatever they are: this is a measurement, never a gate.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: python benchmarks/sqlite_store.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contactbook import AddPoint, ContactKind, ContactSet, EditPoint
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.interchange.jsonform import dump_set
from contactbook.operations import apply
from contactbook.service import ContactService

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


def contact_sets(count: int, seed: int = 8) -> list[ContactSet]:
    """Return ``count`` validated sets of 5 points: 2 emails, a phone, a mobile, a site."""
    rng = random.Random(seed)
    sets = []
    for n in range(count):
        changes = [
            AddPoint(EMAIL, f"customer{n}@example.com", description="Billing Contact"),
            AddPoint(EMAIL, f"info{n}@company{rng.randrange(1000)}.nl"),
            AddPoint(PHONE, f"020 {rng.randrange(1_000_000, 9_999_999)}"),
            AddPoint(MOBILE, f"06 1{rng.randrange(1_000_000, 9_999_999)}", description="Work"),
            AddPoint(WEBSITE, f"shop{n}.example.com"),
        ]
        sets.append(apply(ContactSet(), changes, country="NL").contacts)
    return sets


def timed(action: Callable[[], object], *, repeat: int = 1) -> float:
    """Return the seconds ``action`` takes (the best of ``repeat`` runs: the least noise)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def run(customers: int, directory: Path) -> list[tuple[str, str]]:
    """Measure everything on ``customers`` customers; return (what, figure) rows."""
    sets = contact_sets(customers)
    ids = [f"customer-{n:06d}" for n in range(customers)]
    rows: list[tuple[str, str]] = []

    def save_all(store: SQLiteStore) -> None:
        for customer_id, contacts in zip(ids, sets, strict=True):
            store.save(customer_id, contacts, expected_version=0)

    with SQLiteStore(directory / "fast.db", durable=False) as store:
        seconds = timed(lambda: save_all(store))
    rows.append(("saves/s, durable=False (synchronous=NORMAL)", f"{customers / seconds:,.0f}"))

    with SQLiteStore(directory / "store.db") as store:
        seconds = timed(lambda: save_all(store))
        rows.append(
            ("saves/s, durable (synchronous=FULL, the default)", f"{customers / seconds:,.0f}")
        )

        service = ContactService(store, AllowAll())
        updates = ids[: min(customers, 2_000)]
        versions = {customer_id: store.load(customer_id).version for customer_id in updates}
        seconds = timed(
            lambda: [
                service.update(
                    "bench",
                    customer_id,
                    [EditPoint(2, description="Sales")],
                    expected_version=versions[customer_id],
                )
                for customer_id in updates
            ]
        )
        rows.append(
            ("service updates/s (save + activity entry, durable)", f"{len(updates) / seconds:,.0f}")
        )

        order = random.Random(1).sample(ids, len(ids))
        documents = [dump_set(store.load(customer_id).contacts) for customer_id in order]
        # Best of 3, alternating, so that both see the same machine load.
        parse = load = float("inf")
        for _ in range(3):
            parse = min(parse, timed(lambda: [json.loads(document) for document in documents]))
            load = min(load, timed(lambda: [store.load(customer_id) for customer_id in order]))
        rows.append(("loads/s (5-point set)", f"{customers / load:,.0f}"))
        rows.append(("µs per load", f"{load / customers * 1e6:.1f}"))
        rows.append(("µs per json.loads of the same document", f"{parse / customers * 1e6:.1f}"))
        rows.append(("load / json.loads (issue 8 target: <= 3x)", f"{load / parse:.2f}x"))
        size = sum(path.stat().st_size for path in directory.glob("store.db*"))
        rows.append(("file size (store.db and -wal)", f"{size / 1e6:.1f} MB"))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000, help="customers (default 10,000)")
    parser.add_argument("--dir", type=Path, help="where to put the database (default: a temp dir)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=options.dir) as directory:
        rows = run(options.customers, Path(directory))
    print(f"SQLiteStore, {options.customers:,} customers with 5 points each")
    width = max(len(what) for what, _ in rows)
    for what, figure in rows:
        print(f"  {what:<{width}}  {figure:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
