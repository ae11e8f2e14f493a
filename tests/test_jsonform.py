"""The JSON form: exact round trips, clear errors for malformed or newer documents."""

import contextlib
import datetime as dt
import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contactbook import AddPoint, ContactKind, ContactSet, EditPoint, FormatError, RemovePoint, add
from contactbook.audit import ActivityEntry
from contactbook.interchange import jsonform
from contactbook.interchange.jsonform import (
    dump_entry,
    dump_set,
    entry_to_data,
    load_entry,
    load_set,
    set_to_data,
)
from contactbook.operations import ClearPrimary, apply

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "Ann@Example.com", "Facturen \u20ac")
    s = add(s, MOBILE, "06 12345678", country="NL")
    s = add(s, WEBSITE, "bücher.de")
    return add(s, EMAIL, "b@example.com")


@pytest.fixture
def entry(contacts):
    outcome = apply(
        contacts,
        [
            RemovePoint(1),
            EditPoint(2, value="+31 6 87654321", description="Work"),
            AddPoint(PHONE, "+31 20 1234567"),
            ClearPrimary(WEBSITE),
        ],
    )
    return ActivityEntry(
        "e-1",
        "cust-1",
        "ann",
        dt.datetime(2026, 11, 25, 9, 30, 1, 5, tzinfo=dt.timezone.utc),
        7,
        outcome.changes,
    )


class TestRoundTrip:
    """What is written reads back equal: ids, next_id, input, country, Unicode."""

    def test_set(self, contacts):
        assert contacts == load_set(dump_set(contacts))

    def test_empty_set_keeps_next_id(self):
        emptied = ContactSet((), next_id=9)
        assert emptied == load_set(dump_set(emptied))

    def test_entry_with_every_kind_of_change(self, entry):
        assert {
            "point_removed",
            "value_changed",
            "description_changed",
            "point_added",
            "primary_changed",
        } == {c["type"] for c in entry_to_data(entry)["changes"]}
        assert entry == load_entry(dump_entry(entry))

    def test_bytes_are_read_as_utf8(self, contacts):
        assert contacts == load_set(dump_set(contacts).encode())

    def test_the_form_is_documented_json(self, contacts):
        data = json.loads(dump_set(contacts))
        assert ("contactbook/contact-set", 1, 5) == (
            data["format"],
            data["format_version"],
            data["next_id"],
        )
        assert {
            "id": 2,
            "kind": "mobile",
            "value": "+31612345678",
            "description": None,
            "entered": "06 12345678",
            "country": "NL",
        } == data["points"][1]


class TestRefusals:
    """Malformed or newer documents are a FormatError with a clear code."""

    def test_newer_version_is_refused(self, contacts):
        data = set_to_data(contacts) | {"format_version": 2}
        with pytest.raises(FormatError) as info:
            load_set(json.dumps(data))
        assert "format.version" == info.value.code
        assert "newer contactbook" in str(info.value)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "not json",
            "[]",
            "{}",
            '{"format": "contactbook/contact-set"}',
            "\x00",
            "[" * 100_000,
        ],
    )
    def test_malformed_documents_are_refused(self, text):
        with pytest.raises(FormatError) as info:
            load_set(text)
        assert "format.invalid" == info.value.code

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("id", "1"),
            ("kind", "fax"),
            ("value", None),
            ("entered", 3),
            ("country", 1),
            ("id", True),
        ],
    )
    def test_wrongly_typed_points_are_refused(self, contacts, key, value):
        data = set_to_data(contacts)
        data["points"][0][key] = value
        with pytest.raises(FormatError):
            load_set(json.dumps(data))

    def test_repeated_ids_are_refused_as_malformed(self, contacts):
        data = set_to_data(contacts)
        data["points"][1]["id"] = 1
        with pytest.raises(FormatError, match="malformed"):
            load_set(json.dumps(data))

    @pytest.mark.parametrize(
        "change",
        [
            {"type": ["point_added"]},
            {"type": "primary_changed", "kind": ["email"], "before": None, "after": None},
        ],
        ids=["list as type", "list as kind"],
    )
    def test_unhashable_change_fields_are_refused_as_malformed(self, entry, change):
        data = entry_to_data(entry) | {"changes": [change]}
        with pytest.raises(FormatError) as info:
            load_entry(json.dumps(data))
        assert "format.invalid" == info.value.code

    def test_an_entry_is_not_a_set(self, entry):
        with pytest.raises(FormatError):
            load_set(dump_entry(entry))

    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(),
            lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        )
    )
    def test_any_json_value_is_read_or_refused(self, data):
        for load in (load_set, load_entry):
            with contextlib.suppress(FormatError):
                load(json.dumps(data))


