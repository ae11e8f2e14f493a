"""The edit window's model: fields and groups from a set, edits, the batch, the post."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactbook import (
    AddPoint,
    BatchValidationError,
    ConflictError,
    ContactError,
    ContactKind,
    ContactSet,
    EditPoint,
    PermissionDeniedError,
    RemovePoint,
    add,
)
from contactbook.adapters.memory import AllowAll, FixedClock, InMemoryStore
from contactbook.operations import UNCHANGED, apply
from contactbook.ports import Stored
from contactbook.presentation.form import ContactForm, FormField, FormGroup, FormRow, Location
from contactbook.service import ContactService
from contactbook.validation import normalize, normalize_description

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


@pytest.fixture
def contacts():
    s = add(ContactSet(), EMAIL, "info@example.com")  # 1
    s = add(s, MOBILE, "06 12345678", "Work", country="NL")  # 2
    s = add(s, EMAIL, "billing@example.com", "Billing Contact")  # 3
    s = add(s, EMAIL, "old@example.com")  # 4
    return add(s, PHONE, "+31 20 765 4321", "billing contact")  # 5


@pytest.fixture
def form(contacts):
    return ContactForm.from_set(contacts, version=7)


def posted(form):
    """What a browser posts for ``form`` as rendered by its view (every input, once)."""
    view = form.view()
    pairs = [(field.name, [field.value]) for field in view.hidden]
    for row in view.primary:
        pairs += [(row.value.name, [row.value.value]), (row.kind.name, [row.kind.value])]
        pairs += [(row.description.name, [row.description.value])]
    for group in view.groups:
        pairs.append((group.description.name, [group.description.value]))
        for row in group.rows:
            pairs += [(row.value.name, [row.value.value]), (row.kind.name, [row.kind.value])]
    return pairs


def replaced(pairs, name, value):
    return [(key, [value] if key == name else values) for key, values in pairs]


class TestFields:
    """The window opens with the four primary fields, the groups, and its version."""

    def test_four_primary_fields_in_the_cards_order(self, form):
        assert [
            FormField(EMAIL, "info@example.com", "", 1),
            FormField(PHONE, "+31 20 765 4321", "billing contact", 5),
            FormField(MOBILE, "+31 6 12345678", "Work", 2),
            FormField(WEBSITE),
        ] == list(form.primary)

    def test_additional_details_in_groups_as_the_card_shows_them(self, form):
        assert (
            FormGroup("Billing Contact", (FormRow(EMAIL, "billing@example.com", 3),)),
            FormGroup("", (FormRow(EMAIL, "old@example.com", 4),)),
        ) == form.groups

    def test_the_form_carries_its_version(self, form):
        assert 7 == form.version

    def test_open_takes_the_stored_set_and_version(self, contacts):
        assert ContactForm.from_set(contacts, version=3) == ContactForm.open(Stored(contacts, 3))


class TestRoundTrip:
    """A form saved unchanged, or changed and changed back, gives an empty batch."""

    def test_unchanged_form_gives_an_empty_batch(self, form):
        assert () == form.changes()

    def test_empty_set_gives_an_empty_batch(self):
        assert () == ContactForm.from_set(ContactSet(), version=0).changes()

    def test_edited_and_reverted_gives_an_empty_batch(self, form):
        edited = form.edit(EMAIL, value="x@example.com", description="X").edit((1, 0), value="y")
        reverted = edited.edit(EMAIL, value="info@example.com", description="").edit(
            (1, 0), value="old@example.com"
        )
        assert () == reverted.changes()

    def test_an_untouched_new_group_is_ignored(self, form):
        assert () == form.add_group().add(2).changes()


class TestBatch:
    """Each edit becomes the change record that does it; existing points by id."""

    def test_a_new_value_in_a_primary_field_edits_that_point(self, form):
        assert (EditPoint(1, "new@example.com"),) == form.edit(
            EMAIL, value="new@example.com"
        ).changes()

    def test_a_new_description_alone(self, form):
        assert (EditPoint(2, UNCHANGED, "Private"),) == form.edit(
            MOBILE, description="Private"
        ).changes()

    def test_clearing_a_primary_field_removes_its_point_and_promotes_the_next(self, form, contacts):
        changes = form.remove(EMAIL).changes()
        assert (RemovePoint(1),) == changes
        assert 3 == apply(contacts, changes).contacts.primary(EMAIL).id

    def test_blanking_a_stored_row_is_not_a_removal_but_an_error_at_the_row(self, form, contacts):
        blanked = form.edit(EMAIL, value="   ").edit((0, 0), value="")
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, blanked.changes())
        located = blanked.with_error(info.value)
        assert [Location("value", EMAIL), Location("value", (0, 0))] == [
            p.location for p in located.errors
        ]

    def test_remove_marks_a_stored_row_and_the_batch_removes_its_point(self, form):
        removed = form.remove((0, 0)).remove(EMAIL)
        assert (True, True) == (removed.row((0, 0)).removed, removed.field(EMAIL).removed)
        assert (RemovePoint(1), RemovePoint(3)) == removed.changes()
        assert () == removed.restore(EMAIL).restore((0, 0)).changes()

    def test_remove_drops_a_new_row_and_clears_a_new_field(self, form):
        added = form.add(0, EMAIL, "new@example.com").edit(WEBSITE, value="x.example")
        assert form.groups == added.remove((0, 1)).groups
        assert FormField(WEBSITE) == added.remove(WEBSITE).field(WEBSITE)

    def test_remove_group_removes_every_stored_detail_and_drops_new_ones(self, form):
        removed = form.add(0, EMAIL, "new@example.com").remove_group(0)
        assert 1 == len(removed.groups[0].rows)
        assert (RemovePoint(3),) == removed.changes()
        assert form.groups == form.add_group("New").remove_group(2).groups  # nothing stored

    def test_filling_an_empty_primary_field_adds_the_primary(self, form, contacts):
        changes = form.edit(WEBSITE, value="example.com", description="Shop").changes()
        assert (AddPoint(WEBSITE, "example.com", "Shop"),) == changes
        assert "Shop" == apply(contacts, changes).contacts.primary(WEBSITE).description

    def test_a_new_group_with_a_description_and_two_details(self, form, contacts):
        grown = form.add_group("Emergency Contact", (MOBILE, "+31 6 11111111"), (EMAIL, "e@x.nl"))
        changes = grown.changes()
        assert (
            AddPoint(MOBILE, "+31 6 11111111", "Emergency Contact"),
            AddPoint(EMAIL, "e@x.nl", "Emergency Contact"),
        ) == changes
        saved = apply(contacts, changes).contacts
        assert ["Emergency Contact"] * 2 == [p.description for p in saved.points[-2:]]

    def test_renaming_a_group_renames_every_detail_in_one_batch(self, contacts):
        contacts = add(contacts, MOBILE, "+31 6 22222222", "Billing Contact")  # 6
        form = ContactForm.from_set(contacts, version=1)
        assert 2 == len(form.groups[0].rows)
        changes = form.rename(0, "Invoices").changes()
        assert (EditPoint(3, UNCHANGED, "Invoices"), EditPoint(6, UNCHANGED, "Invoices")) == changes
        outcome = apply(contacts, changes)
        assert 2 == len(outcome.changes)  # one record per detail, in one batch (one entry)

    def test_a_typo_cannot_split_a_group(self, contacts):
        form = ContactForm.from_set(contacts, version=1).add(0, MOBILE, "+31 6 33333333")
        (change,) = form.changes()
        assert AddPoint(MOBILE, "+31 6 33333333", "Billing Contact") == change

    def test_a_rows_kind_changes_and_the_point_keeps_its_id(self, contacts):
        contacts = add(ContactSet(), MOBILE, "020 1234567", country="NL")  # a landline as Mobile
        form = ContactForm.from_set(contacts, version=1).edit(MOBILE, kind=PHONE)
        changes = form.changes()
        assert (EditPoint(1, kind=PHONE),) == changes
        outcome = apply(contacts, changes, country="NL")
        assert (PHONE, 1) == (outcome.contacts.primary(PHONE).kind, outcome.contacts.points[0].id)
        assert None is outcome.contacts.primary(MOBILE)
        assert () == outcome.warnings

    def test_a_removed_value_can_be_entered_again_elsewhere(self, form, contacts):
        changes = form.remove((1, 0)).edit((0, 0), value="old@example.com").changes()
        assert (RemovePoint(4), EditPoint(3, "old@example.com")) == changes
        assert "old@example.com" == apply(contacts, changes).contacts.get(3).value

    def test_a_phone_shown_internationally_can_be_retyped_nationally(self, form, contacts):
        changes = form.edit(MOBILE, value="06 87654321").changes()
        saved = apply(contacts, changes, country="NL").contacts
        assert "+31687654321" == saved.get(2).value
        assert () == ContactForm.from_set(saved, version=8).changes()

    def test_a_detail_in_a_group_has_no_description_of_its_own(self, form):
        with pytest.raises(TypeError):
            form.edit((0, 0), description="x")


class TestLocations:
    """Every problem names where it belongs: a row's value or description, a group, the form."""

    def refused(self, form, contacts, **options):
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, form.changes(), **options)
        return {(p.location, p.code) for p in form.with_error(info.value).errors}

    def test_a_value_problem_is_at_the_rows_value(self, form, contacts):
        edited = form.edit(EMAIL, value="not an address").edit((1, 0), value="nope")
        assert {
            (Location("value", EMAIL), "email.invalid"),
            (Location("value", (1, 0)), "email.invalid"),
        } == self.refused(edited, contacts)

    def test_a_description_problem_of_a_primary_field_is_at_its_description(self, form, contacts):
        assert {(Location("description", MOBILE), "description.too_long")} == self.refused(
            form.edit(MOBILE, description="x" * 101), contacts
        )

    def test_a_description_problem_in_a_group_is_at_the_group_once(self, contacts):
        contacts = add(contacts, MOBILE, "+31 6 22222222", "Billing Contact")
        form = ContactForm.from_set(contacts, version=1).rename(0, "x" * 101)
        assert {(Location("group", group=0), "description.too_long")} == self.refused(
            form, contacts
        )
        located = form.with_error(_err(form))
        assert 1 == len(located.at(Location("group", group=0)))

    def test_a_new_group_without_details_is_a_problem_at_the_group(self, form):
        empty = form.add_group("Billing")
        assert [(Location("group", group=2), "form.group_empty")] == [
            (p.location, p.code) for p in empty.errors
        ]
        with pytest.raises(BatchValidationError):
            empty.changes()

    def test_other_refusals_belong_to_the_form(self, form):
        located = form.with_error(PermissionDeniedError("bob", "update", "c1"))
        assert [(Location("form"), "permission.denied")] == [
            (p.location, p.code) for p in located.errors
        ]

    def test_an_edit_clears_what_a_save_found_but_not_a_conflict(self, form):
        edited = form.edit(EMAIL, value="nope")
        refused = edited.with_error(_err(edited)).with_error(ConflictError("c1", 7, 8))
        fixed = refused.edit(EMAIL, value="yes@example.com")
        assert ["contact.conflict"] == [p.code for p in fixed.errors]

    def test_the_same_problem_is_not_shown_twice(self, form):
        once = form.with_error(ConflictError("c1", 1, 2))
        assert once == once.with_error(ConflictError("c1", 1, 2))

    def test_a_checks_warnings_are_at_their_rows(self, form, contacts):
        edited = form.edit(MOBILE, value="020 1234567")
        outcome = apply(contacts, edited.changes(), country="NL")
        checked = edited.with_outcome(outcome)
        assert [(Location("value", MOBILE), "mobile.fixed_line")] == [
            (p.location, p.code) for p in checked.warnings
        ]
        assert () == checked.errors
        assert "primary.mobile.value" == checked.warnings[0].location.name


