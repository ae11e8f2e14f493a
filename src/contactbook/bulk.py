"""Import through the service: a checked CSV export in bulk, and a vCard.

Import is :meth:`contactbook.service.ContactService.merge_many`, the use case; this
module feeds it. :func:`import_file` checks an export
(:mod:`contactbook.interchange.csv_check`, where the process pool lives), merges each
customer's accepted points, already normalized, into the stored set (so each value is
validated once and each customer loaded once), and writes the normalized rows and the
report as it goes.

The customers are merged ``per_unit`` at a time (500 by default), one unit of work
each, so a large file commits a few hundred times instead of once per customer; each
customer still gets its own save, version and activity entry. A store with the batch
methods (:class:`~contactbook.ports.BatchStore`, as the shipped ones) loads a block's
customers in one call and saves and records the changed ones in one call each; any
other store is called customer by customer. A customer refused (no permission, a set
over 100 points) is reported on its first row and the others go on. Its billing
country is written after its merge, in the same unit (a write that fails there is the
store's, and ends the import with the open unit rolled back). A customer whose merge
changes nothing costs its share of the block's load and the country's write (which
writes no row when the country is the same): no save, no entry. A crash or an abort
loses at most the open unit: what it held is not stored, and running the same import
again finishes the job (merging what is already stored changes nothing). A block's
rows are written after its unit commits, so after a crash the outputs may miss
customers that were stored; run the import again.

A re-import skips what it stored before. Into a store with marks
(:class:`~contactbook.ports.MarkStore`, as the shipped ones), each customer stored
exactly as its rows give (no problem, no warning, its set's points those of the rows)
is marked with the rows' fingerprint
(:func:`contactbook.interchange.csv_check.fingerprint`), in the unit of its save. When
an import meets the same rows again and the set still carries the mark (nobody saved
it since), the customer is neither checked nor merged: its block is built from the
stored set, counted unchanged, its permission asked and its billing country set as
for any other. The outputs and the store come out as a full check and merge leaves
them. The vCard import checks every card.

:func:`import_vcard_file` imports a vCard file the same way, one customer per card
(:func:`contactbook.interchange.vcard.check_cards`); :func:`import_vcard` merges one
customer's card.

Permission comes first, as in every use case: the actor is checked before anything
is read, and each customer's update permission before the unit of work of its block
opens, so an actor who may not import never opens one (never takes a store's write
lock, never waits on another writer's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import BinaryIO

import attrs

from contactbook.errors import ContactError, InFile, Problem
from contactbook.interchange.csv_check import (
    CheckOptions,
    Marked,
    Sinks,
    Summary,
    Tally,
    source_size,
    start_import,
    write_results,
)
from contactbook.interchange.csv_read import CustomerBlock
from contactbook.interchange.vcard import Identity, VCardImport, check_cards, load_vcard
from contactbook.model import ContactSet
from contactbook.ports import MarkStore, Permission
from contactbook.service import ContactService, Saved, require_request

__all__ = [
    "DEFAULT_PER_UNIT",
    "Imported",
    "import_blocks",
    "import_file",
    "import_vcard",
    "import_vcard_file",
]

#: How many customers one unit of work holds in a bulk import.
DEFAULT_PER_UNIT = 500
# How often (in customers merged) an import reports its progress.
_PROGRESS_EVERY = 100


@attrs.define
class Imported:
    """What an import did: the check's summary, and how many customers it changed."""

    summary: Summary = attrs.field(factory=Summary)
    changed: int = 0
    unchanged: int = 0


