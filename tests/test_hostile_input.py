"""Issue 15: no outside input crashes the library; round trips are exact; outside sets are checked.

Each crash the issue lists has its own regression test; a property test drives every
entry point that takes outside data and accepts only ``ContactError`` subclasses.
"""

import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ContactError,
    ContactKind,
    ContactSet,
    EditPoint,
    FormatError,
    bulk,
)
from contactbook.adapters.memory import AllowAll, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.cli import cli
from contactbook.interchange import csv_check, csv_read, csv_write, jsonform, vcard
from contactbook.operations import apply, merge
from contactbook.presentation.card import ContactCard
from contactbook.presentation.form import ContactForm
from contactbook.routing import RoutingPolicy, route
from contactbook.service import ContactService
from contactbook.testing import strategies as cs
from contactbook.validation import (
    normalize_country,
    normalize_description,
    normalize_email,
    normalize_phone,
    normalize_website,
)

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


def document(*points, next_id=None):
    """Return a contact-set JSON document holding ``points`` (kind, value, description)."""
    return json.dumps(
        {
            "format": "contactbook/contact-set",
            "format_version": 1,
            "next_id": len(points) + 1 if next_id is None else next_id,
            "points": [
                {
                    "id": i,
                    "kind": kind.value,
                    "value": value,
                    "description": description,
                    "entered": value,
                    "country": None,
                }
                for i, (kind, value, description) in enumerate(points, start=1)
            ],
        }
    )


def vcard_with(line):
    return f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n{line}\r\nEND:VCARD\r\n"


CSV = b"customer_id,kind,value\r\nc1,email,a@example.com\r\n"


def check_csv(data, encoding):
    normalized, report = io.StringIO(), io.StringIO()
    return csv_check.check_file(
        io.BytesIO(data),
        csv_check.Sinks(normalized, report),
        csv_check.CheckOptions(encoding=encoding),
    )


def cli_run(tmp_path, *args):
    """Run the command in this process; return (exit code, output, exception)."""
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "c.sqlite3"), *args], catch_exceptions=True
    )
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, result.output, exception


class TestEachCrashOfTheIssueIsGone:
    """Every crash listed in issue 15 now gives a result or a ContactError."""

    def test_a_lone_surrogate_in_a_loaded_description_saves_and_loads_in_sqlite(self, tmp_path):
        contacts = jsonform.load_set(document((EMAIL, "a@example.com", "x\ud800")))
        with SQLiteStore(tmp_path / "s.sqlite3") as store:
            assert 1 == store.save("c1", contacts, expected_version=0)
            assert contacts == store.load("c1").contacts

    def test_a_vcard_pref_of_4301_digits_is_ignored(self):
        card = vcard_with("EMAIL;PREF=" + "1" * 4301 + ":a@example.com")
        assert ("a@example.com",) == tuple(p.value for p in vcard.load_vcard(card).contacts)

    @pytest.mark.parametrize(
        "encoding", ["undefined", "punycode", "idna", "utf-8\x00", "\udc80", "rot13", "", 3]
    )
    def test_a_csv_encoding_that_is_no_file_character_set_is_format_encoding(self, encoding):
        with pytest.raises(FormatError) as info:
            check_csv(CSV, encoding)
        assert "format.encoding" == info.value.code
        assert "try utf-8 or cp1252" in info.value.message

    @pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "cp1252", "latin-1", "utf-8-sig"])
    def test_a_real_character_set_is_read(self, encoding):
        assert 1 == check_csv(CSV, encoding).points

    def test_check_with_encoding_undefined_prints_one_line_and_writes_nothing(self, tmp_path):
        source = tmp_path / "x.csv"
        source.write_bytes(CSV)
        code, output, exception = cli_run(tmp_path, "check", str(source), "--encoding", "undefined")
        assert (3, None) == (code, exception)  # input refused
        assert "error [format.encoding]" in output
        assert ["x.csv"] == sorted(path.name for path in tmp_path.iterdir())

    def test_an_actor_with_a_lone_surrogate_is_refused_and_nothing_is_stored(self, tmp_path):
        code, output, exception = cli_run(
            tmp_path, "--actor", "bob\udc80", "add", "c1", "email", "a@x.nl"
        )
        assert exception is None
        assert code != 0
        assert "text.character" in output
        with SQLiteStore(tmp_path / "c.sqlite3") as store:
            assert (0, ()) == (store.load("c1").version, store.entries("c1").entries)


