"""The fast paths return exactly what the reference libraries return, input by input.

``normalize_phone`` (with ``parse_phone``), ``normalize_email`` and ``normalize_website``
decide the common shapes without phonenumbers' parser, email-validator or rfc3986
(``contactbook._fastpath``). These tests run every input through both the public
normalizer and the reference path (``phone_reference``, ``email_reference``,
``website_reference``: the library alone) and require the same outcome: the same value
(and line type), or the same refusal (code, field and message). Every disagreement is a
failure.

The seeded corpus holds a million emails and websites (half each) and half a million
phone numbers from ``benchmarks/corpus.py``, with half of them mistyped, so that many sit
right at the edge of the fast paths' domains. ``CONTACTBOOK_DIFFERENTIAL_N`` sets another
total (for example a smaller one on a slow machine, or ten million before a release).
The corpus tests carry the ``corpus`` marker: scripts/test and CI always run them, a
developer skips them with ``-m "not corpus"``.

Every test here runs the fast paths whatever the fence (``_fastpath.FENCE``) says about
the installed versions, so that the same tests decide whether a new release of a
validator may enter the fence (docs/explanation/fast-path-fence.md).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from types import ModuleType
from typing import Any, NamedTuple

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contactbook import _corpus, validation
from contactbook._fastpath import (
    IDNA_CACHE_SIZE,
    Refused,
    emails,
    gate,
    idna_label,
    phones,
    websites,
)
from contactbook.errors import ContactValidationError
from contactbook.validation import (
    _TRIMMED,
    MAX_EMAIL_INPUT,
    email_reference,
    normalize_email,
    normalize_phone,
    normalize_website,
    parse_phone,
    phone_input,
    trimmed,
    website_reference,
)
from contactbook.vocabulary import shown

CORPUS_TOTAL = int(os.environ.get("CONTACTBOOK_DIFFERENTIAL_N", "1000000"))

Outcome = tuple[str, ...]


def _corpus_module() -> ModuleType:
    return _corpus


@pytest.fixture(autouse=True)
def open_fence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every fast path, whether or not the fence admits the installed versions."""
    for kind in ("email", "phone", "website"):
        monkeypatch.setattr(gate, kind, True)


def outcome(normalize: Callable[[Any], str], raw: Any) -> Outcome:
    """What a normalizer did with ``raw``: its value, or its refusal in full."""
    try:
        return ("value", normalize(raw))
    except ContactValidationError as error:
        return ("refused", error.code, str(error.field), error.message)


def disagreements(
    inputs: list[Any], fast: Callable[[Any], str], reference: Callable[[Any], str]
) -> list[tuple[Any, Outcome, Outcome]]:
    found = []
    for raw in inputs:
        mine, theirs = outcome(fast, raw), outcome(reference, raw)
        if mine != theirs:
            found.append((raw, mine, theirs))
    return found


def decided(fast: object, field: str) -> Outcome:
    """The outcome a fast path's answer stands for: its value, or its refusal in full."""
    if isinstance(fast, Refused):
        return ("refused", fast.code, field, fast.message)
    assert isinstance(fast, str)
    return ("value", fast)


def fast_email_outcome(raw: str) -> Outcome | None:
    """What the email fast path decides for ``raw`` (trimmed as validation.py trims it)."""
    try:
        text = trimmed(raw, field="email", code_prefix="email", limit=MAX_EMAIL_INPUT, what="email")
    except ContactValidationError:
        return None  # refused before any fast path runs
    fast = emails.email(text)
    return None if fast is None else decided(fast, "email")


# ASCII letters, digits and signs to their full-width forms, which UTS #46 maps back.
FULL_WIDTH = {code: code + 0xFEE0 for code in range(ord("!"), ord("~") + 1)}

