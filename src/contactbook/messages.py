"""A text a person reads, kept with the template it was made from, for translation.

Every word contactbook puts in front of a person (a refusal, a warning, a card label, an
activity-log line) is a :class:`Message`: the English text itself (a ``str``, so
``str(error)``, ``problem.message`` and ``==`` read exactly as before), which also keeps
its ``template`` (with ``{named}`` placeholders) and the ``params`` filled into it.
``contactbook.presentation.i18n`` looks the template up in a gettext catalog and fills
the same params into the translation; nothing here depends on a locale.

``Message("...")`` and ``N_("...")`` are the markers ``pybabel extract`` reads
(``babel.cfg``): the first argument must be a string literal, the template itself.
``N_`` marks a template that is filled in later (a table of templates).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["N_", "Message"]

_NO_PARAMS: Mapping[str, object] = MappingProxyType({})
_STR_NEW = str.__new__


class Message(str):
    """An English text made from ``template`` with ``params``; a ``str`` in every other way.

    >>> m = Message("{value} is not valid.", value="'x'")
    >>> m, m.template, dict(m.params)
    ("'x' is not valid.", '{value} is not valid.', {'value': "'x'"})

    A param that is itself a :class:`Message` (a validator's reason) is translated with
    the message around it.
    """

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, /, **params: object) -> Message:
        """Fill ``params`` into ``template`` (``str.format`` fields); keep both."""
        # str.__new__ named directly and the keywords' own dict kept (a new one per call,
        # read through the Mapping type only): a refusal is built on hot paths (a bulk
        # check refuses thousands of values), and each saves a few hundred nanoseconds.
        self = _STR_NEW(cls, template.format_map(params) if params else template)
        self.template = template
        self.params = params if params else _NO_PARAMS
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy rebuild the message from its template and params."""
        return (_rebuilt, (self.template, dict(self.params)))


def _rebuilt(template: str, params: dict[str, object]) -> Message:
    return Message(template, **params)


def N_(template: str, /) -> str:  # noqa: N802 -- gettext's name for "translate later"
    """Mark ``template`` for extraction and return it unchanged (it is filled in later)."""
    return template
