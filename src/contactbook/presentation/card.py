"""The customer's contact card as a view model: what a host UI shows, with no HTML.

:meth:`ContactCard.build` turns a contact set into the card of the product's help page:
the primary section at the top (Email, Telephone, Mobile, Website, in that order), the
additional contacts below grouped by description, the empty state with its message, and
whether the Change button shows. Each row carries its label, the value as shown
(telephone numbers in international format), a link that is safe to put in an
``href`` (``mailto:``, ``tel:``, ``http(s):``) and the description for the info icon.

Every text the card shows comes from one :class:`CardLabels` value, which a host
replaces to translate the card. The edit window's model is in :mod:`contactbook.presentation.form`.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, assert_never

import attrs

from contactbook.errors import ConflictError, ContactValidationError
from contactbook.messages import Message
from contactbook.model import (
    KINDS,
    ContactKind,
    ContactPoint,
    ContactSet,
    Family,
    KindTexts,
    Link,
    description_key,
)
from contactbook.ports import Permission
from contactbook.validation import format_phone, normalize_website, phone_uri
from contactbook.vocabulary import LABELS, NOUNS

if TYPE_CHECKING:
    from contactbook.service import ContactService

__all__ = [
    "CardGroup",
    "CardLabels",
    "CardRow",
    "ContactCard",
    "display_value",
    "idn_label_shown",
    "safe_link",
]


def _labels(given: Mapping[ContactKind, str]) -> KindTexts:
    return KindTexts.of(given, LABELS.__getitem__)


def _nouns(given: Mapping[ContactKind, str]) -> KindTexts:
    return KindTexts.of(given, NOUNS.__getitem__)


@attrs.frozen
class CardLabels:
    """Every text of the card, its edit window, a save's messages and the activity log.

    The defaults are the product's English texts. The activity log's lines are
    templates: ``{kind}``, ``{value}``, ``{before}``, ``{after}``, ``{description}`` and
    ``{before_kind}`` are filled in (see :mod:`contactbook.presentation.activity`). Each
    default is a :class:`~contactbook.messages.Message`, so the catalogs translate it:
    ``Translator.for_language("nl").labels`` is the Dutch card
    (:mod:`contactbook.presentation.i18n`). One field can still be replaced by hand:
    ``CardLabels(save="Opslaan")``; a field left out keeps its English text. The kinds'
    labels and nouns are two mappings, read from the table of kinds
    (:data:`contactbook.model.KINDS`): ``CardLabels(kinds={ContactKind.PHONE:
    "Telefoon"})`` replaces one label, and a kind left out keeps its English.
    """

    title: str = Message("Contact")
    primary: str = Message("Primary contact details")
    additional: str = Message("Additional contact details")
    #: Each kind as a heading names it (``kind()``); a kind left out keeps its English.
    kinds: KindTexts = attrs.field(default=_labels({}), converter=_labels)
    no_description: str = Message("Other")
    description: str = Message("Description")
    change: str = Message("Change")
    empty: str = Message("This customer has no contact details.")
    empty_editable: str = Message("This customer has no contact details. Click Change to add them.")
    add: str = Message("Add")
    remove: str = Message("Remove")
    save: str = Message("Save")
    cancel: str = Message("Cancel")
    # The edit window (contactbook.presentation.form)
    edit_title: str = Message("Change contact details")
    kind_label: str = Message("Kind")
    detail: str = Message("Contact detail")
    add_detail: str = Message("Add another detail")
    check: str = Message("Check")
    reload: str = Message("Reload")
    info: str = Message("Description")
    remove_group: str = Message("Remove group")
    restore: str = Message("Undo")
    to_be_removed: str = Message("{label} {value} will be removed when you save.")
    problems: str = Message("There is a problem")
    # Around a save: what the host says after Save, Check, a refusal or a conflict
    saved: str = Message("Saved.")
    nothing_changed: str = Message("Nothing changed.")
    checked: str = Message("No problems found. Nothing has been saved yet: click Save to save.")
    checked_warnings: str = Message(
        "Nothing has been saved yet. Look at the warnings below, then click Save to save."
    )
    not_saved: str = Message(
        "Nothing was saved. Correct what is marked below and click Save again."
    )
    conflict: str = ConflictError.MESSAGE
    refused: str = Message(
        "You cannot change these contact details: it needs the permission Update Customer "
        "Contact Details. Ask your system administrator."
    )
    warning: str = Message("Please check")
    # The activity log (contactbook.presentation.activity); {placeholders} are filled in
    activity: str = Message("Activity log")
    activity_empty: str = Message("No changes have been made yet.")
    activity_more: str = Message("Older changes")
    added: str = Message("Added {kind} {value}")
    added_described: str = Message("Added {kind} {value} ({description})")
    removed: str = Message("Removed {kind} {value}")
    removed_described: str = Message("Removed {kind} {value} ({description})")
    value_changed: str = Message("Changed {kind} from {before} to {after}")
    kind_changed: str = Message("Moved {before_kind} {before} to {kind} {after}")
    description_changed: str = Message(
        "Changed the description of {kind} {value} from {before} to {after}"
    )
    quoted: str = Message("'{description}'")
    no_description_given: str = Message("no description")
    primary_changed: str = Message("Primary {kind} is now {after} (was {before})")
    none: str = Message("none")
    #: Each kind as a sentence names it (``noun()``); a kind left out keeps its English.
    nouns: KindTexts = attrs.field(default=_nouns({}), converter=_nouns)

    def kind(self, kind: ContactKind, /) -> str:
        """Return the label of ``kind`` ("Email Address", "Telephone", ...)."""
        return self.kinds[kind]

    def noun(self, kind: ContactKind, /) -> str:
        """Return ``kind`` as a sentence names it ("email address", "mobile number", ...)."""
        return self.nouns[kind]


_ENGLISH = CardLabels()


@attrs.frozen
class CardRow:
    """One contact point as the card shows it.

    ``value`` is the text to show; ``href`` a link safe to put in an ``href`` attribute
    (``None`` if the stored value cannot be made one); ``description`` the info icon's
    text (``None``: no icon).
    """

    point_id: int
    kind: ContactKind
    label: str
    value: str
    href: str | None
    description: str | None

    @classmethod
    def of(cls, point: ContactPoint, /, *, labels: CardLabels = _ENGLISH) -> CardRow:
        """Return the row that shows ``point``."""
        return cls(
            point.id,
            point.kind,
            labels.kind(point.kind),
            display_value(point),
            safe_link(point),
            point.description,
        )


@attrs.frozen
class CardGroup:
    """The additional contacts that share a description (case-insensitively).

    ``label`` is the description as first entered, or the neutral label for the group of
    points without one (``description`` is then ``None``).
    """

    label: str
    description: str | None
    rows: tuple[CardRow, ...]


@attrs.frozen
class ContactCard:
    """The card: primary section, additional groups, empty state, Change button.

    ``primary`` has one row per kind that has points, in the order Email, Telephone,
    Mobile, Website. ``additional`` has the other points grouped by description, groups
    in order of first appearance, the group without a description last; within a
    group, points keep the order they were added in. ``can_edit`` says whether the
    Change button shows. ``version`` is the stored version the card shows, when it was
    read through a service (:meth:`for_actor`); ``None`` for a card built from a set.
    """

    primary: tuple[CardRow, ...]
    additional: tuple[CardGroup, ...]
    can_edit: bool = False
    labels: CardLabels = _ENGLISH
    version: int | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def for_actor(
        cls,
        service: ContactService,
        actor: str,
        customer_id: str,
        /,
        *,
        labels: CardLabels | None = None,
    ) -> ContactCard:
        """Return the customer's card as ``actor`` sees it (needs the read permission).

        One read through ``service`` (its permission check and unit of work); the card
        shows the Change button when ``actor`` has "Update Customer Contact Details",
        and carries the version it was read at. ``labels`` translates the card (English
        by default).

        >>> from contactbook import ContactService
        >>> from contactbook.adapters.memory import AllowAll, InMemoryStore
        >>> service = ContactService(InMemoryStore(), AllowAll())
        >>> card = ContactCard.for_actor(service, "ann", "C1")
        >>> (card.is_empty, card.can_edit, card.version)
        (True, True, 0)
        """
        stored = service.read(actor, customer_id)
        may_edit = service.may(actor, Permission.UPDATE_CONTACT_DETAILS, customer_id)
        labels = _ENGLISH if labels is None else labels
        card = cls.build(stored.contacts, can_edit=may_edit, labels=labels)
        return attrs.evolve(card, version=stored.version)

    @classmethod
    def build(
        cls, contacts: ContactSet, /, *, can_edit: bool = False, labels: CardLabels = _ENGLISH
    ) -> ContactCard:
        """Return the card of ``contacts``; ``can_edit``: the actor may update them.

        >>> from contactbook import ContactSet, ContactKind, add
        >>> card = ContactCard.build(add(ContactSet(), ContactKind.MOBILE, "+31612345678"))
        >>> [(row.label, row.value, row.href) for row in card.primary]
        [('Mobile Phone', '+31 6 12345678', 'tel:+31-6-12345678')]
        """
        primary = tuple(CardRow.of(point, labels=labels) for point in contacts.primaries().values())
        groups: dict[str | None, list[ContactPoint]] = {}
        for point in contacts.additional():
            groups.setdefault(description_key(point.description), []).append(point)
        # The points without a description form their own group, shown last.
        ordered: list[str | None] = [key for key in groups if key is not None]
        if None in groups:
            ordered.append(None)
        additional = tuple(
            CardGroup(
                groups[key][0].description or labels.no_description,
                groups[key][0].description,
                tuple(CardRow.of(point, labels=labels) for point in groups[key]),
            )
            for key in ordered
        )
        return cls(primary, additional, can_edit, labels)

    @property
    def is_empty(self) -> bool:
        """Whether the customer has no contact details (every point has a primary row)."""
        return not self.primary

    @property
    def empty_message(self) -> str | None:
        """The empty state's message (it invites to click Change if the actor may)."""
        if not self.is_empty:
            return None
        return self.labels.empty_editable if self.can_edit else self.labels.empty