# Pieces that sit on the edges of the fast paths' domains, joined at random by Hypothesis.
EDGE_PIECES = [
    "a", "Z", "0", "9", "-", "--", "xn--", ".", "..", "@", "_", "+", "'", "~", "!", "=",
    "com", "NL", "c", "local", "test", "arpa", "localhost", "postmaster", "Info",
    "http://", "HTTPS://", "https:", "//", "/", "/.", "/..", "?", "#", ":", ":80", ":443",
    ":0", ":65535", ":65536", ":080", "%", "%2f", "%41", " ", "\t", "\x00", "\x7f", "é",
    "\u00a0", "\u200b", "ß", "İ", "K", "[", "]", "<", ">", '"', ",", ";", "\\", "1.2.3.4",
    "a" * 63, "b" * 64, "x" * 200, "example", "www.",
]  # fmt: skip
edge_text = st.lists(st.sampled_from(EDGE_PIECES), max_size=14).map("".join)
email_shaped = st.tuples(edge_text, edge_text, st.sampled_from(["com", "nl", "c", "local"])).map(
    lambda parts: f"{parts[0]}@{parts[1]}.{parts[2]}"
)
# Pieces on the edges of the website fast path's domain: IP literals (with a zone or
# IPvFuture, which it leaves to rfc3986), IPv4 octets out of range, stray and lower-case
# percent escapes, user names, long ports, characters rfc3986 percent-encodes or refuses.
WEBSITE_PIECES = [
    "[::1]", "[::ffff:1.2.3.999]", "[1:2:3:4:5:6:7:8]", "[1::2::3]", "[v1.x]", "[::1%25eth0]",
    "[", "]", "::", "256", "999", "01", "%2E", "%2e", "%%", "%zz", "%C3%BC", "u:p@", "u@",
    "12345", "123456", "/./", "/../", "?x=1", "#f", "##", "??", "{", "|", "`", "^", "ü",
    "例", "\U0001f600", "\ue000", "\u202e", "xn--bcher-kva", "a" * 1990,
]  # fmt: skip
website_text = st.lists(st.sampled_from(EDGE_PIECES + WEBSITE_PIECES), max_size=14).map("".join)
# Pieces on the edges of the email fast path: each check of email-validator's it copies,
# and each shape it leaves to email-validator (quotes, escapes, combining characters,
# unsafe characters, IDNA, domain literals, control characters).
EMAIL_PIECES = [
    "a", "Z", "0", "-", "_", "+", "'", "#", "!", ".", "..", ".-", "-.", "--", "ab--", "xn--",
    "@", "@@", '"', '\\"', "\\", "<", ">", " <", "> ", " ", "(", ")", ",", ";", ":", "[",
    "]", "\t", "\x00", "\x7f", "\x85", "\ud800", "é", "e\u0301", "\u0301", "\u0338",
    "ß", "İ", "K", "Zoë", "伊藤", "\u00a0", "\u200b", "\u202e", "\u2028", "\uff0e",
    "\ue000", "\u0378", "\U000e0001", "\U000f0000", "\uff20", "\ufe6b", "com", "x1", "c",
    "local", "test", "arpa", "onion", "postmaster", "Info", "[1.2.3.4]", "a" * 63, "b" * 64,
    "x" * 200,
]  # fmt: skip
email_text = st.lists(st.sampled_from(EMAIL_PIECES), max_size=12).map("".join)
email_like = st.tuples(
    st.sampled_from(["", "", "", "Doe <", "J. Doe <", "García <", "<", '"Doe" <', '"']),
    email_text,
    st.sampled_from(["@", "@", "@", '"@', "", "@@"]),
    email_text,
    st.sampled_from([".com", ".nl", ".COM", ".local", ".x1", "", ".", "-", ".xn--p1ai"]),
    st.sampled_from(["", "", ">", "> ", ">x"]),
).map("".join)
website_shaped = st.tuples(
    st.sampled_from(["", "http://", "HTTPS://", "//", "ftp://", "http:/", "x.nl:"]),
    website_text,
    st.sampled_from(["", ":8080", ":443", ":80", ":", ":0", ":65536", "@x.nl"]),
    st.lists(
        st.sampled_from(["/", "a", ".", "..", "%7e", "%", "?", "#", "=", "@", ":", "[", "ü"])
    ).map("".join),
).map("".join)