def _err(form):
    try:
        apply(form.contacts, form.changes())
    except BatchValidationError as error:
        return error
    raise AssertionError


class TestPost:
    """What the view names, from_post reads back; anything else is a problem on the form."""

    def test_the_view_round_trips_through_a_post(self, form, contacts):
        back = ContactForm.from_post(Stored(contacts, 7), posted(form))
        assert (form.version, form.primary, form.groups, ()) == (
            back.version,
            back.primary,
            back.groups,
            back.problems,
        )
        assert "save" == back.intent

    def test_a_plain_dict_and_repeated_host_fields_are_fine(self, form, contacts):
        pairs = dict(posted(form))
        pairs["csrf_token"] = ["a", "b"]
        assert () == ContactForm.from_post(Stored(contacts, 7), pairs).changes()

    def test_typed_values_come_back(self, form, contacts):
        pairs = replaced(posted(form), "primary.email.value", "new@example.com")
        pairs = replaced(pairs, "group.0.description", "Invoices")
        back = ContactForm.from_post(Stored(contacts, 7), pairs)
        assert (EditPoint(1, "new@example.com"), EditPoint(3, UNCHANGED, "Invoices")) == (
            back.changes()
        )

    def test_a_stale_window_is_a_conflict_on_the_form(self, form, contacts):
        back = ContactForm.from_post(Stored(contacts, 8), posted(form))
        assert back.conflict
        assert [(Location("form"), "contact.conflict")] == [
            (p.location, p.code) for p in back.errors
        ]
        assert "info@example.com" == back.field(EMAIL).value  # what was typed stays

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("primary.email.id", "3"),  # another kind's point
            ("primary.email.id", "99"),  # no such point
            ("group.0.row.0.id", "1"),  # a primary point as a detail
            ("group.0.row.0.id", "4"),  # a point twice
            ("group.0.row.0.id", "03"),
            ("group.0.row.0.kind", "fax"),
            ("version", "-1"),
            ("version", "\u0667"),  # an Arabic-Indic seven
        ],
    )
    def test_a_tampered_field_is_a_problem_on_the_form(self, form, contacts, name, value):
        back = ContactForm.from_post(Stored(contacts, 7), replaced(posted(form), name, value))
        assert ["form.invalid"] == [p.code for p in back.errors]
        assert Location("form") == back.errors[0].location
        with pytest.raises(BatchValidationError):
            back.changes()

    @pytest.mark.parametrize(
        "pair",
        [
            ("group.0.row.0.value", ["a@x.nl", "b@x.nl"]),  # repeated
            ("group.7.row", ["x"]),  # unknown name in the form's own space
            ("group.999.description", ["x"]),  # a position no form has
            ("action", ["delete-everything"]),
            ("primary.email.value", [3]),
        ],
    )
    def test_an_unknown_or_repeated_field_is_a_problem_on_the_form(self, form, contacts, pair):
        back = ContactForm.from_post(Stored(contacts, 7), [*posted(form), pair])
        assert "form.invalid" in [p.code for p in back.errors]

    def test_add_buttons_are_carried_out(self, form, contacts):
        added = ContactForm.from_post(
            Stored(contacts, 7), [*posted(form), ("action", ["add-group"])]
        )
        assert ("edit", 3, FormGroup("", (FormRow(EMAIL),))) == (
            added.intent,
            len(added.groups),
            added.groups[2],
        )
        one_more = ContactForm.from_post(
            Stored(contacts, 7), [*posted(form), ("action", ["add-row.0"])]
        )
        assert 2 == len(one_more.groups[0].rows)

    def test_add_buttons_put_the_focus_on_the_new_group_or_row(self, form, contacts):
        group = ContactForm.from_post(
            Stored(contacts, 7), [*posted(form), ("action", ["add-group"])]
        )
        assert ("group.2.description", "f-group-2-description") == (
            group.focus,
            group.view().focus,
        )
        row = ContactForm.from_post(Stored(contacts, 7), [*posted(form), ("action", ["add-row.1"])])
        assert "group.1.row.1.kind" == row.focus