# --------------------------------------------------------------------------- values and links


def display_value(point: ContactPoint, /) -> str:
    """Return ``point``'s value as a person reads it.

    Telephone numbers in international format (``+31 6 12345678``); a website's
    internationalised host labels decoded (``https://bücher.example``) only where
    Chromium's IDN display policy would show them decoded (look-alikes of other names
    stay in ``xn--`` form: see :func:`idn_label_shown`); email addresses as stored. A
    value the display rules cannot read is shown as stored.

    >>> display_value(ContactPoint(1, ContactKind.PHONE, "+31201234567"))
    '+31 20 123 4567'
    """
    family = KINDS[point.kind].family
    match family:
        case Family.PHONE:
            try:
                return format_phone(point.value)
            except ValueError:
                return point.value
        case Family.WEBSITE:
            return _display_website(point.value)
        case Family.EMAIL:
            return point.value
        case _:
            assert_never(family)


# RFC 6068 §2: what may stay unescaped in a mailto: address (unreserved characters and
# "some-delims" but the single quote, which could end a single-quoted attribute);
# everything else, "'", "?", "#", "&", "%" and non-ASCII included, is escaped.
_MAILTO_SAFE = "!$()*+,;:@"
# What no link may hold: anything that could end an attribute in either quote style or
# an unquoted one, or that a browser reads around (white space, controls, both quotes,
# angle brackets, backslash, backtick).
_HREF_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\"'<>\\`]")


