"""A small language for describing the structure of a JSON format, once.

Each file format contactbook reads (the contact set, the activity entry, the routing
configuration) is described once, in :mod:`contactbook.interchange.formats`, with the
nodes below: which fields an object has, their types, which are required, enums and
bounds. Everything else is derived from that description:

- the readers' structural checks and their messages (:func:`problems` walks a parsed
  document and says where it does not fit, with the path of the bad field:
  ``points[3].id``);
- the JSON Schema documents shipped in ``contactbook/interchange/schemas/``
  (:func:`json_schema`; ``scripts/write_schemas.py`` writes them and a test asserts the
  shipped files are what the description generates).

The *bounds* (lengths, patterns, minimums, ``max_items``) are written into the schema
and checked by :func:`problems` only when asked (``bounds=True``): the trusting load of
stored data checks structure and types, never values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

import attrs

__all__ = [
    "Array",
    "Boolean",
    "Const",
    "Document",
    "Enum",
    "Field",
    "Integer",
    "MapOf",
    "Misfit",
    "Node",
    "Null",
    "Object",
    "OneOf",
    "Ref",
    "String",
    "expected",
    "json_schema",
    "problems",
]


@attrs.frozen
class Const:
    """Exactly this value."""

    value: str | int


@attrs.frozen
class Null:
    """JSON null."""


@attrs.frozen
class Boolean:
    """true or false."""

    description: str | None = None


@attrs.frozen
class Integer:
    """A JSON integer (never a boolean); ``nullable``: or null."""

    description: str | None = None
    minimum: int | None = None
    nullable: bool = False


@attrs.frozen
class String:
    """A JSON string; ``nullable``: or null. Lengths and pattern are bounds."""

    description: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    nullable: bool = False


@attrs.frozen
class Enum:
    """One of ``values`` (strings)."""

    values: tuple[str, ...]


@attrs.frozen
class Ref:
    """The definition ``name`` of the document (its ``$defs``)."""

    name: str


@attrs.frozen
class Array:
    """A JSON array of ``items``; ``max_items`` is a bound."""

    items: Node
    max_items: int | None = None


@attrs.frozen
class Field:
    """One field of an :class:`Object`."""

    name: str
    node: Node
    required: bool = True
    description: str | None = None


@attrs.frozen
class Object:
    """A JSON object with exactly these fields (no others)."""

    fields: tuple[Field, ...]
    description: str | None = None

    @property
    def names(self) -> frozenset[str]:
        """Every field's name."""
        return frozenset(field.name for field in self.fields)

    @property
    def required(self) -> frozenset[str]:
        """The names of the required fields."""
        return frozenset(field.name for field in self.fields if field.required)

    def field(self, name: str) -> Field:
        """Return the field called ``name``."""
        return next(field for field in self.fields if field.name == name)


@attrs.frozen
class MapOf:
    """A JSON object used as a map: any keys matching ``keys``, each to a ``values``."""

    keys: String
    values: Node
    description: str | None = None


@attrs.frozen
class OneOf:
    """Exactly one of ``options``."""

    options: tuple[Node, ...]


Node: TypeAlias = (
    Const | Null | Boolean | Integer | String | Enum | Ref | Array | Object | MapOf | OneOf
)


@attrs.frozen
class Document:
    """A whole format: its root object, the definitions it refers to, and its titles."""

    id: str
    title: str
    description: str
    root: Object
    defs: Mapping[str, Node] = attrs.field(factory=dict)


# --------------------------------------------------------------------------- JSON Schema


def json_schema(document: Document, /) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of ``document`` as plain data."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": document.id,
        "title": document.title,
        "description": document.description,
    }
    schema |= _schema(document.root)
    if document.defs:
        schema["$defs"] = {name: _schema(node) for name, node in document.defs.items()}
    return schema


def _typed(name: str, nullable: bool) -> list[str] | str:
    return [name, "null"] if nullable else name


