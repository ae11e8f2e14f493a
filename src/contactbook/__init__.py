"""contactbook: customers' contact details for billing systems.

Validated and normalised contact points (email, telephone, mobile, website), grouped in
an immutable :class:`ContactSet` whose first point of each kind is primary; batches of
changes applied all-or-nothing; an activity entry for every saved batch; ports that a
host application implements for its storage, activity log and permissions.

The distribution is ``contactbook-billing``; the import name is ``contactbook``.
:func:`fastpaths` says which fast paths run here and why; ``python -m contactbook
selfcheck`` checks them against the installed validators.
"""

from contactbook._version import __version__ as __version__
from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    PointAdded,
    PointChange,
    PointRemoved,
    PrimaryChanged,
    ValueChanged,
    describe,
    diff,
    replay,
)
from contactbook.card import CardGroup, CardLabels, CardRow, ContactCard
from contactbook.errors import (
    ERROR_CODES,
    WARNING_CODES,
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
from contactbook.form import ContactForm, FormField
from contactbook.model import MAX_POINTS, ContactKind, ContactPoint, ContactSet
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    Change,
    ClearPrimary,
    EditPoint,
    Finding,
    Outcome,
    RemovePoint,
    SetPrimary,
    add,
    apply,
    edit,
    remove,
    revalidate,
)
from contactbook.routing import (
    Channel,
    Purpose,
    Recipients,
    RoutingPolicy,
    RoutingRule,
    route,
)
from contactbook.selfcheck import fastpaths
from contactbook.validation import (
    MAX_DESCRIPTION_LENGTH,
    normalize,
    normalize_description,
    normalize_email,
    normalize_phone,
    normalize_region,
    normalize_website,
)

__all__ = [
    "ERROR_CODES",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_POINTS",
    "UNCHANGED",
    "WARNING_CODES",
    "ActivityEntry",
    "AddPoint",
    "BatchValidationError",
    "CardGroup",
    "CardLabels",
    "CardRow",
    "Change",
    "Channel",
    "ClearPrimary",
    "ConflictError",
    "ContactCard",
    "ContactError",
    "ContactForm",
    "ContactKind",
    "ContactNotFoundError",
    "ContactPoint",
    "ContactSet",
    "ContactValidationError",
    "DescriptionChanged",
    "EditPoint",
    "EntryNotFoundError",
    "Finding",
    "FormField",
    "FormatError",
    "NoRecipientError",
    "Outcome",
    "PermissionDeniedError",
    "PointAdded",
    "PointChange",
    "PointRemoved",
    "PrimaryChanged",
    "Problem",
    "Purpose",
    "Recipients",
    "RemovePoint",
    "RoutingPolicy",
    "RoutingRule",
    "SetPrimary",
    "StorageError",
    "ValueChanged",
    "add",
    "apply",
    "describe",
    "diff",
    "edit",
    "fastpaths",
    "normalize",
    "normalize_description",
    "normalize_email",
    "normalize_phone",
    "normalize_region",
    "normalize_website",
    "remove",
    "replay",
    "revalidate",
    "route",
]
