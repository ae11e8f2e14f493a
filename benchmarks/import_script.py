"""Benchmark: ``check`` and ``import`` against the script a billing engineer writes by hand.

    python -m benchmarks.import_script                  # 20,000 rows, best of 3
    python -m benchmarks.import_script --rows 500 --repeat 1 --memory    # a smoke run
    python -m benchmarks.import_script --postgres       # and into a throwaway PostgreSQL

The baseline (:func:`script`) is what a competent engineer writes instead of the
library: the :mod:`csv` module, the three validators called directly (email-validator,
phonenumbers, rfc3986), one JSON document per customer (``json.dumps``) and one log row
per customer into SQLite (WAL, ``synchronous=FULL`` as the store's default, an
``executemany`` and a commit every 500 customers). The contenders, on the same seeded
export (``benchmarks.csv_check.write_export``), run interleaved in one process, each
the best of ``--repeat``:

- ``check``: :func:`contactbook.interchange.csv_check.check_file`, 1 job, both outputs;
- ``import``: :func:`contactbook.bulk.import_file` into a new SQLite file, as the
  command runs it (billing countries stored, 500 customers per unit);
- ``re-import``: the same export again into that file (nothing to change).

It prints the rates, the ratios the issue sets as targets (check >= 3x the script,
import >= 2x the script, re-import >= 3x the first import), the cost of storing (import
minus check, in microseconds per customer, beside the script's whole cost), the SQL
statements per customer, the bytes of a stored set and of an activity entry, the
database's size, and (``--memory``) the import's peak resident memory at each size, each
in a fresh interpreter. With ``--postgres`` it also imports (and re-imports) the export
into a :class:`~contactbook.adapters.postgres.PostgresStore` on a throwaway server
(``tests/pgserver.py``'s, ``fsync`` off), after the SQLite rounds. Not a timed test:
nothing here passes or fails on a figure.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a script: python benchmarks/import_script.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.csv_check import write_export

#: Customers per transaction, in the script as in the import.
PER_COMMIT = 500


def script(source: Path, database: Path) -> int:  # noqa: PLR0915 (one script, as written)
    """The hand-written import: validate each row, store its JSON and a log row.

    Returns how many customers it stored. An invalid value is left out of the
    customer's document (and counted), as the library's import leaves it out.
    """
    import email_validator
    import phonenumbers
    import rfc3986
    import rfc3986.exceptions
    import rfc3986.validators

    e164 = phonenumbers.PhoneNumberFormat.E164
    urls = (
        rfc3986.validators.Validator()
        .require_presence_of("scheme", "host")
        .allow_schemes("http", "https")
        .check_validity_of("scheme", "host", "port", "path", "query", "fragment")
    )

    def email(raw: str) -> str | None:
        try:
            return email_validator.validate_email(raw, check_deliverability=False).normalized
        except email_validator.EmailNotValidError:
            return None

    def phone(raw: str, country: str | None) -> str | None:
        try:
            number = phonenumbers.parse(raw, country)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return phonenumbers.format_number(number, e164)

    def website(raw: str) -> str | None:
        text = raw if "://" in raw else "https://" + raw
        try:
            uri = rfc3986.uri_reference(text).normalize()
            urls.validate(uri)
        except rfc3986.exceptions.RFC3986Exception:
            return None
        return str(uri.unsplit())

    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, body TEXT NOT NULL)"
    )
    connection.execute(
        "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, "
        "at TEXT NOT NULL, body TEXT NOT NULL)"
    )
    customers: list[tuple[str, str]] = []
    log: list[tuple[str, str, str]] = []
    stored = invalid = 0

    def commit() -> None:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO customers (id, body) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            customers,
        )
        connection.executemany("INSERT INTO log (customer_id, at, body) VALUES (?, ?, ?)", log)
        connection.execute("COMMIT")
        customers.clear()
        log.clear()

    with source.open(encoding="utf-8", newline="") as data:
        for row in csv.DictReader(data):
            country = row["country"].upper() or None
            values = {
                "email": email(row["email"]) if row["email"] else None,
                "phone": phone(row["phone"], country) if row["phone"] else None,
                "mobile": phone(row["mobile"], country) if row["mobile"] else None,
                "website": website(row["website"]) if row["website"] else None,
            }
            kept = {kind: value for kind, value in values.items() if value is not None}
            invalid += sum(bool(row[kind]) for kind in values) - len(kept)
            document = json.dumps({"country": country, "points": kept})
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            customers.append((row["customer_id"], document))
            log.append((row["customer_id"], at, json.dumps({"set": kept})))
            stored += 1
            if len(customers) == PER_COMMIT:
                commit()
    if customers:
        commit()
    connection.close()
    return stored


def check(source: Path, folder: Path) -> None:
    """``contactbook check`` with 1 job: both outputs written."""
    from contactbook.interchange.csv_check import CheckOptions, Sinks, check_file

    with (
        source.open("rb") as data,
        (folder / "normalized.csv").open("w", encoding="utf-8", newline="") as out,
        (folder / "report.csv").open("w", encoding="utf-8", newline="") as report,
    ):
        check_file(data, Sinks(out, report), CheckOptions(jobs=1))


def load(
    source: Path, folder: Path, database: Path, trace: Callable[[str], None] | None = None
) -> None:
    """``contactbook import`` with 1 job into ``database`` (billing countries stored)."""
    from contactbook.adapters.sqlite import SQLiteStore

    with SQLiteStore(database) as store:
        if trace is not None:
            store._current().connection.set_trace_callback(trace)  # counting statements
        _import_into(store, source, folder)


def load_plain(source: Path, folder: Path, database: Path) -> None:
    """:func:`load` with the standard library's json, as without the extra ``fast``."""
    from contactbook.interchange import jsonform

    compiled = jsonform._orjson
    jsonform._orjson = None  # type: ignore[assignment]
    try:
        load(source, folder, database)
    finally:
        jsonform._orjson = compiled