class TestOutsideSetsAreChecked:
    """read_set checks every value as if entered and reports every problem at once."""

    def test_every_problem_is_reported_with_its_point_index(self):
        text = document(
            (EMAIL, "not an email", None),
            (WEBSITE, "javascript:alert(1)", None),
            (EMAIL, "ok@example.com", "Billing"),
            (WEBSITE, "http://user:pw@x.com", None),
        )
        with pytest.raises(BatchValidationError) as info:
            jsonform.read_set(text)
        assert [
            ("email.invalid", 0),
            ("website.scheme", 1),
            ("website.userinfo", 3),
        ] == [(p.code, p.index) for p in info.value.errors]

    def test_values_are_normalized_and_ids_kept(self):
        contacts = jsonform.read_set(
            document((EMAIL, " Ann@Example.COM ", "  Billing  "), (PHONE, "020 1234567", None)),
            country="NL",
        )
        assert [
            (1, EMAIL, "Ann@example.com", "Billing"),
            (2, PHONE, "+31201234567", None),
        ] == [(p.id, p.kind, p.value, p.description) for p in contacts]
        assert 3 == contacts.next_id

    def test_values_that_are_the_same_once_normalized_are_duplicates(self):
        text = document((WEBSITE, "example.com", None), (WEBSITE, "https://EXAMPLE.com/", None))
        with pytest.raises(BatchValidationError) as info:
            jsonform.read_set(text)
        assert [("contact.duplicate", 1)] == [(p.code, p.index) for p in info.value.errors]

    def test_the_trusting_load_still_trusts(self):
        assert (
            "not an email"
            == jsonform.load_set(document((EMAIL, "not an email", None))).points[0].value
        )

    def test_a_malformed_document_is_a_format_error(self):
        with pytest.raises(FormatError):
            jsonform.read_set('{"format": "contactbook/contact-set"}')

    @given(cs.contact_sets(max_size=8))
    def test_a_set_the_library_saved_reads_back_the_same(self, contacts):
        assert contacts == jsonform.read_set(jsonform.dump_set(contacts))


def shape(contacts):
    """What a round trip through vCard or CSV keeps: kinds, values, descriptions, order."""
    return [(p.kind, p.value, p.description) for p in contacts]


def csv_round_trip(contacts):
    """Write ``contacts`` as normalized CSV rows, then check and import the file again."""
    rows = io.StringIO()
    writer = csv_write.NormalizedWriter(rows)
    writer.write(
        csv_read.CustomerBlock(
            customer_id="c1",
            country=None,
            first_row=2,
            rows=len(contacts),
            points=tuple(
                csv_read.CheckedPoint(0, p.kind, p.value, p.description, p.value, p.description)
                for p in contacts
            ),
            problems=(),
            describes=True,
        )
    )
    export = csv_read.open_export(io.BytesIO(rows.getvalue().encode()))
    imported = ContactSet()
    for block in csv_check.check_blocks(export):
        points = [p.point() for p in block.points]
        imported = merge(imported, points, describes=block.describes).contacts
    return imported


