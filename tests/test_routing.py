"""Routing: who gets an invoice, a reminder or a notification, by email or SMS."""

import json

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contactbook import (
    ContactError,
    ContactKind,
    ContactSet,
    ContactValidationError,
    NoRecipientError,
    add,
)
from contactbook.interchange.routing_config import policy_from_config, policy_from_json
from contactbook.routing import Channel, Purpose, Recipients, RoutingPolicy, RoutingRule, route

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)
INVOICE = Purpose.INVOICE

BILLING = {"rules": {"invoice": {"email": {"prefer": ["Billing Contact"]}}}}


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "info@example.com")  # 1, primary email
    s = add(s, EMAIL, "billing@example.com", " billing  CONTACT ")  # 2
    s = add(s, EMAIL, "ap@example.com", "Accounts Payable")  # 3
    s = add(s, MOBILE, "+31612345678")  # 4, primary mobile
    s = add(s, MOBILE, "+31687654321", "Billing Contact")  # 5
    return add(s, PHONE, "+31201234567", "Billing Contact")  # 6, a landline


def ids(recipients):
    return [point.id for point in recipients.points]


class TestDefaultPolicy:
    """Without configuration every purpose goes to the primary of the channel's kind."""

    @pytest.mark.parametrize("purpose", list(Purpose))
    def test_email_goes_to_the_primary_email(self, contacts, purpose):
        answer = route(contacts, purpose)
        assert (contacts.primary(EMAIL), ()) == (answer.to, answer.cc)
        assert answer.found

    def test_sms_goes_to_the_primary_mobile(self, contacts):
        answer = route(contacts, "notification", channel=Channel.SMS)
        assert contacts.primary(MOBILE) == answer.to

    def test_a_purpose_is_named_by_enum_or_by_string_alike(self, contacts):
        assert route(contacts, Purpose.PAYMENT_REMINDER) == route(contacts, "payment_reminder")
        assert "payment_reminder" == route(contacts, Purpose.PAYMENT_REMINDER).purpose

    def test_no_point_of_the_kind_is_a_clear_answer_not_a_crash(self):
        answer = route(add(ContactSet(), EMAIL, "a@example.com"), INVOICE, channel=Channel.SMS)
        assert (None, (), ()) == (answer.to, answer.cc, answer.points)
        assert not answer.found
        assert "the customer has no mobile number." == answer.reason

    def test_required_raises_a_clear_error_instead(self):
        with pytest.raises(NoRecipientError) as info:
            route(ContactSet(), INVOICE, required=True)
        error = info.value
        assert isinstance(error, LookupError)
        assert isinstance(error, ContactError)
        assert ("routing.no_recipient", "email") == (error.code, error.field)
        assert ("invoice", "email") == (error.purpose, error.channel)
        assert "no email address" in str(error)

    def test_required_changes_nothing_when_there_is_a_recipient(self, contacts):
        assert route(contacts, INVOICE) == route(contacts, INVOICE, required=True)

    def test_an_unknown_purpose_is_refused(self, contacts):
        with pytest.raises(ContactValidationError) as info:
            route(contacts, "invoise")
        assert "routing.purpose" == info.value.code
        assert "invoice, notification, payment_reminder" in str(info.value)

    def test_channels_reach_their_kinds(self):
        assert (EMAIL, MOBILE) == (Channel.EMAIL.kind, Channel.SMS.kind)


