"""One problem type with a location serves batches, files, vCards and the edit window."""

import pytest

from contactbook import ContactKind, ContactSet, Problem, apply
from contactbook.errors import BatchValidationError, InBatch, InFile, InVCard, Location
from contactbook.interchange.vcard import SkippedLine, load_vcard
from contactbook.operations import AddPoint
from contactbook.presentation.form import FormProblem
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


class TestDeprecatedShapes:
    """The old record types are Problems that keep their attributes for one release."""

    def test_a_skipped_vcard_line_is_a_problem_at_its_line(self):
        text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nIMPP:xmpp:ann@example.com\r\nEND:VCARD\r\n"
        skipped = load_vcard(text).skipped
        assert [(4, "IMPP:xmpp:ann@example.com", InVCard(4))] == [
            (line.line, line.text, line.location) for line in skipped
        ]
        assert all(isinstance(line, Problem) for line in skipped)

    def test_a_skipped_line_built_the_old_way_reads_the_same(self):
        line = SkippedLine(3, "X-FOO:bar", "vcard.unsupported", "not read")
        assert (3, "X-FOO:bar", InVCard(3), "X-FOO:bar") == (
            line.line,
            line.text,
            line.location,
            line.input,
        )

    def test_a_form_problem_is_a_problem_at_its_field(self):
        inner = Problem("email.invalid", "email", "nope").at(0)
        placed = FormProblem(FormLocation("value", ContactKind.EMAIL), inner)
        assert isinstance(placed, Problem)
        assert (FormLocation("value", ContactKind.EMAIL), "email.invalid", 0, False) == (
            placed.location,
            placed.code,
            placed.index,
            placed.is_warning,
        )
        assert (inner.code, inner.field, inner.message, inner.index) == (
            placed.problem.code,
            placed.problem.field,
            placed.problem.message,
            placed.problem.index,
        )


class TestFileProblems:
    """A CSV report line is a Problem in a file; the old attributes still read."""

    def test_a_row_problem_is_a_problem_at_its_row_and_column(self):
        from contactbook.interchange.csv_read import RowProblem

        line = RowProblem(3, "c-1", "email", "email.invalid", "bad", "x@")
        assert isinstance(line, Problem)
        assert (InFile(3, "email", "c-1"), "x@", "error") == (
            line.location,
            line.input,
            line.severity,
        )
        assert (3, "c-1", "email") == (line.row, line.customer_id, line.column)

    def test_a_warning_row_problem_says_warning_whatever_it_was_built_with(self):
        from contactbook.interchange.csv_read import RowProblem

        line = RowProblem(4, "c-1", "mobile", "mobile.fixed_line", "fixed", "020")
        assert "warning" == line.severity
