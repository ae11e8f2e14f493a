"""The reference web host in a real browser: headless Chromium drives the page's flows.

Playwright for Python drives Debian's ``chromium`` (``/usr/bin/chromium``, or
``CONTACTBOOK_CHROMIUM``); Playwright's own browser downloads are never used. Each
test gets a fresh SQLite file and its own host on 127.0.0.1; the forgery tests serve
their pages from a second origin (127.0.0.2). With ``CI=true`` a browser that cannot
start fails these tests; elsewhere they are skipped with the reason.

The screenshots in docs/how-to/img/ are taken here when ``CONTACTBOOK_SCREENSHOTS`` is
set (``scripts/screenshots [LANGUAGE]``); ``CONTACTBOOK_SCREENSHOT_LANGUAGE`` sets the
browser's language (its ``Accept-Language``) and, other than ``en``, the files' suffix.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import urllib.parse
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).parent.parent
SHOTS = ROOT / "docs" / "how-to" / "img"
LANGUAGE = os.environ.get("CONTACTBOOK_SCREENSHOT_LANGUAGE", "en")
#: What axe-core checks: WCAG 2.1 A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = os.environ.get("CONTACTBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests need Chromium and Playwright: {reason}")
    pytest.skip(f"no browser for the end-to-end tests: {reason}")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        unavailable(f"Playwright is not installed ({error})")
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} does not exist (apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Error as error:
        manager.stop()
        unavailable(f"{CHROMIUM} did not start: {error.message.splitlines()[0]}")
    yield launched
    launched.close()
    manager.stop()


def serve(database, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from examples.webhost import create_app

    app = create_app(database)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
    app.extensions["contactbook.close"]()


@pytest.fixture
def host(tmp_path, monkeypatch):
    yield from serve(tmp_path / "host.sqlite3", monkeypatch)


@pytest.fixture
def pg_host(request, monkeypatch):
    """The host over a new database of the throwaway PostgreSQL server (tests/conftest.py)."""
    try:
        conninfo = request.getfixturevalue("postgres")
    except pytest.FixtureLookupError:
        pytest.skip("no PostgreSQL fixture: the PostgreSQL store is not on this branch")
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"webhost_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")  # a fresh database per test
    options = {**conninfo_to_dict(conninfo), "dbname": name}
    yield from serve("postgresql://?" + urllib.parse.urlencode(options), monkeypatch)


@pytest.fixture
def context(browser):
    made = browser.new_context(viewport={"width": 900, "height": 900}, locale=LANGUAGE)
    made.set_default_timeout(10_000)
    yield made
    made.close()


@pytest.fixture
def page(context):
    made = context.new_page()
    # The page in front: Chromium gives autofocus (the error summary) only to a page
    # that has the focus, and the suite's other pages and contexts may have taken it.
    made.bring_to_front()
    return made


def shoot(locator, name):
    """Save a screenshot for the docs, when asked to (scripts/screenshots)."""
    if os.environ.get("CONTACTBOOK_SCREENSHOTS"):
        suffix = "" if LANGUAGE == "en" else f".{LANGUAGE}"
        locator.screenshot(path=str(SHOTS / f"{name}{suffix}.png"))


def visit(page, url, user="ann"):
    """Go to ``url``, signing in as ``user`` when the host asks who is there."""
    page.goto(url)
    if "/login" in page.url:  # by ids: the same in every language
        page.locator("#sign-in-user").select_option(user)
        page.locator(".sign-in button[type=submit]").click()
        page.wait_for_url(url)


def axe_violations(page):
    """Return axe-core's WCAG 2.1 A/AA violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]


def focused(page, expected):
    """Return the focused element's id once it is ``expected`` (autofocus runs after load).

    A key that submits the form starts a navigation: a question asked while it is under
    way loses its page ("execution context was destroyed"), so it is asked again once
    the new page has loaded.
    """
    from playwright.sync_api import Error

    for _ in range(5):
        # A timeout is no error here: the caller's assertion says what is focused instead.
        with contextlib.suppress(Error):
            page.wait_for_function(f"document.activeElement.id === {expected!r}", timeout=3000)
        try:
            page.wait_for_load_state()
            return page.evaluate("document.activeElement.id")
        except Error as error:
            if "context was destroyed" not in str(error):
                raise
    return page.evaluate("document.activeElement.id")