class TestEmailFastPathAgrees:
    """normalize_email gives exactly what email-validator alone gives, for any input."""

    @given(st.text() | st.emails() | edge_text | email_shaped | email_text | email_like)
    @example("John.Doe@Example.COM")
    @example("PostMaster@example.com")
    @example("a@b.local")
    @example("a@xn--mnchen-3ya.de")
    @example("a@ab--cd.com")
    @example("a@a--b.com")
    @example("a@" + "a" * 63 + ".com")
    @example("a@" + "a" * 64 + ".com")
    @example("x" * 250 + "@a.nl")
    @example("x" * 250 + "@a.test")
    @example("Zoë" * 84 + "@a.nl")
    @example("a@@b.com")
    @example('"john x"@example.com')
    @example('""@example.com')
    @example('"a"b@example.com')
    @example("Doe <a@b.com>")
    @example("De.Vries <a@b.com>")
    @example("García <a@b.com>")
    @example("Doe <a@b.com> x")
    @example("Doe <a@b.com")
    @example("a＠b.com")  # noqa: RUF001 (the full-width at-sign is the point)
    @example("a\u0301@b.com")
    @example("\u0301a@b.com")
    @example("e\u0301@b.com")
    @example("a@\u0338b.com")
    @example("a<\u0338b@c.com")
    @example("a\u200bb@c.com")
    @example('"a\u00a0b"@c.com')
    @example('"a \u00a0b"@c.com')
    @example("\u0301@c.com")
    @example("a@b\u202e.com")
    @example("Doe\u2028 <a@b.com>")
    @example("a@b_c.онлайн")
    @example("a@-b.онлайн")
    def test_same_outcome_as_the_reference(self, raw: str) -> None:
        assert outcome(email_reference, raw) == outcome(normalize_email, raw)

    @given(st.emails() | email_shaped | email_text | email_like)
    def test_what_the_fast_path_decides_the_reference_decides_identically(self, raw: str) -> None:
        fast = fast_email_outcome(raw)
        if fast is not None:
            assert outcome(email_reference, raw) == fast

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "John.Doe@example.com" == emails.email("John.Doe@Example.COM")
        assert "postmaster@example.com" == emails.email("PostMaster@example.com")
        assert "Zoë.García@example.com" == emails.email("Zoë.García@Example.com")
        assert "伊藤@example.jp" == emails.email("伊藤@example.jp")

    def test_the_common_refusals_take_the_fast_path(self) -> None:
        refusals = {
            "a..b@x.com": "An email address cannot have two periods in a row.",
            "a@b.local": "The part after the @-sign is a special-use or reserved name that "
            "cannot be used with email.",
            "a@b.c1": "The part after the @-sign is not valid. It is not within a valid "
            "top-level domain.",
            "a@example": "The part after the @-sign is not valid. It should have a period.",
            "a@exa_mple.com": "The part after the @-sign contains invalid characters: '_'.",
            "a@ab--cd.com": "An email address cannot have two letters followed by two dashes "
            "immediately after the @-sign or after a period, except Punycode.",
            "a@b-.com": "An email address cannot have a period and a hyphen next to each other.",
            '"a b"@x.com': "Quoting the part before the @-sign is not allowed here.",
            "Doe <a@b.com>": "A display name and angle brackets around the email address are "
            "not permitted here.",
            "a\u200bb@x.com": "The email address contains unsafe characters: ZERO WIDTH SPACE.",
            "a\\b c@x.com": "The email address contains invalid characters before the @-sign: "
            '"\\", SPACE.',
        }
        assert {
            raw: (
                "refused",
                "email.invalid",
                "email",
                f"{shown(raw)} is not a valid email address: {m}",  # as typed: one backslash
            )
            for raw, m in refusals.items()
        } == {raw: fast_email_outcome(raw) for raw in refusals}

    def test_several_addresses_are_refused_as_validation_refuses_them(self) -> None:
        raw = "a@x.nl; b@y.nl"
        assert outcome(email_reference, raw) == fast_email_outcome(raw)
        assert "email.multiple" == outcome(email_reference, raw)[1]

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = [
            "a@xn--zz.com",  # idna refuses a label: email-validator words it
            "a@x.עברית",  # right-to-left: the Bidi Rule spans labels
            "a@b\u3002com",  # a character that UTS #46 maps to "."
            "a@[1.2.3.4]",  # a domain literal
            '"a\\"b"@x.com',  # a backslash escape
            "Zoe\u0308@x.com",  # NFC changes it
            "a\tb@x.com",  # a control character
        ]
        assert [None] * len(unsure) == [emails.email(raw) for raw in unsure]


class TestEmailCharacterClasses:
    """The email fast path's character classes are email-validator's, code point by code point."""

    EVERY = "".join(map(chr, range(0x110000)))

    def test_atext_and_its_internationalised_form(self) -> None:
        from email_validator import rfc_constants

        ascii_text = self.EVERY[:128]
        assert re.sub(f"[{rfc_constants.ATEXT}]", "", ascii_text) == re.sub(
            f"[{emails._ATEXT}]", "", ascii_text
        )
        assert re.sub(f"[{rfc_constants.ATEXT_INTL}]", "", self.EVERY) == re.sub(
            emails._ATEXT_INTL, "", self.EVERY
        )

    def test_the_characters_it_reports_as_invalid(self) -> None:
        from email_validator import rfc_constants

        not_local = re.sub(rfc_constants.ATEXT_INTL_DOT_RE.pattern, "", self.EVERY)
        assert not_local == "".join(emails._NOT_LOCAL.findall(self.EVERY))
        not_domain = re.sub(rfc_constants.ATEXT_HOSTNAME_INTL.pattern, "", self.EVERY)
        assert not_domain == "".join(emails._NOT_DOMAIN.findall(self.EVERY))
        not_display_name = "".join(
            c
            for c in self.EVERY[:0x3000]
            if (not rfc_constants.ATEXT_RE.match(c) and c != " ") or c == "."
        )
        assert not_display_name == "".join(emails._NOT_DISPLAY_NAME.findall(self.EVERY[:0x3000]))


