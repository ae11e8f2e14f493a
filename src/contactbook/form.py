"""Deprecated: The edit window's model moved to :mod:`contactbook.presentation.form`.

``import contactbook.form`` still works in this release and warns
(``DeprecationWarning``); it goes in the next. Import from
:mod:`contactbook.presentation.form`, or take the names from the ``contactbook`` package.
"""

import warnings as _warnings
from typing import Any as _Any

from contactbook.presentation import form as _moved
from contactbook.presentation.form import *  # noqa: F403 -- the old path re-exports the new
from contactbook.presentation.form import __all__ as __all__  # noqa: PLC0414 -- re-exported

_warnings.warn(
    "contactbook.form is deprecated and goes in the next release; "
    "import contactbook.presentation.form instead",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str) -> _Any:
    # Whatever else the module held (its private helpers) still resolves, from the new home.
    return getattr(_moved, name)
