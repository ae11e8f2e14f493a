"""contactbook's Hypothesis plugin entry point: cheap to load, registers lazily.

Hypothesis loads this module and calls :func:`_hypothesis_setup_hook` on every
``import hypothesis`` in an environment where contactbook (the distribution
``contactbook-billing``) is installed, whether or not the process ever uses contactbook.
So it lives outside the ``contactbook`` package (loading it imports nothing of
contactbook, attrs or the validators) and registers contactbook's strategies for
``st.from_type`` only once ``contactbook.model`` is imported: at once if it already is,
otherwise right after its import, through a one-shot import hook. The registration
itself is :func:`contactbook.testing._hypothesis_plugin.register`.
Set ``HYPOTHESIS_NO_PLUGINS=1`` to switch it off.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

_MODEL = "contactbook.model"


def _register() -> None:
    from contactbook.testing._hypothesis_plugin import register  # noqa: PLC0415

    register()


def _hypothesis_setup_hook() -> None:
    """Register contactbook's strategies now or when ``contactbook.model`` loads."""
    if _MODEL in sys.modules:
        _register()
    elif not any(isinstance(finder, _AfterModel) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterModel())


class _AfterModel:
    """A meta path finder that only wraps the loader of ``contactbook.model``, once."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if name != _MODEL:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec: ModuleSpec | None = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = cast("Loader", _ThenRegister(spec.loader))
                return spec
        return None


class _ThenRegister:
    """Load the module as the real loader does, then register the strategies."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        _register()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)
