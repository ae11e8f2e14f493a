"""Deprecated: The activity log's view model moved to :mod:`contactbook.presentation.activity`.

``import contactbook.activity`` still works in this release and warns
(``DeprecationWarning``); it goes in the next. Import from
:mod:`contactbook.presentation.activity`, or take the names from the ``contactbook`` package.
"""

import warnings as _warnings
from typing import Any as _Any

from contactbook.presentation import activity as _moved
from contactbook.presentation.activity import *  # noqa: F403 -- the old path re-exports the new
from contactbook.presentation.activity import __all__ as __all__  # noqa: PLC0414 -- re-exported

_warnings.warn(
    "contactbook.activity is deprecated and goes in the next release; "
    "import contactbook.presentation.activity instead",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> _Any:
    # Whatever else the module held (its private helpers) still resolves, from the new home.
    return getattr(_moved, name)
