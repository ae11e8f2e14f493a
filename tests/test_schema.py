"""The JSON Schema files shipped in the package describe what jsonform writes."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    ContactKind,
    ContactSet,
    ContactValidationError,
    EditPoint,
    RemovePoint,
    add,
)
from contactbook.audit import ActivityEntry
from contactbook.interchange.describe import problems
from contactbook.interchange.formats import DOCUMENTS, schema_text
from contactbook.interchange.jsonform import dump_entry, dump_set, set_to_data
from contactbook.interchange.routing_config import policy_from_config
from contactbook.interchange.schemas import SCHEMA_FILES, load_schema
from contactbook.operations import ClearPrimary, apply

ROOT = Path(__file__).parent.parent
EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)

VALUES = {
    EMAIL: ["ann@example.com", "Facturen@Example.NL", "jürgen@bücher.de", "b+tag@x.co.uk"],
    PHONE: ["020 123 4567", "+44 20 7946 0958", "0049 30 1234567"],
    MOBILE: ["06 12345678", "+31 6 87654321", "+44 7911 123456"],
    WEBSITE: ["example.com", "http://Bücher.de/Shop", "https://x.nl:443/a/../b"],
}
descriptions = st.none() | st.sampled_from(["Billing Contact", "Work", "  Emergency  Contact"])


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind in draw(st.lists(st.sampled_from(list(ContactKind)), max_size=8)):
        value = draw(st.sampled_from(VALUES[kind]))
        if any(p.entered == value for p in contacts):
            continue
        contacts = add(contacts, kind, value, draw(descriptions), country="NL")
    return contacts


def validator(name):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


class TestSchemasAreValid:
    """Every shipped file is a valid draft 2020-12 schema, and the docs show it."""

    @pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
    def test_schema_is_valid(self, name):
        validator(name)

    @pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
    def test_docs_hold_the_same_schema(self, name):
        page = (ROOT / "docs" / "reference" / "formats.md").read_text(encoding="utf-8")
        shipped = ROOT / "src" / "contactbook" / "interchange" / "schemas" / SCHEMA_FILES[name]
        assert SCHEMA_FILES[name] in page
        assert f"```json\n{shipped.read_text(encoding='utf-8')}```" in page

    def test_unknown_name_is_refused(self):
        with pytest.raises(ValueError, match="contact-set"):
            load_schema("vcard")


class TestDocumentsValidate:
    """Documents written by jsonform validate; documents it would refuse do not."""

    @given(contact_sets())
    def test_any_set_validates(self, contacts):
        validator("contact-set").validate(json.loads(dump_set(contacts)))

    def test_empty_set_validates(self):
        validator("contact-set").validate(json.loads(dump_set(ContactSet((), next_id=5))))

    @given(contact_sets(), st.data())
    def test_any_entry_validates(self, contacts, data):
        choices = [
            lambda p: RemovePoint(p.id),
            lambda p: EditPoint(p.id, description="Work"),
            lambda p: EditPoint(p.id, description=None),
        ]
        changes = [data.draw(st.sampled_from(choices))(point) for point in contacts]
        changes.extend([AddPoint(PHONE, "+31 20 7654321"), ClearPrimary(WEBSITE)])
        outcome = apply(contacts, changes, country="NL")
        entry = ActivityEntry(
            "e-1",
            "cust-1",
            "ann",
            dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.timezone.utc),
            3,
            outcome.changes,
        )
        validator("activity-entry").validate(json.loads(dump_entry(entry)))

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda d: d.update(format_version=2),
            lambda d: d.update(extra=1),
            lambda d: d["points"][0].update(kind="fax"),
            lambda d: d["points"][0].pop("entered"),
            lambda d: d["points"][0].update(country="nl"),
        ],
        ids=["newer version", "unknown key", "unknown kind", "missing key", "bad country"],
    )
    def test_malformed_sets_do_not_validate(self, mutate):
        data = set_to_data(add(ContactSet(), MOBILE, "06 12345678", country="NL"))
        mutate(data)
        assert not validator("contact-set").is_valid(data)


class TestSchemasAreGenerated:
    """The shipped files are exactly what the one description of each format generates."""

    @pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
    def test_shipped_file_is_generated(self, name):
        shipped = ROOT / "src" / "contactbook" / "interchange" / "schemas" / SCHEMA_FILES[name]
        assert schema_text(name) == shipped.read_text(encoding="utf-8")

    def test_every_description_ships_a_file(self):
        assert sorted(DOCUMENTS) == sorted(SCHEMA_FILES)


class TestRoutingConfigSchema:
    """Configurations the reader builds a policy from validate; misshapen ones do not."""

    @pytest.mark.parametrize(
        "config",
        [
            {},
            {"purposes": ["dunning_letter"], "rules": {"dunning_letter": {"sms": {}}}},
            {
                "rules": {
                    "invoice": {
                        "email": {"prefer": ["Billing Contact"], "fallback": False, "cc": ["AP"]}
                    }
                }
            },
        ],
    )
    def test_accepted_configurations_validate(self, config):
        policy_from_config(config)
        validator("routing-config").validate(config)

    @pytest.mark.parametrize(
        "config",
        [
            {"rule": {}},
            {"rules": {"invoice": {"fax": {}}}},
            {"rules": {"invoice": {"email": {"fallback": "no"}}}},
            {"rules": {"invoice": {"email": {"prefered": []}}}},
            {"purposes": "dunning_letter"},
            {"purposes": ["Dunning Letter"]},
        ],
        ids=[
            "unknown key",
            "unknown channel",
            "fallback text",
            "unknown rule key",
            "purposes text",
            "purpose name",
        ],
    )
    def test_refused_configurations_do_not_validate(self, config):
        with pytest.raises(ContactValidationError):
            policy_from_config(config)
        assert not validator("routing-config").is_valid(config)


class TestTheDescriptionChecksWhatTheSchemaSays:
    """Checked with its bounds, a description refuses exactly what its generated schema refuses."""

    @given(
        contact_sets(),
        st.sampled_from(
            [
                lambda d: None,
                lambda d: d.update(next_id=0),
                lambda d: d.update(extra=1),
                lambda d: d["points"] and d["points"][0].update(kind="fax"),
                lambda d: d["points"] and d["points"][0].pop("entered"),
                lambda d: d["points"] and d["points"][0].update(country="nl"),
                lambda d: d["points"] and d["points"][0].update(description="x" * 101),
                lambda d: d["points"] and d["points"][0].update(value=""),
                lambda d: d.update(points=d["points"] * 101),
            ]
        ),
    )
    def test_contact_sets(self, contacts, mutate):
        data = set_to_data(contacts)
        mutate(data)
        document = DOCUMENTS["contact-set"]
        misfit = next(problems(document.root, data, defs=document.defs, bounds=True), None)
        assert validator("contact-set").is_valid(data) == (misfit is None)
