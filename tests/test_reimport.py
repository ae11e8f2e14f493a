"""A re-import takes customers stored from the same rows as checked (MarkStore, issue 21).

The proof is differential: an import into a store with marks writes the same normalized
rows, report and summary, and leaves the store as an import into a store without them
(which checks and merges every customer), whatever the export and its history.
"""

import io
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactbook.adapters.memory import AllowAll, GrantTable, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.bulk import import_file
from contactbook.interchange import csv_check
from contactbook.interchange.csv_check import CheckOptions, Sinks, check_file
from contactbook.interchange.csv_read import open_export
from contactbook.model import ContactKind
from contactbook.operations import AddPoint, apply
from contactbook.ports import MarkStore
from contactbook.service import ContactService

IDS = ("C1", "C2", "C3", "C4")
HEADER = "customer_id,country,kind,value,description\n"


class Unmarked(InMemoryStore):
    """An in-memory store without marks: every import checks and merges every customer."""

    load_marked = None  # opts out of the MarkStore protocol
    mark_many = None


def run(service, store, data, *, country=None, per_unit=500, jobs=1):
    """Import ``data``; return the normalized rows, the report, the summary, the counts."""
    normalized, report = io.StringIO(), io.StringIO()
    done = import_file(
        service,
        "import",
        io.BytesIO(data),
        Sinks(normalized, report),
        CheckOptions(country=country, jobs=jobs),
        set_country=store.set_billing_country,
        per_unit=per_unit,
    )
    return normalized.getvalue(), report.getvalue(), done.summary, (done.changed, done.unchanged)


def checked(data, *, country=None):
    normalized, report = io.StringIO(), io.StringIO()
    summary = check_file(io.BytesIO(data), Sinks(normalized, report), CheckOptions(country=country))
    summary.reading = None
    return normalized.getvalue(), report.getvalue(), summary


def state(store):
    """What the store holds of the customers: sets, versions, log, billing countries."""
    return {
        customer: (
            store.load(customer),
            [entry.changes for entry in store.entries(customer, limit=1000).entries],
            store.billing_country(customer),
        )
        for customer in IDS
    }


def counting(monkeypatch):
    """Count the groups of rows the import checks (not taken as stored)."""
    seen = []
    check_chunk = csv_check._check_chunk

    def spy(plan, chunk):
        seen.extend(group[0].customer_id for group in chunk)
        return check_chunk(plan, chunk)

    monkeypatch.setattr(csv_check, "_check_chunk", spy)
    return seen


# --------------------------------------------------------------------------- exports

# Mostly good values (a customer all of whose rows are clean is marked), some with a
# warning (a mobile number as a phone), some refused, one of a kind no one knows.
_VALUES = {
    "email": ("a@example.com", "B@Example.com", "b@example.com", "a@example.com", "bad", ""),
    "phone": ("020 123 4567", "+31 20 123 4567", "0612345678", "12", "+49 30 1234567"),
    "mobile": ("06 12345678", "+31612345678", "06 1234", "+44 7700 900123", "020 1234567"),
    "website": ("example.com", "https://example.com/", "http://", "www.example.org"),
    "fax": ("020 123 4567",),
}
_rows = st.tuples(
    st.sampled_from(IDS),
    st.sampled_from(("", "NL", "nl", "DE", "XX")),
    st.sampled_from(("email", "email", "phone", "phone", "mobile", "website", "fax")).flatmap(
        lambda kind: st.tuples(st.just(kind), st.sampled_from(_VALUES[kind]))
    ),
    st.sampled_from(("", "Home", "Work", "=cmd", "Büro")),
)


def _csv(rows):
    lines = (f"{c},{country},{kind},{value},{d}\n" for c, country, (kind, value), d in rows)
    return (HEADER + "".join(lines)).encode()


_point_exports = st.lists(_rows, min_size=1, max_size=14).map(_csv)

# The customer shape (a row per customer, no descriptions: merged with describes=False).
_customer_rows = st.tuples(
    st.sampled_from(IDS),
    st.sampled_from(("", "NL", "DE")),
    st.sampled_from(_VALUES["email"]),
    st.sampled_from(_VALUES["mobile"]),
    st.sampled_from(_VALUES["website"]),
)
_customer_exports = st.lists(_customer_rows, min_size=1, max_size=8).map(
    lambda rows: (
        "customer_id,country,email,mobile,website\n" + "".join(",".join(r) + "\n" for r in rows)
    ).encode()
)
exports = st.one_of(_point_exports, _customer_exports)


