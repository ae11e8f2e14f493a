"""The email fast path: email-validator's answer without email-validator, where it is sure.

See :mod:`contactbook._fastpath` for the contract and ``docs/explanation/performance.md``
for the exact domain. Three steps:

1. The common shape (``local@host.tld``, the local part ASCII or internationalised,
   the domain ASCII without ``--``) is accepted by one regular expression and a few
   checks.
2. Everything else is read by following email-validator's ``validate_email`` (in
   ``email_validator/validate_email.py`` and ``syntax.py``) check by check, in its order
   and with its messages, as long as the input stays in the part of its domain that
   needs no Unicode data beyond character categories, names and NFC, and idna for the
   domain: no control characters, no backslash escapes, no domain literal.
   At the first step outside that part it answers ``None`` and email-validator decides.
3. An internationalised or ``xn--`` domain is read label by label (:func:`_idn`), each
   label converted by idna through the label cache
   :func:`contactbook._fastpath.idna_label`, where that is exactly what
   ``validate_email_domain_name`` computes for the whole domain; any refusal of idna's,
   and a domain whose labels interact (right-to-left text, a character that maps to a
   dot), is left to email-validator.

The refusals wear validation.py's wrapping of email-validator's messages (code
``email.invalid``). email-validator is never imported here (import-linter contract): its
rules are copied, each citing the function it comes from.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from contactbook._fastpath import DOMAIN_MAX, HOST, Refused, idna_label
from contactbook.messages import N_, Message
from contactbook.vocabulary import shown

__all__ = ["CASE_INSENSITIVE_MAILBOXES", "RESERVED_TLDS", "email", "several"]

# email-validator's RFC 2142 mailbox names, which it lower-cases
# (rfc_constants.CASE_INSENSITIVE_MAILBOX_NAMES), and the last label of each special-use
# domain it refuses (SPECIAL_USE_DOMAIN_NAMES). Copied, not imported, so that importing
# contactbook loads no email-validator; tests/test_validation.py checks them against
# email-validator's own.
CASE_INSENSITIVE_MAILBOXES = frozenset(
    {"abuse", "ftp", "hostmaster", "info", "marketing", "news", "noc", "postmaster",
     "sales", "security", "support", "usenet", "uucp", "webmaster", "www"}
)  # fmt: skip
RESERVED_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})

# RFC 5322 §3.2.3 atext (the inside of a character class), as email-validator's ATEXT,
# and the ASCII characters that are not atext: controls, space and the specials.
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~\-"
_NOT_ATEXT = r'\x00-\x20"(),.:;<>@\[\\\]\x7f'
# RFC 6531 §3.3 (email-validator's ATEXT_INTL): atext or any code point from U+0080,
# written as "no ASCII non-atext" (a class that lists U+0080 to U+10FFFF takes
# milliseconds to compile). Where this module uses it, no C1 control is left.
_ATEXT_INTL = rf"[^{_NOT_ATEXT}]"
# email-validator's DOT_ATOM_TEXT and DOT_ATOM_TEXT_INTL (rfc_constants.py).
_DOT_ATOM = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_DOT_ATOM_INTL = re.compile(rf"{_ATEXT_INTL}+(?:\.{_ATEXT_INTL}+)*")
# The common shape: a dot-atom local part, ASCII or internationalised (without C1
# controls or surrogates), "@", a host name whose top-level label is a letter-bounded
# name.
_ATEXT_COMMON = rf"[^{_NOT_ATEXT}\x80-\x9f\ud800-\udfff]"
_COMMON = re.compile(rf"({_ATEXT_COMMON}+(?:\.{_ATEXT_COMMON}+)*)@({HOST})")
# RFC 1123 host name labels: a domain that passes every check of email-validator's on
# characters, periods, hyphens and label lengths.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_ASCII_LABEL = re.compile(_LABEL)
# The bidirectional classes that make a domain right-to-left (RFC 5893 §1.4; the ones
# email-validator looks for before it applies the Bidi Rule to every label).
_RTL = frozenset({"R", "AL", "AN"})
# The characters email-validator reports as invalid: before the "@" (neither
# ATEXT_INTL nor "."), after it (not ATEXT_HOSTNAME_INTL: ASCII but letters, digits,
# "-" and "."), and in a display name (neither ATEXT nor space).
_NOT_LOCAL = re.compile(r'[\x00-\x20"(),:;<>@\[\\\]\x7f]')
_NOT_DOMAIN = re.compile(r"[\x00-,/:-@\[-`{-\x7f]")
_NOT_DISPLAY_NAME = re.compile(rf"[^ {_ATEXT}]")
# What this module never reads: C0 controls (tab and line breaks too), DEL, C1 controls
# and lone surrogates. validation.py refuses most of them before email-validator runs.
_UNSURE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# split_email's special characters: the "@", the "<" of a display name, a quote.
_SPECIAL = re.compile('[@<"]')
# Separators between several addresses typed into one field.
_SEPARATORS = re.compile(r"[,;\s]+")
# email-validator's limits: RFC 5321 §4.5.3.1.3 (254 octets for the address) and
# RFC 1035 §2.3.1 (63 octets for a label).
_EMAIL_MAX = 254
_LABEL_MAX = 63


class _EmailSyntaxError(ValueError):
    """email-validator's ``EmailSyntaxError``, with its exact message."""