class TestNothingIsDeletedByOmission:
    """A post names every stored row, with a value or an explicit remove; else it is refused."""

    def test_a_post_that_leaves_a_stored_row_out_is_invalid_and_removes_nothing(
        self, form, contacts
    ):
        pairs = [(n, v) for n, v in posted(form) if not n.startswith("group.1.")]
        back = ContactForm.from_post(Stored(contacts, 7), pairs)
        assert [(Location("form"), "form.invalid")] == [(p.location, p.code) for p in back.errors]
        assert "Remove button" in back.errors[0].message
        with pytest.raises(BatchValidationError):
            back.changes()

    @pytest.mark.parametrize(
        "pairs", [[], [("version", "7"), ("action", "save")]], ids=["empty", "forged"]
    )
    def test_an_empty_or_forged_post_is_invalid(self, contacts, pairs):
        back = ContactForm.from_post(Stored(contacts, 7), pairs)
        assert {"form.invalid"} == {p.code for p in back.errors}

    def test_an_empty_post_for_an_empty_set_changes_nothing(self):
        back = ContactForm.from_post(Stored(ContactSet(), 0), [("version", "0")])
        assert () == back.changes()

    def test_the_remove_button_marks_the_row_and_save_removes_it(self, form, contacts):
        removing = ContactForm.from_post(
            Stored(contacts, 7), [*posted(form), ("action", ["remove.group.0.row.0"])]
        )
        assert ("edit", True, "restore.group.0.row.0") == (
            removing.intent,
            removing.row((0, 0)).removed,
            removing.focus,
        )
        view = removing.view()
        assert ("group.0.row.0.remove", "1") in [(i.name, i.value) for i in view.hidden]
        assert view.groups[0].rows[0].removed
        saving = ContactForm.from_post(Stored(contacts, 7), posted(removing))
        assert (RemovePoint(3),) == saving.changes()

    def test_remove_and_undo_of_a_primary_field_and_a_group(self, form, contacts):
        def pressed(current, action):
            return ContactForm.from_post(
                Stored(contacts, 7), [*posted(current), ("action", [action])]
            )

        removed = pressed(form, "remove.primary.email")
        assert (RemovePoint(1),) == ContactForm.from_post(
            Stored(contacts, 7), posted(removed)
        ).changes()
        assert () == pressed(removed, "restore.primary.email").changes()
        group = pressed(form, "remove-group.1")
        assert (RemovePoint(4),) == group.changes()
        assert group.view().groups[1].removed
        assert () == pressed(group, "restore-group.1").changes()

    @pytest.mark.parametrize("value", ["0", "yes", ""])
    def test_a_remove_field_other_than_1_is_invalid(self, form, contacts, value):
        back = ContactForm.from_post(
            Stored(contacts, 7), [*posted(form), ("primary.email.remove", [value])]
        )
        assert "form.invalid" in [p.code for p in back.errors]


