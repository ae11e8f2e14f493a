"""Turning what a person typed into a stored value, or a clear refusal.

This module is the only one that imports the validator libraries (phonenumbers,
email-validator, rfc3986); the rest of contactbook sees plain strings. Each public
normalizer takes the raw text positionally and either returns the normalized value or
raises :class:`~contactbook.errors.ContactValidationError`; it never raises anything
else for a ``str`` input, whatever it holds. A non-``str`` input is a programming error
and raises :class:`TypeError`.

The decisions behind each rule are explained in ``docs/explanation/normalization.md``.

The validator libraries are imported on first use, not when contactbook is imported:
a host that only loads, shows or routes stored contact sets never pays for them
(``docs/explanation/performance.md``).
"""

from __future__ import annotations

import enum
import functools
import unicodedata
from typing import TYPE_CHECKING, assert_never

import attrs

from contactbook._fastpath import Refused, emails, gate, phones, websites
from contactbook.errors import ContactValidationError, Problem
from contactbook.messages import N_, Message
from contactbook.model import KINDS, ContactKind, Family
from contactbook.vocabulary import REFUSED, REFUSED_IN_DESCRIPTION, require_text
from contactbook.vocabulary import shown as _shown

if TYPE_CHECKING:
    import phonenumbers
    import rfc3986.validators

__all__ = [
    "MAX_DESCRIPTION_LENGTH",
    "MAX_EMAIL_INPUT",
    "MAX_WEBSITE_LENGTH",
    "LineType",
    "Normalized",
    "ParsedPhone",
    "country_named",
    "email_reference",
    "format_phone",
    "normalize",
    "normalize_country",
    "normalize_description",
    "normalize_email",
    "normalize_phone",
    "normalize_website",
    "parse_phone",
    "phone_input",
    "phone_reference",
    "phone_uri",
    "trimmed",
    "validate_value",
    "website_reference",
]

#: The longest description kept, in characters, after white space is collapsed.
MAX_DESCRIPTION_LENGTH = 100

# Inputs longer than these are refused before any parsing, so that no input can make a
# normalizer do unbounded work. Each is far above the longest valid value: RFC 5321
# caps an address at 254 octets, libphonenumber reads at most 250 characters, and
# browsers and search engines stop at about 2,000 characters of URL.
#: The longest email input read, in characters (longer is ``email.too_long``).
MAX_EMAIL_INPUT = 512
_MAX_PHONE_INPUT = 250
#: The longest web address read, in characters (longer is ``website.too_long``).
MAX_WEBSITE_LENGTH = websites.MAX_LENGTH
_MAX_DESCRIPTION_INPUT = 10_000

# What is trimmed from both ends of an email address, telephone number or web address:
# every character str.isspace() calls white space, and the invisible format characters
# that come along when a value is copied from a web page, a PDF or a spreadsheet (zero
# width space, non-joiner and joiner, word joiner, and the byte order mark U+FEFF).
# Spelt out, not computed, so that importing costs nothing; a test checks the white
# space against str.isspace().
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_TRIMMED = _WHITE_SPACE + _INVISIBLE


@functools.cache
def _web_validator() -> rfc3986.validators.Validator:
    import rfc3986.validators

    return (
        rfc3986.validators.Validator()
        .require_presence_of("scheme", "host")
        .allow_schemes("http", "https")
        .check_validity_of("scheme", "host", "port", "path", "query", "fragment")
    )


def _refuse(code: str, field: str, message: str) -> ContactValidationError:
    return ContactValidationError(message, code=code, field=field)


def _refusal(refused: Refused, field: str) -> ContactValidationError:
    return _refuse(refused.code, field, refused.message)


def _decided(fast: str | Refused, field: str) -> str:
    """Return a fast path's value, or raise its refusal (the reference path's own)."""
    if isinstance(fast, str):
        return fast
    raise _refusal(fast, field)


def _require_str(raw: object, what: str) -> str:
    if not isinstance(raw, str):
        msg = f"{what} must be a str, not {type(raw).__name__}"
        raise TypeError(msg)
    return raw


