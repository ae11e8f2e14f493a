"""Fast paths for the most common shapes of email address, web address and phone number.

Private: only :mod:`contactbook.validation` imports this package, one module per kind
(:mod:`.emails`, :mod:`.websites`, :mod:`.phones`). Each fast path takes an input that
has already been type-checked, length-checked and trimmed, and returns one of:

- the exact value the reference path (email-validator, rfc3986 or phonenumbers, as
  wrapped by ``validation.py``) returns for it;
- a :class:`Refused`: the exact code and message the reference path refuses it with;
- ``None`` when the input is outside the fast path's domain. ``None`` never means
  "refused": the caller then runs the reference path, which decides.

The domain of each fast path is written out in ``docs/explanation/performance.md``, and
``tests/test_fastpath_differential.py`` proves, input by input, that the fast and the
reference path agree on it: the same value, or the same refusal (code, field, message).
Nothing here keeps state that grows with its input.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DOMAIN_MAX", "HOST", "Refused", "shown"]


class Refused(NamedTuple):
    """A refusal decided by a fast path: the reference path's own code and message."""

    code: str
    message: str


def shown(text: str, limit: int = 40) -> str:
    """Quote user input for an error message, shortened so messages stay readable."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# An RFC 1123 host name label (letters, digits, inner hyphens, at most 63 characters),
# then a top-level label that starts and ends with a letter (so it is never all digits,
# which would make the host an IPv4 address or nothing).
HOST = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9\-]{0,61}[A-Za-z])?"
)
# RFC 1035 §2.3.4: at most 253 characters in a domain name (without the root dot).
DOMAIN_MAX = 253