class TestRoundTripsAreExact:
    """Export then import gives the same set, for JSON, vCard and the normalized CSV."""

    @given(cs.contact_sets(max_size=12))
    def test_json(self, contacts):
        assert contacts == jsonform.load_set(jsonform.dump_set(contacts))

    @given(cs.contact_sets(max_size=12))
    def test_vcard(self, contacts):
        card = vcard.dump_vcard(contacts, full_name="Customer")
        result = vcard.load_vcard(card)
        assert (shape(contacts), ()) == (shape(result.contacts), result.skipped)

    @given(cs.contact_sets(max_size=12))
    def test_normalized_csv(self, contacts):
        assert shape(contacts) == shape(csv_round_trip(contacts))

    @pytest.mark.parametrize("description", ["@Home", "=1+1", "-Emergency", "+31 office"])
    def test_a_description_that_looks_like_a_formula_comes_back_as_it_was(self, description):
        contacts = apply(ContactSet(), [AddPoint(EMAIL, "a@example.com", description)]).contacts
        assert shape(contacts) == shape(csv_round_trip(contacts))


# --------------------------------------------------------------------------- no crash

hostile_text = (
    st.text(st.characters(), max_size=60)
    | st.text(st.sampled_from("@.:/\\+0123456789 ;,-_[]%#?xn-\ud800\x00é\u0430"), max_size=40)
    | st.sampled_from(
        [
            "https://good.com\\@evil.com",
            "http://192.0x00A80001",
            "http://[::%31]",
            "http://a.b.c.xn--pokxncvks",
            "x\ud800",
            "x\udbff\udc00",
            "\udc80",
            "1" * 4301,
            "@Home",
            "",
            " ",
            "ann\n",
            "https://\u0392\u038c\u039b\u039f\u03a3.COM/it's",
            "\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com",
            "STRA\u1e9eE.de",
            "b\u00fccher.de\u3002",
        ]
    )
)
# Websites as people type them (internationalised hosts included), and hosts UTS #46 maps.
websites = cs.websites() | st.tuples(
    st.sampled_from(["", "https://", "HTTP://"]),
    st.lists(
        st.sampled_from(["ΒΌΛΟΣ", "ς", "ẞ", "Bücher", "\uff25\uff38", "\u3002", "x", ".", "-"]),
        min_size=1,
        max_size=5,
    ).map("".join),
    st.sampled_from([".com", ".DE", "\uff0e\uff43\uff4f\uff4d", ""]),
    st.sampled_from(["", "/it's", ":8080/ü?q='"]),
).map("".join)
encodings = st.sampled_from(
    ["utf-8", "cp1252", "utf-16", "utf-7", "undefined", "punycode", "idna", "utf-8\x00", "\udc80"]
) | st.text(max_size=12)
kinds = st.sampled_from(list(ContactKind))


def only_contact_errors(call, *args, **kwargs):
    """Run ``call``: its result, or None when it raised a ContactError (nothing else)."""
    try:
        return call(*args, **kwargs)
    except ContactError as error:
        assert error.code
        assert error.message
        return None


def points_json(draw_values):
    return [
        {"id": i, "kind": kind.value, "value": value, "description": description,
         "entered": value, "country": None}
        for i, (kind, value, description) in enumerate(draw_values, start=1)
    ]  # fmt: skip


def service_on(store):
    """A service on one of the shipped stores."""
    return ContactService(store, AllowAll())


PAIR = "x\udbff\udc00"  # a surrogate pair given as two code points (issue 20)


def group_named(description):
    """An edit window with a new group of additional details named ``description``."""
    form = ContactForm.from_set(ContactSet(), version=0)
    return form.add_group(description, (EMAIL, "b@example.com"))


def text_code(call, *args, **kwargs):
    """The code ``call`` raises (a ContactError), or None when it returns."""
    try:
        call(*args, **kwargs)
    except ContactError as error:
        return error.code
    return None