def import_file(
    service: ContactService,
    actor: str,
    source: BinaryIO,
    /,
    sinks: Sinks | None = None,
    options: CheckOptions | None = None,
    *,
    set_country: Callable[[str, str], None] | None = None,
    set_countries: Callable[[list[tuple[str, str]]], None] | None = None,
    per_unit: int = DEFAULT_PER_UNIT,
) -> Imported:
    """Check an export and merge each customer's accepted points into the store.

    ``set_countries(pairs)``, when given, stores the export's billing country of each
    customer stored, as ``(customer_id, country)`` pairs in file order, once per unit and
    in the same unit as their points (the shipped stores' ``set_billing_countries``);
    ``set_country(customer_id, country)`` does it one customer at a time (a host's own
    ``set_billing_country``). Give one or neither. A customer the store refuses (a set
    over 100 points, say) is reported on its first row and nothing of it is stored.
    Returns what was done; raises :class:`~contactbook.errors.FormatError` for a file
    that cannot be read.
    """
    require_request(actor, "")
    sinks = sinks or Sinks()
    store = service.unit.contacts
    known = _Known(store) if isinstance(store, MarkStore) else None
    countries = _countries(set_country, set_countries)  # refused before the file is read
    export, blocks, tally = start_import(source, options or CheckOptions(), sinks.progress, known)
    imported = _stored(
        service,
        actor,
        blocks,
        sinks,
        tally=tally,
        countries=countries,
        per_unit=per_unit,
        known=known,
    )
    imported.summary.reading = export.reading
    return imported


def import_vcard_file(
    service: ContactService,
    actor: str,
    source: BinaryIO,
    /,
    sinks: Sinks | None = None,
    *,
    identity: Identity | None = None,
    country: str | None = None,
    set_country: Callable[[str, str], None] | None = None,
    set_countries: Callable[[list[tuple[str, str]]], None] | None = None,
    per_unit: int = DEFAULT_PER_UNIT,
) -> Imported:
    """Check a vCard file and merge each card's accepted points into its customer.

    As :func:`import_file` does for a CSV export: each card is a customer named by
    ``identity`` (its ``UID`` by default), with the billing country of its address or
    else ``country``; the same report, normalized rows and counts.
    """
    countries = _countries(set_country, set_countries)
    sinks = sinks or Sinks()
    tally = Tally(size=source_size(source))
    blocks = check_cards(
        source, identity=identity, country=country, progress=sinks.progress, tally=tally
    )
    return _stored(
        service,
        actor,
        (Marked(block) for block in blocks),
        sinks,
        tally=tally,
        countries=countries,
        per_unit=per_unit,
        known=None,
    )


class _Known:
    """The store's sets that an import may take as checked (a :class:`MarkStore`'s).

    A customer's set is taken for its rows when it carries their fingerprint as its
    mark, and no earlier block of the same customer in this import is still to be
    stored (``pending``: looked up, its unit not committed yet), which could change it
    between the look-up and the block's turn.
    """

    def __init__(self, store: MarkStore) -> None:
        self.store = store
        self.pending: Counter[str] = Counter()

    def __call__(self, chunk: Sequence[tuple[str, bytes | None]]) -> list[ContactSet | None]:
        asked: dict[str, bytes] = {}
        places: dict[int, str] = {}
        for place, (customer_id, mark) in enumerate(chunk):
            if mark is not None and not self.pending[customer_id]:
                asked[customer_id] = mark
                places[place] = customer_id
            self.pending[customer_id] += 1
        found = self.store.load_marked(asked) if asked else {}
        taken = {
            place: found[customer_id]
            for place, customer_id in places.items()
            if customer_id in found
        }
        return [taken[place].contacts if place in taken else None for place in range(len(chunk))]

    def stored(self, group: Iterable[Marked]) -> None:
        """Note that the blocks of ``group`` are stored (their unit committed)."""
        for marked in group:
            left = self.pending[marked.block.customer_id] - 1
            if left > 0:
                self.pending[marked.block.customer_id] = left
            else:
                del self.pending[marked.block.customer_id]


def _stored(
    service: ContactService,
    actor: str,
    blocks: Iterable[Marked],
    sinks: Sinks,
    *,
    tally: Tally,
    countries: _Countries | None,
    per_unit: int,
    known: _Known | None,
) -> Imported:
    """Merge checked blocks into the store, write their results; return what was done."""
    imported = Imported()
    stored = _imported(
        service,
        actor,
        blocks,
        imported,
        countries=countries,
        per_unit=per_unit,
        progress=sinks.progress,
        tally=tally,
        known=known,
    )
    try:
        imported.summary = write_results(stored, sinks)
    finally:
        stored.close()  # a failure while writing stores no further block
    return imported


