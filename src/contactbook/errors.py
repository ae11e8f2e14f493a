"""Every refusal contactbook makes, as one tree of exceptions.

::

    ContactError                                  root: catch this to catch them all
    ├── ContactValidationError (ValueError)       input refused; .code, .field, .errors
    │   └── BatchValidationError                  a batch refused; .errors has every problem
    ├── ContactNotFoundError (LookupError)        no point with that id  (contact.not_found)
    ├── NoRecipientError (LookupError)            no required recipient (routing.no_recipient)
    ├── EntryNotFoundError (LookupError)          no entry with that id (activity.not_found)
    ├── ConflictError                             stale version on save  (contact.conflict)
    ├── PermissionDeniedError (PermissionError)   actor lacks a permission (permission.denied)
    ├── FormatError (ValueError)                  unreadable interchange data (format.*)
    └── StorageError                              the store cannot be used (storage.*)

Every error has a stable machine ``code`` (a key of :data:`ERROR_CODES`), the ``field``
it concerns (or ``None``) and a message a person can act on (``str(error)``).
Codes never change meaning; new ones may be added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from contactbook.messages import Message

__all__ = [
    "ERROR_CODES",
    "WARNING_CODES",
    "BatchValidationError",
    "ConflictError",
    "ContactError",
    "ContactNotFoundError",
    "ContactValidationError",
    "EntryNotFoundError",
    "FormatError",
    "InBatch",
    "InFile",
    "InVCard",
    "Location",
    "NoRecipientError",
    "PermissionDeniedError",
    "Problem",
    "StorageError",
]

#: Every error code the library raises, with what it means. The docs' error table and a
#: test that scans the source for codes both read this mapping, so it cannot drift.
ERROR_CODES: Mapping[str, str] = MappingProxyType(
    {
        "email.empty": "The email address is empty.",
        "email.invalid": "The email address is not valid (no @, no domain with a dot, ...).",
        "email.multiple": "Several addresses were entered in one field.",
        "email.too_long": "The input is far longer than any email address can be.",
        "email.undeliverable": "The domain accepts no email (only with deliverability checks).",
        "phone.empty": "The telephone number is empty.",
        "phone.invalid": "The number is not a valid telephone number.",
        "phone.country_required": "The number has no country code and no billing country is known.",
        "phone.extension": "The number has an extension, which E.164 cannot hold.",
        "phone.too_long": "The input is far longer than any telephone number can be.",
        "country.invalid": "The billing country is not a known ISO 3166-1 alpha-2 code.",
        "website.empty": "The website is empty.",
        "website.invalid": "The website is not a valid web address.",
        "website.scheme": "The address is not http or https (javascript:, data:, ftp:, ...).",
        "website.host": "The website has no valid host name.",
        "website.userinfo": "The address holds a user name or password.",
        "website.character": "The address holds white space or control characters.",
        "website.too_long": "The web address is longer than 2000 characters.",
        "website.backslash": "The address holds a backslash, which browsers read as a slash.",
        "website.ip_form": "The host is an IP address in a form other than dotted decimal.",
        "website.unreachable": "The host is a loopback, private, reserved or special-use one.",
        "description.too_long": "The description is longer than 100 characters.",
        "description.character": "The description holds control or bidirectional characters.",
        "text.character": "The input holds characters that cannot be text (NUL, surrogates).",
        "contact.duplicate": "The same value is already present for this kind.",
        "contact.limit": "The set would hold more than 100 contact points.",
        "contact.not_found": "No contact point has that id.",
        "contact.conflict": "The contact details changed since they were read.",
        "permission.denied": "The actor lacks the permission for this action.",
        "actor.invalid": "The actor is not a str, is blank, or holds unprintable characters.",
        "storage.unavailable": "The store cannot be opened or written.",
        "storage.corrupt": (
            "The store's file is not a contactbook database, is damaged, or its tables "
            "were changed."
        ),
        "storage.version": "The store was written by a newer contactbook.",
        "storage.locked": "The store stayed locked by another writer for too long.",
        "storage.encoding": "The database or the connection does not use UTF8 (PostgreSQL).",
        "activity.not_found": "No activity entry has that id (a paging or relay cursor).",
        "customer.not_found": "Nothing is stored for that customer (show, log, export).",
        "form.invalid": "A posted edit window could not be read (a field missing, repeated, "
        "malformed, or naming a contact point that is not there), or it left a stored "
        "row out (nothing is removed by omission).",
        "form.group_empty": "A new group of additional details has a description but no details.",
        "page.invalid": "A page size that is not a whole number from 1 to 2**63 - 2 was asked for.",
        "version.invalid": "A version that is not a whole number from 0 to 2**63 - 1 was named.",
        "mark.invalid": "A store was given a mark that is no bytes of 1 to 16.",
        "clock.invalid": "The host's clock gave a naive time, or one outside the years 1-9999.",
        "format.invalid": "Interchange data (JSON, vCard, CSV) could not be read.",
        "format.version": "Interchange data has a version this release cannot read.",
        "format.encoding": "The encoding named is no text encoding a file can be saved in.",
        "csv.columns": "The CSV file lacks a required column, or has no header row.",
        "csv.row": "A CSV row is malformed or has another number of cells than the header.",
        "csv.encoding": "A CSV cell, row or header is not text in the file's encoding.",
        "csv.too_large": "A CSV cell or row is larger than any contact value can be.",
        "csv.customer_id": "A CSV row has no usable customer id.",
        "csv.kind": "The kind column holds something other than email, phone, mobile, website.",
        "csv.country": "A customer's rows give different billing countries.",
        "csv.mapping": "A CSV column mapping cannot be read (not TOML, an unknown key or kind).",
        "vcard.line": "A vCard line is not a content line (name:value).",
        "vcard.unsupported": "A vCard property or value type that contactbook does not keep.",
        "vcard.card": "A second card in a vCard file; one card is read per customer.",
        "routing.invalid": "The routing configuration is not JSON, or a value has the wrong type.",
        "routing.key": "The routing configuration has a key contactbook does not know.",
        "routing.purpose": "The purpose is not known to the routing policy, or not a valid name.",
        "routing.channel": "The channel is neither email nor sms.",
        "routing.description": "A description in a routing rule is empty.",
        "routing.no_recipient": "A required recipient was asked for and none fits.",
        "contact.error": "The root code, for host subclasses of ContactError without one.",
    }
)

#: Every warning code: the value is accepted, but the caller may want to show this.
WARNING_CODES: Mapping[str, str] = MappingProxyType(
    {
        "mobile.fixed_line": "A fixed-line-only number was entered as a mobile number.",
        "phone.mobile": "A mobile-only number was entered as a telephone (landline) number.",
    }
)


@attrs.frozen
class Location:
    """Where in its input a problem was found: the base of every kind of place.

    One record per kind of input: :class:`InBatch` (a change of a batch),
    :class:`InFile` (a row and column of a CSV file), :class:`InVCard` (a line of a
    vCard), and the edit window's ``contactbook.presentation.form.Location`` (a field of
    the form). A new input with its own places adds a record here (or, above the core,
    in its own module).
    """


@attrs.frozen
class InBatch(Location):
    """Change number ``index`` (0-based) of a batch."""

    index: int


@attrs.frozen
class InFile(Location):
    """A cell, or a whole row, of a CSV file.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1);
    ``column`` is the header's name of the cell (empty for the whole row);
    ``customer_id`` is the customer the row belongs to (empty when it has no usable id).
    """

    row: int
    column: str = ""
    customer_id: str = ""


@attrs.frozen
class InVCard(Location):
    """The logical line of a vCard that starts on physical line ``line`` (1-based)."""

    line: int


@attrs.frozen
class Problem:
    """One thing wrong with, or odd about, an input: what, where, and what to do.

    The one record of a problem, whatever the input: the problems in
    :attr:`ContactValidationError.errors` and the warnings, which do not block; a CSV
    file's report lines, a vCard's skipped lines and the edit window's problems.
    ``location`` says where it is (``None``: nowhere more precise than the input as a
    whole); ``input`` is what was there, shortened for showing (``""`` if not kept).
    ``index`` is the position of the change in a batch (``None`` outside a batch), the
    same as ``location.index`` when the location is :class:`InBatch`.
    """

    code: str
    field: str | None
    message: str
    index: int | None = None
    location: Location | None = None
    input: str = ""

    @property
    def is_warning(self) -> bool:
        """Whether this is a warning (a code of :data:`WARNING_CODES`): it blocks nothing."""
        return self.code in WARNING_CODES

    @property
    def severity(self) -> str:
        """``"warning"`` or ``"error"``, as a report file writes it."""
        return "warning" if self.is_warning else "error"

    def at(self, where: int | Location | None, /) -> Problem:
        """Return this problem at ``where``: change number ``where`` of a batch, or a place.

        A place other than :class:`InBatch` keeps the batch index; ``None`` takes the
        location and the batch index away.
        """
        if where is None:
            return attrs.evolve(self, index=None, location=None)
        if isinstance(where, int):
            return attrs.evolve(self, index=where, location=InBatch(where))
        index = where.index if isinstance(where, InBatch) else self.index
        return attrs.evolve(self, index=index, location=where)


class ContactError(Exception):
    """Root of every error contactbook raises on purpose."""

    code: str = "contact.error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, field={self.field!r})"


class ContactValidationError(ContactError, ValueError):
    """Input was refused: an invalid value, a duplicate, a limit reached.

    ``errors`` lists every problem found (at least one); ``code``, ``field`` and the
    message are those of the first.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: str | None = None,
        errors: Iterable[Problem] = (),
    ):
        super().__init__(message, code=code, field=field)
        self._errors = tuple(errors)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Every problem found; a single refusal is its own one problem."""
        if not self._errors:
            # Built on first use: most refusals are caught and shown by code and message
            # alone, and building the record on every refusal would cost each one.
            self._errors = (Problem(self.code, self.field, self.message),)
        return self._errors

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> ContactValidationError:
        """Build one error that carries every problem; the first one names it."""
        found = tuple(problems)
        if not found:
            msg = "from_problems() needs at least one problem"
            raise ValueError(msg)
        first = found[0]
        message = first.message
        if len(found) > 1:
            message = Message(
                "{message} (and {count} more problem(s))", message=message, count=len(found) - 1
            )
        return cls(message, code=first.code, field=first.field, errors=found)


class BatchValidationError(ContactValidationError):
    """A batch of changes was refused as a whole; ``errors`` has every problem found.

    Each problem's ``index`` names the change (0-based) that caused it. Nothing of the
    batch was applied.
    """


class ContactNotFoundError(ContactError, LookupError):
    """No contact point with the given id is in the set."""

    code = "contact.not_found"

    def __init__(self, point_id: int):
        super().__init__(
            Message(
                "There is no contact point with id {point_id}; it may have been removed. "
                "Reload the contact details and try again.",
                point_id=point_id,
            ),
            field="id",
        )
        self.point_id = point_id


class NoRecipientError(ContactError, LookupError):
    """A required recipient was asked for and the customer has no contact point that fits.

    ``purpose`` and ``channel`` are what was asked; ``reason`` says what was missing.
    """

    code = "routing.no_recipient"

    def __init__(self, purpose: str, channel: str, reason: str, *, field: str | None = None):
        super().__init__(
            Message(
                "There is no recipient for {purpose} by {channel}: {reason} Add one on the "
                "customer's contact card, or change the routing policy.",
                purpose=repr(purpose),
                channel=channel,
                reason=reason,
            ),
            field=field,
        )
        self.purpose = purpose
        self.channel = channel
        self.reason = reason


class EntryNotFoundError(ContactError, LookupError):
    """No activity entry with the given id is in the log (a paging or relay cursor)."""

    code = "activity.not_found"

    def __init__(self, entry_id: str):
        super().__init__(
            Message(
                "There is no activity entry with id {entry_id} in this log. Pass the id of an "
                "entry this store returned, or None to start from the beginning.",
                entry_id=repr(entry_id),
            ),
            field="entry_id",
        )
        self.entry_id = entry_id


class ConflictError(ContactError):
    """The set changed since it was read (optimistic concurrency): reload and retry.

    ``expected`` is the version the edit was built from; ``actual`` the stored one when
    the store knows it without another read, else ``None`` (a store that checks the
    version inside its write need not read it back).
    """

    code = "contact.conflict"

    #: The one text of a stale edit, wherever it shows: this error, the edit window's
    #: problem and its notice. The customer and the versions are the error's attributes.
    MESSAGE = Message(
        "These contact details were changed by someone else after they were read, so "
        "nothing was saved. Reload them and make your change again."
    )

    def __init__(self, customer_id: str, expected: int, actual: int | None = None):
        super().__init__(self.MESSAGE)
        self.customer_id = customer_id
        self.expected = expected
        self.actual = actual


class PermissionDeniedError(ContactError, PermissionError):
    """The actor lacks the permission the action needs; nothing was changed."""

    code = "permission.denied"

    def __init__(self, actor: str, permission: str, customer_id: str):
        super().__init__(
            Message(
                "{actor} may not do this for customer {customer_id}: it needs the "
                "permission {permission}. Ask your system administrator to grant it.",
                actor=repr(actor),
                customer_id=repr(customer_id),
                permission=repr(permission),
            )
        )
        self.actor = actor
        self.permission = permission
        self.customer_id = customer_id


class FormatError(ContactError, ValueError):
    """Interchange data (JSON, vCard, CSV) could not be read: malformed or too new."""

    code = "format.invalid"


class StorageError(ContactError):
    """The store cannot be used: unreadable, foreign, too new, or locked."""

    code = "storage.unavailable"

    @classmethod
    def unreadable(cls, error: FormatError, /, *, what: str, where: str) -> StorageError:
        """Return the refusal of stored data that ``error`` says cannot be read.

        ``storage.version`` for data a newer contactbook wrote, ``storage.corrupt`` for
        anything else; every store words it the same way.
        """
        code = "storage.version" if error.code == "format.version" else "storage.corrupt"
        msg = Message(
            "The stored data of {what} in {where} cannot be read: {reason}",
            what=what,
            where=where,
            reason=error.message,
        )
        return cls(msg, code=code)
