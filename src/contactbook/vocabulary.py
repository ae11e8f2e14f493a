"""The words and characters every layer shares, each written once.

- The names of the kinds as input gives them (:data:`KIND_NAMES`; a spreadsheet's
  spellings in :data:`KIND_SPELLINGS`), and each kind's English noun and label
  (:data:`NOUNS`, :data:`LABELS`; the card translates them through ``CardLabels``, whose
  English defaults are these), read from the table of kinds,
  :data:`contactbook.model.KINDS`.
- The characters refused everywhere: C0 and C1 control characters (tab, LF and CR
  excepted: they are white space) and lone surrogates, which cannot be encoded as UTF-8
  and so could never be stored or sent (:data:`REFUSED`); in a description also the
  bidirectional embedding, override and isolate controls, which can make a label display
  as something other than what it is, "Trojan Source" (:data:`REFUSED_IN_DESCRIPTION`).
- How a message shows what a person typed: :func:`shown`.
- The one refusal every text the library takes shares (values, descriptions, customer
  ids, the actor, routing purposes, the fields of an activity entry read from JSON):
  a surrogate code point (U+D800 to U+DFFF), alone or two of them that a UTF-16 pair
  would make, is not a character, so no store could give it back as it was given
  (:func:`require_text`, code ``text.character``).

The limit of 100 points and its wording live with the set they bound:
:data:`contactbook.model.MAX_POINTS` and :data:`contactbook.model.LIMIT_MESSAGE`.

This module imports the model and the errors and nothing else of contactbook, so every
other module may use it (``docs/explanation/package-map.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from contactbook.errors import ContactValidationError
from contactbook.messages import Message
from contactbook.model import KINDS, ContactKind

__all__ = [
    "BIDI_CONTROLS",
    "CONTROL_CHARACTERS",
    "KIND_NAMES",
    "KIND_SPELLINGS",
    "KIND_TEXT",
    "LABELS",
    "NOUNS",
    "REFUSED",
    "REFUSED_IN_DESCRIPTION",
    "SURROGATE",
    "require_text",
    "shown",
]

#: Each kind by the name input gives it, exactly: "email", "phone", "mobile", "website".
KIND_NAMES: Mapping[str, ContactKind] = MappingProxyType({kind.value: kind for kind in ContactKind})

#: Each kind's name as the files write it (``KIND_NAMES`` the other way round): a
#: mapping, since an enum member's ``.value`` is a descriptor call and every point of
#: every file and stored set is written with it.
KIND_TEXT: Mapping[ContactKind, str] = MappingProxyType({kind: kind.value for kind in ContactKind})

#: The names a spreadsheet column may give a kind (looked up after ``strip().casefold()``):
#: each kind's name and the common other words for it (``KindSpec.spellings``).
KIND_SPELLINGS: Mapping[str, ContactKind] = MappingProxyType(
    {spelling: kind for kind, spec in KINDS.items() for spelling in spec.spellings}
)

#: Each kind as an English sentence names it ("Added mobile number ...").
NOUNS: Mapping[ContactKind, str] = MappingProxyType(
    {kind: spec.noun for kind, spec in KINDS.items()}
)

#: Each kind as an English heading names it (the card's primary section, the edit window).
LABELS: Mapping[ContactKind, str] = MappingProxyType(
    {kind: spec.label for kind, spec in KINDS.items()}
)

_CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F))
_SURROGATES = ((0xD800, 0xDFFF),)
_BIDI_RANGES = ((0x202A, 0x202E), (0x2066, 0x2069))


def _characters(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(chr(code) for first, last in ranges for code in range(first, last + 1))


def _class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in ranges) + "]")


#: The C0 and C1 control characters refused in every value (tab, LF and CR are white
#: space, trimmed or refused as such).
CONTROL_CHARACTERS = _characters(_CONTROL_RANGES)
#: The bidirectional embeddings, overrides and isolates a description may not hold.
BIDI_CONTROLS = _characters(_BIDI_RANGES)
#: Matches a character no value may hold: a control character or a lone surrogate.
REFUSED = _class(_CONTROL_RANGES + _SURROGATES)
#: Matches a character no description may hold: :data:`REFUSED`, and the bidi controls.
REFUSED_IN_DESCRIPTION = _class(_CONTROL_RANGES + _SURROGATES + _BIDI_RANGES)
#: Matches a surrogate code point, which no text the library takes may hold.
SURROGATE = _class(_SURROGATES)


def require_text(text: str, /, *, field: str, what: str) -> None:
    r"""Refuse ``text`` if it holds a surrogate code point: ``text.character``.

    A Python ``str`` can hold U+D800 to U+DFFF, alone or as two code points that UTF-16
    would pair (``"x\udbff\udc00"``); none of them is a character. UTF-8 cannot encode
    them, JSON reads the pair back as the one character it stands for, so a store
    would give back another text or fail: every entry point refuses them first, with
    this one code. ``what`` names the text in the message ("actor", "customer id").

    >>> try:
    ...     require_text("x\udbff\udc00", field="actor", what="actor")
    ... except ContactValidationError as error:
    ...     print(error.code)
    text.character
    """
    if not text.isascii() and SURROGATE.search(text):
        msg = Message(
            "The {what} holds a surrogate code point (U+D800 to U+DFFF), which is not a "
            "character but half of a broken UTF-16 pair; retype it, or pass it as valid text.",
            what=what,
        )
        raise ContactValidationError(msg, code="text.character", field=field)


def shown(text: str, /, limit: int = 40, *, quoted: bool = True, masked: bool = False) -> str:
    r"""Return what a person typed as a message shows it: short, and quoted.

    At most ``limit`` characters (the last an ellipsis when ``text`` is longer), in
    single quotes unless ``quoted`` is false: what was typed as typed, a backslash
    once, and only a character that cannot be seen (a control character) as its escape
    (``\x00``). With ``masked``, each character of :data:`REFUSED` first becomes
    U+FFFD, so that a report file holds no control character.

    >>> shown("ann@example.com"), shown("x" * 50, 10), shown("a\x00b", quoted=False, masked=True)
    ("'ann@example.com'", "'xxxxxxxxx…'", 'a�b')
    """
    if masked:
        text = REFUSED.sub("\ufffd", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if not quoted:
        return text
    # As typed: a backslash or a quote stays one character (repr would double it);
    # only what cannot be seen is written as an escape (the way repr writes it).
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"