def safe_link(point: ContactPoint, /) -> str | None:
    """Return a link to ``point`` that is safe in an ``href``, or ``None``.

    ``mailto:`` (RFC 6068, escaped), ``tel:`` (RFC 3966) or the website. Nothing in
    the link can end an attribute in either quote style. A website is not trusted as
    stored: it is read again with :func:`~contactbook.validation.normalize_website`, and
    only a value that is exactly what the rules store today (an ``http``/``https``
    address without user name or password that goes where a browser goes, with ``'``
    stored as ``%27``) gets a link, the value itself; any other value, whatever a store
    or a loaded file holds, gets ``None`` (re-check old data with
    ``docs/how-to/revalidate.md``).

    >>> safe_link(ContactPoint(1, ContactKind.EMAIL, "a&b@example.com"))
    'mailto:a%26b@example.com'
    >>> safe_link(ContactPoint(1, ContactKind.WEBSITE, "http://user:pw@x.com")) is None
    True
    """
    how = KINDS[point.kind].link
    match how:
        case Link.MAILTO:
            link = "mailto:" + urllib.parse.quote(point.value, safe=_MAILTO_SAFE)
        case Link.WEB:
            try:
                if normalize_website(point.value) != point.value:
                    return None  # not a value the rules store: a hand-built or older one
            except ContactValidationError:
                return None
            link = point.value  # as every export writes it (no "'": normalize_website)
        case Link.TEL:
            try:
                link = phone_uri(point.value)
            except ValueError:
                return None
        case _:
            assert_never(how)
    return None if _HREF_UNSAFE.search(link) else link


