"""The edit window as a model: its fields, the user's edits, and the batch they make.

:meth:`ContactForm.from_set` (or :meth:`ContactForm.open`) fills the window from a
contact set and the version it was read at: the four primary fields (Email, Telephone,
Mobile, Website), each with its description, and the additional details in *groups*,
one description per group. Each edit returns a new form; :meth:`ContactForm.changes`
turns the difference from the set into the batch of changes that "Save" hands to the
service, with :attr:`ContactForm.version` as the expected version. "Cancel" is simply
dropping the form. A form saved unchanged gives an empty batch.

The round trip through a browser: :meth:`ContactForm.view` names every input to render
(hidden ids and the version included), and :meth:`ContactForm.from_post` reads what the
browser posts back. Anything tampered, unknown or stale in a post becomes a problem on
the form, never another exception. Every problem names where it belongs
(:class:`Location`): a row's value, a row's description, a group, or the form.

Nothing is deleted by omission: a post names every stored row, with its value or an
explicit remove (the window's Remove button, :meth:`ContactForm.remove`); a post that
leaves a stored row out, an empty or forged one say, is ``form.invalid`` and saves
nothing.

Fields hold text as the user sees it: values as the card shows them (``+31 6
12345678``), descriptions as ``""`` when there is none. The batch names existing points
by id, so it means the same whatever order the edits were made in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from contactbook import errors
from contactbook.errors import (
    BatchValidationError,
    ConflictError,
    ContactError,
    ContactValidationError,
    Problem,
)
from contactbook.messages import Message
from contactbook.model import (
    MAX_POINTS,
    PHONE_KINDS,
    ContactKind,
    ContactPoint,
    ContactSet,
    description_key,
)
from contactbook.operations import (
    UNCHANGED,
    AddPoint,
    Command,
    EditPoint,
    Outcome,
    RemovePoint,
    Unchanged,
)
from contactbook.ports import Stored
from contactbook.presentation.card import CardLabels, display_value
from contactbook.vocabulary import KIND_NAMES

__all__ = [
    "ContactForm",
    "FormField",
    "FormGroup",
    "FormInput",
    "FormRow",
    "FormView",
    "GroupView",
    "Location",
    "RowRef",
    "RowView",
]

#: A row of the form: a kind names its primary field, ``(group, row)`` a detail of the
#: additional section by positions.
RowRef = ContactKind | tuple[int, int]

#: What a posted form asks for: save it, check it without saving, or go on
#: editing (an "Add" button was pressed).
Intent = Literal["save", "check", "edit"]

_SLOTS = tuple(ContactKind)


@attrs.frozen
class FormField:
    """A primary field of the edit window: its kind, value and description as typed.

    ``point_id`` is the point the field was filled from, or ``None`` for an empty
    field. ``kind`` is the field's own kind unless the user moved the value to another
    kind (a landline typed into Mobile); the point keeps its id when saved. ``removed``:
    the Remove button was pressed; Save removes the point.
    """

    kind: ContactKind
    value: str = ""
    description: str = ""
    point_id: int | None = None
    removed: bool = False

    @classmethod
    def of(cls, point: ContactPoint, /) -> FormField:
        """Return the field filled from ``point``, as the window first shows it."""
        return cls(point.kind, display_value(point), point.description or "", point.id)

    @property
    def is_blank(self) -> bool:
        """Whether nothing but white space was typed in the value."""
        return not self.value.strip()


@attrs.frozen
class FormRow:
    """One detail of a group in the additional section: a kind and a value as typed.

    The detail takes its group's description. ``point_id`` is the point it was filled
    from, or ``None`` for a detail added in this window. ``removed``: the Remove button
    was pressed; Save removes the point.
    """

    kind: ContactKind
    value: str = ""
    point_id: int | None = None
    removed: bool = False

    @classmethod
    def of(cls, point: ContactPoint, /) -> FormRow:
        """Return the row filled from ``point``."""
        return cls(point.kind, display_value(point), point.id)

    @property
    def is_blank(self) -> bool:
        """Whether nothing but white space was typed in the value."""
        return not self.value.strip()


@attrs.frozen
class FormGroup:
    """A group of the additional section: one description and the details under it.

    Renaming the group (typing another description) renames every detail in it, in
    the same save. ``description`` is ``""`` for the group of details without one.
    """

    description: str = ""
    rows: tuple[FormRow, ...] = ()


@attrs.frozen
class Location(errors.Location):
    """Where on the form a problem belongs: a field of the edit window.

    ``part`` is ``"value"`` or ``"description"`` of the row ``row``, ``"group"`` (the
    description of group number ``group``) or ``"form"`` (the window as a whole: a
    conflict, a post that could not be read). :attr:`name` is the name of the input
    the problem is shown next to.
    """

    part: Literal["value", "description", "group", "form"]
    row: RowRef | None = None
    group: int | None = None

    @property
    def name(self) -> str:
        """The input's field name (as :meth:`ContactForm.view` names it); ``""``: the form."""
        if self.part == "group" and self.group is not None:
            return f"group.{self.group}.description"
        if self.part == "form" or self.row is None:
            return ""
        return f"{_row_name(self.row)}.{self.part}"


