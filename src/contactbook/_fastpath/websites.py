"""The website fast path: rfc3986's parse and normalization, as contactbook wraps it.

Two lanes. The common shape, ``[http[s]://]host[:port][/path][?query][#fragment]`` in
plain characters, is read by one regular expression. Everything else with an ASCII
authority (IP literals, percent escapes, dot segments, user names, bad ports and host
names, non-ASCII paths, ...) is read by :func:`_general`, which follows the reference
path step by step: ``rfc3986.uri_reference(url)`` (or ``iri_reference(url).encode()``),
``.normalize()``, the ``userinfo`` check, the ``Validator`` and contactbook's host rule,
each in the reference's order, so that the first refusal is the reference's first.

A host with non-ASCII characters is mapped to ASCII before either path parses the
address, as a browser maps it (WHATWG URL "domain to ASCII": UTS #46 mapping,
non-transitional, then IDNA 2008 per label): ``ΒΌΛΟΣ.COM`` is ``xn--nxasmq6b.com``,
as for an email domain, where lower-casing each label would give another name.
:func:`idn_host` finds that host (the one step both paths share); the reference maps it
with ``idna.encode(host, uts46=True)``, the fast path label by label through the cache
:func:`contactbook._fastpath.idna_label` (:func:`_ascii_host`), and leaves to the
reference whatever it is unsure of (a label idna refuses, a character UTS #46 maps to a
dot). Also left to rfc3986: an authority that stays non-ASCII (a user name), an IP
literal next to non-ASCII characters, an IPv6 zone or an IPvFuture literal, and a path
that starts with a backslash.

The rules that are contactbook's own, not rfc3986's (the character check, the scheme
rule, the host mapping and the host rule, and the ``'`` that is stored as ``%27``), are
written once, here, and the reference path calls them too: :func:`scheme_and_rest`,
:func:`idn_host`, :func:`checked_host` and :func:`stored`.

See :mod:`contactbook._fastpath` for the contract and ``docs/explanation/performance.md``
for the exact domain.
"""

from __future__ import annotations

import functools
import re

from contactbook._fastpath import DOMAIN_MAX, HOST, Refused, idna_label
from contactbook._fastpath.emails import RESERVED_TLDS
from contactbook.messages import N_, Message
from contactbook.vocabulary import shown

__all__ = [
    "DEFAULT_PORTS",
    "MAX_LENGTH",
    "canonical_port",
    "checked_host",
    "idn_host",
    "refused",
    "scheme_and_rest",
    "stored",
    "too_long",
    "website",
]

#: The longest normalized web address kept, in characters (browsers and search engines
#: stop at about 2,000).
MAX_LENGTH = 2000

_MESSAGES = {
    "website.character": N_(
        "{value} holds white space or control characters; a web address cannot contain them."
    ),
    "website.userinfo": N_(
        "{value} holds a user name or password; enter the address without them."
    ),
    "website.invalid": N_("{value} is not a valid web address; enter it like https://example.com."),
    "website.host": N_(
        "{value} does not have a valid host name; enter a full domain name such as example.com."
    ),
    "website.backslash": N_(
        "{value} holds a backslash (\\), which browsers read as a slash (/), so the link would "
        "lead somewhere else than the address checked; write / instead."
    ),
    "website.ip_form": N_(
        "{value} has a host that browsers read as an IP address, but not in the usual form; "
        "write an IPv4 address as four numbers from 0 to 255 without leading zeros "
        "(such as 93.184.215.14), or enter the domain name."
    ),
    "website.unreachable": N_(
        "{value} names a loopback, private, link-local, reserved or special-use host, which "
        "cannot be reached from the internet; enter the website's public address."
    ),
}

# In a web address nothing may be white space or a control character.
_BAD = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What may follow "host:" when the colon starts a port, not a scheme ("x.nl:8080/a").
_PORT_THEN_PATH = re.compile(r"\d*(?:[/?#]|$)")
#: RFC 3986 §6.2.3: the port a scheme implies, dropped from a normalized address.
DEFAULT_PORTS = {"http": "80", "https": "443"}
# contactbook's host rule: RFC 1123 host name labels after IDNA (or an IPv4 address).
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}")