class TestErrorSummary:
    """A refused save's view lists every error with the id of its field, for a summary."""

    def test_the_summary_links_each_error_to_its_field(self, form, contacts):
        typed = form.edit(EMAIL, value="info(at)example.com").edit((0, 0), value="x@")
        with pytest.raises(BatchValidationError) as info:
            apply(contacts, typed.changes())
        view = typed.with_error(info.value).view()
        assert ["f-primary-email-value", "f-group-0-row-0-value"] == [i for i, _ in view.summary]
        assert view.primary[0].value.invalid

    def test_check_is_the_intent_of_the_check_button(self, form, contacts):
        back = ContactForm.from_post(Stored(contacts, 7), [*posted(form), ("action", ["check"])])
        assert "check" == back.intent

    def test_inputs_are_labelled_and_carry_their_problems(self, form, contacts):
        edited = form.edit(EMAIL, value="nope")
        view = edited.with_error(_err(edited)).view()
        email = view.primary[0].value
        assert ("Email Address", "f-primary-email-value", True) == (
            email.label,
            email.id,
            email.invalid,
        )
        assert ["email.invalid"] == [p.code for p in email.problems]

    @settings(max_examples=300)
    @given(
        st.lists(
            st.tuples(
                st.one_of(
                    st.sampled_from(
                        [
                            "version",
                            "action",
                            "primary.email.id",
                            "primary.mobile.kind",
                            "primary.phone.value",
                            "group.0.description",
                            "group.0.row.0.id",
                            "group.0.row.1.kind",
                            "group.1.row.0.value",
                            "primary.email.remove",
                            "group.0.row.0.remove",
                        ]
                    ),
                    st.text(max_size=30),
                ),
                st.one_of(
                    st.lists(
                        st.one_of(
                            st.text(max_size=20),
                            st.sampled_from(
                                [
                                    "1",
                                    "3",
                                    "7",
                                    "remove.primary.email",
                                    "restore.group.0.row.0",
                                    "remove-group.0",
                                    "restore-group.9",
                                    "remove.group.5.row.0",
                                ]
                            ),
                        )
                    ),
                    st.text(max_size=20),
                    st.integers(),
                    st.none(),
                ),
            ),
            max_size=12,
        )
    )
    def test_any_posted_mapping_gives_a_form_or_a_contact_error(self, pairs):
        contacts = add(add(ContactSet(), EMAIL, "a@example.com"), EMAIL, "b@example.com", "X")
        form = ContactForm.from_post(Stored(contacts, 7), pairs)
        form.view()
        named = {f.point_id for f in form.primary} | {
            r.point_id for g in form.groups for r in g.rows
        }
        if not form.errors:  # nothing is removed by omission
            assert {1, 2} <= named
        try:
            outcome = apply(contacts, form.changes(), country="NL")
        except ContactError as error:
            located = form.with_error(error)
            assert located.errors
            return
        form.with_outcome(outcome)


