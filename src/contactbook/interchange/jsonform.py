"""The stable, versioned JSON form of contact sets and activity entries.

A contact set::

    {"format": "contactbook/contact-set", "format_version": 1, "next_id": 3,
     "points": [{"id": 1, "kind": "email", "value": "ann@example.com",
                 "description": null, "entered": "Ann@Example.com", "country": null}, ...]}

An activity entry::

    {"format": "contactbook/activity-entry", "format_version": 2, "id": "...",
     "customer_id": "c1", "actor": "ann", "at": "2026-11-25T09:30:00Z", "version": 4,
     "changes": [{"type": "point_added", "point": {...}},
                 {"type": "value_changed", "before": {...}, "after": {...}},
                 {"type": "description_changed", "before": {...}, "after": {...}},
                 {"type": "point_removed", "point": {...}},
                 {"type": "primary_changed", "kind": "email", "before": {...} | 1 | null,
                  "after": {...} | 3 | null}]}

Each point is written once: a primary change whose point another change of the entry
writes gives that point's id (``before``: as it was, ``after``: as it is now). Version 1
entries, which wrote the point whole again, are still read.

Round trips are exact. Two ways to read a contact set:

- :func:`load_set`, the *trusting* load, for the library's own store and your own
  backups: it checks the structure and types only; stored values are trusted as
  already normalized, so loading re-validates nothing and stays fast.
- :func:`read_set`, the *validating* load, for a contact set that comes from outside
  (another system, a customer, a file of unknown origin): every value and description
  is checked and normalized as if entered, and every problem is reported at once as a
  :class:`~contactbook.errors.BatchValidationError`, the same shape as a batch edit.

A document of a newer ``format_version`` is refused with ``format.version``; anything
malformed with ``format.invalid``; both are :class:`~contactbook.errors.FormatError`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    Event,
    PointAdded,
    PointRemoved,
    PrimaryChanged,
    ValueChanged,
)
from contactbook.errors import ContactError, FormatError
from contactbook.interchange import describe, formats
from contactbook.interchange.describe import Const, Document, Integer, Ref, String
from contactbook.interchange.formats import (
    ENTRY_FORMAT,
    ENTRY_FORMAT_VERSION,
    FORMAT_VERSION,
    SET_FORMAT,
)
from contactbook.model import ContactPoint, ContactSet
from contactbook.operations import AddPoint, apply
from contactbook.vocabulary import KIND_NAMES, KIND_TEXT, SURROGATE, require_text

try:  # the optional extra `fast`: a compiled encoder, writing json's bytes exactly
    import orjson as _orjson
except ImportError:  # pragma: no cover -- the project's checks install it (dev)
    _orjson = None  # type: ignore[assignment]

__all__ = [
    "ENTRY_FORMAT",
    "ENTRY_FORMAT_VERSION",
    "FORMAT_VERSION",
    "SET_FORMAT",
    "dump_entry",
    "dump_set",
    "entry_from_data",
    "entry_to_data",
    "load_entry",
    "load_set",
    "read_set",
    "set_from_data",
    "set_to_data",
]


# --------------------------------------------------------------------------- writing


def _point(point: ContactPoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "kind": KIND_TEXT[point.kind],
        "value": point.value,
        "description": point.description,
        "entered": point.entered,
        "country": point.country,
    }


def set_to_data(contacts: ContactSet, /) -> dict[str, Any]:
    """Return the JSON form of ``contacts`` as plain dicts and lists."""
    return {
        "format": SET_FORMAT,
        "format_version": FORMAT_VERSION,
        "next_id": contacts.next_id,
        "points": [_point(point) for point in contacts.points],
    }


#: Points by id: as an entry's changes write them before, and after.
_Written = tuple[dict[int, ContactPoint], dict[int, ContactPoint]]


def _change(change: Event, written: _Written) -> dict[str, Any]:
    return _CHANGE_WRITERS[type(change)](change, written)


def _point_change(name: str) -> Callable[[Any, _Written], dict[str, Any]]:
    def write(change: PointAdded | PointRemoved, written: _Written) -> dict[str, Any]:
        del written
        return {"type": name, "point": _point(change.point)}

    return write


def _before_after(name: str) -> Callable[[Any, _Written], dict[str, Any]]:
    def write(change: ValueChanged | DescriptionChanged, written: _Written) -> dict[str, Any]:
        del written
        return {"type": name, "before": _point(change.before), "after": _point(change.after)}

    return write


def _primary_change(change: PrimaryChanged, written: _Written) -> dict[str, Any]:
    was, now = written
    return {
        "type": "primary_changed",
        "kind": KIND_TEXT[change.kind],
        "before": _primary_point(change.before, was),
        "after": _primary_point(change.after, now),
    }


# Dispatch on the event's type: the entry of every imported customer is written here.
_CHANGE_WRITERS: dict[type, Callable[[Any, _Written], dict[str, Any]]] = {
    PointAdded: _point_change("point_added"),
    PointRemoved: _point_change("point_removed"),
    ValueChanged: _before_after("value_changed"),
    DescriptionChanged: _before_after("description_changed"),
    PrimaryChanged: _primary_change,
}


def _primary_point(point: ContactPoint | None, written: dict[int, ContactPoint]) -> object:
    """Write a primary change's point: ``None``, its id if the entry writes it, or it whole."""
    if point is None:
        return None
    found = written.get(point.id)
    if found is point or found == point:
        return point.id
    return _point(point)