class TestWebsiteFastPathAgrees:
    """normalize_website gives exactly what rfc3986 alone gives, for any input."""

    @given(st.text() | edge_text | website_text | website_shaped)
    @example("Example.COM")
    @example("x.nl/%7e/%2f?%3d#%4a")
    @example("x.nl/%/%41")
    @example("x.nl/a/./b/../../../c/.")
    @example("x.nl/ü?ä#ö")
    @example("x.nl/a<b>{c}")
    @example("x.nl/?")
    @example("x.nl#a#b")
    @example("x.nl/[a]")
    @example("1.2.3.4:8080")
    @example("1.2.3.256")
    @example("[::1]:443/")
    @example("[::1]80")
    @example("[1.2.3.4]")
    @example("www.[::1]")
    @example("u:p@x.nl:99999")
    @example("u@1.2.3.999")
    @example(":80")
    @example(":")
    @example("//")
    @example("x.nl:")
    @example("x.nl:0")
    @example("x.nl\\a")
    @example("exa%41mple.com")
    @example("HTTP://Example.com:80/")
    @example("example.com:443/a/./b")
    @example("//x.nl/a?b#c")
    @example("x.nl:65536")
    @example("x.nl:080")
    @example("http.com:80")
    @example("www.example.com/.well-known/x")
    @example("x.nl/it's?q='#'")
    @example("x.nl/" + "'" * 700)
    @example("ΒΌΛΟΣ.COM")
    @example("EXAMPLE.com".translate(FULL_WIDTH) + "/ü")
    @example("ü@x.de".translate(FULL_WIDTH))
    @example("a/b".translate(FULL_WIDTH) + ".ü.de")
    def test_same_outcome_as_the_reference(self, raw: str) -> None:
        assert outcome(website_reference, raw) == outcome(normalize_website, raw)

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "https://example.com" == websites.website("Example.COM")
        assert "http://x.nl:8080/A/b?q=1#top" == websites.website("HTTP://X.nl:8080/A/b?q=1#top")
        assert "https://x.nl" == websites.website("https://x.nl:443/")

    def test_any_ascii_host_takes_the_fast_path(self) -> None:
        assert "https://x.nl/%7E/b" == websites.website("x.nl/%7e/a/../b")
        assert "https://x.nl/%25zz" == websites.website("x.nl/%zz")
        assert "https://x.nl/%C3%BC?q=%C3%A4" == websites.website("x.nl/ü?q=ä")
        assert "https://1.2.3.4:8080" == websites.website("1.2.3.4:8080")
        assert "https://[2606:4700::1111]" == websites.website("[2606:4700:0::1111]:443")
        assert "https://x.nl" == websites.website("x.nl.")

    def test_it_refuses_with_the_reference_code(self) -> None:
        refused = {
            "-x.com": "website.host",
            "exa_mple.com": "website.host",
            "x.nl:99999": "website.invalid",
            "1.2.3.999": "website.invalid",
            "https:/x.nl": "website.invalid",
            "ftp://x.nl": "website.scheme",
            "https://user:pw@x.nl": "website.userinfo",
            "x.nl/a b": "website.character",
            "x.nl\\a": "website.backslash",
            "1.2.3.04": "website.ip_form",
            "x.0x1f": "website.ip_form",
            "10.0.0.1": "website.unreachable",
            "[::1]": "website.unreachable",
            "x.localhost": "website.unreachable",
            "a.b.c.xn--pokxncvks": "website.host",
        }
        decided = {raw: websites.website(raw) for raw in refused}
        assert refused == {raw: getattr(fast, "code", None) for raw, fast in decided.items()}

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = [
            "ü%41.de",
            "[::1%25eth0]",
            "[v1.x]",
            "u@[::1]",
            "例\u3002jp",
            "ü@x.nl",
            "\u00ad.de",
        ]
        assert [None] * len(unsure) == [websites.website(raw) for raw in unsure]

    def test_a_non_ascii_host_is_mapped_as_a_browser_maps_it(self) -> None:
        """UTS #46, not str.lower(): capital sigma is sigma, full-width letters ASCII."""
        assert [
            "https://xn--nxasmq6b.com",
            "https://xn--nxasmm1c.com",
            "https://example.com/a",
            "https://xn--zca.de:8080",
        ] == [
            websites.website(raw)
            for raw in (
                "ΒΌΛΟΣ.COM",
                "βόλος.com",
                "EXAMPLE".translate(FULL_WIDTH) + ".com/a",
                "https://ẞ.DE:8080/",
            )
        ]

    def test_a_quote_is_stored_as_percent_27_on_both_lanes(self) -> None:
        assert ["https://x.nl/it%27s?q=%27#%27", "https://xn--tda.de/%27"] == [
            websites.website(raw) for raw in ("x.nl/it's?q='#'", "ü.de/'")
        ]


# --------------------------------------------------------------------------- IDNA

