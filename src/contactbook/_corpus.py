"""Seeded corpora of messy, real-world-shaped contact inputs.

The benchmark suite (``benchmarks/corpus.py``), the differential tests
(``tests/test_fastpath_differential.py``) and the self-check
(:mod:`contactbook.selfcheck`) all draw from here, so that what is timed is also what
is proved, and a host checks its environment on the inputs the project checks. Every generator is a
pure function of ``(n, seed)``: the same arguments give the same list on every machine
and Python version (``random.Random`` with an int seed is stable across versions).

By default about 85% of inputs are the shapes people type (most of them valid); the rest
(the fraction ``odd``) carry one of the mistakes and oddities seen in real customer
files: padding, wrong case, dropped or doubled characters, two addresses in one field,
display names, internationalised names, reserved domains, dot segments, ports out of
range, user names in URLs, other schemes.
"""

from __future__ import annotations

import random

__all__ = ["emails", "mutated", "phones", "records", "websites"]

_FIRST = ["john", "Jane", "ann", "PIET", "marie-louise", "o'neil", "li", "mohammed", "Zoë",
          "jürgen", "sales", "Info", "postmaster", "x", "a.b", "test+tag", "j_doe", "伊藤",
          "first.last", "user123", "webmaster", "noc", "Ä", "müller"]  # fmt: skip
_LAST = ["doe", "smith", "de.vries", "van-dijk", "ng", "garcía", "O'Brien", "99", "x"]
_DOMAINS = ["example.com", "Example.COM", "gmail.com", "outlook.com", "mail.example.co.uk",
            "company.nl", "sub.domain.de", "xn--mnchen-3ya.de", "münchen.de", "bücher.example",
            "host.local", "site.test", "localhost", "example", "1.2.3.4", "ex--ample.com",
            "a-b.io", "-bad.com", "bad-.com", "x.y.z.example.org", "EXAMPLE.travel",
            "example.123", "exa_mple.com", "xn--zz.com", "ab--cd.com", "例え.jp",
            "b.c", "corp.internal", "server.arpa", "xn--80ak6aa92e.com"]  # fmt: skip
_EMAIL_SEPARATORS = [".", "_", "-", "+", "", ".."]

_SCHEMES = ["", "", "", "", "", "https://", "https://", "https://", "http://", "HTTPS://",
            "Http://", "//", "ftp://", "javascript:", "data:", "https:/", "https:"]  # fmt: skip
_HOSTS = ["example.com", "www.example.com", "Example.COM", "shop.example.co.uk", "x.nl",
          "my-site.org", "a.b.c.d.example.net", "localhost", "127.0.0.1", "[::1]",
          "bücher.de", "xn--bcher-kva.de", "例え.テスト", "example.com.", "example..com",
          "-x.com", "x-.com", "exa_mple.com", "ex--ample.com", "1.2.3.999", "example.123",
          "user:pw@example.com", "ann@example.com", "EXAMPLE.ORG", "a.io",
          "very-long-" + "l" * 60 + ".com", "l" * 64 + ".com"]  # fmt: skip
_PORTS = ["", "", "", "", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":080", ":",
          ":99999", ":3000"]  # fmt: skip
_PATHS = ["", "", "", "", "", "", "", "", "/", "/", "/", "/about",
           "/About/Us/", "/a/b/c.html", "/./x", "/a/../b",
          "/%7euser", "/%41%2f", "/path with space", "/a?q=1", "/#top", "/~ann",
          "/shop/item(1)", "/a;b=c", "/a:b@c", "//double", "/.well-known/x", "/..",
          "/a/.", "/ü", "/x\t", "/\x00", "/a/b?x=%2a#f", "/*!$&'+,="]  # fmt: skip
_TLDS = ["com"] * 8 + ["nl", "de", "co.uk", "io", "org", "net", "be", "fr"] * 3 + [
    "info", "museum", "travel", "COM", "local", "test", "x1", "c", "онлайн", "xn--p1ai"
]  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LABEL_CHARS = _LETTERS * 3 + "0123456789-"
_PATH_CHARS = _LETTERS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/"
_PADDING = [""] * 12 + [" ", "  ", "\t", "\n", "\u00a0", "\u200b"]
_ODD = '\x00\x7f\u202e,;:()[]<>\\" \t%#?@/.-_~+é\u00a0\u200b\ud800ßİ'

_PHONES = {
    "NL": ["06 12345678", "+31 6 12345678", "0031612345678", "020-1234567", "(020) 123 4567",
           "06-1234-5678", "0612345678", "+31(0)20 1234567", "06 1234567", "123",
           "06 12345678 ext. 12", "+31 6 1234 5678 9"],
    "GB": ["07400 123456", "+44 7400 123456", "020 7946 0018", "01624 712345",
           "+44 (0)20 7946 0018", "0044 20 7946 0018", "07400 12345", "999"],
    "US": ["(202) 555-0125", "+1 202-555-0125", "202.555.0125", "1-800-FLOWERS",
           "555-0125", "+1 (415) 555-2671 x12"],
    "DE": ["030 123456", "+49 30 123456", "0151 23456789", "+49 (0)151 2345 6789"],
    "FR": ["01 23 45 67 89", "+33 6 12 34 56 78", "06.12.34.56.78"],
}  # fmt: skip