def _written(changes: Iterable[Event]) -> _Written:
    """Return the points an entry's changes write, by id: as they were, and as they are."""
    was: dict[int, ContactPoint] = {}
    now: dict[int, ContactPoint] = {}
    for change in changes:
        if type(change) is PointAdded:
            now[change.point.id] = change.point
        elif type(change) is PointRemoved:
            was[change.point.id] = change.point
        elif type(change) is ValueChanged or type(change) is DescriptionChanged:
            was[change.before.id] = change.before
            now[change.after.id] = change.after
    return was, now


def entry_to_data(entry: ActivityEntry, /) -> dict[str, Any]:
    """Return the JSON form of an activity entry as plain dicts and lists.

    Each point is written once: a primary change whose point another change of the
    entry writes (an added point becoming primary, say) gives its id instead.
    """
    written = _written(entry.changes)
    return {
        "format": ENTRY_FORMAT,
        "format_version": ENTRY_FORMAT_VERSION,
        "id": entry.id,
        "customer_id": entry.customer_id,
        "actor": entry.actor,
        "at": _utc_text(entry.at),
        "version": entry.version,
        "changes": [_change(change, written) for change in entry.changes],
    }


def _utc_text(at: dt.datetime) -> str:
    """Write a UTC time as ``0001-01-01T00:00:00.000000Z``: always four digits of year.

    Not ``strftime("%Y")``, which writes year 1 as ``1`` on glibc, a time no reader
    (``strptime``'s ``%Y`` takes four digits) reads back.
    """
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _json_text(data: object) -> str:
    """Write ``data`` as compact JSON: UTF-8 text, not ASCII-escaped, json's exact bytes.

    With orjson installed (the extra ``fast``) it writes, in a tenth of the time; it
    refuses a surrogate and an integer past 64 bits, which json then writes as before.
    tests/test_jsonform.py proves both write the same text.
    """
    if _orjson is not None:
        try:
            return _orjson.dumps(data).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError
            pass
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def dump_set(contacts: ContactSet, /) -> str:
    """Return ``contacts`` as a compact JSON document (UTF-8 text, not ASCII-escaped)."""
    return _json_text(set_to_data(contacts))


def dump_entry(entry: ActivityEntry, /) -> str:
    """Return an activity entry as a compact JSON document.

    Refuses an entry whose text holds a surrogate code point (``text.character``), as
    :func:`load_entry` does: a store that writes entries with it never holds one it
    cannot read back.
    """
    data = entry_to_data(entry)
    text = _json_text(data)
    if not text.isascii() and SURROGATE.search(text):  # JSON writes surrogates as they are
        _check_texts(data, "entry")  # say which text holds it
    return text


# --------------------------------------------------------------------------- reading
#
# The checks below come from the descriptions in contactbook.interchange.formats: the
# keys, the types, the kinds and the kinds of change. Reading a stored set is the
# store's hot path, so a point is checked by one cheap test per field (derived from the
# description); only when something does not fit is the document walked, by the
# description, to say where (``points[3].id must be an integer, got a string``).


