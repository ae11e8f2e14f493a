"""A griffe extension: read contactbook's reST-flavoured docstrings as Markdown.

The source docstrings use Sphinx roles (:class:`ContactSet`,
:func:`~contactbook.operations.revalidate`), ``double backticks`` and ``::`` literal
blocks, because they read well in ``help()`` and in an editor. mkdocstrings renders
Markdown, so before rendering, this extension rewrites, in every docstring of the
package:

- a role naming a contactbook object into a cross-reference to its page (the
  ``~`` form shows only the last name, as in Sphinx); a role naming anything else
  (``typing.Protocol``) into plain code, since the docs are built without network
  access to other projects' inventories;
- ``text::`` into ``text:`` followed by a fenced block (reST's literal block);
- doctest examples (``>>>`` lines and their output) into fenced ``pycon`` blocks.

Resolution is done here, against the loaded package, so that a role naming an object
that does not exist fails the strict build with a clear message instead of rendering a
dead link.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(class|func|meth|attr|data|mod|exc|obj|const):`(~?)([^`]+)`")

logger = griffe.get_logger("contactbook.docs")


class ReSTRoles(griffe.Extension):
    """Rewrite every docstring of the package once it is fully loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of ``pkg`` and every object under it."""
        for obj in _walk(pkg):
            if obj.docstring is not None:
                text = _roles(obj.docstring.value, obj, pkg)
                obj.docstring.value = _blocks(text)


def _walk(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias and member.parent is obj:
            found.extend(_walk(member))  # type: ignore[arg-type]  # not an alias, checked above
    return found


def _resolve(role: str, name: str, scope: griffe.Object, pkg: griffe.Module) -> str | None:
    """The full path of ``name`` as seen from ``scope``, or ``None`` if not ours."""
    head, _, rest = name.partition(".")
    if head == pkg.name:
        path = name
    else:
        # Look the first name up from the object outwards: class, then module.
        holder: griffe.Object | None = scope
        path = ""
        while holder is not None:
            if head in holder.members:
                member = holder.members[head]
                target = member.target_path if member.is_alias else member.path
                path = f"{target}.{rest}" if rest else target
                break
            holder = holder.parent
        if not path:
            return None
    if not path.startswith(f"{pkg.name}.") and path != pkg.name:
        return None
    try:
        pkg.modules_collection.get_member(path)
    except KeyError:
        if role != "mod" and _module_exists(path, pkg):
            # A typo or a renamed object: fail the strict build.
            logger.warning("%s: the docstring names %r, which does not exist", scope.path, name)
        else:
            # A module still being written: show the name as code until it lands.
            logger.info("%s: %r is not in the package (yet)", scope.path, name)
        return None
    return path


def _module_exists(path: str, pkg: griffe.Module) -> bool:
    """Whether the module part of ``path`` (all but the last name) is in the package."""
    module = path.rsplit(".", 1)[0]
    try:
        found = pkg.modules_collection.get_member(module)
    except KeyError:
        return False
    return bool(found.is_module)


def _roles(text: str, scope: griffe.Object, pkg: griffe.Module) -> str:
    def replace(match: re.Match[str]) -> str:
        role, short, name = match.groups()
        shown = name.rsplit(".", 1)[-1] if short else name
        path = _resolve(role, name, scope, pkg)
        if path is None:
            return f"`{shown}`"
        return f"[`{shown}`][{path}]"

    return ROLE.sub(replace, text)


def _blocks(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.endswith("::") and _next_is_indented(lines, index):
            lead = stripped[:-2].rstrip()
            if lead:
                out.append(line.rstrip()[:-2].rstrip() + ":")
            index += 1
            block, index = _indented_block(lines, index)
            out.extend(["", "```text", *block, "```"])
            continue
        if stripped.startswith(">>>"):
            block = []
            while index < len(lines) and lines[index].strip():
                block.append(lines[index].strip())
                index += 1
            out.extend(["```pycon", *block, "```"])
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def _next_is_indented(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.startswith((" ", "\t"))
    return False


def _indented_block(lines: list[str], index: int) -> tuple[list[str], int]:
    while index < len(lines) and not lines[index].strip():
        index += 1
    block: list[str] = []
    indent = len(lines[index]) - len(lines[index].lstrip())
    while index < len(lines) and (not lines[index].strip() or lines[index][:indent].isspace()):
        block.append(lines[index][indent:])
        index += 1
    while block and not block[-1].strip():
        block.pop()
    return block, index