# The refusals of empty and oversized input, for each kind of value (by code prefix).
_TOO_LONG = {
    "email": N_("The email address is {length:,} characters long; at most {limit} are allowed."),
    "phone": N_("The telephone number is {length:,} characters long; at most {limit} are allowed."),
    "website": N_("The website is {length:,} characters long; at most {limit} are allowed."),
}
_EMPTY = {
    "email": N_("Enter the email address; it is empty."),
    "phone": N_("Enter the telephone number; it is empty."),
    "website": N_("Enter the website; it is empty."),
}


def trimmed(raw: object, *, field: str, code_prefix: str, limit: int, what: str) -> str:
    """Check the type, refuse empty and oversized input, trim white space and invisibles."""
    text = raw if type(raw) is str else _require_str(raw, what)  # (the common case first)
    # Checked before strip() too, so that a huge string costs nothing to refuse.
    if len(text) > 4 * limit or len(text := text.strip(_TRIMMED)) > limit:
        raise _refuse(
            f"{code_prefix}.too_long",
            field,
            Message(_TOO_LONG[code_prefix], length=len(text), limit=limit),
        )
    if not text:
        raise _refuse(f"{code_prefix}.empty", field, Message(_EMPTY[code_prefix]))
    if not text.isascii():  # (ASCII holds no surrogate: most values need no call)
        require_text(text, field=field, what=what)
    return text


# --------------------------------------------------------------------------- email


def normalize_email(raw: str, /, *, check_deliverability: bool = False) -> str:
    """Return the normalized form of one email address, or refuse it.

    Surrounding white space and invisible characters (zero width space, byte order
    mark, ...) are trimmed; the syntax is checked by email-validator
    without any network access unless ``check_deliverability`` is true. The result is
    email-validator's normalized form: the domain lower-cased (internationalised domains
    in Unicode, NFC), the local part kept as entered (NFC).

    >>> normalize_email("  John.Doe@Example.COM ")
    'John.Doe@example.com'
    """
    return _email(raw, field="email", check_deliverability=check_deliverability)


def _email(raw: object, *, field: str, check_deliverability: bool = False) -> str:
    text = trimmed(
        raw, field=field, code_prefix="email", limit=MAX_EMAIL_INPUT, what="email address"
    )
    if not check_deliverability and gate.email:  # the fence (_fastpath.FENCE)
        # Most addresses, and most refusals, are read without email-validator; the
        # differential tests prove the outcome is the same (docs/explanation/performance.md).
        fast = emails.email(text)
        if fast is not None:
            return _decided(fast, field)
    return _email_checked(text, field=field, check_deliverability=check_deliverability)


def email_reference(
    raw: object, *, field: str = "email", check_deliverability: bool = False
) -> str:
    """Read an email address with email-validator alone, never the fast path (for tests)."""
    text = trimmed(
        raw, field=field, code_prefix="email", limit=MAX_EMAIL_INPUT, what="email address"
    )
    return _email_checked(text, field=field, check_deliverability=check_deliverability)


def _email_checked(text: str, *, field: str, check_deliverability: bool) -> str:
    if REFUSED.search(text):
        raise _refuse(
            "email.invalid",
            field,
            Message("The email address holds control characters; retype it."),
        )
    several = emails.several(text)
    if several is not None:
        raise _refusal(several, field)
    import email_validator

    try:
        result = email_validator.validate_email(text, check_deliverability=check_deliverability)
    except email_validator.EmailUndeliverableError as error:
        message = Message(
            "{value} cannot receive email: {reason}",
            value=_shown(text),
            reason=emails.reason(str(error)),
        )
        raise _refuse("email.undeliverable", field, message) from None
    except (ValueError, UnicodeError) as error:
        # EmailSyntaxError is a ValueError; idna raises UnicodeError subclasses.
        raise _refuse("email.invalid", field, emails.invalid(text, str(error))) from None
    return result.normalized


# --------------------------------------------------------------------------- phone


