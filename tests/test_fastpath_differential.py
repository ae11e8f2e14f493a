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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from hypothesis import example, given
from hypothesis import strategies as st

from contactbook import normalize_email, normalize_website
from contactbook._fastpath import emails, websites
from contactbook.errors import ContactValidationError
from contactbook.validation import (
    _CASE_INSENSITIVE_MAILBOXES,
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


def fast_email(text: str) -> object:
    return emails.email(text, _CASE_INSENSITIVE_MAILBOXES, _RESERVED_TLDS)


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

    @given(st.text() | st.emails() | edge_text | email_shaped)
    @example("John.Doe@Example.COM")
    @example("PostMaster@example.com")
    @example("a@b.local")
    @example("a@xn--mnchen-3ya.de")
    @example("a@ab--cd.com")
    @example("a@" + "a" * 63 + ".com")
    @example("a@" + "a" * 64 + ".com")
    @example("x" * 250 + "@a.nl")
    def test_same_outcome_as_the_reference(self, raw: str) -> None:
        assert outcome(_email_reference, raw) == outcome(normalize_email, raw)

    @given(st.emails() | email_shaped)
    def test_what_the_fast_path_accepts_the_reference_accepts_identically(self, raw: str) -> None:
        fast = fast_email(raw)
        if fast is not None:
            assert ("value", fast) == outcome(_email_reference, raw)

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "John.Doe@example.com" == fast_email("John.Doe@Example.COM")
        assert "postmaster@example.com" == fast_email("PostMaster@example.com")

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = ["a@b.local", "a@xn--mnchen-3ya.de", "Zoë@x.com", "a@[1.2.3.4]", "a@b.c1"]
        assert [None] * len(unsure) == [fast_email(raw) for raw in unsure]


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
    def test_same_outcome_as_the_reference(self, raw: str) -> None:
        assert outcome(_website_reference, raw) == outcome(normalize_website, raw)

    def test_the_common_shape_takes_the_fast_path(self) -> None:
        assert "https://example.com" == websites.website("Example.COM")
        assert "http://x.nl:8080/A/b?q=1#top" == websites.website("HTTP://X.nl:8080/A/b?q=1#top")
        assert "https://x.nl" == websites.website("https://x.nl:443/")

    def test_any_ascii_host_takes_the_fast_path(self) -> None:
        assert "https://x.nl/%7E/b" == websites.website("x.nl/%7e/a/../b")
        assert "https://x.nl/%25zz" == websites.website("x.nl/%zz")
        assert "https://x.nl/%C3%BC?q=%C3%A4" == websites.website("x.nl/ü?q=ä")
        assert "https://1.2.3.4:8080" == websites.website("1.2.3.4:8080")
        assert "https://[::1]" == websites.website("[::1]:443")
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
        }
        decided = {raw: websites.website(raw) for raw in refused}
        assert refused == {raw: getattr(fast, "code", None) for raw, fast in decided.items()}

    def test_what_it_is_unsure_of_it_leaves_to_the_reference(self) -> None:
        unsure = ["bücher.de", "[::1%25eth0]", "[v1.x]", "u@[::1]", "x.nl\\a"]
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
