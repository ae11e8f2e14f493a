"""Who gets an automatic communication: the routing policy and its answer.

By default every purpose (an invoice, a payment reminder, a notification, or one a
host names) goes to the primary contact point of the channel's kind: the primary email
address for email, the primary mobile number for SMS. A :class:`RoutingPolicy` can say
otherwise per purpose and channel: prefer points with given descriptions ("Billing
Contact"), fall back to the primary or not, and copy (cc) the points with other
descriptions. :func:`route` applies a policy to a contact set and answers with the
contact points themselves, so that a host can record whom it actually sent to.

Nothing here stores a copy of a primary value: the answer is derived from the set each
time, so it can never go stale.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from contactbook.errors import (
    ContactValidationError,
    NoRecipientError,
    Problem,
)
from contactbook.model import ContactKind, ContactPoint, ContactSet, description_key
from contactbook.validation import normalize_description
from contactbook.vocabulary import NOUNS, require_text, shown

__all__ = [
    "PURPOSE_NAME",
    "STANDARD_PURPOSES",
    "Channel",
    "Purpose",
    "Recipients",
    "RoutingPolicy",
    "RoutingRule",
    "purpose_name_problem",
    "route",
    "tidy_descriptions",
    "unknown_channel",
    "unknown_purpose",
]


class Channel(enum.Enum):
    """How a communication is sent; each channel reaches one kind of contact point."""

    EMAIL = "email"
    SMS = "sms"

    @property
    def kind(self) -> ContactKind:
        """The kind of contact point this channel sends to (SMS goes to mobiles)."""
        return _KIND_OF[self]


_KIND_OF = {Channel.EMAIL: ContactKind.EMAIL, Channel.SMS: ContactKind.MOBILE}


class Purpose(str, enum.Enum):
    """The purposes every policy knows. A host may name its own (see RoutingPolicy)."""

    INVOICE = "invoice"
    PAYMENT_REMINDER = "payment_reminder"
    NOTIFICATION = "notification"


# A purpose a host names: lower-case letters, digits and underscores, like the built-in
# ones, so that a configuration key and the name in code cannot differ by case or space.
#: What a purpose may be named: a lower-case letter, then up to 49 letters, digits or ``_``.
PURPOSE_NAME = re.compile(r"[a-z][a-z0-9_]{0,49}")


def _purpose_name(purpose: str) -> str:
    return purpose.value if isinstance(purpose, Purpose) else purpose


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ContactValidationError.from_problems(problems)


def tidy_descriptions(values: Iterable[str], field: str) -> tuple[str, ...]:
    """Tidy each description as a stored one is tidied; an empty one matches nothing."""
    if isinstance(values, str):
        msg = f"{field} takes a sequence of descriptions, not one str"
        raise TypeError(msg)
    tidied: list[str] = []
    problems: list[Problem] = []
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        try:
            description = normalize_description(value)
        except ContactValidationError as error:
            problems.extend(attrs.evolve(problem, field=where) for problem in error.errors)
            continue
        if description is None:
            problems.append(
                Problem(
                    "routing.description",
                    where,
                    "A description in a routing rule is empty; it would match nothing. Remove it.",
                )
            )
            continue
        tidied.append(description)
    _raise_if(problems)
    return tuple(tidied)


def _preferred(values: Iterable[str]) -> tuple[str, ...]:
    return tidy_descriptions(values, "prefer")


def _copied(values: Iterable[str]) -> tuple[str, ...]:
    return tidy_descriptions(values, "cc")


@attrs.frozen
class RoutingRule:
    """How one purpose is routed on one channel.

    ``prefer``: descriptions, most wanted first; the main recipient is the first point
    (in the set's order) whose description matches the first of them that any point
    has. Descriptions match case-insensitively, ignoring surrounding and repeated white
    space. ``fallback``: when none matches, use the primary point. ``cc``: descriptions
    whose points get a copy. ``RoutingRule()`` is the default: the primary, no copies.
    """

    prefer: tuple[str, ...] = attrs.field(default=(), converter=_preferred)
    fallback: bool = True
    cc: tuple[str, ...] = attrs.field(default=(), converter=_copied)


_DEFAULT_RULE = RoutingRule()
#: The names of the standard purposes (:class:`Purpose`), which every policy knows.
STANDARD_PURPOSES = frozenset(purpose.value for purpose in Purpose)


def _all_purposes(names: Iterable[str]) -> frozenset[str]:
    """Return the built-in purposes and ``names``, each checked as a purpose name."""
    own = [_purpose_name(name) for name in names]
    _raise_if([p for name in own if (p := purpose_name_problem(name, "purposes")) is not None])
    return STANDARD_PURPOSES | set(own)


def _not_text(name: str, field: str) -> Problem | None:
    """Return the ``text.character`` problem of a name holding a surrogate, or ``None``."""
    try:
        require_text(name, field=field, what="purpose name")
    except ContactValidationError as error:
        return error.errors[0]
    return None


def purpose_name_problem(name: str, field: str) -> Problem | None:
    """Return why ``name`` cannot name a purpose (``field`` is where it was), or ``None``."""
    if PURPOSE_NAME.fullmatch(name):
        return None
    if (problem := _not_text(name, field)) is not None:
        return problem
    quoted = shown(name)
    return Problem(
        "routing.purpose",
        field,
        f"{quoted} is not a purpose name; name a purpose with lower-case letters, digits "
        "and underscores, starting with a letter (for example 'dunning_letter').",
    )


def _frozen_rules(
    rules: Mapping[tuple[str, Channel], RoutingRule],
) -> Mapping[tuple[str, Channel], RoutingRule]:
    return MappingProxyType({(_purpose_name(p), c): rule for (p, c), rule in rules.items()})


@attrs.frozen
class RoutingPolicy:
    """Per purpose and channel, the rule that picks the recipients.

    ``RoutingPolicy()`` is the default policy: everything to the primary. ``rules`` maps
    ``(purpose, channel)`` to a :class:`RoutingRule`; a pair without a rule uses the
    default rule. ``purposes`` names the host's own purposes, on top of the built-in
    ones (:class:`Purpose`); a rule or a question about any other purpose is refused,
    so that a misspelt purpose cannot silently fall back to the default. Build one from
    configuration with :func:`contactbook.interchange.routing_config.policy_from_config`
    or :func:`~contactbook.interchange.routing_config.policy_from_json`.
    """

    rules: Mapping[tuple[str, Channel], RoutingRule] = attrs.field(
        factory=dict, converter=_frozen_rules
    )
    purposes: frozenset[str] = attrs.field(default=(), converter=_all_purposes)

    @rules.validator
    def _rules_fit(
        self,
        attribute: attrs.Attribute[Mapping[tuple[str, Channel], RoutingRule]],
        rules: Mapping[tuple[str, Channel], RoutingRule],
    ) -> None:
        # attrs runs validators once every field is set, so self.purposes is complete.
        problems = [unknown_purpose(p, self.purposes) for p, _ in rules if p not in self.purposes]
        problems += [unknown_channel(c, "rules") for _, c in rules if not isinstance(c, Channel)]
        _raise_if(problems)

    def purpose_name(self, purpose: str, /) -> str:
        """Return the name of ``purpose``, or refuse one this policy does not know."""
        name = _purpose_name(purpose)
        if name not in self.purposes:
            _raise_if([unknown_purpose(name, self.purposes)])
        return name

    def rule(self, purpose: str, channel: Channel, /) -> RoutingRule:
        """Return the rule for ``purpose`` on ``channel`` (the default rule if none)."""
        return self.rules.get((self.purpose_name(purpose), channel), _DEFAULT_RULE)


_CHANNELS = {channel.value: channel for channel in Channel}


def unknown_purpose(name: str, known: Iterable[str], field: str = "purpose") -> Problem:
    """Return the problem of a purpose no policy of ``known`` purposes names."""
    if isinstance(name, str) and (problem := _not_text(name, field)) is not None:
        return problem
    return Problem(
        "routing.purpose",
        field,
        f"{shown(name)} is not a purpose of this routing policy; the purposes are "
        f"{', '.join(sorted(known))}. Declare your own under 'purposes'.",
    )


def unknown_channel(channel: object, field: str) -> Problem:
    """Return the problem of a channel that is not one of :class:`Channel`."""
    quoted = shown(channel) if isinstance(channel, str) else shown(repr(channel), quoted=False)
    return Problem(
        "routing.channel",
        field,
        f"{quoted} is not a channel; the channels are {', '.join(_CHANNELS)}.",
    )


# --------------------------------------------------------------------------- the answer


@attrs.frozen
class Recipients:
    """Whom to send a communication to: the main recipient and the copies.

    Each is the contact point it came from (record it on the invoice). ``to`` is
    ``None`` when nothing fits; then ``cc`` is empty too (copies go with a message, and
    there is none) and ``reason`` says what was missing. No point appears twice.
    """

    purpose: str
    channel: Channel
    to: ContactPoint | None
    cc: tuple[ContactPoint, ...] = ()
    reason: str | None = None

    @property
    def found(self) -> bool:
        """Whether there is a main recipient."""
        return self.to is not None

    @property
    def points(self) -> tuple[ContactPoint, ...]:
        """The main recipient, then the copies (empty when nothing fits)."""
        return () if self.to is None else (self.to, *self.cc)


_DEFAULT_POLICY = RoutingPolicy()


def route(
    contacts: ContactSet,
    purpose: str,
    /,
    *,
    channel: Channel = Channel.EMAIL,
    policy: RoutingPolicy = _DEFAULT_POLICY,
    required: bool = False,
) -> Recipients:
    """Return the recipients of a ``purpose`` communication on ``channel``.

    Only points of the channel's kind are considered. The main recipient is the first
    point matching the rule's preferred descriptions, in their order; failing that, the
    primary, if the rule falls back (the default rule does only that). The copies are
    the other points whose description is one of the rule's ``cc`` descriptions.

    When nothing fits, the answer says so (``found`` is false, ``reason`` why); with
    ``required=True`` it raises :class:`~contactbook.errors.NoRecipientError` instead.
    An unknown purpose is refused (``routing.purpose``).

    >>> from contactbook import ContactSet, add
    >>> contacts = add(ContactSet(), ContactKind.EMAIL, "info@example.com")
    >>> route(contacts, Purpose.INVOICE).to.value
    'info@example.com'
    """
    name = policy.purpose_name(purpose)
    rule = policy.rule(name, channel)
    candidates = contacts.of_kind(channel.kind)
    to = next(_described(candidates, rule.prefer), None)
    if to is None and rule.fallback:
        to = contacts.primary(channel.kind)
    if to is None:
        reason = _why_none(candidates, rule, channel)
        if required:
            raise NoRecipientError(name, channel.value, reason, field=channel.kind.value)
        return Recipients(name, channel, None, (), reason)
    copies = {point.id: point for point in _described(candidates, rule.cc) if point != to}
    return Recipients(name, channel, to, tuple(copies.values()))


def _described(
    candidates: tuple[ContactPoint, ...], descriptions: tuple[str, ...]
) -> Iterator[ContactPoint]:
    """Yield the points with each of ``descriptions`` in turn, each in the set's order."""
    for description in descriptions:
        key = description_key(description)
        yield from (point for point in candidates if description_key(point.description) == key)


def _why_none(candidates: tuple[ContactPoint, ...], rule: RoutingRule, channel: Channel) -> str:
    noun = NOUNS[channel.kind]
    if not candidates:
        return f"the customer has no {noun}."
    no_fallback = f"does not fall back to the primary {noun}."
    if not rule.prefer:
        return f"the policy names no description and {no_fallback}"
    wanted = " or ".join(repr(description) for description in rule.prefer)
    return f"no {noun} is described as {wanted}, and the policy {no_fallback}"
