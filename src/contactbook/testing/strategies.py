"""Hypothesis strategies for contact details, in Hypothesis' own API style.

Raw inputs (what a person types) come in two families:

* *valid* inputs, which the matching normalizer accepts: :func:`emails`,
  :func:`phone_numbers`, :func:`websites`, :func:`descriptions`, and
  :func:`valid_values` for any kind;
* *invalid* inputs, each an :class:`InvalidInput` labelled with the error code the
  normalizer must refuse it with: :func:`invalid_emails`, :func:`invalid_phone_numbers`,
  :func:`invalid_websites`, :func:`invalid_descriptions`, and :func:`invalid_values`.

Domain values are built from valid inputs through contactbook's own rules:
:func:`contact_points`, :func:`contact_sets` and :func:`batches` (changes that
:func:`contactbook.operations.apply` accepts for a given set).

Every ``country`` argument is the customer's billing country as the normalizer will be
given it (an ISO 3166-1 alpha-2 code, or ``None`` when none is known): phone numbers are
written nationally only when a country is given. For "any country", combine with
:func:`countries`: ``countries().flatmap(lambda r: phone_numbers(country=r))``.

Phone numbers are drawn from libphonenumber's own metadata (the national number pattern
of each country and line type), so they are valid numbers, not look-alikes. Every
strategy shrinks towards short, readable values: ``a@a.co``, ``https://a.co``,
``+31 6 10000000``.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from collections.abc import Collection, Sequence
from typing import assert_never

import attrs
import phonenumbers
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contactbook.model import (
    KINDS,
    MAX_POINTS,
    ContactKind,
    ContactPoint,
    ContactSet,
    Family,
    match_key,
)
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    ClearPrimary,
    Command,
    EditPoint,
    RemovePoint,
    SetPrimary,
    add,
    apply,
)
from contactbook.validation import MAX_DESCRIPTION_LENGTH, validate_value
from contactbook.vocabulary import BIDI_CONTROLS, CONTROL_CHARACTERS

__all__ = [
    "DESCRIPTION_CODES",
    "EMAIL_CODES",
    "PHONE_CODES",
    "WEBSITE_CODES",
    "InvalidInput",
    "batches",
    "contact_kinds",
    "contact_points",
    "contact_sets",
    "countries",
    "descriptions",
    "emails",
    "invalid_descriptions",
    "invalid_emails",
    "invalid_phone_numbers",
    "invalid_values",
    "invalid_websites",
    "phone_numbers",
    "valid_values",
    "websites",
]

#: The codes :func:`invalid_emails` can label its inputs with.
EMAIL_CODES = ("email.empty", "email.invalid", "email.multiple", "email.too_long")
#: The codes :func:`invalid_phone_numbers` can label its inputs with.
PHONE_CODES = (
    "phone.empty",
    "phone.invalid",
    "phone.country_required",
    "phone.extension",
    "phone.too_long",
)
#: The codes :func:`invalid_websites` can label its inputs with.
WEBSITE_CODES = (
    "website.empty",
    "website.invalid",
    "website.scheme",
    "website.host",
    "website.userinfo",
    "website.character",
    "website.too_long",
    "website.backslash",
    "website.ip_form",
    "website.unreachable",
)
#: The codes :func:`invalid_descriptions` can label its inputs with.
DESCRIPTION_CODES = ("description.too_long", "description.character")


@attrs.frozen
class InvalidInput:
    """A raw input that must be refused, and the error code it must be refused with."""

    raw: str
    code: str


# --------------------------------------------------------------------------- argument checks


def _check_size(min_size: int, max_size: int | None, *, limit: int | None = None) -> None:
    """Raise InvalidArgument for sizes no value can have (Hypothesis' own convention)."""
    if not isinstance(min_size, int) or isinstance(min_size, bool) or min_size < 0:
        msg = f"min_size={min_size!r} must be a non-negative int."
        raise InvalidArgument(msg)
    if max_size is None:
        return
    if not isinstance(max_size, int) or isinstance(max_size, bool):
        msg = f"max_size={max_size!r} must be an int or None."
        raise InvalidArgument(msg)
    if max_size < min_size:
        msg = f"max_size={max_size} is smaller than min_size={min_size}."
        raise InvalidArgument(msg)
    if limit is not None and min_size > limit:
        msg = f"min_size={min_size} is more than the {limit} allowed."
        raise InvalidArgument(msg)
    if limit is not None and max_size > limit:
        msg = f"max_size={max_size} is more than the {limit} allowed."
        raise InvalidArgument(msg)


def _check_type(name: str, value: object, expected: type | tuple[type, ...]) -> None:
    """Raise InvalidArgument unless ``value`` has the expected type.

    The annotations say the same, but a host's test suite need not be type-checked.
    """
    if not isinstance(value, expected):
        names = [
            kind.__name__ for kind in (expected if isinstance(expected, tuple) else (expected,))
        ]
        msg = f"{name}={value!r} must be of type {' or '.join(names)}."
        raise InvalidArgument(msg)


def _check_country(country: str | None) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str) or country.strip().upper() not in _ALL_REGIONS:
        msg = (
            f"country={country!r} is not a country libphonenumber knows; pass an ISO 3166-1 "
            "alpha-2 code such as 'NL', or None for no billing country."
        )
        raise InvalidArgument(msg)
    return country.strip().upper()


