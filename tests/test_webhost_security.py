"""The reference host is safe to copy: tokens, cookie flags, sign-in, local redirects, headers.

These drive the Flask app through its test client; tests/test_webhost_browser.py proves
the same in a real browser from a second origin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    from examples.webhost import create_app

    made = create_app(tmp_path / "host.sqlite3")
    yield made
    made.extensions["contactbook.close"]()


@pytest.fixture
def client(app):
    return app.test_client()


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def sign_in(client, user="ann"):
    page = client.get("/login").text
    answer = client.post("/login", data={"user": user, "csrf_token": token(page)})
    assert 303 == answer.status_code


def log_count(client):
    return client.get("/customers/c1").text.count('<li><span class="meta">')


class TestSignIn:
    """Nobody is anyone until signed in; /login needs its token; next stays on the site."""

    @pytest.mark.parametrize(
        ("method", "path"),
        [("get", "/customers/c1"), ("get", "/customers/c1/edit"), ("post", "/customers/c1/edit")],
    )
    def test_an_anonymous_request_is_sent_to_sign_in(self, client, method, path):
        answer = getattr(client, method)(path, data={"version": "1", "action": "save"})
        assert (303, f"/login?next={path}") == (
            answer.status_code,
            answer.headers["Location"],
        )

    def test_an_anonymous_post_changes_nothing(self, client):
        client.post("/customers/c1/edit", data={"version": "1", "action": "save"})
        sign_in(client)
        assert "facturen@bakkerijdevries.nl" in client.get("/customers/c1").text
        assert 1 == log_count(client)

    def test_login_without_its_token_is_refused(self, client):
        answer = client.post("/login", data={"user": "ann"})
        assert 400 == answer.status_code
        assert 303 == client.get("/customers/c1").status_code  # still nobody

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example",
            "javascript:alert(1)",
            "http:/evil.example",
            "/customers/c1\r\nX: y",
        ],
    )
    def test_next_leads_to_this_site_only(self, client, target):
        page = client.get("/login").text
        answer = client.post(
            "/login", data={"user": "ann", "next": target, "csrf_token": token(page)}
        )
        assert "/" == answer.headers["Location"]

    def test_next_may_be_a_local_path(self, client):
        page = client.get("/login?next=/customers/c2").text
        assert 'name="next" value="/customers/c2"' in page
        answer = client.post(
            "/login", data={"user": "ann", "next": "/customers/c2", "csrf_token": token(page)}
        )
        assert "/customers/c2" == answer.headers["Location"]

    def test_an_unknown_user_is_refused(self, client):
        page = client.get("/login").text
        answer = client.post("/login", data={"user": "mallory", "csrf_token": token(page)})
        assert 400 == answer.status_code


class TestForgery:
    """A signed-in clerk's browser posting without the form's token changes nothing."""

    def test_a_save_without_the_token_is_refused_and_records_nothing(self, client):
        sign_in(client)
        answer = client.post("/customers/c1/edit", data={"version": "1", "action": "save"})
        assert 400 == answer.status_code
        assert "did not come from this site" in answer.text
        assert 1 == log_count(client)

    def test_every_state_changing_form_carries_the_token(self, client):
        sign_in(client)
        for path in ("/", "/customers/c1", "/customers/c1/edit", "/login"):
            page = client.get(path).text
            forms = re.findall(r"<form[^>]*>.*?</form>", page, re.DOTALL)
            posting = [form for form in forms if 'method="post"' in form]
            assert posting, path
            assert all('name="csrf_token"' in form for form in posting), path

    def test_the_window_with_its_token_saves(self, client):
        sign_in(client)
        page = client.get("/customers/c1/edit").text
        fields = dict(
            re.findall(r'<input type="(?:hidden|text)"[^>]*name="([^"]+)" value="([^"]*)"', page)
        )
        fields.update(
            re.findall(
                r'<select[^>]*name="([^"]+)"[^>]*>(?:(?!</select>).)*?value="([^"]+)" selected',
                page,
            )
        )
        fields.update({"primary.email.value": "hello@bakkerijdevries.nl", "action": "save"})
        assert 302 == client.post("/customers/c1/edit", data=fields).status_code
        assert "hello@bakkerijdevries.nl" in client.get("/customers/c1").text


class TestCookieAndHeaders:
    """The cookie is HttpOnly, SameSite=Lax, Secure over HTTPS; no framing, no inline code."""

    def test_the_session_cookie(self, client):
        page = client.get("/login").text
        answer = client.post("/login", data={"user": "ann", "csrf_token": token(page)})
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie

    def test_the_session_cookie_is_secure_over_https(self, app):
        client = app.test_client()
        page = client.get("/login", base_url="https://localhost").text
        answer = client.post(
            "/login",
            base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},
            data={"user": "ann", "csrf_token": token(page)},
        )
        assert "; Secure" in answer.headers["Set-Cookie"]

    @pytest.mark.parametrize("path", ["/", "/login", "/customers/c1", "/customers/c1/edit"])
    def test_headers_forbid_framing_and_inline_code(self, client, path):
        sign_in(client)
        answer = client.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "DENY" == answer.headers["X-Frame-Options"]
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", answer.text)