# Pieces of internationalised domain labels on the edges of what IDNA accepts: scripts
# mixed, combining marks, the deviation and joiner characters (ß, ς, ZWJ and ZWNJ, which
# RFC 5892 CONTEXTJ allows after a virama only), right-to-left letters and digits,
# full-width letters and dots, upper-case letters that map or lower-case to two code
# points, emoji, characters that UTS #46 maps to a dot or to nothing, and "xn--" labels
# that are valid, non-canonical or not Punycode at all.
IDN_PIECES = [
    "a", "Z", "0", "-", "--", "ü", "Ü", "bücher", "MÜNCHEN", "пример", "онлайн", "ОНЛАЙН",
    "例え", "テスト", "ελληνικά", "ΣΑΣ", "ß", "ς", "\u0131", "\u0130", "\u017f", "\u212a",
    "e\u0301", "\u0301", "\u0308", "\u0915\u094d", "\u200d", "\u200c", "\u00b7", "l\u00b7l",
    "עברית", "\u05d0", "العربية", "\u0661", "\u06f1", "1", "\uff45\uff58\uff41\uff4d", "\uff21",
    "\uff0e", "\u3002", "\uff61", "\u2488", "\u2024", "\u00ad", "\u00a0", "\U0001f600", "\u2603",
    "\u2615", "\ue000", "\u0378", "%41", "_", "xn--", "xn--bcher-kva", "XN--BCHER-KVA",
    "xn--mnchen-3ya", "xn--80asehdb", "xn--p1ai", "xn--zz", "xn---bbk", "xn--bcher-kva-",
    "xn--ls8h", "xn--4dbc", "ab--", "ü" + "a" * 54, "ü" + "a" * 55, "ü" + "a" * 56,
    "例" + "a" * 53, "例" + "a" * 54,
]  # fmt: skip
idn_label = st.lists(
    st.sampled_from(IDN_PIECES)
    | st.text(
        st.characters(
            min_codepoint=0xA0, categories=["Ll", "Lu", "Lo", "Lm", "Mn", "Mc", "Nd", "Po", "So"]
        ),
        min_size=1,
        max_size=3,
    ),
    min_size=1,
    max_size=4,
).map("".join)
idn_domain = st.tuples(
    st.lists(idn_label | st.sampled_from(["example", "x", "mail", ""]), min_size=1, max_size=3),
    st.sampled_from(["com", "de", "онлайн", "рф", "xn--p1ai", "jp", "テスト", "COM", "test"]),
    st.sampled_from(["", "", "", ".", "\uff0e", "-"]),
).map(lambda parts: ".".join([*parts[0], parts[1]]) + parts[2])
idn_emails = st.tuples(
    st.sampled_from(["a", "Zoë", "postmaster", "伊藤", "x" * 64, "Doe <a", '"a b"', "a" * 190]),
    idn_domain,
    st.sampled_from(["", "", ">"]),
).map(lambda parts: f"{parts[0]}@{parts[1]}{parts[2]}")
idn_websites = st.tuples(
    st.sampled_from(["", "https://", "HTTP://", "//", "u@", "https://u:p@", "ü@", "1.2.3.4."]),
    idn_domain,
    st.sampled_from(["", "", ":443", ":8080", ":", ":65536", "/", "/ü?ä#ö", "/a/../b", "[::1]"]),
).map("".join)


# Each test runs twice: with the IDNA label cache as the inputs leave it, then with the
# cache cleared before every input, which proves the cache changes no outcome.
cache_states = pytest.mark.parametrize("cache_state", ["warm", "cold"])


def idn_outcomes(
    raw: str, cache_state: str, public: Callable[[str], str], reference: Callable[[str], str]
) -> tuple[Outcome, Outcome]:
    """The reference's outcome and the public normalizer's, the cache cleared when cold."""
    if cache_state == "cold":
        idna_label.cache_clear()
    return outcome(reference, raw), outcome(public, raw)