def email(text: str) -> str | Refused | None:
    """Return what validation.py's email-validator path returns for ``text``, or ``None``.

    ``text`` is trimmed and at most 512 characters long.
    """
    # The common shape: no more than what it can accept outright.
    match = _COMMON.fullmatch(text)
    if match is not None:
        local, domain = match.groups()
        domain = domain.lower()
        if (
            len(text) <= _EMAIL_MAX
            and len(domain) <= DOMAIN_MAX
            and "--" not in domain  # RFC 5890 reserved labels: read in full below
            and domain[domain.rfind(".") + 1 :] not in RESERVED_TLDS
        ):
            if local.isascii():
                return f"{_mailbox(local)}@{domain}"
            if (
                not _unsafe(local, allow_space=False)
                and unicodedata.is_normalized("NFC", local)
                and len(text.encode()) <= _EMAIL_MAX
            ):
                return f"{local}@{domain}"  # RFC 6532 §3.1: kept as it is, in NFC
    return _read(text)


def _mailbox(local: str) -> str:
    """Return the local part as email-validator keeps it: RFC 2142 names lower-cased."""
    if local.isascii() and local.lower() in CASE_INSENSITIVE_MAILBOXES:
        return local.lower()
    return local


def _read(text: str) -> str | Refused | None:
    """Read ``text`` in full: validation.py's own checks, then email-validator's."""
    if _UNSURE.search(text):
        return None
    refusal = several(text)
    if refusal is not None:
        return refusal
    try:
        return _validated(text)
    except _EmailSyntaxError as error:
        return Refused("email.invalid", invalid(text, str(error)))


def invalid(text: str, why: str, /) -> Message:
    """Word the refusal ``email.invalid`` of ``text`` for email-validator's reason ``why``."""
    return Message(
        "{value} is not a valid email address: {reason}", value=shown(text), reason=reason(why)
    )


def several(text: str) -> Refused | None:
    """Refuse a field that holds several addresses ("a@x.nl; b@y.nl"), else ``None``.

    validation.py's own check, made before email-validator (and so before any check of
    this module's but the one for control characters).
    """
    if text.count("@") < 2:
        return None  # one address at most, however the text splits
    parts = [part for part in _SEPARATORS.split(text) if part]
    if sum("@" in part for part in parts) > 1:
        return Refused(
            "email.multiple",
            Message(
                "{value} holds {count} addresses; enter one address per contact point and add "
                "the others as additional contacts.",
                value=shown(text),
                count=len(parts),
            ),
        )
    return None


