"""Register contactbook's strategies with Hypothesis, for ``st.from_type``.

Hypothesis runs :func:`_hypothesis_setup_hook` when it is imported, through the
``hypothesis`` entry point declared in ``pyproject.toml``; after that
``st.from_type(ContactSet)``, ``st.from_type(ContactPoint)`` and
``st.from_type(ContactKind)`` draw contactbook values (and so do ``st.builds`` and
``@given`` with type annotations). Set ``HYPOTHESIS_NO_PLUGINS=1`` to switch it off.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each contactbook type (Hypothesis calls this)."""
    # Imported here, not at the top: Hypothesis is still being imported when it calls
    # this hook, and a plugin must cost nothing until then.
    from hypothesis import strategies as st  # noqa: PLC0415 -- see above

    from contactbook.model import ContactKind, ContactPoint, ContactSet  # noqa: PLC0415
    from contactbook.testing import strategies  # noqa: PLC0415 -- see above

    # Sets of any billing country, or of none: the region a set was entered in is part
    # of the value (phone points keep it).
    any_set = strategies.contact_sets() | strategies.regions().flatmap(
        lambda region: strategies.contact_sets(region=region)
    )
    st.register_type_strategy(ContactSet, any_set)
    st.register_type_strategy(ContactPoint, strategies.contact_points())
    st.register_type_strategy(ContactKind, strategies.contact_kinds())
