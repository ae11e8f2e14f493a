"""The error table shows, per code, the message a person really sees.

``EXAMPLES`` makes each error for real; the third column of the tables in
``docs/reference/errors.md`` must be exactly its message. Codes whose message names a
file path, a CSV row or vCard line, or a configuration key are shown on those formats'
pages instead (their column says so). Run this module as a script to rewrite the
column after changing a message: ``python tests/test_error_messages.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import contactbook
from contactbook import ContactError, ContactKind, ContactSet, ContactValidationError, add
from contactbook.adapters.memory import AllowAll, GrantTable, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.interchange.csv_read import text_codec
from contactbook.interchange.jsonform import dump_set, load_set
from contactbook.operations import remove
from contactbook.ports import Stored, require_time
from contactbook.presentation.form import ContactForm
from contactbook.routing import route
from contactbook.service import ContactService
from contactbook.validation import (
    normalize_country,
    normalize_description,
    normalize_email,
    normalize_phone,
    normalize_website,
    validate_value,
)

PAGE = Path(__file__).parent.parent / "docs" / "reference" / "errors.md"
ROW = re.compile(r"^\| `([a-z_.]+)` \| (.*?) \| (.*?) \|$")
ELSEWHERE = "(names the file, row, line or key; see the format's page)"


def raised(call: Callable[[], object]) -> str:
    try:
        call()
    except ContactError as error:
        return error.message
    raise AssertionError("no error raised")


def full_set() -> ContactSet:
    contacts = ContactSet()
    for n in range(contactbook.model.MAX_POINTS):
        contacts = add(contacts, ContactKind.EMAIL, f"a{n}@example.com")
    return contacts


def stale_save() -> None:
    store = InMemoryStore()
    store.save("cust-42", ContactSet(), expected_version=0)
    store.save("cust-42", ContactSet(), expected_version=0)


def sqlite_call(call: Callable[[SQLiteStore], object]) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "db") as store:
            return call(store)

    return run


def warning(kind: ContactKind, raw: str) -> str:
    problem = validate_value(kind, raw, "NL").warning
    assert problem is not None
    return problem.message


def on_the_form(form: ContactForm) -> str:
    (problem,) = form.errors
    return problem.message


EXAMPLES: dict[str, Callable[[], str]] = {
    "email.empty": lambda: raised(lambda: normalize_email(" ")),
    "email.invalid": lambda: raised(lambda: normalize_email("john.example.com")),
    "email.multiple": lambda: raised(lambda: normalize_email("a@x.nl; b@y.nl")),
    "email.too_long": lambda: raised(lambda: normalize_email("a" * 3000)),
    "phone.empty": lambda: raised(lambda: normalize_phone("")),
    "phone.invalid": lambda: raised(lambda: normalize_phone("06 1234", "NL")),
    "phone.country_required": lambda: raised(lambda: normalize_phone("06 12345678")),
    "phone.extension": lambda: raised(lambda: normalize_phone("+31 20 123 4567 ext. 12")),
    "phone.too_long": lambda: raised(lambda: normalize_phone("1" * 300)),
    "country.invalid": lambda: raised(lambda: normalize_country("Netherlands")),
    "website.empty": lambda: raised(lambda: normalize_website("")),
    "website.invalid": lambda: raised(lambda: normalize_website("https:/example.com")),
    "website.scheme": lambda: raised(lambda: normalize_website("javascript:alert(1)")),
    "website.host": lambda: raised(lambda: normalize_website("localhost")),
    "website.userinfo": lambda: raised(lambda: normalize_website("https://ann:pw@x.nl")),
    "website.character": lambda: raised(lambda: normalize_website("example.com/a b")),
    "website.too_long": lambda: raised(lambda: normalize_website("x.nl/" + "a" * 2000)),
    "website.backslash": lambda: raised(lambda: normalize_website("https://good.com\\@evil.com")),
    "website.ip_form": lambda: raised(lambda: normalize_website("http://192.0x00A80001")),
    "website.unreachable": lambda: raised(lambda: normalize_website("http://127.0.0.1")),
    "description.too_long": lambda: raised(lambda: normalize_description("a" * 101)),
    "description.character": lambda: raised(lambda: normalize_description("Work\x00")),
    "text.character": lambda: raised(
        sqlite_call(lambda store: store.save("c\udfff", ContactSet(), expected_version=0))
    ),
    "contact.duplicate": lambda: raised(
        lambda: add(
            add(ContactSet(), ContactKind.EMAIL, "ann@example.com"),
            ContactKind.EMAIL,
            "Ann@Example.com",
        )
    ),
    "contact.limit": lambda: raised(
        lambda: add(full_set(), ContactKind.EMAIL, "one-more@example.com")
    ),
    "contact.not_found": lambda: raised(lambda: remove(ContactSet(), 7)),
    "contact.conflict": lambda: raised(stale_save),
    "permission.denied": lambda: raised(
        lambda: ContactService(InMemoryStore(), GrantTable.of()).read("bob", "cust-42")
    ),
    "actor.invalid": lambda: raised(
        lambda: ContactService(InMemoryStore(), GrantTable.of()).read("", "cust-42")
    ),
    "activity.not_found": lambda: raised(sqlite_call(lambda store: store.entries_since("e-9"))),
    "form.invalid": lambda: on_the_form(
        ContactForm.from_post(Stored(ContactSet(), 0), {"version": "0", "primary.email.id": "3"})
    ),
    "form.group_empty": lambda: on_the_form(
        ContactForm.from_set(ContactSet(), version=0).add_group("Billing Contact")
    ),
    "page.invalid": lambda: raised(lambda: InMemoryStore().entries("cust-42", limit=0)),
    "mark.invalid": lambda: raised(lambda: InMemoryStore().mark_many([("cust-42", "abc")])),
    "clock.invalid": lambda: raised(lambda: require_time(dt.datetime(2026, 11, 25, 9, 30))),
    "version.invalid": lambda: raised(
        lambda: ContactService(InMemoryStore(), AllowAll()).update(
            "ann", "cust-42", [], expected_version=None
        )
    ),
    "format.invalid": lambda: raised(lambda: load_set("not json")),
    "format.encoding": lambda: raised(lambda: text_codec("undefined")),
    "format.version": lambda: raised(
        lambda: load_set(dump_set(ContactSet()).replace('"format_version":1', '"format_version":2'))
    ),
    "routing.no_recipient": lambda: raised(lambda: route(ContactSet(), "invoice", required=True)),
    "mobile.fixed_line": lambda: warning(ContactKind.MOBILE, "020 123 4567"),
    "phone.mobile": lambda: warning(ContactKind.PHONE, "06 12345678"),
}
#: Codes with no fixed example: the message names a file, row, line or key, needs the
#: network (deliverability), or is the root code no contactbook error carries.
NO_EXAMPLE = {
    "email.undeliverable", "storage.unavailable", "storage.corrupt", "storage.version",
    "storage.locked", "storage.encoding", "contact.error", "customer.not_found",
}  # fmt: skip


def documented() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def example_cell(code: str) -> str:
    if code in EXAMPLES:
        return EXAMPLES[code]().replace("|", "\\|")
    if code in NO_EXAMPLE or code.split(".", 1)[0] in {"csv", "vcard", "routing"}:
        return ELSEWHERE if code not in NO_EXAMPLE else "(varies with the file or the cause)"
    raise AssertionError(f"{code} needs an example message or a place in NO_EXAMPLE")


class TestErrorTable:
    """Every code has a row with its meaning and the message a person sees."""

    def test_every_code_has_a_row(self):
        rows = documented()
        assert set(contactbook.errors.ERROR_CODES) | set(contactbook.errors.WARNING_CODES) == set(
            rows
        )

    def test_meanings_match_the_registry(self):
        rows = documented()
        codes = {**contactbook.errors.ERROR_CODES, **contactbook.errors.WARNING_CODES}
        assert dict(codes) == {code: rows[code][0] for code in codes}

    def test_example_messages_are_the_real_ones(self):
        rows = documented()
        assert {code: example_cell(code) for code in rows} == {
            code: example for code, (_, example) in rows.items()
        }

    def test_every_example_is_a_contact_error_message(self):
        for code, make in EXAMPLES.items():
            assert make(), code
        assert isinstance(ContactValidationError("x", code="email.invalid"), ContactError)


def rewrite() -> None:
    """Rewrite the tables' rows from ERROR_CODES, WARNING_CODES and EXAMPLES."""
    codes = {**contactbook.errors.ERROR_CODES, **contactbook.errors.WARNING_CODES}
    out = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line) or re.match(r"^\| `([a-z_.]+)` \| (.*?) \|$", line)
        if line in {"| code | meaning |", "| code | meaning | message a person sees |"}:
            out.append("| code | meaning | message a person sees |")
        elif line in {"|---|---|", "|---|---|---|"}:
            out.append("|---|---|---|")
        elif match:
            code = match.group(1)
            out.append(f"| `{code}` | {codes[code]} | {example_cell(code)} |")
        else:
            out.append(line)
    PAGE.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    rewrite()
