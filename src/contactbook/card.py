"""The customer's contact card as a view model: what a host UI shows, with no HTML.

:meth:`ContactCard.build` turns a contact set into the card of the product's help page:
the primary section at the top (Email, Telephone, Mobile, Website, in that order), the
additional contacts below grouped by description, the empty state with its message, and
whether the Change button shows. Each row carries its label, the value as shown
(telephone numbers in international format), a link that is safe to put in an
``href`` (``mailto:``, ``tel:``, ``http(s):``) and the description for the info icon.

Every text the card shows comes from one :class:`CardLabels` value, which a host
replaces to translate the card. The edit window's model is in :mod:`contactbook.form`.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

import attrs

from contactbook.model import ContactKind, ContactPoint, ContactSet, description_key
from contactbook.validation import format_phone, phone_uri

__all__ = [
    "CardGroup",
    "CardLabels",
    "CardRow",
    "ContactCard",
    "display_value",
    "safe_link",
]


@attrs.frozen
class CardLabels:
    """Every text of the card, its edit window, a save's messages and the activity log.

    The defaults are the product's English texts. The activity log's lines are
    templates: ``{kind}``, ``{value}``, ``{before}``, ``{after}``, ``{description}`` and
    ``{before_kind}`` are filled in (see :mod:`contactbook.activity`). To translate,
    build one with your own: ``CardLabels(email="E-mailadres", phone="Telefoon", ...)``;
    a field left out keeps its English text.
    """

    title: str = "Contact"
    primary: str = "Primary contact details"
    additional: str = "Additional contact details"
    email: str = "Email Address"
    phone: str = "Telephone"
    mobile: str = "Mobile Phone"
    website: str = "Website"
    no_description: str = "Other"
    description: str = "Description"
    change: str = "Change"
    empty: str = "This customer has no contact details."
    empty_editable: str = "This customer has no contact details. Click Change to add them."
    add: str = "Add"
    remove: str = "Remove"
    save: str = "Save"
    cancel: str = "Cancel"
    # The edit window (contactbook.form)
    edit_title: str = "Change contact details"
    kind_label: str = "Kind"
    detail: str = "Contact detail"
    add_detail: str = "Add another detail"
    check: str = "Check"
    reload: str = "Reload"
    info: str = "Description"
    # Around a save: what the host says after Save, Check, a refusal or a conflict
    saved: str = "Saved."
    nothing_changed: str = "Nothing changed."
    checked: str = "No problems found. Nothing has been saved yet: click Save to save."
    not_saved: str = "Nothing was saved. Correct what is marked below and click Save again."
    conflict: str = (
        "Someone else changed these contact details while this window was open, so "
        "nothing was saved. Reload the window to see their changes, then make yours again."
    )
    refused: str = (
        "You cannot change these contact details: it needs the permission Update Customer "
        "Contact Details. Ask your system administrator."
    )
    warning: str = "Please check"
    # The activity log (contactbook.activity); {placeholders} are filled in
    activity: str = "Activity log"
    activity_empty: str = "No changes have been made yet."
    activity_more: str = "Older changes"
    added: str = "Added {kind} {value}"
    added_described: str = "Added {kind} {value} ({description})"
    removed: str = "Removed {kind} {value}"
    removed_described: str = "Removed {kind} {value} ({description})"
    value_changed: str = "Changed {kind} from {before} to {after}"
    kind_changed: str = "Moved {before_kind} {before} to {kind} {after}"
    description_changed: str = "Changed the description of {kind} {value} from {before} to {after}"
    quoted: str = "'{description}'"
    no_description_given: str = "no description"
    primary_changed: str = "Primary {kind} is now {after} (was {before})"
    none: str = "none"
    email_noun: str = "email address"
    phone_noun: str = "telephone number"
    mobile_noun: str = "mobile number"
    website_noun: str = "website"

    def kind(self, kind: ContactKind, /) -> str:
        """Return the label of ``kind`` ("Email Address", "Telephone", ...)."""
        return {
            ContactKind.EMAIL: self.email,
            ContactKind.PHONE: self.phone,
            ContactKind.MOBILE: self.mobile,
            ContactKind.WEBSITE: self.website,
        }[kind]

    def noun(self, kind: ContactKind, /) -> str:
        """Return ``kind`` as a sentence names it ("email address", "mobile number", ...)."""
        return {
            ContactKind.EMAIL: self.email_noun,
            ContactKind.PHONE: self.phone_noun,
            ContactKind.MOBILE: self.mobile_noun,
            ContactKind.WEBSITE: self.website_noun,
        }[kind]


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
    Change button shows.
    """

    primary: tuple[CardRow, ...]
    additional: tuple[CardGroup, ...]
    can_edit: bool = False
    labels: CardLabels = _ENGLISH

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
    internationalised host decoded (``https://bücher.example``) unless it mixes
    scripts; email addresses as stored. A value the display rules cannot read is shown
    as stored.

    >>> display_value(ContactPoint(1, ContactKind.PHONE, "+31201234567"))
    '+31 20 123 4567'
    """
    if point.kind in (ContactKind.PHONE, ContactKind.MOBILE):
        try:
            return format_phone(point.value)
        except ValueError:
            return point.value
    if point.kind is ContactKind.WEBSITE:
        return _display_website(point.value)
    return point.value


# RFC 6068 §2: what may stay unescaped in a mailto: address (unreserved characters and
# "some-delims"); everything else, "?", "#", "&", "%" and non-ASCII included, is escaped.
_MAILTO_SAFE = "!$'()*+,;:@"
# What no stored (normalised) web address holds, and what could break out of an
# attribute or be read around by a browser: white space, controls, quotes, brackets.
_HREF_UNSAFE = re.compile(r'[\x00-\x20\x7f-\x9f"<>\\`]')


def safe_link(point: ContactPoint, /) -> str | None:
    """Return a link to ``point`` that is safe in an ``href``, or ``None``.

    ``mailto:`` (RFC 6068, escaped), ``tel:`` (RFC 3966) or the website itself when it
    is ``http`` or ``https``. Never any other scheme, whatever the stored value holds.

    >>> safe_link(ContactPoint(1, ContactKind.EMAIL, "a&b@example.com"))
    'mailto:a%26b@example.com'
    """
    if point.kind is ContactKind.EMAIL:
        return "mailto:" + urllib.parse.quote(point.value, safe=_MAILTO_SAFE)
    if point.kind is ContactKind.WEBSITE:
        scheme = point.value.partition("://")[0].lower()
        if scheme not in ("http", "https") or _HREF_UNSAFE.search(point.value):
            return None
        return point.value
    try:
        return phone_uri(point.value)
    except ValueError:
        return None


def _display_website(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return url
    if not host or "xn--" not in host:
        return url
    shown = ".".join(_display_label(label) for label in host.split("."))
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.replace(host, shown, 1)))


def _display_label(label: str) -> str:
    """Decode one IDNA label (RFC 3492 Punycode) unless it could pass for another name.

    A label that mixes scripts (a Cyrillic letter among Latin ones, say) stays encoded,
    as browsers keep it (Unicode TS #39, mixed-script detection).
    """
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return label
    scripts = {unicodedata.name(ch, "").partition(" ")[0] for ch in decoded if ch.isalpha()}
    if len(scripts) > 1 or not all(ch.isalnum() or ch == "-" for ch in decoded):
        return label
    return decoded
