"""The website fast path: ``[http[s]://]host[:port][/path]`` read without rfc3986.

See :mod:`contactbook._fastpath` for the contract and ``docs/explanation/performance.md``
for the exact domain.
"""

from __future__ import annotations

import re

from contactbook._fastpath import DOMAIN_MAX, HOST, Refused

__all__ = ["website"]

# RFC 3986 pchar without "%" (so there are no percent escapes to normalise): unreserved,
# sub-delims, ":" and "@". A path adds "/", a query and a fragment also "?".
_PCHAR = r"A-Za-z0-9._~!$&'()*+,;=:@\-"
_WEBSITE = re.compile(
    rf"(?:([Hh][Tt][Tt][Pp][Ss]?:)?//)?({HOST})(?::([1-9][0-9]{{0,4}}))?"
    rf"(/[{_PCHAR}/]*)?((?:\?[{_PCHAR}/?]*)?(?:#[{_PCHAR}/?]*)?)"
)
_WEBSITE_MAX = 2000
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def website(text: str) -> str | Refused | None:
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
    if len(host) > DOMAIN_MAX:
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