def _validated(text: str) -> str | None:
    """Follow email-validator's ``validate_email``; raise :class:`_EmailSyntaxError` as it would."""
    parts = _split(text)
    if parts is None:
        return None
    display_name, local, domain, quoted = parts
    original = text if display_name is None else f"{local}@{domain}"
    if _local_part(local, quoted=quoted) is None:
        return None
    if quoted:
        # ALLOW_QUOTED_LOCAL is off: raised after the local part's own checks.
        raise _EmailSyntaxError("Quoting the part before the @-sign is not allowed here.")
    local = _mailbox(local)
    domains = _domain(domain)
    if domains is None:
        return None
    ascii_domain, normalized_domain = domains
    # validate_email_length: the address as given, then as normalized and with the
    # domain in IDNA ASCII, in UTF-8 octets. Without IDNA the last two have the length
    # of the first.
    if len(original) > _EMAIL_MAX:
        if not original.isascii():
            return None  # the message counts octets per character
        raise _EmailSyntaxError(f"The email address is too long {_too_many(original, _EMAIL_MAX)}.")
    if (
        len(original.encode()) > _EMAIL_MAX
        or len(f"{local}@{normalized_domain}".encode()) > _EMAIL_MAX
        or len(f"{local}@{ascii_domain}".encode()) > _EMAIL_MAX
    ):
        return None  # the message counts octets "after normalization" or "in IDNA ASCII"
    if display_name is not None:
        # ALLOW_DISPLAY_NAME is off: validate_email's last syntax check.
        raise _EmailSyntaxError(
            "A display name and angle brackets around the email address are not permitted here."
        )
    return f"{local}@{normalized_domain}"


def _split(text: str) -> tuple[str | None, str, str, bool] | None:
    """``split_email``: (display name, local part without quotes, domain, quoted).

    ``None`` for a quote anywhere but around the whole local part, a backslash escape in
    it, or a special character that a combining character after it disarms.
    """
    special = _SPECIAL.search(text)
    if special is None:
        raise _no_at_sign(text)
    at = special.start()
    if not _is_special(text, at):
        return None
    if text[at] == "@":
        return None, text[:at], text[at + 1 :], False
    if text[at] == '"':
        return _quoted(text) if at == 0 else None
    return _display_name(text, at)


def _quoted(text: str) -> tuple[None, str, str, bool] | None:
    """Split a quoted local part: '"' at the start, the closing '"' right before "@"."""
    close = text.find('"', 1)
    if (
        close < 0
        or text[close + 1 : close + 2] != "@"
        or "\\" in text[:close]
        or not _is_special(text, close)
        or not _is_special(text, close + 1)
    ):
        return None
    return None, text[1:close], text[close + 2 :], True


def _display_name(text: str, bracket: int) -> tuple[str, str, str, bool] | None:
    """Split ``name <address>``; the name is not quoted (a '"' would have come first)."""
    display_name = text[:bracket].rstrip()
    bad = set(_NOT_DISPLAY_NAME.findall(display_name))
    if bad:
        raise _EmailSyntaxError(
            f"The display name contains invalid characters when not quoted: {_listed(bad)}"
        )
    bracketed = text[bracket:]
    if ">" not in bracketed:
        raise _EmailSyntaxError(
            "An open angle bracket at the start of the email address has to be followed by "
            "a close angle bracket at the end."
        )
    bracketed = bracketed.rstrip(" ")
    if bracketed[-1] != ">":
        raise _EmailSyntaxError("There can't be anything after the email address.")
    address = bracketed[1:-1]
    if '"' in address:
        return None
    at = address.find("@")
    if at < 0:
        raise _no_at_sign(address)
    if not _is_special(address, at):
        return None
    return display_name, address[:at], address[at + 1 :], False


def _is_special(text: str, at: int) -> bool:
    """Whether split_email treats ``text[at]`` as itself: nothing after it combines."""
    return text.isascii() or unicodedata.normalize("NFC", text[at : at + 32])[0] == text[at]


