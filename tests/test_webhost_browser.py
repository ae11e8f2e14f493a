"""The reference web host in a real browser: headless Chromium drives the page's flows.

Playwright for Python drives Debian's ``chromium`` (``/usr/bin/chromium``, or
``CONTACTBOOK_CHROMIUM``); Playwright's own browser downloads are never used. Each
test gets a fresh SQLite file and its own host on 127.0.0.1. With ``CI=true`` a browser
that cannot start fails these tests; elsewhere they are skipped with the reason.
The screenshots in docs/how-to/img/ are taken here.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.parse
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SHOTS = ROOT / "docs" / "how-to" / "img"
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
    from werkzeug.serving import make_server

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
    made = browser.new_context(viewport={"width": 900, "height": 900})
    made.set_default_timeout(10_000)
    yield made
    made.close()


@pytest.fixture
def page(context):
    return context.new_page()


def card_text(page):
    return page.locator(".contact-card").inner_text()


def log_items(page):
    return page.locator("ol.log > li")


def open_window(page, host, customer="c1"):
    page.goto(f"{host}/customers/{customer}")
    page.get_by_role("link", name="Change").click()
    page.wait_for_selector(".edit-window")


def save(page):
    page.locator(".buttons").get_by_role("button", name="Save").click()


class TestCard:
    """The card shows the primary details, the groups with the info icon, and the empty state."""

    def test_the_card(self, page, host):
        page.goto(f"{host}/customers/c1")
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
        page.locator(".contact-card").screenshot(path=str(SHOTS / "card.png"))

    def test_the_empty_state(self, page, host):
        page.goto(f"{host}/customers/c3")
        assert "This customer has no contact details. Click Change to add them." == (
            page.locator(".empty").first.inner_text()
        )
        page.locator(".contact-card").screenshot(path=str(SHOTS / "empty-state.png"))

    def test_a_viewer_sees_no_change_button_and_is_refused_the_window(self, page, host):
        page.goto(f"{host}/customers/c1")
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
        page.get_by_label("Email Address").fill("hello@bakkerijdevries.nl")
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
        email = page.get_by_label("Email Address")
        email.fill("info(at)bakkerijdevries.nl")
        page.get_by_label("Website").fill("bakkerij.example")
        save(page)
        problems = page.locator("#f-primary-email-value-problems")
        assert "@" in problems.inner_text()
        assert "true" == email.get_attribute("aria-invalid")
        assert "f-primary-email-value-problems" == email.get_attribute("aria-describedby")
        assert "info(at)bakkerijdevries.nl" == email.input_value()  # what was typed stays
        assert "Nothing was saved" in page.get_by_role("alert").first.inner_text()
        page.locator(".edit-window").screenshot(path=str(SHOTS / "edit-window-error.png"))
        page.goto(f"{host}/customers/c1")
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
        page.get_by_label("Email Address").fill("gone@example.nl")
        page.get_by_role("link", name="Cancel").click()
        page.wait_for_selector(".contact-card")
        assert "gone@example.nl" not in card_text(page)
        assert 1 == log_items(page).count()

    def test_a_stale_window_gets_the_conflict_notice_and_nothing_is_lost(self, context, host):
        first, second = context.new_page(), context.new_page()
        open_window(first, host)
        open_window(second, host)
        first.get_by_label("Email Address").fill("first@bakkerijdevries.nl")
        save(first)
        first.wait_for_selector(".contact-card")
        second.get_by_label("Website").fill("second.example")
        save(second)
        notice = second.get_by_role("alert")
        assert "Someone else changed these contact details" in notice.inner_text()
        assert "second.example" == second.get_by_label("Website").input_value()
        second.get_by_role("link", name="Reload").click()
        assert "first@bakkerijdevries.nl" == second.get_by_label("Email Address").input_value()
        first.reload()
        assert "first@bakkerijdevries.nl" in card_text(first)
        assert "second.example" not in card_text(first)
        assert 2 == log_items(first).count()

    def test_the_activity_log_lists_each_save(self, page, host):
        for address in ("a@bakkerijdevries.nl", "b@bakkerijdevries.nl"):
            open_window(page, host)
            page.get_by_label("Email Address").fill(address)
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
        assert "fixed-line number" in warning.inner_text()
        assert "No problems found" in page.get_by_role("status").inner_text()
        page.get_by_label("Mobile Phone: Kind").select_option("phone")
        save(page)
        primary = page.locator("dl.primary")
        assert ["Email Address", "Telephone"] == primary.locator("dt").all_inner_texts()
        assert "+31 20 123 4567" in primary.inner_text()


class TestKeyboard:
    """The window opens, fills and saves from the keyboard alone."""

    def test_change_type_and_save_with_the_keyboard(self, page, host):
        page.goto(f"{host}/customers/c1")
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

    def test_the_info_icon_shows_its_description_on_focus(self, page, host):
        page.goto(f"{host}/customers/c1")
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
        first.get_by_label("Email Address").fill("pg@bakkerijdevries.nl")
        save(first)
        assert "pg@bakkerijdevries.nl" in first.locator("dl.primary").inner_text()
        second.get_by_label("Website").fill("second.example")
        save(second)
        assert "Someone else changed" in second.get_by_role("alert").inner_text()
        first.reload()
        assert 2 == log_items(first).count()


@pytest.fixture
def dutch(browser):
    """A browser whose Accept-Language asks for Dutch (nl-NL), as a Dutch clerk's does."""
    made = browser.new_context(viewport={"width": 900, "height": 900}, locale="nl-NL")
    made.set_default_timeout(10_000)
    yield made.new_page()
    made.close()


class TestInDutch:
    """The host follows Accept-Language, and its switch; the edit flow reads Dutch throughout."""

    def test_the_edit_flow_in_dutch(self, dutch, host):
        page = dutch
        page.goto(f"{host}/customers/c1")
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
        page.locator(".edit-window").screenshot(path=str(SHOTS / "edit-window-error-nl.png"))
        mobile.fill("06 87654321")
        page.locator(".buttons").get_by_role("button", name="Opslaan").click()
        assert "Opgeslagen." == page.get_by_role("status").inner_text()
        assert "+31 6 87654321" in page.locator("dl.primary").inner_text()
        assert "Gewijzigd: mobiel nummer van +31 6 12345678 in +31 6 87654321" == (
            log_items(page).first.locator("ul li").first.inner_text()
        )
        assert "Activiteitenlogboek" == page.locator("#log-title").inner_text()
        page.locator(".contact-card").screenshot(path=str(SHOTS / "card-nl.png"))

    def test_the_switch_changes_the_language_and_keeps_it(self, dutch, host):
        page = dutch
        page.goto(f"{host}/customers/c1")
        page.get_by_role("link", name="English").click()
        assert "Email Address" == page.locator("dl.primary dt").first.inner_text()
        page.get_by_role("link", name="Change").click()  # the choice holds on the next page
        assert "Save" in page.locator(".buttons").inner_text()
        page.get_by_role("link", name="Nederlands").click()
        assert "Opslaan" in page.locator(".buttons").inner_text()

    def test_an_english_browser_gets_english(self, page, host):
        page.goto(f"{host}/customers/c1")
        assert "en" == page.locator("html").get_attribute("lang")
        assert "Email Address" == page.locator("dl.primary dt").first.inner_text()