_FORM = Location("form")
_ABOUT_THE_WINDOW = frozenset({"contact.conflict", "form.invalid"})


@attrs.frozen
class _Source:
    """Which part of the form a change of the batch came from."""

    row: RowRef | None = None
    group: int | None = None


@attrs.frozen
class ContactForm:
    """The edit window's state: the set and version it was opened on, and the fields.

    ``primary`` holds one field per kind, in the card's order; ``groups`` the
    additional section. ``problems`` are those found so far: in reading a post, in a
    refused save or a check (:meth:`with_error`, :meth:`with_outcome`). ``intent``
    is what the posted button asked for; ``focus`` the name of the input a host puts
    the focus on (the row or group an Add or Remove button just made). Build one with
    :meth:`from_set`, :meth:`open` or :meth:`from_post`.

    Every stored point stays named by its row until Save: a row is removed only by
    :meth:`remove` (the window's Remove button), never by leaving it out or blanking
    it (a blank value of a stored point is refused like any invalid value).
    """

    contacts: ContactSet
    version: int
    primary: tuple[FormField, ...]
    groups: tuple[FormGroup, ...] = ()
    problems: tuple[Problem, ...] = ()
    intent: Intent = "edit"
    focus: str = ""

    @classmethod
    def from_set(cls, contacts: ContactSet, /, *, version: int) -> ContactForm:
        """Return the window as it opens on ``contacts``, read at ``version``.

        >>> from contactbook import ContactSet
        >>> ContactForm.from_set(ContactSet(), version=0).changes()
        ()
        """
        primaries = contacts.primaries()
        groups: dict[str | None, list[ContactPoint]] = {}
        for point in contacts.additional():
            groups.setdefault(description_key(point.description), []).append(point)
        # As the card shows them: in order of first appearance, the one without a
        # description last.
        keys: list[str | None] = [key for key in groups if key is not None]
        if None in groups:
            keys.append(None)
        return cls(
            contacts,
            version,
            tuple(FormField.of(primaries[k]) if k in primaries else FormField(k) for k in _SLOTS),
            tuple(
                FormGroup(
                    groups[key][0].description or "",
                    tuple(FormRow.of(point) for point in groups[key]),
                )
                for key in keys
            ),
        )

    @classmethod
    def open(cls, stored: Stored, /) -> ContactForm:
        """Return the window as it opens on a stored set (``service.read(...)``)."""
        return cls.from_set(stored.contacts, version=stored.version)

    # ----------------------------------------------------------------------- reading

    def field(self, kind: ContactKind, /) -> FormField:
        """Return the primary field of ``kind``."""
        return self.primary[_SLOTS.index(kind)]

    def row(self, ref: tuple[int, int], /) -> FormRow:
        """Return the detail at ``(group, row)`` of the additional section."""
        group, row = ref
        return self.groups[group].rows[row]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that block Save: those found so far, then the form's own."""
        found = [problem for problem in self.problems if not problem.is_warning]
        return (*found, *self._own_problems(found))

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Warnings found by a check: the value is accepted, but look again."""
        return tuple(problem for problem in self.problems if problem.is_warning)

    @property
    def conflict(self) -> bool:
        """Whether the window is stale: the details were saved by someone since it opened."""
        return any(p.code == ConflictError.code for p in self.problems)

    def at(self, location: Location, /) -> tuple[Problem, ...]:
        """Return the problems (errors, then warnings) shown at ``location``."""
        every = (*self.errors, *self.warnings)
        return tuple(problem for problem in every if problem.location == location)

    # ----------------------------------------------------------------------- edits

    def edit(
        self,
        ref: RowRef,
        /,
        *,
        value: str | Unchanged = UNCHANGED,
        description: str | Unchanged = UNCHANGED,
        kind: ContactKind | Unchanged = UNCHANGED,
    ) -> ContactForm:
        """Return the form with a row's value, kind and/or (primary) description typed anew.

        A row in a group has no description of its own: rename the group
        (:meth:`rename`). Typing into a removed row brings it back. A blank value is
        not a removal: use :meth:`remove`.
        """
        if isinstance(ref, ContactKind):
            old = self.field(ref)
            new = attrs.evolve(
                old,
                value=old.value if value is UNCHANGED else value,
                description=old.description if description is UNCHANGED else description,
                kind=old.kind if kind is UNCHANGED else kind,
                removed=False,
            )
            slot = _SLOTS.index(ref)
            return self._edited(primary=(*self.primary[:slot], new, *self.primary[slot + 1 :]))
        if description is not UNCHANGED:
            msg = "A detail in a group takes the group's description; use rename()."
            raise TypeError(msg)
        group, index = ref
        old_row = self.row(ref)
        new_row = attrs.evolve(
            old_row,
            value=old_row.value if value is UNCHANGED else value,
            kind=old_row.kind if kind is UNCHANGED else kind,
            removed=False,
        )
        rows = self.groups[group].rows
        return self._with_group(
            group,
            attrs.evolve(self.groups[group], rows=(*rows[:index], new_row, *rows[index + 1 :])),
        )

    def rename(self, group: int, description: str, /) -> ContactForm:
        """Return the form with group number ``group`` described anew (every detail in it)."""
        return self._with_group(group, attrs.evolve(self.groups[group], description=description))

    def add_group(self, description: str = "", /, *details: tuple[ContactKind, str]) -> ContactForm:
        """Return the form with a new group at the end ("Add"): one blank detail, or ``details``.

        >>> from contactbook import ContactSet, ContactKind
        >>> form = ContactForm.from_set(ContactSet(), version=0).add_group(
        ...     "Billing Contact", (ContactKind.EMAIL, "billing@example.com"))
        >>> [type(change).__name__ for change in form.changes()]
        ['AddPoint']
        """
        rows = tuple(FormRow(kind, value) for kind, value in details) or (
            FormRow(ContactKind.EMAIL),
        )
        return self._edited(groups=(*self.groups, FormGroup(description, rows)))

    def add(
        self, group: int, kind: ContactKind = ContactKind.EMAIL, value: str = "", /
    ) -> ContactForm:
        """Return the form with one more detail at the end of group number ``group``."""
        old = self.groups[group]
        return self._with_group(group, attrs.evolve(old, rows=(*old.rows, FormRow(kind, value))))

    def remove(self, ref: RowRef, /) -> ContactForm:
        """Return the form with a row removed ("Remove"): its point goes on Save.

        A stored row stays in the form, marked ``removed`` (the post names it with an
        explicit remove); a row added in this window is dropped, a new primary field
        cleared.
        """
        if isinstance(ref, ContactKind):
            field = self.field(ref)
            if field.point_id is None:
                return self.edit(ref, value="", description="")
            slot = _SLOTS.index(ref)
            new = attrs.evolve(field, removed=True)
            return self._edited(primary=(*self.primary[:slot], new, *self.primary[slot + 1 :]))
        group, index = ref
        rows = self.groups[group].rows
        kept = rows[index]
        after = (attrs.evolve(kept, removed=True),) if kept.point_id is not None else ()
        return self._with_group(
            group,
            attrs.evolve(self.groups[group], rows=(*rows[:index], *after, *rows[index + 1 :])),
        )

    def remove_group(self, group: int, /) -> ContactForm:
        """Return the form with every row of group number ``group`` removed ("Remove group")."""
        rows = tuple(
            attrs.evolve(row, removed=True)
            for row in self.groups[group].rows
            if row.point_id is not None
        )
        if not rows:  # nothing stored: the group goes
            return self._edited(groups=(*self.groups[:group], *self.groups[group + 1 :]))
        return self._with_group(group, attrs.evolve(self.groups[group], rows=rows))

    def restore(self, ref: RowRef, /) -> ContactForm:
        """Return the form with a removed row back as it was ("Undo")."""
        if isinstance(ref, ContactKind):
            slot = _SLOTS.index(ref)
            new = attrs.evolve(self.field(ref), removed=False)
            return self._edited(primary=(*self.primary[:slot], new, *self.primary[slot + 1 :]))
        group, index = ref
        rows = self.groups[group].rows
        row = attrs.evolve(rows[index], removed=False)
        return self._with_group(
            group, attrs.evolve(self.groups[group], rows=(*rows[:index], row, *rows[index + 1 :]))
        )

    def _with_group(self, index: int, group: FormGroup) -> ContactForm:
        return self._edited(groups=(*self.groups[:index], group, *self.groups[index + 1 :]))

    def _edited(self, **fields: object) -> ContactForm:
        """Return the form changed; what a save or check found was about the old text.

        A conflict and an unreadable post stay: they are about the window itself, and
        only opening it again clears them.
        """
        kept = tuple(p for p in self.problems if p.code in _ABOUT_THE_WINDOW)
        return attrs.evolve(self, problems=kept, **fields)  # type: ignore[arg-type]

    # ----------------------------------------------------------------------- problems

    def with_error(self, error: ContactError, /) -> ContactForm:
        """Return the form with a refused save's or check's problems at their places.

        A :class:`~contactbook.errors.BatchValidationError` from this form's
        :meth:`changes` puts each problem next to its row or group; a conflict (the
        window is stale) and any other refusal belong to the form as a whole.
        """
        if isinstance(error, ContactValidationError):
            plan = self._plan()
            found = [problem.at(_locate(problem, plan)) for problem in error.errors]
        else:
            found = [Problem(error.code, error.field, error.message, location=_FORM)]
        return self._adding(found)

    def with_outcome(self, outcome: Outcome, /) -> ContactForm:
        """Return the form with a check's warnings at their places (nothing saved)."""
        plan = self._plan()
        return self._adding([w.at(_locate(w, plan)) for w in outcome.warnings])

    def _adding(self, found: Iterable[Problem]) -> ContactForm:
        # One message once at each place (a renamed group's problem comes from each of
        # its details), and never again a problem the form already shows (changes()
        # raises the form's own errors).
        known = {_unplaced(problem) for problem in self.errors}
        shown = {_shown_as(problem) for problem in self.problems}
        added: list[Problem] = []
        for problem in found:
            if _unplaced(problem) not in known and _shown_as(problem) not in shown:
                shown.add(_shown_as(problem))
                added.append(problem)
        return attrs.evolve(self, problems=(*self.problems, *added))

    def _own_problems(self, found: Sequence[Problem]) -> list[Problem]:
        """Problems of the form's shape: unknown, repeated or missing ids, empty groups."""
        if any(problem.code == ConflictError.code for problem in found):
            return []  # a stale window's ids name points of another version
        problems: list[Problem] = []
        primaries = self.contacts.primaries()
        known = {point.id for point in self.contacts}
        additional = known - {point.id for point in primaries.values()}
        seen: set[int] = set()

        def check(point_id: int | None, allowed: bool) -> None:
            if point_id is None:
                return
            if point_id in seen or not allowed:
                problems.append(_unreadable(Message("a contact detail")))  # never an internal id
            seen.add(point_id)

        for slot, field in zip(_SLOTS, self.primary, strict=True):
            stored = primaries.get(slot)
            check(field.point_id, stored is not None and stored.id == field.point_id)
        for number, group in enumerate(self.groups):
            for row in group.rows:
                check(row.point_id, row.point_id in additional)
            # A new group (no detail from the set) with a description and only blank
            # details: the person meant to add something.
            if (
                group.description.strip()
                and group.rows
                and all(row.point_id is None and row.is_blank for row in group.rows)
            ):
                problems.append(
                    Problem(
                        "form.group_empty",
                        "description",
                        Message(
                            "This group has a description but no details. Add at least "
                            "one detail, or clear the description."
                        ),
                        location=Location("group", group=number),
                    )
                )
        # Nothing is deleted by omission (SPEC "Editing"): a post that leaves a stored
        # row out, an empty or forged one say, is refused whole.
        unreadable = any(p.code == "form.invalid" for p in (*found, *problems))
        if known - seen and not unreadable:  # one unreadable post, one message
            problems.append(_MISSING_ROWS)
        return _unique(problems)

    # ----------------------------------------------------------------------- the batch

    def changes(self) -> tuple[Command, ...]:
        """Return the batch that saves this form (empty when nothing was changed).

        Removals come first (so a removed value may be typed again elsewhere), then
        edits of existing points by id, then new primary fields, then new details, so
        that a newly filled primary field comes before any new detail of its kind.
        A form with :attr:`errors` raises
        :class:`~contactbook.errors.BatchValidationError` with them.
        """
        errors = self.errors
        if errors:
            raise BatchValidationError.from_problems(errors)
        return tuple(change for _, change in self._plan())

    def _plan(self) -> list[tuple[_Source, Command]]:
        points = {point.id: point for point in self.contacts}
        removals: list[tuple[_Source, Command]] = []
        edits: list[tuple[_Source, Command]] = []
        primaries: list[tuple[_Source, Command]] = []
        additions: list[tuple[_Source, Command]] = []
        for slot, field in zip(_SLOTS, self.primary, strict=True):
            source = _Source(slot)
            point = points.get(field.point_id) if field.point_id is not None else None
            if point is not None:
                if field.removed:
                    removals.append((source, RemovePoint(point.id)))
                elif (
                    change := _edit(point, field.kind, field.value, field.description)
                ) is not None:
                    edits.append((source, change))
            elif not (field.is_blank and not field.description.strip()):
                # A point of the field's kind added first is that kind's primary.
                primaries.append((source, AddPoint(field.kind, field.value, field.description)))
        for number, group in enumerate(self.groups):
            existing = [points[r.point_id] for r in group.rows if r.point_id in points]
            was = (existing[0].description or "") if existing else group.description
            renamed = group.description != was and not all(row.removed for row in group.rows)
            for index, row in enumerate(group.rows):
                source = _Source((number, index), number)
                point = points.get(row.point_id) if row.point_id is not None else None
                if point is not None:
                    description = group.description if renamed else UNCHANGED
                    if row.removed:
                        removals.append((source, RemovePoint(point.id)))
                    elif (change := _edit(point, row.kind, row.value, description)) is not None:
                        edits.append((source, change))
                elif not row.is_blank:
                    additions.append((source, AddPoint(row.kind, row.value, group.description)))
        return [*removals, *edits, *primaries, *additions]

    # ----------------------------------------------------------------------- the browser

    @classmethod
    def from_post(
        cls,
        stored: Stored,
        posted: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str | Sequence[str]]],
        /,
    ) -> ContactForm:
        """Return the form a browser posted, read against the set stored now.

        ``posted`` maps field names to the strings posted under them, a name possibly
        repeated: werkzeug's ``request.form`` (or its ``lists()``), Starlette's
        ``form.multi_items()``, Django's ``request.POST``, or a plain dict. Names are
        those :meth:`view` gives; other names (a CSRF token, say) are left alone. A
        field that is malformed, repeated or names an unknown point becomes a
        ``form.invalid`` problem on the form; a version other than ``stored.version``
        a ``contact.conflict`` (the window is stale). An "Add" button is carried out
        here: the form comes back with the new blank row or group.
        """
        reader = _PostReader()
        for name, values in _pairs(posted):
            reader.take(name, values)
        version, problems = reader.version()
        if version is not None and version != stored.version:
            problems.append(
                Problem(
                    ConflictError.code,
                    None,
                    ConflictError.MESSAGE,
                    location=_FORM,
                )
            )
        primary = tuple(reader.field(slot) for slot in _SLOTS)
        groups = reader.groups()
        problems.extend(reader.problems)
        form = cls(
            stored.contacts,
            stored.version if version is None else version,
            primary,
            groups,
            tuple(_unique(problems)),
            reader.intent,
        )
        return _carried_out(form, reader)

    def view(self, labels: CardLabels | None = None, /) -> FormView:
        """Return every input to render, named, labelled and with its problems.

        Put each :class:`FormInput` in the page under its ``name``; the hidden ones (the
        version, each row's point id, a removed row's explicit remove) must travel too.
        :meth:`from_post` reads them back. A removed row's inputs are hidden ones.
        """
        labels = CardLabels() if labels is None else labels
        placed: dict[errors.Location | None, list[Problem]] = {}
        for problem in (*self.errors, *self.warnings):
            placed.setdefault(problem.location, []).append(problem)

        def text(location: Location, value: str, label: str, removed: bool) -> FormInput:
            problems = tuple(placed.get(location, ()))
            return FormInput(
                location.name, value, label, "hidden" if removed else "text", (), problems
            )

        def button(action: str, label: str) -> FormInput:
            return FormInput("action", action, label, "submit")

        kinds = tuple((kind.value, labels.kind(kind)) for kind in ContactKind)
        # The telephone kinds (Telephone, Mobile) may trade kinds; the others keep theirs.
        phones = tuple(
            (kind.value, labels.kind(kind)) for kind in ContactKind if kind in PHONE_KINDS
        )
        hidden = [FormInput("version", str(self.version), "", "hidden")]

        def carried(name: str, point_id: int | None, removed: bool) -> None:
            hidden.append(FormInput(f"{name}.id", _id_text(point_id), "", "hidden"))
            if removed:
                hidden.append(FormInput(f"{name}.remove", "1", "", "hidden"))

        primary: list[RowView] = []
        for slot, field in zip(_SLOTS, self.primary, strict=True):
            name = _row_name(slot)
            carried(name, field.point_id, field.removed)
            movable = slot in PHONE_KINDS and not field.removed
            value = Location("value", slot)
            primary.append(
                RowView(
                    labels.kind(slot),
                    text(value, field.value, labels.kind(slot), field.removed),
                    FormInput(
                        f"{name}.kind",
                        field.kind.value,
                        labels.kind_label,
                        "select" if movable else "hidden",
                        phones if movable else (),
                    ),
                    text(
                        Location("description", slot),
                        field.description,
                        labels.description,
                        field.removed,
                    ),
                    button(f"remove.{name}", labels.remove)
                    if field.point_id is not None or not field.is_blank
                    else None,
                    button(f"restore.{name}", labels.restore) if field.removed else None,
                )
            )
        groups: list[GroupView] = []
        for number, group in enumerate(self.groups):
            rows: list[RowView] = []
            for index, row in enumerate(group.rows):
                name = _row_name((number, index))
                carried(name, row.point_id, row.removed)
                rows.append(
                    RowView(
                        labels.kind(row.kind),
                        text(
                            Location("value", (number, index)),
                            row.value,
                            labels.detail,
                            row.removed,
                        ),
                        FormInput(
                            f"{name}.kind",
                            row.kind.value,
                            labels.kind_label,
                            "hidden" if row.removed else "select",
                            () if row.removed else kinds,
                        ),
                        None,
                        button(f"remove.{name}", labels.remove),
                        button(f"restore.{name}", labels.restore) if row.removed else None,
                    )
                )
            removed = bool(group.rows) and all(row.removed for row in group.rows)
            groups.append(
                GroupView(
                    text(
                        Location("group", group=number),
                        group.description,
                        labels.description,
                        removed,
                    ),
                    tuple(rows),
                    button(f"add-row.{number}", labels.add_detail),
                    button(f"remove-group.{number}", labels.remove_group),
                    button(f"restore-group.{number}", labels.restore) if removed else None,
                )
            )
        summary = tuple(
            (
                _input_id(problem.location.name) if isinstance(problem.location, Location) else "",
                problem,
            )
            for problem in self.errors
            if problem.code != ConflictError.code
        )
        return FormView(
            tuple(hidden),
            tuple(primary),
            tuple(groups),
            button("add-group", labels.add),
            tuple(placed.get(_FORM, ())),
            self.conflict,
            labels,
            summary,
            _input_id(self.focus) if self.focus else "",
        )