def _no_at_sign(text: str) -> _EmailSyntaxError:
    """split_email's refusal of a text without a (regular) "@"."""
    if "\N{FULLWIDTH COMMERCIAL AT}" in text:
        return _EmailSyntaxError(
            'The email address has the "full-width" at-sign (@) character instead of a '
            "regular at-sign."
        )
    if "\N{SMALL COMMERCIAL AT}" in text:
        return _EmailSyntaxError(
            'The email address has the "small commercial at" character instead of a '
            "regular at-sign."
        )
    return _EmailSyntaxError("An email address must have an @-sign.")


def _local_part(local: str, *, quoted: bool) -> str | None:
    """``validate_email_local_part`` (SMTPUTF8 allowed), then validate_email's NFC step."""
    if not local:
        raise _EmailSyntaxError("There must be something before the @-sign.")
    if _DOT_ATOM.fullmatch(local):
        return local
    dot_atom = not local.isascii() and _DOT_ATOM_INTL.fullmatch(local) is not None
    if dot_atom or quoted:
        # Quoted text here is printable ASCII or Unicode: all RFC 5321 §4.1.2 qtext as
        # email-validator extends it. Spaces are allowed where quotes are needed.
        _check_unsafe_chars(local, allow_space=not dot_atom)
        # RFC 6532 §3.1: validate_email reads a local part again after NFC changes it.
        return local if unicodedata.is_normalized("NFC", local) else None
    bad = set(_NOT_LOCAL.findall(local))
    if bad:
        raise _EmailSyntaxError(
            f"The email address contains invalid characters before the @-sign: {_listed(bad)}"
        )
    _check_dot_atom(
        local,
        "An email address cannot start with a {}.",
        "An email address cannot have a {} immediately before the @-sign.",
        hostname=False,
    )
    return None  # email-validator's fallback message: unreachable, as it says


def _check_unsafe_chars(text: str, *, allow_space: bool) -> None:
    """``check_unsafe_chars``: refuse what is not a sensible, safe Unicode string."""
    unsafe = _unsafe(text, allow_space=allow_space)
    if unsafe:
        raise _EmailSyntaxError(
            "The email address contains unsafe characters: "
            + ", ".join(_character(c) for c in sorted(unsafe))
            + "."
        )


def _unsafe(text: str, *, allow_space: bool) -> set[str]:
    """Return the characters ``check_unsafe_chars`` refuses in ``text``.

    It allows letters, numbers, punctuation and symbols, a combining mark except at the
    start, and a space separator only where ``allow_space``; no control, format,
    private-use or unassigned code point and no line or paragraph separator. ASCII here
    is always allowed: it is printable, and a space only comes where quotes allow it.
    """
    unsafe = set()
    for i, char in enumerate(text):
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if (
            category[0] in "LNPS"
            or (category[0] == "M" and i)
            or (category == "Zs" and allow_space)
        ):
            continue
        unsafe.add(char)
    return unsafe


def _domain(domain: str) -> tuple[str, str] | None:
    """validate_email's domain step, then ``validate_email_domain_name``'s checks.

    Returns the domain in IDNA ASCII and the domain as email-validator normalizes it
    (lower-cased; an internationalised or ``xn--`` domain in Unicode), or ``None`` for a
    domain literal or a step of IDNA that only email-validator can word (:func:`_idn`).
    """
    if not domain:
        raise _EmailSyntaxError("There must be something after the @-sign.")
    if domain.startswith("[") and domain.endswith("]"):
        return None
    if len(domain) > DOMAIN_MAX:
        raise _EmailSyntaxError(
            f"The email address is too long after the @-sign {_too_many(domain, DOMAIN_MAX)}."
        )
    ascii_domain = _host_name(domain)
    unicode_domain = None
    if ascii_domain is None:
        # UTS #46 mapping and IDNA encoding, with every check between them; the checks
        # after IDNA decoding too (all or nothing: a failure of any is "not sure").
        idn = _idn(domain)
        if idn is None:
            return None
        ascii_domain, unicode_domain = idn
    if "." not in ascii_domain:
        raise _EmailSyntaxError("The part after the @-sign is not valid. It should have a period.")
    if not "a" <= ascii_domain[-1] <= "z":  # DOMAIN_NAME_REGEX: every TLD ends in a letter
        raise _EmailSyntaxError(
            "The part after the @-sign is not valid. It is not within a valid top-level domain."
        )
    if ascii_domain.rpartition(".")[2] in RESERVED_TLDS:  # SPECIAL_USE_DOMAIN_NAMES
        raise _EmailSyntaxError(
            "The part after the @-sign is a special-use or reserved name that cannot be used "
            "with email."
        )
    if unicode_domain is None:
        # An ASCII domain: "domain" is the ASCII one, unless an "xn--" label makes
        # email-validator decode it (idna.decode, then its checks of the result).
        unicode_domain = ascii_domain
        if "xn--" in ascii_domain:
            idn = _idn(ascii_domain)
            if idn is None:
                return None
            unicode_domain = idn[1]
    return ascii_domain, unicode_domain


