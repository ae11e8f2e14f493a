"""In-memory implementations of every port, for tests and small embeddings.

:class:`InMemoryStore` is a repository, an activity log and a table of billing
countries in one, with a ``transaction()`` that makes a use case atomic (and
thread-safe): ``ContactService(InMemoryStore(), authorizer)``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager

import attrs

from contactbook.audit import ActivityEntry
from contactbook.errors import ConflictError, EntryNotFoundError
from contactbook.model import ContactSet
from contactbook.ports import (
    DEFAULT_PAGE_SIZE,
    ActivityPage,
    Permission,
    Stored,
    StorePorts,
    require_marks,
    require_page_size,
    require_saves,
    require_version,
)
from contactbook.validation import normalize_country

__all__ = ["AllowAll", "FixedClock", "GrantTable", "InMemoryStore"]


_NOTHING_STORED = Stored(ContactSet(), 0)


class InMemoryStore(StorePorts):
    """Contact sets, the activity log and billing countries in memory, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._sets: dict[str, Stored] = {}
        self._entries: list[ActivityEntry] = []
        self._countries: dict[str, str] = {}
        self._marks: dict[str, bytes] = {}  # cleared by every save of the customer

    def load(self, customer_id: str, /) -> Stored:
        """Return the customer's set and version; ``(ContactSet(), 0)`` if unknown."""
        with self._lock:
            stored = self._sets.get(customer_id)
        return Stored(ContactSet(), 0) if stored is None else stored

    def save(self, customer_id: str, contacts: ContactSet, /, *, expected_version: int) -> int:
        """Store ``contacts`` as version ``expected_version + 1``, or raise a conflict."""
        require_version(expected_version)
        with self._lock:
            stored = self._sets.get(customer_id)
            current = 0 if stored is None else stored.version
            if current != expected_version:
                raise ConflictError(customer_id, expected_version, current)
            self._sets[customer_id] = Stored(contacts, current + 1)
            self._marks.pop(customer_id, None)
            return current + 1

    def load_many(self, customer_ids: Sequence[str], /) -> dict[str, Stored]:
        """Return each customer's set and version (:meth:`load` of each, at one time)."""
        with self._lock:
            return {
                customer_id: self._sets.get(customer_id, _NOTHING_STORED)
                for customer_id in customer_ids
            }

    def save_many(self, saves: Sequence[tuple[str, ContactSet, int]], /) -> None:
        """Store each set as its expected version + 1; on any conflict, store none."""
        require_saves(saves)
        with self._lock:
            for customer_id, _, expected_version in saves:
                current = self._sets.get(customer_id, _NOTHING_STORED).version
                if current != expected_version:
                    raise ConflictError(customer_id, expected_version, current)
            for customer_id, contacts, expected_version in saves:
                self._sets[customer_id] = Stored(contacts, expected_version + 1)
                self._marks.pop(customer_id, None)

    def load_marked(self, marks: Mapping[str, bytes], /) -> dict[str, Stored]:
        """Return the set of each customer whose set carries exactly the mark given."""
        require_marks(marks.items())
        with self._lock:
            return {
                customer_id: self._sets[customer_id]
                for customer_id, mark in marks.items()
                if self._marks.get(customer_id) == mark
            }

    def mark_many(self, marks: Sequence[tuple[str, bytes]], /) -> None:
        """Put each mark on the customer's set as now stored (none on an unknown one)."""
        require_marks(marks)
        with self._lock:
            for customer_id, mark in marks:
                if customer_id in self._sets:
                    self._marks[customer_id] = mark

    def record(self, entry: ActivityEntry, /) -> None:
        """Append ``entry`` to the activity log."""
        require_version(entry.version, field="entry.version")
        with self._lock:
            self._entries.append(entry)

    def record_many(self, entries: Sequence[ActivityEntry], /) -> None:
        """Append ``entries`` to the activity log, in their order."""
        for entry in entries:
            require_version(entry.version, field="entry.version")
        with self._lock:
            self._entries.extend(entries)

    def entries(
        self, customer_id: str, /, *, limit: int = DEFAULT_PAGE_SIZE, before: str | None = None
    ) -> ActivityPage:
        """Return up to ``limit`` of the customer's entries, newest first (a page)."""
        require_page_size(limit)
        with self._lock:
            positions = [
                at for at, entry in enumerate(self._entries) if entry.customer_id == customer_id
            ]
            if before is not None:
                # The cursor is the entry's position in write order (its last, if the id
                # repeats), like SQLite's sequence: found in the whole log, not one customer.
                start = self._position(before)
                positions = [at for at in positions if at < start]
            page = [self._entries[at] for at in reversed(positions[-limit:])]
            more = len(positions) > limit
        return ActivityPage(tuple(page), page[-1].id if more else None)

    def _position(self, entry_id: str) -> int:
        for at in range(len(self._entries) - 1, -1, -1):
            if self._entries[at].id == entry_id:
                return at
        raise EntryNotFoundError(entry_id)

    def billing_country(self, customer_id: str, /) -> str | None:
        """Return the customer's billing country, or ``None`` if none was set."""
        with self._lock:
            return self._countries.get(customer_id)

    def set_billing_country(self, customer_id: str, country: str | None, /) -> None:
        """Set (or, with ``None``, forget) the customer's billing country.

        The code is checked (``country.invalid``) and stored upper-cased. Stored numbers
        are not touched: see :meth:`contactbook.service.ContactService.country_change`.
        """
        self.set_billing_countries([(customer_id, country)])

    def set_billing_countries(self, countries: Sequence[tuple[str, str | None]], /) -> None:
        """Set (or forget) many customers' billing countries: each as :meth:`set_billing_country`.

        In order, so the last one given for a customer holds. Every code is checked
        first: one refused (``country.invalid``) sets none.
        """
        checked = [(customer_id, normalize_country(country)) for customer_id, country in countries]
        with self._lock:
            for customer_id, country in checked:
                if country is None:
                    self._countries.pop(customer_id, None)
                else:
                    self._countries[customer_id] = country

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make everything inside one unit: on an exception, undo it all.

        A unit inside another is a savepoint: its failure undoes only its own work.
        """
        with self._lock:
            # The log only grows, so undoing it is cutting it back: no copy of it.
            sets, countries, marks = dict(self._sets), dict(self._countries), dict(self._marks)
            logged = len(self._entries)
            try:
                yield
            except BaseException:
                self._sets, self._countries, self._marks = sets, countries, marks
                del self._entries[logged:]
                raise

    def read_transaction(self) -> AbstractContextManager[None]:
        """Open the unit of a use case that only reads: :meth:`transaction`'s."""
        return self.transaction()