# RFC 3986 pchar without "%" (so there are no percent escapes to normalize): unreserved,
# sub-delims, ":" and "@". A path adds "/", a query and a fragment also "?".
_PCHAR = r"A-Za-z0-9._~!$&'()*+,;=:@\-"
_COMMON = re.compile(
    rf"(?:([Hh][Tt][Tt][Pp][Ss]?:)?//)?({HOST})(?::([1-9][0-9]{{0,4}}))?"
    rf"(/[{_PCHAR}/]*)?((?:\?[{_PCHAR}/?]*)?(?:#[{_PCHAR}/?]*)?)"
)

# rfc3986.misc.URI_MATCHER after "scheme://": the authority ends at the first "\", "/",
# "?" or "#"; the path at the first "?" or "#"; the query at the first "#".
_SPLIT = re.compile(r"([^\\/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?")
# rfc3986.misc.SUBAUTHORITY_MATCHER without IP literals: [userinfo "@"] reg-name, then
# ":" and at most five digits. The reg-name is greedy, so digits with no ":" before them
# belong to it, and "host:" has no port.
_USERINFO = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:\-]|%[0-9A-Fa-f]{2})+")
_HOST_PORT = re.compile(r"((?:[A-Za-z0-9._~!$&'()*+,;=\-]|%[0-9A-Fa-f]{2})*)(?::([0-9]{1,5})?)?")
# rfc3986.abnf_regexp.UCSCHAR_RE (RFC 3987 §2.2 ucschar): the non-ASCII characters an
# IRI may hold in its authority unencoded.
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd"
    "\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
# rfc3986.abnf_regexp.IPv4_RE: four groups of one to three digits (the range is checked
# apart, by rfc3986.validators.valid_ipv4_host_address).
_IPV4_SHAPE = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")
# An IP literal without a zone identifier and without IPvFuture: "[" hex, ":", "." "]",
# then SUBAUTHORITY_MATCHER's port: an optional ":", then at most five digits.
_LITERAL_PORT = re.compile(r"(\[[0-9A-Fa-f:.]*\]):?([0-9]{1,5})?")
# RFC 3986 §3.2.2 IPv6address, as rfc3986.abnf_regexp.IPv6_RE spells it: its ls32 takes
# an IPv4 address of any four 1-3 digit groups (no 0-255 check inside brackets).
_H16 = "[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|(?:[0-9]{{1,3}}\.){{3}}[0-9]{{1,3}})"
_IPV6 = re.compile(
    r"\[(?:"
    + "|".join(
        variation.format(h=_H16, ls32=_LS32)
        for variation in (
            "(?:{h}:){{6}}{ls32}",
            "::(?:{h}:){{5}}{ls32}",
            "(?:{h})?::(?:{h}:){{4}}{ls32}",
            "(?:(?:{h}:)?{h})?::(?:{h}:){{3}}{ls32}",
            "(?:(?:{h}:){{0,2}}{h})?::(?:{h}:){{2}}{ls32}",
            "(?:(?:{h}:){{0,3}}{h})?::{h}:{ls32}",
            "(?:(?:{h}:){{0,4}}{h})?::{ls32}",
            "(?:(?:{h}:){{0,5}}{h})?::{h}",
            "(?:(?:{h}:){{0,6}}{h})?::",
        )
    )
    + r")\]"
)
# rfc3986.normalizers.encode_component: what it never percent-encodes (reserved and
# unreserved characters), and a percent escape (normalizers.PERCENT_MATCHER).
_TO_ENCODE = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:/?#\[\]@%\-]+")
_ESCAPE = re.compile("%[A-Fa-f0-9]{2}")
_PLAIN = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:/?#\[\]@\-]*")


