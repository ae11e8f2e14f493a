"""Module borders: no import circle, no import-linter ignore, no private name crosses one.

The import graph is built with grimp (import-linter's own library), counting every
import statement, those under ``TYPE_CHECKING`` and inside functions included.
"""

import ast
import graphlib
import importlib.util
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def import_graph():
    """Each module of contactbook mapped to the contactbook modules it imports."""
    graph = grimp.build_graph("contactbook", cache_dir=None)
    return {
        module: graph.find_modules_directly_imported_by(module) - {module}
        for module in graph.modules
    }


def cycle_in(graph):
    """A circle of ``graph`` (a list of modules), or ``None``."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


class TestNoImportCircle:
    """Every arrow of the import graph points one way."""

    def test_the_package_has_no_circle(self):
        assert cycle_in(import_graph()) is None

    def test_the_check_finds_a_circle(self):
        graph = import_graph()
        graph["contactbook.errors"] = {*graph["contactbook.errors"], "contactbook.model"}
        found = cycle_in(graph)
        assert found is not None
        assert {"contactbook.errors", "contactbook.model"} <= set(found)


def test_the_import_contracts_ignore_no_import():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert [c["name"] for c in contracts if c.get("ignore_imports")] == []
    assert [c["name"] for c in contracts if c.get("exhaustive_ignores")] == []


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module_name, node, is_package):
    """The module an ``ImportFrom`` names, relative imports resolved."""
    if not node.level:
        return node.module
    base = module_name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def private_crossings(path, source):
    """Where module ``path`` uses another module's private name (``_name``): a list."""
    name = _module_name(path)
    tree = ast.parse(source, filename=str(path))
    found = []
    bound = {}  # a local name -> the contactbook module it holds
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "contactbook":
                    bound[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            home = _absolute(name, node, path.name == "__init__.py")
            if home is None or home.split(".")[0] != "contactbook" or home == name:
                continue
            for alias in node.names:
                if _is_module(f"{home}.{alias.name}"):
                    bound[alias.asname or alias.name] = f"{home}.{alias.name}"
                elif _private(alias.name):
                    found.append(f"{name}:{node.lineno}: from {home} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            held = ast.unparse(node.value)
            module = bound.get(held, held if held.startswith("contactbook.") else None)
            if module is not None and module != name and not _is_module(f"{module}.{node.attr}"):
                found.append(f"{name}:{node.lineno}: {held}.{node.attr}")
    return found


def source_modules():
    return sorted((SRC / "contactbook").rglob("*.py"))


class TestNoPrivateNameCrossesAModule:
    """A module uses its own ``_names`` only; tests may reach in, the library may not."""

    @pytest.mark.parametrize("path", source_modules(), ids=_module_name)
    def test_the_module_uses_no_other_modules_private_name(self, path):
        assert private_crossings(path, path.read_text(encoding="utf-8")) == []

    @pytest.mark.parametrize(
        "source",
        [
            "from contactbook.interchange.csv_check import _CHUNK_ROWS\n",
            "from .csv_check import _CHUNK_ROWS\n",
            "from contactbook.interchange import csv_check\nx = csv_check._CHUNK_ROWS\n",
            "import contactbook.interchange.csv_check as c\nx = c._CHUNK_ROWS\n",
            "import contactbook.interchange.csv_check\n"
            "x = contactbook.interchange.csv_check._CHUNK_ROWS\n",
        ],
    )
    def test_the_check_finds_a_crossing(self, source):
        path = SRC / "contactbook" / "interchange" / "csv_read.py"
        assert len(private_crossings(path, source)) == 1

    @pytest.mark.parametrize(
        "source",
        [
            "from contactbook._fastpath import emails\n",  # a private module is a module
            "from contactbook.errors import Problem\n",
            "import contactbook\nx = contactbook.__version__\n",
        ],
    )
    def test_public_names_and_private_modules_pass(self, source):
        path = SRC / "contactbook" / "validation.py"
        assert private_crossings(path, source) == []
