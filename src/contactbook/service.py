"""The use cases a host offers: read a customer's contact details, save an edit.

:class:`ContactService` is built from the ports. Every use case runs in the same
order: authorise (before any other work), load, operate, then save and record in one
unit of work.

The atomicity guarantee, exactly: the service calls ``repository.save`` and then
``audit.record`` inside one ``transaction()`` context. If the host's transaction makes
both writes one database transaction (as :class:`~contactbook.adapters.sqlite.SQLiteStore`
and :class:`~contactbook.adapters.memory.InMemoryStore` do), a failure or crash at any
point leaves both or neither. With the default transaction (none), a failing
``record`` after a successful ``save`` leaves the save in place and the error
propagates to the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextlib import nullcontext

import attrs

from contactbook.audit import ActivityEntry, PointChange
from contactbook.card import CardLabels, ContactCard
from contactbook.errors import ConflictError, PermissionDeniedError, Problem
from contactbook.model import ContactSet
from contactbook.operations import Change, apply
from contactbook.ports import (
    AuditSink,
    Authorizer,
    Clock,
    ContactRepository,
    Permission,
    Stored,
    SystemClock,
    Transaction,
)

__all__ = ["ContactService", "Saved"]


@attrs.frozen
class Saved:
    """The result of an update: the set and version now stored, and what happened.

    ``entry`` is ``None`` (and ``version`` unchanged) when the batch changed nothing.
    """

    contacts: ContactSet
    version: int
    entry: ActivityEntry | None
    warnings: tuple[Problem, ...] = ()

    @property
    def changes(self) -> tuple[PointChange, ...]:
        """The changes saved (empty when nothing changed)."""
        return () if self.entry is None else self.entry.changes


def _new_entry_id() -> str:
    return uuid.uuid4().hex


@attrs.frozen
class ContactService:
    """Read and update customers' contact details through the host's ports.

    ``transaction`` is called once per saved batch; see the module docs for the
    guarantee it gives. ``new_entry_id`` makes the activity entry ids (random UUIDs by
    default).
    """

    repository: ContactRepository
    audit: AuditSink
    authorizer: Authorizer
    clock: Clock = attrs.field(factory=SystemClock, kw_only=True)
    transaction: Transaction = attrs.field(default=nullcontext, kw_only=True)
    new_entry_id: Callable[[], str] = attrs.field(default=_new_entry_id, kw_only=True)

    def authorize(self, actor: str, permission: Permission, customer_id: str) -> None:
        """Raise :class:`PermissionDeniedError` unless ``actor`` may do ``permission``."""
        if not self.authorizer.is_allowed(actor, permission, customer_id):
            raise PermissionDeniedError(actor, permission.value, customer_id)

    def may(self, actor: str, permission: Permission, customer_id: str) -> bool:
        """Whether ``actor`` may do ``permission`` (for example, to show "Change")."""
        return self.authorizer.is_allowed(actor, permission, customer_id)

    def read(self, actor: str, customer_id: str) -> Stored:
        """Return the customer's contact set and version (needs the read permission)."""
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        return self.repository.load(customer_id)

    def card(
        self, actor: str, customer_id: str, *, labels: CardLabels | None = None
    ) -> ContactCard:
        """Return the customer's contact card as ``actor`` sees it (needs the read permission).

        The card shows the Change button when ``actor`` has "Update Customer Contact
        Details". ``labels`` translates the card (English by default).
        """
        stored = self.read(actor, customer_id)
        may_edit = self.may(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        labels = CardLabels() if labels is None else labels
        return ContactCard.build(stored.contacts, can_edit=may_edit, labels=labels)

    def update(
        self,
        actor: str,
        customer_id: str,
        changes: Iterable[Change],
        *,
        region: str | None = None,
        expected_version: int | None = None,
    ) -> Saved:
        """Validate and save a batch of changes as one activity entry.

        Needs "Update Customer Contact Details". ``region`` is the billing country.
        ``expected_version`` is the version the user's form was built from: if the
        stored set moved on since, :class:`ConflictError` is raised before any other
        work. A batch that changes nothing saves nothing and records nothing. Refusals
        (permission, validation, conflict) change nothing.
        """
        self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        batch = tuple(changes)
        current = self.repository.load(customer_id)
        if expected_version is not None and expected_version != current.version:
            raise ConflictError(customer_id, expected_version, current.version)
        outcome = apply(current.contacts, batch, region=region)
        if not outcome.changes:
            return Saved(current.contacts, current.version, None, outcome.warnings)
        with self.transaction():
            version = self.repository.save(
                customer_id, outcome.contacts, expected_version=current.version
            )
            entry = ActivityEntry(
                id=self.new_entry_id(),
                customer_id=customer_id,
                actor=actor,
                at=self.clock.now(),
                version=version,
                changes=outcome.changes,
            )
            self.audit.record(entry)
        return Saved(outcome.contacts, version, entry, outcome.warnings)