def imports_agree(marked, history, *, again, country, per_unit, split):
    """Import ``history`` and one of it again into ``marked`` and a store without marks."""
    plain = Unmarked()
    assert isinstance(marked, MarkStore)
    assert not isinstance(plain, MarkStore)
    services = ContactService(marked, AllowAll()), ContactService(plain, AllowAll())
    limit = 3 if split else csv_check.MAX_CUSTOMER_ROWS  # a customer cut into groups
    with mock.patch.object(csv_check, "MAX_CUSTOMER_ROWS", limit):
        for data in [*history, history[min(again, len(history) - 1)]]:
            with_marks = run(services[0], marked, data, country=country, per_unit=per_unit)
            without = run(services[1], plain, data, country=country, per_unit=per_unit)
            assert without == with_marks
            assert state(plain) == state(marked)
        normalized, report, summary, _ = with_marks
        summary.reading = None
        assert checked(data, country=country) == (normalized, report, summary)


_histories = {
    "history": st.lists(exports, min_size=1, max_size=3),
    "again": st.integers(min_value=0, max_value=2),
    "country": st.sampled_from((None, "NL")),
    "per_unit": st.sampled_from((1, 2, 500)),
    "split": st.booleans(),
}


@settings(max_examples=80, deadline=None)
@given(**_histories)
def test_an_import_with_marks_does_what_one_without_does(history, again, country, per_unit, split):
    """Imports in any order into a store with marks and one without agree, output and store.

    Exports in both shapes, several rows a customer, customers apart, bad values,
    duplicates, blank and default countries, a customer cut by the row limit. The last
    import is one of the exports again (a re-import): its output is also the check's.
    """
    imports_agree(
        InMemoryStore(), history, again=again, country=country, per_unit=per_unit, split=split
    )


@settings(max_examples=25, deadline=None)
@given(**_histories)
def test_an_import_into_sqlite_with_marks_does_what_one_without_does(
    history, again, country, per_unit, split
):
    """The same, with the SQLite store's marks."""
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "c.db") as store:
        imports_agree(store, history, again=again, country=country, per_unit=per_unit, split=split)


@settings(max_examples=40, deadline=None)
@given(data=exports, country=st.sampled_from((None, "NL")))
def test_a_re_import_changes_nothing_and_checks_only_what_it_could_not_mark(data, country):
    """Importing the same export twice: the same output; no change, if each customer is one run.

    (A customer whose rows are apart is merged once per run: a description the second
    run gives is replaced again by the first's, on every import, with marks or without.)
    """
    store = InMemoryStore()
    service = ContactService(store, AllowAll())
    first = run(service, store, data, country=country)
    before = state(store)
    second = run(service, store, data, country=country)
    assert first[:3] == second[:3]
    ids = [line.split(b",")[0] for line in data.splitlines()[1:]]
    runs = [customer for at, customer in enumerate(ids) if not at or ids[at - 1] != customer]
    if len(set(runs)) == len(runs):
        assert 0 == second[3][0]
        assert before == state(store)


# --------------------------------------------------------------------------- examples


def clean_export(customers=6, changed=None):
    """A clean point-shape export: two rows a customer; ``changed``'s email is for work."""
    rows = []
    for n in range(customers):
        rows.append(f"C{n},NL,email,user{n}@example.com,{'Work' if n == changed else 'Home'}\n")
        rows.append(f"C{n},,mobile,06 {12345600 + n},\n")
    return (HEADER + "".join(rows)).encode()


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStore()
        return
    with SQLiteStore(tmp_path / "c.db") as sqlite:
        yield sqlite


def test_a_re_import_checks_no_customer_it_stored_before(store, monkeypatch):
    service = ContactService(store, AllowAll())
    seen = counting(monkeypatch)
    first = run(service, store, clean_export())
    assert 6 == len(seen)
    seen.clear()
    again = run(service, store, clean_export())
    assert [] == seen
    assert first[:3] == again[:3]
    assert (0, 6) == again[3]