class TestInternationalisedDomainsAgree:
    """Domains that need IDNA: the fast paths agree with the reference, warm or cold."""

    @given(idn_emails)
    @example("a@münchen.de")
    @example("a@MÜNCHEN.DE")
    @example("a@xn--mnchen-3ya.de")
    @example("a@XN--MNCHEN-3YA.DE")
    @example("a@b.онлайн")
    @example("a@例え.jp")
    @example("a@ｅｘａｍｐｌｅ.com")  # noqa: RUF001 (full-width letters are the point)
    @example("a@b\uff0ecom")
    @example("a@fa\u00df.de")
    @example("a@\u0915\u094d\u200d.com")
    @example("a@1.\u05d0\u05d1.com")  # the Bidi Rule across labels
    @example("a@xn--4dbc.1.com")
    @example("a@xn---bbk.com")
    @example("a@ü" + "a" * 55 + ".de")
    @example("a@ü" + "a" * 56 + ".de")
    @example("a@\u2488.com")
    @example("a@\U0001f600.com")
    @example("a@x.xn--zz")
    @example("a@b.xn--p1ai1")
    @example("a" * 64 + "@" + "ü" * 60 + ".de")
    @example("Doe <a@münchen.de>")
    @cache_states
    def test_emails(self, cache_state: str, raw: str) -> None:
        reference, public = idn_outcomes(raw, cache_state, normalize_email, email_reference)
        assert reference == public

    @given(idn_websites)
    @example("bücher.de")
    @example("https://BÜCHER.de:443/ü")
    @example("u@bücher.de")
    @example("ü@1.2.3.999")
    @example("ü@x.nl")
    @example("bücher..de")
    @example("ü%41.de")
    @example("xn--bcher-kva.de")
    @example("ｅｘａｍｐｌｅ.com")  # noqa: RUF001 (full-width letters are the point)
    @example("fa\u00df.de")
    @example("\u0130stanbul.tr")
    @example("1.\u05d0\u05d1.com")
    @example("ü" + "a" * 55 + ".de")
    @example("ü" + "a" * 56 + ".de")
    @example("\U0001f600.com")
    @example("bücher.de:99999")
    @example("bücher.de:1:2")
    @example("\ue000.de")
    @example("ΒΌΛΟΣ.COM")
    @example("ΣΑΣ.ΣΑΣ")
    @example("STRAẞE.de")
    @example("ΒΌΛΟΣ\u3002COM")
    @example("\u2488.com")
    @example("bü\u00adcher.de")
    @example("\u00ad.de")
    @example("a.\u00ad.de")
    @example("ü.de.")
    @example("ü.de..")
    @example("ü" * 60 + "." + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + ".de")
    @example("ü." + "a" * 62 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 57)
    @cache_states
    def test_websites(self, cache_state: str, raw: str) -> None:
        reference, public = idn_outcomes(raw, cache_state, normalize_website, website_reference)
        assert reference == public

    def test_common_internationalised_domains_take_the_fast_path(self) -> None:
        assert "a@münchen.de" == emails.email("a@MÜNCHEN.de")
        assert "a@münchen.de" == emails.email("a@xn--mnchen-3ya.de")
        assert "Zoë@b.онлайн" == emails.email("Zoë@b.онлайн")
        assert "https://xn--bcher-kva.de/%C3%BC" == websites.website("Bücher.de/ü")
        assert "https://xn--r8jz45g.xn--zckzah" == websites.website("例え.テスト")


