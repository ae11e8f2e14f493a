"""The public API is exactly what __all__ says, sorted, and every name is documented."""

import contactbook


def isort_style(name):
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete():
    assert sorted(contactbook.__all__, key=isort_style) == contactbook.__all__
    public = {name for name in dir(contactbook) if not name.startswith("_")}
    modules = {
        "adapters",
        "audit",
        "errors",
        "model",
        "operations",
        "ports",
        "service",
        "validation",
        "testing",
        "routing",
        "card",
        "form",
        "activity",
        "presentation",
        "interchange",
        "bulk",
        "cli",
        "selfcheck",
        "vocabulary",
        "messages",
    }
    assert set(contactbook.__all__) == public - modules


def test_contract_names_are_exported():
    for name in [
        "ContactKind",
        "ContactPoint",
        "ContactSet",
        "normalize_email",
        "normalize_phone",
        "normalize_website",
        "normalize_description",
        "add",
        "edit",
        "remove",
        "ContactError",
        "ContactValidationError",
    ]:
        assert name in contactbook.__all__


def test_every_exported_object_has_a_docstring():
    for name in contactbook.__all__:
        obj = getattr(contactbook, name)
        if callable(obj) and not isinstance(obj, type(contactbook.UNCHANGED)):
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