class TestLocatedRefusals:
    """A malformed document is refused with the path of the bad field, from its description."""

    @pytest.mark.parametrize(
        ("mutate", "said"),
        [
            (lambda d: d["points"][1].update(id="2"), "points[1].id must be an integer"),
            (lambda d: d["points"][0].update(kind="fax"), "points[0].kind must be one of"),
            (lambda d: d["points"][2].update(extra=1), "points[2] has an unknown key 'extra'"),
            (lambda d: d["points"][3].pop("country"), "points[3] lacks the key 'country'"),
            (
                lambda d: d["points"][1].update(country=1),
                "points[1].country must be a string or null",
            ),
            (lambda d: d.update(next_id="5"), "next_id must be an integer"),
            (lambda d: d.update(points={}), "points must be an array"),
        ],
    )
    def test_sets(self, contacts, mutate, said):
        data = set_to_data(contacts)
        mutate(data)
        with pytest.raises(FormatError, match=re.escape(said)) as info:
            load_set(json.dumps(data))
        assert "format.invalid" == info.value.code

    def test_entries(self, entry):
        data = entry_to_data(entry)
        index = next(i for i, c in enumerate(data["changes"]) if c["type"] == "value_changed")
        data["changes"][index]["after"]["value"] = 5
        said = f"changes[{index}].after.value must be a string"
        with pytest.raises(FormatError, match=re.escape(said)):
            load_entry(json.dumps(data))


class TestTheFastPathAgreesWithTheDescription:
    """The compiled point reader refuses exactly the points the description refuses."""

    @given(
        st.dictionaries(
            st.sampled_from(["id", "kind", "value", "description", "entered", "country", "x"]),
            st.none() | st.booleans() | st.integers() | st.sampled_from(["email", "fax", "NL"]),
        )
    )
    def test_any_point(self, point):
        from contactbook.interchange import formats
        from contactbook.interchange.describe import problems

        data = {"format": "contactbook/contact-set", "format_version": 1, "next_id": 9,
                "points": [point]}  # fmt: skip
        fits = next(problems(formats.POINT, point, defs=formats.CONTACT_SET.defs), None) is None
        try:
            load_set(json.dumps(data))
        except FormatError:
            assert not fits
        else:
            assert fits

    @given(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["point_added", "primary_changed", "nope", 1])},
            optional={
                "kind": st.sampled_from(["email", "fax", None]),
                "point": st.none() | st.just({}),
                "before": st.none() | st.just({}) | st.just(1),
                "after": st.none() | st.just({}) | st.just(1),
            },
        ),
        st.sampled_from([1, 2]),
    )
    def test_any_change(self, change, version):
        # Version 2 lets a primary change name a point by its id; the lone change here
        # writes no point, so an id is refused by the reader though the schema allows it.
        from contactbook.interchange import formats
        from contactbook.interchange.describe import problems

        document = formats.ACTIVITY_ENTRY if version == 2 else formats.ACTIVITY_ENTRY_V1
        refers = version == 2 and 1 in (change.get("before"), change.get("after"))
        data = {"format": "contactbook/activity-entry", "format_version": version, "id": "e",
                "customer_id": "c", "actor": "a", "at": "2026-11-25T09:30:00.000000Z",
                "version": 1, "changes": [change]}  # fmt: skip
        fits = next(problems(document.root, data, defs=document.defs), None) is None
        try:
            load_entry(json.dumps(data))
        except FormatError as error:
            assert not fits or refers
            assert "changes[0]" in error.message
        else:
            assert fits


