"""The contact card: primary section, additional groups, empty state, Change button."""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactPoint, ContactSet, PermissionDeniedError, add
from contactbook.adapters.memory import GrantTable, InMemoryStore
from contactbook.model import description_key
from contactbook.ports import Permission
from contactbook.presentation.card import CardLabels, CardRow, ContactCard, display_value, safe_link
from contactbook.service import ContactService
from contactbook.validation import normalize_website

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@pytest.fixture
def contacts():
    # Added in an order unlike the card's, to show the card imposes its own.
    s = add(ContactSet(), WEBSITE, "example.com", "Shop")  # 1
    s = add(s, MOBILE, "06 12345678", country="NL")  # 2
    s = add(s, EMAIL, "info@example.com")  # 3
    s = add(s, PHONE, "020 1234567", "Reception", country="NL")  # 4
    s = add(s, EMAIL, "billing@example.com", "Billing Contact")  # 5
    s = add(s, MOBILE, "+31687654321")  # 6
    s = add(s, PHONE, "+31207654321", "billing contact")  # 7
    s = add(s, EMAIL, "ceo@example.com", "Emergency Contact")  # 8
    return add(s, EMAIL, "old@example.com")  # 9


def rows(card):
    return [(row.label, row.value, row.href, row.description) for row in card.primary]


class TestPrimarySection:
    """The primaries at the top: Email, Telephone, Mobile, Website, in that order."""

    def test_primaries_in_the_fixed_order_with_value_link_and_description(self, contacts):
        assert [
            ("Email Address", "info@example.com", "mailto:info@example.com", None),
            ("Telephone", "+31 20 123 4567", "tel:+31-20-123-4567", "Reception"),
            ("Mobile Phone", "+31 6 12345678", "tel:+31-6-12345678", None),
            ("Website", "https://example.com", "https://example.com", "Shop"),
        ] == rows(ContactCard.build(contacts))

    def test_rows_name_their_points(self, contacts):
        card = ContactCard.build(contacts)
        assert [(3, EMAIL), (4, PHONE), (2, MOBILE), (1, WEBSITE)] == [
            (row.point_id, row.kind) for row in card.primary
        ]

    def test_a_kind_without_points_has_no_row(self):
        card = ContactCard.build(add(ContactSet(), MOBILE, "+31612345678"))
        assert [MOBILE] == [row.kind for row in card.primary]
        assert () == card.additional

    def test_the_primary_section_is_derived_from_the_set(self, contacts):
        card = ContactCard.build(contacts)
        assert [point.id for point in contacts.primaries().values()] == [
            row.point_id for row in card.primary
        ]


class TestAdditionalSection:
    """Other points below, grouped by description as first entered; none last."""

    def test_groups_in_order_of_first_appearance_case_insensitively(self, contacts):
        card = ContactCard.build(contacts)
        assert [
            ("Billing Contact", "Billing Contact", [5, 7]),
            ("Emergency Contact", "Emergency Contact", [8]),
            ("Other", None, [6, 9]),
        ] == [
            (group.label, group.description, [row.point_id for row in group.rows])
            for group in card.additional
        ]

    def test_rows_keep_their_own_description_and_kind_label(self, contacts):
        billing = ContactCard.build(contacts).additional[0]
        assert [("Email Address", "Billing Contact"), ("Telephone", "billing contact")] == [
            (row.label, row.description) for row in billing.rows
        ]

    def test_the_group_without_description_comes_last_even_if_first(self):
        s = add(add(ContactSet(), EMAIL, "a@example.com"), EMAIL, "b@example.com")
        s = add(s, EMAIL, "c@example.com", "Work")
        assert ["Work", "Other"] == [g.label for g in ContactCard.build(s).additional]


class TestEmptyState:
    """No details: no rows, the empty message, and the Change button if the actor may edit."""

    def test_empty_card_says_so(self):
        card = ContactCard.build(ContactSet())
        assert ((), (), True) == (card.primary, card.additional, card.is_empty)
        assert "This customer has no contact details." == card.empty_message

    def test_empty_card_invites_to_click_change_when_the_actor_may_edit(self):
        card = ContactCard.build(ContactSet(), can_edit=True)
        assert "Click Change" in card.empty_message

    def test_a_card_with_details_has_no_empty_message(self, contacts):
        card = ContactCard.build(contacts)
        assert (False, None) == (card.is_empty, card.empty_message)

    @pytest.mark.parametrize("can_edit", [True, False])
    def test_the_change_button_follows_may_edit(self, contacts, can_edit):
        assert can_edit is ContactCard.build(contacts, can_edit=can_edit).can_edit


