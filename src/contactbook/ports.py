"""The ports: what a host application implements to embed contactbook.

Each port is a :class:`typing.Protocol`; frozen records cross them:

- :class:`ContactRepository`: the contact sets, with optimistic versions;
- :class:`AuditSink`: the activity log, written (:meth:`~AuditSink.record`) and read
  back newest first, a page at a time (:meth:`~AuditSink.entries`);
- :class:`BillingCountries`: each customer's billing country, which phone numbers
  without a country code are read in;
- :class:`Authorizer`: the host's permissions;
- :class:`Transaction`: the unit of work that makes one use case one transaction;
- :class:`Clock`: the time of activity entries.

:class:`UnitOfWork` owns the three storage ports and opens their unit: it is the one
object a :class:`~contactbook.service.ContactService` is handed, beside the
authorizer. contactbook ships stores that are all three ports and their unit in one
object (:mod:`contactbook.adapters.memory`, :mod:`contactbook.adapters.sqlite`,
:mod:`contactbook.adapters.postgres`); :class:`HostUnitOfWork` assembles one from a
host's own ports; the contract tests in :mod:`contactbook.testing.contracts` check a
host's own.
"""

from __future__ import annotations

import datetime as dt
import enum
import reprlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, cast, runtime_checkable

import attrs

from contactbook.audit import ActivityEntry
from contactbook.errors import ConflictError, ContactValidationError
from contactbook.model import ContactSet

__all__ = [
    "MAX_MARK",
    "ActivityPage",
    "AuditSink",
    "Authorizer",
    "BatchStore",
    "BillingCountries",
    "Clock",
    "ContactRepository",
    "HostUnitOfWork",
    "MarkStore",
    "Permission",
    "StorePorts",
    "Stored",
    "SystemClock",
    "Transaction",
    "UnitOfWork",
    "batch_conflict",
    "require_marks",
    "require_page_size",
    "require_saves",
    "require_time",
    "require_version",
]

#: How many activity entries a page holds when the caller does not say.
DEFAULT_PAGE_SIZE = 50

#: The largest whole number every store can hold: SQLite's INTEGER and PostgreSQL's
#: ``bigint`` are signed 64-bit. Versions reach at most this; a page is one smaller, so
#: that a store may ask its database for one entry more than the page holds.
MAX_INTEGER = 2**63 - 1


def require_page_size(limit: int, /) -> int:
    """Return ``limit`` if it is a page size (an int from 1 to ``MAX_INTEGER - 1``).

    Anything else (0, a negative, a bool, a float, a string, a number past 64 bits) is
    refused with ``page.invalid`` before it reaches storage. The service and every store
    call it, so that each refuses the same sizes the same way.
    """
    if type(limit) is not int or not 1 <= limit < MAX_INTEGER:
        msg = (
            "A page holds from 1 to 2**63 - 2 activity entries (a whole number); "
            f"limit={_shown(limit)} is not one."
        )
        raise ContactValidationError(msg, code="page.invalid", field="limit")
    return limit


def require_version(version: int, /, *, field: str = "expected_version") -> int:
    """Return ``version`` if it is a version (an int from 0 to ``MAX_INTEGER``).

    Anything else is refused with ``version.invalid`` before it reaches storage. The
    service calls it for ``expected_version``; every store calls it in ``save`` and, for
    the entry's ``version``, in ``record``.
    """
    if type(version) is not int or not 0 <= version <= MAX_INTEGER:
        msg = (
            f"{field} must be a version, a whole number from 0 (nothing saved yet) to "
            f"2**63 - 1 (for an update: the version the edit was built from); got "
            f"{_shown(version)}."
        )
        raise ContactValidationError(msg, code="version.invalid", field=field)
    return version


def require_time(at: dt.datetime, /) -> dt.datetime:
    """Return the clock's time ``at`` in UTC, or refuse one no activity entry can hold.

    An aware time of any offset is turned into UTC (the same instant); a naive time
    (no offset: UTC or local?), one whose UTC falls outside the years 1-9999, or
    anything but a :class:`~datetime.datetime` is refused with ``clock.invalid``. The
    service calls it before the unit of work opens, so nothing is written.
    """
    try:
        if isinstance(at, dt.datetime) and at.utcoffset() is not None:
            return at.astimezone(dt.timezone.utc)
    except OverflowError:  # the UTC time is in year 0 or 10000
        pass
    shown = repr(at) if isinstance(at, dt.datetime) else reprlib.repr(at)
    msg = (
        "The clock gave a time no activity entry can hold: it must be a timezone-aware "
        f"datetime of the years 1-9999 in UTC, got {shown}. Fix the host's Clock."
    )
    raise ContactValidationError(msg, code="clock.invalid", field="at")


