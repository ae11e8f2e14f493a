"""The fast paths return exactly what the reference libraries return, input by input.

``normalize_email`` and ``normalize_website`` read the common shapes without
email-validator or rfc3986 (``contactbook._fastpath``). These tests run every input
through both the public normaliser and the reference path (``_email_reference``,
``_website_reference``: the library alone) and require the same outcome: the same value,
or the same refusal (code, field and message). Every disagreement is a failure.

The seeded corpus holds a million inputs (half emails, half websites) from
``benchmarks/corpus.py`` with half of them mistyped, so that many sit right at the edge of
the fast path's domain. ``CONTACTBOOK_DIFFERENTIAL_N`` sets another total (for example a
smaller one on a slow machine, or ten million before a release).
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from hypothesis import example, given
from hypothesis import strategies as st

from contactbook import normalize_email, normalize_website
from contactbook._fastpath import Refused, emails, websites
from contactbook.errors import ContactValidationError
from contactbook.validation import (
    _CASE_INSENSITIVE_MAILBOXES,
    _MAX_EMAIL_INPUT,
    _RESERVED_TLDS,
    _email_reference,
    _website_reference,
)

CORPUS_TOTAL = int(os.environ.get("CONTACTBOOK_DIFFERENTIAL_N", "1000000"))

Outcome = tuple[str, ...]


def _corpus_module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("_contactbook_bench_corpus", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outcome(normalise: Callable[[Any], str], raw: Any) -> Outcome:
    """What a normaliser did with ``raw``: its value, or its refusal in full."""
    try:
        return ("value", normalise(raw))
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


def fast_email(text: str) -> object:
    return emails.email(text, _CASE_INSENSITIVE_MAILBOXES, _RESERVED_TLDS)


def fast_email_outcome(raw: str) -> Outcome | None:
    """What the email fast path decides for ``raw`` (trimmed as validation.py trims it)."""
    text = raw.strip()
    if not text or len(text) > _MAX_EMAIL_INPUT:
        return None  # refused before any fast path runs
    fast = fast_email(text)
    return None if fast is None else decided(fast, "email")


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
    st.sampled_from(["", "http://", "HTTPS://", "//", "ftp://"]),
    edge_text,
    st.sampled_from(["", ":8080", ":443", ":80"]),
    st.lists(st.sampled_from(["/", "a", ".", "..", "%7e", "?", "#", "=", "@", ":"])).map("".join),
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
        assert outcome(_email_reference, raw) == outcome(normalize_email, raw)

    @given(st.emails() | email_shaped | email_text | email_like)
    def test_what_the_fast_path_decides_the_reference_decides_identically(self, raw: str) -> None:
        fast = fast_email_outcome(raw)
        if fast is not None:
            assert outcome(_email_reference, raw) == fast

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "John.Doe@example.com" == fast_email("John.Doe@Example.COM")
        assert "postmaster@example.com" == fast_email("PostMaster@example.com")
        assert "Zoë.García@example.com" == fast_email("Zoë.García@Example.com")
        assert "伊藤@example.jp" == fast_email("伊藤@example.jp")

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
            raw: ("refused", "email.invalid", "email", f"{raw!r} is not a valid email address: {m}")
            for raw, m in refusals.items()
        } == {raw: fast_email_outcome(raw) for raw in refusals}

    def test_several_addresses_are_refused_as_validation_refuses_them(self) -> None:
        raw = "a@x.nl; b@y.nl"
        assert outcome(_email_reference, raw) == fast_email_outcome(raw)
        assert "email.multiple" == outcome(_email_reference, raw)[1]

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = [
            "a@xn--mnchen-3ya.de",  # IDNA
            "a@münchen.de",
            "a@[1.2.3.4]",  # a domain literal
            '"a\\"b"@x.com',  # a backslash escape
            "Zoe\u0308@x.com",  # NFC changes it
            "a\tb@x.com",  # a control character
        ]
        assert [None] * len(unsure) == [fast_email(raw) for raw in unsure]


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

    @given(st.text() | edge_text | website_shaped)
    @example("Example.COM")
    @example("HTTP://Example.com:80/")
    @example("example.com:443/a/./b")
    @example("//x.nl/a?b#c")
    @example("x.nl:65536")
    @example("x.nl:080")
    @example("http.com:80")
    @example("www.example.com/.well-known/x")
    def test_same_outcome_as_the_reference(self, raw: str) -> None:
        assert outcome(_website_reference, raw) == outcome(normalize_website, raw)

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "https://example.com" == websites.website("Example.COM")
        assert "http://x.nl:8080/A/b?q=1#top" == websites.website("HTTP://X.nl:8080/A/b?q=1#top")
        assert "https://x.nl" == websites.website("https://x.nl:443/")

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = ["x.nl/%7e", "x.nl/a/../b", "bücher.de", "1.2.3.4", "x.nl:99999", "x.nl."]
        assert [None] * len(unsure) == [websites.website(raw) for raw in unsure]


class Kind(NamedTuple):
    """One fast path under test: its corpus, public and reference normalisers, fast path."""

    inputs: Callable[..., list[Any]]  # corpus generator: (size, seed=, odd=) -> inputs
    public: Callable[[Any], str]
    reference: Callable[[Any], str]
    fast: Callable[[Any], object]  # the fast path on a trimmed input: None when unsure
    seed: int


KINDS = {
    "email": Kind(
        lambda size, seed: _corpus_module().emails(size, seed=seed, odd=0.5),
        normalize_email,
        _email_reference,
        lambda raw: fast_email(raw.strip()),
        100,
    ),
    "website": Kind(
        lambda size, seed: _corpus_module().websites(size, seed=seed, odd=0.5),
        normalize_website,
        _website_reference,
        lambda raw: websites.website(raw.strip()),
        200,
    ),
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
