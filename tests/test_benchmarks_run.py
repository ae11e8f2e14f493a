"""The benchmark suite runs (tiny n); it is never timed here and never gates on a figure."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_suite(*options: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--n", "200", "--repeat", "1", *options],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


def test_peer_benchmark_runs() -> None:
    # Without the peers (as in CI, where pydantic and Django are not installed) the
    # contactbook and direct columns and every non-peer item still run.
    table = run_suite("--peers", "none")
    for item in ["| phone |", "| email |", "| website |", "| record |", "| import contactbook |",
                 "| load a stored 100-point set: load_set |",
                 "| load a stored 100-point set: SQLiteStore.load |",
                 "| batch of 10 changes, 100-point set |",
                 "| peak memory, 200 records normalized and kept |"]:  # fmt: skip
        assert item in table
    assert "pydantic not run" in table
    assert "direct" in table
    verdicts = [line.rsplit("|", 2)[-2].strip() for line in table.splitlines() if "| >=" in line]
    assert set(verdicts) <= {"PASS", "FAIL", "n/a"}


def test_csv_benchmark_runs() -> None:
    # A few hundred rows with 1 and 2 jobs, and the command's pairs: the benchmark's
    # machinery works end to end.
    subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks.csv_check", "--rows", "300"),
            *("--jobs", "1", "2", "--pairs", "1"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_sqlite_benchmark_runs() -> None:
    # 200 customers: saves, updates and loads run end to end; the figures are not checked.
    subprocess.run(
        [sys.executable, "-m", "benchmarks.sqlite_store", "--customers", "200"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_vcard_benchmark_runs() -> None:
    # 50 cards, one run: the vCard check, its CSV baseline and the memory lines print.
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.vcard_read", "--cards", "50", "--repeat", "1"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "| vcard check |" in done.stdout
    assert "peak traced memory" in done.stdout


def test_import_script_benchmark_runs() -> None:
    # 300 rows, one round, no memory runs: the hand-written script, check, import and
    # re-import run interleaved, and the ratios and figures print.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.import_script",
            *("--rows", "300", "--repeat", "1"),
            "--memory",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    for line in ["| script (csv + validators + json + sqlite3) |", "| check |", "| import |",
                 "| re-import |", "| SQL statements per customer, import |",
                 "| bytes per activity entry (mean) |"]:  # fmt: skip
        assert line in done.stdout
    lines = done.stdout.splitlines()
    verdicts = [line.rsplit("|", 2)[-2].strip() for line in lines if "| >=" in line]
    # With orjson (the extra fast, in dev) the import and re-import run without it too.
    assert len(verdicts) == (5 if importlib.util.find_spec("orjson") else 3)
    assert {verdict.rsplit(" ", 1)[-1] for verdict in verdicts} <= {"PASS", "FAIL"}