class TestConfiguredPolicy:
    """A rule per purpose and channel: preferred descriptions, fallback, copies."""

    def test_invoices_go_to_the_billing_contact(self, contacts):
        policy = policy_from_config(BILLING)
        assert 2 == route(contacts, INVOICE, policy=policy).to.id

    def test_descriptions_match_ignoring_case_and_surrounding_space(self, contacts):
        rule = RoutingRule(prefer=["  BILLING contact "])
        policy = RoutingPolicy({(INVOICE, Channel.EMAIL): rule})
        assert ("BILLING contact",) == rule.prefer  # tidied as a stored description
        assert 2 == route(contacts, INVOICE, policy=policy).to.id

    def test_preferred_descriptions_are_tried_in_order(self, contacts):
        rule = RoutingRule(prefer=["Finance", "Accounts Payable", "Billing Contact"])
        policy = RoutingPolicy({(INVOICE, Channel.EMAIL): rule})
        assert 3 == route(contacts, INVOICE, policy=policy).to.id

    def test_among_equal_descriptions_the_first_added_wins(self, contacts):
        s = add(contacts, EMAIL, "second-billing@example.com", "Billing Contact")
        policy = policy_from_config(BILLING)
        assert 2 == route(s, INVOICE, policy=policy).to.id

    def test_no_match_falls_back_to_the_primary(self):
        s = add(ContactSet(), EMAIL, "info@example.com")
        answer = route(s, INVOICE, policy=policy_from_config(BILLING))
        assert s.primary(EMAIL) == answer.to

    def test_without_fallback_no_match_says_why(self):
        s = add(ContactSet(), EMAIL, "info@example.com")
        rule = RoutingRule(prefer=["Billing Contact"], fallback=False)
        answer = route(s, INVOICE, policy=RoutingPolicy({(INVOICE, Channel.EMAIL): rule}))
        assert (None, ()) == (answer.to, answer.cc)
        assert "no email address is described as 'Billing Contact'" in answer.reason
        assert "does not fall back" in answer.reason

    def test_a_rule_with_neither_description_nor_fallback_says_so(self, contacts):
        policy = RoutingPolicy({(INVOICE, Channel.EMAIL): RoutingRule(fallback=False)})
        answer = route(contacts, INVOICE, policy=policy)
        assert None is answer.to
        assert (
            "the policy names no description and does not fall back to the primary email "
            "address." == answer.reason
        )

    def test_without_fallback_required_raises(self):
        s = add(ContactSet(), EMAIL, "info@example.com")
        rule = RoutingRule(prefer=["Billing Contact"], fallback=False)
        policy = RoutingPolicy({(INVOICE, Channel.EMAIL): rule})
        with pytest.raises(NoRecipientError, match="Billing Contact"):
            route(s, INVOICE, policy=policy, required=True)

    def test_copies_are_chosen_by_description(self, contacts):
        rule = RoutingRule(prefer=["Billing Contact"], cc=["accounts payable"])
        answer = route(contacts, INVOICE, policy=RoutingPolicy({(INVOICE, Channel.EMAIL): rule}))
        assert ([2, 3], (contacts.get(3),)) == (ids(answer), answer.cc)

    def test_the_main_recipient_is_never_also_a_copy(self, contacts):
        rule = RoutingRule(prefer=["Billing Contact"], cc=["Billing Contact", "Accounts Payable"])
        answer = route(contacts, INVOICE, policy=RoutingPolicy({(INVOICE, Channel.EMAIL): rule}))
        assert [2, 3] == ids(answer)

    def test_copies_follow_the_configured_order(self, contacts):
        rule = RoutingRule(cc=["Accounts Payable", "Billing Contact"])
        answer = route(contacts, INVOICE, policy=RoutingPolicy({(INVOICE, Channel.EMAIL): rule}))
        assert [1, 3, 2] == ids(answer)

    def test_no_main_recipient_means_no_copies(self, contacts):
        rule = RoutingRule(prefer=["Finance"], fallback=False, cc=["Accounts Payable"])
        answer = route(contacts, INVOICE, policy=RoutingPolicy({(INVOICE, Channel.EMAIL): rule}))
        assert () == answer.points

    def test_a_rule_only_sees_points_of_the_channels_kind(self, contacts):
        rule = RoutingRule(prefer=["Billing Contact"], cc=["Billing Contact"])
        policy = RoutingPolicy(
            {(INVOICE, Channel.EMAIL): rule, (INVOICE, Channel.SMS): rule},
        )
        assert [2] == ids(route(contacts, INVOICE, policy=policy))
        assert [5] == ids(route(contacts, INVOICE, channel=Channel.SMS, policy=policy))

    def test_purposes_and_channels_without_a_rule_use_the_default(self, contacts):
        policy = policy_from_config(BILLING)
        assert 1 == route(contacts, Purpose.NOTIFICATION, policy=policy).to.id
        assert 4 == route(contacts, INVOICE, channel=Channel.SMS, policy=policy).to.id

    def test_a_host_can_name_its_own_purpose(self, contacts):
        policy = policy_from_config(
            {
                "purposes": ["dunning_letter"],
                "rules": {"dunning_letter": {"email": {"prefer": ["Accounts Payable"]}}},
            }
        )
        answer = route(contacts, "dunning_letter", policy=policy)
        assert ("dunning_letter", 3) == (answer.purpose, answer.to.id)
        assert "dunning_letter" in RoutingPolicy(purposes=["dunning_letter"]).purposes

    def test_the_policy_and_its_answer_are_frozen(self, contacts):
        policy = policy_from_config(BILLING)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            policy.purposes = frozenset()  # type: ignore[misc]
        with pytest.raises(TypeError):
            policy.rules["x", Channel.EMAIL] = RoutingRule()  # type: ignore[index]
        assert policy_from_config(BILLING) == policy

    def test_the_default_policy_is_the_empty_configuration(self, contacts):
        assert RoutingPolicy() == policy_from_config({})
        assert RoutingRule() == RoutingPolicy().rule(INVOICE, Channel.EMAIL)


