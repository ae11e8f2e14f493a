"""The phone fast path: plainly written numbers read against libphonenumber's metadata.

``phonenumbers.parse`` followed by ``is_valid_number`` spends most of its time on work
that the common shapes do not need: finding a number inside free text, looking for an
extension or an RFC 3966 ``tel:`` URI, converting letters, compiling each metadata
pattern again on every call. For a number written only with ASCII digits, an optional
leading ``+`` and the separators people type (space, ``-``, ``.``, ``(``, ``)``), this
module takes the same steps as phonenumbers, in the same order, on the same metadata
(``phonenumbers.PhoneMetadata``), with each pattern compiled once. The steps copied are
named at each function; whatever this module cannot decide exactly as phonenumbers
would (an unknown country code, a number too short or too long to parse, metadata of an
unusual form) gives ``None``, and the reference path decides.

See :mod:`contactbook._fastpath` for the contract and ``docs/explanation/performance.md``
for the exact domain. The refusal messages live here, and the reference path in
``validation.py`` uses the same functions, so that both paths word them identically.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from contactbook._fastpath import Refused
from contactbook.messages import Message
from contactbook.vocabulary import shown

if TYPE_CHECKING:
    from phonenumbers import PhoneMetadata, PhoneNumberDesc

__all__ = ["Phone", "country_required", "invalid", "phone"]

# The domain: ASCII digits and the separators people type, one optional "+" in front.
# No letters (so no extension, vanity number or "tel:" URI), no "#", ",", ";", "/", "~",
# "x" (phonenumbers reads extensions and second numbers from those) and no other digits.
_SHAPE = re.compile(r"\+?[0-9 ().\-]+")

# phonenumberutil's constants (stable since libphonenumber's first releases).
_MIN_LENGTH_FOR_NSN = 2
_MAX_LENGTH_FOR_NSN = 17
_MAX_LENGTH_COUNTRY_CODE = 3
_NON_GEO = "001"  # REGION_CODE_FOR_NON_GEO_ENTITY

# phonenumbers.ValidationResult, as _test_number_length returns it.
_IS_POSSIBLE = 0
_TOO_SHORT = 2
_INVALID_LENGTH = 5
_TOO_LONG = 3
_IS_POSSIBLE_LOCAL_ONLY = 4

# What _number_type_helper returns, folded into contactbook's LineType values; "" is
# PhoneNumberType.UNKNOWN (the number is not valid).
_FIXED_LINE = "fixed_line"
_MOBILE = "mobile"
_OTHER = "other"
_UNKNOWN = ""


class Phone(NamedTuple):
    """A valid number: its E.164 form and its LineType value."""

    e164: str
    line_type: str


def country_required(text: str) -> Refused:
    """Refuse a number without a country code when no country is known."""
    return Refused(
        "phone.country_required",
        Message(
            "{value} has no country code and the customer has no billing country; "
            "write the number with its country code (for example +31 6 12345678) or set the "
            "billing country first.",
            value=shown(text),
        ),
    )


def invalid(text: str, country: str | None) -> Refused:
    """Refuse a number that parses but that ``is_valid_number`` rejects."""
    return Refused(
        "phone.invalid",
        Message(
            "{value} is not a valid telephone number in {country}; check the digits and the "
            "country code.",
            value=shown(text),
            country=country,
        )
        if country and not text.startswith("+")
        else Message(
            "{value} is not a valid telephone number; check the digits and the country code.",
            value=shown(text),
        ),
    )


# A PhoneNumberDesc as _is_number_matching_desc reads it: the possible lengths (None
# when the desc lists none: then any length) and the pattern's fullmatch.
_Desc = tuple[frozenset[int] | None, Callable[[str], object]]


class _Plan(NamedTuple):
    """One country's (or non-geographic country code's) metadata, patterns compiled."""

    country_code: int
    country_code_text: str
    general: _Desc  # general_desc
    possible_lengths: tuple[int, ...]  # general_desc.possible_length, for length checks
    local_lengths: tuple[int, ...]  # general_desc.possible_length_local_only
    national_prefix: re.Pattern[str] | None  # national_prefix_for_parsing
    transform: str | None  # national_prefix_transform_rule
    international_prefix: re.Pattern[str] | None
    leading_digits: re.Pattern[str] | None
    # premium rate ... voicemail: every one makes a number _OTHER, so the order
    # _number_type_helper tries them in does not matter; per length, one pattern of the
    # descs that allow it (None: none does), and for any other length the descs that
    # list no lengths.
    special: Mapping[int, Callable[[str], object] | None]
    special_otherwise: Callable[[str], object] | None
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed_line_pattern: bool
    # The only country of its country code: region_code_for_number finds this plan.
    sole: bool


def _desc(desc: PhoneNumberDesc | None) -> _Desc | None:
    """Compile a desc; ``None`` for one that never matches (_match_national_number)."""
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = frozenset(desc.possible_length) or None
    return lengths, re.compile(desc.national_number_pattern).fullmatch


def _specials(descs: tuple[PhoneNumberDesc | None, ...]) -> dict[str, Any]:
    """Return the special descs as one fullmatch per length (the _Plan's two fields).

    A number matches one of several descs exactly when it matches their patterns as one
    alternation (``fullmatch`` tries each alternative in full).
    """
    kept = [
        (frozenset(desc.possible_length) or None, desc.national_number_pattern)
        for desc in descs
        if desc is not None and desc.national_number_pattern
    ]

    def either(length: int | None) -> Callable[[str], object] | None:
        patterns = [pattern for lengths, pattern in kept if lengths is None or length in lengths]
        if not patterns:
            return None
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns)).fullmatch

    listed = {length for lengths, _ in kept if lengths is not None for length in lengths}
    return {
        "special": {length: either(length) for length in sorted(listed)},
        "special_otherwise": either(None),
    }


def _build(metadata: PhoneMetadata | None) -> _Plan | None:
    """Compile one metadata entry, or ``None`` if it has a form this module leaves alone."""
    if metadata is None or metadata.country_code is None:
        return None
    general_desc = metadata.general_desc
    general = _desc(general_desc)
    if general is None or general_desc is None or not general_desc.possible_length:
        return None
    national_prefix = (
        re.compile(metadata.national_prefix_for_parsing)
        if metadata.national_prefix_for_parsing
        else None
    )
    transform = metadata.national_prefix_transform_rule or None
    if transform is not None and national_prefix is not None and not national_prefix.groups:
        return None  # _maybe_strip_national_prefix_carrier_code would raise IndexError
    special = (
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    return _Plan(
        country_code=metadata.country_code,
        country_code_text=str(metadata.country_code),
        general=general,
        possible_lengths=tuple(general_desc.possible_length),
        local_lengths=tuple(general_desc.possible_length_local_only),
        national_prefix=national_prefix,
        transform=transform,
        international_prefix=(
            re.compile(metadata.international_prefix) if metadata.international_prefix else None
        ),
        leading_digits=(
            re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        ),
        **_specials(special),
        fixed_line=_desc(metadata.fixed_line),
        mobile=_desc(metadata.mobile),
        same_mobile_and_fixed_line_pattern=bool(metadata.same_mobile_and_fixed_line_pattern),
        sole=_code_countries().get(metadata.country_code) == (metadata.id,),
    )


# One compiled plan per country or non-geographic country code, built on first use: the
# table is bounded by libphonenumber's metadata, whatever the inputs.
@functools.cache
def _country_plan(country: str) -> _Plan | None:
    from phonenumbers import PhoneMetadata

    return _build(PhoneMetadata.metadata_for_region(country, None))


@functools.cache
def _non_geo_plan(country_code: int) -> _Plan | None:
    from phonenumbers import PhoneMetadata

    return _build(PhoneMetadata.metadata_for_nongeo_region(country_code, None))


def _plan_for(country_code: int, country: str) -> _Plan | None:
    """PhoneMetadata.metadata_for_region_or_calling_code, compiled."""
    return _non_geo_plan(country_code) if country == _NON_GEO else _country_plan(country)


@functools.cache
def _code_countries() -> Mapping[int, tuple[str, ...]]:
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    return COUNTRY_CODE_TO_REGION_CODE


def _matches(number: str, desc: _Desc | None) -> bool:
    """phonenumberutil._is_number_matching_desc."""
    if desc is None:
        return False
    lengths, fullmatch = desc
    return (lengths is None or len(number) in lengths) and fullmatch(number) is not None


def _viable(number: str, plan: _Plan) -> bool:
    """_match_national_number(number, general_desc, False): the pattern, no lengths."""
    return plan.general[1](number) is not None


def _length_check(number: str, plan: _Plan) -> int:
    """phonenumberutil._test_number_length for PhoneNumberType.UNKNOWN."""
    length = len(number)
    if length in plan.local_lengths:
        return _IS_POSSIBLE_LOCAL_ONLY
    possible = plan.possible_lengths
    if possible[0] == length:
        return _IS_POSSIBLE
    if possible[0] > length:
        return _TOO_SHORT
    if possible[-1] < length:
        return _TOO_LONG
    return _IS_POSSIBLE if length in possible[1:] else _INVALID_LENGTH


def _strip_national_prefix(number: str, plan: _Plan) -> str:
    """phonenumberutil._maybe_strip_national_prefix_carrier_code, without the carrier."""
    if not number or plan.national_prefix is None:
        return number
    match = plan.national_prefix.match(number)
    if match is None:
        return number
    viable_before = _viable(number, plan)
    groups = match.groups()
    if plan.transform is None or groups[-1] is None:
        stripped = number[match.end() :]
    else:
        stripped = plan.national_prefix.sub(plan.transform, number, count=1)
    if viable_before and not _viable(stripped, plan):
        return number
    return stripped


def _country_code(number: str) -> tuple[int, str]:
    """phonenumberutil._extract_country_code: (0, number) when there is none."""
    if not number or number[0] == "0":
        return 0, number
    countries = _code_countries()
    for size in range(1, min(len(number), _MAX_LENGTH_COUNTRY_CODE) + 1):
        if int(number[:size]) in countries:
            return int(number[:size]), number[size:]
    return 0, number


def _number_type(number: str, plan: _Plan) -> str:
    """phonenumberutil._number_type_helper, folded into LineType values."""
    if not _matches(number, plan.general):
        return _UNKNOWN
    special = plan.special.get(len(number), plan.special_otherwise)
    if special is not None and special(number) is not None:
        return _OTHER
    if _matches(number, plan.fixed_line):
        if plan.same_mobile_and_fixed_line_pattern or _matches(number, plan.mobile):
            return _OTHER  # FIXED_LINE_OR_MOBILE
        return _FIXED_LINE
    if not plan.same_mobile_and_fixed_line_pattern and _matches(number, plan.mobile):
        return _MOBILE
    return _UNKNOWN


def _line_type(country_code: int, number: str) -> str | None:
    """Return what ``is_valid_number`` and ``number_type`` decide; ``None`` if unsure.

    Both find the number's country first (region_code_for_number: the only country of
    the country code, or the first of its countries whose leading digits match, or that
    the number is valid in), then match the number against that country's metadata.
    """
    countries = _code_countries().get(country_code)
    if countries is None:
        return None
    if len(countries) == 1:
        plan = _plan_for(country_code, countries[0])
        return None if plan is None else _number_type(number, plan)
    for country in countries:  # _region_code_for_number_from_list
        plan = _country_plan(country)
        if plan is None:
            return None
        if plan.leading_digits is not None:
            if plan.leading_digits.match(number):
                return _number_type(number, plan)
        elif (line_type := _number_type(number, plan)) != _UNKNOWN:
            return line_type
    return _UNKNOWN  # no country: is_valid_number_for_region(number, None) is False


_Read = tuple[int, str, _Plan]  # country code, national number, metadata to read it with


def phone(text: str, country: str | None) -> Phone | Refused | None:
    """Return what the reference path gives for ``text``, or ``None`` if unsure.

    ``text`` is trimmed, free of control characters, with a leading ``00`` already
    read as ``+`` when ``country`` is ``None``; ``country`` is an upper-case code
    phonenumbers supports, or ``None``. The steps are those of ``phonenumbers.parse``
    then ``is_valid_number``; a number ``parse`` would refuse gives ``None``, except
    one without a country code and without a country (``phone.country_required``).
    """
    if _SHAPE.fullmatch(text) is None:
        return None
    # The separators _SHAPE lets through, removed (str.translate takes twice as long).
    digits = (
        text.replace(" ", "")
        .replace("-", "")
        .replace(".", "")
        .replace("(", "")
        .replace(")", "")
        .replace("+", "")
    )
    if len(digits) < 3:  # _is_viable_phone_number needs three digits once punctuated
        return None
    if text[0] == "+":
        read = _international(digits)
    elif country is None:
        # _check_region_for_parsing: neither a country nor a "+" to read one from.
        return country_required(text)
    else:
        home = _country_plan(country)
        read = None if home is None else _national(digits, home)
    return None if read is None else _checked(text, country, read)


def _checked(text: str, country: str | None, read: _Read) -> Phone | Refused | None:
    """Finish parse on a number split from its country code, then is_valid_number."""
    country_code, number, plan = read
    if len(number) < _MIN_LENGTH_FOR_NSN:
        return None  # TOO_SHORT_NSN
    # parse: strip a national prefix unless what remains is too short to be a number.
    stripped = _strip_national_prefix(number, plan)
    if _length_check(stripped, plan) in (_IS_POSSIBLE, _TOO_LONG):
        number = stripped
    if not _MIN_LENGTH_FOR_NSN <= len(number) <= _MAX_LENGTH_FOR_NSN or not number.strip("0"):
        return None  # TOO_LONG, or a national number of 0 (format_number reads it apart)
    # The only country of its code is the one _line_type would find (most numbers).
    line_type = _number_type(number, plan) if plan.sole else _line_type(country_code, number)
    if line_type is None:
        return None
    if line_type == _UNKNOWN:
        return invalid(text, country)
    # format_number(E164): "+", the country code, the national significant number with
    # its leading zeros (national_significant_number keeps them: "italian_leading_zero").
    return Phone(f"+{country_code}{number}", line_type)


def _international(digits: str) -> _Read | None:
    """Read the country code after "+" or an international prefix, as parse does.

    phonenumberutil._maybe_extract_country_code then parse: the number's country code
    brings the metadata of its main country. ``None`` where parse refuses (too short
    after the prefix, no such country code) or retries without the "+".
    """
    if len(digits) <= _MIN_LENGTH_FOR_NSN:
        return None  # TOO_SHORT_AFTER_IDD
    country_code, rest = _country_code(digits)
    if country_code == 0:
        return None
    plan = _plan_for(country_code, _code_countries()[country_code][0])
    return None if plan is None else (country_code, rest, plan)


def _national(digits: str, home: _Plan) -> _Read | None:
    """Read a number written without "+", in the home country, as parse does."""
    # _maybe_strip_i18n_prefix_and_normalize: the country's international prefix, unless
    # a 0 follows it (country codes never start with 0).
    prefix = home.international_prefix
    match = prefix.match(digits) if prefix is not None else None
    if match is not None and digits[match.end() : match.end() + 1] != "0":
        return _international(digits[match.end() :])
    if digits.startswith(home.country_code_text):
        # _maybe_extract_country_code: the home country code written without "+" or
        # prefix is taken as one if the number is valid only without it, or too long
        # with it.
        rest = _strip_national_prefix(digits[len(home.country_code_text) :], home)
        if (not _viable(digits, home) and _viable(rest, home)) or _length_check(
            digits, home
        ) == _TOO_LONG:
            plan = _plan_for(home.country_code, _code_countries()[home.country_code][0])
            return None if plan is None else (home.country_code, rest, plan)
    return home.country_code, digits, home
