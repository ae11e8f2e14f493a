"""The use cases a host offers: read a customer's contact details, check and save an edit.

:class:`ContactService` is built from one :class:`~contactbook.ports.UnitOfWork` (the
storage ports and their unit) and the host's authorizer. Every use case is one call
and runs in the same order: authorise once (before any other work), check the numbers
it was given (a page size, a version: ``page.invalid``, ``version.invalid``), then one
unit of work (``transaction()``; for a use case that only reads,
``read_transaction()``) holding everything else: one load, operate, save and record.
A host's own use case over one customer's set (the edit window's post, say) gets the
same in :meth:`ContactService.editing`. Authorising
starts with the request itself: the actor must be printable, non-blank text
(``actor.invalid``), and neither the actor nor the customer id may hold a surrogate
code point (``text.character``, :func:`contactbook.vocabulary.require_text`), so what is
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

Decision: editing needs "Update Customer Contact Details" alone (SPEC "Permissions"):
opening the edit window, an update, a merge and a vCard import each ask that one
permission once, not the read permission as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

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
    Authorizer,
    BatchStore,
    Clock,
    Permission,
    Stored,
    SystemClock,
    UnitOfWork,
    require_page_size,
    require_time,
    require_version,
)
from contactbook.validation import normalize_country
from contactbook.vocabulary import require_text, shown

__all__ = ["ContactService", "Editing", "Saved", "require_request"]


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


def require_request(actor: object, customer_id: object) -> None:
    """Refuse an actor or a customer id no use case may take, before anything else.

    The actor names who acts in the activity log, so it is a ``str`` of printable
    characters (``str.isprintable``: no control, line-break, format or bidi character
    that could forge or hide a log line), not blank: else ``actor.invalid``. Neither
    may hold a surrogate code point (``text.character``): no store could give it back.
    """
    if not isinstance(actor, str):
        msg = f"The actor must be a str naming who acts, not {type(actor).__name__}."
        raise ContactValidationError(msg, code="actor.invalid", field="actor")
    require_text(actor, field="actor", what="actor")
    if not actor.strip() or not actor.isprintable():
        msg = (
            f"The actor {shown(actor, masked=True)} is blank or holds control or other "
            "unprintable characters; pass the name or id of the user who acts."
        )
        raise ContactValidationError(msg, code="actor.invalid", field="actor")
    if isinstance(customer_id, str):  # (another type is the store's to refuse)
        require_text(customer_id, field="customer_id", what="customer id")


@attrs.frozen
class ContactService:
    """Read and update customers' contact details through the host's ports.

    ``unit`` is the :class:`~contactbook.ports.UnitOfWork`: the storage ports
    (``contacts``, ``log``, ``countries``) and the unit each use case runs in (see the
    module docs). Every shipped store is one, so ``ContactService(store, authorizer)``
    is a service; a host with ports of its own assembles one with
    :class:`~contactbook.ports.HostUnitOfWork`. The use cases that only read
    (:meth:`read`, :meth:`history`, :meth:`billing_country`, :meth:`country_change`,
    :meth:`check`) run in its ``read_transaction()``, which may take no write lock,
    so that readers need not wait for a writer (SQLite's ``BEGIN DEFERRED``).
    ``new_entry_id`` makes the activity entry ids (random UUIDs by default).

    >>> from contactbook.adapters.memory import AllowAll, InMemoryStore
    >>> service = ContactService(InMemoryStore(), AllowAll())
    >>> service.read("ann", "C1").version
    0
    """

    unit: UnitOfWork
    authorizer: Authorizer
    clock: Clock = attrs.field(factory=SystemClock, kw_only=True)
    new_entry_id: Callable[[], str] = attrs.field(default=_new_entry_id, kw_only=True)

    # ----------------------------------------------------------------- permissions

    def authorize(self, actor: str, permission: Permission, customer_id: str) -> None:
        """Raise :class:`PermissionDeniedError` unless ``actor`` may do ``permission``.

        Every use case calls it once, first, before its unit of work opens. An actor or
        a customer id no use case takes is refused before the authorizer is asked
        (``actor.invalid``, ``text.character``; see the module docs).
        """
        if not self.may(actor, permission, customer_id):
            raise PermissionDeniedError(actor, permission.value, customer_id)

    def may(self, actor: str, permission: Permission, customer_id: str) -> bool:
        """Whether ``actor`` may do ``permission`` (for example, to show "Change").

        Refuses what :meth:`authorize` refuses before asking.
        """
        require_request(actor, customer_id)
        return self.authorizer.is_allowed(actor, permission, customer_id)

    # ----------------------------------------------------------------- reading

    def read(self, actor: str, customer_id: str) -> Stored:
        """Return the customer's contact set and version (needs the read permission)."""
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        with self.unit.read_transaction():
            return self.unit.contacts.load(customer_id)

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
        require_page_size(limit)
        with self.unit.read_transaction():
            return self.unit.log.entries(customer_id, limit=limit, before=before)

    def billing_country(self, actor: str, customer_id: str) -> str | None:
        """Return the customer's billing country, as the host knows it (read permission)."""
        self.authorize(actor, Permission.READ_CONTACT_DETAILS, customer_id)
        with self.unit.read_transaction():
            return self.unit.countries.billing_country(customer_id)

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
        country = normalize_country(country)
        with self.unit.read_transaction():
            contacts = self.unit.contacts.load(customer_id).contacts
        phones = [point for point in contacts if point.kind in PHONE_KINDS]
        return revalidate(ContactSet(phones, contacts.next_id), country=country)

    # ----------------------------------------------------------------- editing

    def check(
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
        require_version(expected_version)
        with self.editing(actor, customer_id, reading=True) as edit:
            return edit.check(changes, expected_version=expected_version)

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
        require_version(expected_version)
        with self.editing(actor, customer_id) as edit:
            return edit.save(changes, expected_version=expected_version)

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
        with self.editing(actor, customer_id) as edit:
            return edit.merge(incoming, describes=describes)

    @contextmanager
    def editing(self, actor: str, customer_id: str, *, reading: bool = False) -> Iterator[Editing]:
        """Open one edit of a customer's contact details: for a use case of the host's own.

        Asks "Update Customer Contact Details" once, opens one unit of work
        (``transaction()``) and loads the set once; the :class:`Editing` it gives holds
        the set as stored, and checks, saves or merges in that unit. Leaving the block
        commits; an exception undoes everything done inside it. With ``reading`` the
        unit is ``read_transaction()`` and the edit only checks (a save raises
        :class:`TypeError`): the window opening, say. The edit window
        (:class:`contactbook.presentation.window.EditWindow`) is one.

        >>> from contactbook import AddPoint, ContactKind
        >>> from contactbook.adapters.memory import AllowAll, InMemoryStore
        >>> service = ContactService(InMemoryStore(), AllowAll())
        >>> with service.editing("ann", "C1") as edit:
        ...     batch = [AddPoint(ContactKind.EMAIL, "ann@example.com")]
        ...     edit.save(batch, expected_version=edit.stored.version).version
        1
        """
        self.authorize(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        with self.unit.read_transaction() if reading else self.unit.transaction():
            stored = self.unit.contacts.load(customer_id)
            yield Editing(self, actor, customer_id, stored, reading=reading)

    def merge_many(
        self,
        actor: str,
        merges: Sequence[tuple[str, Iterable[ContactPoint]]],
        /,
        *,
        describes: bool = True,
        after_each: Callable[[str], None] | None = None,
        before_commit: Callable[[list[Saved | ContactError]], None] | None = None,
    ) -> list[Saved | ContactError]:
        """Merge already-checked points into many customers' sets: a bulk import's block.

        What :meth:`merge` does for each ``(customer_id, points)``, in one unit of work
        for them all; returns, in the order given, each customer's :class:`Saved`, or
        the :class:`~contactbook.errors.ContactError` that refused it alone (no update
        permission, an id no use case takes, a set that would pass 100 points): the
        others are stored. Permission is asked once per customer, all before the unit
        opens (none opens when no customer may be updated). ``after_each``, if given, is
        called with each customer merged, inside the unit after its writes (a bulk
        import stores the billing country there). ``before_commit``, if given, is called
        once inside the unit after every merge, with the answers as returned (a bulk
        import marks the sets there); it is not called when no unit opens. When the
        unit's ``contacts`` and
        ``log`` are a :class:`~contactbook.ports.BatchStore`, the customers are loaded
        in one call and the changed ones saved and recorded in one call each (should
        a save conflict, the block is merged again customer by customer); otherwise
        customer by customer, each in a nested unit. A customer that changes nothing
        writes nothing; one named twice is merged twice, in order. A storage failure,
        or a failure of ``after_each``, rolls the whole unit back and is raised.
        """
        require_request(actor, "")  # an actor no use case takes is refused, not each customer
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
            with self.unit.transaction():
                for merging in _rounds(permitted):
                    merged = self._merged(actor, merging, describes=describes)
                    for (place, customer_id, _), answer in zip(merging, merged, strict=True):
                        answers[place] = answer
                        if after_each is not None and isinstance(answer, Saved):
                            after_each(customer_id)
                if before_commit is not None:
                    before_commit([answer for answer in answers if answer is not None])
        return [answer for answer in answers if answer is not None]

    def _merged(
        self, actor: str, merging: list[_Merging], *, describes: bool
    ) -> list[Saved | ContactError]:
        """Merge customers named once each, in the open unit: in batches if the store can."""
        contacts, log = self.unit.contacts, self.unit.log
        if isinstance(contacts, BatchStore) and isinstance(log, BatchStore):
            stored = contacts.load_many([customer_id for _, customer_id, _ in merging])
            answers: list[Saved | ContactError] = []
            saves: list[tuple[str, ContactSet, int]] = []
            entries: list[ActivityEntry] = []
            for _, customer_id, points in merging:
                current = stored[customer_id]
                try:
                    outcome = merge(current.contacts, points, describes=describes)
                except BatchValidationError as error:
                    answers.append(error)
                    continue
                if not outcome.changes:
                    answers.append(Saved(current.contacts, current.version, None, outcome.warnings))
                    continue
                entry = self._entry(actor, customer_id, current.version + 1, outcome.changes)
                saves.append((customer_id, outcome.contacts, current.version))
                entries.append(entry)
                answers.append(Saved(outcome.contacts, entry.version, entry, outcome.warnings))
            try:
                contacts.save_many(saves)
            except ConflictError:  # another writer came between: nothing was saved
                pass
            else:
                log.record_many(entries)
                return answers
        one_by_one: list[Saved | ContactError] = []
        for _, customer_id, points in merging:
            try:
                with self.unit.transaction():  # nested: a refusal undoes this customer alone
                    stored_now = self.unit.contacts.load(customer_id)
                    editing = Editing(self, actor, customer_id, stored_now)
                    one_by_one.append(editing.merge(points, describes=describes))
            except (BatchValidationError, ConflictError) as error:
                one_by_one.append(error)
        return one_by_one

    def _entry(
        self, actor: str, customer_id: str, version: int, changes: tuple[Event, ...]
    ) -> ActivityEntry:
        """Return the activity entry of a save about to be made (the clock checked first)."""
        at = require_time(self.clock.now())  # refused before anything is written
        return ActivityEntry(
            id=self.new_entry_id(),
            customer_id=customer_id,
            actor=actor,
            at=at,
            version=version,
            changes=changes,
        )


#: A customer to merge: its place in the answers, its id and its points.
_Merging = tuple[int, str, tuple[ContactPoint, ...]]


def _rounds(merging: list[_Merging]) -> Iterator[list[_Merging]]:
    """Cut the customers into runs that name each customer once (a batch saves each once)."""
    run: list[_Merging] = []
    seen: set[str] = set()
    for one in merging:
        if one[1] in seen:
            yield run
            run, seen = [], set()
        run.append(one)
        seen.add(one[1])
    if run:
        yield run


@attrs.define
class Editing:
    """One edit of a customer's contact details, inside its unit of work.

    Made by :meth:`ContactService.editing`, which has asked the permission and loaded
    :attr:`stored`. Each method works on the set as stored in this unit; after a save
    or merge, :attr:`stored` is what it saved.
    """

    service: ContactService
    actor: str
    customer_id: str
    stored: Stored
    reading: bool = attrs.field(default=False, kw_only=True)
    _country: str | None = attrs.field(default=None, init=False)
    _country_read: bool = attrs.field(default=False, init=False)

    @property
    def country(self) -> str | None:
        """The customer's billing country, read once (the host's BillingCountries)."""
        if not self._country_read:
            self._country = self.service.unit.countries.billing_country(self.customer_id)
            self._country_read = True
        return self._country

    def check(self, changes: Iterable[Command], *, expected_version: int) -> Outcome:
        """Return what saving ``changes`` would do; save nothing (as :meth:`save` checks)."""
        require_version(expected_version)
        if expected_version != self.stored.version:
            raise ConflictError(self.customer_id, expected_version, self.stored.version)
        return apply(self.stored.contacts, tuple(changes), country=self.country)

    def save(self, changes: Iterable[Command], *, expected_version: int) -> Saved:
        """Validate ``changes`` and save them, with their activity entry.

        As :meth:`ContactService.update`: a stale ``expected_version`` raises
        :class:`ConflictError`, a batch that changes nothing saves nothing.
        """
        return self._saved(self.check(changes, expected_version=expected_version))

    def merge(self, incoming: Iterable[ContactPoint], *, describes: bool = True) -> Saved:
        """Merge already-checked points and save them (:meth:`ContactService.merge`)."""
        return self._saved(merge(self.stored.contacts, tuple(incoming), describes=describes))

    def _saved(self, outcome: Outcome) -> Saved:
        """Save the outcome on the loaded version and record its entry (inside the unit)."""
        if self.reading:
            msg = "This edit was opened with reading=True: it checks, and saves nothing."
            raise TypeError(msg)
        current = self.stored
        if not outcome.changes:
            return Saved(current.contacts, current.version, None, outcome.warnings)
        service = self.service
        entry = service._entry(self.actor, self.customer_id, current.version + 1, outcome.changes)
        version = service.unit.contacts.save(
            self.customer_id, outcome.contacts, expected_version=current.version
        )
        service.unit.log.record(entry)
        self.stored = Stored(outcome.contacts, version)
        return Saved(outcome.contacts, version, entry, outcome.warnings)