class TestEntryVersionTwo:
    """Each point is written once: a primary change names a point the entry writes by id."""

    def test_a_new_customers_points_are_written_once(self):
        new = add(add(ContactSet(), EMAIL, "ann@example.com"), PHONE, "+31 20 1234567")
        entry = ActivityEntry("e", "c", "ann", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                              1, _changes(ContactSet(), new))  # fmt: skip
        data = entry_to_data(entry)
        assert 2 == data["format_version"]
        primaries = [c for c in data["changes"] if c["type"] == "primary_changed"]
        assert [(c["kind"], c["before"], c["after"]) for c in primaries] == [
            ("email", None, 1),
            ("phone", None, 2),
        ]
        assert dump_entry(entry).count("ann@example.com") == 2  # its value and its input
        assert entry == load_entry(dump_entry(entry))

    def test_each_side_names_the_point_as_it_was_or_is(self, entry):
        # entry: point 1 removed (the email primary before), point 2 edited (value and
        # description), a phone added, the website's primary cleared.
        data = entry_to_data(entry)
        primaries = {c["kind"]: c for c in data["changes"] if c["type"] == "primary_changed"}
        assert 1 == primaries["email"]["before"]  # the removed point
        assert isinstance(primaries["email"]["after"], dict)  # a point the entry does not write
        assert entry == load_entry(dump_entry(entry))

    def test_a_stored_version_one_entry_still_reads(self, entry):
        data = entry_to_data(entry)
        data["format_version"] = 1
        whole = {c.kind.value: c for c in entry.changes if type(c).__name__ == "PrimaryChanged"}
        for change in data["changes"]:
            if change["type"] == "primary_changed":
                old = whole[change["kind"]]
                change["before"] = None if old.before is None else _point_data(old.before)
                change["after"] = None if old.after is None else _point_data(old.after)
        assert entry == load_entry(json.dumps(data))

    def test_an_id_in_version_one_is_refused(self, entry):
        data = entry_to_data(entry)
        data["format_version"] = 1
        with pytest.raises(FormatError) as caught:
            load_entry(json.dumps(data))
        assert "format.invalid" == caught.value.code

    def test_an_id_naming_no_point_of_the_entry_is_refused(self, entry):
        data = entry_to_data(entry)
        place, change = next(
            (i, c) for i, c in enumerate(data["changes"]) if c["type"] == "primary_changed"
        )
        change["before"] = 99
        with pytest.raises(FormatError) as caught:
            load_entry(json.dumps(data))
        assert "format.invalid" == caught.value.code
        assert f"changes[{place}].before is the id 99" in caught.value.message

    def test_a_newer_version_is_refused(self, entry):
        data = entry_to_data(entry)
        data["format_version"] = 3
        with pytest.raises(FormatError) as caught:
            load_entry(json.dumps(data))
        assert "format.version" == caught.value.code
        assert "reads up to version 2" in caught.value.message


def _changes(old, new):
    from contactbook.audit import diff

    return diff(old, new)


def _point_data(point):
    return set_to_data(ContactSet((point,), point.id + 1))["points"][0]


# The documents' values: text (any code point, surrogates too), integers, None, lists, objects.
_JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.text(st.characters(codec=None), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


_NEEDS_ORJSON = pytest.mark.skipif(
    jsonform._orjson is None, reason="orjson (the extra fast) is not installed"
)


class TestCompiledEncoder:
    """With orjson installed (the extra ``fast``) the documents are the same text."""

    @_NEEDS_ORJSON
    @given(_JSON_VALUES)
    def test_orjson_writes_what_json_writes(self, data):
        written = jsonform._json_text(data)
        assert json.dumps(data, ensure_ascii=False, separators=(",", ":")) == written

    @pytest.mark.parametrize("encoder", ["orjson", "json"])
    def test_a_set_reads_back_and_is_the_same_text_with_either(self, encoder, monkeypatch):
        if encoder == "json":
            monkeypatch.setattr(jsonform, "_orjson", None)
        else:
            pytest.importorskip("orjson")
        contacts = apply(
            ContactSet(),
            [AddPoint(ContactKind.EMAIL, "añn@example.com", "Büro \u2028"),
             AddPoint(ContactKind.MOBILE, "06 12345678")],
            country="NL",
        ).contacts  # fmt: skip
        text = dump_set(contacts)
        assert contacts == load_set(text)
        with monkeypatch.context() as other:
            other.setattr(jsonform, "_orjson", None)
            assert dump_set(contacts) == text

    @_NEEDS_ORJSON
    @given(
        st.fixed_dictionaries(
            {
                "format": st.sampled_from(["contactbook/contact-set", "x"]),
                "format_version": st.sampled_from([1, 1.0, 2**70]),
                "next_id": st.integers() | st.floats(allow_nan=True) | st.none(),
                "points": st.lists(
                    st.fixed_dictionaries(
                        {
                            "id": st.integers(min_value=-1, max_value=3) | st.integers(),
                            "kind": st.sampled_from(["email", "phone", "fax", 1]),
                            "value": st.text(st.characters(codec=None), max_size=6),
                            "description": st.none() | st.text(max_size=3),
                            "entered": st.text(max_size=3),
                            "country": st.none() | st.sampled_from(["NL", ""]),
                        }
                    ),
                    max_size=3,
                ),
            }
        )
    )
    @example({"format": "contactbook/contact-set", "format_version": 1, "next_id": 2**70,
              "points": []})  # fmt: skip
    def test_load_set_reads_with_orjson_what_it_reads_with_json(self, data):
        text = json.dumps(data, ensure_ascii=data["next_id"] == 1)

        def read():
            try:
                return load_set(text)
            except FormatError as error:
                return (error.code, error.message)

        with_orjson = read()
        with pytest.MonkeyPatch.context() as plain:
            plain.setattr(jsonform, "_orjson", None)
            assert read() == with_orjson
