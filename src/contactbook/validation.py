"""Turning what a person typed into a stored value, or a clear refusal.

This module is the only one that imports the validator libraries (phonenumbers,
email-validator, rfc3986); the rest of contactbook sees plain strings. Each public
normaliser takes the raw text positionally and either returns the normalised value or
raises :class:`~contactbook.errors.ContactValidationError`; it never raises anything
else for a ``str`` input, whatever it holds. A non-``str`` input is a programming error
and raises :class:`TypeError`.

The decisions behind each rule are explained in ``docs/explanation/normalisation.md``.

The validator libraries are imported on first use, not when contactbook is imported:
a host that only loads, shows or routes stored contact sets never pays for them
(``docs/explanation/performance.md``).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from typing import TYPE_CHECKING

import attrs

from contactbook._fastpath import Refused, emails, websites
from contactbook._fastpath import shown as _shown
from contactbook.errors import ContactValidationError, Problem
from contactbook.model import ContactKind

if TYPE_CHECKING:
    import phonenumbers
    import rfc3986.validators

__all__ = [
    "MAX_DESCRIPTION_LENGTH",
    "LineType",
    "Normalised",
    "ParsedPhone",
    "check",
    "format_phone",
    "normalize",
    "normalize_description",
    "normalize_email",
    "normalize_phone",
    "normalize_region",
    "normalize_website",
    "parse_phone",
    "phone_uri",
]

#: The longest description kept, in characters, after white space is collapsed.
MAX_DESCRIPTION_LENGTH = 100

# Inputs longer than these are refused before any parsing, so that no input can make a
# normaliser do unbounded work. Each is far above the longest valid value: RFC 5321
# caps an address at 254 octets, libphonenumber reads at most 250 characters, and
# browsers and search engines stop at about 2,000 characters of URL.
_MAX_EMAIL_INPUT = 512
_MAX_PHONE_INPUT = 250
_MAX_WEBSITE_LENGTH = 2000
_MAX_DESCRIPTION_INPUT = 10_000

# C0 and C1 control characters (tab, LF and CR excepted: they are white space) and lone
# surrogates, which cannot be encoded as UTF-8 and so could never be stored or sent.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# In a description, also the bidirectional embedding, override and isolate controls,
# which can make a label display as something other than what it is ("Trojan Source").
_DESCRIPTION_BAD = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
# In a web address nothing may be white space or a control character.
_WEBSITE_BAD = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What may follow "host:" when the colon starts a port, not a scheme ("x.nl:8080/a").
_PORT_THEN_PATH = re.compile(r"\d*(?:[/?#]|$)")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# RFC 1123 host name label, after IDNA encoding: letters, digits, inner hyphens.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# What the email fast path must leave to email-validator (see _fastpath.emails): the RFC
# 2142 mailbox names it lower-cases and the last label of each special-use domain it
# refuses. Copied so that the fast path needs no import of email-validator; a test
# (tests/test_fastpath_differential.py) checks them against email-validator's own.
_CASE_INSENSITIVE_MAILBOXES = frozenset(
    {"abuse", "ftp", "hostmaster", "info", "marketing", "news", "noc", "postmaster",
     "sales", "security", "support", "usenet", "uucp", "webmaster", "www"}
)  # fmt: skip
_RESERVED_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


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


def _decided(fast: str | Refused, field: str) -> str:
    """Return a fast path's value, or raise its refusal (the reference path's own)."""
    if isinstance(fast, str):
        return fast
    raise _refuse(fast.code, field, fast.message)


def _require_str(raw: object, what: str) -> str:
    if not isinstance(raw, str):
        msg = f"{what} must be a str, not {type(raw).__name__}"
        raise TypeError(msg)
    return raw


def _trimmed(raw: object, *, field: str, code_prefix: str, limit: int, what: str) -> str:
    """Check the type, refuse empty and oversized input, and trim surrounding space."""
    text = _require_str(raw, what)
    # Checked before strip() too, so that a huge string costs nothing to refuse.
    if len(text) > 4 * limit or len(text := text.strip()) > limit:
        raise _refuse(
            f"{code_prefix}.too_long",
            field,
            f"The {what} is {len(text):,} characters long; at most {limit} are allowed.",
        )
    if not text:
        raise _refuse(f"{code_prefix}.empty", field, f"Enter the {what}; it is empty.")
    return text


# --------------------------------------------------------------------------- email


def normalize_email(raw: str, /, *, check_deliverability: bool = False) -> str:
    """Return the normalised form of one email address, or refuse it.

    Surrounding white space is trimmed; the syntax is checked by email-validator
    without any network access unless ``check_deliverability`` is true. The result is
    email-validator's normalised form: the domain lower-cased (internationalised domains
    in Unicode, NFC), the local part kept as entered (NFC).

    >>> normalize_email("  John.Doe@Example.COM ")
    'John.Doe@example.com'
    """
    return _email(raw, field="email", check_deliverability=check_deliverability)


def _email(raw: object, *, field: str, check_deliverability: bool = False) -> str:
    text = _trimmed(
        raw, field=field, code_prefix="email", limit=_MAX_EMAIL_INPUT, what="email address"
    )
    if not check_deliverability:
        # Most addresses, and most refusals, are read without email-validator; the
        # differential tests prove the outcome is the same (docs/explanation/performance.md).
        fast = emails.email(text, _CASE_INSENSITIVE_MAILBOXES, _RESERVED_TLDS)
        if fast is not None:
            return _decided(fast, field)
    return _email_checked(text, field=field, check_deliverability=check_deliverability)


def _email_reference(
    raw: object, *, field: str = "email", check_deliverability: bool = False
) -> str:
    """Read an email address with email-validator alone, never the fast path (for tests)."""
    text = _trimmed(
        raw, field=field, code_prefix="email", limit=_MAX_EMAIL_INPUT, what="email address"
    )
    return _email_checked(text, field=field, check_deliverability=check_deliverability)


def _email_checked(text: str, *, field: str, check_deliverability: bool) -> str:
    if _CONTROL.search(text):
        raise _refuse(
            "email.invalid", field, "The email address holds control characters; retype it."
        )
    several = emails.several(text)
    if several is not None:
        raise _refuse(several.code, field, several.message)
    import email_validator

    try:
        result = email_validator.validate_email(text, check_deliverability=check_deliverability)
    except email_validator.EmailUndeliverableError as error:
        raise _refuse(
            "email.undeliverable", field, f"{_shown(text)} cannot receive email: {error}"
        ) from None
    except (ValueError, UnicodeError) as error:
        # EmailSyntaxError is a ValueError; idna raises UnicodeError subclasses.
        raise _refuse(
            "email.invalid",
            field,
            f"{_shown(text)} is not a valid email address: {error}",
        ) from None
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
    0: "the country code is not valid",  # INVALID_COUNTRY_CODE
    1: "it does not look like a telephone number",  # NOT_A_NUMBER
    2: "it is too short after the international prefix",  # TOO_SHORT_AFTER_IDD
    3: "it is too short",  # TOO_SHORT_NSN
    4: "it is too long",  # TOO_LONG
}


@functools.cache
def _regions() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def normalize_region(region: str | None, /) -> str | None:
    """Return a billing country as an upper-case ISO 3166-1 alpha-2 code, or refuse it.

    ``None`` (no billing country known) stays ``None``. Only regions libphonenumber
    knows are accepted.

    >>> normalize_region(" nl ")
    'NL'
    """
    if region is None:
        return None
    regions = _regions()
    if type(region) is str and region in regions:
        return region  # already an upper-case code: the common case, kept cheap
    code = _require_str(region, "region").strip().upper()
    if code not in regions:
        raise _refuse(
            "region.invalid",
            "region",
            f"{_shown(region)} is not a country code; give the billing country as two "
            "letters (ISO 3166-1 alpha-2), for example 'NL' or 'GB'.",
        )
    return code


def normalize_phone(raw: str, /, region: str | None = None) -> str:
    """Return a telephone number in E.164 form (``+31612345678``), or refuse it.

    ``region`` is the customer's billing country (ISO 3166-1 alpha-2, any case): it is
    used only for numbers written without a country code. A number starting with ``+``
    needs no region; without a region, a leading ``00`` is read as the international
    prefix. Numbers with an extension are refused, since E.164 cannot hold one.

    >>> normalize_phone("06 12345678", "NL")
    '+31612345678'
    """
    import phonenumbers

    return phonenumbers.format_number(
        _phone_number(raw, region, "phone"), phonenumbers.PhoneNumberFormat.E164
    )


def parse_phone(raw: str, /, region: str | None = None, *, field: str = "phone") -> ParsedPhone:
    """Like :func:`normalize_phone`, but also tell what kind of line the number is."""
    import phonenumbers

    number = _phone_number(raw, region, field)
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


def _phone_number(raw: object, region: str | None, field: str) -> phonenumbers.PhoneNumber:
    """Parse and check a number; the work normalize_phone and parse_phone share."""
    import phonenumbers

    billing_country = normalize_region(region)
    text = _trimmed(
        raw, field=field, code_prefix="phone", limit=_MAX_PHONE_INPUT, what="telephone number"
    )
    if _CONTROL.search(text):
        raise _refuse(
            "phone.invalid", field, "The telephone number holds control characters; retype it."
        )
    if billing_country is None and text.startswith("00"):
        # "00" is the international call prefix of most of the world (ITU-T E.164 Annex
        # A); with no billing country there is no other way to read it.
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, billing_country)
    except phonenumbers.NumberParseException as error:
        if (
            error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE
            and billing_country is None
            and not text.startswith("+")  # "+999 ...": a country code, just not a real one
        ):
            raise _refuse(
                "phone.region_required",
                field,
                f"{_shown(text)} has no country code and the customer has no billing "
                "country; write the number with its country code (for example +31 6 "
                "12345678) or set the billing country first.",
            ) from None
        reason = _PARSE_FAILURES.get(error.error_type, "it is not a telephone number")
        raise _refuse(
            "phone.invalid", field, f"{_shown(text)} is not a valid telephone number: {reason}."
        ) from None
    if number.extension:
        raise _refuse(
            "phone.extension",
            field,
            f"{_shown(text)} has an extension ({number.extension}), which an E.164 number "
            "cannot hold; enter the number without it and put the extension in the "
            "description.",
        )
    if not phonenumbers.is_valid_number(number):
        raise _refuse(
            "phone.invalid",
            field,
            f"{_shown(text)} is not a valid telephone number"
            + (f" in {billing_country}" if billing_country and not text.startswith("+") else "")
            + "; check the digits and the country code.",
        )
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
    """Return a web address as a normalised ``http``/``https`` URI, or refuse it.

    A bare host (``example.com``) gets ``https://``. Scheme and host are lower-cased,
    an internationalised host is IDNA-encoded, default ports and a lone ``/`` path are
    dropped, dot segments are removed and percent escapes upper-cased (RFC 3986 §6.2.2).
    Other schemes, user names or passwords, white space and control characters are
    refused.

    >>> normalize_website("Example.COM")
    'https://example.com'
    """
    return _website(raw, field="website")


def _website(raw: object, *, field: str) -> str:
    text = _trimmed(
        raw, field=field, code_prefix="website", limit=_MAX_WEBSITE_LENGTH, what="website"
    )
    # host[:port][/path], with or without http(s)://, is read without rfc3986; the
    # differential tests prove the result is the same (docs/explanation/performance.md).
    fast = websites.website(text)
    if fast is not None:
        return _decided(fast, field)
    return _website_checked(text, field)


def _website_reference(raw: object, *, field: str = "website") -> str:
    """Read a web address with rfc3986 alone, never the fast path (for tests)."""
    text = _trimmed(
        raw, field=field, code_prefix="website", limit=_MAX_WEBSITE_LENGTH, what="website"
    )
    return _website_checked(text, field)


def _website_checked(text: str, field: str) -> str:
    if _WEBSITE_BAD.search(text):
        raise _refuse(
            "website.character",
            field,
            f"{_shown(text)} holds white space or control characters; a web address "
            "cannot contain them.",
        )
    url = _with_scheme(text, field)
    import rfc3986
    import rfc3986.exceptions

    try:
        if url.isascii():
            reference = rfc3986.uri_reference(url)
        else:
            reference = rfc3986.iri_reference(url).encode()
        reference = reference.normalize()
    except (ValueError, UnicodeError, rfc3986.exceptions.RFC3986Exception):
        raise _refuse(
            "website.host", field, f"{_shown(text)} does not have a valid host name."
        ) from None
    if reference.userinfo is not None:
        raise _refuse(
            "website.userinfo",
            field,
            f"{_shown(text)} holds a user name or password; enter the address without them.",
        )
    try:
        _web_validator().validate(reference)
    except rfc3986.exceptions.ValidationError:
        raise _refuse(
            "website.invalid",
            field,
            f"{_shown(text)} is not a valid web address; enter it like https://example.com.",
        ) from None
    host = _valid_host(reference.host or "", text, field)
    port = reference.port
    if not port or port == _DEFAULT_PORTS.get(reference.scheme or ""):
        port = None
    path = reference.path
    if path == "/":
        path = None  # RFC 3986 §6.2.3: an empty path and "/" are equivalent for http(s)
    authority = host if port is None else f"{host}:{port}"
    result: str = reference.copy_with(authority=authority, path=path).unsplit()
    if len(result) > _MAX_WEBSITE_LENGTH:
        raise _refuse(
            "website.too_long",
            field,
            f"The website is {len(result)} characters long once encoded; at most "
            f"{_MAX_WEBSITE_LENGTH} are allowed.",
        )
    return result


def _with_scheme(text: str, field: str) -> str:
    """Return ``text`` with ``https://`` in front when it has no scheme of its own."""
    match = _SCHEME.match(text)
    if match:
        scheme = match.group(1).lower()
        rest = text[match.end() :]
        if rest.startswith("//"):
            if scheme not in _DEFAULT_PORTS:
                raise _refuse(
                    "website.scheme",
                    field,
                    f"{scheme}: addresses are not websites; only http and https are allowed.",
                )
            return text
        if scheme in _DEFAULT_PORTS:  # "http:x.nl", "https:/x.nl": a web scheme, no "//"
            raise _refuse(
                "website.invalid",
                field,
                f"{_shown(text)} is missing the // after {scheme}:; enter it like "
                f"{scheme}://example.com.",
            )
        # "example.com:8080/x" or "localhost:80": the colon starts a port, not a scheme.
        if not (_PORT_THEN_PATH.match(rest) or "." in scheme):
            raise _refuse(
                "website.scheme",
                field,
                f"{scheme}: addresses are not websites; only http and https are allowed.",
            )
    if text.startswith("//"):
        return "https:" + text
    return "https://" + text