class TestLabels:
    """Every text comes from one CardLabels value, which a host replaces to translate."""

    def test_a_host_translates_the_card(self, contacts):
        dutch = CardLabels(
            kinds={EMAIL: "E-mailadres", PHONE: "Telefoon", MOBILE: "Mobiel"},
            no_description="Overig",
        )
        card = ContactCard.build(contacts, labels=dutch)
        assert ["E-mailadres", "Telefoon", "Mobiel", "Website"] == [r.label for r in card.primary]
        assert "Overig" == card.additional[-1].label
        assert dutch == card.labels
        assert (
            "Leeg" == ContactCard.build(ContactSet(), labels=CardLabels(empty="Leeg")).empty_message
        )

    def test_labels_are_frozen_and_plain_strings(self):
        labels = CardLabels()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            labels.title = "Mail"  # type: ignore[misc]
        texts = attrs.asdict(labels, recurse=False)
        kinds, nouns = texts.pop("kinds"), texts.pop("nouns")
        assert all(isinstance(value, str) for value in [*texts.values(), *kinds.values()])
        assert all(isinstance(value, str) for value in nouns.values())
        assert ["Email Address", "Telephone", "Mobile Phone", "Website"] == [
            labels.kind(kind) for kind in ContactKind
        ]


class TestValuesAndLinks:
    """Values are shown as people read them; links are safe whatever the stored value."""

    def test_phone_numbers_in_international_format_and_rfc_3966(self):
        point = ContactPoint(1, MOBILE, "+31612345678")
        assert ("+31 6 12345678", "tel:+31-6-12345678") == (
            display_value(point),
            safe_link(point),
        )

    def test_mailto_escapes_what_would_start_headers_or_fragments(self):
        point = ContactPoint(1, EMAIL, "a&b?c#d%e@example.com")
        assert "mailto:a%26b%3Fc%23d%25e@example.com" == safe_link(point)
        assert "a&b?c#d%e@example.com" == display_value(point)

    def test_mailto_escapes_non_ascii_as_utf8(self):
        point = ContactPoint(1, EMAIL, "jöhn@bücher.de")
        assert "mailto:j%C3%B6hn@b%C3%BCcher.de" == safe_link(point)

    def test_an_internationalised_host_is_shown_decoded_and_linked_encoded(self):
        s = add(ContactSet(), WEBSITE, "https://bücher.de/ä")
        (row,) = ContactCard.build(s).primary
        assert ("https://bücher.de/%C3%A4", "https://xn--bcher-kva.de/%C3%A4") == (
            row.value,
            row.href,
        )

    def test_a_host_that_mixes_scripts_stays_encoded(self):
        # A Cyrillic a (U+0430) then "pple.com": shown decoded, it would pass for apple.com.
        s = add(ContactSet(), WEBSITE, "https://\u0430pple.com:8080/")
        assert "https://xn--pple-43d.com:8080" == ContactCard.build(s).primary[0].value

    def test_http_stays_http(self):
        point = ContactPoint(1, WEBSITE, "http://example.com")
        assert "http://example.com" == safe_link(point)

    @pytest.mark.parametrize(
        "value",
        [
            "javascript:alert(1)",
            "JAVASCRIPT://%0aalert(1)",
            "data:text/html,<script>",
            " https://example.com",
            'https://example.com/"onmouseover="x',
            "https://exa mple.com",
        ],
    )
    def test_a_hand_built_website_that_is_not_safe_has_no_link(self, value):
        point = ContactPoint(1, WEBSITE, value)
        assert (None, value) == (safe_link(point), display_value(point))

    @pytest.mark.parametrize(
        "value",
        [
            "http://user:pw@x.com",
            "https://good.com%5C@evil.com",
            "https://127.0.0.1",
            "https://[1:0::]",
            "https://a.b.c.xn--pokxncvks",
        ],
    )
    def test_a_website_from_outside_is_checked_not_trusted(self, value):
        assert None is safe_link(ContactPoint(1, WEBSITE, value))

    def test_a_single_quote_cannot_end_a_single_quoted_attribute(self):
        typed = "https://example.com/'onmouseover='alert(1)"
        point = ContactPoint(1, WEBSITE, normalize_website(typed))
        assert "https://example.com/%27onmouseover=%27alert(1)" == safe_link(point)
        assert None is safe_link(ContactPoint(1, WEBSITE, typed))  # not what the rules store
        assert "mailto:o%27brien@x.com" == safe_link(ContactPoint(1, EMAIL, "o'brien@x.com"))

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ("https://xn--80ak6aa92e.com", "https://xn--80ak6aa92e.com"),  # apple, all Cyrillic
            ("https://xn--ggle-vifa.com", "https://xn--ggle-vifa.com"),  # google, Armenian o's
            ("https://xn--strae-oqa.de", "https://xn--strae-oqa.de"),  # straße: a deviation
            ("https://xn--80aswg.xn--p1ai", "https://сайт.рф"),  # Cyrillic in a Cyrillic TLD
            ("https://xn--80ak6aa92e.xn--p1ai", "https://\u0430\u0440\u0440\u04cf\u0435.рф"),
            ("https://xn--fiq228c.jp", "https://中文.jp"),
            ("https://xn--bcher-kva.de", "https://bücher.de"),
        ],
    )
    def test_a_host_is_shown_decoded_only_where_chromium_would(self, value, shown):
        assert shown == display_value(ContactPoint(1, WEBSITE, value))

    def test_a_stored_phone_the_rules_cannot_read_is_shown_as_stored_without_link(self):
        point = ContactPoint(1, PHONE, "call reception")
        assert ("call reception", None) == (display_value(point), safe_link(point))

    def test_a_row_is_built_from_one_point(self):
        point = ContactPoint(7, EMAIL, "a@example.com", "Work")
        assert CardRow(
            7, EMAIL, "Email Address", "a@example.com", "mailto:a@example.com", "Work"
        ) == (CardRow.of(point))


