"""The stable, versioned JSON form of contact sets and activity entries.

A contact set::

    {"format": "contactbook/contact-set", "format_version": 1, "next_id": 3,
     "points": [{"id": 1, "kind": "email", "value": "ann@example.com",
                 "description": null, "entered": "Ann@Example.com", "region": null}, ...]}

An activity entry::

    {"format": "contactbook/activity-entry", "format_version": 1, "id": "...",
     "customer_id": "c1", "actor": "ann", "at": "2026-11-25T09:30:00Z", "version": 4,
     "changes": [{"type": "point_added", "point": {...}},
                 {"type": "value_changed", "before": {...}, "after": {...}},
                 {"type": "description_changed", "before": {...}, "after": {...}},
                 {"type": "point_removed", "point": {...}},
                 {"type": "primary_changed", "kind": "email", "before": {...} | null,
                  "after": {...} | null}]}

Round trips are exact. Two ways to read a contact set:

- :func:`load_set`, the *trusting* load, for the library's own store and your own
  backups: it checks the structure and types only; stored values are trusted as
  already normalised, so loading re-validates nothing and stays fast.
- :func:`read_set`, the *validating* load, for a contact set that comes from outside
  (another system, a customer, a file of unknown origin): every value and description
  is checked and normalised as if entered, and every problem is reported at once as a
  :class:`~contactbook.errors.BatchValidationError`, the same shape as a batch edit.

A document of a newer ``format_version`` is refused with ``format.version``; anything
malformed with ``format.invalid``; both are :class:`~contactbook.errors.FormatError`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    PointAdded,
    PointChange,
    PointRemoved,
    PrimaryChanged,
    ValueChanged,
)
from contactbook.errors import ContactError, FormatError
from contactbook.model import ContactKind, ContactPoint, ContactSet
from contactbook.operations import AddPoint, apply

__all__ = [
    "ENTRY_FORMAT",
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

#: The version of the JSON form this release writes (and the newest it reads).
FORMAT_VERSION = 1
SET_FORMAT = "contactbook/contact-set"
ENTRY_FORMAT = "contactbook/activity-entry"

_KINDS = {kind.value: kind for kind in ContactKind}
_POINT_KEYS = frozenset({"id", "kind", "value", "description", "entered", "region"})
_SET_KEYS = frozenset({"format", "format_version", "next_id", "points"})
_ENTRY_KEYS = frozenset(
    {"format", "format_version", "id", "customer_id", "actor", "at", "version", "changes"}
)


# --------------------------------------------------------------------------- writing


def _point(point: ContactPoint) -> dict[str, Any]:
    return {
        "id": point.id,
        "kind": point.kind.value,
        "value": point.value,
        "description": point.description,
        "entered": point.entered,
        "region": point.region,
    }


def set_to_data(contacts: ContactSet, /) -> dict[str, Any]:
    """Return the JSON form of ``contacts`` as plain dicts and lists."""
    return {
        "format": SET_FORMAT,
        "format_version": FORMAT_VERSION,
        "next_id": contacts.next_id,
        "points": [_point(point) for point in contacts.points],
    }


def _change(change: PointChange) -> dict[str, Any]:
    if isinstance(change, PointAdded):
        return {"type": "point_added", "point": _point(change.point)}
    if isinstance(change, PointRemoved):
        return {"type": "point_removed", "point": _point(change.point)}
    if isinstance(change, ValueChanged):
        return {"type": "value_changed", "before": _point(change.before),
                "after": _point(change.after)}  # fmt: skip
    if isinstance(change, DescriptionChanged):
        return {"type": "description_changed", "before": _point(change.before),
                "after": _point(change.after)}  # fmt: skip
    return {
        "type": "primary_changed",
        "kind": change.kind.value,
        "before": None if change.before is None else _point(change.before),
        "after": None if change.after is None else _point(change.after),
    }


def entry_to_data(entry: ActivityEntry, /) -> dict[str, Any]:
    """Return the JSON form of an activity entry as plain dicts and lists."""
    return {
        "format": ENTRY_FORMAT,
        "format_version": FORMAT_VERSION,
        "id": entry.id,
        "customer_id": entry.customer_id,
        "actor": entry.actor,
        "at": entry.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "version": entry.version,
        "changes": [_change(change) for change in entry.changes],
    }


def dump_set(contacts: ContactSet, /) -> str:
    """Return ``contacts`` as a compact JSON document (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(set_to_data(contacts), ensure_ascii=False, separators=(",", ":"))


def dump_entry(entry: ActivityEntry, /) -> str:
    """Return an activity entry as a compact JSON document."""
    return json.dumps(entry_to_data(entry), ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- reading


def _invalid(what: str) -> FormatError:
    return FormatError(f"The contact data is malformed: {what}.", code="format.invalid")


def _header(data: object, expected_format: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _invalid(f"expected a JSON object, got {type(data).__name__}")
    if data.get("format") != expected_format:
        raise _invalid(f"expected format {expected_format!r}, got {data.get('format')!r}")
    version = data.get("format_version")
    if type(version) is not int or version < 1:
        raise _invalid("format_version must be a positive integer")
    if version > FORMAT_VERSION:
        msg = (
            f"This data is {expected_format} version {version}, written by a newer "
            f"contactbook; this release reads up to version {FORMAT_VERSION}. Upgrade "
            "contactbook to read it."
        )
        raise FormatError(msg, code="format.version")
    if data.keys() != keys:
        raise _invalid(f"expected the keys {sorted(keys)}, got {sorted(data)}")
    return data


def _typed(value: object, kind: type, what: str, *, optional: bool = False) -> Any:
    if (value is None and optional) or type(value) is kind:
        return value
    raise _invalid(f"{what} must be {kind.__name__}{' or null' * optional}")


def _read_point(data: object) -> ContactPoint:
    # Six entries that include the six keys are exactly the six keys.
    try:
        if type(data) is not dict or len(data) != len(_POINT_KEYS):
            raise KeyError
        point_id, value, entered = data["id"], data["value"], data["entered"]
        description, region, kind_name = data["description"], data["region"], data["kind"]
    except KeyError:
        raise _invalid(
            f"a contact point must be an object with the keys {sorted(_POINT_KEYS)}"
        ) from None
    kind = _KINDS.get(kind_name) if type(kind_name) is str else None
    # One combined test on the hot path (loading re-validates nothing, so it must stay
    # cheap); the checks below it only run to say what is wrong.
    if (
        kind is None
        or type(point_id) is not int
        or type(value) is not str
        or type(entered) is not str
        or (description is not None and type(description) is not str)
        or (region is not None and type(region) is not str)
    ):
        if kind is None:
            raise _invalid(f"unknown contact kind {kind_name!r}")
        _typed(point_id, int, "a point id")
        _typed(value, str, "a value")
        _typed(entered, str, "entered")
        _typed(description, str, "a description", optional=True)
        _typed(region, str, "a region", optional=True)
    return ContactPoint(point_id, kind, value, description, entered, region)


def _guarded(read: Callable[[], Any]) -> Any:
    """Run ``read``, turning a set's own refusals (repeated ids ...) into format.invalid."""
    try:
        return read()
    except FormatError:
        raise
    except ContactError as error:
        raise _invalid(error.message) from None


def set_from_data(data: object, /) -> ContactSet:
    """Read a contact set from its JSON form (already parsed into dicts and lists)."""
    document = _header(data, SET_FORMAT, _SET_KEYS)
    points = _typed(document["points"], list, "points")
    next_id = _typed(document["next_id"], int, "next_id")
    result: ContactSet = _guarded(lambda: ContactSet(map(_read_point, points), next_id))
    return result


def _read_change(data: object) -> PointChange:
    if not isinstance(data, dict):
        raise _invalid("a change must be an object")
    kind = data.get("type")  # any JSON value: compared, never hashed
    if kind == "point_added" and data.keys() == {"type", "point"}:
        return PointAdded(_read_point(data["point"]))
    if kind == "point_removed" and data.keys() == {"type", "point"}:
        return PointRemoved(_read_point(data["point"]))
    if kind in ("value_changed", "description_changed") and data.keys() == {
        "type", "before", "after"
    }:  # fmt: skip
        record = ValueChanged if kind == "value_changed" else DescriptionChanged
        return record(_read_point(data["before"]), _read_point(data["after"]))
    if kind == "primary_changed" and data.keys() == {"type", "kind", "before", "after"}:
        primary_kind = _KINDS.get(data["kind"]) if type(data["kind"]) is str else None
        if primary_kind is None:
            raise _invalid(f"unknown contact kind {data['kind']!r}")
        before, after = data["before"], data["after"]
        return PrimaryChanged(
            primary_kind,
            None if before is None else _read_point(before),
            None if after is None else _read_point(after),
        )
    raise _invalid(f"unknown or incomplete change {kind!r}")


def entry_from_data(data: object, /) -> ActivityEntry:
    """Read an activity entry from its JSON form (already parsed)."""
    document = _header(data, ENTRY_FORMAT, _ENTRY_KEYS)
    at_text = _typed(document["at"], str, "at")
    try:
        at = dt.datetime.strptime(at_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise _invalid(
            f"at must be a UTC time like 2026-11-25T09:30:00.000000Z, got {at_text!r}"
        ) from None
    changes = _typed(document["changes"], list, "changes")
    entry: ActivityEntry = _guarded(
        lambda: ActivityEntry(
            id=_typed(document["id"], str, "id"),
            customer_id=_typed(document["customer_id"], str, "customer_id"),
            actor=_typed(document["actor"], str, "actor"),
            at=at,
            version=_typed(document["version"], int, "version"),
            changes=[_read_change(change) for change in changes],
        )
    )
    return entry


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
    return set_from_data(_parsed(text))


def read_set(text: str | bytes, /, *, region: str | None = None) -> ContactSet:
    """Read a contact set from outside, checking every value as if entered.

    The structure is checked as :func:`load_set` checks it
    (:class:`~contactbook.errors.FormatError`). Then each point is added, in order, as
    a batch edit adds it to an empty set: its value is checked and normalised for its
    kind (telephone numbers without a country code are read with ``region``, the
    customer's billing country, which becomes each point's ``region``), its description
    tidied, duplicates and the 100-point limit refused. If anything is refused, nothing
    is returned: :class:`~contactbook.errors.BatchValidationError` lists every problem,
    each with the ``index`` of its point in the document's ``points``. Ids, ``next_id``
    and ``entered`` are kept as the document gives them.

    >>> read_set('{"format": "contactbook/contact-set", "format_version": 1, '
    ...          '"next_id": 2, "points": [{"id": 1, "kind": "website", '
    ...          '"value": "Example.COM", "description": null, "entered": "", '
    ...          '"region": null}]}').points[0].value
    'https://example.com'
    """
    document = _header(_parsed(text), SET_FORMAT, _SET_KEYS)
    points = [_read_point(point) for point in _typed(document["points"], list, "points")]
    next_id = _typed(document["next_id"], int, "next_id")
    outcome = apply(
        ContactSet(),
        [AddPoint(point.kind, point.value, point.description) for point in points],
        region=region,
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