class TestSaving:
    """Save is ContactService.update with the form's batch and version; Cancel is dropping it."""

    def test_save_through_the_service(self, contacts):
        store = InMemoryStore()
        store.set_billing_country("c1", "NL")
        service = ContactService(store, AllowAll(), clock=FixedClock())
        form = ContactForm.open(service.read("ann", "c1")).edit(EMAIL, value="a@example.com")
        saved = service.update("ann", "c1", form.changes(), expected_version=form.version)
        assert "a@example.com" == saved.contacts.primary(EMAIL).value
        again = ContactForm.open(service.read("ann", "c1"))
        assert None is service.update("ann", "c1", again.changes(), expected_version=1).entry

    def test_a_stale_form_is_refused_and_the_conflict_lands_on_the_form(self):
        store = InMemoryStore()
        service = ContactService(store, AllowAll(), clock=FixedClock())
        form = ContactForm.open(service.read("ann", "c1")).edit(EMAIL, value="a@example.com")
        service.update("ann", "c1", [AddPoint(WEBSITE, "example.com")], expected_version=0)
        with pytest.raises(ConflictError) as info:
            service.update("ann", "c1", form.changes(), expected_version=form.version)
        assert form.with_error(info.value).conflict
        assert "https://example.com" == service.read("ann", "c1").contacts.primary(WEBSITE).value