def _check_codes(codes: Collection[str] | None, known: Sequence[str], what: str) -> list[str]:
    if codes is None:
        return list(known)
    if isinstance(codes, str):
        msg = f"codes={codes!r} must be a collection of codes, not one str."
        raise InvalidArgument(msg)
    chosen = list(codes)
    unknown = [code for code in chosen if code not in known]
    if unknown or not chosen:
        msg = f"codes={codes!r} must be a non-empty subset of {what}'s codes {list(known)}."
        raise InvalidArgument(msg)
    return [code for code in known if code in chosen]


def _check_kinds(kinds: Collection[ContactKind] | None) -> list[ContactKind]:
    if kinds is None:
        return list(ContactKind)
    chosen = list(kinds)
    if not chosen or not all(isinstance(kind, ContactKind) for kind in chosen):
        msg = f"kinds={kinds!r} must be a non-empty collection of ContactKind."
        raise InvalidArgument(msg)
    return [kind for kind in ContactKind if kind in chosen]


# --------------------------------------------------------------------------- shared pieces

# Characters are listed simplest first: Hypothesis shrinks towards the start of a
# sampled_from, so counterexamples read "a@a.co", not "~@9.xn--p1ai".
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_ATEXT = string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~"  # RFC 5322 §3.2.3
# Letters libphonenumber's sister library idna accepts (IDNA 2008 PVALID), one script per
# label: RFC 5891 allows mixing, but registries do not, and a host's data will not.
_IDN_ALPHABETS = (
    "aäöüéèàçñåøæßłś",
    "абвгдежзиклмнопрстуфхцчшщыэюя",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "あいうえおかきくけこさしすせそ",
)
_LOCAL_UNICODE = "üéñøжλ"  # RFC 6531 (SMTPUTF8) local parts, already in NFC
_TLDS = ("co", "com", "nl", "org", "net", "de", "uk", "io", "info", "museum")
_IDN_TLDS = ("рф", "中国", "ελ")
_WHITE_SPACE = ("", " ", "  ", "\t", "\n")
_NON_GEOGRAPHIC = "001"  # libphonenumber's country for +800, +882, ...
# Familiar countries first so that shrunk examples use them; then every other country.
_FAMILIAR = ("NL", "GB", "US", "DE", "FR", "BE")
_ALL_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS) - {_NON_GEOGRAPHIC}
_REGION_ORDER = (*_FAMILIAR, *sorted(_ALL_REGIONS - set(_FAMILIAR)))


def _chars(alphabet: str, *, min_size: int = 0, max_size: int) -> st.SearchStrategy[str]:
    """Draw text over ``alphabet``, shrinking towards its first character.

    ``st.text()`` would shrink towards the lowest code point: "0@0.co", not "a@a.co".
    """
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map("".join)


@functools.cache
def _ascii_label() -> st.SearchStrategy[str]:
    """Draw an RFC 1123 label: letters and digits, inner hyphens, never two in a row."""
    chunk = _chars(_LOWER_ALNUM, min_size=1, max_size=6)
    return st.lists(chunk, min_size=1, max_size=3).map("-".join)


@functools.cache
def _idn_label() -> st.SearchStrategy[str]:
    return st.one_of([_chars(alphabet, min_size=1, max_size=8) for alphabet in _IDN_ALPHABETS])


def _shout(labels: list[str]) -> list[str]:
    # Host names are case-insensitive; only ASCII is shouted, since Unicode upper case
    # can change a label ("straße" -> "STRASSE").
    return [part.upper() if part.isascii() else part for part in labels]