def _schema(node: Node, description: str | None = None) -> dict[str, Any]:  # noqa: PLR0912 (one branch per kind of node)
    out: dict[str, Any] = {}
    text = description or getattr(node, "description", None)
    if text is not None:
        out["description"] = text
    if isinstance(node, Const):
        out["const"] = node.value
    elif isinstance(node, Null):
        out["type"] = "null"
    elif isinstance(node, Boolean):
        out["type"] = "boolean"
    elif isinstance(node, Integer):
        out["type"] = _typed("integer", node.nullable)
        if node.minimum is not None:
            out["minimum"] = node.minimum
    elif isinstance(node, String):
        out["type"] = _typed("string", node.nullable)
        bounds = {
            "minLength": node.min_length,
            "maxLength": node.max_length,
            "pattern": node.pattern,
        }
        out |= {key: value for key, value in bounds.items() if value is not None}
    elif isinstance(node, Enum):
        out["enum"] = list(node.values)
    elif isinstance(node, Ref):
        out["$ref"] = f"#/$defs/{node.name}"
    elif isinstance(node, Array):
        out["type"] = "array"
        if node.max_items is not None:
            out["maxItems"] = node.max_items
        out["items"] = _schema(node.items)
    elif isinstance(node, Object):
        out["type"] = "object"
        out["additionalProperties"] = False
        required = [field.name for field in node.fields if field.required]
        if required:
            out["required"] = required
        out["properties"] = {
            field.name: _schema(field.node, field.description) for field in node.fields
        }
    elif isinstance(node, MapOf):
        out["type"] = "object"
        out["propertyNames"] = _schema(node.keys)
        out["additionalProperties"] = _schema(node.values)
    else:
        out["oneOf"] = [_schema(option) for option in node.options]
    return out


# --------------------------------------------------------------------------- checking


@attrs.frozen
class Misfit:
    """Where a document does not fit its description, and how.

    ``path`` is the bad field's path (``points[3].id``; ``""`` for the document itself).
    ``expected`` says what the description wants there, in words ("an integer", "one of
    'email', 'phone'"); ``got`` what is there. ``key`` is set for an unknown key
    (``reason == "key"``) or a missing one (``"missing"``); ``reason`` is ``"type"``
    otherwise.
    """

    path: str
    reason: str
    expected: str
    got: str
    key: str | None = None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: object) -> str:  # noqa: PLR0911 (one return per JSON type)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def expected(node: Node, defs: Mapping[str, Node]) -> str:
    """Say in words what ``node`` wants (for a message)."""
    if isinstance(node, Ref):
        return expected(defs[node.name], defs)
    if isinstance(node, Const):
        return repr(node.value)
    if isinstance(node, Enum):
        return "one of " + ", ".join(repr(value) for value in node.values)
    if isinstance(node, OneOf):
        said = [expected(option, defs) for option in node.options]
        return " or ".join(dict.fromkeys(said))
    words = {
        Null: "null",
        Boolean: "true or false",
        Integer: "an integer",
        String: "a string",
        Array: "an array",
        Object: "an object",
        MapOf: "an object",
    }[type(node)]
    return words + (" or null" if getattr(node, "nullable", False) else "")


def problems(  # noqa: PLR0912 (one branch per kind of node)
    node: Node,
    value: object,
    /,
    *,
    defs: Mapping[str, Node] | None = None,
    path: str = "",
    bounds: bool = False,
) -> Iterator[Misfit]:
    """Yield where ``value`` does not fit ``node``, in the document's order.

    Objects are reported key by key (an unknown key, then a missing one); the values of
    the known keys are checked in the document's order. ``bounds``: check lengths,
    patterns, minimums and ``max_items`` too.
    """
    defs = defs or {}
    if isinstance(node, Ref):
        yield from problems(defs[node.name], value, defs=defs, path=path, bounds=bounds)
        return
    if isinstance(node, OneOf):
        yield from _union_problems(node, value, defs=defs, path=path, bounds=bounds)
        return
    if not _fits(node, value, bounds):
        got = repr(value)[:40] if isinstance(node, (Const, Enum)) else _json_type(value)
        yield Misfit(path, "type", expected(node, defs), got)
        return
    if isinstance(node, Array):
        assert isinstance(value, (list, tuple))  # noqa: S101 (checked by _fits)
        for index, item in enumerate(value):
            yield from problems(node.items, item, defs=defs, path=f"{path}[{index}]", bounds=bounds)
    elif isinstance(node, Object):
        assert isinstance(value, Mapping)  # noqa: S101 (checked by _fits)
        names = node.names
        for key, item in value.items():
            if key not in names:
                shown = key if isinstance(key, str) else repr(key)
                yield Misfit(_join(path, shown), "key", "", "", key=shown)
            else:
                yield from problems(
                    node.field(key).node, item, defs=defs, path=_join(path, key), bounds=bounds
                )
        for name in sorted(node.required - value.keys()):
            yield Misfit(_join(path, name), "missing", "", "", key=name)
    elif isinstance(node, MapOf):
        assert isinstance(value, Mapping)  # noqa: S101 (checked by _fits)
        for key, item in value.items():
            if not isinstance(key, str):
                yield Misfit(path, "key", "text", repr(key)[:40], key=repr(key))
                continue
            yield from problems(node.values, item, defs=defs, path=_join(path, key), bounds=bounds)