def load_postgres(source: Path, folder: Path, conninfo: str, schema: str) -> None:
    """``contactbook import`` with 1 job into a PostgresStore (schema ``schema``)."""
    import psycopg

    from contactbook.adapters.postgres import PostgresStore

    with psycopg.connect(conninfo, autocommit=True) as connection:
        _import_into(PostgresStore(connection, schema=schema), source, folder)


def _import_into(store: Any, source: Path, folder: Path) -> None:
    """Import ``source`` into ``store`` as ``contactbook import -j 1`` does."""
    import contactbook
    from contactbook.adapters.memory import AllowAll
    from contactbook.bulk import import_file
    from contactbook.interchange.csv_check import CheckOptions, Sinks

    service = contactbook.ContactService(store, AllowAll())
    with (
        source.open("rb") as data,
        (folder / "normalized.csv").open("w", encoding="utf-8", newline="") as out,
        (folder / "report.csv").open("w", encoding="utf-8", newline="") as report,
    ):
        import_file(
            service,
            "bench",
            data,
            Sinks(out, report),
            CheckOptions(jobs=1),
            set_countries=store.set_billing_countries,
        )


def postgres_rates(rows: int, repeat: int, folder: Path) -> dict[str, float]:
    """Return the best seconds of an import and a re-import into PostgreSQL.

    On a throwaway server started as the tests start theirs (``tests/pgserver.py``:
    a Unix socket, ``fsync`` off), a new schema each round.
    """
    from benchmarks.postgres_store import server

    source = folder / "export.csv"
    best: dict[str, float] = {}
    with server(None) as conninfo:
        for turn in range(repeat):
            for name in ("import", "re-import"):
                started = time.perf_counter()
                load_postgres(source, folder, conninfo, f"bench{turn}")
                seconds = time.perf_counter() - started
                best[name] = min(best.get(name, seconds), seconds)
    return best


def _remove(database: Path) -> None:
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)


def statements(source: Path, folder: Path, rows: int) -> tuple[float, float]:
    """Return the SQL statements per customer of an import, and of the re-import."""
    database = folder / "counted.sqlite3"
    _remove(database)
    counts = []
    for _ in range(2):
        seen: list[str] = []
        load(source, folder, database, seen.append)
        counts.append(len(seen) / rows)
    _remove(database)
    return counts[0], counts[1]


def sizes(database: Path) -> dict[str, float]:
    """Return the file's size and the mean bytes of a stored set and an activity entry."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (entry,) = connection.execute("SELECT avg(length(CAST(body AS BLOB))) FROM activity")
        (body,) = connection.execute("SELECT avg(length(CAST(body AS BLOB))) FROM contact_sets")
        try:
            (log,) = connection.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'activity%'"
            )
        except sqlite3.OperationalError:  # SQLite built without the dbstat table
            log = (None,)
    return {
        "file": database.stat().st_size,
        "entry": float(entry[0] or 0),
        "set": float(body[0] or 0),
        "log": float(log[0] or 0),
    }


def rates(rows: int, repeat: int, folder: Path) -> dict[str, float]:
    """Return the best seconds of each contender, run interleaved, and the sizes."""
    source = folder / "export.csv"
    write_export(source, rows)
    best: dict[str, float] = {}

    def timed(name: str, action: Callable[[], object]) -> None:
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
        best[name] = min(best.get(name, seconds), seconds)

    figures: dict[str, float] = {}
    for turn in range(repeat):
        script_db, book = folder / "script.sqlite3", folder / "book.sqlite3"
        _remove(script_db)
        _remove(book)
        plain = folder / "plain.sqlite3"
        _remove(plain)
        contenders: list[tuple[str, Callable[[], object]]] = [
            ("script", functools.partial(script, source, script_db)),
            ("check", functools.partial(check, source, folder)),
            ("import", functools.partial(load, source, folder, book)),
            ("re-import", functools.partial(load, source, folder, book)),
        ]
        if _compiled_json():  # and without it, as an install without the extra runs
            contenders += [
                ("import, json", functools.partial(load_plain, source, folder, plain)),
                ("re-import, json", functools.partial(load_plain, source, folder, plain)),
            ]
        if turn % 2:  # swap the script and the library's turns every other round
            contenders = [*contenders[1:], contenders[0]]
        for name, action in contenders:
            timed(name, action)
        figures = sizes(book)
        figures["script file"] = script_db.stat().st_size
    figures["statements"], figures["statements again"] = statements(source, folder, rows)
    return {**figures, **{f"{name} s": seconds for name, seconds in best.items()}}


# One import in a fresh interpreter: its peak resident memory (KiB).
MEMORY = """
import resource, sys
from pathlib import Path
from benchmarks.import_script import load
source, folder = Path(sys.argv[1]), Path(sys.argv[2])
load(source, folder, folder / "memory.sqlite3")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(rows: int, folder: Path) -> float:
    """Return the peak RSS (MiB) of importing a ``rows``-row export, in a fresh process."""
    source = folder / f"memory-{rows}.csv"
    write_export(source, rows)
    path, root = os.environ.get("PYTHONPATH", ""), str(Path(__file__).resolve().parents[1])
    _remove(folder / "memory.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", MEMORY, str(source), str(folder)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [path, root]))},
    )
    source.unlink()
    _remove(folder / "memory.sqlite3")
    return int(done.stdout.split()[-1]) / 1024