class TestSurrogatesAreRefusedAtEveryEntryPoint:
    """A surrogate is text.character in every text the library takes (issue 20)."""

    @pytest.mark.parametrize("text", [PAIR, "x\ud800", "\udc80"])
    def test_values_descriptions_and_batches(self, text):
        start = apply(ContactSet(), [AddPoint(EMAIL, "a@example.com")]).contacts
        assert {"text.character"} == {
            text_code(normalize_email, f"{text}@example.com"),
            text_code(normalize_phone, f"+31 6 1234 5678{text}"),
            text_code(normalize_website, f"example.com/{text}"),
            text_code(normalize_description, f"Work {text}"),
            text_code(apply, start, [AddPoint(WEBSITE, f"{text}.com")]),
            text_code(apply, start, [EditPoint(1, description=text)]),
            text_code(apply, start, group_named(text).changes()),
        }

    def test_a_lone_surrogate_escaped_in_json(self):
        # In JSON the escaped pair "\\udbff\\udc00" is one character, U+10FC00; a lone
        # escape is a surrogate.
        text = document((EMAIL, "a@example.com", "x\ud800"))
        assert "text.character" == text_code(jsonform.read_set, text)

    @pytest.mark.parametrize("text", [PAIR, "x\ud800"])
    def test_the_actor_and_the_customer_id_on_each_store(self, tmp_path, text):
        with SQLiteStore(tmp_path / "s.sqlite3") as sqlite:
            for store in (InMemoryStore(), sqlite):
                service = service_on(store)
                add = [AddPoint(EMAIL, "a@example.com")]
                assert {"text.character"} == {
                    text_code(service.update, text, "c1", add, expected_version=0),
                    text_code(service.update, "ann", text, add, expected_version=0),
                    text_code(service.read, "ann", text),
                    text_code(service.history, text, "c1"),
                    text_code(ContactCard.for_actor, service, "ann", text),
                }
                assert 0 == store.load("c1").version

    @pytest.mark.parametrize("text", [PAIR, "x\ud800"])
    def test_routing_purposes(self, text):
        with pytest.raises(ContactError) as declared:
            RoutingPolicy(purposes=[text])
        with pytest.raises(ContactError) as asked:
            route(ContactSet(), text)
        assert ("text.character", "text.character") == (declared.value.code, asked.value.code)

    @pytest.mark.parametrize("field", ["id", "customer_id", "actor"])
    def test_the_fields_of_an_entry_read_from_json(self, field):
        data = {
            "format": "contactbook/activity-entry", "format_version": 1, "id": "e1",
            "customer_id": "c1", "actor": "ann", "at": "2026-11-25T09:30:00.000000Z",
            "version": 1, "changes": [],
        }  # fmt: skip
        data[field] = PAIR  # as two code points in the text, not as JSON escapes
        assert "text.character" == text_code(
            jsonform.load_entry, json.dumps(data, ensure_ascii=False)
        )
        data[field] = "x\ud800"  # a lone escape
        assert "text.character" == text_code(jsonform.load_entry, json.dumps(data))

    def test_a_value_in_an_entry_read_from_json(self):
        point = json.loads(document((EMAIL, "x\ud800@example.com", None)))["points"][0]
        data = {
            "format": "contactbook/activity-entry", "format_version": 1, "id": "e1",
            "customer_id": "c1", "actor": "ann", "at": "2026-11-25T09:30:00.000000Z",
            "version": 1, "changes": [{"type": "point_added", "point": point}],
        }  # fmt: skip
        assert "text.character" == text_code(jsonform.load_entry, json.dumps(data))

    def test_a_vcard_line_and_a_csv_cell(self):
        card = vcard.load_vcard(vcard_with(f"EMAIL:{PAIR}@example.com"))
        assert ["text.character"] == [line.code for line in card.skipped]
        data = f"customer_id,kind,value\r\nc1,email,{PAIR}@example.com\r\n"
        summary = check_csv(data.encode("utf-8", "surrogatepass"), "utf-8")
        # Bytes never decode to a surrogate: the row is not UTF-8 text.
        assert {"csv.encoding": 1} == summary.errors