# --------------------------------------------------------------------------- the view


@attrs.frozen
class FormInput:
    """One input (or button) to render: its ``name``, ``value``, visible ``label``.

    ``type`` is ``"text"``, ``"hidden"``, ``"select"`` (then ``options`` holds ``(value,
    label)`` pairs) or ``"submit"`` (a button; ``label`` is its text). ``problems``
    are to be shown next to it. :attr:`id` is a safe HTML id for ``<label for=...>``.
    """

    name: str
    value: str
    label: str
    type: Literal["text", "hidden", "select", "submit"] = "text"
    options: tuple[tuple[str, str], ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def id(self) -> str:
        """An HTML id for the input, made from its name (a button's from its value)."""
        return _input_id(self.value if self.type == "submit" else self.name)

    @property
    def invalid(self) -> bool:
        """Whether an error (not only a warning) is shown next to the input."""
        return any(not problem.is_warning for problem in self.problems)


@attrs.frozen
class RowView:
    """A row to render: its heading, value input, kind input and description (primary only).

    ``remove`` is the row's Remove button (``None`` for an empty primary field). A
    removed row (``restore`` is its Undo button) renders its inputs hidden, with a note
    (``CardLabels.to_be_removed``) and the Undo button instead.
    """

    label: str
    value: FormInput
    kind: FormInput
    description: FormInput | None
    remove: FormInput | None = None
    restore: FormInput | None = None

    @property
    def removed(self) -> bool:
        """Whether the row was removed (Save removes its point)."""
        return self.restore is not None


@attrs.frozen
class GroupView:
    """A group to render: its description input, rows and buttons (add, remove, undo).

    ``restore`` is set when every row of the group was removed: render the group as a
    note with that Undo button.
    """

    description: FormInput
    rows: tuple[RowView, ...]
    add: FormInput
    remove: FormInput
    restore: FormInput | None = None

    @property
    def removed(self) -> bool:
        """Whether every row of the group was removed."""
        return self.restore is not None


@attrs.frozen
class FormView:
    """The whole window to render: hidden inputs, rows, groups, buttons and form-wide notes.

    ``problems`` are those that belong to the window as a whole (a conflict, a post
    that could not be read); ``conflict`` says whether to show the conflict notice.
    ``summary`` lists every error that blocks Save with the HTML id of the input it
    belongs to (``""``: the window), for an error summary whose links lead to each
    field; put the focus on that summary. ``focus`` is the id of the element to focus
    otherwise (the row or group an Add or Remove button just made; ``""``: none).
    The Save and Check buttons post ``action=save`` and ``action=check``.
    """

    hidden: tuple[FormInput, ...]
    primary: tuple[RowView, ...]
    groups: tuple[GroupView, ...]
    add_group: FormInput
    problems: tuple[Problem, ...]
    conflict: bool
    labels: CardLabels
    summary: tuple[tuple[str, Problem], ...] = ()
    focus: str = ""


# --------------------------------------------------------------------------- helpers


def _row_name(ref: RowRef) -> str:
    if isinstance(ref, ContactKind):
        return f"primary.{ref.value}"
    return f"group.{ref[0]}.row.{ref[1]}"


def _input_id(name: str) -> str:
    """Return the HTML id of an input's name or a button's value (``f-primary-email-value``)."""
    return "f-" + name.replace(".", "-")


def _id_text(point_id: int | None) -> str:
    return "" if point_id is None else str(point_id)


def _edit(
    point: ContactPoint, kind: ContactKind, value: str, description: str | Unchanged
) -> EditPoint | None:
    """Return the edit that makes ``point`` what the row shows, or None if it does."""
    new_value = UNCHANGED if value == display_value(point) else value
    new_description: str | Unchanged = UNCHANGED
    if description is not UNCHANGED and description != (point.description or ""):
        new_description = description
    new_kind = UNCHANGED if kind is point.kind else kind
    if new_value is UNCHANGED and new_description is UNCHANGED and new_kind is UNCHANGED:
        return None
    return EditPoint(point.id, new_value, new_description, new_kind)


def _locate(problem: Problem, plan: Sequence[tuple[_Source, Command]]) -> Location:
    """Return where a problem of change number ``problem.index`` belongs."""
    if problem.index is None or not 0 <= problem.index < len(plan):
        return _FORM
    source = plan[problem.index][0]
    if problem.field == "description":
        if source.group is not None:
            return Location("group", group=source.group)
        if source.row is not None:
            return Location("description", source.row)
        return _FORM
    if source.row is not None:
        return Location("value", source.row)
    return _FORM


def _shown_as(problem: Problem) -> tuple[errors.Location | None, str, str, bool]:
    return (problem.location, problem.code, problem.message, problem.is_warning)


def _unplaced(problem: Problem) -> tuple[str, str | None, str, int | None]:
    return (problem.code, problem.field, problem.message, problem.index)


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _unreadable(what: str) -> Problem:
    return Problem(
        "form.invalid",
        None,
        Message(
            "This window could not be read ({what} was changed outside it). Nothing was "
            "saved; reload the contact details and make your change again.",
            what=what,
        ),
        location=_FORM,
    )


_MISSING_ROWS = Problem(
    "form.invalid",
    None,
    "This window does not hold every stored contact detail, so nothing was saved (a "
    "detail is removed only with its Remove button). Reload the contact details and "
    "make your change again.",
    location=_FORM,
)


def _pairs(
    posted: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str | Sequence[str]]],
) -> Iterable[tuple[object, object]]:
    # werkzeug's MultiDict and Django's QueryDict are mappings whose items() give one
    # value per name; their lists() give them all, as Starlette's multi_items() does.
    for every in ("lists", "multi_items"):
        method = getattr(posted, every, None)
        if callable(method):
            return method()  # type: ignore[no-any-return]
    if isinstance(posted, Mapping):
        return posted.items()
    return posted


