"""Deprecated: The contact card moved to :mod:`contactbook.presentation.card`.

``import contactbook.card`` still works in this release and warns
(``DeprecationWarning``); it goes in the next. Import from
:mod:`contactbook.presentation.card`, or take the names from the ``contactbook`` package.
"""

import warnings as _warnings
from typing import Any as _Any

from contactbook.presentation import card as _moved
from contactbook.presentation.card import *  # noqa: F403 -- the old path re-exports the new
from contactbook.presentation.card import __all__ as __all__  # noqa: PLC0414 -- re-exported

_warnings.warn(
    "contactbook.card is deprecated and goes in the next release; "
    "import contactbook.presentation.card instead",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> _Any:
    # Whatever else the module held (its private helpers) still resolves, from the new home.
    return getattr(_moved, name)
