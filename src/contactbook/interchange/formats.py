"""The one description of each JSON format contactbook reads and writes.

- :data:`CONTACT_SET`: a customer's contact set (:mod:`contactbook.interchange.jsonform`);
- :data:`ACTIVITY_ENTRY`: one activity entry (the same module), and
  :data:`ACTIVITY_ENTRY_V1`, the entry's first version, which stores written before
  version 2 still hold;
- :data:`ROUTING_CONFIG`: a routing policy's configuration
  (:mod:`contactbook.interchange.routing_config`).

The readers take their keys, types and messages from these descriptions, and the JSON
Schema files shipped in ``contactbook/interchange/schemas/`` are generated from them
(``python scripts/write_schemas.py``; a test asserts the shipped files are what these
descriptions generate). Change a format here, then regenerate the files.
"""

from __future__ import annotations

import json

from contactbook.interchange.describe import (
    Array,
    Boolean,
    Const,
    Document,
    Enum,
    Field,
    Integer,
    MapOf,
    Node,
    Null,
    Object,
    OneOf,
    Ref,
    String,
    json_schema,
)
from contactbook.model import MAX_POINTS, ContactKind
from contactbook.routing import PURPOSE_NAME, Channel
from contactbook.validation import MAX_DESCRIPTION_LENGTH

__all__ = [
    "ACTIVITY_ENTRY",
    "ACTIVITY_ENTRY_V1",
    "CHANGES",
    "CONTACT_SET",
    "DOCUMENTS",
    "ENTRY_FORMAT",
    "ENTRY_FORMAT_VERSION",
    "FORMAT_VERSION",
    "KIND",
    "POINT",
    "ROUTING_CONFIG",
    "RULE",
    "SET_FORMAT",
    "schema_text",
]

#: The version of the contact set's JSON form this release writes (and the newest it reads).
FORMAT_VERSION = 1
#: The version of the activity entry's JSON form this release writes (and the newest it
#: reads; it reads version 1 too). Version 2 writes a primary change's point as the id
#: of a point the entry writes already, so each point is written once.
ENTRY_FORMAT_VERSION = 2
SET_FORMAT = "contactbook/contact-set"
ENTRY_FORMAT = "contactbook/activity-entry"

KIND = Enum(tuple(kind.value for kind in ContactKind))

POINT = Object(
    (
        Field("id", Integer(), description="Stable id within the set."),
        Field("kind", Ref("kind")),
        Field(
            "value",
            String(min_length=1),
            description="The normalized value: an email address, an E.164 number "
            "(+31612345678) or an http(s) URI.",
        ),
        Field(
            "description",
            String(min_length=1, max_length=MAX_DESCRIPTION_LENGTH, nullable=True),
            description="Optional label such as 'Billing Contact'; null for none.",
        ),
        Field("entered", String(), description="The input as it was entered."),
        Field(
            "country",
            String(pattern="^[A-Z]{2}$", nullable=True),
            description="The billing country (ISO 3166-1 alpha-2) a phone number was read "
            "in; null for none.",
        ),
    ),
    description="One contact point.",
)


def _header(format_name: str, version: int = FORMAT_VERSION) -> tuple[Field, Field]:
    return Field("format", Const(format_name)), Field("format_version", Const(version))


CONTACT_SET = Document(
    id="urn:contactbook:schema:contact-set:v1",
    title="contactbook contact set, JSON form version 1",
    description="All contact points of one customer, in the order they were added. The "
    "first point of each kind is its primary one (derived, never stored). Written by "
    "contactbook.interchange.jsonform.dump_set.",
    root=Object(
        (
            *_header(SET_FORMAT),
            Field(
                "next_id",
                Integer(minimum=1),
                description="The id the next added point gets; ids are never reused.",
            ),
            Field("points", Array(Ref("point"), max_items=MAX_POINTS)),
        )
    ),
    defs={"point": POINT, "kind": KIND},
)

#: A primary change's point in version 2: ``null`` (no primary), the point, or the id
#: of a point the entry writes already: ``before``, one as it was (removed, or the
#: ``before`` of a value or description change); ``after``, one as it is now (added, or
#: the ``after`` of a change).
_PRIMARY_POINT = OneOf(
    (
        Null(),
        Ref("point"),
        Integer(description="The id of a point this entry writes in another change."),
    )
)