def _idn(domain: str) -> tuple[str, str] | None:  # noqa: PLR0911 one return per rule
    """``validate_email_domain_name`` from ``uts46_valid_char`` on, label by label.

    ``domain`` has passed the checks of length, characters and ``check_unsafe_chars``.
    Returns (IDNA ASCII domain, Unicode domain) when every step of email-validator's
    passes, else ``None``. Label by label is exactly what it computes for the whole
    domain because: UTS #46 maps each character alone, and NFC composes nothing across
    a "." (U+002E is a starter in no canonical decomposition); a label whose mapping
    holds a "." (U+3002, U+FF0E, ...) or is empty changes the labels, and is left to it;
    the checks on the mapped domain (periods and hyphens, RFC 5890 R-LDH labels) hold
    for the domain when they hold for each label; idna.alabel, idna.decode and
    idna.encode work label by label; and the one rule that spans labels, the Bidi Rule
    once any label is right-to-left (RFC 5893 §1.4), is left to it.
    ASCII labels other than ``xn--`` ones are read here without idna: UTS #46 only
    lower-cases them, and idna accepts every RFC 1123 label (letters, digits, inner
    hyphens, at most 63) that is not an R-LDH label as it is.
    """
    ascii_labels = []
    unicode_labels = []
    for label in domain.split("."):
        if label.isascii() and label[:4].lower() != "xn--":
            mapped = label.lower()
            if not _ASCII_LABEL.fullmatch(mapped):
                return None  # check_dot_atom, or a label too long: its own messages
            ascii_label = unicode_label = mapped
        else:
            if not label.isascii() and any(
                "002E" in unicodedata.decomposition(c).split(" ") for c in label
            ):
                return None  # uts46_valid_char refuses it (or UTS #46 maps it to a dot)
            try:
                converted = idna_label(label)
            except ValueError:  # idna.IDNAError, a UnicodeError: email-validator words it
                return None
            mapped, ascii_label, unicode_label = converted
            if (
                _NOT_DOMAIN.search(mapped)  # "invalid characters after Unicode normalization"
                or mapped[0] == "-"  # check_dot_atom on the mapped domain
                or mapped[-1] == "-"
                or _NOT_DOMAIN.search(unicode_label)  # the checks after idna.decode
                or _unsafe(unicode_label, allow_space=False)
                or any(unicodedata.bidirectional(c) in _RTL for c in unicode_label)
            ):
                return None
        if _reserved_ldh(mapped):
            return None  # on the mapped domain
        ascii_labels.append(ascii_label)
        unicode_labels.append(unicode_label)
    ascii_domain = ".".join(ascii_labels)
    if len(ascii_domain) > DOMAIN_MAX:
        return None  # "too long after the @-sign (... after IDNA encoding)"
    return ascii_domain, ".".join(unicode_labels)


