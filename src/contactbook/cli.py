"""The ``contactbook`` command: check, import, show and edit contact details from a shell.

A thin shell over :class:`~contactbook.service.ContactService`, the SQLite store and the
interchange modules: it parses arguments, calls them, and prints what they return. Every
rule lives in the library. A :class:`~contactbook.errors.ContactError` becomes one line
on standard error (``contactbook: error [code]: message``) and the exit status of its
code's family (:func:`exit_status`); each status means one thing (:class:`Exit`).

Every file it writes (the normalized rows, the error report, an export) is written
whole or not at all (:func:`~contactbook.interchange.csv_write.atomic_output`), and an
import into a database that did not exist leaves none behind when it fails.

It is a local, single-user tool: the authorizer allows everything
(:class:`~contactbook.adapters.memory.AllowAll`) and the actor written to the activity
log is the operating-system user unless ``--actor`` names another. A host with real
permissions uses the library, not this command.

Install it with the ``cli`` extra (``pip install 'contactbook-billing[cli]'``; the import
name is ``contactbook``): click for the commands, rich for tables and, on a terminal,
progress bars. Without them the console script (``contactbook._command``) says which
extra to install.
"""

from __future__ import annotations

import enum
import functools
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from contactbook._version import __version__
from contactbook.adapters.memory import AllowAll
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.audit import ActivityEntry
from contactbook.bulk import Imported, import_file, import_vcard_file
from contactbook.errors import ContactError
from contactbook.interchange.csv_check import (
    CheckOptions,
    Sinks,
    Summary,
    Tally,
    check_file,
    default_jobs,
)
from contactbook.interchange.csv_layout import load_mapping
from contactbook.interchange.csv_read import Columns, Shape, text_codec
from contactbook.interchange.csv_write import atomic_output
from contactbook.interchange.jsonform import dump_set
from contactbook.interchange.vcard import (
    Identity,
    check_vcard_file,
    dump_vcard,
    looks_like_vcard,
)
from contactbook.operations import UNCHANGED, AddPoint, Command, EditPoint, RemovePoint
from contactbook.presentation.card import CardLabels, ContactCard
from contactbook.service import ContactService, Saved
from contactbook.validation import normalize_country
from contactbook.vocabulary import KIND_NAMES

__all__ = ["Exit", "exit_status", "main"]

DEFAULT_DB = "contactbook.sqlite3"
_F = TypeVar("_F", bound=Callable[..., Any])


class Exit(enum.IntEnum):
    """The exit statuses of the ``contactbook`` command: each means one thing.

    (Without the ``cli`` extra the console script exits with
    ``contactbook._command.EXIT_NO_EXTRA``, 5.)
    """

    #: Done, and nothing had a problem (warnings do not count).
    CLEAN = 0
    #: Done, but some rows or records had problems: they are in the error report.
    PROBLEMS = 1
    #: The command line is wrong (click's own status).
    USAGE = 2
    #: The input was refused or cannot be read: a file, its header, encoding or layout,
    #: a value given on the command line, a customer with nothing stored.
    INPUT = 3
    #: The database cannot be used: unreadable, locked, unavailable, too new, or changed
    #: by someone else meanwhile.
    STORAGE = 4
    #: Interrupted (Ctrl-C): 128 + SIGINT, as shells do.
    INTERRUPTED = 130


#: The exit status of each family of error codes (the part before the dot). Every family
#: of :data:`~contactbook.errors.ERROR_CODES` is here (tests/test_cli.py checks), so a
#: new family gets a status on purpose; a code in :data:`_EXIT_BY_CODE` overrides it.
_EXIT_BY_FAMILY: dict[str, Exit] = {
    # Input refused or unreadable: a file (its header, encoding, layout, version) ...
    **dict.fromkeys(["format", "csv", "vcard"], Exit.INPUT),
    # ... or a value, id or option given on the command line.
    **dict.fromkeys(["email", "phone", "country", "website", "description", "text"], Exit.INPUT),
    **dict.fromkeys(["contact", "customer", "activity", "form", "page", "version"], Exit.INPUT),
    **dict.fromkeys(["mark"], Exit.INPUT),  # a host handing its store a wrong mark
    **dict.fromkeys(["actor"], Exit.INPUT),  # --actor
    **dict.fromkeys(["routing"], Exit.INPUT),
    # The store cannot be used, or would not act (nor with a clock time it cannot keep).
    **dict.fromkeys(["storage", "permission", "clock"], Exit.STORAGE),
}
_EXIT_BY_CODE: dict[str, Exit] = {"contact.conflict": Exit.STORAGE}