def _shown(number: object) -> str:
    """Show a refused number; one past 4300 digits has no repr (int_max_str_digits)."""
    if type(number) is int and number.bit_length() > 64:
        return "a number past 64 bits"
    return reprlib.repr(number)


class Permission(str, enum.Enum):
    """What an actor may do to a customer's contact details; the value is its name."""

    READ_CONTACT_DETAILS = "View Customer Contact Details"
    UPDATE_CONTACT_DETAILS = "Update Customer Contact Details"


@attrs.frozen
class Stored:
    """A customer's contact set as the repository holds it, with its version.

    Version 0 is a customer with nothing saved yet (the empty set); every save adds 1.
    """

    contacts: ContactSet
    version: int


@runtime_checkable
class ContactRepository(Protocol):
    """Where contact sets live, keyed by customer id, with optimistic concurrency."""

    def load(self, customer_id: str, /) -> Stored:
        """Return the customer's set and version; an unknown customer is ``(empty, 0)``."""
        ...

    def save(self, customer_id: str, contacts: ContactSet, /, *, expected_version: int) -> int:
        """Store ``contacts`` if the stored version is still ``expected_version``.

        Returns the new version, ``expected_version + 1``. Raises
        :class:`~contactbook.errors.ConflictError` (``contact.conflict``) and stores
        nothing when the version moved on: no update is ever lost. Check the version in
        the write itself (``UPDATE ... WHERE version = ?``; for version 0 an insert that
        does nothing when the row exists), so that a conflict leaves the host's
        transaction usable: never provoke a unique violation and then read the version.
        """
        ...


@attrs.frozen
class ActivityPage:
    """One page of a customer's activity log, newest entry first.

    ``next`` is the cursor of the following (older) page: pass it as ``before`` to
    :meth:`AuditSink.entries`. It is ``None`` when there is nothing older. A cursor
    names an entry, not a position, so entries written meanwhile never shift a page.
    """

    entries: tuple[ActivityEntry, ...]
    next: str | None = None


@runtime_checkable
class AuditSink(Protocol):
    """The customer's activity log: one entry per saved batch, read back newest first."""

    def record(self, entry: ActivityEntry, /) -> None:
        """Keep ``entry``; raising undoes the save (they share the unit of work)."""
        ...

    def entries(
        self, customer_id: str, /, *, limit: int = DEFAULT_PAGE_SIZE, before: str | None = None
    ) -> ActivityPage:
        """Return up to ``limit`` of the customer's entries, newest first.

        ``before`` is the ``next`` cursor of the previous page (``None``: the newest
        page). A cursor the log does not know raises
        :class:`~contactbook.errors.EntryNotFoundError`; a ``limit`` that is no page size
        (:func:`require_page_size`) raises
        :class:`~contactbook.errors.ContactValidationError` (``page.invalid``).
        """
        ...


@runtime_checkable
class BillingCountries(Protocol):
    """Where a customer's billing country comes from: the host's customer records."""

    def billing_country(self, customer_id: str, /) -> str | None:
        """Return the customer's billing country (ISO 3166-1 alpha-2), or ``None``.

        ``None`` means none is known; numbers without a country code are then refused
        with ``phone.country_required``.
        """
        ...


@runtime_checkable
class Authorizer(Protocol):
    """The host's permission system."""

    def is_allowed(self, actor: str, permission: Permission, customer_id: str, /) -> bool:
        """Answer "may ``actor`` do ``permission`` to this customer?"."""
        ...