# --------------------------------------------------------------------------- properties

VALUES = {
    EMAIL: [f"{name}@example.com" for name in "abcdef"],
    PHONE: [f"+31 20 123 450{n}" for n in range(6)],
    MOBILE: [f"+31 6 1234560{n}" for n in range(6)],
    WEBSITE: [f"{name}.example.com" for name in "abcdef"],
}
kinds = st.sampled_from(list(ContactKind))
descriptions = st.sampled_from(["", "Billing Contact", "Work", " work "])


@st.composite
def contact_sets(draw):
    contacts = ContactSet()
    for kind, index, description in draw(
        st.lists(st.tuples(kinds, st.integers(0, 5), descriptions), max_size=12)
    ):
        value = normalize(kind, VALUES[kind][index])
        if all(point.kind is not kind or point.value != value for point in contacts):
            contacts = add(contacts, kind, value, description)
    return contacts


@st.composite
def edited_forms(draw, contacts):
    form = ContactForm.from_set(contacts, version=1)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["primary", "clear", "group", "add", "edit", "remove"]))
        kind = draw(kinds)
        value = draw(st.sampled_from(VALUES[kind]))
        description = draw(descriptions)
        if action == "primary":
            form = form.edit(kind, value=value, description=description)
        elif action == "clear":
            form = form.remove(kind)
        elif action == "group":
            form = form.add_group(description.strip() or "New", (kind, value))
        elif form.groups:
            group = draw(st.integers(0, len(form.groups) - 1))
            rows = form.groups[group].rows
            if action == "add" or not rows:
                form = form.add(group, kind, value)
            else:
                position = (group, draw(st.integers(0, len(rows) - 1)))
                if action == "remove":
                    form = form.remove(position)
                else:
                    value = draw(st.sampled_from(VALUES[form.row(position).kind]))
                    form = form.edit(position, value=value)
    return form


