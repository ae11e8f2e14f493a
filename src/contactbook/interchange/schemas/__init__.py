"""JSON Schema (draft 2020-12) files for the JSON form, shipped with the package.

``contact-set.v1.schema.json`` describes :func:`contactbook.interchange.jsonform.dump_set`
documents, ``activity-entry.v2.schema.json`` those of
:func:`~contactbook.interchange.jsonform.dump_entry` (``activity-entry.v1.schema.json``
the entries of version 1, which older stores hold) and ``routing-config.v1.schema.json``
the routing configuration :func:`~contactbook.interchange.routing_config.policy_from_config`
reads. contactbook itself does not need them to read its documents; they are for other
programs (and for checking ours).

The files are generated from the one description of each format in
:mod:`contactbook.interchange.formats` (``python scripts/write_schemas.py``); edit the
description, never the files.

>>> load_schema("contact-set")["title"]
'contactbook contact set, JSON form version 1'
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILES", "load_schema"]

#: The schema file of each document, by the document's name.
SCHEMA_FILES = {
    "contact-set": "contact-set.v1.schema.json",
    "activity-entry": "activity-entry.v2.schema.json",
    "activity-entry-v1": "activity-entry.v1.schema.json",
    "routing-config": "routing-config.v1.schema.json",
}


def load_schema(name: str, /) -> dict[str, Any]:
    """Return the JSON Schema of a name in :data:`SCHEMA_FILES` (``"contact-set"`` ...)."""
    try:
        filename = SCHEMA_FILES[name]
    except KeyError:
        msg = f"No schema named {name!r}; choose one of {sorted(SCHEMA_FILES)}."
        raise ValueError(msg) from None
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