def import_blocks(
    service: ContactService,
    actor: str,
    blocks: Iterable[CustomerBlock],
    imported: Imported,
    /,
    *,
    set_country: Callable[[str, str], None] | None = None,
    set_countries: Callable[[list[tuple[str, str]]], None] | None = None,
    per_unit: int = DEFAULT_PER_UNIT,
    progress: Callable[[Tally], None] | None = None,
    tally: Tally | None = None,
) -> Generator[CustomerBlock, None, None]:
    """Merge each checked block into the store, ``per_unit`` customers per unit of work.

    Yields each block as stored: a refused customer comes back with its problem added
    and no points. Counts the customers changed and unchanged in ``imported``, and
    those merged in ``tally.imported`` (calling ``progress`` every hundred and at the
    end). The blocks are merged ``per_unit`` at a time by
    :meth:`~contactbook.service.ContactService.merge_many`, one unit of work each, which
    asks each customer's permission before the unit opens; a unit commits before its
    blocks are yielded. Leaving the iteration early (an exception in the caller) stores
    no further unit. ``set_country`` and ``set_countries`` are :func:`import_file`'s.
    """
    return _imported(
        service,
        actor,
        (Marked(block) for block in blocks),
        imported,
        countries=_countries(set_country, set_countries),
        per_unit=per_unit,
        progress=progress,
        tally=tally,
        known=None,
    )


def _imported(
    service: ContactService,
    actor: str,
    blocks: Iterable[Marked],
    imported: Imported,
    /,
    *,
    countries: _Countries | None,
    per_unit: int,
    progress: Callable[[Tally], None] | None,
    tally: Tally | None,
    known: _Known | None,
) -> Generator[CustomerBlock, None, None]:
    """Merge each block into the store as :func:`import_blocks`; mark what a MarkStore may."""
    require_request(actor, "")
    tally = tally or Tally()
    for group in _groups(blocks, per_unit):
        yield from _stored_group(service, actor, group, imported, countries)
        if known is not None:
            known.stored(group)
        for marked in group:
            tally.imported += bool(marked.block.customer_id)
            if progress is not None and tally.imported % _PROGRESS_EVERY == 0:
                progress(tally)
    if progress is not None:
        progress(tally)


def _groups(blocks: Iterable[Marked], size: int) -> Iterator[list[Marked]]:
    """Cut the blocks into lists of ``size`` customers to store (and the blocks between).

    A customer taken as stored counts as one to store: a unit sets its billing country.
    """
    group: list[Marked] = []
    describes: list[bool] = []  # of the blocks to merge: one merge_many takes one
    stores = 0
    for marked in blocks:
        block = marked.block
        merges = bool(block.customer_id and block.points) and not marked.known
        if merges and describes and block.describes is not describes[0]:
            yield group
            group, describes, stores = [], [], 0
        group.append(marked)
        if merges:
            describes.append(block.describes)
        stores += merges or marked.known
        if stores >= size:
            yield group
            group, describes, stores = [], [], 0
    if group:
        yield group


def _stored_group(
    service: ContactService,
    actor: str,
    group: list[Marked],
    imported: Imported,
    countries: _Countries | None,
) -> list[CustomerBlock]:
    """Store a group of blocks in one unit; return them as stored (refused ones marked).

    The blocks to merge go to :meth:`~contactbook.service.ContactService.merge_many`;
    a block taken as stored (``known``) is not merged: its customer's permission is
    asked as the merge asks it, first. In the unit, after the merges: each customer's
    billing country, in file order, and the marks of the blocks stored exactly as
    their rows give (:func:`_marks`).
    """
    merging = [
        marked
        for marked in group
        if marked.block.customer_id and marked.block.points and not marked.known
    ]
    outcome: dict[int, Saved | ContactError] = {}
    for marked in group:
        if marked.known:
            try:
                service.authorize(
                    actor, Permission.UPDATE_CONTACT_DETAILS, marked.block.customer_id
                )
            except ContactError as error:
                outcome[id(marked)] = error
    finished = False

    def finish(results: list[Saved | ContactError]) -> None:
        nonlocal finished
        finished = True
        outcome.update(zip((id(marked) for marked in merging), results, strict=True))
        if countries is not None:
            # The export is the billing system's: its country is the customer's (checked
            # and normalized by the reader). A failure here is the store's (storage.*):
            # it ends the import, rolling the open unit back whole.
            countries(
                [
                    (marked.block.customer_id, marked.block.country)
                    for marked in group
                    if marked.block.country is not None
                    and (
                        isinstance(outcome.get(id(marked)), Saved)
                        or (marked.known and id(marked) not in outcome)
                    )
                ]
            )
        marks = _marks(merging, outcome)
        store = service.unit.contacts
        if marks and isinstance(store, MarkStore):
            store.mark_many(marks)

    results = service.merge_many(
        actor,
        [
            # Numbered as a new customer's set numbers them: its merge keeps them as they are.
            (
                marked.block.customer_id,
                [point.point(number) for number, point in enumerate(marked.block.points, 1)],
            )
            for marked in merging
        ],
        describes=merging[0].block.describes if merging else True,
        before_commit=finish,
    )
    taken = any(marked.known and id(marked) not in outcome for marked in group)
    if not finished and taken and countries is not None:
        with service.unit.transaction():  # nothing merged: the countries of those taken
            finish(results)
    outcome.update(zip((id(marked) for marked in merging), results, strict=True))
    stored: list[CustomerBlock] = []
    for marked in group:
        result = outcome.get(id(marked))
        if isinstance(result, ContactError):
            stored.append(_refused(marked.block, result))
            continue
        if marked.known:
            imported.unchanged += 1
        elif result is not None:
            if result.entry is None:
                imported.unchanged += 1
            else:
                imported.changed += 1
        stored.append(marked.block)
    return stored


