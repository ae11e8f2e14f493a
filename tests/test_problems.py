"""One problem type with a location serves batches, files, vCards and the edit window."""

import io

import pytest

from contactbook import ContactKind, ContactSet, Problem
from contactbook.errors import BatchValidationError, InBatch, InFile, InVCard, Location
from contactbook.interchange.csv_check import check_blocks
from contactbook.interchange.csv_read import open_export
from contactbook.interchange.vcard import load_vcard
from contactbook.operations import AddPoint, apply
from contactbook.presentation.form import Location as FormLocation


class TestLocation:
    """A problem says where it is; a batch's change number is one place among others."""

    def test_a_problem_at_a_change_of_a_batch_has_its_index_and_location(self):
        problem = Problem("email.invalid", "email", "nope").at(2)
        assert (2, InBatch(2)) == (problem.index, problem.location)

    def test_a_batch_refusal_locates_each_problem_at_its_change(self):
        with pytest.raises(BatchValidationError) as info:
            apply(
                ContactSet(),
                [
                    AddPoint(ContactKind.EMAIL, "ok@example.com"),
                    AddPoint(ContactKind.EMAIL, "nope"),
                ],
            )
        assert [InBatch(1)] == [problem.location for problem in info.value.errors]

    def test_a_place_other_than_a_change_keeps_the_batch_index(self):
        problem = Problem("email.invalid", "email", "nope").at(2).at(InFile(7, "value", "c-1"))
        assert (2, InFile(7, "value", "c-1")) == (problem.index, problem.location)

    def test_none_takes_the_place_away(self):
        problem = Problem("email.invalid", "email", "nope").at(2).at(None)
        assert (None, None) == (problem.index, problem.location)

    def test_every_place_is_a_location(self):
        places = [InBatch(0), InFile(2), InVCard(3), FormLocation("form")]
        assert all(isinstance(place, Location) for place in places)

    def test_a_warning_is_told_by_its_code(self):
        assert [(True, "warning"), (False, "error")] == [
            (p.is_warning, p.severity)
            for p in [
                Problem("mobile.fixed_line", "mobile", "m"),
                Problem("email.invalid", None, "m"),
            ]
        ]


class TestEveryInputBuildsProblems:
    """A vCard's skipped lines, the edit window's and a CSV file's problems are Problems."""

    def test_a_skipped_vcard_line_is_a_problem_at_its_line(self):
        text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nIMPP:xmpp:ann@example.com\r\nEND:VCARD\r\n"
        skipped = load_vcard(text).skipped
        assert [(Problem, "vcard.unsupported", "IMPP:xmpp:ann@example.com", InVCard(4))] == [
            (type(line), line.code, line.input, line.location) for line in skipped
        ]

    def test_a_problem_placed_on_the_form_keeps_its_code_and_change_number(self):
        inner = Problem("email.invalid", "email", "nope").at(0)
        placed = inner.at(FormLocation("value", ContactKind.EMAIL))
        assert (FormLocation("value", ContactKind.EMAIL), "email.invalid", 0, False) == (
            placed.location,
            placed.code,
            placed.index,
            placed.is_warning,
        )
        assert (inner.field, inner.message) == (placed.field, placed.message)

    def test_a_csv_report_line_is_a_problem_at_its_row_and_column(self):
        data = b"customer_id,country,email,mobile\r\nc-1,NL,x@,020 123 4567\r\n"
        (block,) = check_blocks(open_export(io.BytesIO(data)))
        assert [
            (Problem, "email.invalid", InFile(2, "email", "c-1"), "x@", "error"),
            (Problem, "mobile.fixed_line", InFile(2, "mobile", "c-1"), "020 123 4567", "warning"),
        ] == [(type(p), p.code, p.location, p.input, p.severity) for p in block.problems]
