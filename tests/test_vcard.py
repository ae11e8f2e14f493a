"""vCard 4.0 export and 2.1/3.0/4.0 import: RFC 6350 lines, primaries, labels, clear refusals."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactSet, ContactValidationError, FormatError, add
from contactbook.interchange.vcard import dump_vcard, load_vcard
from contactbook.validation import normalize_description

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "ann@example.com")
    s = add(s, MOBILE, "06 12345678", country="NL")
    s = add(s, EMAIL, "facturen@example.nl", "Billing Contact")
    s = add(s, PHONE, "020 123 4567", "Head office; reception, desk\\2", country="NL")
    s = add(s, WEBSITE, "example.com")
    return add(s, MOBILE, "+44 7911 123456", "Emergency Contact")


def summary(contacts):
    return [(p.kind, p.value, p.description, contacts.is_primary(p)) for p in contacts]


def physical_lines(card):
    assert card.endswith("\r\n")
    return card[:-2].split("\r\n")


class TestExport:
    """A set is written as one RFC 6350 card: PREF=1 primaries, tel: URIs, X-ABLabel groups."""

    def test_whole_card(self, contacts):
        assert [
            "BEGIN:VCARD",
            "VERSION:4.0",
            "FN:Customer 1001",
            "UID:urn:contactbook:customer:1001",
            "EMAIL;PREF=1:ann@example.com",
            "TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+31-6-12345678",
            "item1.EMAIL:facturen@example.nl",
            "item1.X-ABLabel:Billing Contact",
            "item2.TEL;VALUE=uri;TYPE=voice;PREF=1:tel:+31-20-123-4567",
            "item2.X-ABLabel:Head office\\; reception\\, desk\\\\2",
            "URL;PREF=1:https://example.com",
            "item3.TEL;VALUE=uri;TYPE=cell:tel:+44-7911-123456",
            "item3.X-ABLabel:Emergency Contact",
            "END:VCARD",
        ] == physical_lines(
            dump_vcard(contacts, full_name="Customer 1001", uid="urn:contactbook:customer:1001")
        )

    def test_empty_set_is_a_card_with_a_name_only(self):
        assert ["BEGIN:VCARD", "VERSION:4.0", "FN:Nobody\\, Inc.", "END:VCARD"] == (
            physical_lines(dump_vcard(ContactSet(), full_name="Nobody, Inc."))
        )

    def test_long_lines_fold_at_75_octets_without_splitting_characters(self):
        label = "Ünïcödé " * 12
        contacts = add(ContactSet(), EMAIL, "a@example.com", label[:100])
        card = dump_vcard(contacts, full_name="€" * 60)
        lines = physical_lines(card)
        assert all(len(line.encode("utf-8")) <= 75 for line in lines)
        assert any(line.startswith(" ") for line in lines)
        assert "FN:" + "€" * 60 in card.replace("\r\n ", "")


class TestImport:
    """Cards of version 2.1, 3.0 and 4.0 are read; unusable lines are reported, not fatal."""

    def test_apple_style_3_0_card(self):
        card = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Vries;Ann;;;\r\nFN:Ann de Vries\r\n"
            "TEL;type=WORK;type=VOICE:020 123 4567\r\n"
            "TEL;type=CELL:06 87654321\r\n"
            "TEL;type=CELL;type=pref:06 12345678\r\n"
            "item1.EMAIL;type=INTERNET:facturen@example.nl\r\n"
            "item1.X-ABLabel:_$!<Work>!$_\r\n"
            "ADR;type=HOME:;;Dam 1;Amsterdam;;1012 JS;Netherlands\r\n"
            "END:VCARD\r\n"
        )
        result = load_vcard(card, country="NL")
        assert [
            (PHONE, "+31201234567", "Work", True),
            (MOBILE, "+31612345678", None, True),
            (MOBILE, "+31687654321", None, False),
            (EMAIL, "facturen@example.nl", "Work", True),
        ] == summary(result.contacts)
        assert [(10, "vcard.unsupported")] == [(s.location.line, s.code) for s in result.skipped]

    def test_4_0_pref_decides_the_primary(self):
        card = (
            "BEGIN:VCARD\nVERSION:4.0\nFN:x\n"
            "EMAIL;PREF=50:b@example.com\nEMAIL;PREF=2:a@example.com\n"
            'TEL;VALUE=uri;TYPE="cell,voice":tel:+31-6-12345678\n'
            "TEL;VALUE=uri:sip:ann@example.com\nEND:VCARD\n"
        )
        result = load_vcard(card)
        assert [
            (EMAIL, "a@example.com", None, True),
            (EMAIL, "b@example.com", None, False),
            (MOBILE, "+31612345678", None, True),
        ] == summary(result.contacts)
        assert ["vcard.unsupported"] == [s.code for s in result.skipped]

    def test_refused_values_duplicates_and_bad_lines_are_reported(self):
        card = (
            "BEGIN:VCARD\nVERSION:4.0\nFN:x\nEMAIL:not-an-address\nEMAIL:a@example.com\n"
            "EMAIL:A@EXAMPLE.com\nTEL:020 1234567\nURL:javascript:alert(1)\n"
            "TEL;VALUE=uri:sip:ann@example.com\ngarbage without colon\n"
            "TEL;VALUE=uri:tel:+31-20-1234567;ext=12\nEND:VCARD\n"
            "BEGIN:VCARD\nVERSION:4.0\nEMAIL:second@example.com\nEND:VCARD\n"
        )
        result = load_vcard(card)
        assert [
            (4, "email.invalid"),
            (6, "contact.duplicate"),
            (7, "phone.country_required"),
            (8, "website.scheme"),
            (9, "vcard.unsupported"),
            (10, "vcard.line"),
            (11, "phone.extension"),
            (13, "vcard.card"),
        ] == [(s.location.line, s.code) for s in result.skipped]
        assert [(EMAIL, "a@example.com", None, True)] == summary(result.contacts)
        assert all(s.message for s in result.skipped)

    def test_folded_bytes_with_a_bom_are_read(self):
        card = "\ufeffBEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nitem1.EMAIL:a@exa\r\n mple.com\r\n"
        card += "item1.X-ABLabel:Factuur\\, afdeling\\nZuid\r\nEND:VCARD\r\n"
        result = load_vcard(card.encode("utf-8"))
        assert [(EMAIL, "a@example.com", "Factuur, afdeling Zuid", True)] == summary(
            result.contacts
        )

    def test_a_pref_that_is_no_number_is_ignored(self):
        card = "BEGIN:VCARD\nVERSION:4.0\nFN:x\nEMAIL;PREF=\u00b2:a@example.com\nEND:VCARD\n"
        result = load_vcard(card)
        assert [(EMAIL, "a@example.com", None, True)] == summary(result.contacts)
        assert () == result.skipped

    def test_fixed_line_number_as_mobile_is_a_warning(self):
        card = "BEGIN:VCARD\nVERSION:4.0\nFN:x\nTEL;TYPE=cell:+31 20 1234567\nEND:VCARD\n"
        assert ["mobile.fixed_line"] == [w.code for w in load_vcard(card).warnings]

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("", "format.invalid"),
            ("hello", "format.invalid"),
            ("BEGIN:VCARD\nVERSION:4.0\nEMAIL:a@example.com\n", "format.invalid"),
            ("BEGIN:VCARD\nVERSION:5.0\nEND:VCARD\n", "format.version"),
            ("BEGIN:VCARD\nVERSION:\u00e9\nEND:VCARD\n", "format.version"),
            ("BEGIN:VCARD\n" + "X:" + "a" * 1_000_000, "format.invalid"),
        ],
        ids=["empty", "not a card", "cut short", "5.0", "odd version", "huge"],
    )
    def test_unreadable_input_is_a_format_error(self, text, code):
        with pytest.raises(FormatError) as caught:
            load_vcard(text)
        assert code == caught.value.code
        assert str(caught.value)

    def test_a_card_without_version_is_read_as_any_other(self):
        card = "BEGIN:VCARD\nFN:x\nEMAIL:a@example.com\nVERSION:3.0\nEND:VCARD\n"
        assert [(EMAIL, "a@example.com", None, True)] == summary(load_vcard(card).contacts)
        no_version = "BEGIN:VCARD\nEMAIL:a@example.com\nEND:VCARD\n"
        assert [(EMAIL, "a@example.com", None, True)] == summary(load_vcard(no_version).contacts)

    def test_bytes_that_are_not_utf_8_are_read_as_windows_1252(self):
        card = (
            b"BEGIN:VCARD\nVERSION:2.1\nitem1.EMAIL:a@example.com\n"
            b"item1.X-ABLabel:B\xfcro\nEND:VCARD\n"
        )
        assert [(EMAIL, "a@example.com", "B\u00fcro", True)] == summary(load_vcard(card).contacts)

    def test_unknown_country_is_refused(self):
        with pytest.raises(ContactValidationError, match="two letters"):
            load_vcard("BEGIN:VCARD\nVERSION:4.0\nEND:VCARD\n", country="Netherlands")


descriptions = st.none() | st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=100
).map(lambda text: normalize_description(text) if len(text.strip()) else None).filter(
    lambda d: d is None or len(d) <= 100
)
VALUES = [
    (EMAIL, "ann@example.com"),
    (EMAIL, "Jürgen.Müller@bücher.de"),
    (EMAIL, "x,y;z@example.org"),
    (PHONE, "+31 20 123 4567"),
    (PHONE, "+1 212 555 0100"),
    (MOBILE, "+31 6 12345678"),
    (MOBILE, "+44 7911 123456"),
    (WEBSITE, "https://example.com/a,b;c?q=1\\2"),
    (WEBSITE, "bücher.de"),
]


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind, value in draw(st.lists(st.sampled_from(VALUES), unique=True, max_size=9)):
        with contextlib.suppress(ContactValidationError):
            contacts = add(contacts, kind, value, draw(descriptions))
    return contacts


class TestProperties:
    """Round trips keep every value, primary and description; no input crashes the reader."""

    @given(contact_sets())
    def test_export_then_import_keeps_values_primaries_and_descriptions(self, contacts):
        result = load_vcard(dump_vcard(contacts, full_name="Customer"))
        assert () == result.skipped
        assert summary(contacts) == summary(result.contacts)

    @given(st.text(st.characters(), max_size=300))
    def test_any_full_name_folds_and_unfolds(self, name):
        card = dump_vcard(ContactSet(), full_name=name)
        assert all(len(line.encode("utf-8")) <= 75 for line in physical_lines(card))
        unfolded = card.replace("\r\n ", "").split("\r\n")
        assert 5 == len(unfolded)
        assert unfolded[2].startswith("FN:")

    @given(
        st.lists(
            st.sampled_from(["BEGIN:VCARD", "VERSION:4.0", "VERSION:3.0", "END:VCARD", "EMAIL:"])
            | st.text(max_size=60),
            max_size=12,
        ),
        st.sampled_from(["\r\n", "\n", "\r"]),
    )
    def test_any_text_is_read_or_refused_clearly(self, lines, newline):
        try:
            result = load_vcard(newline.join(lines), country="NL")
        except FormatError as error:
            assert error.code in {"format.invalid", "format.version"}
        else:
            assert all(s.code and s.message for s in result.skipped)
