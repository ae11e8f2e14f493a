"""Names renamed in this release, kept for one more: a module ``__getattr__`` that warns.

A module that renamed public names sets, at its end::

    if not TYPE_CHECKING:
        __getattr__ = renamed(__name__, {"old": "new"}, globals())

Reading ``module.old`` (or ``from module import old``) returns the new object and
raises a :class:`DeprecationWarning` naming the new name; any other unknown name is an
:class:`AttributeError`, as without the hook.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

__all__ = ["renamed"]


def renamed(
    module: str, names: Mapping[str, str], namespace: Mapping[str, object]
) -> Callable[[str], object]:
    """Return a module ``__getattr__`` that serves each old name of ``names`` with a warning."""

    def module_getattr(name: str) -> object:
        new = names.get(name)
        if new is None:
            msg = f"module {module!r} has no attribute {name!r}"
            raise AttributeError(msg)
        warnings.warn(
            f"{module}.{name} is deprecated; use {module}.{new}.",
            DeprecationWarning,
            stacklevel=2,
        )
        return namespace[new]

    return module_getattr
