"""The use cases a host offers: read a customer's contact details, check and save an edit.

:class:`ContactService` is built from the ports. Every use case runs in the same
order: authorise (before any other work), check the numbers it was given (a page size,
a version: ``page.invalid``, ``version.invalid``), then one unit of work
(``transaction()``; for a use case that only reads, ``read_transaction()`` if the
service has one) holding everything else: load, operate, save and record. Authorising
starts with the request itself: the actor must be printable, non-blank text
(``actor.invalid``), and neither the actor nor the customer id may hold a surrogate
code point (``text.character``, :func:`contactbook.vocabulary.check_text`), so what is
recorded is what a store gives back. The unit is open before the first read and closed
after the last write, so:

- A save and its activity entry commit together or not at all (the
  :class:`~contactbook.ports.Transaction` rules).
- The load, the version check and the write see one state of the store; a host that
  hands in its own transaction (a SQLAlchemy ``Session``, a psycopg connection) gets
  contactbook's reads and writes inside it, with its own.
- Every update names the version its edit was built from; a stale one raises
  :class:`~contactbook.errors.ConflictError` and saves and records nothing. There is no
  way to skip the check.
- The billing country comes from the host (:class:`~contactbook.ports.BillingCountries`)
  on every update, so no caller can forget it.

Import is a use case too (:meth:`ContactService.merge`): points already checked by a
bulk reader (a CSV export, a vCard) are merged into the stored set by
:func:`contactbook.operations.merge` in one unit (load, merge, save, record), so every
value is validated once, by the reader, and loaded once. It takes no expected version:
the merge is computed from the set it loads inside the unit, so the version check is
the save's own (``expected_version`` = the version just loaded), inside the same unit.
Bulk import (:mod:`contactbook.bulk`) runs many merges in one outer unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import cast

import attrs

from contactbook.audit import ActivityEntry, Event
from contactbook.errors import (
    BatchValidationError,
    ConflictError,
    ContactError,
    ContactValidationError,
    PermissionDeniedError,
    Problem,
)
from contactbook.model import PHONE_KINDS, ContactPoint, ContactSet
from contactbook.operations import Command, Finding, Outcome, apply, merge, revalidate
from contactbook.ports import (
    DEFAULT_PAGE_SIZE,
    ActivityPage,
    AuditSink,
    Authorizer,
    BatchStore,
    BillingCountries,
    Clock,
    ContactRepository,
    ContactStore,
    Permission,
    Stored,
    SystemClock,
    Transaction,
    check_page_size,
    check_time,
    check_version,
)
from contactbook.validation import normalize_region
from contactbook.vocabulary import check_text, shown

__all__ = ["ContactService", "Saved", "check_request"]


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
    def changes(self) -> tuple[Event, ...]:
        """The changes saved (empty when nothing changed)."""
        return () if self.entry is None else self.entry.changes


def _new_entry_id() -> str:
    return uuid.uuid4().hex


def check_request(actor: object, customer_id: object) -> None:
    """Refuse an actor or a customer id no use case may take, before anything else.

    The actor names who acts in the activity log, so it is a ``str`` of printable
    characters (``str.isprintable``: no control, line-break, format or bidi character
    that could forge or hide a log line), not blank: else ``actor.invalid``. Neither
    may hold a surrogate code point (``text.character``): no store could give it back.
    """
    if not isinstance(actor, str):
        msg = f"The actor must be a str naming who acts, not {type(actor).__name__}."
        raise ContactValidationError(msg, code="actor.invalid", field="actor")
    check_text(actor, field="actor", what="actor")
    if not actor.strip() or not actor.isprintable():
        msg = (
            f"The actor {shown(actor, masked=True)} is blank or holds control or other "
            "unprintable characters; pass the name or id of the user who acts."
        )
        raise ContactValidationError(msg, code="actor.invalid", field="actor")
    if isinstance(customer_id, str):  # (another type is the store's to refuse)
        check_text(customer_id, field="customer_id", what="customer id")


@attrs.frozen
class ContactService:
    """Read and update customers' contact details through the host's ports.

    ``transaction`` opens the unit of work each use case runs in (see the module docs);
    it is required, because a service without one could save without its entry.
    ``read_transaction``, if given, opens the unit of the use cases that only read
    (:meth:`read`, :meth:`history`, :meth:`billing_country`, :meth:`country_change`,
    :meth:`preview`): one that takes no write lock, so that readers need not wait for a
    writer (SQLite's ``BEGIN DEFERRED``). Without it they read in a ``transaction()``.
    ``new_entry_id`` makes the activity entry ids (random UUIDs by default). A store
    that is every storage port at once (the shipped ones are) builds a service with
    :meth:`on`.
    """

    repository: ContactRepository
    audit: AuditSink
    authorizer: Authorizer
    countries: BillingCountries
    transaction: Transaction = attrs.field(kw_only=True)
    read_transaction: Transaction | None = attrs.field(default=None, kw_only=True)
    clock: Clock = attrs.field(factory=SystemClock, kw_only=True)
    new_entry_id: Callable[[], str] = attrs.field(default=_new_entry_id, kw_only=True)

    @classmethod
    def on(
        cls,
        store: ContactStore,
        authorizer: Authorizer,
        /,
        *,
        clock: Clock | None = None,
        new_entry_id: Callable[[], str] = _new_entry_id,
    ) -> ContactService:
        """Return the service over ``store``, which is every storage port at once.

        A store with a ``read_transaction()`` (the SQLite store) runs the use cases that
        only read in it; any other reads in its ``transaction()``.

        >>> from contactbook.adapters.memory import AllowAll, InMemoryStore
        >>> service = ContactService.on(InMemoryStore(), AllowAll())
        >>> service.read("ann", "C1").version
        0
        """
        return cls(
            store,
            store,
            authorizer,
            store,
            transaction=store.transaction,
            # Optional: a unit that only reads is a store's own refinement (ContactStore).
            read_transaction=getattr(store, "read_transaction", None),
            clock=SystemClock() if clock is None else clock,
            new_entry_id=new_entry_id,
        )

    # ----------------------------------------------------------------- permissions

    def authorize(self, actor: str, permission: Permission, customer_id: str) -> None:
        """Raise :class:`PermissionDeniedError` unless ``actor`` may do ``permission``.

        Every use case calls it first, before its unit of work opens. An actor or a
        customer id no use case takes is refused before the authorizer is asked
        (``actor.invalid``, ``text.character``; see the module docs).
        """
        if not self.may(actor, permission, customer_id):
            raise PermissionDeniedError(actor, permission.value, customer_id)

    def may(self, actor: str, permission: Permission, customer_id: str) -> bool:
        """Whether ``actor`` may do ``permission`` (for example, to show "Change").

        Refuses what :meth:`authorize` refuses before asking.
        """
        check_request(actor, customer_id)
        return self.authorizer.is_allowed(actor, permission, customer_id)

    def _reading(self) -> AbstractContextManager[object]:
        """Open the unit of a use case that only reads."""
        return (self.read_transaction or self.transaction)()

    # ----------------------------------------------------------------- reading

    def read(self, actor: str, customer_id: str) -> Stored:
        """Return the customer's contact set and version (needs the read permission)."""
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        with self._reading():
            return self.repository.load(customer_id)

    def history(
        self,
        actor: str,
        customer_id: str,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        before: str | None = None,
    ) -> ActivityPage:
        """Return a page of the customer's activity log, newest first (read permission).

        Pass the page's ``next`` as ``before`` for the next, older page. A ``limit`` that
        is no page size (below 1, past 64 bits, not an int) raises ``page.invalid``.
        """
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        check_page_size(limit)
        with self._reading():
            return self.audit.entries(customer_id, limit=limit, before=before)

    def billing_country(self, actor: str, customer_id: str) -> str | None:
        """Return the customer's billing country, as the host knows it (read permission)."""
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        with self._reading():
            return self.countries.billing_country(customer_id)

    def country_change(
        self, actor: str, customer_id: str, country: str | None
    ) -> tuple[Finding, ...]:
        """Report what reading the customer's numbers in ``country`` would change.

        For a person to confirm before the host changes the billing country: each
        telephone or mobile point whose input ``country`` reads as another number, or
        refuses. Numbers entered with a country code give no finding. Changes nothing:
        changing a billing country never rewrites stored numbers by itself (read
        permission).
        """
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        region = normalize_region(country)
        with self._reading():
            contacts = self.repository.load(customer_id).contacts
        phones = [point for point in contacts if point.kind in PHONE_KINDS]
        return revalidate(ContactSet(phones, contacts.next_id), region=region)

    # ----------------------------------------------------------------- editing

    def preview(
        self,
        actor: str,
        customer_id: str,
        changes: Iterable[Command],
        *,
        expected_version: int,
    ) -> Outcome:
        """Check a batch as :meth:`update` would, and save nothing.

        Needs "Update Customer Contact Details". Returns the outcome (the set it would
        save, its changes and every warning), or raises what :meth:`update` would:
        :class:`~contactbook.errors.BatchValidationError` with every problem at once,
        or :class:`ConflictError` when the version moved on.
        """
        self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        check_version(expected_version)
        batch = tuple(changes)
        with self._reading():
            _, outcome = self._outcome(customer_id, batch, expected_version)
        return outcome

    def update(
        self,
        actor: str,
        customer_id: str,
        changes: Iterable[Command],
        *,
        expected_version: int,
    ) -> Saved:
        """Validate and save a batch of changes as one activity entry.

        Needs "Update Customer Contact Details". ``expected_version`` is the version the
        user's edit was built from (:attr:`Stored.version` of the read, or the form's
        version): if the stored set moved on since, :class:`ConflictError` is raised and
        nothing is saved or recorded. Numbers without a country code are read in the
        customer's billing country, from the host's
        :class:`~contactbook.ports.BillingCountries`. A batch that changes nothing saves
        nothing and records nothing. Refusals (permission, validation, conflict) change
        nothing.
        """
        self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        check_version(expected_version)
        batch = tuple(changes)
        with self.transaction():
            current, outcome = self._outcome(customer_id, batch, expected_version)
            return self._saved(actor, customer_id, current, outcome)

    def merge(
        self,
        actor: str,
        customer_id: str,
        incoming: Iterable[ContactPoint],
        /,
        *,
        describes: bool = True,
    ) -> Saved:
        """Merge already-checked points into the customer's set: the import use case.

        Needs "Update Customer Contact Details". In one unit of work: load the set,
        :func:`~contactbook.operations.merge` ``incoming`` into it (add what is missing;
        with ``describes``, take the incoming descriptions; never remove), save it on the
        version just loaded, and record one activity entry. ``incoming`` are points a
        reader has checked already (:class:`~contactbook.operations.Intake`, a vCard
        import): they are not validated again. There is no ``expected_version``: the
        merge is computed from what this unit loads, so the version check is the save's,
        inside the unit (a writer that slipped in is impossible within it). A merge that
        changes nothing saves and records nothing. A set that would pass 100 points
        raises :class:`~contactbook.errors.BatchValidationError` and changes nothing.
        """
        self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        points = tuple(incoming)
        with self.transaction():
            current = self.repository.load(customer_id)
            outcome = merge(current.contacts, points, describes=describes)
            return self._saved(actor, customer_id, current, outcome)

    def merge_many(
        self,
        actor: str,
        merges: Sequence[tuple[str, Sequence[ContactPoint]]],
        /,
        *,
        describes: bool = True,
        then: Callable[[str], None] | None = None,
    ) -> list[Saved | ContactError]:
        """Merge already-checked points into many customers' sets: a bulk import's block.

        What :meth:`merge` does for each ``(customer_id, points)``, in one unit of work
        for them all, and with each answer in the order given: the :class:`Saved` of the
        customer, or the :class:`~contactbook.errors.ContactError` that refused it alone
        (no update permission, an id no use case takes, a set that would pass 100
        points); the others are stored. Permission is asked once per customer, all
        before the unit opens (no unit opens when none may be updated). ``then``, if
        given, is called with each customer merged, inside the unit after its writes
        (a bulk import stores the billing country there). A store that is a
        :class:`~contactbook.ports.BatchStore` loads the customers in one call and
        saves and records the changed ones in one call each; any other is called
        customer by customer. A customer that changes nothing writes nothing. A storage
        failure (or a failure of ``then``) rolls the whole unit back and is raised.
        """
        check_request(actor, "")  # an actor no use case takes is refused, not each customer
        answers: list[Saved | ContactError | None] = []
        permitted: list[tuple[int, str, tuple[ContactPoint, ...]]] = []
        for customer_id, points in merges:
            try:
                self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
            except ContactError as error:
                answers.append(error)
                continue
            permitted.append((len(answers), customer_id, tuple(points)))
            answers.append(None)
        if permitted:
            with self.transaction():
                batch = isinstance(self.repository, BatchStore) and isinstance(
                    self.audit, BatchStore
                )
                while permitted:  # a customer named again starts a new round
                    seen: set[str] = set()
                    round_ = []
                    while permitted and permitted[0][1] not in seen:
                        seen.add(permitted[0][1])
                        round_.append(permitted.pop(0))
                    merged = (
                        self._merged_in_batch(actor, round_, describes)
                        if batch
                        else self._merged_one_by_one(actor, round_, describes)
                    )
                    for (place, customer_id, _), answer in zip(round_, merged, strict=True):
                        answers[place] = answer
                        if then is not None and isinstance(answer, Saved):
                            then(customer_id)
        return [answer for answer in answers if answer is not None]

    def _merged_one_by_one(
        self,
        actor: str,
        merges: list[tuple[int, str, tuple[ContactPoint, ...]]],
        describes: bool,
    ) -> list[Saved | ContactError]:
        answers: list[Saved | ContactError] = []
        for _, customer_id, points in merges:
            try:
                with self.transaction():  # a savepoint: a refusal undoes this customer alone
                    current = self.repository.load(customer_id)
                    outcome = merge(current.contacts, points, describes=describes)
                    answers.append(self._saved(actor, customer_id, current, outcome))
            except (BatchValidationError, ConflictError) as error:
                answers.append(error)
        return answers

    def _merged_in_batch(
        self,
        actor: str,
        merges: list[tuple[int, str, tuple[ContactPoint, ...]]],
        describes: bool,
    ) -> list[Saved | ContactError]:
        repository = cast("BatchStore", self.repository)
        stored = repository.load_many([customer_id for _, customer_id, _ in merges])
        answers: list[Saved | ContactError] = []
        saves: list[tuple[str, ContactSet, int]] = []
        entries: list[ActivityEntry] = []
        for _, customer_id, points in merges:
            current = stored[customer_id]
            try:
                outcome = merge(current.contacts, points, describes=describes)
            except BatchValidationError as error:
                answers.append(error)
                continue
            if not outcome.changes:
                answers.append(Saved(current.contacts, current.version, None, outcome.warnings))
                continue
            at = check_time(self.clock.now())
            version = current.version + 1
            entry = ActivityEntry(
                id=self.new_entry_id(),
                customer_id=customer_id,
                actor=actor,
                at=at,
                version=version,
                changes=outcome.changes,
            )
            saves.append((customer_id, outcome.contacts, current.version))
            entries.append(entry)
            answers.append(Saved(outcome.contacts, version, entry, outcome.warnings))
        try:
            repository.save_many(saves)
        except ConflictError:  # another writer came between: nothing was saved
            return self._merged_one_by_one(actor, merges, describes)
        cast("BatchStore", self.audit).record_many(entries)
        return answers

    def _saved(self, actor: str, customer_id: str, current: Stored, outcome: Outcome) -> Saved:
        """Save the outcome on the loaded version and record its entry (inside the unit)."""
        if not outcome.changes:
            return Saved(current.contacts, current.version, None, outcome.warnings)
        at = check_time(self.clock.now())  # refused before anything is written
        version = self.repository.save(
            customer_id, outcome.contacts, expected_version=current.version
        )
        entry = ActivityEntry(
            id=self.new_entry_id(),
            customer_id=customer_id,
            actor=actor,
            at=at,
            version=version,
            changes=outcome.changes,
        )
        self.audit.record(entry)
        return Saved(outcome.contacts, version, entry, outcome.warnings)

    def _outcome(
        self, customer_id: str, batch: tuple[Command, ...], expected_version: int
    ) -> tuple[Stored, Outcome]:
        """Load the set, refuse a stale edit, and apply the batch (inside the unit)."""
        current = self.repository.load(customer_id)
        if expected_version != current.version:
            raise ConflictError(customer_id, expected_version, current.version)
        region = self.countries.billing_country(customer_id)
        return current, apply(current.contacts, batch, region=region)