def tab_to(page, condition, limit=80):
    """Press Tab until ``condition`` (JavaScript) holds for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(condition):
            return
    raise AssertionError(f"Tab never reached {condition}")


def card_text(page):
    return page.locator(".contact-card").inner_text()


def log_items(page):
    return page.locator("ol.log > li")


def open_window(page, host, customer="c1"):
    visit(page, f"{host}/customers/{customer}")
    page.get_by_role("link", name="Change").click()
    page.wait_for_selector(".edit-window")


def save(page):
    page.locator(".buttons").get_by_role("button", name="Save").click()


class TestCard:
    """The card shows the primary details, the groups with the info icon, and the empty state."""

    def test_the_card(self, page, host):
        visit(page, f"{host}/customers/c1")
        primary = page.locator("dl.primary")
        assert ["Email Address", "Telephone", "Mobile Phone", "Website"] == (
            primary.locator("dt").all_inner_texts()
        )
        assert "+31 6 12345678" in primary.inner_text()
        group = page.get_by_role("region", name="Billing Contact")
        assert "facturen@bakkerijdevries.nl" in group.inner_text()
        # The info icon's description is text in the page, tied to the icon.
        tip = page.get_by_role("tooltip").filter(has_text="Owner, evenings")
        assert "Description: Owner, evenings" == tip.text_content()

    def test_the_empty_state(self, page, host):
        visit(page, f"{host}/customers/c3")
        assert "This customer has no contact details. Click Change to add them." == (
            page.locator(".empty").first.inner_text()
        )

    def test_a_viewer_sees_no_change_button_and_is_refused_the_window(self, page, host):
        visit(page, f"{host}/customers/c1")
        page.get_by_label("Signed in as").select_option("bob")
        page.get_by_role("button", name="Switch").click()
        page.wait_for_selector(".contact-card")
        assert 0 == page.get_by_role("link", name="Change").count()
        response = page.goto(f"{host}/customers/c1/edit")
        assert 403 == response.status
        assert "Update Customer Contact Details" in page.get_by_role("alert").inner_text()


class TestEditWindow:
    """Change opens the window; Save saves one entry, Cancel discards, errors stay on the field."""

    def test_edit_a_primary_field(self, page, host):
        open_window(page, host)
        page.get_by_label("Email Address", exact=True).fill("hello@bakkerijdevries.nl")
        save(page)
        assert "Saved." == page.get_by_role("status").inner_text()
        assert "hello@bakkerijdevries.nl" in page.locator("dl.primary").inner_text()
        assert (
            "Changed email address from info@bakkerijdevries.nl to hello@bakkerijdevries.nl"
            in log_items(page).first.inner_text()
        )

    def test_add_a_group_with_a_description_and_two_details(self, page, host):
        open_window(page, host)
        page.locator(".additional > button", has_text="Add").click()
        page.get_by_label("Description").last.fill("Emergency Contact")
        page.get_by_label("Contact detail 1: Kind").last.select_option("mobile")
        page.get_by_label("Contact detail 1", exact=True).last.fill("06 87654321")
        page.get_by_role("button", name="Add another detail").last.click()
        assert "06 87654321" == page.get_by_label("Contact detail 1", exact=True).last.input_value()
        page.get_by_label("Contact detail 2", exact=True).last.fill("nood@bakkerijdevries.nl")
        save(page)
        group = page.get_by_role("region", name="Emergency Contact")
        assert ["Mobile Phone", "Email Address"] == group.locator("dt").all_inner_texts()
        assert "+31 6 87654321" in group.inner_text()
        assert 2 == log_items(page).count()  # the seed and this one save

    def test_an_invalid_email_is_shown_next_to_its_field_and_nothing_is_saved(self, page, host):
        open_window(page, host)
        email = page.get_by_label("Email Address", exact=True)
        email.fill("info(at)bakkerijdevries.nl")
        page.get_by_label("Website", exact=True).fill("bakkerij.example")
        save(page)
        problems = page.locator("#f-primary-email-value-problems")
        assert "@" in problems.inner_text()
        assert "true" == email.get_attribute("aria-invalid")
        assert "f-primary-email-value-problems" == email.get_attribute("aria-describedby")
        assert "info(at)bakkerijdevries.nl" == email.input_value()  # what was typed stays
        assert "Nothing was saved" in page.get_by_role("alert").first.inner_text()
        visit(page, f"{host}/customers/c1")
        assert "info@bakkerijdevries.nl" in card_text(page)
        assert "bakkerij.example" not in card_text(page)
        assert 1 == log_items(page).count()

    def test_a_dutch_number_typed_nationally_shows_internationally(self, page, host):
        open_window(page, host, "c5")
        page.get_by_label("Mobile Phone", exact=True).fill("06 12345678")
        save(page)
        assert "+31 6 12345678" in page.locator("dl.primary").inner_text()
        assert "Added mobile number +31 6 12345678" in log_items(page).first.inner_text()

    def test_cancel_discards(self, page, host):
        open_window(page, host)
        page.get_by_label("Email Address", exact=True).fill("gone@example.nl")
        page.get_by_role("link", name="Cancel").click()
        page.wait_for_selector(".contact-card")
        assert "gone@example.nl" not in card_text(page)
        assert 1 == log_items(page).count()

    def test_a_stale_window_gets_the_conflict_notice_and_nothing_is_lost(self, context, host):
        first, second = context.new_page(), context.new_page()
        open_window(first, host)
        open_window(second, host)
        first.get_by_label("Email Address", exact=True).fill("first@bakkerijdevries.nl")
        save(first)
        first.wait_for_selector(".contact-card")
        second.get_by_label("Website", exact=True).fill("second.example")
        save(second)
        notice = second.get_by_role("alert")
        assert "These contact details were changed by someone else" in notice.inner_text()
        assert "second.example" == second.get_by_label("Website", exact=True).input_value()
        second.get_by_role("link", name="Reload").click()
        assert (
            "first@bakkerijdevries.nl"
            == second.get_by_label("Email Address", exact=True).input_value()
        )
        first.reload()
        assert "first@bakkerijdevries.nl" in card_text(first)
        assert "second.example" not in card_text(first)
        assert 2 == log_items(first).count()

    def test_the_activity_log_lists_each_save(self, page, host):
        for address in ("a@bakkerijdevries.nl", "b@bakkerijdevries.nl"):
            open_window(page, host)
            page.get_by_label("Email Address", exact=True).fill(address)
            save(page)
        items = log_items(page)
        assert 3 == items.count()
        assert "to b@bakkerijdevries.nl" in items.nth(0).inner_text()
        assert "to a@bakkerijdevries.nl" in items.nth(1).inner_text()

    def test_check_warns_and_a_number_moves_to_the_right_kind(self, page, host):
        open_window(page, host, "c5")
        mobile = page.get_by_label("Mobile Phone", exact=True)
        mobile.fill("020 1234567")
        page.get_by_role("button", name="Check").click()
        warning = page.locator("#f-primary-mobile-value-problems")
        # One display: the number as the card writes it; a notice that agrees with it.
        assert "+31 20 123 4567 is a fixed-line number" in warning.inner_text()
        notice = page.get_by_role("status").inner_text()
        assert "No problems found" not in notice
        assert "Look at the warnings below" in notice
        page.get_by_label("Mobile Phone: Kind").select_option("phone")
        save(page)
        primary = page.locator("dl.primary")
        assert ["Email Address", "Telephone"] == primary.locator("dt").all_inner_texts()
        assert "+31 20 123 4567" in primary.inner_text()


class TestRemoveAndSwap:
    """Remove is a button of its own (no script needed); a swap of primaries saves."""

    def test_remove_a_detail_and_a_group_without_javascript(self, browser, host):
        context = browser.new_context(java_script_enabled=False, locale=LANGUAGE)
        try:
            page = context.new_page()
            open_window(page, host)
            page.get_by_role("button", name="Remove: Contact detail 2").click()
            assert "will be removed when you save" in page.locator(".additional").inner_text()
            page.get_by_role("button", name="Remove: Mobile Phone").click()
            save(page)
            text = card_text(page)
            assert "+31 20 765 4321" not in text
            assert "+31 6 12345678" not in text
            assert "facturen@bakkerijdevries.nl" in text
            assert "Removed mobile number +31 6 12345678" in log_items(page).first.inner_text()
            open_window(page, host)
            page.get_by_role("button", name="Remove group: Billing Contact").click()
            save(page)
            assert "facturen@bakkerijdevries.nl" not in card_text(page)
        finally:
            context.close()

    def test_undo_brings_a_removed_detail_back(self, page, host):
        open_window(page, host)
        page.get_by_role("button", name="Remove: Email Address").click()
        page.get_by_role("button", name="Undo: Email Address info@bakkerijdevries.nl").click()
        save(page)
        assert "Nothing changed." == page.get_by_role("status").inner_text()

    def test_swapping_the_primary_email_with_an_additional_one_saves(self, page, host):
        open_window(page, host)
        page.get_by_label("Email Address", exact=True).fill("facturen@bakkerijdevries.nl")
        page.get_by_label("Contact detail 1", exact=True).fill("info@bakkerijdevries.nl")
        save(page)
        assert "Saved." == page.get_by_role("status").inner_text()
        assert "facturen@bakkerijdevries.nl" in page.locator("dl.primary").inner_text()
        group = page.get_by_role("region", name="Billing Contact")
        assert "info@bakkerijdevries.nl" in group.inner_text()

    def test_a_real_duplicate_names_the_value_never_an_id(self, page, host):
        open_window(page, host)
        page.get_by_label("Contact detail 1", exact=True).fill("INFO@bakkerijdevries.nl")
        save(page)
        problems = page.locator("#f-group-0-row-0-value-problems").inner_text()
        assert "the email address info@bakkerijdevries.nl is already" in problems.lower()
        assert "(id" not in page.locator(".edit-window").inner_text()


def attacker(pages):
    """Serve ``pages`` (path -> HTML) from a second origin, 127.0.0.2, as another site would."""

    @Request.application
    def app(request):
        return Response(pages.get(request.path, ""), mimetype="text/html")

    server = make_server("127.0.0.2", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.2:{server.server_port}"


@pytest.fixture
def other_site():
    """A second local server on another origin; give it pages, get their URLs."""
    pages = {}
    server, thread, origin = attacker(pages)

    def page_at(path, html):
        pages[path] = html
        return origin + path

    yield page_at
    server.shutdown()
    thread.join()
    server.server_close()


class TestForgery:
    """Pages of another site cannot change or record anything, however they post."""

    def unchanged(self, page, host):
        page.goto(f"{host}/customers/c1")
        text = card_text(page)
        for value in ("info@bakkerijdevries.nl", "+31 20 123 4567", "facturen@bakkerijdevries.nl"):
            assert value in text
        assert 1 == log_items(page).count()  # the seed's entry only

    def test_an_auto_submitted_form_changes_nothing(self, page, host, other_site):
        visit(page, f"{host}/customers/c1")  # the clerk is signed in
        forged = other_site(
            "/win.html",
            f'<form method="post" action="{host}/customers/c1/edit">'
            '<input name="version" value="1"><input name="action" value="save"></form>'
            '<form method="post" action="' + host + '/login" id="login">'
            '<input name="user" value="bob"></form>'
            "<script>document.forms[0].submit()</script>",
        )
        page.goto(forged)
        page.wait_for_load_state()
        assert page.url.startswith(host)  # the post went, and was turned away
        self.unchanged(page, host)
        forged_login = other_site(
            "/login.html",
            f'<form method="post" action="{host}/login"><input name="user" value="bob">'
            '<input name="next" value="https://evil.example/"></form>'
            "<script>document.forms[0].submit()</script>",
        )
        page.goto(forged_login)
        page.wait_for_load_state()
        assert page.url.startswith(host)  # never to evil.example
        visit(page, f"{host}/customers/c1")
        assert "ann" == page.get_by_label("Signed in as").input_value()  # still Ann

    def test_a_no_cors_fetch_loop_over_versions_changes_nothing(self, page, host, other_site):
        visit(page, f"{host}/customers/c1")
        loop = other_site(
            "/loop.html",
            "<script>"
            "Promise.allSettled([...Array(16).keys()].map(v => fetch("
            f"'{host}/customers/c1/edit', {{method: 'POST', mode: 'no-cors', "
            "credentials: 'include', body: new URLSearchParams("
            "{version: String(v), action: 'save'})}))).then(() => { document.title = 'done'; });"
            "</script>",
        )
        page.goto(loop)
        page.wait_for_function("document.title === 'done'")
        self.unchanged(page, host)


class TestAccessibility:
    """axe-core finds no WCAG 2.1 AA violation; errors and new rows get the focus."""

    def test_no_violations_on_the_card_the_empty_card_and_the_window(self, page, host):
        visit(page, f"{host}/customers/c1")
        assert [] == axe_violations(page)
        visit(page, f"{host}/customers/c3")
        assert [] == axe_violations(page)
        open_window(page, host)
        assert [] == axe_violations(page)
        page.goto(f"{host}/login")
        assert [] == axe_violations(page)

    def test_a_refused_save_focuses_the_error_summary_whose_links_lead_to_each_field(
        self, page, host
    ):
        open_window(page, host)
        page.get_by_label("Email Address", exact=True).fill("info(at)bakkerijdevries.nl")
        page.get_by_label("Contact detail 2", exact=True).fill("12")
        save(page)
        assert "error-summary" == focused(page, "error-summary")
        assert [] == axe_violations(page)
        links = page.locator("#error-summary a")
        assert 2 == links.count()
        links.nth(1).click()
        assert "f-group-0-row-1-value" == focused(page, "f-group-0-row-1-value")
        field = page.locator("#f-group-0-row-1-value")
        assert "true" == field.get_attribute("aria-invalid")
        assert "f-group-0-row-1-value-problems" == field.get_attribute("aria-describedby")

    def test_after_add_the_focus_is_on_the_new_group_and_the_new_row(self, page, host):
        open_window(page, host)
        page.locator(".additional > button", has_text="Add").click()
        assert "f-group-1-description" == focused(page, "f-group-1-description")
        page.get_by_role("button", name="Add another detail: Billing Contact").click()
        assert "f-group-0-row-2-kind" == focused(page, "f-group-0-row-2-kind")

    def test_text_contrast_is_at_least_4_5_to_1_the_header_buttons_included(self, page, host):
        visit(page, f"{host}/customers/c1")
        for button in page.get_by_role("button").all() + page.get_by_role("link").all():
            colors = button.evaluate(SHOWN_COLORS)
            assert contrast(*colors) >= 4.5, (button.inner_text(), colors)


#: An element's text colour and the first background colour behind it that is not transparent.
SHOWN_COLORS = """e => {
    let at = e;
    while (at && getComputedStyle(at).backgroundColor === "rgba(0, 0, 0, 0)") at = at.parentElement;
    const behind = at ? getComputedStyle(at).backgroundColor : "rgb(255, 255, 255)";
    return [getComputedStyle(e).color, behind];
}"""


def contrast(color, background):
    """WCAG 2.1 contrast ratio of two CSS rgb() colours."""

    def channels(css):
        return [float(part) for part in css[css.index("(") + 1 : -1].split(",")]

    def luminance(rgb):
        linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    back = channels(background)
    lighter, darker = sorted([luminance(channels(color)[:3]), luminance(back[:3])], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class TestScreenshots:
    """The docs' pictures (docs/how-to/img/), by ids only so that any language can re-take them.

    Written only with ``CONTACTBOOK_SCREENSHOTS`` set: ``scripts/screenshots [LANGUAGE]``.
    """

    def test_the_card_the_empty_state_and_the_window(self, page, host):
        visit(page, f"{host}/customers/c1")
        shoot(page.locator(".contact-card"), "card")
        visit(page, f"{host}/customers/c3")
        shoot(page.locator(".contact-card"), "empty-state")
        page.goto(f"{host}/customers/c1/edit")
        page.locator("#f-add-group").click()
        page.locator("#f-group-1-description").fill("Emergency Contact")
        page.locator("#f-group-1-row-0-kind").select_option("mobile")
        page.locator("#f-group-1-row-0-value").fill("06 87654321")
        page.locator("#f-remove-group-0-row-1").click()
        shoot(page.locator(".edit-window"), "edit-window")
        page.locator("#f-primary-email-value").fill("info(at)bakkerijdevries.nl")
        page.locator(".buttons .primary-action").click()
        assert "error-summary" == focused(page, "error-summary")
        shoot(page.locator(".edit-window"), "edit-window-error")


class TestKeyboard:
    """The window opens, fills and saves from the keyboard alone."""

    def test_change_type_and_save_with_the_keyboard(self, page, host):
        visit(page, f"{host}/customers/c1")
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent").strip().endswith("Change"):
                break
        page.keyboard.press("Enter")
        page.wait_for_selector(".edit-window")
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == "primary.email.value":
                break
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("keys@bakkerijdevries.nl")
        page.keyboard.press("Enter")
        assert "Saved." == page.get_by_role("status").inner_text()
        assert "keys@bakkerijdevries.nl" in page.locator("dl.primary").inner_text()

    def test_the_help_pages_flows_with_tab_enter_and_space_only(self, page, host):
        """Add a group, fix a refused save, remove a detail, cancel: keys only."""
        visit(page, f"{host}/customers/c1")
        tab_to(page, "document.activeElement.textContent.trim().endsWith('Change')")
        page.keyboard.press("Enter")
        page.wait_for_selector(".edit-window")
        # Add additional contact details: Add, a description, the detail, Save.
        tab_to(page, "document.activeElement.id === 'f-add-group'")
        page.keyboard.press("Space")
        page.wait_for_selector("#f-group-1-description")
        # The focus is on the new group: no Tab needed to reach it.
        assert "f-group-1-description" == focused(page, "f-group-1-description")
        page.keyboard.type("Emergency Contact")
        page.keyboard.press("Tab")  # the kind: Email Address
        page.keyboard.press("Tab")
        page.keyboard.type("nood(at)bakkerijdevries.nl")
        page.keyboard.press("Enter")  # Save; refused: the summary has the focus
        assert "error-summary" == focused(page, "error-summary")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the summary's link to the field
        assert "f-group-1-row-0-value" == focused(page, "f-group-1-row-0-value")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("nood@bakkerijdevries.nl")
        page.keyboard.press("Enter")
        assert "Saved." == page.get_by_role("status").inner_text()
        assert (
            "nood@bakkerijdevries.nl"
            in page.get_by_role("region", name="Emergency Contact").inner_text()
        )
        # Remove a detail: its Remove button, then Save.
        tab_to(page, "document.activeElement.textContent.trim().endsWith('Change')")
        page.keyboard.press("Enter")
        page.wait_for_selector(".edit-window")
        tab_to(page, "document.activeElement.id === 'f-remove-primary-website'")
        page.keyboard.press("Space")
        page.wait_for_selector("#f-restore-primary-website")
        # Undo is at hand.
        assert "f-restore-primary-website" == focused(page, "f-restore-primary-website")
        tab_to(page, "document.activeElement.matches('.buttons .primary-action')")
        page.keyboard.press("Enter")
        assert "Saved." == page.get_by_role("status").inner_text()
        assert "bakkerijdevries.nl/" not in page.locator("dl.primary").inner_text()
        # Cancel discards.
        tab_to(page, "document.activeElement.textContent.trim().endsWith('Change')")
        page.keyboard.press("Enter")
        page.wait_for_selector(".edit-window")
        tab_to(page, "document.activeElement.name === 'primary.email.value'")
        page.keyboard.type("gone")
        tab_to(page, "document.activeElement.textContent.trim() === 'Cancel'")
        page.keyboard.press("Enter")
        page.wait_for_selector(".contact-card")
        assert "gone" not in card_text(page)
        assert 3 == log_items(page).count()

    def test_the_info_icon_shows_its_description_on_focus(self, page, host):
        visit(page, f"{host}/customers/c1")
        icon = page.locator(".info").first
        icon.focus()
        tip = icon.locator(".tip")
        assert 50 < tip.bounding_box()["width"]  # shown, not clipped away


class TestOnPostgreSQL:
    """The same host over PostgreSQL: an edit is saved, a stale window gets the notice."""

    def test_edit_and_conflict(self, context, pg_host):
        first, second = context.new_page(), context.new_page()
        open_window(first, pg_host)
        open_window(second, pg_host)
        first.get_by_label("Email Address", exact=True).fill("pg@bakkerijdevries.nl")
        save(first)
        assert "pg@bakkerijdevries.nl" in first.locator("dl.primary").inner_text()
        second.get_by_label("Website", exact=True).fill("second.example")
        save(second)
        assert "changed by someone else" in second.get_by_role("alert").inner_text()
        first.reload()
        assert 2 == log_items(first).count()


@pytest.fixture
def dutch(browser):
    """A browser whose Accept-Language asks for Dutch (nl-NL), as a Dutch clerk's does."""
    made = browser.new_context(viewport={"width": 900, "height": 900}, locale="nl-NL")
    made.set_default_timeout(10_000)
    page = made.new_page()
    page.bring_to_front()  # as the page fixture does
    yield page
    made.close()


