"""The shipped strategies draw what they promise, shrink small, and refuse bad arguments."""

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contactbook import ContactKind, ContactPoint, ContactSet, ContactValidationError, add
from contactbook.model import MAX_POINTS
from contactbook.operations import apply
from contactbook.testing import strategies as cs
from contactbook.validation import (
    normalize,
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
# find() is deterministic without the example database (a saved example would win).
NO_DATABASE = settings(database=None, phases=[Phase.generate, Phase.shrink])


def refusal_code(call, *args):
    with pytest.raises(ContactValidationError) as refused:
        call(*args)
    return refused.value.code


class TestValidInputs:
    """Every value of a "valid" strategy is accepted, and normalizing twice changes nothing."""

    @given(cs.emails())
    def test_emails(self, raw):
        value = normalize_email(raw)
        assert value == normalize_email(value)

    @given(cs.emails(allow_unicode=False))
    def test_ascii_emails_are_ascii(self, raw):
        assert raw.isascii()
        normalize_email(raw)

    @given(cs.phone_numbers())
    def test_phone_numbers_of_any_country_need_no_country(self, raw):
        value = normalize_phone(raw)
        assert value == normalize_phone(value)
        assert value.startswith("+")

    @given(st.data())
    def test_phone_numbers_for_a_country(self, data):
        country = data.draw(cs.countries())
        raw = data.draw(cs.phone_numbers(country=country))
        value = normalize_phone(raw, country)
        assert value == normalize_phone(value, country)
        assert value == normalize_phone(value)

    @given(cs.phone_numbers(country="NL", mobile=True))
    def test_dutch_mobile_numbers(self, raw):
        value = normalize_phone(raw, "NL")
        assert value == normalize_phone(value)

    @given(cs.websites())
    def test_websites(self, raw):
        value = normalize_website(raw)
        assert value == normalize_website(value)
        assert value.startswith(("https://", "http://"))

    @given(cs.websites(with_scheme=False))
    def test_bare_websites_become_https(self, raw):
        assert "://" not in raw
        assert normalize_website(raw).startswith("https://")

    @given(cs.websites(with_scheme=True))
    def test_websites_with_a_scheme_keep_it(self, raw):
        scheme = raw.strip().split("://")[0].lower()
        assert normalize_website(raw).startswith(scheme + "://")

    @given(cs.descriptions())
    def test_descriptions(self, raw):
        value = normalize_description(raw)
        assert value == normalize_description(value)
        assert value is None or len(value) <= 100

    @given(cs.descriptions(min_size=5, max_size=10))
    def test_descriptions_of_a_length(self, raw):
        value = normalize_description(raw)
        assert value is not None
        assert 5 <= len(value) <= 10

    @given(st.data())
    def test_valid_values_of_every_kind(self, data):
        kind = data.draw(cs.contact_kinds())
        country = data.draw(st.none() | cs.countries())
        raw = data.draw(cs.valid_values(kind, country=country))
        value = normalize(kind, raw, country)
        assert value == normalize(kind, value, country)


class TestInvalidInputs:
    """Every value of an "invalid" strategy is refused with the code it is labelled with."""

    @given(cs.invalid_emails())
    def test_emails(self, invalid):
        assert invalid.code == refusal_code(normalize_email, invalid.raw)

    @given(cs.invalid_phone_numbers())
    def test_phone_numbers_without_country(self, invalid):
        assert invalid.code == refusal_code(normalize_phone, invalid.raw)

    @given(st.data())
    def test_phone_numbers_for_a_country(self, data):
        country = data.draw(cs.countries())
        invalid = data.draw(cs.invalid_phone_numbers(country=country))
        assert invalid.code == refusal_code(normalize_phone, invalid.raw, country)

    @given(cs.invalid_websites())
    def test_websites(self, invalid):
        assert invalid.code == refusal_code(normalize_website, invalid.raw)

    @given(cs.invalid_descriptions())
    def test_descriptions(self, invalid):
        assert invalid.code == refusal_code(normalize_description, invalid.raw)

    @given(st.data())
    def test_invalid_values_of_every_kind(self, data):
        kind = data.draw(cs.contact_kinds())
        country = data.draw(st.none() | cs.countries())
        invalid = data.draw(cs.invalid_values(kind, country=country))
        assert invalid.code == refusal_code(normalize, kind, invalid.raw, country)

    @pytest.mark.parametrize(
        ("strategy", "code"),
        [
            *((cs.invalid_emails, code) for code in cs.EMAIL_CODES),
            *((cs.invalid_phone_numbers, code) for code in cs.PHONE_CODES),
            *((cs.invalid_websites, code) for code in cs.WEBSITE_CODES),
            *((cs.invalid_descriptions, code) for code in cs.DESCRIPTION_CODES),
        ],
    )
    def test_each_code_can_be_drawn_alone(self, strategy, code):
        @settings(max_examples=10)
        @given(strategy(codes=[code]))
        def labelled_with_the_code(invalid):
            assert code == invalid.code

        labelled_with_the_code()

    def test_every_label_is_a_registered_error_code(self):
        from contactbook.errors import ERROR_CODES

        labels = cs.EMAIL_CODES + cs.PHONE_CODES + cs.WEBSITE_CODES + cs.DESCRIPTION_CODES
        assert [] == [code for code in labels if code not in ERROR_CODES]


class TestDomainValues:
    """Points, sets and batches are what the library itself would make."""

    @given(cs.contact_points())
    def test_points_are_normalized(self, point):
        assert point.value == normalize(point.kind, point.entered, point.country)
        assert point.description == normalize_description(point.description)

    @given(cs.contact_points(kinds=[PHONE], country="GB"))
    def test_points_of_chosen_kinds_and_country(self, point):
        assert (PHONE, "GB") == (point.kind, point.country)

    @given(cs.contact_sets(min_size=2, max_size=6))
    def test_sets_hold_a_size_in_range_with_growing_ids(self, contacts):
        assert 2 <= len(contacts) <= 6
        ids = [point.id for point in contacts]
        assert sorted(set(ids)) == ids
        assert contacts.next_id > ids[-1]

    @given(cs.contact_sets(country="NL", max_size=8))
    def test_sets_can_be_rebuilt_through_add(self, contacts):
        rebuilt = ContactSet()
        for point in contacts:
            rebuilt = add(rebuilt, point.kind, point.entered, point.description, country="NL")
        assert [(p.kind, p.value) for p in contacts] == [(p.kind, p.value) for p in rebuilt]

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_batches_are_accepted_by_apply(self, data):
        country = data.draw(st.none() | st.sampled_from(["NL", "US"]))
        contacts = data.draw(cs.contact_sets(country=country, max_size=6))
        batch = data.draw(cs.batches(contacts, country=country, min_size=1, max_size=6))
        assert 1 <= len(batch) <= 6
        outcome = apply(contacts, batch, country=country)
        assert len(outcome.contacts) <= MAX_POINTS

    def test_batches_contain_every_kind_of_change(self):
        seen = set()

        @settings(max_examples=80, derandomize=True, database=None, phases=[Phase.generate])
        @given(st.data())
        def collect(data):
            contacts = data.draw(cs.contact_sets(min_size=1, max_size=3))
            batch = data.draw(cs.batches(contacts, min_size=1, max_size=3))
            seen.update(type(change).__name__ for change in batch)

        collect()
        expected = {"AddPoint", "EditPoint", "RemovePoint", "SetPrimary", "ClearPrimary"}
        assert expected == seen

    def test_from_type_finds_the_registered_strategies(self):
        assert isinstance(find(st.from_type(ContactSet), lambda s: len(s) >= 2), ContactSet)
        assert isinstance(find(st.from_type(ContactPoint), lambda _: True), ContactPoint)
        assert EMAIL == find(st.from_type(ContactKind), lambda _: True)


class TestShrinking:
    """Counterexamples shrink to short values a person reads at a glance."""

    def test_an_email_counterexample_shrinks_to_a_tiny_address(self):
        # A false belief: "the stored address is what was typed, trimmed".
        found = find(
            cs.emails(), lambda raw: normalize_email(raw) != raw.strip(), settings=NO_DATABASE
        )
        assert "a@A.CO" == found

    def test_a_website_counterexample_shrinks(self):
        # A false belief: "a website only ever gets https:// in front".
        found = find(
            cs.websites(),
            lambda raw: normalize_website(raw) != "https://" + raw,
            settings=NO_DATABASE,
        )
        assert len(found) <= 14

    def test_a_phone_counterexample_shrinks(self):
        # A false belief: "every number typed for a Dutch customer is Dutch".
        found = find(
            cs.phone_numbers(country="NL"),
            lambda raw: not normalize_phone(raw, "NL").startswith("+31"),
            settings=NO_DATABASE,
        )
        assert len(found) <= 20


class TestInvalidArguments:
    """Impossible arguments raise InvalidArgument, as Hypothesis' own strategies do."""

    @pytest.mark.parametrize(
        "make",
        [
            lambda: cs.contact_sets(min_size=-1),
            lambda: cs.contact_sets(min_size=3, max_size=2),
            lambda: cs.contact_sets(max_size=MAX_POINTS + 1),
            lambda: cs.contact_sets(kinds=[]),
            lambda: cs.contact_sets(kinds=["email"]),
            lambda: cs.descriptions(max_size=101),
            lambda: cs.descriptions(min_size=5, max_size=4),
            lambda: cs.phone_numbers(country="XX"),
            lambda: cs.phone_numbers(country="TA", mobile=True),
            lambda: cs.phone_numbers(mobile="yes"),
            lambda: cs.websites(with_scheme="https"),
            lambda: cs.emails(allow_unicode=None),
            lambda: cs.invalid_emails(codes=["phone.invalid"]),
            lambda: cs.invalid_emails(codes="email.invalid"),
            lambda: cs.invalid_emails(codes=[]),
            lambda: cs.invalid_phone_numbers(country="NL", codes=["phone.country_required"]),
            lambda: cs.batches("not a set"),
            lambda: cs.batches(ContactSet(), min_size=2, max_size=1),
            lambda: cs.valid_values("email"),
            lambda: cs.invalid_values("email"),
        ],
    )
    def test_raises_invalid_argument(self, make):
        with pytest.raises(InvalidArgument):
            make()
