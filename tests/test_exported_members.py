"""The public API is exactly what __all__ says, sorted, and every name is documented."""

import ast
import re
from pathlib import Path
from types import ModuleType

import contactbook

ROOT = Path(__file__).parent.parent


def isort_style(name):
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete():
    assert sorted(contactbook.__all__, key=isort_style) == contactbook.__all__
    public = {name for name in dir(contactbook) if not name.startswith("_")}
    modules = {name for name in public if isinstance(getattr(contactbook, name), ModuleType)}
    assert set(contactbook.__all__) == public - modules


def names_imported_from_the_top(*pages):
    found = set()
    for page in pages:
        text = (ROOT / page).read_text(encoding="utf-8")
        for block in re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
            for node in ast.walk(ast.parse(block)):
                if isinstance(node, ast.ImportFrom) and node.module == "contactbook":
                    found |= {alias.name for alias in node.names}
    return found


def test_the_top_level_is_what_the_readme_and_tutorial_use_plus_the_errors():
    used = names_imported_from_the_top("README.md", "docs/tutorial/index.md")
    errors = {
        name
        for name in contactbook.__all__
        if isinstance(getattr(contactbook, name), type)
        and issubclass(getattr(contactbook, name), contactbook.ContactError)
    }
    # ContactPoint: the set's element, the other value of the design; Problem: what an
    # error's `errors` holds.
    assert set(contactbook.__all__) == used | errors | {"ContactPoint", "Problem"}


def test_contract_names_live_in_the_module_named_for_their_job():
    from contactbook import model, operations, validation

    assert {"ContactKind", "ContactPoint", "ContactSet"} <= set(model.__all__)
    assert {"add", "edit", "remove", "apply"} <= set(operations.__all__)
    assert {
        "normalize_email",
        "normalize_phone",
        "normalize_website",
        "normalize_description",
    } <= set(validation.__all__)
    assert {"ContactError", "ContactValidationError"} <= set(contactbook.__all__)


def test_every_exported_object_has_a_docstring():
    for name in contactbook.__all__:
        obj = getattr(contactbook, name)
        if callable(obj):
            assert obj.__doc__, name


def test_every_name_a_module_exports_exists():
    """``from module import *`` works for every module of the package."""
    import importlib
    import pkgutil

    missing = {}
    for info in pkgutil.walk_packages(contactbook.__path__, "contactbook."):
        if info.name in {"contactbook.__main__"}:
            continue
        module = importlib.import_module(info.name)
        absent = [name for name in getattr(module, "__all__", ()) if not hasattr(module, name)]
        if absent:
            missing[info.name] = absent
    assert {} == missing
