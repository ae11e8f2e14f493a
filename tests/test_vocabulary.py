"""The vocabulary: each shared word, character set and message written once."""

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactSet, ContactValidationError, add
from contactbook.model import LIMIT_MESSAGE, MAX_POINTS, ContactPoint
from contactbook.presentation.card import CardLabels
from contactbook.vocabulary import (
    BIDI_CONTROLS,
    CONTROL_CHARACTERS,
    KIND_NAMES,
    KIND_SPELLINGS,
    LABELS,
    NOUNS,
    REFUSED,
    REFUSED_IN_DESCRIPTION,
    shown,
)


class TestKinds:
    """Every kind has one input name, a noun and a label; the spellings include the names."""

    def test_each_kind_is_named_by_its_value(self):
        assert {kind.value: kind for kind in ContactKind} == dict(KIND_NAMES)

    def test_the_spreadsheet_spellings_include_every_name(self):
        assert dict(KIND_NAMES).items() <= dict(KIND_SPELLINGS).items()

    def test_every_spelling_is_lower_case_and_trimmed(self):
        assert all(name == name.strip().casefold() for name in KIND_SPELLINGS)

    def test_every_kind_has_a_noun_and_a_label(self):
        assert set(ContactKind) == set(NOUNS) == set(LABELS)

    def test_the_card_defaults_are_the_vocabulary(self):
        labels = CardLabels()
        assert [(LABELS[kind], NOUNS[kind]) for kind in ContactKind] == [
            (labels.kind(kind), labels.noun(kind)) for kind in ContactKind
        ]


class TestRefusedCharacters:
    """The refused characters are the controls but tab, LF and CR, and lone surrogates."""

    def test_the_control_characters_are_category_cc_but_tab_lf_and_cr(self):
        cc = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"}
        assert cc - {"\t", "\n", "\r"} == set(CONTROL_CHARACTERS)

    @given(st.characters(codec=None))
    def test_refused_is_a_control_or_a_surrogate(self, char):
        expected = char in CONTROL_CHARACTERS or unicodedata.category(char) == "Cs"
        assert expected == bool(REFUSED.fullmatch(char))

    @given(st.characters(codec=None))
    def test_a_description_also_refuses_the_bidi_controls(self, char):
        expected = bool(REFUSED.fullmatch(char)) or char in BIDI_CONTROLS
        assert expected == bool(REFUSED_IN_DESCRIPTION.fullmatch(char))

    def test_the_bidi_controls_are_the_embeddings_overrides_and_isolates(self):
        classes = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
        every = {chr(c) for c in range(sys.maxunicode + 1)}
        assert {c for c in every if unicodedata.bidirectional(c) in classes} == set(BIDI_CONTROLS)


class TestShown:
    """shown() quotes and shortens input for a message, as each call site did before."""

    def test_short_text_is_quoted_as_is(self):
        assert "'ann@example.com'" == shown("ann@example.com")

    def test_what_was_typed_is_quoted_as_typed(self):
        assert "'https://good.com\\@evil.com'" == shown("https://good.com\\@evil.com")
        assert "'it's'" == shown("it's")

    def test_only_what_cannot_be_seen_is_escaped(self):
        assert "'a\\x00b\\u200bc'" == shown("a\x00b\u200bc")

    def test_long_text_keeps_limit_characters_the_last_an_ellipsis(self):
        assert "'" + "x" * 39 + "…'" == shown("x" * 41)

    def test_text_of_exactly_the_limit_is_kept_whole(self):
        assert "x" * 60 == shown("x" * 60, 60, quoted=False)

    def test_masked_text_has_each_refused_character_replaced(self):
        assert "a\ufffdb\ufffdc" == shown("a\x00b\x85c", 200, quoted=False, masked=True)

    @given(st.text(), st.integers(1, 300))
    def test_shown_is_never_longer_than_the_limit(self, text, limit):
        assert min(len(text), limit) == len(shown(text, limit, quoted=False))


class TestLimit:
    """One limit, one wording, whichever way a set would outgrow it."""

    def test_adding_to_a_full_set_and_building_a_large_set_say_the_same(self):
        points = [ContactPoint(n, ContactKind.EMAIL, f"a{n}@example.com") for n in range(1, 101)]
        full = ContactSet(points)
        with pytest.raises(ContactValidationError) as added:
            add(full, ContactKind.EMAIL, "one-more@example.com")
        with pytest.raises(ContactValidationError) as built:
            ContactSet([*points, ContactPoint(101, ContactKind.EMAIL, "b@example.com")])
        assert [LIMIT_MESSAGE, LIMIT_MESSAGE] == [added.value.errors[0].message, str(built.value)]

    def test_the_wording_names_the_limit(self):
        assert (
            f"A customer can have at most {MAX_POINTS} contact points; remove one before "
            "adding another." == LIMIT_MESSAGE
        )
