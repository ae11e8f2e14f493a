"""The edit window as a use case: one library call per request of the browser.

A host's edit route hands the request to :meth:`EditWindow.open` (the window opens) or
:meth:`EditWindow.post` (a button was pressed) and renders what comes back: the form
to show again, with its status and notice, or what was saved. Each is one edit of the
customer's set (:meth:`~contactbook.service.ContactService.editing`): the update
permission asked once, one unit of work, the set loaded once, so the form is read
against the very set the save is checked against.

A refused permission raises :class:`~contactbook.errors.PermissionDeniedError` (the
host shows its "not allowed" page); every other refusal comes back on the form, at
its place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from contactbook.errors import ContactError
from contactbook.operations import Outcome
from contactbook.presentation.card import CardLabels
from contactbook.presentation.form import ContactForm
from contactbook.service import ContactService, Saved

__all__ = ["EditWindow"]

Posted = Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str | Sequence[str]]]


@attrs.frozen
class EditWindow:
    """What the edit window answers one request with.

    ``saved`` is what a Save stored (the host then goes back to the card, with
    :meth:`notice` and the saved warnings); otherwise the host shows ``form`` again
    (:meth:`~contactbook.presentation.form.ContactForm.view`) with
    :attr:`status` and :meth:`notice`. ``checked`` is a "Check" button's outcome.
    """

    form: ContactForm
    saved: Saved | None = None
    checked: Outcome | None = None

    @classmethod
    def open(cls, service: ContactService, actor: str, customer_id: str, /) -> EditWindow:
        """Open the window on the customer's set as stored now (update permission)."""
        with service.editing(actor, customer_id, reading=True) as edit:
            return cls(ContactForm.open(edit.stored))

    @classmethod
    def post(
        cls, service: ContactService, actor: str, customer_id: str, posted: Posted, /
    ) -> EditWindow:
        """Carry out a posted window: Save, Check, or an Add/Remove/Undo button.

        ``posted`` is what :meth:`~contactbook.presentation.form.ContactForm.from_post`
        reads (werkzeug's ``request.form.lists()``, Django's ``request.POST``, ...). Save
        stores the batch with its activity entry; Check checks it and stores nothing;
        the other buttons only change the form. A refused save or check stores nothing
        and comes back on the form.
        """
        form: ContactForm | None = None
        try:
            # The refusal is caught outside the unit, so that it is rolled back whole.
            with service.editing(actor, customer_id) as edit:
                form = ContactForm.from_post(edit.stored, posted)
                if form.intent == "edit" or form.errors:
                    return cls(form)
                changes = form.changes()
                if form.intent == "check":
                    outcome = edit.check(changes, expected_version=form.version)
                    return cls(form.with_outcome(outcome), checked=outcome)
                return cls(form, saved=edit.save(changes, expected_version=form.version))
        except ContactError as error:
            if form is None:  # refused before the post was read: the permission, say
                raise
            return cls(form.with_error(error))

    @property
    def status(self) -> int:
        """The HTTP status of the page: 409 for a stale window, 422 for refused input."""
        if self.form.conflict:
            return 409
        return 422 if self.form.errors else 200

    def notice(self, labels: CardLabels | None = None, /) -> str | None:
        """Return the one line above the form (or on the card, after a save), if any.

        It never contradicts the warnings: a Check with warnings says so.
        """
        labels = CardLabels() if labels is None else labels
        if self.saved is not None:
            return labels.saved if self.saved.entry is not None else labels.nothing_changed
        if self.checked is not None:
            return labels.checked_warnings if self.checked.warnings else labels.checked
        if self.form.errors and not self.form.conflict:
            return labels.not_saved
        return None