@functools.cache
def _host_names(*, allow_unicode: bool, upper_case: bool) -> st.SearchStrategy[str]:
    """Draw a DNS name of two to four labels ending in a real top-level domain."""
    label = (_ascii_label() | _idn_label()) if allow_unicode else _ascii_label()
    tlds = _TLDS + _IDN_TLDS if allow_unicode else _TLDS
    labels = st.tuples(st.lists(label, min_size=1, max_size=3), st.sampled_from(tlds)).map(
        lambda parts: [*parts[0], parts[1]]
    )
    if upper_case:
        labels = st.tuples(labels, st.booleans()).map(
            lambda drawn: _shout(drawn[0]) if drawn[1] else drawn[0]
        )
    return labels.map(".".join)


def _padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Surround values with the white space people paste along with them."""
    return st.tuples(st.sampled_from(_WHITE_SPACE), values, st.sampled_from(_WHITE_SPACE)).map(
        "".join
    )


# --------------------------------------------------------------------------- valid inputs


def contact_kinds() -> st.SearchStrategy[ContactKind]:
    """Draw the four kinds, shrinking towards ``EMAIL``."""
    return st.sampled_from(ContactKind)


def countries() -> st.SearchStrategy[str]:
    """Billing countries libphonenumber knows (ISO 3166-1 alpha-2), familiar ones first."""
    return st.sampled_from(_REGION_ORDER)


def emails(*, allow_unicode: bool = True) -> st.SearchStrategy[str]:
    """Email addresses as people type them, each accepted by ``normalize_email``.

    Dot-atom local parts (RFC 5322) and host names under real top-level domains, with
    upper-case domains and surrounding white space now and then. With ``allow_unicode``
    (the default) some local parts hold non-ASCII letters (RFC 6531) and some domains are
    internationalised (``bücher.de``, ``пример.рф``).
    """
    _check_type("allow_unicode", allow_unicode, bool)
    return _emails(allow_unicode)


# Strategies are built once per distinct arguments: composite strategies draw from them
# on every example, and building (and validating) a strategy costs far more than a draw.
@functools.cache
def _emails(allow_unicode: bool) -> st.SearchStrategy[str]:
    alphabet = _ATEXT + _LOCAL_UNICODE if allow_unicode else _ATEXT
    atom = _chars(alphabet, min_size=1, max_size=10)
    local = st.lists(atom, min_size=1, max_size=3).map(".".join)
    domain = _host_names(allow_unicode=allow_unicode, upper_case=True)
    return _padded(st.tuples(local, domain).map("@".join))


@functools.cache
def _national_numbers(country: str, mobile: bool) -> st.SearchStrategy[phonenumbers.PhoneNumber]:
    """Draw valid numbers of ``country`` from its national number pattern."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country)
    assert metadata is not None  # noqa: S101 -- only called for supported countries
    desc = metadata.mobile if mobile else metadata.fixed_line
    assert desc is not None  # noqa: S101 -- _has_line_type() was checked first
    assert desc.national_number_pattern is not None  # noqa: S101 -- as above
    # libphonenumber writes \d; in a Python regex that also matches other scripts' digits.
    pattern = desc.national_number_pattern.replace(r"\d", "[0-9]")
    return (
        # An explicit alphabet: from_regex's default (characters(codec="utf-8")) scans
        # every code point on a first run (seconds), as _descriptions() explains.
        st.from_regex(pattern, fullmatch=True, alphabet=string.digits)
        .map(functools.partial(_parsed, country=country))
        .filter(lambda number: number is not None and phonenumbers.is_valid_number(number))
        .map(_not_none)
    )


def _parsed(national: str, *, country: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(national, country)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _not_none(number: phonenumbers.PhoneNumber | None) -> phonenumbers.PhoneNumber:
    assert number is not None  # noqa: S101 -- filtered just before
    return number


def _has_line_type(country: str, mobile: bool) -> bool:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country)
    desc = None if metadata is None else (metadata.mobile if mobile else metadata.fixed_line)
    return desc is not None and desc.national_number_pattern is not None


def _line_types(mobile: bool | None) -> tuple[bool, ...]:
    """Return the line types ``mobile`` asks for: mobile (True), fixed-line, or either."""
    return (False, True) if mobile is None else (mobile,)


def _has_numbers(country: str, mobile: bool | None) -> bool:
    return any(_has_line_type(country, kind) for kind in _line_types(mobile))


@functools.cache
def _valid_numbers(
    country: str, mobile: bool | None
) -> st.SearchStrategy[phonenumbers.PhoneNumber]:
    line_types = _line_types(mobile)
    return st.one_of(
        [_national_numbers(country, kind) for kind in line_types if _has_line_type(country, kind)]
    )