@functools.cache
def _iri_authority_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """rfc3986.misc.ISUBAUTHORITY_MATCHER without IP literals: iuserinfo, ihost and port.

    _USERINFO and _HOST_PORT with _UCSCHAR added to the unreserved characters (RFC 3987
    §2.2 iunreserved). Compiled on first use: these classes take milliseconds to compile,
    which ``import contactbook`` should not pay.
    """
    return (
        re.compile(rf"(?:[A-Za-z0-9._~!$&'()*+,;=:\-{_UCSCHAR}]|%[0-9A-Fa-f]{{2}})+"),
        re.compile(
            rf"((?:[A-Za-z0-9._~!$&'()*+,;=\-{_UCSCHAR}]|%[0-9A-Fa-f]{{2}})*)"
            r"(?::([0-9]{1,5})?)?"
        ),
    )


def refused(code: str, text: str) -> Refused:
    """Return the refusal ``code`` for the web address ``text``, with its message."""
    return Refused(code, Message(_MESSAGES[code], value=shown(text)))


def too_long(result: str) -> Refused:
    """Refuse a web address whose normalized form is over :data:`MAX_LENGTH`."""
    return Refused(
        "website.too_long",
        Message(
            "The website is {length} characters long once encoded; at most {limit} are allowed.",
            length=len(result),
            limit=MAX_LENGTH,
        ),
    )


def stored(result: str) -> str | Refused:
    """Return a normalized web address as stored, or refuse it as too long.

    A ``'`` becomes ``%27``, the one character a normalized address may hold that could
    end an HTML attribute: so the value stored, the card's link and every export (vCard,
    JSON, CSV) are the same text (``docs/explanation/normalization.md``). Browsers
    request the same resource: they percent-encode ``'`` in the query of an ``http(s)``
    address themselves, and servers decode it in the path.
    """
    if "'" in result:
        result = result.replace("'", "%27")
    if len(result) > MAX_LENGTH:
        return too_long(result)
    return result


def _scheme_refused(scheme: str) -> Refused:
    return Refused(
        "website.scheme",
        Message(
            "{scheme}: addresses are not websites; only http and https are allowed.", scheme=scheme
        ),
    )


def scheme_and_rest(text: str) -> tuple[str, str] | Refused:  # noqa: PLR0911 one return per rule
    """Split a trimmed web address into its lower-case scheme and what follows ``//``.

    Refuses white space and control characters, schemes other than ``http`` and
    ``https``, and ``http:`` without ``//``. A bare ``example.com`` or ``//example.com``
    gets ``https``; so does ``example.com:8080/x``, whose colon starts a port.
    """
    if _BAD.search(text):
        return refused("website.character", text)
    if "\\" in text:
        # WHATWG URL: in an http(s) URL a browser reads "\\" as "/", where RFC 3986
        # reads it as data ("https://good.com\\@evil.com" is good.com to one, evil.com to
        # the other once stored as %5C): refused, whatever part of the address holds it.
        return refused("website.backslash", text)
    match = _SCHEME.match(text)
    if match:
        scheme = match.group(1).lower()
        rest = text[match.end() :]
        if rest.startswith("//"):
            if scheme not in DEFAULT_PORTS:
                return _scheme_refused(scheme)
            return _literal_port_checked(text, scheme, rest[2:])
        if scheme in DEFAULT_PORTS:  # "http:x.nl", "https:/x.nl": a web scheme, no "//"
            return Refused(
                "website.invalid",
                Message(
                    "{value} is missing the // after {scheme}:; enter it like "
                    "{scheme}://example.com.",
                    value=shown(text),
                    scheme=scheme,
                ),
            )
        # "example.com:8080/x" or "localhost:80": the colon starts a port, not a scheme.
        if not (_PORT_THEN_PATH.match(rest) or "." in scheme):
            return _scheme_refused(scheme)
    if text.startswith("//"):
        return _literal_port_checked(text, "https", text[2:])
    return _literal_port_checked(text, "https", text)


# What may follow an IP literal's "]" in the authority: nothing, or ":" and a port.
_AFTER_LITERAL = re.compile(r"(?::[0-9]*)?")


