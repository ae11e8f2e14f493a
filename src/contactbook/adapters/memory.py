"""In-memory implementations of every port, for tests and small embeddings.

:class:`InMemoryStore` is a repository and an audit sink in one, with a
``transaction()`` that makes a save and its entry atomic (and thread-safe): pass
``transaction=store.transaction`` to the service.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import attrs

from contactbook.audit import ActivityEntry
from contactbook.errors import ConflictError
from contactbook.model import ContactSet
from contactbook.ports import Permission, Stored

__all__ = ["AllowAll", "FixedClock", "GrantTable", "InMemoryStore"]


class InMemoryStore:
    """Contact sets and the activity log in a dict and a list, guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._sets: dict[str, Stored] = {}
        self._entries: list[ActivityEntry] = []

    def load(self, customer_id: str, /) -> Stored:
        """Return the customer's set and version; ``(ContactSet(), 0)`` if unknown."""
        with self._lock:
            stored = self._sets.get(customer_id)
        return Stored(ContactSet(), 0) if stored is None else stored

    def save(self, customer_id: str, contacts: ContactSet, /, *, expected_version: int) -> int:
        """Store ``contacts`` as version ``expected_version + 1``, or raise a conflict."""
        with self._lock:
            current = self.load(customer_id).version
            if current != expected_version:
                raise ConflictError(customer_id, expected_version, current)
            self._sets[customer_id] = Stored(contacts, current + 1)
            return current + 1

    def record(self, entry: ActivityEntry, /) -> None:
        """Append ``entry`` to the activity log."""
        with self._lock:
            self._entries.append(entry)

    def entries(self, customer_id: str | None = None) -> tuple[ActivityEntry, ...]:
        """Return the activity log (of one customer, if given), oldest first."""
        with self._lock:
            return tuple(
                entry
                for entry in self._entries
                if customer_id is None or entry.customer_id == customer_id
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make everything inside one unit: on an exception, undo it all."""
        with self._lock:
            # The log only grows, so undoing it is cutting it back: no copy of it.
            sets, logged = dict(self._sets), len(self._entries)
            try:
                yield
            except BaseException:
                self._sets = sets
                del self._entries[logged:]
                raise


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