@functools.cache
def _numbers_of_any_country(mobile: bool | None) -> st.SearchStrategy[phonenumbers.PhoneNumber]:
    usable = [country for country in _REGION_ORDER if _has_numbers(country, mobile)]
    return st.sampled_from(usable).flatmap(lambda country: _valid_numbers(country, mobile))


def _international(
    number: phonenumbers.PhoneNumber, *, idd: bool = False
) -> st.SearchStrategy[str]:
    """Ways to write a number with its country code: ``+`` or, with ``idd``, ``00``.

    ``00`` is only unambiguous with no billing country: the normalizer then reads it as
    the international prefix, while in a country it means that country's own prefix
    (Cambodia dials out with 001 and 007-009, so "00855 ..." is not "+855 ...").
    """
    spaced = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    forms = [spaced, e164]
    if idd:
        forms += ["00" + spaced[1:], "00" + e164[1:]]
    return st.sampled_from(forms)


def phone_numbers(
    *, country: str | None = None, mobile: bool | None = None
) -> st.SearchStrategy[str]:
    """Draw valid telephone numbers as people type them, for a customer in ``country``.

    With ``country=None`` (no billing country known) the numbers are of any country and
    carry their country code (``+44 20 7946 0000``, ``+442079460000``, ``0044 20 ...``).
    With a country, they are also written nationally (``020 7946 0000``) or dialled from
    that country (``011 44 20 7946 0000`` from the US), and some belong to other countries:
    a billing country is only the default for numbers without a country code.

    ``mobile=True`` draws mobile numbers, ``False`` fixed-line ones, ``None`` either.
    Every value is accepted by ``normalize_phone(value, country)``.
    """
    home = _check_country(country)
    _check_type("mobile", mobile, (bool, type(None)))
    if home is not None and not _has_numbers(home, mobile):
        msg = f"libphonenumber knows no {'mobile' if mobile else 'fixed-line'} numbers in {home}."
        raise InvalidArgument(msg)
    return _phone_numbers(home, mobile)


@functools.cache
def _phone_numbers(home: str | None, mobile: bool | None) -> st.SearchStrategy[str]:
    if home is None:
        return _padded(
            _numbers_of_any_country(mobile).flatmap(functools.partial(_international, idd=True))
        )

    def written_at_home(number: phonenumbers.PhoneNumber) -> st.SearchStrategy[str]:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return st.sampled_from([national, national.replace(" ", "")]) | _international(number)

    def dialled_from_home(number: phonenumbers.PhoneNumber) -> st.SearchStrategy[str]:
        dialled = phonenumbers.format_out_of_country_calling_number(number, home)
        # Where a country has several international prefixes, libphonenumber may write
        # one that reads back differently (Hong Kong: "00 1 284 ..." reads as 001 + 284):
        # keep the dialled form only when it reads back as the same number.
        again = _parsed(dialled, country=home)
        if again is not None and _e164(again) == _e164(number):
            return st.just(dialled) | _international(number)
        return _international(number)

    local = _valid_numbers(home, mobile).flatmap(written_at_home)
    foreign = _numbers_of_any_country(mobile).flatmap(dialled_from_home)
    return _padded(local | foreign)


def websites(
    *, with_scheme: bool | None = None, allow_unicode: bool = True
) -> st.SearchStrategy[str]:
    """Web addresses as people type them, each accepted by ``normalize_website``.

    ``with_scheme=True`` always writes ``http://`` or ``https://`` (in any case),
    ``False`` never does (``example.com/prices``), ``None`` either. Hosts may be upper
    case, have a non-default or default port, a path (dot segments included), a query and
    a fragment; with ``allow_unicode`` some hosts are internationalised.
    """
    _check_type("with_scheme", with_scheme, (bool, type(None)))
    _check_type("allow_unicode", allow_unicode, bool)
    return _websites(with_scheme, allow_unicode)


@functools.cache
def _websites(with_scheme: bool | None, allow_unicode: bool) -> st.SearchStrategy[str]:
    schemes: list[str] = []
    if with_scheme is not False:
        schemes += ["https://", "http://", "HTTPS://", "Http://"]
    if with_scheme is not True:
        schemes.insert(0, "")
    segment = _chars(string.ascii_letters + string.digits + "-._~", max_size=8)
    path = st.lists(segment, max_size=3).map(lambda parts: "".join("/" + part for part in parts))
    query = _chars(string.ascii_letters + string.digits + "=&-", max_size=10)
    parts = st.tuples(
        st.sampled_from(schemes),
        _host_names(allow_unicode=allow_unicode, upper_case=True),
        st.none() | st.integers(1, 65535).map(lambda port: f":{port}"),
        path,
        st.none() | query.map(lambda text: "?" + text),
        st.none() | _chars(string.ascii_letters, max_size=6).map("#".__add__),
    )
    return _padded(parts.map(lambda items: "".join(item or "" for item in items)))