class TestCardForActor:
    """The card an actor sees comes in one call over the service, with the right permissions."""

    @pytest.fixture
    def service(self):
        store = InMemoryStore()
        grants = GrantTable.of(ann=list(Permission), bob=[Permission.READ_CONTACT_DETAILS], eve=[])
        service = ContactService(store, grants)
        store.save("c1", add(ContactSet(), EMAIL, "a@example.com"), expected_version=0)
        return service

    def test_an_editor_sees_the_change_button(self, service):
        card = ContactCard.for_actor(service, "ann", "c1")
        assert (True, "a@example.com") == (card.can_edit, card.primary[0].value)

    def test_a_reader_sees_the_card_without_the_change_button(self, service):
        assert not ContactCard.for_actor(service, "bob", "c1").can_edit

    def test_the_card_needs_the_read_permission(self, service):
        with pytest.raises(PermissionDeniedError, match="View Customer Contact Details"):
            ContactCard.for_actor(service, "eve", "c1")

    def test_an_unknown_customer_has_the_empty_card(self, service):
        assert ContactCard.for_actor(service, "ann", "nobody").is_empty

    def test_labels_pass_through(self, service):
        card = ContactCard.for_actor(
            service, "bob", "c1", labels=CardLabels(kinds={EMAIL: "E-mail"})
        )
        assert "E-mail" == card.primary[0].label

    def test_the_card_carries_the_version_it_was_read_at(self, service):
        assert (1, None) == (
            ContactCard.for_actor(service, "ann", "c1").version,
            ContactCard.build(ContactSet()).version,
        )

    def test_it_is_the_card_of_the_stored_set(self, service):
        stored = service.read("ann", "c1")
        expected = ContactCard.build(stored.contacts, can_edit=True)
        assert attrs.evolve(expected, version=1) == ContactCard.for_actor(service, "ann", "c1")


# --------------------------------------------------------------------------- properties

VALUES = {
    EMAIL: [f"{name}@example.com" for name in "abcdef"],
    PHONE: [f"+3120123450{n}" for n in range(6)],
    MOBILE: [f"+3161234560{n}" for n in range(6)],
    WEBSITE: [f"{name}.example.com" for name in "abcdef"],
}
DESCRIPTIONS = [None, "Billing Contact", "billing contact", "BILLING  Contact ", "Work", "Ünïcode"]


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind, index, description in draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(ContactKind)),
                st.integers(0, 5),
                st.sampled_from(DESCRIPTIONS),
            ),
            max_size=16,
        )
    ):
        value = VALUES[kind][index]
        if all(point.kind is not kind or point.entered != value for point in contacts):
            contacts = add(contacts, kind, value, description)
    return contacts


class TestCardProperties:
    """For every set: each point shown once, in the right section and group."""

    @given(contact_sets(), st.booleans())
    def test_every_point_is_shown_exactly_once(self, contacts, can_edit):
        card = ContactCard.build(contacts, can_edit=can_edit)
        shown = [row.point_id for row in card.primary] + [
            row.point_id for group in card.additional for row in group.rows
        ]
        assert sorted(point.id for point in contacts) == sorted(shown)
        assert card.is_empty == contacts.is_empty == (card.empty_message is not None)

    @given(contact_sets())
    def test_primary_rows_are_the_primaries_in_card_order(self, contacts):
        card = ContactCard.build(contacts)
        assert list(contacts.primaries().values()) == [
            contacts.get(row.point_id) for row in card.primary
        ]
        assert sorted(card.primary, key=lambda row: list(ContactKind).index(row.kind)) == list(
            card.primary
        )

    @given(contact_sets())
    def test_groups_are_by_description_in_order_of_first_appearance(self, contacts):
        card = ContactCard.build(contacts)
        expected: list[str | None] = []
        for point in contacts.additional():
            key = description_key(point.description)
            if key not in expected:
                expected.append(key)
        if None in expected:
            expected.remove(None)
            expected.append(None)
        assert expected == [description_key(group.description) for group in card.additional]
        for group in card.additional:
            keys = {description_key(row.description) for row in group.rows}
            assert {description_key(group.description)} == keys
            ids = [row.point_id for row in group.rows]
            assert sorted(ids) == ids  # the order they were added in

    @given(
        st.sampled_from(list(ContactKind)),
        st.text() | st.sampled_from(["javascript:x", "http://x", "https://a b", "+31612345678"]),
    )
    def test_any_stored_value_gives_a_safe_link_or_none(self, kind, value):
        point = ContactPoint(1, kind, value)
        link = safe_link(point)
        assert isinstance(display_value(point), str)
        if link is not None:
            assert link.startswith(("mailto:", "tel:", "http://", "https://"))
            assert not any(ch in link for ch in " \"'<>\\`\n\t\x00")