class TestConfiguration:
    """A policy is built from a dict or JSON; every mistake is a clear routing.* error."""

    def test_from_json(self, contacts):
        text = json.dumps(
            {
                "rules": {
                    "invoice": {
                        "email": {
                            "prefer": ["Billing Contact"],
                            "fallback": False,
                            "cc": ["Accounts Payable"],
                        }
                    }
                }
            }
        )
        policy = policy_from_json(text)
        assert RoutingRule(["Billing Contact"], False, ["Accounts Payable"]) == policy.rule(
            INVOICE, Channel.EMAIL
        )
        assert policy_from_json(text.encode()) == policy

    def problems(self, config):
        with pytest.raises(ContactValidationError) as info:
            policy_from_config(config)
        return [(p.code, p.field) for p in info.value.errors]

    def test_unknown_keys_are_refused(self):
        assert [("routing.key", "rule"), ("routing.key", "rules.invoice.email.prefered")] == (
            self.problems(
                {"rule": {}, "rules": {"invoice": {"email": {"prefered": ["Billing Contact"]}}}}
            )
        )

    def test_unknown_purposes_are_refused(self):
        assert [("routing.purpose", "rules.invoise")] == self.problems(
            {"rules": {"invoise": {"email": {}}}}
        )

    def test_unknown_channels_are_refused(self):
        assert [
            ("routing.channel", "rules.invoice.fax"),
            ("routing.channel", "rules.invoice.mobile"),
        ] == (self.problems({"rules": {"invoice": {"fax": {}, "mobile": {}}}}))

    def test_values_of_the_wrong_type_are_refused(self):
        assert [
            ("routing.invalid", "purposes"),
            ("routing.invalid", "rules.invoice.email.fallback"),
            ("routing.invalid", "rules.invoice.email.prefer"),
            ("routing.invalid", "rules.invoice.email.cc"),
            ("routing.invalid", "rules.notification"),
        ] == self.problems(
            {
                "purposes": "dunning_letter",
                "rules": {
                    "invoice": {"email": {"fallback": "no", "prefer": "Billing", "cc": [1]}},
                    "notification": ["email"],
                },
            }
        )

    def test_the_configuration_must_be_an_object(self):
        assert [("routing.invalid", None)] == self.problems(["invoice"])

    def test_descriptions_must_be_usable(self):
        assert [
            ("routing.description", "rules.invoice.email.prefer[0]"),
            ("description.too_long", "rules.invoice.email.prefer[1]"),
            ("description.character", "rules.invoice.email.cc[0]"),
        ] == self.problems(
            {"rules": {"invoice": {"email": {"prefer": ["  ", "x" * 101], "cc": ["a\u202eb"]}}}}
        )

    def test_purpose_names_are_checked(self):
        assert [("routing.purpose", "purposes[0]"), ("routing.purpose", "purposes[1]")] == (
            self.problems({"purposes": ["Dunning Letter", ""]})
        )

    def test_every_problem_is_reported_at_once_with_its_path(self):
        with pytest.raises(ContactValidationError) as info:
            policy_from_config({"x": 1, "rules": {"invoise": {"fax": {"foo": 1}}}})
        error = info.value
        assert 4 == len(error.errors)
        assert "(and 3 more problem(s))" in str(error)

    @pytest.mark.parametrize("text", ["{", "", "[" * 100_000, b"\xff", "NaN x"])
    def test_text_that_is_not_json_is_refused(self, text):
        with pytest.raises(ContactValidationError) as info:
            policy_from_json(text)
        assert "routing.invalid" == info.value.code

    def test_building_directly_checks_purposes_and_channels(self):
        with pytest.raises(ContactValidationError, match="invoise"):
            RoutingPolicy({("invoise", Channel.EMAIL): RoutingRule()})
        with pytest.raises(ContactValidationError, match="not a channel"):
            RoutingPolicy({(INVOICE, "email"): RoutingRule()})
        with pytest.raises(ContactValidationError, match="not a purpose name"):
            RoutingPolicy(purposes=["Dunning Letter"])

    def test_a_rule_refuses_one_string_for_many_descriptions(self):
        with pytest.raises(TypeError, match="not one str"):
            RoutingRule(prefer="Billing Contact")


# --------------------------------------------------------------------------- properties

DESCRIPTIONS = ["Billing Contact", " billing  CONTACT", "Emergency Contact", "Work", "Accounts"]
VALUES = {
    EMAIL: [f"{name}@example.com" for name in "abcdefgh"],
    PHONE: [f"+3120123450{n}" for n in range(8)],
    MOBILE: [f"+3161234560{n}" for n in range(8)],
    WEBSITE: [f"{name}.example.com" for name in "abcdefgh"],
}
kinds = st.sampled_from(list(ContactKind))
descriptions = st.none() | st.sampled_from(DESCRIPTIONS)
channels = st.sampled_from(list(Channel))
purposes = st.sampled_from([*Purpose, "dunning_letter"])


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind, index, description in draw(
        st.lists(st.tuples(kinds, st.integers(0, 7), descriptions), max_size=14)
    ):
        value = VALUES[kind][index]
        if all(point.kind is not kind or point.entered != value for point in contacts):
            contacts = add(contacts, kind, value, description)
    return contacts