class AllowAll:
    """An authorizer that allows everything (for tests and single-user tools)."""

    def is_allowed(self, actor: str, permission: Permission, customer_id: str, /) -> bool:
        """Return ``True``."""
        return True


def _frozen_grants(
    table: Mapping[str, Iterable[Permission]],
) -> Mapping[str, frozenset[Permission]]:
    return {actor: frozenset(permissions) for actor, permissions in table.items()}


@attrs.frozen
class GrantTable:
    """An authorizer from a table: actor -> the permissions it has, for every customer."""

    grants: Mapping[str, frozenset[Permission]] = attrs.field(converter=_frozen_grants)

    @classmethod
    def of(cls, **grants: Iterable[Permission]) -> GrantTable:
        """Build a table from keyword arguments: ``GrantTable.of(ann=[...])``."""
        return cls(grants)

    def is_allowed(self, actor: str, permission: Permission, customer_id: str, /) -> bool:
        """Whether the table grants ``permission`` to ``actor``."""
        return permission in self.grants.get(actor, frozenset())


@attrs.define
class FixedClock:
    """A clock that returns ``at``, then moves on by ``step`` at every call."""

    at: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    step: dt.timedelta = dt.timedelta(0)

    def now(self) -> dt.datetime:
        """Return the current fixed time and advance by ``step``."""
        current = self.at
        self.at = current + self.step
        return current