class TestFormProperties:
    """For every set and every sequence of edits, Save does what the window shows."""

    @given(contact_sets())
    def test_round_trip_gives_an_empty_batch(self, contacts):
        form = ContactForm.from_set(contacts, version=1)
        assert () == form.changes()
        assert () == ContactForm.from_post(Stored(contacts, 1), posted(form)).changes()

    @given(st.data())
    def test_the_saved_set_is_what_the_form_showed(self, data):
        contacts = data.draw(contact_sets())
        form = data.draw(edited_forms(contacts))
        changes = form.changes()
        try:
            saved = apply(contacts, changes).contacts
        except BatchValidationError as error:
            # Every value drawn is valid: only a value typed twice can be refused.
            assert {"contact.duplicate"} == {problem.code for problem in error.errors}
            located = form.with_error(error)
            assert all(p.location.part == "value" for p in located.errors)
            return
        shown = [(f.kind, f.value, f.description, f.point_id, f.removed) for f in form.primary]
        for group in form.groups:
            shown += [
                (r.kind, r.value, group.description, r.point_id, r.removed) for r in group.rows
            ]
        kept = [row[:4] for row in shown if row[1].strip() and not row[4]]
        assert len(kept) == len(saved)
        for kind, value, description, point_id in kept:
            if point_id is not None:
                point = saved.get(point_id)
            else:
                point = next(
                    p for p in saved if p.kind is kind and p.value == normalize(kind, value)
                )
                assert point.id >= contacts.next_id
            assert normalize(kind, value) == point.value
            if point_id is None:
                assert normalize_description(description) == point.description
        for field in form.primary:
            if not field.is_blank and not field.removed:
                assert normalize(field.kind, field.value) == saved.primary(field.kind).value
        assert () == ContactForm.from_set(saved, version=2).changes()


class TestFrameworkPosts:
    """The frameworks' own multi-value mappings are read with every value."""

    def test_a_werkzeug_multidict(self, form, contacts):
        from werkzeug.datastructures import MultiDict

        pairs = posted(form)
        data = MultiDict([(name, value) for name, values in pairs for value in values])
        assert () == ContactForm.from_post(Stored(contacts, 7), data).changes()
        data.add("primary.email.value", "second@example.com")
        assert ["form.invalid"] == [
            p.code for p in ContactForm.from_post(Stored(contacts, 7), data).errors
        ]