class LineType(enum.Enum):
    """What libphonenumber knows about the kind of line a number belongs to."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    OTHER = "other"  # fixed line or mobile (US, CA, ...), VoIP, toll free, unknown ...


@attrs.frozen
class ParsedPhone:
    """A valid telephone number: its E.164 form and what kind of line it is."""

    e164: str
    line_type: LineType


# NumberParseException.error_type values (stable since libphonenumber's first release).
_PARSE_FAILURES = {
    0: N_("the country code is not valid"),  # INVALID_COUNTRY_CODE
    1: N_("it does not look like a telephone number"),  # NOT_A_NUMBER
    2: N_("it is too short after the international prefix"),  # TOO_SHORT_AFTER_IDD
    3: N_("it is too short"),  # TOO_SHORT_NSN
    4: N_("it is too long"),  # TOO_LONG
}
_NOT_A_NUMBER = N_("it is not a telephone number")


@functools.cache
def _countries() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def normalize_country(country: str | None, /) -> str | None:
    """Return a billing country as an upper-case ISO 3166-1 alpha-2 code, or refuse it.

    ``None`` (no billing country known) stays ``None``. Only countries libphonenumber
    knows are accepted.

    >>> normalize_country(" nl ")
    'NL'
    """
    if country is None:
        return None
    countries = _countries()
    if type(country) is str and country in countries:
        return country  # already an upper-case code: the common case, kept cheap
    code = _require_str(country, "country").strip().upper()
    if code not in countries:
        raise _refuse(
            "country.invalid",
            "country",
            Message(
                "{value} is not a country code; give the billing country as two letters "
                "(ISO 3166-1 alpha-2), for example 'NL' or 'GB'.",
                value=_shown(country),
            ),
        )
    return code


# Names an address gives a country by that libphonenumber's own country names leave out.
_COUNTRY_ALIASES = {
    "usa": "US",
    "unitedstatesofamerica": "US",
    "uk": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "holland": "NL",
}


def _country_key(name: str) -> str:
    """Return a country name as compared: letters and digits only, case-folded."""
    return "".join(char for char in name.casefold() if char.isalnum())


@functools.cache
def _country_names() -> dict[str, str]:
    # libphonenumber's geocoding data names every country in many languages ("*xx" means
    # "as in language xx"); imported on first use only, as it is large.
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for code, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            if not name.startswith("*"):
                names.setdefault(_country_key(name), code)
    names.update(_COUNTRY_ALIASES)
    return names


def country_named(text: str, /) -> str | None:
    """Return the country code a country as an address writes it stands for, or ``None``.

    A two-letter code (``nl``) or a country's name in any language libphonenumber knows
    (``Netherlands``, ``Deutschland``, ``U.S.A.``), compared without case, spaces or
    dots. Used for the country of a vCard's address; ``None`` when it names no country.

    >>> country_named("United States of America"), country_named("Deutschland")
    ('US', 'DE')
    """
    code = text.strip().upper()
    if code in _countries():
        return code
    country = _country_names().get(_country_key(text))
    return country if country in _countries() else None


def normalize_phone(raw: str, /, country: str | None = None) -> str:
    """Return a telephone number in E.164 form (``+31612345678``), or refuse it.

    ``country`` is the customer's billing country (ISO 3166-1 alpha-2, any case): it is
    used only for numbers written without a country code. A number starting with ``+``
    needs no country; without a country, a leading ``00`` is read as the international
    prefix. Numbers with an extension are refused, since E.164 cannot hold one.

    >>> normalize_phone("06 12345678", "NL")
    '+31612345678'
    """
    text, billing_country = phone_input(raw, country, "phone")
    fast = _fast_phone(text, billing_country, "phone")
    if fast is not None:
        return fast.e164
    import phonenumbers

    return phonenumbers.format_number(
        _phone_checked(text, billing_country, "phone"), phonenumbers.PhoneNumberFormat.E164
    )


def parse_phone(raw: str, /, country: str | None = None, *, field: str = "phone") -> ParsedPhone:
    """Like :func:`normalize_phone`, but also tell what kind of line the number is."""
    text, billing_country = phone_input(raw, country, field)
    fast = _fast_phone(text, billing_country, field)
    if fast is not None:
        return ParsedPhone(e164=fast.e164, line_type=LineType(fast.line_type))
    return _parsed(_phone_checked(text, billing_country, field))


def _fast_phone(text: str, billing_country: str | None, field: str) -> phones.Phone | None:
    """Run the phone fast path: a valid number, its refusal raised, or ``None`` if unsure.

    Digits and separators are read against phonenumbers' metadata without
    phonenumbers.parse; the differential tests prove the outcome is the same
    (docs/explanation/performance.md).
    """
    if not gate.phone:  # the fence (_fastpath.FENCE)
        return None
    fast = phones.phone(text, billing_country)
    if isinstance(fast, Refused):
        raise _refusal(fast, field)
    return fast


def phone_reference(
    raw: object, country: str | None = None, *, field: str = "phone"
) -> ParsedPhone:
    """Read a number with phonenumbers alone, never the fast path (for tests)."""
    text, billing_country = phone_input(raw, country, field)
    return _parsed(_phone_checked(text, billing_country, field))


def _parsed(number: phonenumbers.PhoneNumber) -> ParsedPhone:
    import phonenumbers

    line_type = phonenumbers.number_type(number)
    return ParsedPhone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        line_type=(
            LineType.FIXED_LINE
            if line_type == phonenumbers.PhoneNumberType.FIXED_LINE
            else LineType.MOBILE
            if line_type == phonenumbers.PhoneNumberType.MOBILE
            else LineType.OTHER
        ),
    )


def phone_input(raw: object, country: str | None, field: str) -> tuple[str, str | None]:
    """Check the country and the text, and read a leading ``00`` without a country.

    Return the text every later step and message uses, and the billing country.
    """
    billing_country = normalize_country(country)
    text = trimmed(
        raw, field=field, code_prefix="phone", limit=_MAX_PHONE_INPUT, what="telephone number"
    )
    if REFUSED.search(text):
        raise _refuse(
            "phone.invalid",
            field,
            Message("The telephone number holds control characters; retype it."),
        )
    if billing_country is None and text.startswith("00"):
        # "00" is the international call prefix of most of the world (ITU-T E.164 Annex
        # A); with no billing country there is no other way to read it.
        text = "+" + text[2:]
    return text, billing_country


def _phone_checked(text: str, billing_country: str | None, field: str) -> phonenumbers.PhoneNumber:
    """Parse and check a number with phonenumbers: the reference path after the input."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, billing_country)
    except phonenumbers.NumberParseException as error:
        if (
            error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE
            and billing_country is None
            and not text.startswith("+")  # "+999 ...": a country code, just not a real one
        ):
            raise _refusal(phones.country_required(text), field) from None
        reason = Message(_PARSE_FAILURES.get(error.error_type, _NOT_A_NUMBER))
        message = Message(
            "{value} is not a valid telephone number: {reason}.", value=_shown(text), reason=reason
        )
        raise _refuse("phone.invalid", field, message) from None
    if number.extension:
        raise _refuse(
            "phone.extension",
            field,
            Message(
                "{value} has an extension ({extension}), which an E.164 number cannot hold; "
                "enter the number without it and put the extension in the description.",
                value=_shown(text),
                extension=number.extension,
            ),
        )
    if not phonenumbers.is_valid_number(number):
        raise _refusal(phones.invalid(text, billing_country), field)
    return number