class TestWebsitesGoWhereBrowsersGo:
    """Issue 20: UTS #46 hosts, and one text for a website in the card and every export."""

    def test_a_capital_sigma_is_a_sigma(self):
        assert "https://xn--nxasmq6b.com" == normalize_website("https://ΒΌΛΟΣ.COM")

    def test_the_vcard_export_writes_the_cards_link(self):
        contacts = apply(ContactSet(), [AddPoint(WEBSITE, "x.nl/it's?q='#'")]).contacts
        (point,) = contacts.points
        link = ContactCard.build(contacts).primary[0].href
        card = vcard.dump_vcard(contacts, full_name="Customer")
        assert "https://x.nl/it%27s?q=%27#%27" == link == point.value
        assert f"URL;PREF=1:{link}\r\n" in card
        assert shape(contacts) == shape(vcard.load_vcard(card).contacts)


class TestNoEntryPointCrashes:
    """Every entry point that takes outside data returns or raises a ContactError only."""

    @given(kinds, hostile_text, st.none() | hostile_text, st.none() | hostile_text)
    def test_normalizers_and_operations(self, kind, raw, description, country):
        for call, args in (
            (normalize_email, (raw,)),
            (normalize_website, (raw,)),
            (normalize_phone, (raw, country)),
            (normalize_country, (country,)),
            (normalize_description, (description,)),
        ):
            only_contact_errors(call, *args)
        start = apply(ContactSet(), [AddPoint(EMAIL, "a@example.com")]).contacts
        only_contact_errors(apply, start, [AddPoint(kind, raw, description)], country=country)
        only_contact_errors(apply, start, [EditPoint(1, raw, description)])

    @settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(kinds, hostile_text, st.none() | hostile_text)
    def test_the_service_on_each_shipped_store(self, tmp_path_factory, kind, raw, description):
        path = tmp_path_factory.mktemp("svc") / "s.sqlite3"
        with SQLiteStore(path) as sqlite:
            memory = InMemoryStore()
            for store in (memory, sqlite):
                service = service_on(store)
                change = [AddPoint(kind, raw, description)]
                only_contact_errors(service.update, "ann", "c1", change, expected_version=0)
                change = [AddPoint(EMAIL, "a@x.nl")]
                only_contact_errors(service.update, "ann\ud800", raw, change, expected_version=0)
                only_contact_errors(ContactCard.for_actor, service, "ann", "c1")
                only_contact_errors(service.read, "ann", raw)

    @settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.tuples(hostile_text, hostile_text), kinds, hostile_text | websites, hostile_text)
    @example((PAIR, "c1"), EMAIL, "a@example.com", "Work")
    @example(("ann", PAIR), WEBSITE, "https://ΒΌΛΟΣ.COM/it's", "Work")
    @example(("ann", "c1"), EMAIL, "a@example.com", PAIR)
    def test_what_a_store_accepts_comes_back_identical(
        self, tmp_path_factory, who, kind, raw, description
    ):
        """Issue 20: a saved set and its entry read back equal, actor and customer id too."""
        actor, customer_id = who
        path = tmp_path_factory.mktemp("same") / "s.sqlite3"
        with SQLiteStore(path) as sqlite:
            for store in (InMemoryStore(), sqlite):
                service = service_on(store)
                change = [AddPoint(kind, raw, description)]
                saved = only_contact_errors(
                    service.update, actor, customer_id, change, expected_version=0
                )
                if saved is None:
                    continue
                assert saved.contacts == service.read(actor, customer_id).contacts
                assert (saved.entry,) == service.history(actor, customer_id).entries
                assert (actor, customer_id) == (saved.entry.actor, saved.entry.customer_id)

    @settings(max_examples=25)
    @given(hostile_text, hostile_text, hostile_text | websites)
    def test_every_use_case_with_any_actor_customer_id_and_value(self, actor, customer_id, raw):
        """Issue 20: the service's and bulk's use cases, the card and the vCard export."""
        service = service_on(InMemoryStore())
        add = [AddPoint(WEBSITE, raw)]
        card = vcard_with(f"URL:{raw}")
        rows = f"customer_id,kind,value\r\n{customer_id},website,{raw}\r\n"
        for call, args in (
            (service.read, (actor, customer_id)),
            (service.history, (actor, customer_id)),
            (service.billing_country, (actor, customer_id)),
            (service.country_change, (actor, customer_id, "NL")),
            (ContactCard.for_actor, (service, actor, customer_id)),
            (service.check, (actor, customer_id, add)),
            (service.update, (actor, customer_id, add)),
            (bulk.import_vcard, (service, actor, customer_id, card)),
            (bulk.import_file, (service, actor, io.BytesIO(rows.encode("utf-8", "surrogatepass")))),
        ):
            kwargs = {"expected_version": 0} if call in (service.check, service.update) else {}
            only_contact_errors(call, *args, **kwargs)
        stored = service.read("ann", "c1") if customer_id != "c1" else None
        assert stored is None or 0 == stored.version
        contacts = only_contact_errors(apply, ContactSet(), add)
        if contacts is not None:
            exported = vcard.dump_vcard(contacts.contacts, full_name=actor)
            again = vcard.load_vcard(exported)
            assert (shape(contacts.contacts), ()) == (shape(again.contacts), again.skipped)
            href = ContactCard.build(contacts.contacts).primary[0].href
            assert href == contacts.contacts.points[0].value

    @given(hostile_text)
    def test_routing_purposes_and_entries_from_json(self, raw):
        only_contact_errors(RoutingPolicy, purposes=[raw])
        only_contact_errors(route, ContactSet(), raw)
        data = {
            "format": "contactbook/activity-entry", "format_version": 1, "id": raw,
            "customer_id": raw, "actor": raw, "at": "2026-11-25T09:30:00.000000Z",
            "version": 1, "changes": [],
        }  # fmt: skip
        for text in (json.dumps(data), json.dumps(data, ensure_ascii=False)):
            only_contact_errors(jsonform.load_entry, text)

    @given(st.lists(st.tuples(kinds, hostile_text, st.none() | hostile_text), max_size=4))
    def test_json_loads_trusting_and_validating(self, points):
        text = json.dumps(
            {"format": "contactbook/contact-set", "format_version": 1, "next_id": 9,
             "points": points_json(points)}
        )  # fmt: skip
        for load in (jsonform.load_set, jsonform.read_set):
            only_contact_errors(load, text)
            only_contact_errors(load, text.encode("utf-8", "surrogatepass"))

    @given(hostile_text, st.sampled_from(["EMAIL", "TEL", "URL", "X-ABLabel", "TEL;PREF="]))
    def test_vcard(self, raw, name):
        for text in (vcard_with(f"{name}:{raw}"), vcard_with(f"EMAIL;PREF={raw}:a@x.nl"), raw):
            only_contact_errors(vcard.load_vcard, text)
            only_contact_errors(vcard.load_vcard, text.encode("utf-8", "surrogatepass"))

    @given(st.lists(hostile_text, min_size=1, max_size=5), encodings)
    def test_csv_check_with_any_encoding_name(self, cells, encoding):
        body = "customer_id,kind,value,description\r\n" + ",".join(cells) + "\r\n"
        data = body.encode("utf-8", "surrogatepass")
        only_contact_errors(check_csv, data, encoding)

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(hostile_text, encodings)
    def test_the_command(self, tmp_path_factory, raw, encoding):
        tmp_path = tmp_path_factory.mktemp("cli")
        source = tmp_path / "in.csv"
        source.write_bytes(
            ("customer_id,kind,value\r\nc1,email," + raw).encode("utf-8", "surrogatepass")
        )
        for args in (
            # Output files in tmp_path: their default is the current folder.
            [
                "check",
                str(source),
                "--encoding",
                encoding,
                "-o",
                str(tmp_path / "n.csv"),
                "-r",
                str(tmp_path / "r.csv"),
            ],
            ["--actor", raw or "x", "add", "c1", "website", raw or "x"],
            ["log", "c1"],
            ["show", "c1"],
            ["show", raw or "x"],
        ):
            code, _, exception = cli_run(tmp_path, *args)
            assert exception is None, (args, exception)
            assert code in (0, 1, 2, 3, 4)  # each a status the command documents