def _literal_port_checked(text: str, scheme: str, rest: str) -> tuple[str, str] | Refused:
    """Refuse an IP literal followed by anything but ``:port`` ("[::1]80").

    rfc3986 reads the digits after "]" as a port even without the ":"; browsers refuse
    the address.
    """
    if "]" in rest:
        authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
        if "]" in authority and not _AFTER_LITERAL.fullmatch(authority.rpartition("]")[2]):
            return refused("website.invalid", text)
    return scheme, rest


_AUTHORITY_END = re.compile(r"[/?#]")


def _beyond_255(ipv4: str) -> bool:
    """Whether an IPv4-shaped host has an octet above 255 (RFC 3986 §3.2.2 dec-octet)."""
    return any(int(octet) > 255 for octet in ipv4.split("."))


def canonical_port(port: str | None, scheme: str) -> str | None:
    """Return the port as stored: without leading zeros, ``None`` for none or the default.

    RFC 3986 §6.2.3 drops the scheme's default port; browsers (WHATWG URL) also read
    ``:0080`` as port 80, so the stored port has no leading zeros.
    """
    if not port:
        return None
    port = port.lstrip("0") or "0"
    return None if port == DEFAULT_PORTS[scheme] else port


# WHATWG URL "ends in a number": a host whose last label (after a trailing ".") is all
# digits or "0x" and hex digits is read by browsers as an IPv4 address, in decimal,
# octal or hexadecimal parts ("192.0x00A80001" is 192.168.0.1).
_ENDS_IN_NUMBER = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")
# The one IPv4 form stored: four decimal numbers 0-255 without leading zeros.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_DOTTED_DECIMAL = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
# Addresses a customer's website on the internet cannot have: the IANA IPv4 and IPv6
# Special-Purpose Address Registries (RFC 6890 and its updates), multicast, and for IPv6
# everything outside global unicast 2000::/3. Spelt out, not ipaddress's is_global,
# whose table differs between Python releases (docs/explanation/normalization.md).
_UNREACHABLE_V4 = (
    "0.0.0.0/8",  # "this network" (RFC 791)
    "10.0.0.0/8",  # private (RFC 1918)
    "100.64.0.0/10",  # shared address space, carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",  # loopback (RFC 1122)
    "169.254.0.0/16",  # link-local (RFC 3927)
    "172.16.0.0/12",  # private (RFC 1918)
    "192.0.0.0/24",  # IETF protocol assignments (RFC 6890)
    "192.0.2.0/24",  # documentation, TEST-NET-1 (RFC 5737)
    "192.88.99.0/24",  # 6to4 relay anycast, withdrawn (RFC 7526)
    "192.168.0.0/16",  # private (RFC 1918)
    "198.18.0.0/15",  # benchmarking (RFC 2544)
    "198.51.100.0/24",  # documentation, TEST-NET-2 (RFC 5737)
    "203.0.113.0/24",  # documentation, TEST-NET-3 (RFC 5737)
    "224.0.0.0/4",  # multicast (RFC 5771)
    "240.0.0.0/4",  # reserved, and the limited broadcast 255.255.255.255 (RFC 1112)
)
_UNREACHABLE_V6 = (
    # Outside global unicast 2000::/3 (RFC 4291 §2.4): below it loopback, unspecified,
    # IPv4-mapped and -compatible ...; above it unique local, link-local, multicast and
    # reserved space.
    "::/3",
    "4000::/2",
    "8000::/1",
    "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID (RFC 2928)
    "2001:db8::/32",  # documentation (RFC 3849)
    "2002::/16",  # 6to4 (RFC 3056)
    "3fff::/20",  # documentation (RFC 9637)
)