def exit_status(error: ContactError) -> Exit:
    """Return the exit status of a refusal: by its code, else by its code's family.

    >>> exit_status(ContactError("x", code="csv.columns")), exit_status(ContactError(
    ...     "x", code="storage.locked")), exit_status(ContactError("x", code="contact.conflict"))
    (<Exit.INPUT: 3>, <Exit.STORAGE: 4>, <Exit.STORAGE: 4>)
    """
    family = error.code.partition(".")[0]
    return _EXIT_BY_CODE.get(error.code, _EXIT_BY_FAMILY.get(family, Exit.INPUT))


@contextmanager
def _failures() -> Iterator[None]:
    """Turn refusals and file errors into one line on stderr and their exit status."""
    try:
        yield
    except ContactError as error:
        click.echo(f"contactbook: error [{error.code}]: {error.message}", err=True)
        sys.exit(exit_status(error))
    except OSError as error:
        # A file named on the command line cannot be read or written (the store words
        # its own troubles as StorageError).
        where = f" {error.filename}" if error.filename else ""
        click.echo(f"contactbook: error: cannot use{where}: {error.strerror or error}", err=True)
        sys.exit(Exit.INPUT)
    except KeyboardInterrupt:
        click.echo("contactbook: interrupted", err=True)
        sys.exit(Exit.INTERRUPTED)


def _console() -> Console:
    # Markup off: customer data ("[bold]") is printed as it is. Piped output gets a wide
    # line so that tables are not cut.
    width = None if sys.stdout.isatty() else 200
    return Console(markup=False, highlight=False, emoji=False, width=width)


class _Context:
    """What every command gets: where the store is and who acts."""

    def __init__(self, db: str, actor: str):
        self.db = db
        self.actor = actor

    @contextmanager
    def service(self, *, all_or_none: bool = False) -> Iterator[tuple[ContactService, SQLiteStore]]:
        """Open the store and the service on it.

        With ``all_or_none``, a database this opening makes is removed again when the
        block fails (Ctrl-C included): a failed import leaves no new database behind.
        """
        new = all_or_none and not os.path.lexists(self.db)
        try:
            with SQLiteStore(self.db) as store:
                yield ContactService(store, AllowAll()), store
        except BaseException:
            if new:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(self.db + suffix).unlink(missing_ok=True)
            raise

    def known(self, service: ContactService, customer: str, version: int) -> None:
        """Refuse a customer with nothing stored: most often a mistyped id.

        Nothing stored: never saved (``version`` 0) and no billing country.
        """
        if version == 0 and service.billing_country(self.actor, customer) is None:
            msg = (
                f"Nothing is stored for customer {customer!r} in {self.db}: no contact "
                "details, billing country or activity. Check the id (it is matched exactly) "
                "and the database (--db)."
            )
            raise ContactError(msg, code="customer.not_found")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password file
        return "unknown"


def _command(function: _F) -> _F:
    """Run a command's body with the failure handling; hand it the context."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _failures():
            return function(click.get_current_context().obj, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CONTACTBOOK_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="The SQLite database file (or set CONTACTBOOK_DB).",
)
@click.option("--actor", default=None, help="Who acts, for the activity log [default: OS user].")
@click.version_option(version=__version__, prog_name="contactbook")
@click.pass_context
def cli(ctx: click.Context, db: str, actor: str | None) -> None:
    """Check, import, show and edit customers' contact details."""
    ctx.obj = _Context(db, actor or _os_user())


# --------------------------------------------------------------------------- check, import


