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
Nothing here keeps state that grows with its input. The one cache, :func:`idna_label`,
holds what the idna package computes for a single domain label, at most
:data:`IDNA_CACHE_SIZE` of them (``docs/explanation/performance.md``, "The IDNA label
cache").
"""

from __future__ import annotations

import functools
from typing import NamedTuple

__all__ = ["DOMAIN_MAX", "HOST", "IDNA_CACHE_SIZE", "IdnaLabel", "Refused", "idna_label", "shown"]


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


#: How many domain labels :func:`idna_label` keeps (least recently used first out).
IDNA_CACHE_SIZE = 4096


class IdnaLabel(NamedTuple):
    """What idna computes for one domain label (a pure function of the label)."""

    mapped: str  # idna.uts46_remap(label, std3_rules=False): UTS #46 §4 mapping, NFC
    ascii: str  # idna.alabel(mapped): the A-label (RFC 5891 §4), "xn--..." or LDH as is
    unicode: str  # idna.ulabel(ascii): the U-label the A-label decodes to (RFC 5891 §5)


@functools.lru_cache(maxsize=IDNA_CACHE_SIZE)
def idna_label(label: str) -> IdnaLabel:
    """Return what idna computes for one domain ``label`` (no ``.`` in it), cached.

    Raises idna's ``IDNAError`` (a :class:`UnicodeError`, so a :class:`ValueError`) when
    idna refuses the label at any of the three steps; a refusal is never cached, so the
    cache holds accepted labels only. Both fast paths that meet internationalised domain
    names ask it, each for the label as its reference library hands it to idna
    (rfc3986 lower-cases it, email-validator maps it with UTS #46), and each answers
    "not sure" when it raises: the reference path then words the refusal.

    The key is one label, never a whole input, and the cache keeps at most
    :data:`IDNA_CACHE_SIZE` labels: real customer data repeats a small set of
    internationalised labels (top-level domains, city and brand names), while converting
    one costs 10-100 µs. idna is imported on first use, so ``import contactbook`` stays
    cheap.
    """
    import idna  # noqa: PLC0415 loaded on first use, so that importing contactbook is cheap

    mapped = idna.uts46_remap(label, std3_rules=False, transitional=False)
    ascii_label = idna.alabel(mapped).decode("ascii")
    return IdnaLabel(mapped, ascii_label, idna.ulabel(ascii_label))