def _resolved(node: Node, defs: Mapping[str, Node]) -> Node:
    return _resolved(defs[node.name], defs) if isinstance(node, Ref) else node


def _tag(option: Node) -> tuple[str, str | int] | None:
    """Return the (field, value) that tells a tagged union's options apart (its first Const)."""
    if isinstance(option, Object) and isinstance(option.fields[0].node, Const):
        return option.fields[0].name, option.fields[0].node.value
    return None


def _union_problems(
    node: OneOf, value: object, *, defs: Mapping[str, Node], path: str, bounds: bool
) -> Iterator[Misfit]:
    """Check ``value`` against the one option it can be meant as, or say none fits.

    A tagged union (objects told apart by a first constant field, like a change's
    ``type``) is read by its tag; otherwise the option of the value's JSON type.
    """
    options = [_resolved(option, defs) for option in node.options]
    tags = [_tag(option) for option in options]
    if all(tags) and isinstance(value, Mapping):
        field = tags[0][0] if tags[0] else ""
        for option, tag in zip(options, tags, strict=True):
            given = value.get(field)
            if tag is not None and type(given) is type(tag[1]) and given == tag[1]:
                yield from problems(option, value, defs=defs, path=path, bounds=bounds)
                return
        names = Enum(tuple(str(tag[1]) for tag in tags if tag is not None))
        yield Misfit(_join(path, field), "type", expected(names, defs), repr(value.get(field))[:40])
        return
    fitting = [option for option in options if _fits(option, value, bounds=False)]
    if len(fitting) == 1:
        yield from problems(fitting[0], value, defs=defs, path=path, bounds=bounds)
    else:
        yield Misfit(path, "type", expected(node, defs), _json_type(value))


def _fits(node: Node, value: object, bounds: bool) -> bool:  # noqa: PLR0911 (one per node)
    """Whether ``value`` has the type of ``node`` (not looking inside containers)."""
    if isinstance(node, Const):
        return type(value) is type(node.value) and value == node.value
    if isinstance(node, Null):
        return value is None
    if isinstance(node, Boolean):
        return type(value) is bool
    if isinstance(node, Enum):
        return type(value) is str and value in node.values
    if isinstance(node, (Integer, String)) and value is None:
        return node.nullable
    if isinstance(node, Integer):
        return type(value) is int and not (
            bounds and node.minimum is not None and value < node.minimum
        )
    if isinstance(node, String):
        return type(value) is str and not (bounds and not _string_in_bounds(node, value))
    if isinstance(node, Array):
        return isinstance(value, (list, tuple)) and not (
            bounds and node.max_items is not None and len(value) > node.max_items
        )
    return isinstance(value, Mapping)


def _string_in_bounds(node: String, value: str) -> bool:
    import re  # noqa: PLC0415 (only the bounds check needs it)

    return (
        (node.min_length is None or len(value) >= node.min_length)
        and (node.max_length is None or len(value) <= node.max_length)
        and (node.pattern is None or re.search(node.pattern, value) is not None)
    )
