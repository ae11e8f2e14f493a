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

The fast paths are *fenced*: each runs only on the releases of the libraries it copies
that the differential tests passed on (:data:`FENCE`, checked once, at import, by
:func:`fence`); on any other release, or with ``CONTACTBOOK_FASTPATHS=off`` in the
environment, :data:`gate` keeps it shut and every input takes the reference path
(``docs/explanation/fast-path-fence.md``).

Nothing here keeps state that grows with its input. The one cache, :func:`idna_label`,
holds what the idna package computes for a single domain label, at most
:data:`IDNA_CACHE_SIZE` of them (``docs/explanation/performance.md``, "The IDNA label
cache").
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import NamedTuple

__all__ = [
    "DOMAIN_MAX",
    "FENCE",
    "HOST",
    "IDNA_CACHE_SIZE",
    "KINDS",
    "Gate",
    "IdnaLabel",
    "Passage",
    "Refused",
    "fence",
    "gate",
    "idna_label",
    "installed_versions",
    "passage",
]

# --------------------------------------------------------------------------- the fence

#: The releases each fast path's differential tests passed on: per library it copies
#: rules or reads data from, the first release checked and the first release *not*
#: checked (``[first, beyond)``, compared as release numbers: ``(2, 3) <= (2, 4, 0)``).
#: Patch releases inside a checked minor series are admitted (phonenumbers' patch
#: releases carry metadata only, which the phone fast path reads as it is). How a new
#: release gets in: ``docs/explanation/fast-path-fence.md``.
FENCE: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "email": {"email-validator": ("2.4", "2.5"), "idna": ("3.7", "4")},
    "phone": {"phonenumbers": ("8.13", "9.1")},
    "website": {"rfc3986": ("2.0", "2.1"), "idna": ("3.7", "4")},
}
KINDS = tuple(FENCE)
#: ``CONTACTBOOK_FASTPATHS=off`` shuts every fast path (the reference path decides all).
SWITCH = "CONTACTBOOK_FASTPATHS"
_RELEASE = re.compile(r"(\d+(?:\.\d+)*)((?:\.?post\d*)?(?:\+[\w.]*)?)$")


class Passage(NamedTuple):
    """Whether one fast path runs, why, and on which installed versions."""

    kind: str
    active: bool
    reason: str
    versions: Mapping[str, str | None]


def _release(version: str) -> tuple[int, ...] | None:
    """Read the release numbers of a final or post release; ``None`` for anything else."""
    match = _RELEASE.fullmatch(version)
    if match is None:
        return None  # a pre-release, a development release or no version: never checked
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _inside(version: str, first: str, beyond: str) -> bool:
    release, low, high = _release(version), _release(first), _release(beyond)
    assert low is not None  # noqa: S101 -- FENCE is written by hand, and tested
    assert high is not None  # noqa: S101
    return release is not None and low <= release < high


def passage(kind: str, versions: Mapping[str, str | None], *, switch: str = "") -> Passage:
    """Decide whether the ``kind`` fast path runs on these installed ``versions``."""
    seen = {name: versions.get(name) for name in FENCE[kind]}
    if switch.strip().lower() == "off":
        return Passage(kind, False, f"switched off ({SWITCH}=off)", seen)
    for name, (first, beyond) in FENCE[kind].items():
        version = seen[name]
        if version is None:
            return Passage(kind, False, f"{name} is not installed (or its version unknown)", seen)
        if not _inside(version, first, beyond):
            return Passage(
                kind,
                False,
                f"{name} {version} is outside the releases the differential tests passed on "
                f"(>={first},<{beyond}); every input takes the reference path",
                seen,
            )
    checked = ", ".join(f"{name} {seen[name]}" for name in FENCE[kind])
    return Passage(kind, True, f"{checked}: inside the checked range", seen)


def installed_versions(names: Iterable[str]) -> dict[str, str | None]:
    """Find the installed version of each distribution in ``names`` (``None``: not found).

    Reads the ``<name>-<version>.dist-info`` directory names on ``sys.path``, in order,
    as :func:`importlib.metadata.version` finds them, without importing
    ``importlib.metadata`` (which alone costs a third of ``import contactbook``); falls
    back to it for a distribution found no such way (an egg, a zip, a custom finder).
    """
    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")  # noqa: PTH208 -- names only, cheapest
        except OSError:
            continue
        for item in listing:
            if not item.endswith(".dist-info"):
                continue
            dist, _, version = item[: -len(".dist-info")].partition("-")
            name = wanted.get(re.sub(r"[-_.]+", "_", dist).lower())
            if name is not None and name not in found and version:
                found[name] = version
        if len(found) == len(wanted):
            return found
    for name in wanted.values():
        if name not in found:
            found[name] = _metadata_version(name)
    return found


def _metadata_version(name: str) -> str | None:
    import importlib.metadata  # noqa: PLC0415 -- only when the cheap reading found nothing

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def fence() -> dict[str, Passage]:
    """Decide, for every fast path, whether it runs here (read once, at import)."""
    versions = installed_versions({name for libraries in FENCE.values() for name in libraries})
    switch = os.environ.get(SWITCH, "")
    return {kind: passage(kind, versions, switch=switch) for kind in KINDS}


class Gate:
    """Which fast paths run: ``validation.py`` asks ``gate.email`` before the email one."""

    __slots__ = ("email", "passages", "phone", "website")

    def __init__(self, passages: Mapping[str, Passage]) -> None:
        self.passages = dict(passages)
        self.email = passages["email"].active
        self.phone = passages["phone"].active
        self.website = passages["website"].active


#: The fence as decided at import; the differential tests open it to test new releases.
gate = Gate(fence())


class Refused(NamedTuple):
    """A refusal decided by a fast path: the reference path's own code and message."""

    code: str
    message: str


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
    names ask it, each for the label as its reference hands it to idna (email-validator
    and the website rule both map it with UTS #46, as browsers do), and each answers
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
