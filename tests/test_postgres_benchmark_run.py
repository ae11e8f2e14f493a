"""The PostgreSQL benchmark runs (a few customers); it is never timed here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_postgres_benchmark_runs(postgres):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.postgres_store", "--customers", "20", "--repeat", "1",
         "--conninfo", postgres],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    rows = [line for line in done.stdout.splitlines() if "/s (" in line]
    assert 3 == len(rows)
    assert {"PASS", "FAIL"} >= {line.split()[-1] for line in rows}