def _csv_options(function: _F) -> _F:
    options = [
        # Not checked by click: a missing or unreadable file is refused input (status 3).
        click.argument("file", type=click.Path(path_type=Path)),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Where to write the normalized rows [default: FILE.normalised.csv here].",
        ),
        click.option(
            "--report",
            "-r",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Where to write the error report [default: FILE.report.csv here].",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            show_default="1 on 2 cores or fewer, else one per core but one",
            help="Worker processes for large files.",
        ),
        click.option(
            "--encoding",
            help="The file's encoding, e.g. utf-8, utf-16, cp1252 [default: found from the file].",
        ),
        click.option(
            "--delimiter",
            type=click.Choice(list(_DELIMITERS)),
            help="The cell separator [default: found from the file].",
        ),
        click.option(
            "--mapping",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A column mapping (TOML) saying which column holds what, for any layout.",
        ),
        click.option(
            "--id-column",
            metavar="NAME",
            help="The column holding the customer id [default: customer_id, else one "
            "customer per row, row-N].",
        ),
        click.option(
            "--country",
            "default_country",
            metavar="CC",
            help="The billing country (ISO 3166-1, e.g. NL) of customers whose rows (or, in "
            "a vCard file, whose card's address) give none.",
        ),
        click.option(
            "--shape",
            type=click.Choice([shape.value for shape in Shape]),
            help="customer (a row per customer) or point (a row per contact point) "
            "[default: from the header].",
        ),
        click.option(
            "--column",
            "renames",
            multiple=True,
            metavar="FIELD=NAME",
            help="The file's name for a column, e.g. --column email=E-mail (repeatable). "
            f"Fields: {', '.join(_fields())}.",
        ),
        click.option(
            "--ignore-errors", is_flag=True, help="Exit with status 0 even when rows have errors."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


_DELIMITERS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "bar": "|",
    ",": ",",
    ";": ";",
    "|": "|",
}


@attrs.frozen
class _Reading:
    """The check and import options that say how to read the file."""

    encoding: str | None
    delimiter: str | None
    mapping: Path | None
    id_column: str | None
    default_country: str | None
    shape: str | None
    renames: tuple[str, ...]

    def options(self, jobs: int) -> CheckOptions:
        """Return the library's options, every one checked before any file is made."""
        layout = None
        if self.mapping is not None:
            layout = load_mapping(self.mapping.read_text("utf-8"), name=self.mapping.name)
        country = self.default_country
        if country is not None:
            try:
                country = normalize_country(country)
            except ContactError as error:
                raise click.BadParameter(error.message, param_hint="--country") from None
        return CheckOptions(
            columns=_columns(self.renames),
            shape=Shape(self.shape) if self.shape else None,
            encoding=None if self.encoding is None else text_codec(self.encoding),
            delimiter=None if self.delimiter is None else _DELIMITERS[self.delimiter],
            layout=layout,
            id_column=self.id_column,
            country=country,
            jobs=jobs,
        )


def _fields() -> list[str]:
    """Return the column fields that ``--column`` can rename."""
    return list(Columns().names())


def _columns(renames: tuple[str, ...]) -> Columns:
    names: dict[str, str] = {}
    for rename in renames:
        field, equals, name = rename.partition("=")
        if not equals or field.strip() not in _fields() or not name.strip():
            msg = f"{rename!r} is not FIELD=NAME with FIELD one of {', '.join(_fields())}."
            raise click.BadParameter(msg, param_hint="--column")
        names[field.strip()] = name.strip()
    return Columns(**names)