@functools.cache
def _networks() -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Return the IPv4 and IPv6 tables above as (network, mask) integers, on first use."""
    import ipaddress  # noqa: PLC0415 loaded on first use, so that importing contactbook is cheap

    def masks(networks: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
        return tuple(
            (int(net.network_address), int(net.netmask))
            for net in map(ipaddress.ip_network, networks)
        )

    return masks(_UNREACHABLE_V4), masks(_UNREACHABLE_V6)


def _within(address: int, networks: tuple[tuple[int, int], ...]) -> bool:
    return any(address & mask == network for network, mask in networks)


def _ip_literal(host: str, text: str) -> str | Refused:
    """Return an IPv6 literal in its RFC 5952 form, or refuse it.

    A zone identifier ("%25eth0") or an IPvFuture literal ("[v1.x]") is refused: browsers
    refuse both, and rfc3986 rewrites an escape inside the brackets.
    """
    inner = host[1:-1]
    if "%" in inner or not _IPV6.fullmatch(host):
        return refused("website.invalid", text)
    import ipaddress  # noqa: PLC0415 loaded on first use, so that importing contactbook is cheap

    try:
        address = ipaddress.IPv6Address(inner)
    except ValueError:  # an embedded IPv4 part beyond 255 or with a leading zero
        return refused("website.invalid", text)
    if _within(int(address), _networks()[1]):
        return refused("website.unreachable", text)
    # ipaddress writes the RFC 5952 §4 form for every global unicast address: lower case,
    # no leading zeros, the longest run of two or more zero groups (the first of equals)
    # as "::"; it is also the form browsers serialise.
    return f"[{address.compressed}]"


def _valid_a_label(label: str) -> bool:
    """Whether an ``xn--`` label is a valid IDNA 2008 A-label (RFC 5891 §5.3-5.4).

    It must decode as Punycode to a U-label idna accepts, which encodes back to the
    very same A-label.
    """
    try:
        return idna_label(label).ascii == label
    except ValueError:  # idna.IDNAError, a UnicodeError
        return False


def checked_host(host: str, text: str) -> str | Refused:
    """Return a lower-case host as stored, or its refusal for the web address ``text``.

    Acceptable: an IPv6 literal (stored in RFC 5952 form), an IPv4 address in
    dotted-decimal form, or a DNS name of at least two RFC 1123 labels whose ``xn--``
    labels are valid IDNA 2008 A-labels; never a loopback, private, link-local,
    reserved or special-use address or name. The root label of ``example.com.`` is
    dropped. Both the fast path and the reference path (after rfc3986) call it.
    """
    if host.startswith("["):
        return _ip_literal(host, text)
    if host.endswith("."):
        host = host[:-1]
    top = host[host.rfind(".") + 1 :]
    if _ENDS_IN_NUMBER.fullmatch(top):
        if not _DOTTED_DECIMAL.fullmatch(host):
            return refused("website.ip_form", text)
        address = 0
        for octet in host.split("."):
            address = address << 8 | int(octet)
        if _within(address, _networks()[0]):
            return refused("website.unreachable", text)
        return host
    if len(host) > DOMAIN_MAX or not _DNS_NAME.fullmatch(host):
        return refused("website.host", text)
    return _checked_name(host, text)


def _checked_name(host: str, text: str) -> str | Refused:
    """Refuse a DNS name with an invalid ``xn--`` label or a special-use top-level name.

    The special-use names are the ones the email rules refuse too (RFC 6761, 6762, 7686
    and 3172: ``localhost``, ``local``, ``test``, ``invalid``, ``onion``, ``arpa``).
    """
    if "xn--" in host and not all(
        _valid_a_label(label) for label in host.split(".") if label.startswith("xn--")
    ):
        return refused("website.host", text)
    if host[host.rfind(".") + 1 :] in RESERVED_TLDS:
        return refused("website.unreachable", text)
    return host


def idn_host(rest: str) -> tuple[str, str, str] | None:
    """Split what follows ``//`` around a host that needs UTS #46 mapping, or ``None``.

    Return ``(before, host, after)`` when the authority holds a non-ASCII character and
    a host can be found in it as rfc3986 finds one in an IRI (ISUBAUTHORITY_MATCHER:
    ``[iuserinfo "@"] ihost [":" port]``, not an IP literal); ``None`` when there is
    nothing to map (an ASCII authority, whose mapping is lower case, which rfc3986's
    normalization does) or no host to find (the parser then refuses the address).

    WHATWG URL maps the whole host, not each label: a character may map to a dot (the
    ideographic and full-width full stops) or to nothing (a soft hyphen), and a capital
    sigma maps to the plain small sigma wherever it is, where ``str.lower()`` writes a
    final sigma at the end of a word.
    """
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]  # a backslash is refused before
    if authority.isascii() or "[" in authority or "]" in authority:
        return None
    iuserinfo, ihost_port = _iri_authority_patterns()
    start = 0
    hostport = authority
    if "@" in authority:
        userinfo, _, hostport = authority.partition("@")
        if not iuserinfo.fullmatch(userinfo):
            return None
        start = len(userinfo) + 1
    parsed = ihost_port.fullmatch(hostport)
    if parsed is None:
        return None
    end = start + parsed.end(1)
    return rest[:start], rest[start:end], rest[end:]


def _ascii_host(host: str) -> str | None:
    """Return ``idna.encode(host, uts46=True)`` label by label from the cache, or ``None``.

    ``None`` when unsure: a label idna refuses or one that maps to nothing, a character
    that maps to a dot (the label then holds one, which idna refuses), or a name over
    idna's length limit; the reference path then decides.
    """
    labels = host.split(".")
    root = len(labels) > 1 and not labels[-1]
    if root:
        labels.pop()
    encoded: list[str] = []
    mapped = 0
    for label in labels:
        try:
            converted = idna_label(label)
        except ValueError:  # idna.IDNAError, a UnicodeError
            return None
        if not converted.ascii:
            return None  # idna.encode refuses an empty label
        mapped += len(converted.mapped) + 1
        encoded.append(converted.ascii)
    name = ".".join(encoded)
    if mapped - 1 > DOMAIN_MAX or len(name) > DOMAIN_MAX:
        return None  # idna.encode's "Domain too long", before and after encoding
    return f"{name}." if root else name


def website(text: str) -> str | Refused | None:
    """Return the normalized ``http``/``https`` URI for ``text``, its refusal, or ``None``.

    ``text`` is trimmed and at most :data:`MAX_LENGTH` characters long. ``None`` means
    the authority needs rfc3986 (see the module docstring).
    """
    match = _COMMON.fullmatch(text)
    if match is not None:
        scheme, host, port, path, rest = match.groups()
        scheme = "https" if scheme is None else scheme[:-1].lower()
        if (
            len(host) <= DOMAIN_MAX
            and (port is None or int(port) <= 65535)
            and (path is None or "/." not in path)  # dot segments: see _general
        ):
            if port == DEFAULT_PORTS[scheme]:
                port = None  # RFC 3986 §6.2.3: the default port is the same as none
            stored_host = _checked_name(host.lower(), text)
            if isinstance(stored_host, Refused):
                return stored_host
            result = (
                f"{scheme}://{stored_host}" if port is None else f"{scheme}://{stored_host}:{port}"
            )
            if path is not None and path != "/":  # RFC 3986 §6.2.3: "" and "/" agree
                result += path
            result += rest  # query and fragment: nothing to normalize
            final = stored(result)
            if isinstance(final, str):
                return final  # (too long: _general words the refusal)
    front = scheme_and_rest(text)
    if isinstance(front, Refused):
        return front
    scheme, rest = front
    idn = idn_host(rest)
    if idn is not None:
        before, host, after = idn
        ascii_host = _ascii_host(host)
        if ascii_host is None:
            return None
        rest = f"{before}{ascii_host}{after}"
    return _general(text, scheme, rest)


def _general(text: str, scheme: str, rest: str) -> str | Refused | None:  # noqa: PLR0911, PLR0912 one step per reference check
    """Follow ``validation._website_checked`` after the scheme, without rfc3986."""
    split = _SPLIT.match(rest)
    if split is None:
        return None  # never: every part of the pattern may be empty
    authority, path, query, fragment = split.groups()
    if path.startswith("\\"):
        return None  # a path without "/"
    if not authority.isascii():
        return None  # a user name (always refused) or no host: rfc3986 words it
    # URIReference.authority_info: the authority is split by SUBAUTHORITY_MATCHER; one
    # that does not match, or an IPv4-shaped host beyond 255, leaves the reference with
    # no host after normalize(), which the Validator refuses (MissingComponentError).
    userinfo = None
    if "[" in authority or "]" in authority:
        if "@" not in authority and not authority.startswith("["):
            # "[" and "]" belong to no part of an authority but an IP literal.
            return refused("website.invalid", text)
        literal = _LITERAL_PORT.fullmatch(authority)
        if literal is None:
            return None  # user name, zone identifier or IPvFuture: leave them to rfc3986
        host, port = literal.groups()
        if not _IPV6.fullmatch(host):
            return refused("website.invalid", text)
        host = host.lower()  # rfc3986.normalizers.normalize_host
    else:
        hostport = authority
        if "@" in authority:
            userinfo, _, hostport = authority.partition("@")
            if not _USERINFO.fullmatch(userinfo):
                return refused("website.invalid", text)
        parsed = _HOST_PORT.fullmatch(hostport)
        if parsed is None:
            return refused("website.invalid", text)
        host, port = parsed.groups()
        if _IPV4_SHAPE.fullmatch(host) and _beyond_255(host):
            return refused("website.invalid", text)
        host = host.lower()  # rfc3986.normalizers.normalize_host
    if userinfo is not None:
        return refused("website.userinfo", text)
    if not host and not port:
        return refused("website.invalid", text)  # normalize() leaves no authority at all
    # The Validator: the port fits in 16 bits; after encode_component and normalization
    # the path, query and fragment hold only RFC 3986 pchar (and "/", "?"), so what can
    # still fail is "[" or "]" anywhere, or "#" in the fragment.
    if port is not None and int(port) > 65535:
        return refused("website.invalid", text)
    path = _normalized(path)
    if path:
        path = _without_dot_segments(path)
    if query is not None:
        query = _normalized(query)
    if fragment is not None:
        fragment = _normalized(fragment)
    if (
        "[" in path
        or "]" in path
        or (query is not None and ("[" in query or "]" in query))
        or (fragment is not None and ("[" in fragment or "]" in fragment or "#" in fragment))
    ):
        return refused("website.invalid", text)
    stored_host = checked_host(host, text)
    if isinstance(stored_host, Refused):
        return stored_host
    result = f"{scheme}://{stored_host}"
    port = canonical_port(port, scheme)
    if port is not None:
        result = f"{result}:{port}"
    if path != "/":
        result += path  # RFC 3986 §6.2.3: for http(s) an empty path and "/" agree
    if query is not None:
        result = f"{result}?{query}"
    if fragment is not None:
        result = f"{result}#{fragment}"
    return stored(result)


def _normalized(component: str) -> str:
    """Percent-encode and normalize a path, query or fragment as rfc3986 does.

    ``rfc3986.normalizers.encode_component``: a "%" stays only if every "%" in the
    component starts an escape (else each becomes "%25"); every other character outside
    the reserved and unreserved sets becomes its UTF-8 bytes as upper-case escapes. Then
    ``normalize_percent_characters`` (RFC 3986 §6.2.2.1): escapes are upper-cased.
    """
    if _PLAIN.fullmatch(component):
        return component  # nothing to encode, no escape to upper-case
    if "%" in component:
        if len(_ESCAPE.findall(component)) != component.count("%"):
            component = component.replace("%", "%25")
        else:
            component = _ESCAPE.sub(_upper, component)
    return _TO_ENCODE.sub(_escaped, component)


def _upper(escape: re.Match[str]) -> str:
    return escape.group().upper()


def _escaped(run: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in run.group().encode())


def _without_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, as ``rfc3986.normalizers.remove_dot_segments`` computes it."""
    if "/." not in path:
        return path  # no "." or ".." segment: nothing to remove
    output: list[str] = []
    for segment in path.split("/"):
        if segment == ".":
            continue
        if segment != "..":
            output.append(segment)
        elif output:
            output.pop()
    if path.startswith("/") and (not output or output[0]):
        output.insert(0, "")
    if path.endswith(("/.", "/..")):
        output.append("")
    return "/".join(output)