def test_one_changed_cell_re_checks_that_customer_alone(store, monkeypatch):
    service = ContactService(store, AllowAll())
    run(service, store, clean_export())
    seen = counting(monkeypatch)
    changed = run(service, store, clean_export(changed=3))
    assert ["C3"] == seen
    assert (1, 5) == changed[3]
    seen.clear()
    run(service, store, clean_export(changed=3))
    assert [] == seen  # stored from these rows now: marked again
    assert "Work" == store.load("C3").contacts.points[0].description


def test_a_clerks_save_between_imports_makes_that_customer_checked_again(store, monkeypatch):
    service = ContactService(store, AllowAll())
    run(service, store, clean_export())
    stored = store.load("C2")
    edited = apply(stored.contacts, [AddPoint(ContactKind.EMAIL, "clerk@example.com")]).contacts
    store.save("C2", edited, expected_version=stored.version)
    seen = counting(monkeypatch)
    again = run(service, store, clean_export())
    assert ["C2"] == seen
    assert (0, 6) == again[3]  # the clerk's address stays: an import removes nothing
    assert 3 == len(store.load("C2").contacts.points)


def test_another_version_of_a_validator_re_checks_every_customer(store, monkeypatch):
    service = ContactService(store, AllowAll())
    run(service, store, clean_export())
    versions = csv_check._versions()
    monkeypatch.setattr(csv_check, "_versions", lambda: (*versions[:1], "9.9.9", *versions[2:]))
    seen = counting(monkeypatch)
    run(service, store, clean_export())
    assert 6 == len(seen)
    seen.clear()
    run(service, store, clean_export())
    assert [] == seen


def test_another_default_country_re_checks_every_customer(store, monkeypatch):
    service = ContactService(store, AllowAll())
    run(service, store, clean_export())
    seen = counting(monkeypatch)
    run(service, store, clean_export(), country="NL")
    assert 6 == len(seen)


APART = (
    # C1's second run takes its address's description away again: a mark put by the
    # first import names the second run, and the first run, merged again before it,
    # changes the set; taking the second as stored would keep the first's description.
    HEADER
    + "C1,NL,email,a@example.com,Home\n"
    + "C2,NL,email,b@example.com,\n"
    + "C1,NL,email,a@example.com,\n",
    # The first run is stored exactly as it gives (in its unit), then the second changes
    # a description: the first run's mark would name a set it no longer gives.
    HEADER
    + "C1,NL,email,a@example.com,Home\n"
    + "C1,NL,phone,020 123 4567,\n"
    + "C2,NL,email,b@example.com,\n"
    + "C1,NL,email,a@example.com,Work\n",
)


@pytest.mark.parametrize("per_unit", [1, 500])
@pytest.mark.parametrize("text", APART)
def test_a_customer_whose_rows_are_apart_is_merged_as_without_marks(store, per_unit, text):
    data = text.encode()
    plain = Unmarked()
    for _ in range(3):
        with_marks = run(ContactService(store, AllowAll()), store, data, per_unit=per_unit)
        without = run(ContactService(plain, AllowAll()), plain, data, per_unit=per_unit)
        assert without == with_marks
        assert state(plain) == state(store)


def test_a_customer_with_a_warning_is_checked_again_and_warned_again(store, monkeypatch):
    data = (HEADER + "C1,NL,phone,0612345678,\nC2,NL,email,b@example.com,\n").encode()
    service = ContactService(store, AllowAll())
    first = run(service, store, data)
    seen = counting(monkeypatch)
    again = run(service, store, data)
    assert ["C1"] == seen
    assert first[:3] == again[:3]
    assert "phone.mobile" in again[1]


def test_a_set_that_keeps_a_description_the_rows_do_not_give_is_not_marked(store, monkeypatch):
    # The customer shape gives no descriptions: the merge keeps the stored one, so the
    # set is not what the rows give, and the normalized rows (no description) must come
    # from the check every time.
    described = (HEADER + "C1,NL,email,a@example.com,Home\n").encode()
    bare = b"customer_id,country,email\nC1,NL,a@example.com\n"
    service = ContactService(store, AllowAll())
    run(service, store, described)
    first = run(service, store, bare)
    seen = counting(monkeypatch)
    again = run(service, store, bare)
    assert ["C1"] == seen
    assert first[:3] == again[:3]
    assert "C1,NL,email,a@example.com,\r\n" in again[0]


