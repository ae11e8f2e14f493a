"""Reading a routing policy from configuration (plain data or JSON text).

The shape of the configuration is described once, in
:data:`contactbook.interchange.formats.ROUTING_CONFIG` (which also generates
``routing-config.v1.schema.json``); this module checks a configuration against it,
then applies the rules' own checks (purpose names, channels, descriptions) and builds
the :class:`~contactbook.routing.RoutingPolicy`. Every problem is reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from contactbook.errors import ContactValidationError, Problem
from contactbook.interchange import formats
from contactbook.interchange.describe import Array, Boolean, Node, Object, String
from contactbook.routing import (
    STANDARD_PURPOSES,
    Channel,
    RoutingPolicy,
    RoutingRule,
    purpose_name_problem,
    tidy_descriptions,
    unknown_channel,
    unknown_purpose,
)
from contactbook.vocabulary import shown

__all__ = ["policy_from_config", "policy_from_json"]

_CHANNELS = {channel.value: channel for channel in Channel}


def policy_from_config(config: object, /) -> RoutingPolicy:
    """Build a policy from plain data, as read from a configuration file.

    The shape (every key optional)::

        {"purposes": ["dunning_letter"],
         "rules": {"invoice": {"email": {"prefer": ["Billing Contact"],
                                         "fallback": true,
                                         "cc": ["Accounts Payable"]}}}}

    ``rules`` maps a purpose to channels (``email``, ``sms``) to a rule. Every problem
    found (an unknown key, purpose or channel, a value of the wrong type, an empty
    description) is reported at once in one
    :class:`~contactbook.errors.ContactValidationError` with ``routing.*`` codes, each
    problem's ``field`` the path to it (``rules.invoice.email.prefer[0]``).
    """
    problems: list[Problem] = []
    root = formats.ROUTING_CONFIG.root
    top = _mapping(config, "", root, problems)
    purposes = _read(root.field("purposes").node, top.get("purposes", []), "purposes", problems)
    names: list[str] = purposes if isinstance(purposes, list) else []
    problems += [
        problem
        for index, name in enumerate(names)
        if (problem := purpose_name_problem(name, f"purposes[{index}]")) is not None
    ]
    known = STANDARD_PURPOSES | set(names)
    rules: dict[tuple[str, Channel], RoutingRule] = {}
    for purpose, channels in _mapping(top.get("rules", {}), "rules", None, problems).items():
        path = _join("rules", purpose)
        if purpose not in known:
            problems.append(unknown_purpose(purpose, known, path))
        for name, raw_rule in _mapping(channels, path, None, problems).items():
            channel = _CHANNELS.get(name)
            if channel is None:
                problems.append(unknown_channel(name, _join(path, name)))
            rule = _rule(raw_rule, _join(path, name), problems)
            if channel is not None and rule is not None:
                rules[purpose, channel] = rule
    if problems:
        raise ContactValidationError.from_problems(problems)
    return RoutingPolicy(rules, names)


def policy_from_json(text: str | bytes, /) -> RoutingPolicy:
    """Build a policy from JSON text in the shape :func:`policy_from_config` reads."""
    try:
        config = json.loads(text)
    except RecursionError:
        reason = "it is nested too deeply"
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        reason = str(error)
    else:
        return policy_from_config(config)
    msg = f"The routing configuration is not valid JSON: {reason}."
    raise ContactValidationError(msg, code="routing.invalid", field=None)


# --------------------------------------------------------------------------- structure
#
# The keys of each object and the type of each value come from the description
# (formats.ROUTING_CONFIG); the wording of each problem from the kind of node.


def _join(path: str, key: str) -> str:
    """Return the path of ``key`` under ``path``, with a long key shortened."""
    return f"{path}.{shown(key, quoted=False)}" if path else shown(key, quoted=False)


def _mapping(
    value: object, path: str, shape: Object | None, problems: list[Problem]
) -> Mapping[str, object]:
    """Return ``value`` as a mapping with text keys (those of ``shape``, if given)."""
    what = path or "the routing configuration"
    if not isinstance(value, Mapping):
        problems.append(
            Problem(
                "routing.invalid",
                path or None,
                f"{path or 'The routing configuration'} must be an object (a mapping), "
                f"not {type(value).__name__}.",
            )
        )
        return {}
    keys = None if shape is None else [field.name for field in shape.fields]
    checked: dict[str, object] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            problems.append(
                Problem(
                    "routing.invalid",
                    path or None,
                    f"The keys of {what} must be text, not {shown(repr(key), quoted=False)}.",
                )
            )
        elif keys is not None and key not in keys:
            problems.append(
                Problem(
                    "routing.key",
                    _join(path, key),
                    f"{shown(key)} is not a key of {what}; the keys are {', '.join(keys)}.",
                )
            )
        else:
            checked[key] = item
    return checked


_WRONG = object()  # what _read returns for a value of the wrong type


def _read(node: Node, value: object, path: str, problems: list[Problem]) -> Any:
    """Return ``value`` if it has the type ``node`` describes, or report it and return _WRONG."""
    if isinstance(node, Boolean):
        if isinstance(value, bool):
            return value
        problems.append(Problem("routing.invalid", path, f"{path} must be true or false."))
    elif isinstance(node, Array) and isinstance(node.items, String):
        if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            return list(value)
        problems.append(Problem("routing.invalid", path, f"{path} must be a list of strings."))
    else:  # pragma: no cover (a node the routing configuration does not use)
        raise TypeError(node)
    return _WRONG


def _rule(value: object, path: str, problems: list[Problem]) -> RoutingRule | None:
    """Read one rule, or report its problems (each under ``path``) and return None."""
    found: list[Problem] = []
    shape = formats.RULE
    fields = _mapping(value, path, shape, found)
    read: dict[str, Any] = {}
    for field in shape.fields:
        if field.name not in fields:
            continue
        where = _join(path, field.name)
        read[field.name] = _read(field.node, fields[field.name], where, found)
        if isinstance(field.node, Array) and isinstance(read[field.name], list):
            # The rules' own check of each description (tidied as stored ones are).
            try:
                read[field.name] = tidy_descriptions(read[field.name], field.name)
            except ContactValidationError as error:
                found.extend(
                    attrs.evolve(p, field=_join(path, p.field or field.name)) for p in error.errors
                )
    problems.extend(found)
    if found:
        return None
    return RoutingRule(read.get("prefer", ()), read.get("fallback", True), read.get("cc", ()))