def _vcard_options(function: _F) -> _F:
    options = [
        click.option(
            "--identity",
            default="UID",
            show_default=True,
            metavar="PROPERTY",
            help="vCard: the property that holds each card's customer id, e.g. "
            "X-CUSTOMER-ID, EMAIL or FN (a card without it: FILE#N).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@attrs.frozen
class _VCardRun:
    """A vCard file's options: who each card is, and the default billing country."""

    identity: Identity
    country: str | None


def _vcard_run(file: Path, identity: str, country: str | None) -> _VCardRun | None:
    """Return how to read ``file`` if it is a vCard (by extension or content), else None."""
    with file.open("rb") as head:
        start = head.read(64)
    if file.suffix.lower() not in {".vcf", ".vcard"} and not looks_like_vcard(start):
        return None
    try:
        return _VCardRun(Identity(identity, file.name), normalize_country(country))
    except ContactError as error:
        hint = "--identity" if error.code == "format.invalid" else "--country"
        raise click.BadParameter(error.message, param_hint=hint) from None


def _run_check(
    file: Path,
    output: Path | None,
    report: Path | None,
    *,
    jobs: int | None,
    reading: _Reading,
    then: Callable[[BinaryIO, Sinks, CheckOptions], Summary] = check_file,
    importing: bool = False,
) -> tuple[Summary, Path, Path]:
    """Open the files, then check (or, with ``then``, import) ``file`` into them."""
    options = reading.options(jobs or default_jobs())  # refused before any file is made
    output = output or Path(f"{file.stem}.normalised.csv")
    report = report or Path(f"{file.stem}.report.csv")
    # utf-8-sig: a byte-order mark tells spreadsheets the file is UTF-8. Both outputs
    # replace the earlier ones only when the whole run succeeded.
    with (
        file.open("rb") as source,
        atomic_output(output, encoding="utf-8-sig") as out,
        atomic_output(report, encoding="utf-8-sig") as problems,
        _progress(importing=importing) as progress,
    ):
        summary = then(source, Sinks(out, problems, progress), options)
    return summary, output, report


@contextmanager
def _progress(*, importing: bool) -> Iterator[Callable[[Tally], None] | None]:
    """Show the rows checked (and customers imported) on standard error, on a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        checked = bar.add_task("reading", total=None)
        imported = bar.add_task("importing", total=None) if importing else None

        def show(tally: Tally) -> None:
            about = "" if tally.finished else "~"
            rows = tally.expected_rows()
            bar.update(
                checked,
                completed=tally.rows,
                total=rows,
                description=f"checked {tally.rows:,} of {about}{rows:,} rows",
            )
            if imported is not None:
                customers = tally.expected_customers()
                bar.update(
                    imported,
                    completed=tally.imported,
                    total=customers,
                    description=f"imported {tally.imported:,} of {about}{customers:,} customers",
                )

        yield show


def _print_summary(summary: Summary, output: Path, report: Path, *, extra: str = "") -> None:
    console = _console()
    table = Table(title="Check summary", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, count in [
        ("rows", summary.rows),
        ("customers", summary.customers),
        ("contact points accepted", summary.points),
        ("values refused", summary.values_refused),
        ("rows refused whole", summary.rows_refused),
    ]:
        table.add_row(label, f"{count:,}")
    if summary.reading is not None:
        console.print(f"read as: {summary.reading.describe()}")
    console.print(table)
    for title, counts in [("Errors", summary.errors), ("Warnings", summary.warnings)]:
        if counts:
            by_code = Table(title=f"{title} by code")
            by_code.add_column("code")
            by_code.add_column("count", justify="right")
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                by_code.add_row(code, f"{count:,}")
            console.print(by_code)
    console.print(f"normalised rows: {output}")
    console.print(f"error report:    {report}")
    if extra:
        console.print(extra)


@cli.command()
@_csv_options
@_vcard_options
@_command
def check(
    ctx: _Context,
    /,
    *,
    file: Path,
    output: Path | None,
    report: Path | None,
    jobs: int | None,
    ignore_errors: bool,
    identity: str,
    **reading: Any,
) -> None:
    """Check a customer export (CSV or vCard): normalized rows, report, summary.

    Writes the normalized rows and the error report, and prints a summary. Exit
    status 0 only when nothing was refused (or with --ignore-errors). A vCard file
    (.vcf, or starting with BEGIN:VCARD) is one customer per card.
    """
    vcard = _vcard_run(file, identity, reading["default_country"])

    def then(source: BinaryIO, sinks: Sinks, options: CheckOptions) -> Summary:
        if vcard is None:
            return check_file(source, sinks, options)
        return check_vcard_file(source, sinks, identity=vcard.identity, country=vcard.country)

    summary, output, report = _run_check(
        file,
        output,
        report,
        jobs=jobs,
        reading=_Reading(**reading),
        then=then,
    )
    _print_summary(summary, output, report, extra=vcard.identity.describe() if vcard else "")
    if not summary.clean and not ignore_errors:
        sys.exit(Exit.PROBLEMS)


@cli.command(name="import")
@_csv_options
@_vcard_options
@_command
def import_(
    ctx: _Context,
    /,
    *,
    file: Path,
    output: Path | None,
    report: Path | None,
    jobs: int | None,
    ignore_errors: bool,
    identity: str,
    **reading: Any,
) -> None:
    """Check an export, then store each customer's accepted points.

    One batch (one activity entry) per customer; values already stored are left as
    they are, so importing the same file twice changes nothing the second time.
    """
    counts = Imported()
    vcard = _vcard_run(file, identity, reading["default_country"])
    with ctx.service(all_or_none=True) as (service, store):

        def merge_all(source: BinaryIO, sinks: Sinks, options: CheckOptions) -> Summary:
            if vcard is not None:
                done = import_vcard_file(
                    service,
                    ctx.actor,
                    source,
                    sinks,
                    identity=vcard.identity,
                    country=vcard.country,
                    set_countries=store.set_billing_countries,
                )
            else:
                done = import_file(
                    service,
                    ctx.actor,
                    source,
                    sinks,
                    options,
                    set_countries=store.set_billing_countries,
                )
            counts.changed, counts.unchanged = done.changed, done.unchanged
            return done.summary

        summary, output, report = _run_check(
            file,
            output,
            report,
            jobs=jobs,
            reading=_Reading(**reading),
            then=merge_all,
            importing=True,
        )
    _print_summary(
        summary,
        output,
        report,
        extra=(f"{vcard.identity.describe()}\n" if vcard else "")
        + f"stored: {counts.changed:,} customer(s) changed, "
        f"{counts.unchanged:,} already up to date "
        f"(database {ctx.db})",
    )
    if not summary.clean and not ignore_errors:
        sys.exit(Exit.PROBLEMS)


# --------------------------------------------------------------------------- one customer


# The card's texts, with the empty state pointing at this command instead of a button.
_CARD_LABELS = CardLabels(
    empty="This customer has no contact details.",
    empty_editable="This customer has no contact details. Add them with: contactbook add",
)


def _printable(text: str) -> str:
    """Return ``text`` with what no terminal can print (a lone surrogate) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _print_card(customer_id: str, card: ContactCard) -> None:
    console = _console()
    title = f"{card.labels.title} — customer {customer_id} (version {card.version})"
    console.print(Text(_printable(title)))
    if card.is_empty:
        console.print(card.empty_message or "")
        return
    primary = Table(title=card.labels.primary, title_justify="left")
    for column in ("id", "kind", "value", card.labels.description.lower()):
        primary.add_column(column)
    for row in card.primary:
        primary.add_row(
            str(row.point_id), row.label, _printable(row.value), _printable(row.description or "")
        )
    console.print(primary)
    if card.additional:
        additional = Table(title=card.labels.additional, title_justify="left")
        for column in ("group", "id", "kind", "value"):
            additional.add_column(column)
        for group in card.additional:
            for row in group.rows:
                additional.add_row(
                    _printable(group.label), str(row.point_id), row.label, _printable(row.value)
                )
        console.print(additional)


@cli.command()
@click.argument("customer")
@_command
def show(ctx: _Context, /, *, customer: str) -> None:
    """Show a customer's contact card.

    The primary details first, then the additional ones grouped by description, each
    with the id that edit and remove take.
    """
    with ctx.service() as (service, _store):
        card = ContactCard.for_actor(service, ctx.actor, customer, labels=_CARD_LABELS)
        ctx.known(service, customer, card.version or 0)
    _print_card(customer, card)


def _print_saved(saved: Saved) -> None:
    console = _console()
    for warning in saved.warnings:
        console.print(_printable(f"warning [{warning.code}]: {warning.message}"))
    if saved.entry is None:
        console.print("Nothing changed.")
    else:
        console.print(_printable(saved.entry.summary()))
        console.print(f"Saved as version {saved.version}.")


def _update(ctx: _Context, customer: str, change: Command) -> None:
    """Save one change on the set as stored now: one edit (one permission, unit, load)."""
    with ctx.service() as (service, _store), service.editing(ctx.actor, customer) as edit:
        saved = edit.save([change], expected_version=edit.stored.version)
    _print_saved(saved)


@cli.command()
@click.argument("customer")
@click.argument("kind", type=click.Choice(list(KIND_NAMES), case_sensitive=False))
@click.argument("value")
@click.option("--description", "-d", help="A label such as 'Billing Contact'.")
@_command
def add(ctx: _Context, /, *, customer: str, kind: str, value: str, description: str | None) -> None:
    """Add a contact point (the first of its kind becomes primary).

    A number without a country code is read in the customer's billing country (set it
    with `contactbook country`).
    """
    _update(ctx, customer, AddPoint(KIND_NAMES[kind.lower()], value, description))


@cli.command()
@click.argument("customer")
@click.argument("point_id", type=int)
@click.option("--value", help="The new value.")
@click.option("--description", "-d", help="The new description.")
@click.option("--clear-description", is_flag=True, help="Remove the description.")
@_command
def edit(
    ctx: _Context,
    /,
    *,
    customer: str,
    point_id: int,
    value: str | None,
    description: str | None,
    clear_description: bool,
) -> None:
    """Change a point's value or description.

    The point keeps its id and its place, so a primary stays primary.
    """
    if description is not None and clear_description:
        msg = "give --description or --clear-description, not both"
        raise click.UsageError(msg)
    if value is None and description is None and not clear_description:
        msg = "say what to change: --value, --description or --clear-description"
        raise click.UsageError(msg)
    change = EditPoint(
        point_id,
        value=UNCHANGED if value is None else value,
        description=None
        if clear_description
        else (UNCHANGED if description is None else description),
    )
    _update(ctx, customer, change)


@cli.command()
@click.argument("customer")
@click.argument("point_id", type=int)
@_command
def remove(ctx: _Context, /, *, customer: str, point_id: int) -> None:
    """Remove a point; the next of its kind becomes primary."""
    _update(ctx, customer, RemovePoint(point_id))


@cli.command()
@click.argument("customer")
@click.argument("code", required=False)
@click.option("--clear", is_flag=True, help="Forget the billing country.")
@_command
def country(ctx: _Context, /, *, customer: str, code: str | None, clear: bool) -> None:
    """Show or set a customer's billing country (ISO 3166-1 alpha-2, e.g. NL).

    Numbers written without a country code are read in it. Setting it never rewrites
    stored numbers: the command lists the ones the new country would read differently,
    for you to check and edit.
    """
    if code is not None and clear:
        msg = "give a country code or --clear, not both"
        raise click.UsageError(msg)
    console = _console()
    with ctx.service() as (service, store):
        if code is None and not clear:
            current = service.billing_country(ctx.actor, customer)
            console.print(f"Billing country of customer {customer}: {current or 'none'}")
            return
        findings = service.country_change(ctx.actor, customer, code)
        store.set_billing_country(customer, code)
        now = store.billing_country(customer)
    console.print(f"Billing country of customer {customer} set to {now or 'none'}.")
    for finding in findings:
        read = (
            f"would now be refused: {finding.problem.message}"
            if finding.problem is not None
            else f"would now read as {finding.value}"
        )
        console.print(
            _printable(
                f"  point {finding.point.id} ({finding.point.kind.value} {finding.point.value}, "
                f"entered as {finding.point.entered!r}) {read}; it was left as it is."
            )
        )


def _print_entry(console: Console, entry: ActivityEntry) -> None:
    console.print(
        Text(
            _printable(f"{entry.at:%Y-%m-%d %H:%M:%S} UTC  {entry.actor}  version {entry.version}"),
            style="bold",
        )
    )
    for line in entry.summary().splitlines():
        console.print(_printable(f"  {line}"))


@cli.command()
@click.argument("customer")
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=20, show_default=True)
@_command
def log(ctx: _Context, /, *, customer: str, limit: int) -> None:
    """Show a customer's activity log, newest first."""
    with ctx.service() as (service, _store):
        entries = service.history(ctx.actor, customer, limit=limit).entries
        if not entries:
            ctx.known(service, customer, service.read(ctx.actor, customer).version)
    console = _console()
    if not entries:
        console.print(f"No activity for customer {customer}.")
    for entry in entries:
        _print_entry(console, entry)


@cli.command()
@click.argument("customer")
@click.option(
    "--format",
    "-f",
    "form",
    type=click.Choice(["json", "vcard"]),
    default="json",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file [default: standard output].",
)
@_command
def export(ctx: _Context, /, *, customer: str, form: str, output: Path | None) -> None:
    """Write a customer's contact set as JSON or vCard 4.0.

    JSON is contactbook's own versioned form: python -m pydoc
    contactbook.interchange.jsonform describes it.
    """
    with ctx.service() as (service, _store):
        stored = service.read(ctx.actor, customer)
        ctx.known(service, customer, stored.version)
    contacts = stored.contacts
    if form == "json":
        text = dump_set(contacts) + "\n"
    else:
        text = dump_vcard(
            contacts, full_name=f"Customer {customer}", uid=f"urn:contactbook:customer:{customer}"
        )
    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        with atomic_output(output) as stream:
            stream.write(text)


def main() -> None:
    """Run the ``contactbook`` command (the console script's entry point)."""
    cli(prog_name="contactbook")