def _display_website(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return url
    if not host or "xn--" not in host:
        return url
    labels = host.split(".")
    shown = ".".join(_display_label(label, labels[-1]) for label in labels)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.replace(host, shown, 1)))


def _display_label(label: str, top: str) -> str:
    """Decode one ``xn--`` label (RFC 3492 Punycode) where :func:`idn_label_shown` allows."""
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return label
    if decoded.encode("punycode").decode("ascii") != label[4:]:
        return label  # not the one A-label of its U-label: shown as it is
    top_decoded = _display_label(top, "") if top != label and top.startswith("xn--") else top
    return decoded if idn_label_shown(decoded, top_decoded) else label


# ---------------------------------------------------------------- IDN display policy
#
# Chromium's IDN display policy (chromium/src docs/idn.md, "Google Chrome's IDN policy",
# and components/url_formatter/spoof_checks/idn_spoof_checker.cc), built on Unicode
# TS #39 (Security Mechanisms), as far as Python's unicodedata can follow it. Each rule
# that keeps a label in xn-- form is one function below; docs/how-to/render-the-card.md
# lists them and where contactbook is stricter or simpler than Chromium.

# IDNA 2003/2008 deviation characters (UTS #46 §4.1.1): Chromium always shows a label
# holding one in Punycode.
_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")
# Katakana that look like a slash or a Latin stroke (no, n, so, zo): shown decoded only among
# Japanese characters (Chromium's "dangerous pattern" rule).
_KANA_STROKES = frozenset("\u30ce\u30f3\u30bd\u30be")
_JAPANESE = frozenset({"Han", "Hiragana", "Katakana"})
# UTS #39 §5.2 "Highly Restrictive" script sets, which Chromium allows with any Latin.
_HIGHLY_RESTRICTIVE = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)
# UTS #39 "Moderately Restrictive" allows Latin with one other script, but Chromium
# forbids Cyrillic and Greek there (and wants the Latin part ASCII).
_NOT_WITH_LATIN = frozenset({"Cyrillic", "Greek"})
# Letters of other scripts whose glyph is a Latin letter's (Unicode confusables.txt, the
# "Latin look-alike" lists of Chromium's whole-script confusable check for Cyrillic,
# Greek and Armenian). A label made only of one script's look-alikes is a
# whole-script confusable ("apple" in Cyrillic letters); one of them among Latin
# letters ("google" with Armenian o) a mixed-script one.
_LATIN_LOOKALIKES = {
    "Cyrillic": frozenset(
        "\u0430\u044b\u0441\u0501\u0435\u050d\u04bb\u0456\u0457\u0458\u04cf\u043e\u0440"
        "\u0517\u051b\u0455\u051d\u0445\u0443\u044a\u044c\u04bd\u043f\u0433\u0475\u0461"
    ),
    "Greek": frozenset("\u03b1\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7"),
    "Armenian": frozenset("\u0561\u0563\u0566\u0570\u0578\u057d\u0581\u0585"),
}
# Top-level labels in whose zone a whole-script confusable is a real local name, shown
# decoded by Chromium too: the TLD written in the same script (.xn--p1ai, the Russian
# Federation's, for Cyrillic).
# The script is read from unicodedata's character names (the first word: LATIN,
# CYRILLIC, CJK ...), since Python has no Script property.
_SCRIPT_NAMES = {"CJK": "Han", "IDEOGRAPHIC": "Han"}


