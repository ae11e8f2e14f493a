"""The edit window as a model: its fields, the user's edits, and the batch they make.

:meth:`ContactForm.from_set` fills the window from a contact set: the four primary
fields (Email, Telephone, Mobile, Website) and the additional entries. Each edit returns
a new form; :meth:`ContactForm.changes` turns the difference from the set into the
batch of changes that "Save" hands to :meth:`contactbook.service.ContactService.update`.
"Cancel" is simply dropping the form. A form saved unchanged gives an empty batch.

Fields hold text as the user sees it: values as the card shows them (``+31 6
12345678``), descriptions as ``""`` when there is none. The batch names existing points
by id, so it means the same whatever order the edits were made in.
"""

from __future__ import annotations

import attrs

from contactbook.card import display_value
from contactbook.model import ContactKind, ContactPoint, ContactSet
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    Change,
    EditPoint,
    RemovePoint,
    SetPrimary,
    Unchanged,
)

__all__ = ["ContactForm", "FieldRef", "FormField"]

#: Which field of the form: a kind names its primary field, an int the position of an
#: additional entry in :attr:`ContactForm.additional`.
FieldRef = ContactKind | int


@attrs.frozen
class FormField:
    """One field of the edit window: a kind, the value and description as typed.

    ``point_id`` is the point the field was filled from, or ``None`` for a new entry or
    an empty primary field.
    """

    kind: ContactKind
    value: str = ""
    description: str = ""
    point_id: int | None = None

    @classmethod
    def of(cls, point: ContactPoint, /) -> FormField:
        """Return the field filled from ``point``, as the window first shows it."""
        return cls(point.kind, display_value(point), point.description or "", point.id)

    @property
    def is_blank(self) -> bool:
        """Whether nothing but white space was typed in the value."""
        return not self.value.strip()


@attrs.frozen
class ContactForm:
    """The edit window's state: the set it was filled from and the fields as edited.

    ``primary`` holds one field per kind, in the card's order; ``additional`` the
    additional entries in order. Build one with :meth:`from_set`.
    """

    contacts: ContactSet
    primary: tuple[FormField, ...]
    additional: tuple[FormField, ...] = ()

    @classmethod
    def from_set(cls, contacts: ContactSet, /) -> ContactForm:
        """Return the window as it opens on ``contacts``: every field as stored.

        >>> from contactbook import ContactSet
        >>> ContactForm.from_set(ContactSet()).changes()
        ()
        """
        primaries = contacts.primaries()
        return cls(
            contacts,
            tuple(
                FormField.of(primaries[kind]) if kind in primaries else FormField(kind)
                for kind in ContactKind
            ),
            tuple(FormField.of(point) for point in contacts.additional()),
        )

    def field(self, ref: FieldRef, /) -> FormField:
        """Return a field: a kind's primary field, or the additional entry at a position."""
        if isinstance(ref, ContactKind):
            return next(field for field in self.primary if field.kind is ref)
        return self.additional[ref]

    # ----------------------------------------------------------------------- edits

    def edit(
        self,
        ref: FieldRef,
        /,
        *,
        value: str | Unchanged = UNCHANGED,
        description: str | Unchanged | None = UNCHANGED,
    ) -> ContactForm:
        """Return the form with a field's value and/or description typed anew.

        Typing a blank value in a primary field clears it: on save, its point is
        removed and the next one of its kind becomes primary.
        """
        old = self.field(ref)
        new = attrs.evolve(
            old,
            value=old.value if value is UNCHANGED else value,
            description=old.description if description is UNCHANGED else description or "",
        )
        if isinstance(ref, ContactKind):
            primary = tuple(new if field is old else field for field in self.primary)
            return attrs.evolve(self, primary=primary)
        additional = list(self.additional)
        additional[ref] = new
        return attrs.evolve(self, additional=tuple(additional))

    def add(self, kind: ContactKind, /, value: str = "", description: str = "") -> ContactForm:
        """Return the form with a new additional entry at the end ("Add")."""
        return attrs.evolve(
            self, additional=(*self.additional, FormField(kind, value, description))
        )

    def remove(self, ref: FieldRef, /) -> ContactForm:
        """Return the form without a field: a primary field is cleared, an entry dropped."""
        if isinstance(ref, ContactKind):
            return self.edit(ref, value="", description="")
        additional = list(self.additional)
        del additional[ref]
        return attrs.evolve(self, additional=tuple(additional))

    # ----------------------------------------------------------------------- the batch

    def changes(self) -> tuple[Change, ...]:
        """Return the batch that saves this form (empty when nothing was changed).

        Removals come first (so a removed value may be typed again elsewhere), then
        edits of existing points by id, then new primaries, then new entries, so that a
        newly filled primary field comes before any new entry of its kind.
        """
        return tuple(change for _, change in self._plan())

    def field_for(self, index: int, /) -> FieldRef | None:
        """Return the field that change number ``index`` of :meth:`changes` came from.

        Use it to show a :class:`~contactbook.errors.BatchValidationError` problem (its
        ``index``) next to its field. ``None`` for the removal of a dropped entry.
        """
        return self._plan()[index][0]

    def _plan(self) -> list[tuple[FieldRef | None, Change]]:
        fields: list[tuple[FieldRef, FormField]] = [
            *((field.kind, field) for field in self.primary),
            *enumerate(self.additional),
        ]
        kept = {field.point_id for _, field in fields if field.point_id is not None}
        removals: list[tuple[FieldRef | None, Change]] = [
            (None, RemovePoint(point.id)) for point in self.contacts if point.id not in kept
        ]
        edits: list[tuple[FieldRef | None, Change]] = []
        primaries: list[tuple[FieldRef | None, Change]] = []
        additions: list[tuple[FieldRef | None, Change]] = []
        for ref, field in fields:
            if field.point_id is not None:
                if isinstance(ref, ContactKind) and field.is_blank:
                    removals.append((ref, RemovePoint(field.point_id)))
                elif (change := _edit(field, self.contacts.get(field.point_id))) is not None:
                    edits.append((ref, change))
            elif field.is_blank and not field.description.strip():
                continue  # an empty primary field, or an entry added and left empty
            elif isinstance(ref, ContactKind):
                primaries.append((ref, SetPrimary(ref, field.value, field.description)))
            else:
                additions.append((ref, AddPoint(field.kind, field.value, field.description)))
        return [*removals, *edits, *primaries, *additions]


def _edit(field: FormField, point: ContactPoint) -> EditPoint | None:
    """Return the edit that makes ``point`` what ``field`` shows, or None if it does."""
    shown = FormField.of(point)
    value = UNCHANGED if field.value == shown.value else field.value
    description = UNCHANGED if field.description == shown.description else field.description
    if value is UNCHANGED and description is UNCHANGED:
        return None
    return EditPoint(point.id, value, description)