class TestIdnaLabelCache:
    """The IDNA label cache is bounded, keeps accepted labels only, and loads idna lazily."""

    def test_it_is_bounded(self) -> None:
        assert 4096 == IDNA_CACHE_SIZE == idna_label.cache_info().maxsize
        idna_label.cache_clear()
        for i in range(IDNA_CACHE_SIZE + 10):
            idna_label(f"ü{i}")
        assert IDNA_CACHE_SIZE == idna_label.cache_info().currsize
        idna_label.cache_clear()

    def test_a_refusal_is_never_cached(self) -> None:
        idna_label.cache_clear()
        for _ in range(2):
            assert None is emails.email("a@xn--zz.com")
            assert None is websites.website("ü%41.de")
            with pytest.raises(UnicodeError):
                idna_label("xn--zz")
        assert (0, 0) == (idna_label.cache_info().hits, idna_label.cache_info().currsize)

    def test_it_holds_what_idna_computes(self) -> None:
        assert ("münchen", "xn--mnchen-3ya", "münchen") == idna_label("MÜNCHEN")
        assert ("xn--p1ai", "xn--p1ai", "рф") == idna_label("XN--P1AI")

    def test_importing_contactbook_loads_no_idna(self) -> None:
        import json
        import subprocess
        import sys

        code = "import contactbook, json, sys; print(json.dumps(sorted(sys.modules)))"
        loaded = json.loads(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        assert [] == [m for m in loaded if m.split(".")[0] == "idna"]


# --------------------------------------------------------------------------- phone

PhoneInput = tuple[str, str | None]


def phone_public(item: PhoneInput) -> str:
    """What normalize_phone and parse_phone say, in one string (both take the fast path)."""
    parsed = parse_phone(*item)
    assert parsed.e164 == normalize_phone(*item)
    return f"{parsed.e164} {parsed.line_type.value}"


def phone_reference(item: PhoneInput) -> str:
    parsed = validation.phone_reference(*item)
    return f"{parsed.e164} {parsed.line_type.value}"


def fast_phone(item: PhoneInput) -> object:
    """The phone fast path on what validation.py hands it; None for a refused input."""
    try:
        text, country = phone_input(item[0], item[1], "phone")
    except ContactValidationError:
        return None
    return phones.phone(text, country)


REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
NUMBER_FORMATS = [
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
]


def example_numbers() -> list[tuple[str, str]]:
    """Every example number in libphonenumber's metadata: (country, E.164) pairs."""
    found = []
    for country in REGIONS:
        for number_type in range(12):  # every PhoneNumberType but UNKNOWN (99)
            number = phonenumbers.example_number_for_type(country, number_type)
            if number is not None:
                found.append((country, phonenumbers.format_number(number, NUMBER_FORMATS[2])))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append(("001", phonenumbers.format_number(number, NUMBER_FORMATS[2])))
    return found


EXAMPLES = example_numbers()


def written(e164: str, number_format: int) -> str:
    """An example number as people write it: national or international."""
    return phonenumbers.format_number(phonenumbers.parse(e164), number_format)


# Pieces on the edges of the phone fast path's domain: its separators, the prefixes
# phonenumbers reads (international, national, "(0)"), and what it must leave alone
# (extensions, letters, other digits, RFC 3966 parameters, second numbers).
PHONE_PIECES = [
    "0", "1", "2", "4", "6", "7", "9", "00", "011", "0031", "+", "++", "+31", "+1", "+44",
    "(0)", "(", ")", " ", "-", ".", "/", "\\", "\u00a0", "\u2013", "x", "x12", " ext. 7",
    "#", ",", ";", ";ext=1", "~", "*", "tel:", ";phone-context=+31", ";isub=1", "A", "abc",
    "FLOWERS", "\uff11", "\u0663", "\uff0b", "12345678", "555", "0800", "9" * 20,
]  # fmt: skip
phone_countries = (
    st.sampled_from(REGIONS)
    | st.sampled_from(REGIONS).map(str.lower)
    | st.sampled_from([None, "XX", "uk", "001", " nl "])
)
phone_text = (
    st.text(alphabet="0123456789 -.()+", max_size=24)
    | st.lists(st.sampled_from(PHONE_PIECES), max_size=10).map("".join)
    | st.text(max_size=20)
)
example_text = st.builds(
    lambda example, number_format, before, after: (
        before + written(example[1], number_format) + after
    ),
    st.sampled_from(EXAMPLES),
    st.sampled_from(NUMBER_FORMATS),
    st.sampled_from(["", "", "+", "0", "00", "(0)", "1", "-"]),
    st.sampled_from(["", "", "0", "1", " x1", ")", " 5"]),
)
separated_text = st.builds(
    lambda text, seps: "".join(c + seps[i % len(seps)] for i, c in enumerate(text)).strip(),
    st.sampled_from(EXAMPLES).map(lambda example: example[1]),
    st.lists(st.sampled_from(["", "", " ", "-", ".", "(", ")", "  "]), min_size=1),
)


def phone_outcomes(item: PhoneInput) -> tuple[Outcome, Outcome]:
    return outcome(phone_reference, item), outcome(phone_public, item)


class TestPhoneFastPathAgrees:
    """normalize_phone and parse_phone give exactly what phonenumbers alone gives."""

    @given(st.tuples(phone_text | example_text | separated_text, phone_countries))
    @example(("06 12345678", "NL"))
    @example(("+31 (0)6 12345678", None))
    @example(("0031612345678", None))
    @example(("0031612345678", "NL"))
    @example(("0031 06 12345678", "NL"))
    @example(("31612345678", "NL"))  # the country code without "+" (parse's retry)
    @example(("011 31 6 12345678", "US"))
    @example(("00 0612345678", "NL"))  # an international prefix then a 0
    @example(("+0612345678", "NL"))
    @example(("+999 12345678", None))
    @example(("+80012345678", None))  # a non-geographic country code
    @example(("1 800 356 9377", "US"))
    @example(("(202) 555-0125", "CA"))
    @example(("07624 123456", "GB"))  # Isle of Man, read in GB
    @example(("07624 123456", "IM"))
    @example(("011 15 2345 6789", "AR"))  # a national prefix transform rule
    @example(("55", "NL"))
    @example(("00", None))
    @example(("000 000", "NL"))
    @example(("06 12345678 ext. 12", "NL"))
    @example(("1-800-FLOWERS", "US"))
    @example(("+1 (415) 555-2671 x12", None))
    @example(("1" * 18, "DE"))
    def test_same_outcome_as_the_reference(self, item: PhoneInput) -> None:
        reference, public = phone_outcomes(item)
        assert reference == public

    def test_every_example_number_in_the_metadata(self) -> None:
        items = [
            (written(e164, number_format), home)
            for country, e164 in EXAMPLES
            for number_format in NUMBER_FORMATS
            for home in [*sorted({country, "NL", "US"} - {"001"}), None]
        ]
        assert [] == disagreements(items, phone_public, phone_reference)
        # The fast path reads almost all of them itself.
        assert sum(fast_phone(item) is not None for item in items) > 0.9 * len(items)

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert ("+31612345678", "mobile") == fast_phone(("06 12345678", "NL"))
        assert ("+12025550125", "other") == fast_phone(("+1 (202) 555-0125", None))
        assert ("+442079460018", "fixed_line") == fast_phone(("+44 (0)20 7946 0018", "nl"))
        assert "phone.country_required" == getattr(fast_phone(("555-0125", None)), "code", None)
        assert "phone.invalid" == getattr(fast_phone(("06 1234567", "NL")), "code", None)

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = [
            ("06 12345678 ext. 12", "NL"),  # an extension
            ("1-800-FLOWERS", "US"),  # letters
            ("+999 1234567", None),  # no such country code
            ("12", "NL"),  # too short to parse
            ("0031 " + "1" * 18, "NL"),  # too long to parse
            ("\uff10\uff16 12345678", "NL"),  # full-width digits
            ("tel:+31-6-12345678", None),  # an RFC 3966 URI
        ]
        assert [None] * len(unsure) == [fast_phone(item) for item in unsure]


# Mistakes people make in numbers, put into the benchmark corpus's numbers by
# mistyped_phones (benchmarks/corpus.py stays what the benchmark times).
PHONE_MISTAKES = [
    "", "0", "1", "00", "+", "(0)", " ", "-", ".", "(", ")", "x", "#", "/", ",", "A",
    "\u00a0", "\uff11", "9999",
]  # fmt: skip
MISTYPED_REGIONS = [*REGIONS, "nl", "gb", "us", None, None, "XX"]


def mistyped_phones(size: int, seed: int) -> list[PhoneInput]:
    """The benchmark corpus's phone numbers, half of them with one more mistake."""
    import random

    rng = random.Random(seed)  # noqa: S311 -- a seeded corpus, not a secret
    out = []
    for item in _corpus_module().phones(size, seed=seed):
        raw, country = item
        roll = rng.random()
        i = rng.randrange(len(raw) + 1)
        if roll < 0.5:
            pass
        elif roll < 0.6:
            raw = raw[:i] + raw[i + 1 :]  # a character dropped
        elif roll < 0.7:
            raw = raw[:i] + raw[i : i + 1] * 2 + raw[i + 1 :]  # a character doubled
        elif roll < 0.85:
            raw = raw[:i] + rng.choice(PHONE_MISTAKES) + raw[i:]
        else:
            country = rng.choice(MISTYPED_REGIONS)  # another billing country
        out.append((raw, country))
    return out


class Kind(NamedTuple):
    """One fast path under test: its corpus, public and reference normalizers, fast path."""

    inputs: Callable[..., list[Any]]  # corpus generator: (size, seed=, odd=) -> inputs
    public: Callable[[Any], str]
    reference: Callable[[Any], str]
    fast: Callable[[Any], object]  # the fast path on a trimmed input: None when unsure
    seed: int


KINDS = {
    "email": Kind(
        lambda size, seed: _corpus_module().emails(size, seed=seed, odd=0.5),
        normalize_email,
        email_reference,
        lambda raw: emails.email(raw.strip(_TRIMMED)),
        100,
    ),
    "website": Kind(
        lambda size, seed: _corpus_module().websites(size, seed=seed, odd=0.5),
        normalize_website,
        website_reference,
        lambda raw: websites.website(raw.strip(_TRIMMED)),
        200,
    ),
    "phone": Kind(mistyped_phones, phone_public, phone_reference, fast_phone, 300),
}


def compare_chunk(kind: str, size: int, seed: int) -> tuple[list[object], int]:
    """Compare fast and reference on one seeded chunk; return disagreements and fast hits."""
    spec = KINDS[kind]
    inputs = spec.inputs(size, seed)
    found = disagreements(inputs, spec.public, spec.reference)
    taken = sum(spec.fast(item) is not None for item in inputs)
    return list(found[:20]), taken


def run_corpus(kind: str, total: int) -> tuple[list[object], int]:
    """Run ``total`` inputs of ``kind`` in four seeded chunks over two processes."""
    sizes = [total // 4 + (i < total % 4) for i in range(4)]
    seeds = [KINDS[kind].seed + i for i in range(4)]
    found: list[object] = []
    taken = 0
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        for chunk_found, chunk_taken in pool.map(compare_chunk, [kind] * 4, sizes, seeds):
            found += chunk_found
            taken += chunk_taken
    return found, taken


@pytest.mark.corpus
class TestMillionInputCorpus:
    """On a seeded corpus of a million real-world-shaped inputs, no input disagrees."""

    def test_emails(self) -> None:
        total = CORPUS_TOTAL // 2
        found, taken = run_corpus("email", total)
        assert [] == found
        # The corpus must exercise the fast path, or the comparison proves little.
        assert taken > total // 4

    def test_websites(self) -> None:
        total = CORPUS_TOTAL - CORPUS_TOTAL // 2
        found, taken = run_corpus("website", total)
        assert [] == found
        assert taken > total // 4

    @pytest.mark.parametrize("kind", ["email", "website"])
    def test_internationalised_inputs_with_a_cold_cache(self, kind: str) -> None:
        """The inputs that reach IDNA, from a tenth of the corpus, the cache cleared each time."""
        spec = KINDS[kind]
        inputs = [
            raw
            for raw in spec.inputs(CORPUS_TOTAL // 20, spec.seed + 10)
            if not raw.isascii() or "xn--" in raw.lower()
        ]
        found = []
        for raw in inputs:
            idna_label.cache_clear()
            public = outcome(spec.public, raw)
            if public != outcome(spec.reference, raw):
                found.append(raw)
        assert [] == found
        assert len(inputs) > CORPUS_TOTAL // 1000

    def test_phones(self) -> None:
        total = CORPUS_TOTAL // 2
        found, taken = run_corpus("phone", total)
        assert [] == found
        assert taken > total // 2
