"""Every text a person reads, in the language a host chooses for each request.

contactbook's texts are English :class:`~contactbook.messages.Message` values that keep their
template and params (problems, warnings, the card's and the edit window's labels, the
notices around a save, the activity log's lines). A :class:`Translator` looks each
template up in a gettext catalog (compiled ``.mo`` files, read with the standard
library's :mod:`gettext`) and fills the same params into the translation.

The language is an argument, never a process-wide locale: a host builds (or reuses) the
translator of the request's language, ``Translator.for_language("nl")``, and passes it
along. contactbook ships English and Dutch (:data:`LANGUAGES`); a host adds another
language, or rewords one, with a catalog directory of its own
(``Translator.for_language("de", directory=path)``). Whatever a catalog lacks is shown
in English. ``docs/how-to/translate.md`` shows both.
"""

from __future__ import annotations

import functools
import gettext
import os
import re
import string
from pathlib import Path

import attrs

from contactbook.errors import Problem
from contactbook.messages import Message
from contactbook.presentation.card import CardLabels

__all__ = ["DOMAIN", "LANGUAGES", "LOCALE_DIRECTORY", "Translator", "negotiate", "translate"]

#: The gettext domain: a catalog is ``<directory>/<language>/LC_MESSAGES/contactbook.mo``.
DOMAIN = "contactbook"
#: The catalogs shipped in the package (English, Dutch).
LOCALE_DIRECTORY = Path(__file__).resolve().parent.parent / "locale"
#: The languages contactbook ships, the default first.
LANGUAGES = ("en", "nl")

_ENGLISH_LABELS = CardLabels()


@attrs.frozen(slots=False)  # labels is a cached_property
class Translator:
    """Renders contactbook's texts in one language; build it with :meth:`for_language`.

    >>> from contactbook import ContactValidationError
    >>> from contactbook.validation import normalize_phone
    >>> dutch = Translator.for_language("nl")
    >>> try:
    ...     normalize_phone("")
    ... except ContactValidationError as error:
    ...     print(dutch.text(error.message))
    Vul het telefoonnummer in; het is leeg.
    >>> dutch.labels.save
    'Opslaan'
    """

    language: str
    catalog: gettext.NullTranslations = attrs.field(repr=False)

    @classmethod
    def for_language(
        cls, language: str, /, *, directory: str | os.PathLike[str] | None = None
    ) -> Translator:
        """Return the translator of ``language`` (``"nl"``, ``"en"``, ``"de"``, ...).

        ``directory`` is a host's own catalog directory (``<directory>/<language>/
        LC_MESSAGES/contactbook.mo``): its texts come first, then the package's catalog
        of that language, then English. A language without any catalog is English, and
        so is anything that is not a language tag (``"nl-BE"`` and ``"nl_BE"`` are read
        as gettext reads ``nl_BE``: Belgian Dutch if there is a catalog, else Dutch), so
        that a value from a cookie or a header can be passed as it is.
        """
        return _translator(_tag(language), None if directory is None else str(directory))

    def text(self, text: str, /) -> str:
        """Return ``text`` in this language: a :class:`~contactbook.messages.Message` is translated.

        Any other string (a value, a description, a text of a host's own) is returned as
        it is. A translation that names a placeholder the message does not have, or that
        cannot be filled in, is not used: the English text is shown instead.
        """
        if not isinstance(text, Message):
            return text
        translated = self.catalog.gettext(text.template)
        if not text.params:
            return translated
        params = {
            name: self.text(value) if isinstance(value, Message) else value
            for name, value in text.params.items()
        }
        if _fields(translated) <= _fields(text.template):
            try:
                return translated.format_map(params)
            except (ValueError, TypeError, LookupError, AttributeError):
                pass  # "{count:x}" of a text, "{value[0]}" of a number: the English is shown
        return text.template.format_map(params)

    def problem(self, problem: Problem, /) -> Problem:
        """Return ``problem`` with its message in this language (everything else kept)."""
        return Problem(
            problem.code,
            problem.field,
            self.text(problem.message),
            problem.index,
            problem.location,
            problem.input,
        )

    @functools.cached_property
    def labels(self) -> CardLabels:
        """The card's, the edit window's and the activity log's texts in this language."""
        english = attrs.asdict(_ENGLISH_LABELS, recurse=False)
        texts = {name: self.text(text) for name, text in english.items() if isinstance(text, str)}
        return CardLabels(
            kinds={kind: self.text(text) for kind, text in _ENGLISH_LABELS.kinds.items()},
            nouns={kind: self.text(text) for kind, text in _ENGLISH_LABELS.nouns.items()},
            **texts,
        )


def _tag(language: object) -> str:
    """Return ``language`` as a catalog directory names it, or English's if it is no tag."""
    if not isinstance(language, str):
        msg = f"language must be a str, not {type(language).__name__}"
        raise TypeError(msg)
    tag = language.strip().replace("-", "_")
    return tag if _TAG.fullmatch(tag) else LANGUAGES[0]


@functools.lru_cache(maxsize=4096)
def _fields(template: str) -> frozenset[str]:
    """Return the names of ``template``'s placeholders (``{""}`` if it is malformed)."""
    try:
        return frozenset(
            field.partition(".")[0].partition("[")[0]
            for _, field, _, _ in string.Formatter().parse(template)
            if field is not None
        )
    except ValueError:
        return frozenset({""})  # an unmatched brace: "" is no field of any message


@functools.lru_cache(maxsize=64)
def _translator(language: str, directory: str | None) -> Translator:
    languages = [language]
    catalog = gettext.translation(DOMAIN, LOCALE_DIRECTORY, languages=languages, fallback=True)
    if directory is not None:
        own = gettext.translation(DOMAIN, directory, languages=languages, fallback=True)
        own.add_fallback(catalog)
        catalog = own
    return Translator(language, catalog)


# A language tag as gettext's catalog directories name it: "nl", "nl_BE", "zh_Hant_TW".
_TAG = re.compile(r"[A-Za-z]{2,8}(?:_[A-Za-z0-9]{1,8}){0,3}")
_LANGUAGE_RANGE = re.compile(
    r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*"
)


def negotiate(accept_language: str | None, /, *, available: tuple[str, ...] = LANGUAGES) -> str:
    """Return the language of ``available`` that an ``Accept-Language`` header prefers.

    RFC 9110 §12.5.4: ranges in order of their ``q`` weight (``nl-BE`` matches ``nl``);
    the first of ``available`` when none matches or the header is missing or malformed.

    >>> negotiate("nl-NL,nl;q=0.9,en;q=0.8"), negotiate("de, fr;q=0.5"), negotiate(None)
    ('nl', 'en', 'en')
    """
    default = available[0]
    if not accept_language:
        return default
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language[:1000].split(",")):
        match = _LANGUAGE_RANGE.fullmatch(part)
        if match is None:
            continue
        try:
            weight = 1.0 if match.group(2) is None else float(match.group(2))
        except ValueError:
            continue
        ranges.append((-weight, position, match.group(1).lower()))
    for weight, _, tag in sorted(ranges):
        if weight >= 0:
            break  # q=0: "not acceptable"
        if tag == "*":
            return default
        primary = tag.partition("-")[0]
        if primary in available:
            return primary
    return default


def translate(text: str, language: str, /) -> str:
    """Return one of contactbook's texts in ``language`` (see :meth:`Translator.text`).

    >>> from contactbook.vocabulary import LABELS
    >>> from contactbook import ContactKind
    >>> translate(LABELS[ContactKind.MOBILE], "nl")
    'Mobiel nummer'
    """
    return Translator.for_language(language).text(text)
