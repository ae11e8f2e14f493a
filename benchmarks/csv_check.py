"""Benchmark: checking a large customer export, with 1 and 2 jobs, and its peak memory.

    python -m benchmarks.csv_check                       # 100,000 and 1,000,000 rows
    python -m benchmarks.csv_check --rows 2000 --jobs 1 2   # a quick run

For each size it writes a seeded export (one row per customer: email, telephone,
mobile, website; about 5 % of rows with a mistake) to a temporary folder, then checks
it once per job count, each run in a fresh interpreter so that its peak memory is its
own. It prints a Markdown table: rows per second (wall clock), the CPU seconds of the
main process and of the workers (on a shared machine, wall time over CPU time shows
how much of the cores the run got), and the peak resident memory of the main process
and of the largest worker. The file is streamed, so the peak stays flat
as the file grows: compare the 100,000-row and 1,000,000-row lines.

Then the targets (issue 17), measured in one fresh interpreter on one seeded 20,000-row
export (``--target-rows``), each the best of three interleaved runs: the rate of
normalizing the file's values through the public functions (``normalize_email``,
``normalize_phone``, ``normalize_website``), of ``check`` with 1 job (both outputs
written), and of ``import`` into a new SQLite file (``contactbook.bulk.import_file``,
as the command runs it). It prints check / normalize (goal: at least 0.8) and import /
check (goal: at least 0.5). Only ratios of one run mean anything on a shared machine.

With ``--pairs N`` it then runs the command itself, ``contactbook check -j 1`` and
``-j 2`` back to back on each size's export, N times with the order swapped every time,
and prints the ratio of each pair: how the default job count
(``csv_check.default_jobs()``, docs/explanation/performance.md) was chosen. On a shared
machine read the ratios, not the times.

Not a timed test: nothing here passes or fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 7
# One run, in a fresh interpreter: check the file, write both outputs, report figures.
RUN = """
import json, resource, sys, time
from contactbook.interchange.csv_check import CheckOptions, Sinks, check_file
source, jobs, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if __name__ == "__main__":
    started = time.perf_counter()
    with open(source, "rb") as data, \\
         open(folder + "/normalized.csv", "w", encoding="utf-8", newline="") as out, \\
         open(folder + "/report.csv", "w", encoding="utf-8", newline="") as report:
        summary = check_file(data, Sinks(out, report), CheckOptions(jobs=jobs))
    seconds = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "main_cpu": me.ru_utime + me.ru_stime,
        "worker_cpu": workers.ru_utime + workers.ru_stime,
        "seconds": seconds,
        "rows": summary.rows,
        "points": summary.points,
        "errors": sum(summary.errors.values()),
        "main_kib": me.ru_maxrss,
        "worker_kib": workers.ru_maxrss,
    }))
"""

# The targets, in one fresh interpreter: the values alone, the check, the import.
TARGETS = """
import csv, io, json, sys, tempfile, time
from pathlib import Path
import contactbook
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.bulk import import_file
from contactbook.interchange.csv_check import CheckOptions, Sinks, check_file
source, repeat = sys.argv[1], int(sys.argv[2])
with open(source, encoding="utf-8", newline="") as data:
    rows = list(csv.reader(data))[1:]
email, phone, website = (
    contactbook.validation.normalize_email,
    contactbook.validation.normalize_phone,
    contactbook.validation.normalize_website,
)

def values():
    for _, country, mail, tel, mobile, web in rows:
        for function, args in (
            (email, (mail,)), (phone, (tel, country)), (phone, (mobile, country)), (website, (web,))
        ):
            if args[0]:
                try:
                    function(*args)
                except contactbook.ContactError:
                    pass

def outputs(folder):
    return open(folder + "/n.csv", "w", newline=""), open(folder + "/r.csv", "w", newline="")

def check():
    with open(source, "rb") as data, tempfile.TemporaryDirectory() as folder:
        out, report = outputs(folder)
        with out, report:
            check_file(data, Sinks(out, report), CheckOptions(jobs=1))

def load():
    with open(source, "rb") as data, tempfile.TemporaryDirectory() as folder:
        out, report = outputs(folder)
        with out, report:
            with SQLiteStore(Path(folder) / "book.sqlite3") as store:
                service = contactbook.ContactService(store, AllowAll())
                import_file(service, "bench", data, Sinks(out, report), CheckOptions(jobs=1),
                            set_countries=store.set_billing_countries)

best = {"normalize": [], "check": [], "import": []}
for _ in range(repeat):
    for name, run in (("normalize", values), ("check", check), ("import", load)):
        started = time.perf_counter()
        run()
        best[name].append(time.perf_counter() - started)