# Positions are small decimal numbers: at most MAX_POINTS details fit in one set, and a
# number that could not be a position (a sign, white space, other scripts' digits,
# leading zeros) is not one.
_POSITION = r"(0|[1-9][0-9]{0,2})"
_KIND = "(" + "|".join(re.escape(kind.value) for kind in ContactKind) + ")"
_PRIMARY_NAME = re.compile(rf"primary\.{_KIND}\.(id|kind|value|description|remove)")
_GROUP_NAME = re.compile(rf"group\.{_POSITION}\.description")
_ROW_NAME = re.compile(rf"group\.{_POSITION}\.row\.{_POSITION}\.(id|kind|value|remove)")
_ADD_ROW = re.compile(rf"add-row\.{_POSITION}")
_ROW_ACTION = re.compile(
    rf"(remove|restore)\.(primary\.{_KIND}|group\.{_POSITION}\.row\.{_POSITION})"
)
_GROUP_ACTION = re.compile(rf"(remove|restore)-group\.{_POSITION}")
_ID = re.compile(r"[1-9][0-9]{0,17}")
_MAX_POSITION = 2 * MAX_POINTS


class _PostReader:
    """Collects a post's fields; everything it cannot read becomes a form problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.values: dict[str, str] = {}
        self.intent: Intent = "save"
        self.add_group = False
        self.add_to: int | None = None
        self.row_action: tuple[str, str] | None = None  # ("remove" or "restore", row name)
        self.group_action: tuple[str, int] | None = None
        self.numbers: list[int] = []  # the posted group numbers, in order
        self.rows_of: dict[int, list[int]] = {}  # each group's posted row numbers, in order

    def take(self, name: object, values: object) -> None:
        if not isinstance(name, str):
            self.problems.append(_unreadable(Message("a field name")))
            return
        ours = name in ("version", "action") or name.startswith(("primary.", "group."))
        if not ours:
            return  # the host's own fields (a CSRF token, say)
        texts = [values] if isinstance(values, str) else _texts(values)
        if texts is None or len(texts) != 1 or name in self.values:
            self.problems.append(_unreadable(Message("the field {name}", name=repr(name[:40]))))
            return
        if not (
            name in ("version", "action")
            or _PRIMARY_NAME.fullmatch(name)
            or _GROUP_NAME.fullmatch(name)
            or _ROW_NAME.fullmatch(name)
        ):
            self.problems.append(_unreadable(Message("the field {name}", name=repr(name[:40]))))
            return
        if any(int(n) >= _MAX_POSITION for n in re.findall(r"[0-9]+", name)):
            self.problems.append(_unreadable(Message("the field {name}", name=repr(name[:40]))))
            return
        self.values[name] = texts[0]
        if name == "action":
            self._action(texts[0])

    def _action(self, action: str) -> None:
        if action in ("save", "check"):
            self.intent = "save" if action == "save" else "check"
            return
        self.intent = "edit"
        if action == "add-group":
            self.add_group = True
        elif match := _ADD_ROW.fullmatch(action):
            self.add_to = int(match[1])
        elif match := _ROW_ACTION.fullmatch(action):
            self.row_action = (match[1], match[2])
        elif match := _GROUP_ACTION.fullmatch(action):
            self.group_action = (match[1], int(match[2]))
        else:
            self.problems.append(_unreadable(Message("the button pressed")))

    def version(self) -> tuple[int | None, list[Problem]]:
        text = self.values.get("version")
        if text is None or not re.fullmatch(r"0|[1-9][0-9]{0,17}", text):
            return None, [_unreadable(Message("its version"))]
        return int(text), []

    def _id(self, name: str) -> int | None:
        text = self.values.get(f"{name}.id", "")
        if not text:
            return None
        if not _ID.fullmatch(text):
            self.problems.append(_unreadable(Message("the id of {name}", name=name)))
            return None
        return int(text)

    def _kind(self, name: str, default: ContactKind) -> ContactKind:
        text = self.values.get(f"{name}.kind")
        if text is None:
            return default
        kind = KIND_NAMES.get(text)
        if kind is None:
            self.problems.append(_unreadable(Message("the kind of {name}", name=name)))
            return default
        return kind

    def _removed(self, name: str) -> bool:
        text = self.values.get(f"{name}.remove")
        if text is not None and text != "1":
            self.problems.append(_unreadable(f"the removal of {name}"))
        return text == "1"

    def field(self, slot: ContactKind) -> FormField:
        name = _row_name(slot)
        return FormField(
            self._kind(name, slot),
            self.values.get(f"{name}.value", ""),
            self.values.get(f"{name}.description", ""),
            self._id(name),
            self._removed(name),
        )

    def ref(self, name: str) -> RowRef | None:
        """Return the form's row of a posted row name, or None if the post has no such row."""
        if name.startswith("primary."):
            return KIND_NAMES[name.removeprefix("primary.")]
        _, group, _, row = name.split(".")
        number, index = int(group), int(row)
        if index not in self.rows_of.get(number, ()):
            return None
        return self.numbers.index(number), self.rows_of[number].index(index)

    def groups(self) -> tuple[FormGroup, ...]:
        numbers: dict[int, set[int]] = {}
        for name in self.values:
            if match := _GROUP_NAME.fullmatch(name):
                numbers.setdefault(int(match[1]), set())
            elif match := _ROW_NAME.fullmatch(name):
                numbers.setdefault(int(match[1]), set()).add(int(match[2]))
        if sum(len(rows) for rows in numbers.values()) > _MAX_POSITION:
            self.problems.append(_unreadable(Message("the number of details")))
            return ()
        groups = []
        self.numbers = sorted(numbers)
        for number in self.numbers:
            rows = []
            self.rows_of[number] = sorted(numbers[number])
            for index in self.rows_of[number]:
                name = _row_name((number, index))
                rows.append(
                    FormRow(
                        self._kind(name, ContactKind.EMAIL),
                        self.values.get(f"{name}.value", ""),
                        self._id(name),
                        self._removed(name),
                    )
                )
            description = self.values.get(f"group.{number}.description", "")
            groups.append(FormGroup(description, tuple(rows)))
        return tuple(groups)


