"""Import through the service: a checked CSV export in bulk, and a vCard.

Import is :meth:`contactbook.service.ContactService.merge`, the use case; this module
feeds it. :func:`import_file` checks an export (:mod:`contactbook.interchange.csv_check`,
where the process pool lives), merges each customer's accepted points, already
normalized, into the stored set (so each value is validated once and each customer
loaded once), and writes the normalized rows and the report as it goes.

Many customers share one unit of work (``per_unit``, 500 by default), so a large file
commits a few hundred times instead of once per customer; each customer still gets its
own save, version and activity entry, in a nested unit (a savepoint) of its own, so a
customer the store refuses is reported and the others go on. A crash or an abort loses
at most the open unit: what it held is not stored, and running the same import again
finishes the job (merging what is already stored changes nothing). The outputs are
written as customers are checked, so after a crash they may name customers the open
unit had not committed yet; run the import again.

:func:`import_vcard` merges one customer's vCard the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import BinaryIO

import attrs

from contactbook.errors import ContactError
from contactbook.interchange.csv_check import (
    CheckOptions,
    CustomerBlock,
    Sinks,
    Summary,
    check_blocks,
    write_results,
)
from contactbook.interchange.csv_read import RowProblem
from contactbook.interchange.vcard import VCardImport, load_vcard
from contactbook.service import ContactService, Saved

__all__ = ["DEFAULT_PER_UNIT", "Imported", "import_blocks", "import_file", "import_vcard"]

#: How many customers one unit of work holds in a bulk import.
DEFAULT_PER_UNIT = 500


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
    per_unit: int = DEFAULT_PER_UNIT,
) -> Imported:
    """Check an export and merge each customer's accepted points into the store.

    ``set_country(customer_id, country)``, when given, stores the export's billing
    country of each customer, in the same unit as its points (the shipped stores'
    ``set_billing_country``). A customer the store refuses (a set over 100 points, say)
    is reported on its first row and nothing of it is stored. Returns what was done;
    raises :class:`~contactbook.errors.FormatError` for a file that cannot be read.
    """
    options = options or CheckOptions()
    sinks = sinks or Sinks()
    export = options.open(source)
    imported = Imported()
    blocks = check_blocks(
        export, jobs=options.jobs, progress=sinks.progress, country=options.country
    )
    stored = import_blocks(
        service, actor, blocks, imported, set_country=set_country, per_unit=per_unit
    )
    try:
        imported.summary = write_results(stored, sinks)
        imported.summary.reading = export.reading
    finally:
        stored.close()  # a failure while writing rolls the open unit back, now
    return imported


def import_blocks(
    service: ContactService,
    actor: str,
    blocks: Iterable[CustomerBlock],
    imported: Imported,
    /,
    *,
    set_country: Callable[[str, str], None] | None = None,
    per_unit: int = DEFAULT_PER_UNIT,
) -> Generator[CustomerBlock, None, None]:
    """Merge each checked block into the store, ``per_unit`` customers per unit of work.

    Yields each block as stored: a refused customer comes back with its problem added
    and no points. Counts the customers changed and unchanged in ``imported``. Leaving
    the iteration early (an exception in the caller) rolls the open unit back.
    """
    pending = iter(blocks)
    while True:
        done = 0
        with service.transaction():
            for block in pending:
                yield _merged(service, actor, block, imported, set_country)
                done += 1
                if done >= per_unit:
                    break
            else:
                return


def _merged(
    service: ContactService,
    actor: str,
    block: CustomerBlock,
    imported: Imported,
    set_country: Callable[[str, str], None] | None,
) -> CustomerBlock:
    if not block.customer_id or not block.points:
        return block
    points = [point.point() for point in block.points]
    try:
        # The export is the billing system's: its country is the customer's. One nested
        # unit: the country and the points are stored together or not at all.
        with service.transaction():
            if set_country is not None and block.country is not None:
                set_country(block.customer_id, block.country)
            saved = service.merge(actor, block.customer_id, points, describes=block.describes)
    except ContactError as error:
        problem = RowProblem(block.first_row, block.customer_id, "", error.code, error.message)
        return attrs.evolve(block, points=(), problems=(*block.problems, problem))
    if saved.entry is None:
        imported.unchanged += 1
    else:
        imported.changed += 1
    return block


def import_vcard(
    service: ContactService, actor: str, customer_id: str, text: str | bytes, /
) -> tuple[Saved, VCardImport]:
    """Merge one customer's vCard into their stored set; return what was saved and read.

    The card is read in the customer's billing country (from the host's
    :class:`~contactbook.ports.BillingCountries`) and its points merged by
    :meth:`~contactbook.service.ContactService.merge`: values the customer has are left
    as they are, labels (``X-ABLabel``) replace descriptions, nothing is removed. The
    lines that could not be used are in the returned
    :attr:`~contactbook.interchange.vcard.VCardImport.skipped`. Needs the read and
    update permissions; one unit of work.
    """
    with service.transaction():
        region = service.billing_country(actor, customer_id)
        card = load_vcard(text, region=region)
        saved = service.merge(actor, customer_id, card.contacts.points, describes=True)
    return saved, card
