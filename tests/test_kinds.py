"""A kind is one row: the table of kinds has every entry, and every place reads it."""

import io
from collections import Counter

import attrs
import pytest

from contactbook import ContactKind, ContactSet, add
from contactbook.interchange.csv_read import Columns, open_export
from contactbook.interchange.vcard import dump_vcard, load_vcard
from contactbook.messages import Message
from contactbook.model import KINDS, PHONE_KINDS, Family, KindSpec, KindTexts, Link, _spec
from contactbook.presentation.card import CardLabels, display_value, safe_link
from contactbook.vocabulary import KIND_NAMES, KIND_SPELLINGS, LABELS, NOUNS

# A value each family accepts, read in the Netherlands.
VALUES = {
    Family.EMAIL: ("ann@example.com", "ann@example.com"),
    Family.PHONE: ("020 123 4567", "+31201234567"),
    Family.WEBSITE: ("example.com", "https://example.com"),
}


@pytest.fixture(scope="module")
def every_kind():
    """A set with one point of each kind, in the card's order."""
    contacts = ContactSet()
    for kind, spec in KINDS.items():
        contacts = add(contacts, kind, VALUES[spec.family][0], country="NL")
    return contacts


class TestTheTable:
    """The table is built for every kind, and each row has every entry."""

    @pytest.mark.parametrize("kind", list(ContactKind))
    def test_every_kind_has_a_row_with_every_entry(self, kind):
        spec = _spec(kind)  # the match with assert_never: a kind without a row raises
        assert spec == KINDS[kind]
        assert kind is spec.kind
        assert all(getattr(spec, field.name) is not None for field in attrs.fields(KindSpec))
        assert isinstance(spec.family, Family)
        assert isinstance(spec.link, Link)
        for text in (spec.label, spec.noun):
            assert isinstance(text, Message)
            assert text.strip() == text != ""
        assert "{value}" in spec.duplicate
        assert kind.value == spec.spellings[0]
        words = [*spec.spellings, *spec.vcard_types, *spec.label_words]
        assert all(word == word.strip().casefold() != "" for word in words)
        assert spec.vcard == spec.vcard.upper() != ""

    def test_the_table_has_the_kinds_in_the_cards_order(self):
        assert list(ContactKind) == list(KINDS)

    def test_no_spelling_or_vcard_type_names_two_kinds(self):
        spellings = Counter(word for spec in KINDS.values() for word in spec.spellings)
        types = Counter((spec.vcard, word) for spec in KINDS.values() for word in spec.vcard_types)
        assert [] == [word for word, count in (spellings + types).items() if count > 1]

    def test_the_phone_kinds_are_written_once_from_the_families(self):
        assert {ContactKind.PHONE, ContactKind.MOBILE} == PHONE_KINDS
        assert {kind for kind, spec in KINDS.items() if spec.family is Family.PHONE} == PHONE_KINDS

    def test_the_vocabulary_is_read_from_the_table(self):
        assert {k: (s.label, s.noun) for k, s in KINDS.items()} == {
            kind: (LABELS[kind], NOUNS[kind]) for kind in ContactKind
        }
        assert {s: k for k, spec in KINDS.items() for s in spec.spellings} == dict(KIND_SPELLINGS)
        assert {kind.value: kind for kind in KINDS} == dict(KIND_NAMES)


class TestKindTexts:
    """A text per kind: every kind has one; a key that is no kind is refused."""

    def test_a_kind_left_out_gets_its_default(self):
        texts = KindTexts.of({ContactKind.PHONE: "Telefoon"}, LABELS.__getitem__)
        assert {**LABELS, ContactKind.PHONE: "Telefoon"} == dict(texts)

    def test_a_key_that_is_no_kind_is_refused(self):
        with pytest.raises(TypeError, match="ContactKind members, not 'phone'"):
            KindTexts.of({"phone": "Telefoon"}, LABELS.__getitem__)  # type: ignore[dict-item]

    def test_the_card_and_the_columns_name_every_kind(self):
        labels, columns = CardLabels(), Columns(email="E-mail")
        assert [(LABELS[k], NOUNS[k]) for k in ContactKind] == [
            (labels.kind(k), labels.noun(k)) for k in ContactKind
        ]
        assert ["E-mail", *(kind.value for kind in list(ContactKind)[1:])] == [
            columns.names()[kind.value] for kind in ContactKind
        ]

    def test_a_column_that_is_no_kind_is_refused(self):
        with pytest.raises(TypeError, match="no column 'fax'"):
            Columns(fax="Fax")


class TestEveryPlaceReadsTheTable:
    """Each reader and writer handles every kind of the table, as its row says."""

    def test_a_phone_kind_keeps_its_billing_country(self, every_kind):
        assert [("NL" if kind in PHONE_KINDS else None) for kind in ContactKind] == [
            point.country for point in every_kind
        ]

    def test_the_card_links_each_kind_as_its_row_says(self, every_kind):
        scheme = {Link.MAILTO: "mailto:", Link.TEL: "tel:", Link.WEB: "https:"}
        for point in every_kind:
            link = safe_link(point)
            assert link is not None
            assert link.startswith(scheme[KINDS[point.kind].link])
            assert display_value(point) != ""

    def test_every_kind_goes_through_a_vcard_and_back(self, every_kind):
        card = dump_vcard(every_kind, full_name="Ann")
        for spec in KINDS.values():
            assert f"\r\n{spec.vcard}" in card
        back = load_vcard(card)
        assert [] == list(back.skipped)
        assert [(p.kind, p.value) for p in every_kind] == [(p.kind, p.value) for p in back.contacts]

    def test_every_kind_has_its_own_csv_column(self):
        header = ",".join(["customer_id", *(kind.value for kind in ContactKind)])
        export = open_export(io.BytesIO(f"{header}\r\n".encode()))
        assert list(ContactKind) == [value.kind for value in export.layout.values]

    def test_a_telephone_line_with_no_other_kinds_type_is_a_telephone(self):
        card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL;TYPE=work:020 123 4567\r\nEND:VCARD\r\n"
        assert [ContactKind.PHONE] == [p.kind for p in load_vcard(card, country="NL").contacts]
