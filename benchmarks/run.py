"""contactbook against the libraries a user would pick instead, on the same inputs.

Run from the repository root::

    python -m benchmarks                # 100,000 inputs per item, median of 5
    python -m benchmarks --n 2000 --repeat 1 --peers none

Every item is timed over the same seeded corpus (benchmarks/corpus.py) for every
contender; the table gives throughput and the ratio the issue sets as a target, with
PASS or FAIL. Only ratios measured in one run mean anything: the absolute figures move
with the machine and its load. The peers (pydantic v2 with pydantic-extra-types, Django
forms with django-phonenumber-field) come from the ``bench`` extra; a peer that is not
installed is reported as such and its targets as "n/a". The exit status is 0 whatever
the figures: this is a measurement, never a gate.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpus

ROOT = Path(__file__).resolve().parents[1]
Record = tuple[str, str, "str | None", str]


# --------------------------------------------------------------------------- contenders


def contactbook_contenders() -> dict[str, Callable[..., object]]:
    import contactbook

    def record(item: Record) -> object:
        email, phone, country, website = item
        return (
            contactbook.validation.normalize_email(email),
            contactbook.validation.normalize_phone(phone, country),
            contactbook.validation.normalize_website(website),
        )

    return {
        "phone": lambda item: contactbook.validation.normalize_phone(item[0], item[1]),
        "email": contactbook.validation.normalize_email,
        "website": contactbook.validation.normalize_website,
        "record": record,
    }


def direct_contenders() -> dict[str, Callable[..., object]]:
    import email_validator
    import phonenumbers
    import rfc3986
    import rfc3986.validators

    e164 = phonenumbers.PhoneNumberFormat.E164
    validator = (
        rfc3986.validators.Validator()
        .require_presence_of("scheme", "host")
        .allow_schemes("http", "https")
        .check_validity_of("scheme", "host", "port", "path", "query", "fragment")
    )

    def phone(item: tuple[str, str | None]) -> str:
        raw, country = item
        number = phonenumbers.parse(raw, country.upper() if country else None)
        if not phonenumbers.is_valid_number(number):
            raise ValueError(raw)
        return phonenumbers.format_number(number, e164)

    def email(raw: str) -> str:
        return email_validator.validate_email(raw.strip(), check_deliverability=False).normalized

    def website(raw: str) -> str:
        text = raw.strip()
        reference = rfc3986.uri_reference(text)
        if not reference.scheme:  # the bare-domain retry a user adds: "example.com"
            reference = rfc3986.uri_reference("https://" + text.removeprefix("//"))
        reference = reference.normalize()
        validator.validate(reference)
        return str(reference.unsplit())

    def record(item: Record) -> object:
        return email(item[0]), phone((item[1], item[2])), website(item[3])

    return {"phone": phone, "email": email, "website": website, "record": record}


def pydantic_contenders() -> dict[str, Callable[..., object]]:
    from typing import Annotated

    import pydantic
    from pydantic_extra_types.phone_numbers import PhoneNumberValidator

    def phone_type(country: str | None) -> Any:
        return Annotated[str, PhoneNumberValidator(default_region=country, number_format="E164")]

    email_adapter = pydantic.TypeAdapter(pydantic.EmailStr)
    url_adapter = pydantic.TypeAdapter(pydantic.HttpUrl)
    phones: dict[str | None, pydantic.TypeAdapter[Any]] = {}
    models: dict[str | None, type[pydantic.BaseModel]] = {}

    def phone(item: tuple[str, str | None]) -> object:
        country = item[1].upper() if item[1] else None
        adapter = phones.get(country)
        if adapter is None:
            adapter = phones[country] = pydantic.TypeAdapter(phone_type(country))
        return adapter.validate_python(item[0])

    def record(item: Record) -> object:
        country = item[2].upper() if item[2] else None
        model = models.get(country)
        if model is None:
            model = models[country] = pydantic.create_model(
                "Customer",
                email=(pydantic.EmailStr, ...),
                phone=(phone_type(country), ...),
                website=(pydantic.HttpUrl, ...),
            )
        return model(email=item[0], phone=item[1], website=item[3])

    return {
        "phone": phone,
        "email": email_adapter.validate_python,
        "website": url_adapter.validate_python,
        "record": record,
    }


def django_contenders() -> dict[str, Callable[..., object]]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False, FORMS_URLFIELD_ASSUME_HTTPS=True)
        django.setup()
    from django import forms
    from phonenumber_field.formfields import PhoneNumberField

    email_field = forms.EmailField()
    url_field = forms.URLField(assume_scheme="https")
    phone_fields: dict[str | None, PhoneNumberField] = {}
    form_classes: dict[str | None, type[forms.Form]] = {}

    def phone(item: tuple[str, str | None]) -> object:
        country = item[1].upper() if item[1] else None
        field = phone_fields.get(country)
        if field is None:
            field = phone_fields[country] = PhoneNumberField(country=country)
        return field.clean(item[0]).as_e164

    def record(item: Record) -> object:
        country = item[2].upper() if item[2] else None
        form_class = form_classes.get(country)
        if form_class is None:
            form_class = form_classes[country] = type(
                "CustomerForm",
                (forms.Form,),
                {
                    "email": forms.EmailField(),
                    "phone": PhoneNumberField(country=country),
                    "website": forms.URLField(assume_scheme="https"),
                },
            )
        form = form_class({"email": item[0], "phone": item[1], "website": item[3]})
        return form.cleaned_data if form.is_valid() else form.errors

    return {
        "phone": phone,
        "email": email_field.clean,
        "website": url_field.clean,
        "record": record,
    }


PEERS: dict[str, Callable[[], dict[str, Callable[..., object]]]] = {
    "pydantic": pydantic_contenders,
    "django": django_contenders,
}


# --------------------------------------------------------------------------- timing


def throughput(function: Callable[..., object], inputs: Sequence[Any], repeat: int) -> float:
    """Items per second, the median of ``repeat`` passes over ``inputs``."""
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in inputs:
            try:
                function(item)
            except Exception:  # noqa: S112 -- refusals are part of the work timed
                continue
        rates.append(len(inputs) / (time.perf_counter() - start))
    return statistics.median(rates)


def median_seconds(function: Callable[[], object], repeat: int, number: int) -> float:
    """Seconds per call, the median of ``repeat`` runs of ``number`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            function()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def in_subprocess(code: str) -> float:
    """Run ``code`` in a fresh interpreter (repository on the path); return what it prints."""
    prelude = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code], check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


IMPORT_CODE = """
import time
start = time.perf_counter()
import {modules}
print(time.perf_counter() - start)
"""

MEMORY_CODE = """
import resource
from benchmarks import corpus
from benchmarks.run import {factory}
records = corpus.records({n})
record = {factory}()["record"]
kept = []
for item in records:
    try:
        kept.append(record(item))
    except Exception:
        kept.append(None)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


# --------------------------------------------------------------------------- the items


def load_set_figures(repeat: int) -> tuple[float, float, float]:
    """Seconds to load a stored 100-point set with load_set and from SQLiteStore, and to
    json.loads the same document."""
    import tempfile

    from contactbook import ContactKind, ContactPoint, ContactSet
    from contactbook.adapters.sqlite import SQLiteStore
    from contactbook.interchange.jsonform import dump_set, load_set

    kinds = list(ContactKind)
    points = [
        ContactPoint(
            id=i,
            kind=kinds[i % 4],
            value=f"value-{i}@example.com" if i % 4 == 0 else f"+3161234{i:04d}",
            description="Billing Contact" if i % 3 == 0 else None,
            entered=f"Value-{i}",
            country="NL" if kinds[i % 4] in (ContactKind.PHONE, ContactKind.MOBILE) else None,
        )
        for i in range(1, 101)
    ]
    contacts = ContactSet(points)
    document = dump_set(contacts)
    number = 300
    with tempfile.TemporaryDirectory() as directory:
        store = SQLiteStore(Path(directory) / "bench.db")
        store.save("customer", contacts, expected_version=0)
        from_store = median_seconds(lambda: store.load("customer"), repeat, number)
        store.close()
    return (
        median_seconds(lambda: load_set(document), repeat, number),
        from_store,
        median_seconds(lambda: json.loads(document), repeat, number),
    )


def batch_seconds(repeat: int) -> float:
    """Seconds to apply a batch of 10 changes to a 100-point set."""
    from contactbook import AddPoint, ContactKind, ContactSet, EditPoint, RemovePoint, SetPrimary
    from contactbook.operations import ClearPrimary, apply

    contacts = apply(
        ContactSet(),
        [AddPoint(ContactKind.EMAIL, f"person{i}@example.com") for i in range(95)]
        + [AddPoint(ContactKind.WEBSITE, f"https://shop{i}.example.com") for i in range(5)],
    ).contacts
    changes = [
        EditPoint(1, description="Billing Contact"),
        EditPoint(2, value="someone.else@example.com"),
        RemovePoint(3),
        RemovePoint(6),
        AddPoint(ContactKind.MOBILE, "+31 6 12345678", "Work"),
        SetPrimary(ContactKind.PHONE, "020 123 4567"),
        EditPoint(4, description=None),
        SetPrimary(ContactKind.EMAIL, "primary@example.com"),
        ClearPrimary(ContactKind.WEBSITE),
        EditPoint(5, value="Person4@Example.com"),
    ]
    return median_seconds(lambda: apply(contacts, changes, country="NL"), repeat, 200)


# --------------------------------------------------------------------------- the table


def run(n: int, repeat: int, peers: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """Measure everything; return the table rows (item, figures, target, verdict)."""
    inputs: dict[str, Sequence[Any]] = {
        "phone": corpus.phones(n),
        "email": corpus.emails(n),
        "website": corpus.websites(n),
        "record": corpus.records(n),
    }
    columns = {"contactbook": contactbook_contenders(), "direct": direct_contenders()}
    missing: list[str] = []
    for name in peers:
        try:
            columns[name] = PEERS[name]()
        except ImportError:
            missing.append(name)
    # Passes are interleaved (every column once, then again ...) so that a change in the
    # machine's load hits every column alike instead of skewing one ratio.
    passes: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for item, values in inputs.items():
            for column, functions in columns.items():
                rate = throughput(functions[item], values, 1)
                passes.setdefault((item, column), []).append(rate)
    rates = {key: statistics.median(values) for key, values in passes.items()}
    rows = []

    def versus(item: str, peer: str, target: float) -> None:
        mine = rates[item, "contactbook"]
        figures = f"contactbook {mine / 1000:,.1f}k/s"
        if (item, peer) not in rates:
            state = "not installed" if peer in missing else "not run"
            rows.append((item, f"{figures}; {peer} {state}", f">= {target}x {peer}", "n/a"))
            return
        ratio = mine / rates[item, peer]
        figures += f", {peer} {rates[item, peer] / 1000:,.1f}k/s = {ratio:.2f}x"
        verdict = "PASS" if ratio >= target else "FAIL"
        rows.append((item, figures, f">= {target}x {peer}", verdict))

    versus("record", "pydantic", 2.0)
    versus("record", "django", 1.5)
    versus("record", "direct", 1.0)
    versus("phone", "direct", 0.95)
    versus("email", "direct", 3.0)
    versus("website", "pydantic", 1.0)
    versus("website", "direct", 1.0)

    loaded, stored, parsed = load_set_figures(repeat)
    for how, seconds in (("load_set", loaded), ("SQLiteStore.load", stored)):
        ratio = seconds / parsed
        rows.append((
            f"load a stored 100-point set: {how}",
            f"{how} {seconds * 1e6:,.0f} us, json.loads {parsed * 1e6:,.0f} us = {ratio:.2f}x",
            "<= 3x json.loads",
            "PASS" if ratio <= 3 else "FAIL",
        ))  # fmt: skip

    def import_seconds(modules: str) -> float:
        code = IMPORT_CODE.format(modules=modules)
        return statistics.median(in_subprocess(code) for _ in range(max(repeat, 3)))

    mine = import_seconds("contactbook")
    theirs = import_seconds("attrs, phonenumbers, email_validator, rfc3986")
    ratio = mine / theirs
    rows.append((
        "import contactbook",
        f"{mine * 1000:,.1f} ms, its four dependencies {theirs * 1000:,.1f} ms = {ratio:.2f}x",
        "<= 1.1x",
        "PASS" if ratio <= 1.1 else "FAIL",
    ))  # fmt: skip

    mine = in_subprocess(MEMORY_CODE.format(n=n, factory="contactbook_contenders"))
    theirs = in_subprocess(MEMORY_CODE.format(n=n, factory="direct_contenders"))
    ratio = mine / theirs if theirs else 1.0
    rows.append((
        f"peak memory, {n:,} records normalized and kept",
        f"contactbook {mine / 1024:,.1f} MiB, direct {theirs / 1024:,.1f} MiB = {ratio:.2f}x",
        "<= 1.1x direct",
        "PASS" if mine <= theirs * 1.1 else "FAIL",
    ))  # fmt: skip

    seconds = batch_seconds(repeat)
    rows.append((
        "batch of 10 changes, 100-point set",
        f"{seconds * 1e6:,.0f} us",
        "< 1 ms",
        "PASS" if seconds < 0.001 else "FAIL",
    ))  # fmt: skip

    for item in inputs:
        row = ", ".join(f"{column} {rates[item, column] / 1000:,.1f}k/s" for column in columns)
        rows.append((f"{item} (all columns)", row, "", ""))
    return rows


def render(rows: list[tuple[str, str, str, str]]) -> str:
    """Return the rows as a Markdown table."""
    lines = ["| item | measured | target | verdict |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table; always exit 0 (a measurement, not a gate)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="inputs per item")
    parser.add_argument("--repeat", type=int, default=5, help="passes; the median counts")
    parser.add_argument(
        "--peers", default="pydantic,django", help="comma-separated peers, or 'none'"
    )
    options = parser.parse_args(argv)
    peers = [] if options.peers == "none" else options.peers.split(",")
    started = time.perf_counter()
    rows = run(options.n, options.repeat, peers)
    print(f"n={options.n:,} per item, median of {options.repeat}, Python {sys.version.split()[0]}")
    print(render(rows))
    print(f"({time.perf_counter() - started:,.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
