"""The reference web host: contactbook's card, edit window and activity log in Flask.

A thin shell over the service: every rule (reading the posted window, versions, field
names, where an error shows, the words) is contactbook's; this module only turns a
request into one service call and a template. Start it with ``python -m
examples.webhost`` (see docs/how-to/edit-window.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from contactbook import (
    ActivityLog,
    AddPoint,
    CardLabels,
    ContactCard,
    ContactError,
    ContactForm,
    ContactKind,
    PermissionDeniedError,
)
from contactbook.adapters.memory import GrantTable
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.ports import Permission
from contactbook.presentation.i18n import LANGUAGES, Translator, negotiate
from contactbook.service import ContactService

if TYPE_CHECKING:
    from contactbook.adapters.postgres import PostgresStore

    Store = SQLiteStore | PostgresStore

#: The language switch: each shipped language by its own name.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


def translator() -> Translator:
    """The request's translator: the switch's choice (?lang=, kept), else Accept-Language."""
    if "translator" not in g:
        chosen = request.args.get("lang")
        if chosen in LANGUAGES:
            session["lang"] = chosen
        remembered = session.get("lang")
        language = (
            remembered
            if remembered in LANGUAGES
            else negotiate(request.headers.get("Accept-Language"))
        )
        g.translator = Translator.for_language(language)
    current: Translator = g.translator
    return current


#: Every text of the card, the window and the log, in the language of the request.
LABELS: CardLabels = LocalProxy(lambda: translator().labels)  # type: ignore[assignment]
#: The host's own customer records: a name and the billing address's country.
CUSTOMERS = {
    "c1": ("Bakkerij de Vries", "NL"),
    "c2": ("Brasserie Dupont", "BE"),
    "c3": ("Müller Werkzeugbau GmbH", "DE"),
    "c4": ("Harbour Books Ltd", "GB"),
    "c5": ("Fietsenmaker Jansen", "NL"),
}
USERS = {"ann": "Ann (may edit)", "bob": "Bob (may only view)"}
GRANTS = GrantTable.of(ann=list(Permission), bob=[Permission.READ_CONTACT_DETAILS])

_EMAIL, _PHONE, _MOBILE, _WEBSITE = ContactKind
SEED = {
    "c1": [
        AddPoint(_EMAIL, "info@bakkerijdevries.nl"),
        AddPoint(_PHONE, "020 1234567"),
        AddPoint(_MOBILE, "06 12345678", "Owner, evenings"),
        AddPoint(_WEBSITE, "bakkerijdevries.nl"),
        AddPoint(_EMAIL, "facturen@bakkerijdevries.nl", "Billing Contact"),
        AddPoint(_PHONE, "020 7654321", "Billing Contact"),
    ],
    "c2": [AddPoint(_EMAIL, "contact@brasserie-dupont.be"), AddPoint(_MOBILE, "0470 12 34 56")],
    "c4": [AddPoint(_EMAIL, "orders@harbourbooks.co.uk"), AddPoint(_PHONE, "020 7946 0018")],
    "c5": [AddPoint(_EMAIL, "jansen@fietsenmaker.example")],
}


def seed(store: Store, service: ContactService) -> None:
    """Give the seeded customers their billing country and details (once per database)."""
    for customer_id, (_, country) in CUSTOMERS.items():
        store.set_billing_country(customer_id, country)
        if customer_id in SEED and store.load(customer_id).version == 0:
            service.update("ann", customer_id, SEED[customer_id], expected_version=0)


def open_store(database: str | Path) -> tuple[Store, Callable[[], None]]:
    """Return the store and what closes it: PostgreSQL for a URL, else an SQLite file."""
    if str(database).startswith(("postgresql://", "postgres://")):
        import psycopg  # the postgres extra  # noqa: PLC0415

        from contactbook.adapters.postgres import PostgresStore  # noqa: PLC0415

        # autocommit: each of the service's units of work is a transaction of its own.
        connection = psycopg.connect(str(database), autocommit=True)
        return PostgresStore(connection), connection.close  # the host owns its connection
    store = SQLiteStore(database)
    return store, store.close


def create_app(database: str | Path, *, secret_key: str | None = None) -> Flask:
    """Return the host over ``database`` (see :func:`open_store`), seeded on first use."""
    store, close = open_store(database)
    service = ContactService.on(store, GRANTS)
    seed(store, service)
    app = Flask(__name__)
    app.extensions["contactbook.close"] = close  # for whoever stops the host
    app.secret_key = secret_key or secrets.token_hex(16)

    def user() -> str:
        return str(session.get("user", "ann"))

    def customer(customer_id: str) -> str:
        if customer_id not in CUSTOMERS:
            abort(404)
        return CUSTOMERS[customer_id][0]

    def window(customer_id: str, form: ContactForm, notice: str | None = None) -> tuple[str, int]:
        status = 409 if form.conflict else 422 if form.errors else 200
        if notice is None and form.errors and not form.conflict:
            notice = LABELS.not_saved
        page = render_template(
            "edit.html",
            cid=customer_id,
            name=customer(customer_id),
            view=form.view(LABELS),
            notice=notice,
            labels=LABELS,
        )
        return page, status

    @app.get("/")
    def index() -> str:
        return render_template("index.html", customers=CUSTOMERS, labels=LABELS)

    @app.post("/login")
    def login() -> Response:
        session["user"] = request.form.get("user") if request.form.get("user") in USERS else "ann"
        return redirect(request.form.get("next") or url_for("index"))

    @app.get("/customers/<cid>")
    def card(cid: str) -> str:
        name = customer(cid)
        page = service.history(user(), cid, before=request.args.get("before"))
        log = ActivityLog.build(page.entries, next=page.next, labels=LABELS)
        return render_template(
            "card.html",
            cid=cid,
            name=name,
            card=ContactCard.for_actor(service, user(), cid, labels=LABELS),
            log=log,
            labels=LABELS,
        )

    @app.route("/customers/<cid>/edit", methods=["GET", "POST"])
    def edit(cid: str) -> Response | tuple[str, int]:
        customer(cid)
        if not service.may(user(), Permission.UPDATE_CONTACT_DETAILS, cid):
            return render_template("refused.html", labels=LABELS), 403
        stored = service.read(user(), cid)
        if request.method == "GET":
            return window(cid, ContactForm.open(stored))
        form = ContactForm.from_post(stored, request.form.lists())
        if form.intent == "edit" or form.errors:
            return window(cid, form)
        try:
            if form.intent == "check":
                outcome = service.preview(
                    user(), cid, form.changes(), expected_version=form.version
                )
                return window(cid, form.with_outcome(outcome), LABELS.checked)
            saved = service.update(user(), cid, form.changes(), expected_version=form.version)
        except ContactError as error:
            return window(cid, form.with_error(error))
        flash(LABELS.saved if saved.entry else LABELS.nothing_changed)
        for warning in saved.warnings:
            flash(f"{LABELS.warning}: {translator().text(warning.message)}")
        return redirect(url_for("card", cid=cid))

    @app.errorhandler(PermissionDeniedError)
    def refused(error: PermissionDeniedError) -> tuple[str, int]:
        return render_template("refused.html", labels=LABELS), 403

    @app.context_processor
    def who() -> dict[str, object]:
        return {
            "users": USERS,
            "user": user(),
            "lang": translator().language,
            "languages": LANGUAGE_NAMES,
            "t": translator().text,  # a problem's message in the request's language
        }

    return app
