"""Register contactbook's strategies with Hypothesis, for ``st.from_type``.

Hypothesis runs the entry point's hook (the top-level module ``_contactbook_hypothesis``,
declared in ``pyproject.toml``) when it is imported; once ``contactbook.model`` is
imported too, the hook calls :func:`register`, and from then on
``st.from_type(ContactSet)``, ``st.from_type(ContactPoint)`` and
``st.from_type(ContactKind)`` draw contactbook values (and so do ``st.builds`` and
``@given`` with type annotations). Set ``HYPOTHESIS_NO_PLUGINS=1`` to switch it off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from contactbook.model import ContactKind, ContactPoint, ContactSet


def register() -> None:
    """Register a strategy for each contactbook type (cheap: each is built when first asked for)."""
    # Imported here, not at the top: Hypothesis may still be being imported when the hook
    # calls this, and contactbook.testing.strategies (with phonenumbers' metadata) loads
    # only when a test first draws one of these types.
    from hypothesis import strategies as st  # noqa: PLC0415 -- see above

    from contactbook.model import ContactKind, ContactPoint, ContactSet  # noqa: PLC0415

    # A function of the type, not a strategy: Hypothesis calls it at st.from_type time.
    st.register_type_strategy(ContactSet, _contact_sets)
    st.register_type_strategy(ContactPoint, _contact_points)
    st.register_type_strategy(ContactKind, _contact_kinds)


def _contact_sets(_: type[ContactSet], /) -> st.SearchStrategy[ContactSet]:
    from contactbook.testing import strategies  # noqa: PLC0415 -- see register()

    # Sets of any billing country, or of none: the country a set was entered in is part
    # of the value (phone points keep it).
    return strategies.contact_sets() | strategies.countries().flatmap(
        lambda country: strategies.contact_sets(country=country)
    )


def _contact_points(_: type[ContactPoint], /) -> st.SearchStrategy[ContactPoint]:
    from contactbook.testing import strategies  # noqa: PLC0415 -- see register()

    return strategies.contact_points()


def _contact_kinds(_: type[ContactKind], /) -> st.SearchStrategy[ContactKind]:
    from contactbook.testing import strategies  # noqa: PLC0415 -- see register()

    return strategies.contact_kinds()