#: Stores ``(customer_id, country)`` pairs, in the open unit.
_Countries = Callable[[list[tuple[str, str]]], None]


def _countries(
    set_country: Callable[[str, str], None] | None, set_countries: _Countries | None
) -> _Countries | None:
    """Return how an import stores billing countries: many at a time, or one by one."""
    if set_country is not None and set_countries is not None:
        msg = "Give set_country or set_countries, not both."
        raise TypeError(msg)
    if set_country is None:
        return set_countries

    def one_by_one(pairs: list[tuple[str, str]]) -> None:
        for customer_id, country in pairs:
            set_country(customer_id, country)

    return one_by_one


def _marks(
    merging: list[Marked], outcome: dict[int, Saved | ContactError]
) -> list[tuple[str, bytes]]:
    """Return the marks to put: ``(customer_id, fingerprint)`` of each block stored exactly.

    A block is marked when its rows have a fingerprint, its check found no problem and
    no warning, it is the last block of its customer in the unit, and the set stored
    now holds exactly its points (kind, value, description, country; in order): the
    check of the same rows would give the same points again, and merging them would
    change nothing.
    """
    last = {marked.block.customer_id: marked for marked in merging}
    marks: list[tuple[str, bytes]] = []
    for customer_id, marked in last.items():
        answer = outcome.get(id(marked))
        if marked.mark is None or marked.block.problems or not isinstance(answer, Saved):
            continue
        stored = [(p.kind, p.value, p.description, p.country) for p in answer.contacts.points]
        given = [(p.kind, p.value, p.description, p.country) for p in marked.block.points]
        if stored == given:
            marks.append((customer_id, marked.mark))
    return marks


def _refused(block: CustomerBlock, error: ContactError) -> CustomerBlock:
    problem = Problem(
        error.code, None, error.message, location=InFile(block.first_row, "", block.customer_id)
    )
    return attrs.evolve(block, points=(), problems=(*block.problems, problem))


def import_vcard(
    service: ContactService, actor: str, customer_id: str, text: str | bytes, /
) -> tuple[Saved, VCardImport]:
    """Merge one customer's vCard into their stored set; return what was saved and read.

    The card is read in the customer's billing country (from the host's
    :class:`~contactbook.ports.BillingCountries`) and its points merged by
    :meth:`~contactbook.service.ContactService.merge`: values the customer has are left
    as they are, labels (``X-ABLabel``) replace descriptions, nothing is removed. The
    lines that could not be used are in the returned
    :attr:`~contactbook.interchange.vcard.VCardImport.skipped`. One edit
    (:meth:`~contactbook.service.ContactService.editing`): the update permission asked
    once, one unit of work, one load.
    """
    with service.editing(actor, customer_id) as edit:
        card = load_vcard(text, country=edit.country)
        saved = edit.merge(card.contacts.points, describes=True)
    return saved, card