rules = st.builds(
    RoutingRule,
    prefer=st.lists(st.sampled_from(DESCRIPTIONS), max_size=3),
    fallback=st.booleans(),
    cc=st.lists(st.sampled_from(DESCRIPTIONS), max_size=3),
)
policies = st.builds(
    RoutingPolicy,
    st.dictionaries(st.tuples(purposes, channels), rules, max_size=6),
    st.just(["dunning_letter"]),
)


def keys(descriptions):
    return {" ".join(d.split()).casefold() for d in descriptions}


class TestRoutingProperties:
    """What holds for every set, policy, purpose and channel."""

    @given(contact_sets(), purposes, channels)
    def test_the_default_policy_answers_exactly_the_primary(self, contacts, purpose, channel):
        policy = RoutingPolicy(purposes=["dunning_letter"])
        answer = route(contacts, purpose, channel=channel, policy=policy)
        primary = contacts.primary(channel.kind)
        assert ((primary,) if primary else ()) == answer.points
        assert (primary is None) == (answer.reason is not None)

    @given(contact_sets(), policies, purposes, channels)
    def test_a_policy_never_answers_a_point_of_another_kind(
        self, contacts, policy, purpose, channel
    ):
        answer = route(contacts, purpose, channel=channel, policy=policy)
        assert all(point.kind is channel.kind for point in answer.points)
        assert all(point in contacts.points for point in answer.points)

    @given(contact_sets(), policies, purposes, channels)
    def test_the_answer_never_repeats_a_point(self, contacts, policy, purpose, channel):
        answer = route(contacts, purpose, channel=channel, policy=policy)
        assert len({point.id for point in answer.points}) == len(answer.points)

    @given(contact_sets(), policies, purposes, channels, st.data())
    def test_adding_an_unrelated_point_never_changes_the_answer(
        self, contacts, policy, purpose, channel, data
    ):
        kind, index, description = data.draw(st.tuples(kinds, st.integers(0, 7), descriptions))
        rule = policy.rule(purpose, channel)
        unrelated = kind is not channel.kind or (
            contacts.primary(kind) is not None
            and (description is None or keys([description]).isdisjoint(keys(rule.prefer + rule.cc)))
        )
        assume(unrelated)
        value = VALUES[kind][index]
        assume(all(point.kind is not kind or point.entered != value for point in contacts))
        before = route(contacts, purpose, channel=channel, policy=policy)
        after = route(
            add(contacts, kind, value, description), purpose, channel=channel, policy=policy
        )
        assert before == after

    @given(contact_sets(), policies, purposes, channels)
    def test_required_raises_exactly_when_the_answer_is_empty(
        self, contacts, policy, purpose, channel
    ):
        answer = route(contacts, purpose, channel=channel, policy=policy)
        try:
            required = route(contacts, purpose, channel=channel, policy=policy, required=True)
        except NoRecipientError as error:
            assert not answer.found
            assert answer.reason == error.reason
        else:
            assert answer == required
            assert isinstance(required, Recipients)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
words = st.sampled_from(
    ["purposes", "rules", "invoice", "notification", "email", "sms", "prefer", "fallback", "cc"]
)
config_like = st.recursive(
    st.booleans() | st.text() | words | st.lists(st.text() | words, max_size=3),
    lambda inner: st.dictionaries(words | st.text(), inner, max_size=4),
    max_leaves=25,
)


class TestArbitraryConfiguration:
    """No configuration text makes the policy builder crash: a policy or a clear error."""

    @given(json_values | config_like)
    def test_any_plain_data_gives_a_policy_or_a_clear_error(self, config):
        try:
            policy = policy_from_config(config)
        except ContactValidationError as error:
            assert error.code.startswith(("routing.", "description."))
            assert all(problem.message for problem in error.errors)
        else:
            assert isinstance(policy, RoutingPolicy)

    @given(st.text() | st.binary() | (json_values | config_like).map(json.dumps))
    def test_any_text_gives_a_policy_or_a_clear_error(self, text):
        try:
            policy_from_json(text)
        except ContactValidationError as error:
            assert error.code.startswith(("routing.", "description."))

    @given(st.text())
    def test_any_purpose_name_gives_an_answer_or_a_clear_error(self, purpose):
        try:
            route(ContactSet(), purpose)
        except ContactValidationError as error:
            assert "routing.purpose" == error.code
