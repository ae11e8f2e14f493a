"""Measure: finding a CSV file's delimiter with csv.Sniffer, clevercsv and contactbook's rule.

    python -m benchmarks.csv_dialect     # pip install clevercsv first to include it

Each file is what the check sees: its first 64 KiB, decoded as the file's encoding is
found. The files: the sample export as written (comma), saved again by a spreadsheet
with semicolons (UTF-8 with a byte-order mark), as Excel's "Unicode text" (UTF-16,
tab), and with semicolons and a name column written "Jansen, Jan" (cp1252), a
100,000-row export's first 64 KiB, the project's hand-written fixtures
(tests/fixtures/exports) and the real address-book exports of the shared corpus
(../shared/corpora/exports/csv, when it is there). For each way it prints how many
files it got right, which it got wrong, and the time per file (best of 5).
Not a timed test: nothing here passes or fails on a figure.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.csv_check import write_export
from contactbook.interchange.csv_read import (
    DELIMITERS,
    SNIFF_BYTES,
    detect_delimiter,
    detect_encoding,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONTACTBOOK_SHARED", ROOT.parent / "shared"))


def head_text(data: bytes) -> str:
    head = data[:SNIFF_BYTES]
    encoding, _ = detect_encoding(head)
    return head.decode(encoding, "replace").removeprefix("\ufeff")


def cases(folder: Path) -> list[tuple[str, str, str]]:
    """Return (name, the file's first 64 KiB as text, its delimiter) for every file."""
    sample = (ROOT / "examples" / "customers.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(sample)))
    semicolons, tabs = io.StringIO(), io.StringIO()
    csv.writer(semicolons, delimiter=";", lineterminator="\r\n").writerows(rows)
    csv.writer(tabs, delimiter="\t", lineterminator="\r\n").writerows(rows)
    named = io.StringIO()  # a name column, "Last, First", as Dutch and German exports have
    csv.writer(named, delimiter=";", lineterminator="\r\n").writerows(
        [[*row, "name" if i == 0 else f"Jansen, Jan {i}"] for i, row in enumerate(rows)]
    )
    big = folder / "big.csv"
    write_export(big, 100_000)
    found = [
        ("sample, comma", sample, ","),
        ("sample saved with ;", head_text(semicolons.getvalue().encode("utf-8-sig")), ";"),
        ("sample as Unicode text", head_text(tabs.getvalue().encode("utf-16")), "\t"),
        ("sample with names, saved with ;", head_text(named.getvalue().encode("cp1252")), ";"),
        ("100,000 rows (64 KiB)", head_text(big.read_bytes()), ","),
    ]
    fixtures = ROOT / "tests" / "fixtures" / "exports"
    for path in sorted([*fixtures.glob("*.csv"), *fixtures.glob("*.txt")]):
        text = head_text(path.read_bytes())
        expected = "\t" if path.suffix == ".txt" else ";" if ";" in text.splitlines()[0] else ","
        found.append((f"fixture {path.name}", text, expected))
    corpus = sorted((SHARED / "corpora" / "exports" / "csv").rglob("*.csv"))
    found += [(f"corpus {path.name}", head_text(path.read_bytes()), ",") for path in corpus]
    return found


def sniffer(text: str) -> str | None:
    try:
        return csv.Sniffer().sniff(text, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None  # "Could not determine delimiter"


def clever() -> Callable[[str], str | None] | None:
    try:
        import clevercsv  # measured only when installed
    except ImportError:
        return None

    def detect(text: str) -> str | None:
        dialect = clevercsv.Detector().detect(text, delimiters=list(DELIMITERS))
        return None if dialect is None else str(dialect.delimiter)

    return detect


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        files = cases(Path(folder))
    ways: dict[str, Callable[[str], str | None]] = {
        "contactbook's rule": detect_delimiter,
        "csv.Sniffer": sniffer,
    }
    if (detect := clever()) is not None:
        ways["clevercsv"] = detect
    print(f"{len(files)} files\n")
    print("| way | right | wrong (found) | ms per file, mean | ms, slowest file |")
    print("|---|---:|---|---:|---:|")
    for name, way in ways.items():
        wrong, times = [], []
        for case, text, expected in files:
            best = float("inf")
            for _ in range(5):
                started = time.perf_counter()
                got = way(text)
                best = min(best, time.perf_counter() - started)
            times.append(best * 1000)
            if got != expected:
                wrong.append(f"{case} ({got!r})")
        print(
            f"| {name} | {len(files) - len(wrong)} | {'; '.join(wrong) or '-'} | "
            f"{sum(times) / len(times):.2f} | {max(times):.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