def _label(rng: random.Random) -> str:
    if rng.random() < 0.9:
        return "".join(rng.choices(_LETTERS, k=rng.randrange(2, 12)))
    return "".join(rng.choices(_LABEL_CHARS, k=rng.randrange(1, 14)))


def _random_domain(rng: random.Random) -> str:
    labels = [_label(rng) for _ in range(rng.choice((1, 1, 1, 2)))]
    return ".".join([*labels, rng.choice(_TLDS)])


def _pad(rng: random.Random, text: str) -> str:
    return rng.choice(_PADDING) + text + rng.choice(_PADDING)


def mutated(rng: random.Random, text: str) -> str:
    """Apply one of the mistakes people make, or an oddity seen in real files."""
    roll = rng.random()
    if roll < 0.15:
        return text.upper()
    if roll < 0.3:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1 :]  # a character dropped
    if roll < 0.45:
        i = rng.randrange(len(text))
        return text[:i] + text[i] * 2 + text[i:]  # a character doubled
    i = rng.randrange(len(text) + 1)
    return text[:i] + rng.choice(_ODD) + text[i:]


def _one_email(rng: random.Random, odd: float) -> str:
    if rng.random() < 0.5:
        local = rng.choice(_FIRST)
        if rng.random() < 0.6:
            local += rng.choice(_EMAIL_SEPARATORS) + rng.choice(_LAST)
    else:
        local = "".join(rng.choices(_LETTERS + "0123456789", k=rng.randrange(1, 16)))
    if rng.random() < 0.15:
        local += str(rng.randrange(1000))
    domain = rng.choice(_DOMAINS) if rng.random() < 0.15 else _random_domain(rng)
    address = f"{local}@{domain}"
    if rng.random() < odd:
        roll = rng.random()
        if roll < 0.1:
            address = f"{address}; {rng.choice(_FIRST)}@{rng.choice(_DOMAINS)}"  # two in one
        elif roll < 0.2:
            address = f"{rng.choice(_LAST).title()} <{address}>"  # display name
        elif roll < 0.25:
            address = f'"{local} x"@{domain}'  # quoted local part
        elif roll < 0.3:
            address = "l" * rng.randrange(60, 250) + "@" + domain  # near the length limits
        elif roll < 0.35:
            address = local + "@" + ".".join(["a" * 63] * rng.randrange(3, 5)) + ".com"
        else:
            address = mutated(rng, address)
    return _pad(rng, address)


def _one_website(rng: random.Random, odd: float) -> str:
    host = rng.choice(_HOSTS) if rng.random() < 0.15 else _random_domain(rng)
    if rng.random() < 0.25:
        host = "www." + host
    scheme = rng.choice(_SCHEMES)
    port = rng.choice(_PORTS) if rng.random() < 0.2 else ""
    path = rng.choice(_PATHS)
    if rng.random() < 0.3:
        path = "/" + "".join(rng.choices(_PATH_CHARS, k=rng.randrange(0, 30)))
    url = scheme + host + port + path
    if rng.random() < odd:
        url = mutated(rng, url)
    return _pad(rng, url)


def _one_phone(rng: random.Random) -> tuple[str, str | None]:
    country = rng.choice(list(_PHONES))
    number = rng.choice(_PHONES[country])
    if rng.random() < 0.7:
        # Vary the subscriber digits so that the corpus is not a handful of strings.
        digits = [i for i, c in enumerate(number) if c.isdigit()]
        for i in rng.sample(digits, k=min(2, len(digits))):
            if i >= len(number) - 6:
                number = number[:i] + str(rng.randrange(10)) + number[i + 1 :]
    given: str | None = country
    if rng.random() < 0.1:
        given = None  # no billing country known
    elif rng.random() < 0.1:
        given = country.lower()
    return _pad(rng, number), given


def emails(n: int, seed: int = 1, *, odd: float = 0.15) -> list[str]:
    """Return ``n`` email inputs; a fraction ``odd`` of them carry a mistake."""
    rng = random.Random(seed)
    return [_one_email(rng, odd) for _ in range(n)]


def websites(n: int, seed: int = 2, *, odd: float = 0.15) -> list[str]:
    """Return ``n`` website inputs: bare hosts, http(s) URLs; ``odd`` of them mistyped."""
    rng = random.Random(seed)
    return [_one_website(rng, odd) for _ in range(n)]


def phones(n: int, seed: int = 3) -> list[tuple[str, str | None]]:
    """Return ``n`` (number, billing country) pairs in the ways people write numbers."""
    rng = random.Random(seed)
    return [_one_phone(rng) for _ in range(n)]


def records(n: int, seed: int = 4) -> list[tuple[str, str, str | None, str]]:
    """Return ``n`` (email, phone, billing country, website) customer records."""
    mails, numbers, sites = emails(n, seed), phones(n, seed + 1), websites(n, seed + 2)
    return [(m, p, r, w) for m, (p, r), w in zip(mails, numbers, sites, strict=True)]
