"""Which fast paths run here, and a short differential self-check of them.

contactbook decides the common shapes of email address, web address and phone number
itself (the *fast paths*) and leaves the rest to email-validator, rfc3986 and
phonenumbers (the *reference path*). A fast path runs only on the releases of those
libraries that its differential tests passed on (the *fence*); on any other release every
input takes the reference path: the same answers, more slowly.

- :func:`fastpaths` says, for each kind, whether its fast path runs and why.
- :func:`run` compares each fast path with the reference path, input by input, on the
  versions installed here (a few seconds), whether the fence lets it run or not, and
  reports agreement or the first disagreement. ``python -m contactbook selfcheck``
  prints it.

See ``docs/explanation/fast-path-fence.md`` for the fence and how a new release of a
validator gets into it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

from contactbook._fastpath import FENCE, KINDS, Refused, emails, gate, phones, websites
from contactbook.errors import ContactValidationError
from contactbook.validation import (
    MAX_EMAIL_INPUT,
    MAX_WEBSITE_LENGTH,
    email_reference,
    phone_input,
    phone_reference,
    trimmed,
    website_reference,
)

__all__ = ["DEFAULT_SIZE", "Disagreement", "FastPath", "SelfCheck", "fastpaths", "run"]

#: How many corpus inputs :func:`run` compares per kind by default (a few seconds in all).
DEFAULT_SIZE = 10_000

Verdict = tuple[str, ...]


class FastPath(NamedTuple):
    """Whether one kind's fast path runs in this process, and why."""

    kind: str  #: ``"email"``, ``"phone"`` or ``"website"``
    active: bool  #: ``False``: every input of this kind takes the reference path
    reason: str  #: one sentence: the versions found, or what keeps the fast path shut
    versions: Mapping[str, str | None]  #: the installed version of each library it copies
    checked: Mapping[str, tuple[str, str]]  #: per library, the releases checked: [first, beyond)


def fastpaths() -> dict[str, FastPath]:
    """Say, for each kind, whether its fast path runs here and why (decided at import).

    >>> sorted(fastpaths())
    ['email', 'phone', 'website']
    """
    return {
        kind: FastPath(
            kind=kind,
            active=getattr(gate, kind),
            reason=gate.passages[kind].reason,
            versions=dict(gate.passages[kind].versions),
            checked=dict(FENCE[kind]),
        )
        for kind in KINDS
    }


class Disagreement(NamedTuple):
    """One input on which a fast path and the reference path answer differently."""

    kind: str
    raw: str
    country: str | None  #: the billing country, for a phone number
    fast: Verdict  #: ``("value", ...)`` or ``("refused", code, field, message)``
    reference: Verdict


class SelfCheck(NamedTuple):
    """What :func:`run` found: per kind, how many inputs it compared, and any disagreement."""

    compared: Mapping[str, int]  #: inputs per kind on which the fast path decided
    inputs: Mapping[str, int]  #: inputs per kind in all (the rest went to the reference)
    disagreement: Disagreement | None  #: the first one found, or ``None``: they agree
    seconds: float

    @property
    def agrees(self) -> bool:
        """Whether every fast path gave exactly the reference path's answer."""
        return self.disagreement is None


def _verdict(read: Callable[[], str]) -> Verdict:
    try:
        return ("value", read())
    except ContactValidationError as error:
        return ("refused", error.code, str(error.field), error.message)


def _decided(fast: object, field: str) -> Verdict:
    if isinstance(fast, Refused):
        return ("refused", fast.code, field, fast.message)
    return ("value", str(fast))


def _compared(
    field: str,
    raws: Iterable[str],
    fast_path: Callable[[str], object],
    limit: int,
    reference: Callable[[str], str],
) -> Iterator[Disagreement | bool]:
    """Each input through the fast path and the reference path: agreement or not.

    ``False`` for an input the fast path left to the reference path.
    """
    for raw in raws:
        try:  # validation's own steps before any fast path: trim, empty, length, text
            text = trimmed(raw, field=field, code_prefix=field, limit=limit, what=field)
        except ContactValidationError:
            yield False  # refused before any fast path runs
            continue
        fast = fast_path(text)
        if fast is None:
            yield False
            continue
        mine = _decided(fast, field)
        theirs = _verdict(functools.partial(reference, raw))
        yield Disagreement(field, raw, None, mine, theirs) if mine != theirs else True


def _emails(size: int, seed: int) -> Iterator[Disagreement | bool]:
    from contactbook import _corpus

    raws = _corpus.emails(size, seed, odd=0.5)
    return _compared("email", raws, emails.email, MAX_EMAIL_INPUT, email_reference)


def _websites(size: int, seed: int) -> Iterator[Disagreement | bool]:
    from contactbook import _corpus

    raws = _corpus.websites(size, seed, odd=0.5)
    return _compared("website", raws, websites.website, MAX_WEBSITE_LENGTH, website_reference)


def _phone_inputs(size: int, seed: int) -> list[tuple[str, str | None]]:
    """Corpus numbers, half with one more mistake, and every example number in metadata."""
    import random

    import phonenumbers

    from contactbook import _corpus

    rng = random.Random(seed)
    items = [
        (_corpus.mutated(rng, raw) if raw and rng.random() < 0.5 else raw, country)
        for raw, country in _corpus.phones(size, seed)
    ]
    formats = [
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    ]
    for country in sorted(phonenumbers.SUPPORTED_REGIONS):
        for number_type in range(12):  # every PhoneNumberType but UNKNOWN (99)
            number = phonenumbers.example_number_for_type(country, number_type)
            if number is not None:
                for number_format in formats:
                    written = phonenumbers.format_number(number, number_format)
                    items.extend([(written, country), (written, "NL"), (written, None)])
    return items


def _phones(size: int, seed: int) -> Iterator[Disagreement | bool]:
    for raw, country in _phone_inputs(size, seed):
        try:
            text, billing_country = phone_input(raw, country, "phone")
        except ContactValidationError:
            yield False  # refused before any fast path runs
            continue
        fast = phones.phone(text, billing_country)
        if fast is None:
            yield False  # the fast path left it to the reference path
            continue
        mine = (
            _decided(fast, "phone")
            if isinstance(fast, Refused)
            else ("value", f"{fast.e164} {fast.line_type}")
        )

        def reference(raw: str = raw, country: str | None = country) -> str:
            parsed = phone_reference(raw, country)
            return f"{parsed.e164} {parsed.line_type.value}"

        theirs = _verdict(reference)
        yield Disagreement("phone", raw, country, mine, theirs) if mine != theirs else True


_CHECKS = {"email": _emails, "website": _websites, "phone": _phones}


def run(size: int = DEFAULT_SIZE, *, seed: int = 1) -> SelfCheck:
    """Compare every fast path with the reference path on ``size`` inputs per kind.

    The inputs are the project's seeded corpus (real-world shapes, half of them mistyped;
    for phone numbers also every example number in the installed metadata, written
    nationally and internationally). Each fast path runs whether the fence lets it run
    here or not, so that this is also how a new release of a validator is tried
    (``docs/explanation/fast-path-fence.md``). It stops at the first disagreement.
    """
    start = time.perf_counter()
    compared = dict.fromkeys(KINDS, 0)
    inputs = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        for found in _CHECKS[kind](size, seed):
            inputs[kind] += 1
            if isinstance(found, Disagreement):
                return SelfCheck(compared, inputs, found, time.perf_counter() - start)
            compared[kind] += found
    return SelfCheck(compared, inputs, None, time.perf_counter() - start)