class TestInDutch:
    """The host follows Accept-Language, and its switch; the edit flow reads Dutch throughout."""

    def test_the_edit_flow_in_dutch(self, dutch, host):
        page = dutch
        visit(page, f"{host}/customers/c1")
        assert "nl" == page.locator("html").get_attribute("lang")
        assert ["E-mailadres", "Telefoonnummer", "Mobiel nummer", "Website"] == (
            page.locator("dl.primary dt").all_inner_texts()
        )
        page.get_by_role("link", name="Wijzigen").click()
        page.wait_for_selector(".edit-window")
        mobile = page.get_by_label("Mobiel nummer", exact=True)
        mobile.fill("06 1234")
        page.locator(".buttons").get_by_role("button", name="Opslaan").click()
        assert (
            "'06 1234' is geen geldig telefoonnummer in NL; controleer de cijfers en de landcode."
            == page.locator("#f-primary-mobile-value-problems").inner_text()
        )
        assert "true" == mobile.get_attribute("aria-invalid")
        assert "Er is niets opgeslagen." in page.get_by_role("alert").first.inner_text()
        mobile.fill("06 87654321")
        page.locator(".buttons").get_by_role("button", name="Opslaan").click()
        assert "Opgeslagen." == page.get_by_role("status").inner_text()
        assert "+31 6 87654321" in page.locator("dl.primary").inner_text()
        assert "Gewijzigd: mobiel nummer van +31 6 12345678 in +31 6 87654321" == (
            log_items(page).first.locator("ul li").first.inner_text()
        )
        assert "Activiteitenlogboek" == page.locator("#log-title").inner_text()

    def test_the_switch_changes_the_language_and_keeps_it(self, dutch, host):
        page = dutch
        visit(page, f"{host}/customers/c1")
        page.get_by_role("link", name="English").click()
        assert "Email Address" == page.locator("dl.primary dt").first.inner_text()
        page.get_by_role("link", name="Change").click()  # the choice holds on the next page
        assert "Save" in page.locator(".buttons").inner_text()
        page.get_by_role("link", name="Nederlands").click()
        assert "Opslaan" in page.locator(".buttons").inner_text()

    def test_an_english_browser_gets_english(self, page, host):
        visit(page, f"{host}/customers/c1")
        assert "en" == page.locator("html").get_attribute("lang")
        assert "Email Address" == page.locator("dl.primary dt").first.inner_text()