def _script(char: str) -> str | None:
    """Return the script of a letter, or ``None`` for a digit, hyphen, mark or sign."""
    if not unicodedata.category(char).startswith("L"):
        return None
    first = unicodedata.name(char, "?").partition(" ")[0]
    if first == "KATAKANA-HIRAGANA":
        return None  # the prolonged sound mark: Common, used by both kana
    return _SCRIPT_NAMES.get(first, first.title())


def idn_label_shown(label: str, top: str = "") -> bool:
    """Whether a decoded domain label may be shown decoded (else it stays ``xn--``).

    ``top`` is the host's top-level label, decoded. The label is shown decoded only if
    it is made of letters, digits, combining marks and hyphens in Unicode NFC, holds no
    IDNA deviation character, no same combining mark twice in a row, digits of one
    numbering system only, a script mix Unicode TS #39 calls highly restrictive (or
    ASCII Latin with one script other than Cyrillic and Greek), no Latin look-alike
    among Latin letters, is not made only of one script's Latin look-alikes (unless the
    top-level label is in that script), and has no Katakana no, n, so or zo beside
    non-Japanese letters.

    >>> idn_label_shown("bücher"), idn_label_shown("\u0430\u0440\u0440\u04cf\u0435", "com")
    (True, False)
    """
    if unicodedata.normalize("NFC", label) != label or _DEVIATIONS.intersection(label):
        return False
    scripts: set[str] = set()
    zeros: set[int] = set()
    previous = ""
    for char in label:
        category = unicodedata.category(char)
        if category == "Nd":
            zeros.add(ord(char) - unicodedata.digit(char))
        elif category.startswith("M"):
            if char == previous:
                return False  # the same combining mark twice: invisible doubling
        elif char != "-" and not category.startswith("L"):
            return False  # symbols, punctuation, invisible and other characters
        script = _script(char)
        if script is not None:
            scripts.add(script)
        previous = char
    return (
        len(zeros) <= 1
        and _scripts_may_mix(scripts, label)
        and not _confusable(label, scripts, top)
        and not (_KANA_STROKES.intersection(label) and not scripts <= _JAPANESE)
    )


def _scripts_may_mix(scripts: set[str], label: str) -> bool:
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _HIGHLY_RESTRICTIVE):
        return True
    others = scripts - {"Latin"}
    return (
        len(others) == 1
        and "Latin" in scripts
        and not others & _NOT_WITH_LATIN
        and all(char.isascii() for char in label if _script(char) == "Latin")
    )


def _confusable(label: str, scripts: set[str], top: str) -> bool:
    """Whether ``label`` is a whole-script or mixed-script look-alike of a Latin name."""
    letters = [char for char in label if _script(char) is not None]
    for script, lookalikes in _LATIN_LOOKALIKES.items():
        if script not in scripts:
            continue
        if "Latin" in scripts and lookalikes.intersection(label):
            return True
        same_script_top = bool(top) and {_script(c) for c in top} - {None} == {script}
        if letters and all(c in lookalikes for c in letters) and not same_script_top:
            return True
    return False