def _host_name(domain: str) -> str | None:
    """``validate_email_domain_name``'s checks of characters, periods, hyphens, lengths.

    Returns the ASCII domain lower-cased (all that UTS #46 mapping does to ASCII letters,
    digits, hyphens and periods), or ``None`` for an internationalised domain.
    """
    hostname = _HOSTNAME.fullmatch(domain) is not None  # passes the next four checks
    if not hostname:
        bad = set(_NOT_DOMAIN.findall(domain))
        if bad:
            raise _EmailSyntaxError(
                f"The part after the @-sign contains invalid characters: {_listed(bad)}"
            )
        _check_unsafe_chars(domain, allow_space=False)
        if not domain.isascii():
            return None  # UTS #46 mapping and IDNA
        _check_dot_atom(
            domain,
            "An email address cannot have a {} immediately after the @-sign.",
            "An email address cannot end with a {}.",
            hostname=True,
        )
    domain = domain.lower()
    if "--" in domain and any(_reserved_ldh(label) for label in domain.split(".")):
        raise _EmailSyntaxError(
            "An email address cannot have two letters followed by two dashes immediately "
            "after the @-sign or after a period, except Punycode."
        )
    if not hostname:
        for label in domain.split("."):
            if len(label) > _LABEL_MAX:
                raise _EmailSyntaxError(
                    "After the @-sign, periods cannot be separated by so many characters "
                    f"{_too_many(label, _LABEL_MAX)}."
                )
    return domain


def _reserved_ldh(label: str) -> bool:
    """RFC 5890 §2.3.1: "--" in places 3 and 4 of a lower-case label, but for "xn--"."""
    return label[2:4] == "--" and label[:2] != "xn"


def _check_dot_atom(text: str, start: str, end: str, *, hostname: bool) -> None:
    """``check_dot_atom``: RFC 5322 §3.2.3 periods, and for a host name RFC 952 hyphens."""
    if text.endswith("."):
        raise _EmailSyntaxError(end.format("period"))
    if text.startswith("."):
        raise _EmailSyntaxError(start.format("period"))
    if ".." in text:
        raise _EmailSyntaxError("An email address cannot have two periods in a row.")
    if hostname:
        if text.endswith("-"):
            raise _EmailSyntaxError(end.format("hyphen"))
        if text.startswith("-"):
            raise _EmailSyntaxError(start.format("hyphen"))
        if ".-" in text or "-." in text:
            raise _EmailSyntaxError(
                "An email address cannot have a period and a hyphen next to each other."
            )


def _too_many(text: str, limit: int) -> str:
    """``get_length_reason``: how far over its limit ``text`` is."""
    over = len(text) - limit
    return f"({over} character{'s' if over > 1 else ''} too many)"


def _listed(chars: set[str]) -> str:
    """email-validator's list of invalid characters: each shown, sorted, joined."""
    return ", ".join(sorted(_character(c) for c in chars)) + "."


def _character(char: str) -> str:
    """``safe_character_display``: show one character safely in a message."""
    if char == "\\":
        return f'"{char}"'  # repr would escape it
    if unicodedata.category(char)[0] in "LNPS":
        return repr(char)
    code = f"U+{ord(char):04x}" if ord(char) < 0xFFFF else f"U+{ord(char):08x}"
    return unicodedata.name(char, code.upper())


# --------------------------------------------------------------------------- reasons

