"""Tools for testing code that embeds contactbook (needs the ``[testing]`` extra).

- :mod:`contactbook.testing.strategies`: Hypothesis strategies for raw inputs (valid,
  and invalid with the error code they must give), contact points, sets and batches.
  ``st.from_type(ContactSet)``, ``ContactPoint`` and ``ContactKind`` work too: the
  strategies are registered through Hypothesis' plugin entry point.
- :mod:`contactbook.testing.machine`: :class:`~contactbook.testing.machine.PrimaryRulesMachine`,
  a rule-based state machine of the primary rules that drives your storage or API.
- :mod:`contactbook.testing.contracts`: the contract test suites for your repository
  and audit sink, as pytest classes you subclass.

The core never imports this package; only it needs Hypothesis and pytest.
"""

import sys

if "pytest" in sys.modules:
    # Under pytest, let the shipped suites' assert statements explain their failures
    # (pytest rewrites asserts only in modules it is told about, before their import).
    sys.modules["pytest"].register_assert_rewrite(
        "contactbook.testing.contracts", "contactbook.testing.machine"
    )
