"""contactbook: customers' contact details for billing systems.

Validated and normalized contact points (email, telephone, mobile, website), grouped in
an immutable :class:`ContactSet` whose first point of each kind is primary; batches of
changes applied all-or-nothing; an activity entry for every saved batch; ports that a
host application implements for its storage, activity log and permissions.

The top level holds what the README and the tutorial use, and the errors. Everything
else lives in the module named for its job: :mod:`contactbook.model` (the values),
:mod:`contactbook.operations` (the commands and operations on a set),
:mod:`contactbook.validation` (one value at a time), :mod:`contactbook.audit` (the
activity log's entries and changes), :mod:`contactbook.ports` (what a host
implements), :mod:`contactbook.service` (the use cases), :mod:`contactbook.routing`
(who gets an invoice), :mod:`contactbook.presentation` (the card, the edit window,
the activity log, their words), :mod:`contactbook.interchange` (CSV, vCard, JSON),
:mod:`contactbook.bulk` (imports), :mod:`contactbook.adapters` (the stores),
:mod:`contactbook.testing` (the kit for a host's tests) and
:mod:`contactbook.selfcheck` (which fast paths run here).

The distribution is ``contactbook-billing``; the import name is ``contactbook``.
"""

from contactbook._version import __version__ as __version__
from contactbook.audit import PrimaryChanged
from contactbook.errors import (
    BatchValidationError,
    ConflictError,
    ContactError,
    ContactNotFoundError,
    ContactValidationError,
    EntryNotFoundError,
    FormatError,
    NoRecipientError,
    PermissionDeniedError,
    Problem,
    StorageError,
)
from contactbook.model import ContactKind, ContactPoint, ContactSet
from contactbook.operations import AddPoint, EditPoint, RemovePoint, SetPrimary, add
from contactbook.ports import Permission
from contactbook.service import ContactService

__all__ = [
    "AddPoint",
    "BatchValidationError",
    "ConflictError",
    "ContactError",
    "ContactKind",
    "ContactNotFoundError",
    "ContactPoint",
    "ContactService",
    "ContactSet",
    "ContactValidationError",
    "EditPoint",
    "EntryNotFoundError",
    "FormatError",
    "NoRecipientError",
    "Permission",
    "PermissionDeniedError",
    "PrimaryChanged",
    "Problem",
    "RemovePoint",
    "SetPrimary",
    "StorageError",
    "add",
]