def _compiled_json() -> bool:
    """Whether orjson (the extra ``fast``) is installed: the stores' JSON encoder then."""
    from contactbook.interchange import jsonform

    return jsonform._orjson is not None


def verdict(ratio: float, goal: float) -> str:
    return f">= {goal:g}x {'PASS' if ratio >= goal else 'FAIL'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--memory", type=int, nargs="*", default=[20_000, 100_000], help="rows; none: skip"
    )
    parser.add_argument(
        "--postgres", action="store_true", help="also import into a throwaway PostgreSQL"
    )
    options = parser.parse_args(argv)
    rows = options.rows
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        # First, while this process is small: a child's peak RSS starts at its parent's
        # size at the fork (Linux keeps ru_maxrss across exec).
        memory = {count: peak_memory(count, folder) for count in options.memory or []}
        figures = rates(rows, options.repeat, folder)
        postgres = postgres_rates(rows, options.repeat, folder) if options.postgres else {}
    names = ("script", "check", "import", "re-import")
    names += tuple(name for name in ("import, json", "re-import, json") if f"{name} s" in figures)
    per_second = {name: rows / figures[f"{name} s"] for name in names}
    micro = {name: 1e6 * figures[f"{name} s"] / rows for name in per_second}
    encoder = "orjson" if _compiled_json() else "json"
    print(f"Import against the hand-written script, {rows:,} rows, 1 job, "
          f"best of {options.repeat}; the stores' JSON written by {encoder} "
          "('json': without the extra fast):")  # fmt: skip
    print()
    print("| contender | rows/s | us per customer | ratio | goal |")
    print("|---|---:|---:|---:|---|")
    print(f"| script (csv + validators + json + sqlite3) | {per_second['script']:,.0f} "
          f"| {micro['script']:.0f} | | |")  # fmt: skip
    targets = [("check", "script", 3.0), ("import", "script", 2.0), ("re-import", "import", 3.0)]
    if "import, json" in per_second:
        targets += [("import, json", "script", 2.0), ("re-import, json", "import, json", 3.0)]
    for name, base, goal in targets:
        ratio = per_second[name] / per_second[base]
        print(f"| {name} | {per_second[name]:,.0f} | {micro[name]:.0f} | {ratio:.2f}x {base} "
              f"| {verdict(ratio, goal)} |")  # fmt: skip
    for name, seconds in postgres.items():
        ratio = rows / seconds / per_second["script"]
        beside = rows / seconds / per_second[name]  # the same step into SQLite
        print(f"| {name} into PostgreSQL (fsync off) | {rows / seconds:,.0f} | "
              f"{1e6 * seconds / rows:.0f} | {ratio:.2f}x script, {beside:.2f}x SQLite's "
              "| |")  # fmt: skip
    print()
    print("| figure | value |")
    print("|---|---:|")
    print(f"| storing: import - check, us per customer | {micro['import'] - micro['check']:.0f} |")
    print(f"| SQL statements per customer, import | {figures['statements']:.2f} |")
    print(f"| SQL statements per customer, re-import | {figures['statements again']:.2f} |")
    print(f"| bytes per stored set (mean) | {figures['set']:.0f} |")
    print(f"| bytes per activity entry (mean) | {figures['entry']:.0f} |")
    print(f"| database after the import (MB) | {figures['file'] / 1e6:.1f} |")
    if figures["log"]:
        print(f"| of it the activity log and its indexes (MB) | {figures['log'] / 1e6:.1f} |")
    print(f"| the script's database (MB) | {figures['script file'] / 1e6:.1f} |")
    for count, mib in memory.items():
        print(f"| peak RSS of an import, {count:,} rows (MiB) | {mib:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