print(json.dumps({name: len(rows) / min(times) for name, times in best.items()}))
"""

MISTAKES = ["info(at)example.nl", "020 123", "javascript:alert(1)", "a@b.nl; c@d.nl"]


def write_export(path: Path, rows: int) -> None:
    """Write ``rows`` customers, line by line (the generator is streamed too)."""
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("customer_id,country,email,phone,mobile,website\n")
        for number in range(rows):
            email = f"user{number}@shop{rng.randrange(1000)}.example.nl"
            phone = f"020 {rng.randrange(1000000, 9999999)}"
            mobile = f"06 {rng.randrange(10000000, 59999999)}"
            website = f"www.shop{number % 5000}.nl" if number % 3 else ""
            if rng.random() < 0.05:
                mistake = rng.choice(MISTAKES)
                if "@" in mistake or "(at)" in mistake:
                    email = mistake
                elif mistake.startswith("javascript"):
                    website = mistake
                else:
                    phone = mistake
            out.write(f"C{number:07d},NL,{email},{phone},{mobile},{website}\n")


def run_once(source: Path, jobs: int, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(source), str(jobs), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def targets(rows: int, repeat: int) -> dict[str, float]:
    """Return the rates (rows per second) of normalizing, checking and importing."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.csv"
        write_export(source, rows)
        done = subprocess.run(
            [sys.executable, "-c", TARGETS, str(source), str(repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
    rates: dict[str, float] = json.loads(done.stdout)
    return rates


def print_targets(rows: int, repeat: int) -> None:
    rates = targets(rows, repeat)
    print()
    print(f"Targets on {rows:,} rows, 1 job, best of {repeat}:")
    print()
    print("| rate | rows/s | ratio | goal |")
    print("|---|---:|---:|---|")
    print(f"| normalize (public functions) | {rates['normalize']:,.0f} | | |")
    check = rates["check"] / rates["normalize"]
    verdict = "PASS" if check >= 0.8 else "FAIL"
    print(f"| check | {rates['check']:,.0f} | {check:.2f}x normalize | >= 0.8x {verdict} |")
    load = rates["import"] / rates["check"]
    verdict = "PASS" if load >= 0.5 else "FAIL"
    print(
        f"| import into SQLite | {rates['import']:,.0f} | {load:.2f}x check | >= 0.5x {verdict} |"
    )


def command_pairs(source: Path, rows: int, pairs: int, folder: Path) -> None:
    """Time ``contactbook check -j 1`` against ``-j 2``, order swapped every pair."""
    ratios = []
    for pair in range(pairs):
        seconds = {}
        for jobs in (1, 2) if pair % 2 == 0 else (2, 1):
            started = time.perf_counter()
            subprocess.run(
                [
                    *(sys.executable, "-m", "contactbook", "check", str(source)),
                    *("-j", str(jobs), "-o", str(folder / "n.csv"), "-r", str(folder / "r.csv")),
                ],
                check=False,  # 1: the export has rows with mistakes
                capture_output=True,
            )
            seconds[jobs] = time.perf_counter() - started
        ratios.append(f"{seconds[2] / seconds[1]:.2f}")
    print(f"| {rows:,} | {', '.join(ratios)} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--target-rows", type=int, default=20_000, help="0: no targets")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=0, help="contactbook check -j 1 vs -j 2")
    options = parser.parse_args(argv)
    print(
        "| rows | jobs | seconds | rows/s | CPU s main | CPU s workers | errors "
        "| peak RSS main (MiB) | peak RSS worker (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for rows in options.rows:
            source = work / f"export-{rows}.csv"
            write_export(source, rows)
            for jobs in options.jobs:
                figures = run_once(source, jobs, work)
                if figures["rows"] != rows:
                    print(
                        f"expected {rows} rows, the check read {figures['rows']}", file=sys.stderr
                    )
                    return 1
                worker = f"{figures['worker_kib'] / 1024:.0f}" if jobs > 1 else "-"
                print(
                    f"| {rows:,} | {jobs} | {figures['seconds']:.1f} | "
                    f"{rows / figures['seconds']:,.0f} | {figures['main_cpu']:.1f} | "
                    f"{figures['worker_cpu']:.1f} | {figures['errors']:,.0f} | "
                    f"{figures['main_kib'] / 1024:.0f} | {worker} |",
                    flush=True,
                )
            source.unlink()
        if options.pairs:
            from contactbook.interchange.csv_check import default_jobs

            print()
            print(f"`contactbook check`, -j 2 / -j 1 wall time (default here: {default_jobs()}):")
            print()
            print("| rows | each pair |")
            print("|---:|---|")
            for rows in options.rows:
                source = work / f"export-{rows}.csv"
                write_export(source, rows)
                command_pairs(source, rows, options.pairs, work)
                source.unlink()
    if options.target_rows:
        print_targets(options.target_rows, options.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