# email-validator's reasons (its EmailSyntaxError and EmailUndeliverableError texts, which
# this module copies), as templates a catalog translates: reason() reads one back into
# its template and params. "{reason}" is a nested reason of this table; an idna error
# ("{detail}") stays as idna words it.
_REASONS = (
    N_(
        'The email address has the "full-width" at-sign (@) character instead of a regular at-sign.'
    ),
    N_('The email address has the "small commercial at" character instead of a regular at-sign.'),
    N_("An email address must have an @-sign."),
    N_("Extra character(s) found after close quote: {chars}"),
    N_("The display name contains invalid characters when not quoted: {chars}."),
    N_(
        "An open angle bracket at the start of the email address has to be followed by a close "
        "angle bracket at the end."
    ),
    N_("There can't be anything after the email address."),
    N_("There must be something before the @-sign."),
    N_("There must be something after the @-sign."),
    N_("The email address is too long before the @-sign {reason}."),
    N_("The email address is too long after the @-sign {reason}."),
    N_("The email address is too long {reason}."),
    N_("After the @-sign, periods cannot be separated by so many characters {reason}."),
    N_("({count} character too many)"),
    N_("({count} characters too many)"),
    N_("({least}-{count} characters too many)"),
    N_("({count} byte too many after IDNA encoding)"),
    N_("({count} bytes too many after IDNA encoding)"),
    N_("after normalization ({count} byte too many)"),
    N_("after normalization ({count} bytes too many)"),
    N_("when the part after the @-sign is converted to IDNA ASCII ({count} byte too many)"),
    N_("when the part after the @-sign is converted to IDNA ASCII ({count} bytes too many)"),
    N_("Internationalized characters before the @-sign are not supported: {chars}."),
    N_("Internationalized characters before the @-sign are not supported."),
    N_("The email address contains invalid characters in quotes before the @-sign: {chars}."),
    N_("The email address contains an invalid character."),
    N_("The email address contains invalid characters before the @-sign: {chars}."),
    N_("The email address contains invalid characters before the @-sign."),
    N_("The email address contains unsafe characters: {chars}."),
    N_("An email address cannot start with a period."),
    N_("An email address cannot have a period immediately before the @-sign."),
    N_("An email address cannot have a period immediately after the @-sign."),
    N_("An email address cannot have a hyphen immediately after the @-sign."),
    N_("An email address cannot end with a period."),
    N_("An email address cannot end with a hyphen."),
    N_("An email address cannot have two periods in a row."),
    N_("An email address cannot have a period and a hyphen next to each other."),
    N_(
        "An email address cannot have two letters followed by two dashes immediately after the "
        "@-sign or after a period, except Punycode."
    ),
    N_("The part after the @-sign contains invalid characters: {chars}."),
    N_("The part after the @-sign contains invalid characters ({detail})."),
    N_(
        "The part after the @-sign contains invalid characters after Unicode normalization: "
        "{chars}."
    ),
    N_("The part after the @-sign is invalid ({detail})."),
    N_("The email address contains invalid characters after the @-sign after IDNA encoding."),
    N_("The part after the @-sign is not valid. It should have a period."),
    N_("The part after the @-sign is not valid. It is not within a valid top-level domain."),
    N_(
        "The part after the @-sign is a special-use or reserved name that cannot be used with "
        "email."
    ),
    N_("The part after the @-sign is not valid IDNA ({detail})."),
    N_(
        "The part after the @-sign became invalid after normalizing to international "
        "characters ({detail})."
    ),
    N_("A bracketed IP address after the @-sign is not allowed here."),
    N_("After Unicode normalization: {reason}"),
    N_("Quoting the part before the @-sign is not allowed here."),
    N_("A display name and angle brackets around the email address are not permitted here."),
    N_("The domain name {domain} does not accept email."),
    N_("The domain name {domain} does not send email."),
    N_("The domain name {domain} does not exist."),
    N_(
        "There was an error while checking if the domain name in the email address is "
        "deliverable: {detail}"
    ),
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def _reason_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each reason template as a pattern that reads its params back; most words first."""

    def pattern(template: str) -> re.Pattern[str]:
        parts = _PLACEHOLDER.split(template)
        return re.compile(
            "".join(
                re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                for i, part in enumerate(parts)
            ),
            re.DOTALL,
        )

    ordered = sorted(_REASONS, key=lambda t: len(_PLACEHOLDER.sub("", t)), reverse=True)
    return tuple((pattern(template), template) for template in ordered)


@functools.lru_cache(maxsize=1024)  # a file's refusals repeat a few reasons many times
def reason(text: str, /) -> str:
    """Return email-validator's reason ``text`` as a :class:`Message`, when the table has it.

    A reason this table does not know (a newer email-validator's) is returned as it is:
    it is shown in English in every language.

    >>> r = reason("An email address cannot have two periods in a row.")
    >>> r.template == "An email address cannot have two periods in a row."
    True
    """
    for pattern, template in _reason_patterns():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        params: dict[str, object] = dict(match.groupdict())
        if "reason" in params:
            nested = reason(str(params["reason"]))
            if not isinstance(nested, Message):
                continue
            params["reason"] = nested
        return Message(template, **params)
    return text