def test_a_customer_taken_as_stored_still_needs_the_permission(store, monkeypatch):
    run(ContactService(store, AllowAll()), store, clean_export())
    expected = run(ContactService(Unmarked(), GrantTable.of()), Unmarked(), clean_export())
    refused = run(ContactService(store, GrantTable.of()), store, clean_export())
    assert expected[:3] == refused[:3]
    assert "permission.denied" in refused[1]


def test_the_billing_country_is_set_again_for_a_customer_taken_as_stored(store):
    service = ContactService(store, AllowAll())
    run(service, store, clean_export())
    store.set_billing_country("C1", "DE")
    run(service, store, clean_export())
    assert "NL" == store.billing_country("C1")


def test_a_pool_of_workers_takes_the_same_customers_as_stored(tmp_path):
    rows = "".join(f"C{n},NL,email,user{n}@example.com,\n" for n in range(2500))
    data = (HEADER + rows).encode()
    with SQLiteStore(tmp_path / "c.db") as store:
        service = ContactService(store, AllowAll())
        first = run(service, store, data, jobs=2)
        again = run(service, store, data, jobs=2)
    assert first[:3] == again[:3]
    assert (0, 2500) == again[3]


# --------------------------------------------------------------------------- the fingerprint


def groups(data, country=None):
    export = open_export(io.BytesIO(data))
    context = csv_check._fingerprint_context(export, country)
    return [
        csv_check.fingerprint(context, list(group)) for group in csv_check._groups(export.rows())
    ]


def test_the_fingerprint_changes_with_every_cell_the_header_and_the_default_country():
    base = clean_export(customers=2)
    marks = groups(base)
    assert None not in marks
    assert len(set(marks)) == 2
    text = base.decode()
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines[1:], start=1):
        cells = line.rstrip("\n").split(",")
        for place in range(len(cells)):
            changed = [*cells]
            changed[place] = changed[place] + "x" if place else changed[place]
            if not place:
                continue  # another customer id is another customer
            edited = "".join([*lines[:number], ",".join(changed) + "\n", *lines[number + 1 :]])
            assert groups(edited.encode()) != marks, (number, place)
    reordered = HEADER.replace("kind,value", "value,kind")
    swapped = "".join(
        ",".join([c[0], c[1], c[3], c[2], c[4]]) + "\n"
        for c in (line.rstrip("\n").split(",") for line in lines[1:])
    )
    assert groups((reordered + swapped).encode()) != marks  # the same values, another header
    assert groups(base, country="NL") != marks
    assert groups(base) == marks


def test_rows_with_a_problem_of_their_own_have_no_fingerprint():
    data = (HEADER + "C1,NL,email,a@example.com,\nC1,NL,email\n,NL,email,b@example.com,\n").encode()
    assert [None] == groups(data)


class Careless(InMemoryStore):
    """A host's broken MarkStore: it returns every stored set, whatever its mark."""

    def load_marked(self, marks, /):
        return {c: self.load(c) for c in marks if self.load(c).version}


@pytest.mark.parametrize(
    "later",
    [
        "C1,NL,email,a@example.com,\nC1,,phone,020 123 4567,\n",  # another kind
        "C1,NL,email,a@example.com,\n",  # fewer values
        "C1,NL,email,a@example.com,\nC1,,mobile,06 12345678,\nC1,,email,b@example.com,\n",
    ],
    ids=["another-kind", "fewer", "more"],
)
def test_a_stored_set_that_does_not_fit_the_rows_is_not_taken_for_them(later):
    # Even from a store that breaks the contract: the rows are checked, not the set shown.
    store = Careless()
    service = ContactService(store, AllowAll())
    run(service, store, (HEADER + "C1,NL,email,a@example.com,\nC1,,mobile,06 12345678,\n").encode())
    data = (HEADER + later).encode()
    normalized, report, _, _ = run(service, store, data)
    assert checked(data)[:2] == (normalized, report)