class _Unfit(Exception):  # noqa: N818 (a signal inside this module, never raised out of it)
    """A document does not fit its description; raised on the fast path, then explained."""


def _invalid(what: str) -> FormatError:
    return FormatError(f"The contact data is malformed: {what}.", code="format.invalid")


_SET_KEYS = formats.CONTACT_SET.root.names
_ENTRY_KEYS = formats.ACTIVITY_ENTRY.root.names


def _point_reader() -> Callable[[object], ContactPoint]:
    """Compile the point reader from the description of a point (as attrs compiles __init__).

    Reading a stored set is the store's hot path: one test per field of the description,
    written out as one expression, costs what the hand-written reader cost; a loop over
    the fields costs a fifth more. The generated code reads each field, refuses (with
    ``_Unfit``) anything of the wrong type or kind, and builds the ContactPoint.
    """
    names = [field.name for field in formats.POINT.fields]
    if sorted(names) != sorted(field.name for field in attrs.fields(ContactPoint)):
        raise TypeError(names)  # pragma: no cover (the description and the model disagree)
    tests: list[str] = []
    for field in formats.POINT.fields:
        node, var = field.node, f"v_{field.name}"
        if isinstance(node, Ref) and node.name == "kind":
            tests.append(f"{var} is None")
            continue
        if not isinstance(node, (String, Integer)):
            raise TypeError(field.name)  # pragma: no cover (a field a point cannot have)
        python_type = "str" if isinstance(node, String) else "int"
        test = f"type({var}) is not {python_type}"
        tests.append(f"({var} is not None and {test})" if node.nullable else test)
    reads = "\n".join(f"        v_{name} = data[{name!r}]" for name in names)
    arguments = ", ".join(f"v_{field.name}" for field in attrs.fields(ContactPoint))
    source = f"""
def read_point(data):
    if type(data) is not dict or len(data) != {len(names)}:
        raise _Unfit
    try:
{reads}
    except KeyError:
        raise _Unfit from None
    v_kind = KIND_NAMES.get(v_kind) if type(v_kind) is str else None
    if {" or ".join(tests)}:
        raise _Unfit
    return ContactPoint({arguments})
"""
    scope: dict[str, Any] = {
        "_Unfit": _Unfit,
        "KIND_NAMES": KIND_NAMES,
        "ContactPoint": ContactPoint,
    }
    exec(compile(source, "<contactbook point reader>", "exec"), scope)  # noqa: S102 (our own code)
    reader: Callable[[object], ContactPoint] = scope["read_point"]
    return reader


_read_point = _point_reader()


def _misfit(document: Document, data: object) -> FormatError | None:
    """Return the format.invalid error saying where ``data`` first misfits ``document``."""
    misfit = next(describe.problems(document.root, data, defs=document.defs), None)
    if misfit is None:
        return None
    where = misfit.path or "the document"
    if misfit.reason == "key":
        parent = misfit.path.rpartition(".")[0] or "the document"
        return _invalid(f"{parent} has an unknown key {misfit.key!r}")
    if misfit.reason == "missing":
        parent = misfit.path.rpartition(".")[0] or "the document"
        return _invalid(f"{parent} lacks the key {misfit.key!r}")
    return _invalid(f"{where} must be {misfit.expected}, got {misfit.got}")


def _explained(document: Document, data: object) -> FormatError:
    """Return the error for ``data``, which the fast path has found does not fit."""
    error = _misfit(document, data)
    if error is None:  # the fast path refuses what the walk allows: a tuple for a list
        return _invalid(f"expected the structure of the {document.title} (plain lists and dicts)")
    return error