def _tidy(text: str) -> str:
    """Return what normalize_description keeps (NFC, white space collapsed)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_COMMON_DESCRIPTIONS = (
    "Work",
    "Billing Contact",
    "Emergency Contact",
    "Home",
    "Invoices",
    "Accounts Payable",
    "Finance department",
    "Büro",
    "Facturen",
)


def descriptions(
    *, min_size: int = 0, max_size: int = MAX_DESCRIPTION_LENGTH
) -> st.SearchStrategy[str]:
    """Descriptions accepted by ``normalize_description``, as typed (loose white space).

    ``min_size`` and ``max_size`` bound the length once tidied (trimmed, inner white
    space collapsed, NFC); with ``min_size=0`` some are blank, which means no
    description. The text is any Unicode but control characters, lone surrogates and
    text-direction overrides, mixed with the labels billing teams really use.
    """
    _check_size(min_size, max_size, limit=MAX_DESCRIPTION_LENGTH)
    return _descriptions(min_size, max_size)


@functools.cache
def _descriptions(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    # No codec= here: "Cs" already leaves out the lone surrogates UTF-8 cannot encode, and
    # a codec makes Hypothesis scan every code point (about 9 s) on a first run, before
    # the .hypothesis folder caches it: a host's first test would fail its health check.
    letters = st.characters(
        exclude_categories=("Cc", "Cs"),
        exclude_characters=BIDI_CONTROLS,
    )
    words = st.text(letters | st.sampled_from(" \t\n"), min_size=min_size, max_size=max_size)
    common = st.sampled_from(_COMMON_DESCRIPTIONS).flatmap(
        lambda label: _padded(st.sampled_from([label, label.upper(), label.replace(" ", "  ")]))
    )
    return (common | words).filter(lambda text: min_size <= len(_tidy(text)) <= max_size)


def valid_values(kind: ContactKind, /, *, country: str | None = None) -> st.SearchStrategy[str]:
    """Draw valid raw inputs for ``kind`` (phone numbers read in ``country``).

    Telephone numbers are fixed-line and mobile numbers mobile ones, so that no drawn
    value earns a line-type warning.
    """
    _check_type("kind", kind, ContactKind)
    family = KINDS[kind].family
    match family:
        case Family.EMAIL:
            return emails()
        case Family.WEBSITE:
            return websites()
        case Family.PHONE:
            home = _check_country(country)
            mobile = kind is ContactKind.MOBILE
            if home is not None and not _has_line_type(home, mobile):
                mobile = not mobile  # Tristan da Cunha has no mobile numbers of its own
            return phone_numbers(country=home, mobile=mobile)
        case _:
            assert_never(family)


# --------------------------------------------------------------------------- invalid inputs


def _labelled(code: str, raws: st.SearchStrategy[str]) -> st.SearchStrategy[InvalidInput]:
    return raws.map(lambda raw: InvalidInput(raw, code))


def _blank() -> st.SearchStrategy[str]:
    return _chars(" \t\n\r\u00a0\u3000", max_size=4)


def _with_control(text: str, position: int, control: str) -> str:
    """Put a control character strictly inside ``text`` (strip() eats some at the ends)."""
    cut = 1 + position % max(len(text) - 1, 1)
    return text[:cut] + control + text[cut:]


# Every control character the normalizers refuse (the vocabulary's one definition).
_CONTROLS = st.sampled_from(CONTROL_CHARACTERS)


def invalid_emails(*, codes: Collection[str] | None = None) -> st.SearchStrategy[InvalidInput]:
    """Draw inputs ``normalize_email`` must refuse, labelled with the code it must give.

    ``codes`` limits the draw to some of :data:`EMAIL_CODES`.
    """
    chosen = _check_codes(codes, EMAIL_CODES, "invalid_emails")
    address = emails(allow_unicode=False).map(str.strip)
    ascii_domain = _host_names(allow_unicode=False, upper_case=False)
    local = _chars(string.ascii_lowercase, min_size=1, max_size=8)
    by_code = {
        "email.empty": _blank(),
        "email.invalid": st.one_of(
            local,  # no @ at all
            local.map(lambda text: text + "@"),  # no domain
            st.tuples(local, local).map("@".join),  # a domain without a dot
            st.tuples(local, ascii_domain).map(lambda parts: f"{parts[0]}..x@{parts[1]}"),
            st.tuples(local, ascii_domain).map(lambda parts: f"{parts[0]}@-{parts[1]}"),
            st.tuples(address, st.integers(0, 20), _CONTROLS).map(
                lambda parts: _with_control(*parts)
            ),
        ),
        "email.multiple": st.tuples(address, st.sampled_from(["; ", ",", " ", ";"]), address)
        .filter(lambda parts: parts[0] != parts[2])
        .map("".join),
        "email.too_long": st.integers(513, 3000).map(lambda size: "a" * size + "@a.co"),
    }
    return st.one_of([_labelled(code, by_code[code]) for code in chosen])


def invalid_phone_numbers(
    *, country: str | None = None, codes: Collection[str] | None = None
) -> st.SearchStrategy[InvalidInput]:
    """Draw inputs ``normalize_phone(raw, country)`` must refuse, labelled with the code.

    ``phone.country_required`` (a national number with no billing country) is only
    possible with ``country=None``. ``codes`` limits the draw to some of
    :data:`PHONE_CODES`.
    """
    home = _check_country(country)
    possible = [code for code in PHONE_CODES if home is None or code != "phone.country_required"]
    if codes is not None and home is not None and "phone.country_required" in codes:
        msg = "phone.country_required cannot happen when a country is given; pass country=None."
        raise InvalidArgument(msg)
    chosen = _check_codes(codes, possible, "invalid_phone_numbers")
    numbers = _numbers_of_any_country(None)
    e164 = numbers.map(_e164)
    by_code = {
        "phone.empty": _blank(),
        "phone.invalid": st.one_of(
            _chars(string.ascii_letters, min_size=1, max_size=8),
            # Too short after the country code: "+31 6".
            e164.map(lambda text: text[:4]),
            # Digits added until libphonenumber calls the number invalid (too long).
            e164.map(lambda text: text + "0" * 12),
            st.tuples(e164, st.integers(0, 20), _CONTROLS).map(lambda parts: _with_control(*parts)),
        ),
        "phone.country_required": numbers.map(_national_digits).filter(
            lambda text: not text.startswith(("+", "00"))
        ),
        "phone.extension": st.tuples(
            e164,
            st.sampled_from([" ext. ", " x", ";ext=", " ext "]),
            st.integers(1, 99999).map(str),
        ).map("".join),
        "phone.too_long": st.integers(251, 1200).map(lambda size: "+" + "1" * size),
    }
    return st.one_of([_labelled(code, by_code[code]) for code in chosen])


def _national_digits(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def invalid_websites(*, codes: Collection[str] | None = None) -> st.SearchStrategy[InvalidInput]:
    """Draw inputs ``normalize_website`` must refuse, each labelled with the code.

    ``codes`` limits the draw to some of :data:`WEBSITE_CODES`.
    """
    chosen = _check_codes(codes, WEBSITE_CODES, "invalid_websites")
    host = _host_names(allow_unicode=False, upper_case=False)
    word = _chars(string.ascii_lowercase, min_size=1, max_size=8)
    by_code = {
        "website.empty": _blank(),
        "website.invalid": st.one_of(
            st.sampled_from(["https://", "http://"]),
            st.tuples(st.sampled_from(["http:", "https:"]), host).map("".join),
            host.map(lambda name: f"https://{name}:99999"),
        ),
        "website.scheme": st.one_of(
            st.sampled_from(["javascript:alert(1)", "data:text/html,<b>hi</b>"]),
            st.tuples(st.sampled_from(["ftp://", "file://", "gopher://", "ws://"]), host).map(
                "".join
            ),
            host.map(lambda name: "mailto:info@" + name),
        ),
        "website.host": st.one_of(
            word.map(lambda name: "https://" + name),  # one label: "https://localhost"
            host.map(lambda name: "https://-" + name),
            host.map(lambda name: "https://a_" + name),
            st.tuples(word, word).map(lambda parts: f"https://{parts[0]}..{parts[1]}.co"),
        ),
        "website.userinfo": st.tuples(word, st.none() | word, host).map(
            lambda parts: (
                f"https://{parts[0]}{'' if parts[1] is None else ':' + parts[1]}@{parts[2]}"
            )
        ),
        "website.character": st.tuples(
            host, st.sampled_from([" ", "\t", "\x00", "\x7f", "\u00a0", "\u2028"])
        ).map(lambda parts: _with_control(parts[0], 0, parts[1])),
        "website.too_long": st.integers(2001, 6000).map(
            lambda size: "https://a.co/" + "a" * (size - 13)
        ),
        # What a browser reads otherwise: "\\" is "/" to it ("good.com\\@evil.com").
        "website.backslash": st.tuples(host, word).map(
            lambda parts: f"https://{parts[0]}\\@{parts[1]}.com"
        ),
        # IPv4 written in hexadecimal, octal (a leading zero) or fewer parts.
        "website.ip_form": st.one_of(
            st.integers(0, 2**32 - 1).map(lambda n: f"http://{n:#x}"),
            st.integers(0, 255).map(lambda n: f"http://1.2.3.0{n}"),
            host.map(lambda name: f"https://{name}.0x1"),
        ),
        "website.unreachable": st.sampled_from(
            [
                "http://127.0.0.1",
                "http://10.0.0.8/admin",
                "https://192.168.1.1",
                "http://169.254.169.254/latest/meta-data",
                "http://[::1]",
                "http://[fe80::1]",
                "https://shop.localhost",
                "https://printer.local",
            ]
        ),
    }
    return st.one_of([_labelled(code, by_code[code]) for code in chosen])


def invalid_descriptions(
    *, codes: Collection[str] | None = None
) -> st.SearchStrategy[InvalidInput]:
    """Draw inputs ``normalize_description`` must refuse, each labelled with the code.

    ``codes`` limits the draw to some of :data:`DESCRIPTION_CODES`.
    """
    chosen = _check_codes(codes, DESCRIPTION_CODES, "invalid_descriptions")
    text = descriptions(min_size=1, max_size=20)
    by_code = {
        "description.too_long": st.integers(MAX_DESCRIPTION_LENGTH + 1, 400).map(
            lambda size: "x" * size
        ),
        "description.character": st.tuples(
            text, st.integers(0, 20), _CONTROLS | st.sampled_from(BIDI_CONTROLS)
        ).map(lambda parts: _with_control(*parts)),
    }
    return st.one_of([_labelled(code, by_code[code]) for code in chosen])


def invalid_values(
    kind: ContactKind, /, *, country: str | None = None
) -> st.SearchStrategy[InvalidInput]:
    """Draw inputs ``normalize(kind, raw, country)`` must refuse, labelled with the code."""
    _check_type("kind", kind, ContactKind)
    family = KINDS[kind].family
    match family:
        case Family.EMAIL:
            return invalid_emails()
        case Family.WEBSITE:
            return invalid_websites()
        case Family.PHONE:
            return invalid_phone_numbers(country=country)
        case _:
            assert_never(family)


# --------------------------------------------------------------------------- domain values


@functools.cache
def _maybe_descriptions() -> st.SearchStrategy[str | None]:
    return st.none() | descriptions()


@st.composite
def _points(
    draw: st.DrawFn,
    *,
    kinds: Sequence[ContactKind],
    country: str | None,
    ids: st.SearchStrategy[int],
) -> ContactPoint:
    kind = draw(st.sampled_from(kinds))
    raw = draw(valid_values(kind, country=country))
    description = draw(_maybe_descriptions())
    # The point contactbook.add makes (value, entered text, country, tidied description).
    (point,) = add(ContactSet(), kind, raw, description, country=country).points
    return attrs.evolve(point, id=draw(ids))


@functools.cache
def _unnumbered_points(
    kinds: tuple[ContactKind, ...], country: str | None
) -> st.SearchStrategy[ContactPoint]:
    # One strategy per (kinds, country), not a new one per drawn set: Hypothesis keeps
    # what it learns about a strategy (validation, emptiness) on the object.
    return _points(kinds=kinds, country=country, ids=st.just(0))


def contact_points(
    *, kinds: Collection[ContactKind] | None = None, country: str | None = None
) -> st.SearchStrategy[ContactPoint]:
    """Contact points as :func:`contactbook.add` makes them, with any positive id.

    ``value`` is the normalized form of ``entered``; phone points keep ``country``.
    ``kinds`` limits the kinds drawn.
    """
    return _points(
        kinds=_check_kinds(kinds), country=_check_country(country), ids=st.integers(1, 10_000)
    )


@st.composite
def _sets(
    draw: st.DrawFn,
    *,
    min_size: int,
    max_size: int,
    kinds: Sequence[ContactKind],
    country: str | None,
) -> ContactSet:
    points = draw(
        st.lists(
            _unnumbered_points(tuple(kinds), country),
            min_size=min_size,
            max_size=max_size,
            unique_by=lambda point: (point.kind, point.match_key),
        )
    )
    # Ids grow in the order points were added; gaps are points removed since.
    next_id = 1
    numbered = []
    for point in points:
        point_id = next_id + draw(st.integers(0, 3))
        numbered.append(attrs.evolve(point, id=point_id))
        next_id = point_id + 1
    return ContactSet(numbered, next_id + draw(st.integers(0, 3)))


def contact_sets(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    kinds: Collection[ContactKind] | None = None,
    country: str | None = None,
) -> st.SearchStrategy[ContactSet]:
    """Contact sets of ``min_size`` to ``max_size`` points (at most 100), as saved.

    Points are in the order they were added, with growing ids and the gaps removals
    leave; ``next_id`` may be past the last id. Phone points were entered in the billing
    country ``country``.
    """
    _check_size(min_size, max_size, limit=MAX_POINTS)
    return _sets(
        min_size=min_size,
        max_size=MAX_POINTS if max_size is None else max_size,
        kinds=_check_kinds(kinds),
        country=_check_country(country),
    )


def _taken(contacts: ContactSet, kind: ContactKind, value: str, own_id: int | None) -> bool:
    key = match_key(kind, value)
    return any(
        point.kind is kind and point.id != own_id and point.match_key == key
        for point in contacts.points
    )


@st.composite
def _changes(  # noqa: PLR0911 -- one return per kind of change reads best
    draw: st.DrawFn, contacts: ContactSet, country: str | None
) -> Command:
    """One change that apply() must accept on ``contacts`` (read in ``country``)."""
    actions = ["add", "set_primary", "clear_primary"]
    if contacts.points:
        actions[1:1] = ["edit", "remove"]
    action = draw(st.sampled_from(actions))
    kind = draw(contact_kinds())
    maybe_description = _maybe_descriptions()
    if action == "clear_primary":
        return ClearPrimary(kind)
    if action == "remove":
        return RemovePoint(draw(st.sampled_from(contacts.points)).id)
    if action == "edit":
        point = draw(st.sampled_from(contacts.points))
        value = draw(st.just(UNCHANGED) | valid_values(point.kind, country=country))
        description = draw(st.just(UNCHANGED) | maybe_description)
        if value is not UNCHANGED and _taken(
            contacts, point.kind, validate_value(point.kind, value, country).value, point.id
        ):
            return EditPoint(point.id, description=description)
        return EditPoint(point.id, value, description)
    value = draw(valid_values(kind, country=country))
    normalized = validate_value(kind, value, country).value
    if action == "set_primary":
        primary = contacts.primary(kind)
        description = draw(st.just(UNCHANGED) | maybe_description)
        full = primary is None and len(contacts) >= MAX_POINTS
        if full or _taken(contacts, kind, normalized, None if primary is None else primary.id):
            return ClearPrimary(kind)
        return SetPrimary(kind, value, description)
    if len(contacts) >= MAX_POINTS or _taken(contacts, kind, normalized, None):
        # Never a refused change: in a full set, or for a value already present, the
        # batch clears the kind's primary field instead.
        return ClearPrimary(kind)
    return AddPoint(kind, value, draw(maybe_description))


@st.composite
def _batches(
    draw: st.DrawFn,
    contacts: ContactSet,
    country: str | None,
    min_size: int,
    max_size: int | None,
) -> list[Command]:
    size = len(draw(st.lists(st.just(None), min_size=min_size, max_size=max_size)))
    batch: list[Command] = []
    working = contacts
    for _ in range(size):
        change = draw(_changes(working, country))
        batch.append(change)
        # The next change is drawn against the set as the batch has made it so far.
        working = apply(working, [change], country=country).contacts
    return batch


def batches(
    contacts: ContactSet,
    /,
    *,
    country: str | None = None,
    min_size: int = 0,
    max_size: int | None = None,
) -> st.SearchStrategy[list[Command]]:
    """Batches of changes that ``apply(contacts, batch, country=country)`` accepts.

    Every kind of change occurs: adding, editing (value, description or both), removing
    (a primary too, so the next point is promoted), setting and clearing primary
    fields. Each change is drawn against the set as the changes before it left it, so a
    batch may remove a point and add its value again. ``country`` is the billing country
    the batch will be applied with.
    """
    _check_type("contacts", contacts, ContactSet)
    _check_size(min_size, max_size)
    return _batches(contacts, _check_country(country), min_size, max_size)
