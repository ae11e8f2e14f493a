"""MkDocs hooks: generate the API reference and keep every page in the navigation.

- One API page per public module of ``src/contactbook`` (a module or package whose
  dotted name has no part starting with ``_``), generated at build time, so a new
  module is documented the moment it exists and none can be forgotten. They fill the
  nav section titled "API" in ``mkdocs.yml``.
- A page written under ``docs/<section>/`` but not listed in ``mkdocs.yml`` is added at
  the end of the nav section that holds that folder's pages, so a new guide is never
  unreachable. List it in ``mkdocs.yml`` to give it its place and title.
- A page listed in ``mkdocs.yml`` but not written (yet) is left out of the nav, so the
  nav can name the pages planned. Links *to* a missing page still fail the build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import griffe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "contactbook"
API_DIR = "reference/api"
API_SECTION = "API"


def public_modules() -> list[str]:
    """Every public module's dotted name, the package first, then alphabetically."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if not any(part.startswith("_") for part in parts):
            names.append(name)
    return sorted(names, key=lambda name: (name != PACKAGE.name, name))


def api_page(module: str) -> str:
    """The Markdown of one module's API page."""
    options = "    options:\n      show_root_heading: false\n"
    if module == PACKAGE.name:
        # The top level re-exports names defined in the modules: list them here with a
        # link to where each is documented, rather than document everything twice.
        options += "      members: false\n"
        return f"# `{module}`\n\n::: {module}\n{options}\n{_exports_table()}"
    return f"# `{module}`\n\n::: {module}\n{options}"


def _exports_table() -> str:
    # Read statically, like the API pages: importing would need every extra installed.
    package = griffe.load(PACKAGE.name, search_paths=[str(PACKAGE.parent)])
    rows = ["## Public names", "", "| name | defined in |", "|---|---|"]
    for name in package.exports or ():
        member = package[name]
        target = member.target_path if member.is_alias else member.path
        home = target.rsplit(".", 1)[0]
        rows.append(f"| [`{name}`][{target}] | [`{home}`]({_api_uri(home)}) |")
    return "\n".join(rows) + "\n"


def _api_uri(module: str) -> str:
    return f"{module}.md"


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    """Fill the "API" nav section and add unlisted pages to their sections."""
    nav = config.nav or []
    api = [{f"{m}": f"{API_DIR}/{m}.md"} for m in public_modules()]
    _fill_section(nav, API_SECTION, api)
    docs = Path(config.docs_dir)
    generated = {entry for page in api for entry in page.values()}
    nav = _existing(nav, lambda uri: uri in generated or (docs / uri).is_file())
    listed = set(_paths(nav))
    for section in nav:
        if not isinstance(section, dict):
            continue
        (entries,) = section.values()
        if not isinstance(entries, list):
            continue
        folders = {p.split("/")[0] for p in _paths(entries) if "/" in p}
        if len(folders) != 1:
            continue
        (folder,) = folders
        for page in sorted((docs / folder).rglob("*.md")):
            uri = page.relative_to(docs).as_posix()
            if uri not in listed:
                entries.append(uri)
                listed.add(uri)
    config.nav = nav
    return config


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    """Add the generated API pages to the site."""
    for module in public_modules():
        files.append(File.generated(config, f"{API_DIR}/{module}.md", content=api_page(module)))
    return files


def _existing(nav: list[Any], exists: Callable[[str], bool]) -> list[Any]:
    """``nav`` without the pages not written yet (and sections left empty)."""
    kept: list[Any] = []
    for item in nav:
        if isinstance(item, str):
            if exists(item):
                kept.append(item)
            continue
        (title, value), *_ = item.items()
        if isinstance(value, str) and exists(value):
            kept.append({title: value})
        elif isinstance(value, list) and (entries := _existing(value, exists)):
            kept.append({title: entries})
    return kept


def _fill_section(nav: list[Any], title: str, entries: list[Any]) -> bool:
    for item in nav:
        if isinstance(item, dict) and title in item:
            item[title] = entries
            return True
        if isinstance(item, dict):
            for value in item.values():
                if isinstance(value, list) and _fill_section(value, title, entries):
                    return True
    return False


def _paths(nav: list[Any]) -> list[str]:
    found: list[str] = []
    for item in nav:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    found.append(value)
                elif isinstance(value, list):
                    found.extend(_paths(value))
    return found