def format_phone(e164: str, /) -> str:
    """Return a stored E.164 number in international format, for display.

    >>> format_phone("+31612345678")
    '+31 6 12345678'
    """
    import phonenumbers

    return phonenumbers.format_number(
        _stored_number(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def phone_uri(e164: str, /) -> str:
    """Return a stored E.164 number as an RFC 3966 ``tel:`` URI, for links.

    >>> phone_uri("+31612345678")
    'tel:+31-6-12345678'
    """
    import phonenumbers

    return phonenumbers.format_number(_stored_number(e164), phonenumbers.PhoneNumberFormat.RFC3966)


def _stored_number(e164: str) -> phonenumbers.PhoneNumber:
    import phonenumbers

    try:
        return phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        msg = f"{e164!r} is not a stored E.164 number."
        raise ValueError(msg) from None


# --------------------------------------------------------------------------- website


def normalize_website(raw: str, /) -> str:
    """Return a web address as a normalized ``http``/``https`` URI, or refuse it.

    A bare host (``example.com``) gets ``https://``. Scheme and host are lower-cased,
    an internationalised host is IDNA-encoded, default ports and a lone ``/`` path are
    dropped, dot segments are removed and percent escapes upper-cased (RFC 3986 §6.2.2);
    an IPv6 host is written in its RFC 5952 form. Other schemes, user names or
    passwords, white space and control characters are refused, and so is whatever a
    browser would read otherwise (a backslash, an IPv4 address not in dotted decimal,
    an invalid ``xn--`` label) and any host not reachable from the internet (loopback,
    private, reserved and special-use addresses and names).

    >>> normalize_website("Example.COM")
    'https://example.com'
    """
    return _website(raw, field="website")


def _website(raw: object, *, field: str) -> str:
    text = trimmed(
        raw, field=field, code_prefix="website", limit=MAX_WEBSITE_LENGTH, what="website"
    )
    # Most addresses, internationalised hosts included, are read without rfc3986; the
    # differential tests prove the outcome is the same (docs/explanation/performance.md).
    fast = websites.website(text) if gate.website else None  # the fence (_fastpath.FENCE)
    if fast is not None:
        return _decided(fast, field)
    return _website_checked(text, field)


def website_reference(raw: object, *, field: str = "website") -> str:
    """Read a web address with rfc3986, never the fast path (for tests).

    contactbook's own rules around rfc3986 (the character and scheme checks before it,
    the host rule after it) are the ones the fast path uses: ``_fastpath.websites``.
    """
    text = trimmed(
        raw, field=field, code_prefix="website", limit=MAX_WEBSITE_LENGTH, what="website"
    )
    return _website_checked(text, field)


def _website_checked(text: str, field: str) -> str:
    front = websites.scheme_and_rest(text)
    if isinstance(front, Refused):
        raise _refusal(front, field)
    scheme, rest = front
    idn = websites.idn_host(rest)
    if idn is not None:
        before, name, after = idn
        rest = f"{before}{_ascii_host(name, text, field)}{after}"
    url = f"{scheme}://{rest}"
    import rfc3986
    import rfc3986.exceptions

    try:
        if url.isascii():
            reference = rfc3986.uri_reference(url)
        else:
            reference = rfc3986.iri_reference(url).encode()
        reference = reference.normalize()
    except (ValueError, UnicodeError, rfc3986.exceptions.RFC3986Exception):
        message = Message("{value} does not have a valid host name.", value=_shown(text))
        raise _refuse("website.host", field, message) from None
    if reference.userinfo is not None:
        raise _refusal(websites.refused("website.userinfo", text), field)
    try:
        _web_validator().validate(reference)
    except rfc3986.exceptions.ValidationError:
        raise _refusal(websites.refused("website.invalid", text), field) from None
    host = websites.checked_host(reference.host or "", text)
    if isinstance(host, Refused):
        raise _refusal(host, field)
    port = websites.canonical_port(reference.port, reference.scheme or "https")
    path = reference.path
    if path == "/":
        path = None  # RFC 3986 §6.2.3: an empty path and "/" are equivalent for http(s)
    authority = host if port is None else f"{host}:{port}"
    result: str = reference.copy_with(authority=authority, path=path).unsplit()
    return _decided(websites.stored(result), field)


def _ascii_host(host: str, text: str, field: str) -> str:
    """Map a non-ASCII host as a browser does: WHATWG URL's "domain to ASCII".

    UTS #46 mapping (non-transitional, without the STD3 rules, as WHATWG URL) of the
    whole host, then each label to its IDNA 2008 A-label; idna refuses what IDNA 2008
    does not allow, where a browser may be more lenient: then the address is refused.
    """
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except ValueError:  # idna.IDNAError (a UnicodeError); an older idna (3.7) raises a
        # bare ValueError for a character this Python's Unicode database has no name for
        raise _refusal(websites.refused("website.host", text), field) from None


# --------------------------------------------------------------------------- any kind


@attrs.frozen
class Normalized:
    """A value accepted for a kind, with a warning the caller may show (or ``None``)."""

    value: str
    warning: Problem | None = None


def normalize(kind: ContactKind, raw: str, /, country: str | None = None) -> str:
    """Return ``raw`` normalized as a value of ``kind``, or refuse it.

    >>> normalize(ContactKind.MOBILE, "+31 6 12345678")
    '+31612345678'
    """
    return validate_value(kind, raw, country).value


def validate_value(kind: ContactKind, raw: str, /, country: str | None = None) -> Normalized:
    """Normalize ``raw`` as a value of ``kind`` and say what is odd about it.

    The one warning today: a number libphonenumber knows to be fixed-line only entered
    as ``MOBILE``, or mobile only entered as ``PHONE``. Numbers it cannot tell apart
    (the US and Canada, for instance) get no warning.
    """
    family, field = _FAMILY[kind]
    match family:
        case Family.EMAIL:
            return Normalized(_email(raw, field=field))
        case Family.WEBSITE:
            return Normalized(_website(raw, field=field))
        case Family.PHONE:
            pass
        case _:
            assert_never(family)
    # parse_phone, without building its ParsedPhone: check runs on every value of a file.
    text, billing_country = phone_input(raw, country, field)
    fast = _fast_phone(text, billing_country, field)
    if fast is None:
        parsed = _parsed(_phone_checked(text, billing_country, field))
        e164, line_type = parsed.e164, parsed.line_type.value
    else:
        e164, line_type = fast.e164, fast.line_type
    # A warning writes the number as the card shows it (format_phone), not as stored.
    if kind is ContactKind.MOBILE and line_type == _FIXED_LINE:
        warning = Problem(
            "mobile.fixed_line",
            field,
            Message(
                "{number} is a fixed-line number, but it was entered as a mobile number; "
                "text messages will not reach it.",
                number=format_phone(e164),
            ),
        )
        return Normalized(e164, warning)
    if kind is ContactKind.PHONE and line_type == _MOBILE:
        warning = Problem(
            "phone.mobile",
            field,
            Message(
                "{number} is a mobile number, but it was entered as a telephone (landline) "
                "number; consider entering it as Mobile.",
                number=format_phone(e164),
            ),
        )
        return Normalized(e164, warning)
    return Normalized(e164)


# The table's families (and each kind's field name) in a plain dict: validate_value runs
# on every value of a file, and an enum member's ``.value`` is a descriptor call.
_FAMILY = {kind: (spec.family, kind.value) for kind, spec in KINDS.items()}
_FIXED_LINE = LineType.FIXED_LINE.value
_MOBILE = LineType.MOBILE.value


# --------------------------------------------------------------------------- description


def normalize_description(raw: str | None, /) -> str | None:
    r"""Return a description with white space tidied, ``None`` for none, or refuse it.

    Surrounding white space is trimmed and inner runs collapse to one space; the text is
    put in Unicode NFC. Empty means no description. At most 100 characters; control
    characters and bidirectional overrides are refused.

    >>> normalize_description("  Billing \n Contact ")
    'Billing Contact'
    """
    if raw is None:
        return None
    text = _require_str(raw, "description")
    if len(text) > _MAX_DESCRIPTION_INPUT:
        raise _refuse(
            "description.too_long",
            "description",
            Message(
                "The description is {length} characters long; at most {limit} are allowed.",
                length=len(text),
                limit=MAX_DESCRIPTION_LENGTH,
            ),
        )
    require_text(text, field="description", what="description")
    if REFUSED_IN_DESCRIPTION.search(text):
        raise _refuse(
            "description.character",
            "description",
            Message("The description holds control or text-direction characters; retype it."),
        )
    tidy = " ".join(unicodedata.normalize("NFC", text).split())
    if not tidy:
        return None
    if len(tidy) > MAX_DESCRIPTION_LENGTH:
        raise _refuse(
            "description.too_long",
            "description",
            Message(
                "The description is {length} characters long; at most {limit} are allowed. "
                "Shorten it.",
                length=len(tidy),
                limit=MAX_DESCRIPTION_LENGTH,
            ),
        )
    return tidy