def _carried_out(form: ContactForm, reader: _PostReader) -> ContactForm:  # noqa: PLR0911 -- one return per button
    """Return the form after the button pressed (Add, Remove, Undo), focused on its row."""
    if reader.add_group:
        form = form.add_group()
        return attrs.evolve(form, focus=f"group.{len(form.groups) - 1}.description")
    if reader.add_to is not None and reader.add_to in reader.numbers:
        group = reader.numbers.index(reader.add_to)
        form = form.add(group)
        return attrs.evolve(
            form, focus=f"{_row_name((group, len(form.groups[group].rows) - 1))}.kind"
        )
    if reader.row_action is not None and (ref := reader.ref(reader.row_action[1])) is not None:
        verb = reader.row_action[0]
        if verb == "restore":
            return attrs.evolve(form.restore(ref), focus=f"{_row_name(ref)}.value")
        removed = form.remove(ref)
        if isinstance(ref, ContactKind) and not removed.field(ref).removed:
            return attrs.evolve(removed, focus=f"{_row_name(ref)}.value")
        if isinstance(ref, tuple) and len(removed.groups[ref[0]].rows) < len(
            form.groups[ref[0]].rows
        ):
            return attrs.evolve(removed, focus=f"group.{ref[0]}.description")
        return attrs.evolve(removed, focus=f"restore.{_row_name(ref)}")
    if reader.group_action is not None and reader.group_action[1] in reader.numbers:
        verb, number = reader.group_action
        group = reader.numbers.index(number)
        if verb == "restore":
            for index in range(len(form.groups[group].rows)):
                form = form.restore((group, index))
            return attrs.evolve(form, focus=f"group.{group}.description")
        removed = form.remove_group(group)
        focus = f"restore-group.{group}" if len(removed.groups) == len(form.groups) else "add-group"
        return attrs.evolve(removed, focus=focus)
    return form


def _texts(values: object) -> list[str] | None:
    if not isinstance(values, (list, tuple)):
        return None
    texts = list(values)
    return texts if all(isinstance(text, str) for text in texts) else None
