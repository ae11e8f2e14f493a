"""The reference web host: contactbook's card, edit window and activity log in Flask.

A thin shell over the service: every rule (reading the posted window, versions, field
names, where an error shows, the words) is contactbook's; this module only turns a
request into one service call and a template. Start it with ``python -m
examples.webhost`` (see docs/how-to/edit-window.md).

Safe to copy (docs/how-to/edit-window.md, "A host safe to copy"): every state-changing
form carries Flask-WTF's anti-forgery token; the session cookie is HttpOnly,
SameSite=Lax and Secure over HTTPS; nobody is anyone until signed in; ``next`` leads to
this site only; and the headers forbid framing and inline script and style.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from contactbook import AddPoint, ContactKind, ContactService, Permission, PermissionDeniedError
from contactbook.adapters.memory import GrantTable
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.presentation.activity import ActivityLog
from contactbook.presentation.card import CardLabels, ContactCard
from contactbook.presentation.i18n import LANGUAGES, Translator, negotiate
from contactbook.presentation.window import EditWindow

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

_EMAIL, _PHONE, _MOBILE, _WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)
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


#: What a person may see without signing in.
PUBLIC = frozenset({"index", "login", "static"})
#: The headers of every answer: no framing, no inline script or style, no sniffing.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)


def local_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site (``/customers/c1``), else ``None``.

    A scheme, a host, ``//`` or a backslash (browsers read ``/\\`` as ``//``) would
    lead elsewhere: an open redirect.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or not target.isprintable():
        return None
    return target


def protect(app: Flask) -> None:
    """Give ``app`` the anti-forgery tokens, the session cookie's flags and the headers."""
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.session_interface = _SessionInterface()
    CSRFProtect(app)  # every POST needs the token the templates put in each form

    @app.errorhandler(CSRFError)
    def forged(error: CSRFError) -> tuple[str, int]:
        message = "This form has expired or did not come from this site. Nothing was changed."
        return render_template("refused.html", labels=LABELS, message=message), 400

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        return response


def current_user() -> str | None:
    """Return the user signed in to this session, or ``None``."""
    user = session.get("user")
    return user if user in USERS else None


def signed_in() -> str:
    """Return who is signed in (:func:`add_sign_in` sent anyone else to sign in)."""
    who = current_user()
    if who is None:
        abort(403)
    return who


def add_sign_in(app: Flask) -> None:
    """Give ``app`` its sign-in page; a request without a user is sent there.

    The reference host has no passwords (pick a user); a real host signs people in
    its own way. What to copy: no identity without signing in, a new session on
    sign-in, and ``next`` accepted only as a path on this site.
    """

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Response | str:
        if request.method == "GET":
            return render_template(
                "login.html", next=local_path(request.args.get("next")) or "", labels=LABELS
            )
        chosen = request.form.get("user")
        if chosen not in USERS:
            abort(400)
        session.clear()  # a new sign-in starts a new session (and a new token)
        session["user"] = chosen
        return redirect(local_path(request.form.get("next")) or url_for("index"), 303)

    @app.before_request
    def sign_in_first() -> Response | None:
        # Before the anti-forgery check (protect() comes after): an anonymous request,
        # a forged POST included, is sent to sign in (303: the browser follows with GET).
        if request.endpoint in PUBLIC or current_user() is not None:
            return None
        return redirect(url_for("login", next=request.path), 303)

    @app.context_processor
    def who() -> dict[str, object]:
        return {
            "users": USERS,
            "user": current_user(),
            "lang": translator().language,
            "languages": LANGUAGE_NAMES,
            "t": translator().text,  # a problem's message in the request's language
        }


def create_app(database: str | Path, *, secret_key: str | None = None) -> Flask:
    """Return the host over ``database`` (see :func:`open_store`), seeded on first use."""
    store, close = open_store(database)
    service = ContactService(store, GRANTS)
    seed(store, service)
    app = Flask(__name__)
    app.extensions["contactbook.close"] = close  # for whoever stops the host
    app.secret_key = secret_key or secrets.token_hex(16)

    add_sign_in(app)
    protect(app)  # after add_sign_in: an anonymous request is sent to sign in first

    def customer(customer_id: str) -> str:
        if customer_id not in CUSTOMERS:
            abort(404)
        return CUSTOMERS[customer_id][0]

    def window(customer_id: str, answer: EditWindow) -> tuple[str, int]:
        page = render_template(
            "edit.html",
            cid=customer_id,
            name=customer(customer_id),
            view=answer.form.view(LABELS),
            notice=answer.notice(LABELS),
            labels=LABELS,
        )
        return page, answer.status

    @app.get("/")
    def index() -> str:
        return render_template("index.html", customers=CUSTOMERS, labels=LABELS)

    @app.get("/customers/<cid>")
    def card(cid: str) -> str:
        name = customer(cid)
        actor = signed_in()
        page = service.history(actor, cid, before=request.args.get("before"))
        log = ActivityLog.build(page.entries, next=page.next, labels=LABELS)
        return render_template(
            "card.html",
            cid=cid,
            name=name,
            card=ContactCard.for_actor(service, actor, cid, labels=LABELS),
            log=log,
            labels=LABELS,
        )

    @app.route("/customers/<cid>/edit", methods=["GET", "POST"])
    def edit(cid: str) -> Response | tuple[str, int]:
        customer(cid)
        actor = signed_in()
        if request.method == "GET":
            return window(cid, EditWindow.open(service, actor, cid))
        # One call: read the post against the stored set, then save, check or add a row.
        answer = EditWindow.post(service, actor, cid, request.form.lists())
        if answer.saved is None:
            return window(cid, answer)
        saved = answer.saved
        flash(answer.notice(LABELS) or "")
        for warning in saved.warnings:
            flash(f"{LABELS.warning}: {translator().text(warning.message)}")
        return redirect(url_for("card", cid=cid))

    @app.errorhandler(PermissionDeniedError)
    def refused(error: PermissionDeniedError) -> tuple[str, int]:
        return render_template("refused.html", labels=LABELS), 403

    return app
