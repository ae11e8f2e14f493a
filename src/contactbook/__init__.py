"""contactbook: customers' contact details for billing systems.

Validated and normalized contact points (email, telephone, mobile, website), grouped in
an immutable :class:`ContactSet` whose first point of each kind is primary; batches of
changes applied all-or-nothing; an activity entry for every saved batch; ports that a
host application implements for its storage, activity log and permissions.

The distribution is ``contactbook-billing``; the import name is ``contactbook``.
:func:`fastpaths` says which fast paths run here and why; ``python -m contactbook
selfcheck`` checks them against the installed validators.
"""

import importlib as _importlib
import typing as _typing

from contactbook._version import __version__ as __version__
from contactbook.audit import (
    ActivityEntry,
    DescriptionChanged,
    Event,
    PointAdded,
    PointRemoved,
    PrimaryChanged,
    ValueChanged,
    describe,
    diff,
    replay,
)
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
from contactbook.messages import Message
from contactbook.model import MAX_POINTS, ContactKind, ContactPoint, ContactSet
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    ClearPrimary,
    Command,
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
    HostUnitOfWork,
    Permission,
    Stored,
    SystemClock,
    Transaction,
    UnitOfWork,
)
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
    "Channel",
    "ClearPrimary",
    "Clock",
    "Command",
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
    "ContactValidationError",
    "DescriptionChanged",
    "EditPoint",
    "EntryNotFoundError",
    "Event",
    "Finding",
    "FormField",
    "FormGroup",
    "FormRow",
    "FormatError",
    "HostUnitOfWork",
    "Message",
    "NoRecipientError",
    "Outcome",
    "Permission",
    "PermissionDeniedError",
    "PointAdded",
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
    "Translator",
    "UnitOfWork",
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

# Loaded on first use (PEP 562), so that `import contactbook` costs little more than its
# validator libraries (the benchmark's import target): the presentation package, the
# service, routing and the self-check are not needed to validate a value. Each name
# resolves from the module that defines it the first time it is read, and is then kept
# in the namespace. The imports below say the same for type checkers and the API docs.
_LAZY = {
    "ActivityLog": "contactbook.presentation.activity",
    "CardGroup": "contactbook.presentation.card",
    "CardLabels": "contactbook.presentation.card",
    "CardRow": "contactbook.presentation.card",
    "ContactCard": "contactbook.presentation.card",
    "ContactForm": "contactbook.presentation.form",
    "FormField": "contactbook.presentation.form",
    "FormGroup": "contactbook.presentation.form",
    "FormRow": "contactbook.presentation.form",
    "Channel": "contactbook.routing",
    "Purpose": "contactbook.routing",
    "Recipients": "contactbook.routing",
    "RoutingPolicy": "contactbook.routing",
    "RoutingRule": "contactbook.routing",
    "route": "contactbook.routing",
    "ContactService": "contactbook.service",
    "Saved": "contactbook.service",
    "fastpaths": "contactbook.selfcheck",
    "Translator": "contactbook.presentation.i18n",
}

if _typing.TYPE_CHECKING:
    from contactbook.presentation.activity import ActivityLog
    from contactbook.presentation.card import CardGroup, CardLabels, CardRow, ContactCard
    from contactbook.presentation.form import (
        ContactForm,
        FormField,
        FormGroup,
        FormRow,
    )
    from contactbook.presentation.i18n import Translator
    from contactbook.routing import (
        Channel,
        Purpose,
        Recipients,
        RoutingPolicy,
        RoutingRule,
        route,
    )
    from contactbook.selfcheck import fastpaths
    from contactbook.service import ContactService, Saved
else:

    def __getattr__(name: str) -> _typing.Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'contactbook' has no attribute {name!r}")
        value = getattr(_importlib.import_module(module), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})