def _valid_host(host: str, text: str, field: str) -> str:
    """Accept an IP literal or a DNS name of at least two labels (RFC 1123 §2.1)."""
    if host.startswith("["):
        return host  # rfc3986 has already checked the IPv6 literal's syntax
    if _IPV4.fullmatch(host) and all(int(octet) <= 255 for octet in host.split(".")):
        return host  # RFC 3986 §3.2.2 IPv4address: four octets of 0-255
    if host.endswith("."):
        host = host[:-1]  # the root label: "example.com." is "example.com"
    labels = host.split(".")
    if (
        len(labels) < 2
        or len(host) > 253
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise _refuse(
            "website.host",
            field,
            f"{_shown(text)} does not have a valid host name; enter a full domain name "
            "such as example.com.",
        )
    return host


# --------------------------------------------------------------------------- any kind


@attrs.frozen
class Normalised:
    """A value accepted for a kind, with a warning the caller may show (or ``None``)."""

    value: str
    warning: Problem | None = None


def normalize(kind: ContactKind, raw: str, /, region: str | None = None) -> str:
    """Return ``raw`` normalised as a value of ``kind``, or refuse it.

    >>> normalize(ContactKind.MOBILE, "+31 6 12345678")
    '+31612345678'
    """
    return check(kind, raw, region).value


def check(kind: ContactKind, raw: str, /, region: str | None = None) -> Normalised:
    """Normalise ``raw`` as a value of ``kind`` and say what is odd about it.

    The one warning today: a number libphonenumber knows to be fixed-line only entered
    as ``MOBILE``, or mobile only entered as ``PHONE``. Numbers it cannot tell apart
    (the US and Canada, for instance) get no warning.
    """
    field = kind.value
    if kind is ContactKind.EMAIL:
        return Normalised(_email(raw, field=field))
    if kind is ContactKind.WEBSITE:
        return Normalised(_website(raw, field=field))
    parsed = parse_phone(raw, region, field=field)
    warning = None
    if kind is ContactKind.MOBILE and parsed.line_type is LineType.FIXED_LINE:
        warning = Problem(
            "mobile.fixed_line",
            field,
            f"{parsed.e164} is a fixed-line number, but it was entered as a mobile number; "
            "text messages will not reach it.",
        )
    elif kind is ContactKind.PHONE and parsed.line_type is LineType.MOBILE:
        warning = Problem(
            "phone.mobile",
            field,
            f"{parsed.e164} is a mobile number, but it was entered as a telephone "
            "(landline) number; consider entering it as Mobile.",
        )
    return Normalised(parsed.e164, warning)


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
            f"The description is {len(text)} characters long; at most "
            f"{MAX_DESCRIPTION_LENGTH} are allowed.",
        )
    if _DESCRIPTION_BAD.search(text):
        raise _refuse(
            "description.character",
            "description",
            "The description holds control or text-direction characters; retype it.",
        )
    tidy = " ".join(unicodedata.normalize("NFC", text).split())
    if not tidy:
        return None
    if len(tidy) > MAX_DESCRIPTION_LENGTH:
        raise _refuse(
            "description.too_long",
            "description",
            f"The description is {len(tidy)} characters long; at most "
            f"{MAX_DESCRIPTION_LENGTH} are allowed. Shorten it.",
        )
    return tidy