def _changes(primary_point: Node) -> dict[str, Object]:
    """Each kind of change in an activity entry, by its ``type``."""
    return {
        **{
            name: Object((Field("type", Const(name)), Field("point", Ref("point"))))
            for name in ("point_added", "point_removed")
        },
        **{
            name: Object(
                (
                    Field("type", Const(name)),
                    Field("before", Ref("point")),
                    Field("after", Ref("point")),
                )
            )
            for name in ("value_changed", "description_changed")
        },
        "primary_changed": Object(
            (
                Field("type", Const("primary_changed")),
                Field("kind", Ref("kind")),
                Field("before", primary_point),
                Field("after", primary_point),
            )
        ),
    }


#: Each kind of change in an activity entry (version 2), by its ``type``.
CHANGES = _changes(_PRIMARY_POINT)
#: Each kind of change in a version 1 entry: a primary change writes its points whole.
CHANGES_V1 = _changes(OneOf((Null(), Ref("point"))))


def _entry(version: int, changes: dict[str, Object], description: str) -> Document:
    return Document(
        id=f"urn:contactbook:schema:activity-entry:v{version}",
        title=f"contactbook activity entry, JSON form version {version}",
        description="One saved batch of changes to a customer's contact details, as the "
        "activity log records it. " + description,
        root=Object(
            (
                *_header(ENTRY_FORMAT, version),
                Field("id", String()),
                Field("customer_id", String()),
                Field("actor", String()),
                Field(
                    "at",
                    String(
                        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                        r"\.[0-9]{6}Z$"
                    ),
                    description="When the batch was saved, in UTC with microseconds: "
                    "2026-11-25T09:30:00.000000Z.",
                ),
                Field("version", Integer(), description="The set's version after the save."),
                Field("changes", Array(Ref("change"))),
            )
        ),
        defs={"point": POINT, "kind": KIND, "change": OneOf(tuple(changes.values()))},
    )


ACTIVITY_ENTRY = _entry(
    ENTRY_FORMAT_VERSION,
    CHANGES,
    "Written by contactbook.interchange.jsonform.dump_entry. Each point is written once: "
    "a primary change names a point another change of the entry writes by its id.",
)
ACTIVITY_ENTRY_V1 = _entry(
    1,
    CHANGES_V1,
    "Written by contactbook before 0.1.0 (a primary change writes its points whole); still read.",
)

_DESCRIPTIONS = Array(String(min_length=1))

#: One routing rule: how one purpose is routed on one channel.
RULE = Object(
    (
        Field(
            "fallback",
            Boolean(),
            required=False,
            description="When no description matches, use the primary point (default true).",
        ),
        Field(
            "prefer",
            _DESCRIPTIONS,
            required=False,
            description="Descriptions, most wanted first; the main recipient is the first "
            "point whose description matches the first of them that any point has.",
        ),
        Field(
            "cc", _DESCRIPTIONS, required=False, description="Descriptions whose points get a copy."
        ),
    )
)

_PURPOSE = String(pattern=f"^{PURPOSE_NAME.pattern}$")  # the rule routing checks names by
_CHANNELS: Node = MapOf(String(pattern=f"^({'|'.join(c.value for c in Channel)})$"), Ref("rule"))

ROUTING_CONFIG = Document(
    id="urn:contactbook:schema:routing-config:v1",
    title="contactbook routing configuration",
    description="Who gets an automatic communication, per purpose and channel; read by "
    "contactbook.interchange.routing_config.policy_from_config. Every key is optional. "
    "A purpose under 'rules' is a built-in one (invoice, payment_reminder, notification) "
    "or one named under 'purposes'.",
    root=Object(
        (
            Field(
                "purposes",
                Array(_PURPOSE),
                required=False,
                description="The host's own purposes, on top of the built-in ones.",
            ),
            Field(
                "rules",
                MapOf(_PURPOSE, _CHANNELS),
                required=False,
                description="Per purpose, per channel (email, sms), the rule.",
            ),
        )
    ),
    defs={"rule": RULE},
)

#: Each generated schema document, by the name :func:`~contactbook.interchange.schemas.load_schema`
#: takes.
DOCUMENTS = {
    "contact-set": CONTACT_SET,
    "activity-entry": ACTIVITY_ENTRY,
    "activity-entry-v1": ACTIVITY_ENTRY_V1,
    "routing-config": ROUTING_CONFIG,
}


def schema_text(name: str, /) -> str:
    """Return the JSON Schema file of the document ``name`` as :data:`DOCUMENTS` generates it.

    This is exactly the text of the file shipped in ``contactbook/interchange/schemas/``
    (``scripts/write_schemas.py`` writes it; a test compares the two).
    """
    return json.dumps(json_schema(DOCUMENTS[name]), indent=2, ensure_ascii=False) + "\n"
