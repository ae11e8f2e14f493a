"""Arbitrary text never crashes: every input gives a value or a ContactValidationError."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ContactKind,
    ContactSet,
    ContactValidationError,
    EditPoint,
    add,
)
from contactbook.operations import apply, edit
from contactbook.validation import (
    normalize_description,
    normalize_email,
    normalize_phone,
    normalize_website,
)

# Any Unicode, surrogates and control characters included, up to a few thousand chars;
# plus shapes that reach deeper into each parser.
any_text = st.text(st.characters(), max_size=3000) | st.text(
    st.characters(codec="utf-8") | st.sampled_from("@.:/+0123456789 ;,-_[]%#?"), max_size=80
)
countries = st.none() | st.sampled_from(["NL", "us", "GB", "xx", "", "001"])


def normalizes_or_refuses(call, *args):
    try:
        result = call(*args)
    except ContactValidationError as error:
        assert error.code
        assert error.message
        assert error.errors
        return None
    return result


class TestNormalizersNeverCrash:
    """Every normalizer returns a str (or None) or raises ContactValidationError."""

    @given(any_text)
    def test_email(self, raw):
        result = normalizes_or_refuses(normalize_email, raw)
        assert result is None or normalize_email(result) == result

    @given(any_text, countries)
    def test_phone(self, raw, country):
        result = normalizes_or_refuses(normalize_phone, raw, country)
        assert result is None or normalize_phone(result) == result

    @given(any_text)
    def test_website(self, raw):
        result = normalizes_or_refuses(normalize_website, raw)
        assert result is None or normalize_website(result) == result

    @given(any_text)
    def test_description(self, raw):
        result = normalizes_or_refuses(normalize_description, raw)
        assert result is None or normalize_description(result) == result

    @pytest.mark.parametrize("size", [10_000, 1_000_000])
    def test_huge_strings_are_refused(self, size):
        for call in (normalize_email, normalize_phone, normalize_website, normalize_description):
            with pytest.raises(ContactValidationError):
                call("9" * size)


class TestOperationsNeverCrash:
    """add, edit and apply refuse arbitrary text cleanly and change nothing."""

    @given(st.sampled_from(list(ContactKind)), any_text, st.none() | any_text, countries)
    def test_add(self, kind, raw, description, country):
        start = add(ContactSet(), ContactKind.EMAIL, "a@example.com")
        try:
            result = add(start, kind, raw, description, country=country)
        except ContactValidationError:
            return
        assert len(start) + 1 == len(result)

    @given(any_text, st.none() | any_text)
    def test_edit(self, raw, description):
        start = add(ContactSet(), ContactKind.MOBILE, "+31 6 12345678")
        with contextlib.suppress(ContactValidationError):
            edit(start, 1, value=raw, description=description)

    @given(st.lists(st.tuples(st.sampled_from(list(ContactKind)), any_text), max_size=5))
    def test_apply_is_all_or_nothing(self, changes):
        start = add(ContactSet(), ContactKind.EMAIL, "a@example.com")
        batch = [AddPoint(kind, raw) for kind, raw in changes] + [EditPoint(1, description="x")]
        try:
            outcome = apply(start, batch, country="NL")
        except BatchValidationError as error:
            assert {p.index for p in error.errors} <= set(range(len(batch)))
            return
        assert len(start) + len(changes) == len(outcome.contacts)