def _header(
    data: object, expected_format: str, keys: frozenset[str], newest: int = FORMAT_VERSION
) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _invalid(f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") != expected_format:
        raise _invalid(f"expected format {expected_format!r}, got {data.get('format')!r}")
    version = data.get("format_version")
    if type(version) is not int or version < 1:
        raise _invalid("format_version must be a positive integer")
    if version > newest:
        msg = (
            f"This data is {expected_format} version {version}, written by a newer "
            f"contactbook; this release reads up to version {newest}. Upgrade "
            "contactbook to read it."
        )
        raise FormatError(msg, code="format.version")
    if data.keys() != keys:
        raise _Unfit
    return data


def _guarded(read: Callable[[], Any]) -> Any:
    """Run ``read``, turning a set's own refusals (repeated ids ...) into format.invalid."""
    try:
        return read()
    except FormatError:
        raise
    except ContactError as error:
        raise _invalid(error.message) from None


def _set_parts(data: object) -> tuple[list[object], int]:
    """Return the points (still to read) and next_id of a contact set document."""
    document = _header(data, SET_FORMAT, _SET_KEYS)
    points, next_id = document["points"], document["next_id"]
    if type(points) is not list or type(next_id) is not int:
        raise _Unfit
    return points, next_id


def set_from_data(data: object, /) -> ContactSet:
    """Read a contact set from its JSON form (already parsed into dicts and lists)."""
    try:
        points, next_id = _set_parts(data)
        result: ContactSet = _guarded(lambda: ContactSet(map(_read_point, points), next_id))
    except _Unfit:
        raise _explained(formats.CONTACT_SET, data) from None
    return result


def _optional_point(data: object) -> ContactPoint | None:
    return None if data is None else _read_point(data)


#: The top-level fields of an entry with a Python type (the header is checked apart).
_ENTRY_TYPES = tuple(
    (
        field.name,
        str if isinstance(field.node, String) else int if isinstance(field.node, Integer) else list,
    )
    for field in formats.ACTIVITY_ENTRY.root.fields
    if not isinstance(field.node, Const)
)
_CHANGE_KEYS = {name: shape.names for name, shape in formats.CHANGES.items()}


def _read_change(data: object) -> Event:
    """Read one change but a primary one, refusing (with _Unfit) what does not fit."""
    if type(data) is not dict:
        raise _Unfit
    kind = data.get("type")
    if type(kind) is not str or data.keys() != _CHANGE_KEYS.get(kind):
        raise _Unfit
    if kind == "point_added":
        return PointAdded(_read_point(data["point"]))
    if kind == "point_removed":
        return PointRemoved(_read_point(data["point"]))
    if kind == "value_changed":
        return ValueChanged(_read_point(data["before"]), _read_point(data["after"]))
    return DescriptionChanged(_read_point(data["before"]), _read_point(data["after"]))


def _is_primary(data: object) -> bool:
    return type(data) is dict and data.get("type") == "primary_changed"


def _read_primary(
    data: dict[str, Any], where: str, written: tuple[dict[int, ContactPoint], ...] | None
) -> PrimaryChanged:
    """Read a primary change; ``written`` (version 2) resolves a point given by its id."""
    if data.keys() != _CHANGE_KEYS["primary_changed"]:
        raise _Unfit
    primary_kind = KIND_NAMES.get(data["kind"]) if type(data["kind"]) is str else None
    if primary_kind is None:
        raise _Unfit
    points: list[ContactPoint | None] = []
    for side, points_written in zip(("before", "after"), written or ({}, {}), strict=True):
        value = data[side]
        if type(value) is int and written is not None:
            point = points_written.get(value)
            if point is None:
                raise _invalid(
                    f"{where}.{side} is the id {value}, but the entry writes no point "
                    f"{'as it was' if side == 'before' else 'as it is'} with that id"
                )
            points.append(point)
        else:
            points.append(_optional_point(value))
    return PrimaryChanged(primary_kind, points[0], points[1])


def _read_changes(data: object, version: int) -> list[Event]:
    """Read an entry's changes; in version 2 a primary change's point may be an id."""
    if type(data) is not list:
        raise _Unfit
    read = [None if _is_primary(item) else _read_change(item) for item in data]
    written = _written(change for change in read if change is not None) if version > 1 else None
    return [
        _read_primary(item, f"changes[{index}]", written) if change is None else change
        for index, (change, item) in enumerate(zip(read, data, strict=True))
    ]


def entry_from_data(data: object, /) -> ActivityEntry:
    """Read an activity entry from its JSON form (already parsed), of version 1 or 2."""
    document: Mapping[str, Any] = {}
    try:
        document = _header(data, ENTRY_FORMAT, _ENTRY_KEYS, ENTRY_FORMAT_VERSION)
        for name, python_type in _ENTRY_TYPES:
            if type(document[name]) is not python_type:
                raise _Unfit
        changes = _read_changes(document["changes"], document["format_version"])
    except _Unfit:
        version = document.get("format_version") if document else None
        form = formats.ACTIVITY_ENTRY_V1 if version == 1 else formats.ACTIVITY_ENTRY
        raise _explained(form, data) from None
    _check_texts(document, "entry")
    at_text = document["at"]
    try:
        at = dt.datetime.strptime(at_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise _invalid(
            f"at must be a UTC time like 2026-11-25T09:30:00.000000Z, got {at_text!r}"
        ) from None
    entry: ActivityEntry = _guarded(
        lambda: ActivityEntry(
            id=document["id"],
            customer_id=document["customer_id"],
            actor=document["actor"],
            at=at,
            version=document["version"],
            changes=changes,
        )
    )
    return entry


def _check_texts(data: object, field: str) -> None:
    """Refuse an entry whose text holds a surrogate (``text.character``), wherever it is.

    An entry is the record of what happened; one whose actor or value no store could
    give back as it was is refused, as every entry point refuses such text. ``data``
    has the entry's structure (checked before), so the walk is bounded by it.
    """
    if isinstance(data, str):
        require_text(data, field=field, what=f"activity entry's {field}")
    elif isinstance(data, dict):
        for key, value in data.items():
            _check_texts(value, key)
    elif isinstance(data, list):
        for item in data:
            _check_texts(item, field)


def _parsed(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; absurd nesting recurses.
        raise _invalid(f"not JSON ({error})") from None


def load_set(text: str | bytes, /) -> ContactSet:
    """Read a contact set from a JSON document, trusting its values (the trusting load).

    For the library's own store and backups: only the structure and types are checked.
    A set from outside goes through :func:`read_set` instead.
    """
    if _orjson is not None:
        # The store's hot path parsed by orjson (the extra ``fast``). It reads what json
        # reads, except numbers past 64 bits (as floats), NaN, lone surrogates: a set
        # never holds those, so whatever orjson or the reader refuses is read again by
        # json, giving json's set or json's error (tests/test_jsonform.py).
        try:
            return set_from_data(_orjson.loads(text))
        except (ValueError, ContactError, RecursionError):  # orjson.JSONDecodeError too
            pass
    return set_from_data(_parsed(text))


def read_set(text: str | bytes, /, *, country: str | None = None) -> ContactSet:
    """Read a contact set from outside, checking every value as if entered.

    The structure is checked as :func:`load_set` checks it
    (:class:`~contactbook.errors.FormatError`). Then each point is added, in order, as
    a batch edit adds it to an empty set: its value is checked and normalized for its
    kind (telephone numbers without a country code are read with ``country``, the
    customer's billing country, which becomes each point's ``country``), its description
    tidied, duplicates and the 100-point limit refused. If anything is refused, nothing
    is returned: :class:`~contactbook.errors.BatchValidationError` lists every problem,
    each with the ``index`` of its point in the document's ``points``. Ids, ``next_id``
    and ``entered`` are kept as the document gives them.

    >>> read_set('{"format": "contactbook/contact-set", "format_version": 1, '
    ...          '"next_id": 2, "points": [{"id": 1, "kind": "website", '
    ...          '"value": "Example.COM", "description": null, "entered": "", '
    ...          '"country": null}]}').points[0].value
    'https://example.com'
    """
    data = _parsed(text)
    try:
        raw_points, next_id = _set_parts(data)
        points = [_read_point(point) for point in raw_points]
    except _Unfit:
        raise _explained(formats.CONTACT_SET, data) from None
    outcome = apply(
        ContactSet(),
        [AddPoint(point.kind, point.value, point.description) for point in points],
        country=country,
    )
    checked = [
        attrs.evolve(added, id=point.id, entered=point.entered)
        for point, added in zip(points, outcome.contacts.points, strict=True)
    ]
    result: ContactSet = _guarded(lambda: ContactSet(checked, next_id))
    return result


def load_entry(text: str | bytes, /) -> ActivityEntry:
    """Read an activity entry from a JSON document."""
    return entry_from_data(_parsed(text))
