"""The email fast path: plain ASCII addresses read without email-validator.

See :mod:`contactbook._fastpath` for the contract and ``docs/explanation/performance.md``
for the exact domain.
"""

from __future__ import annotations

import re

from contactbook._fastpath import DOMAIN_MAX, HOST, Refused

__all__ = ["email"]

# RFC 5322 §3.2.3 atext, ASCII only: what email-validator accepts unquoted before "@".
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_EMAIL = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@({HOST})")
# email-validator's limit: RFC 5321 §4.5.3.1.3 (254 octets for the address).
_EMAIL_MAX = 254


def email(
    text: str, case_insensitive: frozenset[str], reserved_tlds: frozenset[str]
) -> str | Refused | None:
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
        or len(domain) > DOMAIN_MAX
        # "xn--" labels need IDNA decoding, and RFC 5891 §4.2.3.1 forbids "--" in
        # places 3 and 4 of any other label: leave every "--" to email-validator.
        or "--" in domain
        or domain[domain.rfind(".") + 1 :] in reserved_tlds
    ):
        return None
    if local.lower() in case_insensitive:
        local = local.lower()  # RFC 2142 names, as email-validator does
    return f"{local}@{domain}"
