"""contactbook: customers' contact details for billing systems.

Validated and normalised contact points (email, telephone, mobile, website), grouped in
an immutable :class:`ContactSet` whose first point of each kind is primary; batches of
changes applied all-or-nothing; an activity entry for every saved batch; ports that a
host application implements for its storage, activity log and permissions.

The distribution is ``contactbook-billing``; the import name is ``contactbook``.
:func:`fastpaths` says which fast paths run here and why; ``python -m contactbook
selfcheck`` checks them against the installed validators.
"""

import typing as _typing

from contactbook._version import __version__ as __version__
from contactbook.activity import ActivityLog
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
from contactbook.form import ContactForm, FormField, FormGroup, FormProblem, FormRow
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
    RereadPoint,
    SetPrimary,
    add,
    apply,
    edit,
    remove,
    revalidate,
)
from contactbook.ports import (
    ActivityPage,
    AuditSink,
    Authorizer,
    BillingCountries,
    Clock,
    ContactRepository,
    ContactStore,
    Permission,
    Stored,
    SystemClock,
    Transaction,
)
from contactbook.routing import (
    Channel,
    Purpose,
    Recipients,
    RoutingPolicy,
    RoutingRule,
    route,
)
from contactbook.service import ContactService, Saved
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
    "ActivityLog",
    "ActivityPage",
    "AddPoint",
    "AuditSink",
    "Authorizer",
    "BatchValidationError",
    "BillingCountries",
    "CardGroup",
    "CardLabels",
    "CardRow",
    "Change",
    "Channel",
    "ClearPrimary",
    "Clock",
    "ConflictError",
    "ContactCard",
    "ContactError",
    "ContactForm",
    "ContactKind",
    "ContactNotFoundError",
    "ContactPoint",
    "ContactRepository",
    "ContactService",
    "ContactSet",
    "ContactStore",
    "ContactValidationError",
    "DescriptionChanged",
    "EditPoint",
    "EntryNotFoundError",
    "Finding",
    "FormField",
    "FormGroup",
    "FormProblem",
    "FormRow",
    "FormatError",
    "NoRecipientError",
    "Outcome",
    "Permission",
    "PermissionDeniedError",
    "PointAdded",
    "PointChange",
    "PointRemoved",
    "PrimaryChanged",
    "Problem",
    "Purpose",
    "Recipients",
    "RemovePoint",
    "RereadPoint",
    "RoutingPolicy",
    "RoutingRule",
    "Saved",
    "SetPrimary",
    "StorageError",
    "Stored",
    "SystemClock",
    "Transaction",
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

if _typing.TYPE_CHECKING:
    from contactbook.selfcheck import fastpaths
else:

    def __getattr__(name: str) -> _typing.Any:
        # contactbook.selfcheck loads on first use of fastpaths (1.5 ms off the import).
        if name == "fastpaths":
            from contactbook.selfcheck import fastpaths  # noqa: PLC0415

            return fastpaths
        raise AttributeError(f"module 'contactbook' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), "fastpaths"})
