"""A host's first property test of contactbook's types, with Hypothesis' default settings.

scripts/test installs the built wheel with its ``testing`` extra into a new, empty
environment and runs this file in a fresh folder (no ``.hypothesis`` example database,
none of the project's settings profiles), as a billing team's first CI run would: the
kit's strategies must pass Hypothesis' health checks from a cold start.
"""

from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactPoint, ContactSet
from contactbook.validation import normalize


@given(st.from_type(ContactSet))
def test_the_primary_is_the_first_point_of_its_kind(contacts: ContactSet) -> None:
    for kind in ContactKind:
        assert contacts.primary(kind) == next(iter(contacts.of_kind(kind)), None)


@given(st.from_type(ContactPoint))
def test_a_point_holds_what_it_was_entered_as_normalized(point: ContactPoint) -> None:
    assert point.value == normalize(point.kind, point.entered, country=point.country)