@runtime_checkable
class Clock(Protocol):
    """Where activity entries get their time; inject a fixed one in tests."""

    def now(self) -> dt.datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class Transaction(Protocol):
    """A factory of the unit of work: one use case, one transaction.

    The service calls it once per use case and does everything inside the context it
    returns: load, save and record (or the reads of a read). The rules every shipped
    store keeps, and :class:`~contactbook.testing.contracts.UnitOfWorkContract` checks:

    - Leaving the outermost unit normally commits everything done inside it; leaving it
      with an exception keeps none of it.
    - A unit opened inside an open unit (the same thread or connection) is a savepoint:
      if it fails, only its own work is undone and the outer unit goes on; nothing is
      durable until the outermost unit commits. So a host may open its own transaction,
      write its own rows, and call the service inside it: everything commits together.
    - The version check of :meth:`ContactRepository.save` happens inside the unit, so
      no other writer can save between the check and the write.

    A unit of work also opens the unit of the use cases that only read
    (:meth:`UnitOfWork.read_transaction`): the same rules, but it may take no write
    lock, and nothing is written inside it.
    """

    def __call__(self) -> AbstractContextManager[object]:
        """Open one unit of work."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """The storage ports and the unit of work that makes one use case one transaction.

    It is what a :class:`~contactbook.service.ContactService` is handed.
    ``contacts``, ``log`` and ``countries`` are the ports the use cases read and write;
    :meth:`transaction` opens the unit (see :class:`Transaction` for its rules), and
    :meth:`read_transaction` the unit of a use case that only reads (it may take no
    write lock; a store without such a unit returns :meth:`transaction`'s). Every
    shipped store is one (``InMemoryStore``, ``SQLiteStore``, ``PostgresStore``: each
    is all three ports at once); a host with ports of its own builds one with
    :class:`HostUnitOfWork`, or writes a class of these five members.
    """

    @property
    def contacts(self) -> ContactRepository:
        """The contact sets."""
        ...

    @property
    def log(self) -> AuditSink:
        """The activity log."""
        ...

    @property
    def countries(self) -> BillingCountries:
        """The customers' billing countries."""
        ...

    def transaction(self) -> AbstractContextManager[object]:
        """Open one unit of work (see :class:`Transaction` for the rules)."""
        ...

    def read_transaction(self) -> AbstractContextManager[object]:
        """Open one unit of work in which nothing is written."""
        ...


@attrs.frozen
class HostUnitOfWork:
    """A :class:`UnitOfWork` made of a host's own ports and transaction.

    ``transaction`` opens the unit (``session.begin_nested``, ``transaction.atomic``,
    a store's ``transaction``); ``read_transaction``, when given, the unit of the use
    cases that only read, else they read in a ``transaction()``.

    >>> from contactbook.adapters.memory import InMemoryStore
    >>> store = InMemoryStore()
    >>> unit = HostUnitOfWork(store, store, store, transaction=store.transaction)
    >>> with unit.read_transaction():
    ...     unit.contacts.load("C1").version
    0
    """

    contacts: ContactRepository
    log: AuditSink
    countries: BillingCountries
    _transaction: Transaction = attrs.field(kw_only=True)
    _read_transaction: Transaction | None = attrs.field(default=None, kw_only=True)

    def transaction(self) -> AbstractContextManager[object]:
        """Open one unit of work."""
        return self._transaction()

    def read_transaction(self) -> AbstractContextManager[object]:
        """Open one unit of work that only reads (``transaction()`` unless given one)."""
        return (self._read_transaction or self._transaction)()


class StorePorts:
    """A base for a store that is all three storage ports itself, as the shipped ones are.

    ``contacts``, ``log`` and ``countries`` are the store, so that with its
    ``transaction()`` and ``read_transaction()`` it is a :class:`UnitOfWork`.
    """

    @property
    def contacts(self) -> ContactRepository:
        """The store, as the repository of contact sets."""
        return cast("ContactRepository", self)

    @property
    def log(self) -> AuditSink:
        """The store, as the activity log."""
        return cast("AuditSink", self)

    @property
    def countries(self) -> BillingCountries:
        """The store, as the customers' billing countries."""
        return cast("BillingCountries", self)


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> dt.datetime:
        """Return the current time in UTC."""
        return dt.datetime.now(dt.timezone.utc)


@runtime_checkable
class BatchStore(Protocol):
    """Optional: a store that loads, saves and records many customers at once.

    A bulk import (:mod:`contactbook.bulk`) uses these methods when the store has all
    three, a block of customers per call instead of a call per customer, and falls back
    to :meth:`ContactRepository.load`, :meth:`ContactRepository.save` and
    :meth:`AuditSink.record` one customer at a time when it has not: a host's store
    need not offer them. The shipped stores do;
    :class:`~contactbook.testing.contracts.BatchStoreContract` checks a host's own.
    Each method is all or nothing: when it raises, it has written nothing.
    """

    def load_many(self, customer_ids: Sequence[str], /) -> dict[str, Stored]:
        """Return the set and version of each customer, as :meth:`~ContactRepository.load`.

        Every id asked is a key of the result: a customer with nothing stored is
        ``Stored(ContactSet(), 0)``.
        """
        ...

    def save_many(self, saves: Sequence[tuple[str, ContactSet, int]], /) -> None:
        """Store each ``(customer_id, contacts, expected_version)`` as its version + 1.

        Checks every version in the write, as :meth:`~ContactRepository.save` does:
        when any of them moved on (or a customer is named twice), raises
        :class:`~contactbook.errors.ConflictError` for one of them and stores none.
        """
        ...

    def record_many(self, entries: Sequence[ActivityEntry], /) -> None:
        """Append ``entries`` to the activity log, in their order, as :meth:`~AuditSink.record`."""
        ...


#: The longest mark a :class:`MarkStore` keeps on a set, in bytes.
MAX_MARK = 16


@runtime_checkable
class MarkStore(Protocol):
    """Optional: a store that keeps a short mark on a customer's set until it is saved.

    A bulk import (:mod:`contactbook.bulk`) marks each set it stored with the
    fingerprint of the rows it was stored from; when the same rows come again, and
    nobody saved the set since, the customer is neither checked nor merged again. Every
    save of a set clears its mark, so a mark read back always names the set as the
    marking import left it. The shipped stores have it;
    :class:`~contactbook.testing.contracts.MarkStoreContract` checks a host's own. A
    store without it is checked and merged in full, as before.
    """

    def load_marked(self, marks: Mapping[str, bytes], /) -> dict[str, Stored]:
        """Return the stored set of each customer whose set carries exactly the mark given.

        One read, one consistent state of the store; customers whose set carries no
        mark, another one, or is not stored are left out.
        """
        ...

    def mark_many(self, marks: Sequence[tuple[str, bytes]], /) -> None:
        """Put each ``(customer_id, mark)`` on the customer's set as now stored, all or none.

        In the open unit of work: undone with it. A customer with nothing stored gets no
        mark. Every later save of the customer that does not mark it clears the mark.
        """
        ...


def require_marks(marks: Iterable[tuple[object, object]], /) -> None:
    """Refuse a mark that is no bytes of 1 to 16 (:data:`MAX_MARK`), before any work.

    Every :class:`MarkStore` calls it first in both methods (``mark.invalid``).
    """
    for _, mark in marks:
        if type(mark) is not bytes or not 0 < len(mark) <= MAX_MARK:
            msg = (
                f"A mark must be bytes, 1 to {MAX_MARK} of them (an import's fingerprint "
                f"of a customer's rows); got {_shown(mark)}."
            )
            raise ContactValidationError(msg, code="mark.invalid", field="mark")


def require_saves(saves: Sequence[tuple[str, ContactSet, int]], /) -> None:
    """Refuse what no :meth:`BatchStore.save_many` takes, before anything is written.

    Every expected version must be a version (:func:`require_version`); a customer named
    twice is a :class:`~contactbook.errors.ConflictError` (its second save was built on
    a version the first one replaces). Every store calls it first.
    """
    seen: set[str] = set()
    for customer_id, _, expected_version in saves:
        require_version(expected_version)
        if customer_id in seen:
            raise ConflictError(customer_id, expected_version)
        seen.add(customer_id)


def batch_conflict(
    saves: Sequence[tuple[str, ContactSet, int]],
    load_many: Callable[[Sequence[str]], Mapping[str, Stored]],
    /,
) -> ConflictError:
    """Return the conflict of a refused :meth:`BatchStore.save_many`, for a store to raise.

    ``load_many`` is the store's: it reads what the store holds now. The error names the
    first save whose version moved on, with the version stored; if none did (another
    writer saved and was undone meanwhile), the first save.
    """
    stored = load_many([customer_id for customer_id, _, _ in saves])
    for customer_id, _, expected_version in saves:
        actual = stored[customer_id].version
        if actual != expected_version:
            return ConflictError(customer_id, expected_version, actual)
    customer_id, _, expected_version = saves[0]
    return ConflictError(customer_id, expected_version)
