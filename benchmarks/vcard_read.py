"""Benchmark: checking a vCard file of many cards, against the CSV check of the same customers.

    python -m benchmarks.vcard_read                  # 1,000 cards
    python -m benchmarks.vcard_read --cards 200 --repeat 1

Writes a seeded file of ``--cards`` cards (vCard 3.0 with a folded base64 photo, and
every third card vCard 2.1 with quoted-printable labels and bare TYPEs; an email, a
mobile and a landline each) and the same customers as a CSV export in the point shape.
Times ``check_vcard_file`` and ``check_file`` (1 job) on them, best of ``--repeat``
interleaved runs, and prints cards per second and the ratio vCard / CSV: the baseline
is measured in the same run, so only the ratio means something on a shared machine.
With vobject installed it also times ``vobject.readComponents`` (parsing alone, no
validation) on the same text. Then the peak traced memory of checking ``--cards`` and
ten times as many cards: the file is streamed, so it stays flat.

Not a timed test: nothing here passes or fails on a figure.
"""

from __future__ import annotations

import argparse
import io
import random
import time
import tracemalloc
from collections.abc import Callable

from contactbook.interchange.csv_check import CheckOptions, Sinks, check_file
from contactbook.interchange.vcard import check_vcard_file

SEED = 7
PHOTO = "/9j/4AAQSkZJRgABAQAAAQABAAD/4QBYRXhpZgAATU0AKgAAAAgAAgESAAMAAAABAAEAAIdp" * 30


def _folded(line: str) -> str:
    return "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74))


def cards(count: int) -> tuple[bytes, bytes]:
    """Return ``count`` cards as a vCard file and the same customers as a CSV export."""
    rng = random.Random(SEED)
    vcf: list[str] = []
    rows = ["customer_id,country,kind,value,description"]
    for n in range(count):
        mobile = f"+31 6 {rng.randrange(10**8):08d}"
        landline = f"020 {rng.randrange(10**7):07d}"
        email = f"customer{n}@example.com"
        if n % 3:
            vcf += [
                "BEGIN:VCARD", "VERSION:3.0", f"FN:Customer {n}", f"UID:C{n}",
                f"item1.EMAIL;TYPE=INTERNET:{email}", "item1.X-ABLabel:Billing Contact",
                f"TEL;TYPE=CELL:{mobile}", f"TEL;TYPE=WORK,VOICE:{landline}",
                "ADR;TYPE=WORK:;;Dam 1;Amsterdam;;1012 JS;Netherlands",
                _folded(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}"), "END:VCARD",
            ]  # fmt: skip
        else:
            vcf += [
                "BEGIN:VCARD", "VERSION:2.1", f"FN:Customer {n}", f"UID:C{n}",
                f"item1.EMAIL;INTERNET:{email}",
                "item1.X-ABLabel;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Billing=",
                " Contact", f"TEL;CELL:{mobile}", f"TEL;WORK;VOICE:{landline}",
                "ADR;WORK:;;Dam 1;Amsterdam;;1012 JS;Netherlands", "END:VCARD",
            ]  # fmt: skip
        rows += [
            f"C{n},NL,email,{email},Billing Contact",
            f"C{n},NL,mobile,{mobile},",
            f"C{n},NL,phone,{landline},Work",
        ]
    return ("\r\n".join(vcf) + "\r\n").encode(), ("\r\n".join(rows) + "\r\n").encode()


def _best(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: min(values) for name, values in times.items()}


def _peak(data: bytes) -> int:
    tracemalloc.start()
    try:
        check_vcard_file(io.BytesIO(data))  # no outputs: they would be kept in memory here
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    vcf, csv = cards(args.cards)
    runs: dict[str, Callable[[], object]] = {
        "csv check (baseline)": lambda: check_file(
            io.BytesIO(csv), Sinks(io.StringIO(), io.StringIO()), CheckOptions(jobs=1)
        ),
        "vcard check": lambda: check_vcard_file(
            io.BytesIO(vcf), Sinks(io.StringIO(), io.StringIO())
        ),
    }
    try:
        import vobject  # optional, for comparison only
    except ImportError:
        pass
    else:
        text = vcf.decode()
        runs["vobject parse only"] = lambda: sum(1 for _ in vobject.readComponents(text))
    best = _best(runs, args.repeat)
    print(f"{args.cards:,} cards, {len(vcf):,} bytes; best of {args.repeat}\n")
    print("| run | seconds | cards/s | / csv check |")
    print("|---|---|---|---|")
    baseline = best["csv check (baseline)"]
    for name, seconds in best.items():
        rate = args.cards / seconds
        print(f"| {name} | {seconds:.3f} | {rate:,.0f} | {seconds / baseline:.2f} |")
    small, large = _peak(vcf), _peak(cards(10 * args.cards)[0])
    print(
        f"\npeak traced memory: {small / 1024:,.0f} KiB for {args.cards:,} cards, "
        f"{large / 1024:,.0f} KiB for {10 * args.cards:,} ({large / small:.2f}x)"
    )


if __name__ == "__main__":
    main()
