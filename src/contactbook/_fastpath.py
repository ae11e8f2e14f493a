"""Fast paths for the most common shapes of email address and web address.

Private: only :mod:`contactbook.validation` imports this module. Each function takes an
input that has already been type-checked, length-checked and trimmed, and returns
either the exact value the reference path (email-validator or rfc3986, as wrapped by
``validation.py``) returns for it, or ``None`` when the input is outside the fast
path's domain. ``None`` never means "refused": the caller then runs the reference path,
which decides. So a fast path never refuses anything and never chooses an error.

The domain of each fast path is a regular expression plus a few explicit checks; they
are written out in ``docs/explanation/performance.md`` and
``tests/test_fastpath_differential.py`` proves, input by input, that the fast and the
reference path agree on them. Nothing here imports a validator library and nothing here
keeps state between calls.
"""

from __future__ import annotations

import re

__all__ = ["email", "website"]

# RFC 5322 §3.2.3 atext, ASCII only: what email-validator accepts unquoted before "@".
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
# An RFC 1123 host name label (letters, digits, inner hyphens, at most 63 characters),
# then a top-level label that starts and ends with a letter (so it is never all digits,
# which would make the host an IPv4 address or nothing).
_HOST = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9\-]{0,61}[A-Za-z])?"
)

_EMAIL = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@({_HOST})")
# RFC 3986 pchar without "%" (so there are no percent escapes to normalise): unreserved,
# sub-delims, ":" and "@". A path adds "/", a query and a fragment also "?".
_PCHAR = r"A-Za-z0-9._~!$&'()*+,;=:@\-"
_WEBSITE = re.compile(
    rf"(?:([Hh][Tt][Tt][Pp][Ss]?:)?//)?({_HOST})(?::([1-9][0-9]{{0,4}}))?"
    rf"(/[{_PCHAR}/]*)?((?:\?[{_PCHAR}/?]*)?(?:#[{_PCHAR}/?]*)?)"
)

# email-validator's limits: RFC 5321 §4.5.3.1.3 (254 octets for the address) and RFC
# 1035 §2.3.4 (253 for the domain).
_EMAIL_MAX = 254
_DOMAIN_MAX = 253
_WEBSITE_MAX = 2000
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def email(text: str, case_insensitive: frozenset[str], reserved_tlds: frozenset[str]) -> str | None:
    """Return email-validator's normalised form of ``text``, or ``None`` if unsure.

    ``case_insensitive`` are the RFC 2142 mailbox names email-validator lower-cases
    (``postmaster``, ...), ``reserved_tlds`` the last label of every special-use domain
    it refuses (``localhost``, ``test``, ...): an address there takes the reference path.
    """
    match = _EMAIL.fullmatch(text)
    if match is None:
        return None
    local, domain = match.groups()
    domain = domain.lower()
    if (
        len(text) > _EMAIL_MAX
        or len(domain) > _DOMAIN_MAX
        # "xn--" labels need IDNA decoding, and RFC 5891 §4.2.3.1 forbids "--" in
        # places 3 and 4 of any other label: leave every "--" to email-validator.
        or "--" in domain
        or domain[domain.rfind(".") + 1 :] in reserved_tlds
    ):
        return None
    if local.lower() in case_insensitive:
        local = local.lower()  # RFC 2142 names, as email-validator does
    return f"{local}@{domain}"


def website(text: str) -> str | None:
    """Return the normalised ``http``/``https`` URI for ``text``, or ``None`` if unsure.

    The domain is ``[[http[s]:]//]host[:port][/path][?query][#fragment]`` with an
    ASCII DNS host name whose top-level label starts and ends with a letter, a port
    without leading zeros, and path, query and fragment of plain RFC 3986 characters:
    no percent escapes and no dot segments.
    """
    match = _WEBSITE.fullmatch(text)
    if match is None:
        return None
    scheme, host, port, path, rest = match.groups()
    scheme = "https" if scheme is None else scheme[:-1].lower()
    if len(host) > _DOMAIN_MAX:
        return None
    if port is not None:
        if int(port) > 65535:
            return None
        if port == _DEFAULT_PORTS[scheme]:
            port = None  # RFC 3986 §6.2.3: the default port is the same as none
    if path is not None:
        if path == "/":
            path = None  # RFC 3986 §6.2.3: for http(s) an empty path and "/" agree
        elif "/." in path and _has_dot_segment(path):
            return None  # RFC 3986 §5.2.4 would rewrite it: leave that to rfc3986
    result = f"{scheme}://{host.lower()}"
    if port is not None:
        result = f"{result}:{port}"
    if path is not None:
        result += path
    result += rest  # query and fragment: nothing to normalise without percent escapes
    if len(result) > _WEBSITE_MAX:
        return None
    return result


def _has_dot_segment(path: str) -> bool:
    return any(segment in {".", ".."} for segment in path.split("/"))
