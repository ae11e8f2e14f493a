"""The ports: what a host application implements to embed contactbook.

Each port is a :class:`typing.Protocol`; frozen records cross them. contactbook ships
an in-memory implementation of each (:mod:`contactbook.adapters.memory`) and a SQLite
one of the repository and the audit sink (:mod:`contactbook.adapters.sqlite`); the
contract tests in :mod:`contactbook.testing` check a host's own.
"""

from __future__ import annotations

import datetime as dt
import enum
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import attrs

from contactbook.audit import ActivityEntry
from contactbook.model import ContactSet

__all__ = [
    "AuditSink",
    "Authorizer",
    "Clock",
    "ContactRepository",
    "Permission",
    "Stored",
    "SystemClock",
    "Transaction",
]


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
        nothing when the version moved on: no update is ever lost.
        """
        ...


@runtime_checkable
class AuditSink(Protocol):
    """The customer's activity log: receives one entry per saved batch."""

    def record(self, entry: ActivityEntry, /) -> None:
        """Keep ``entry``; raising undoes the save when both share a transaction."""
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
    """A factory of the unit of work that makes a save and its entry one.

    Called once per saved batch; the service saves and records inside the context it
    returns. Leaving it normally must commit both; leaving it with an exception must
    keep neither.
    """

    def __call__(self) -> AbstractContextManager[object]:
        """Open one unit of work."""
        ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> dt.datetime:
        """Return the current time in UTC."""
        return dt.datetime.now(dt.timezone.utc)
