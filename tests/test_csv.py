"""Bulk checking of CSV exports: both shapes, normalized output, the report, hostile files."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactSet, FormatError, add
from contactbook.interchange import csv_check
from contactbook.interchange.csv_check import CheckOptions, Sinks, check_blocks, check_file
from contactbook.interchange.csv_read import Columns, Shape, open_export
from contactbook.interchange.csv_write import NORMALIZED_HEADER, REPORT_HEADER, safe_cell
from contactbook.operations import merge

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)


def run(data, **options):
    """Check ``data`` (bytes or str); return (summary, normalized rows, report rows)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    normalized, report = io.StringIO(), io.StringIO()
    summary = check_file(io.BytesIO(data), Sinks(normalized, report), CheckOptions(**options))
    out = list(csv.reader(io.StringIO(normalized.getvalue())))
    problems = list(csv.reader(io.StringIO(report.getvalue())))
    assert list(NORMALIZED_HEADER) == out[0]
    assert list(REPORT_HEADER) == problems[0]
    return summary, out[1:], [dict(zip(REPORT_HEADER, row, strict=True)) for row in problems[1:]]


def where(report):
    return [(int(p["row"]), p["column"], p["code"]) for p in report]


class TestCustomerShape:
    """One row per customer: each cell is normalized; a row with an error is skipped."""

    def test_clean_rows_are_normalized(self):
        summary, out, report = run(
            "customer_id,country,email,phone,mobile,website\n"
            "1001,NL,Ann@Example.COM,020 123 4567,06 12345678,Example.nl\n"
            "1002,de,,030 1234567,,\n"
        )
        assert [
            ["1001", "NL", "email", "Ann@example.com", ""],
            ["1001", "NL", "phone", "+31201234567", ""],
            ["1001", "NL", "mobile", "+31612345678", ""],
            ["1001", "NL", "website", "https://example.nl", ""],
            ["1002", "DE", "phone", "+49301234567", ""],
        ] == out
        assert [] == report
        assert (2, 2, 5, 0, 0, True) == (
            summary.rows,
            summary.customers,
            summary.points,
            summary.values_refused,
            summary.rows_refused,
            summary.clean,
        )

    def test_a_problem_refuses_its_value_and_the_rows_other_values_are_kept(self):
        summary, out, report = run(
            "customer_id,country,email,phone,mobile,website\n"
            "1001,NL,ann@example,020 123,06 12345678,javascript:alert(1)\n"
            "1002,XX,b@example.com,020 1234567,+31 6 12345678,\n"
        )
        assert [
            ["1001", "NL", "mobile", "+31612345678", ""],
            ["1002", "", "email", "b@example.com", ""],
            ["1002", "", "mobile", "+31612345678", ""],
        ] == out
        assert [
            (2, "email", "email.invalid"),
            (2, "phone", "phone.invalid"),
            (2, "website", "website.scheme"),
            (3, "country", "country.invalid"),
            (3, "phone", "phone.country_required"),
        ] == where(report)
        assert {"error"} == {p["severity"] for p in report}
        assert ("1001", "ann@example") == (report[0]["customer_id"], report[0]["input"])
        assert (5, 0) == (summary.values_refused, summary.rows_refused)
        assert not summary.clean

    def test_warnings_are_reported_but_the_row_is_kept(self):
        summary, out, report = run("customer_id,country,mobile\n1,NL,020 1234567\n")
        assert [["1", "NL", "mobile", "+31201234567", ""]] == out
        assert [(2, "mobile", "mobile.fixed_line")] == where(report)
        assert "warning" == report[0]["severity"]
        assert summary.clean

    def test_column_names_are_configurable_and_reported_as_in_the_file(self):
        columns = Columns(customer_id="Klantnummer", country="Land", email="E-mailadres")
        with pytest.raises(FormatError, match="E-mailadres"):
            run("KLANTNUMMER,Land\n7,NL\n", columns=columns)
        _, out, report = run(
            "Klantnummer,Land,E-mailadres\n7,NL,a@example.com\n8,NL,nope\n", columns=columns
        )
        assert [["7", "NL", "email", "a@example.com", ""]] == out
        assert [(3, "E-mailadres", "email.invalid")] == where(report)

    def test_adjacent_rows_of_one_customer_make_one_set(self):
        _, out, report = run(
            "customer_id,country,email\n1,NL,a@example.com\n1,,A@EXAMPLE.COM\n1,NL,b@example.com\n"
        )
        assert [
            ["1", "NL", "email", "a@example.com", ""],
            ["1", "NL", "email", "b@example.com", ""],
        ] == out
        assert [(3, "email", "contact.duplicate")] == where(report)
        assert report[0]["message"].startswith("email repeats row 2, column email:")
        assert "id" not in report[0]["message"].split()

    def test_a_repeat_within_a_row_names_the_column_it_repeats(self):
        _, out, report = run(
            "customer_id,country,phone,mobile,E-mail\n1,NL,+31 20 1234567,06 12345678,x\n",
            columns=Columns(email="E-mail"),
        )
        assert 2 == len(out)
        _, _, report = run(
            "klant,country,kind,value\n1,NL,email,a@example.com\n1,NL,email,A@Example.com\n",
            columns=Columns(customer_id="klant"),
        )
        assert "value repeats row 2, column value:" in report[0]["message"]

    def test_the_rows_other_values_are_kept_beside_a_repeat(self):
        """Row 13 of the sample: an email repeated in another case, good numbers beside it."""
        summary, out, report = run(
            "customer_id,country,email,phone,mobile,website\n"
            "C01009,NL,a@example.nl,020 1234567,,\n"
            "C01009,NL,A@EXAMPLE.NL,030 1234567,06 12345678,example.nl\n"
        )
        assert [
            ("email", "a@example.nl"),
            ("phone", "+31201234567"),
            ("phone", "+31301234567"),
            ("mobile", "+31612345678"),
            ("website", "https://example.nl"),
        ] == [(row[2], row[3]) for row in out]
        assert [(3, "email", "contact.duplicate")] == where(report)
        assert "A@EXAMPLE.NL" == report[0]["input"]
        assert (5, 1, 0) == (summary.points, summary.values_refused, summary.rows_refused)


class TestPointShape:
    """One row per point: kind, value and description; a customer has one country."""

    def test_points_with_descriptions(self):
        summary, out, report = run(
            "customer_id,country,kind,value,description\n"
            "1,NL,email,ann@example.com,\n"
            "1,,Mobile,06 12345678,  Emergency   Contact \n"
            "1,NL,telephone,020 1234567,Work\n"
            "2,GB,fax,020 7946 0958,\n"
            "2,DE,email,x@example.de,\n"
            "2,GB,url,example.co.uk,Shop\n"
        )
        assert [
            ["1", "NL", "email", "ann@example.com", ""],
            ["1", "NL", "mobile", "+31612345678", "Emergency Contact"],
            ["1", "NL", "phone", "+31201234567", "Work"],
            ["2", "GB", "email", "x@example.de", ""],
            ["2", "GB", "website", "https://example.co.uk", "Shop"],
        ] == out
        assert [(5, "kind", "csv.kind"), (6, "country", "csv.country")] == where(report)
        assert (6, 2, 5) == (summary.rows, summary.customers, summary.points)

    def test_description_problems_point_at_the_description_column(self):
        _, _, report = run(
            "customer_id,country,kind,value,description\n1,NL,email,a@example.com,"
            + "x" * 101
            + "\n"
        )
        assert [(2, "description", "description.too_long")] == where(report)

    def test_the_hundred_point_limit_holds_per_customer(self):
        rows = "".join(f"9,NL,email,user{i}@example.com,\n" for i in range(101))
        _, out, report = run("customer_id,country,kind,value,description\n" + rows)
        assert 100 == len(out)
        assert [(102, "value", "contact.limit")] == where(report)

    def test_a_customer_with_too_many_rows_is_not_read_without_bound(self, monkeypatch):
        monkeypatch.setattr(csv_check, "MAX_CUSTOMER_ROWS", 3)
        rows = "".join(f"9,email,user{i}@example.com\n" for i in range(7))
        summary, out, report = run("customer_id,kind,value\n" + rows)
        assert 3 == len(out)
        assert [(r, "", "contact.limit") for r in range(5, 9)] == where(report)
        assert 7 == summary.rows

    def test_shape_can_be_forced(self):
        with pytest.raises(FormatError) as caught:
            open_export(io.BytesIO(b"customer_id,email\n"), shape=Shape.POINT)
        assert "csv.columns" == caught.value.code


class TestHostileFiles:
    """Broken, huge or malicious files give clear problems, never a traceback."""

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (b"", "csv.columns"),
            (b"name,address\nx,y\n", "csv.columns"),
            (b"customer_id,country\n1,NL\n", "csv.columns"),
            (b"customer_id,kind\n1,email\n", "csv.columns"),
            ("customer_id,email\n1,a@b.nl\n".encode("utf-16"), "csv.encoding"),
            (b"customer_id,\xe9mail\n", "csv.encoding"),
        ],
        ids=["empty", "unknown columns", "no value column", "no value", "utf-16", "cp1252 head"],
    )
    def test_unreadable_files_are_a_format_error(self, data, code):
        with pytest.raises(FormatError) as caught:
            check_file(io.BytesIO(data), options=CheckOptions(encoding="utf-8"))
        assert code == caught.value.code
        assert "column" in str(caught.value) or "encoding" in str(caught.value)

    @pytest.mark.parametrize("encoding", ["klingon", "base64", "rot13"])
    def test_unknown_encoding_name_is_a_format_error(self, encoding):
        with pytest.raises(FormatError, match="utf-8"):
            check_file(io.BytesIO(b"customer_id,email\n"), options=CheckOptions(encoding=encoding))

    def test_a_value_in_another_encoding_is_reported_and_the_rest_read(self):
        data = "customer_id,country,email,website\n1,NL,josé@example.com,\n".encode() + (
            "2,FR,rené@example.fr,example.fr\n3,NL,b@example.com,\n".encode("cp1252")
        )
        _, out, report = run(data)
        assert ["1", "2", "3"] == [row[0] for row in out]
        assert [(3, "email", "csv.encoding")] == where(report)
        assert "ren\ufffd@example.fr" == report[0]["input"]

    def test_bytes_in_another_encoding_outside_the_values_refuse_the_row(self):
        data = "customer_id,country,email\n1,NL,josé@example.com\n".encode() + (
            "2é,FR,r@example.fr\n3,NL,b@example.com\n".encode("cp1252")
        )
        _, out, report = run(data)
        assert ["1", "3"] == [row[0] for row in out]
        assert [(3, "", "csv.encoding")] == where(report)

    def test_another_encoding_can_be_named(self):
        data = "customer_id,country,email\n2,FR,rené@example.fr\n".encode("cp1252")
        _, out, _ = run(data, encoding="cp1252")
        assert [["2", "FR", "email", "rené@example.fr", ""]] == out

    def test_a_byte_order_mark_is_skipped(self):
        _, out, report = run(b"\xef\xbb\xbfcustomer_id,email\n1,a@example.com\n")
        assert [["1", "", "email", "a@example.com", ""]] == out
        assert [] == report

    def test_ten_megabytes_in_one_cell(self):
        huge = "x" * 10_000_000
        _, out, report = run(f'customer_id,email\n1,{huge}\n2,"{huge}\n{huge}"\n3,c@example.com\n')
        assert ["3"] == [row[0] for row in out]
        assert {"csv.too_large"} == {p["code"] for p in report}
        assert all(len(p["input"]) <= 200 for p in report)

    def test_nul_bytes_and_control_characters(self):
        _, out, report = run(
            b"customer_id,country,email,phone\n1\x00,NL,a@example.com,\n2,NL,a\x00@example.com,"
            b"020\x00 1234567\n"
        )
        assert [] == out
        assert [
            (2, "customer_id", "csv.customer_id"),
            (3, "email", "email.invalid"),
            (3, "phone", "phone.invalid"),
        ] == where(report)
        assert all("\x00" not in p["input"] for p in report)

    def test_every_control_character_in_a_customer_id_is_refused(self):
        controls = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\n\r"]
        rows = "".join(f"1{char}2,a{i}@example.com\n" for i, char in enumerate(controls))
        _, out, report = run("customer_id,email\n" + rows)
        assert [] == out
        assert [(r, "customer_id", "csv.customer_id") for r in range(2, 2 + len(controls))] == (
            where(report)
        )

    @pytest.mark.parametrize(
        ("row", "code"),
        [(b"NL", "csv.row"), (b"\xff", "csv.encoding")],
        ids=["short row", "short row in another encoding"],
    )
    def test_a_short_row_when_the_customer_id_is_not_the_first_column(self, row, code):
        data = b"country,customer_id,email\n" + row + b"\nNL,2,a@example.com\n"
        _, out, report = run(data, encoding="utf-8")
        assert [["2", "NL", "email", "a@example.com", ""]] == out
        assert [(2, "", code)] == where(report)

    def test_short_and_long_rows(self):
        _, out, report = run(
            "customer_id,country,email\n1,NL\n2,NL,b@example.com,,\n3,NL,c@example.com,extra\n"
        )
        assert [["2", "NL", "email", "b@example.com", ""]] == out
        assert [(2, "", "csv.row"), (4, "", "csv.row")] == where(report)

    def test_blank_lines_are_skipped(self):
        summary, out, report = run("customer_id,email\n\n1,a@example.com\n,\n\n")
        assert (1, 1, []) == (summary.rows, len(out), report)

    def test_formula_cells_are_neutralised_in_the_report_only(self):
        _, out, report = run(
            "customer_id,country,kind,value,description\n"
            "=1+1,NL,email,=a@example.com,@SUM(A1)\n"
            "2,NL,mobile,+31 6 12345678,-Emergency\n"
            '3,NL,email,"=HYPERLINK(""http://evil"")",\n'
        )
        # The normalized rows are data to read back: written exactly (issue 15).
        assert [
            ["=1+1", "NL", "email", "=a@example.com", "@SUM(A1)"],
            ["2", "NL", "mobile", "+31612345678", "-Emergency"],
        ] == out
        assert '\'=HYPERLINK("http://evil")' == report[0]["input"]

    def test_a_description_comes_back_exactly_when_the_normalized_rows_are_read_again(self):
        _, out, _ = run(
            "customer_id,country,kind,value,description\n1,NL,email,a@example.com,@Home\n"
        )
        again = "customer_id,country,kind,value,description\n" + "".join(
            ",".join(row) + "\n" for row in out
        )
        assert [["1", "NL", "email", "a@example.com", "@Home"]] == run(again)[1]


class TestSafeCell:
    """Only cells a spreadsheet would run are changed; E.164 numbers stay exact."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+1+1", "'+1+1"),
            ("-2", "'-2"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("+31612345678", "+31612345678"),
            ("+31 6 12345678", "'+31 6 12345678"),
            ("a=b", "a=b"),
            ("", ""),
        ],
    )
    def test_cells(self, text, expected):
        assert expected == safe_cell(text)


class TestParallelJobs:
    """Several processes give the same output, in the same order, as one."""

    def test_two_jobs_match_one(self):
        rows = "".join(
            f"{i},NL,user{i}@example.com,020 {1000000 + i * 7919 % 8999999},"
            f"{'bad' * (i % 97 == 0)}\n"
            for i in range(2500)
        )
        data = "customer_id,country,email,phone,website\n" + rows
        one = run(data, jobs=1)
        two = run(data, jobs=2)
        assert one[1] == two[1]
        assert one[2] == two[2]
        assert one[0] == two[0]


class TestMerge:
    """Import merges a checked customer: it adds what is missing and never removes."""

    def block(self, text):
        export = open_export(io.BytesIO(text.encode()))
        (block,) = list(check_blocks(export))
        return block

    def merged(self, stored, block):
        points = [p.point() for p in block.points]
        return merge(stored, points, describes=block.describes)

    def test_merge_is_idempotent(self):
        block = self.block(
            "customer_id,country,kind,value,description\n"
            "1,NL,email,ann@example.com,Billing\n1,NL,mobile,06 12345678,\n"
        )
        stored = add(ContactSet(), EMAIL, "ANN@example.com")
        stored = add(stored, WEBSITE, "example.com")
        merged = self.merged(stored, block).contacts
        assert [
            (EMAIL, "ANN@example.com", "Billing"),
            (WEBSITE, "https://example.com", None),
            (MOBILE, "+31612345678", None),
        ] == [(p.kind, p.value, p.description) for p in merged]
        assert "06 12345678" == merged.points[-1].entered
        assert () == self.merged(merged, block).changes

    def test_customer_shape_leaves_descriptions_alone(self):
        block = self.block("customer_id,country,email\n1,NL,ann@example.com\n")
        stored = add(ContactSet(), EMAIL, "ann@example.com", "Billing")
        assert () == self.merged(stored, block).changes


cells = st.text(st.characters(), max_size=40) | st.sampled_from(
    ['"', '""', "\r", "\n", ",", "\x00", "=1", "+31612345678", "06 12345678", "a@b.nl"]
)


class TestProperties:
    """Arbitrary cells and arbitrary bytes never crash the reader."""

    @given(st.lists(st.lists(cells, min_size=1, max_size=7), max_size=8))
    def test_any_cells(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["customer_id", "country", "kind", "value", "description"])
        writer.writerows(rows)
        summary, out, report = run(buffer.getvalue().encode("utf-8", "surrogatepass"))
        assert summary.points == len(out)
        assert sum(summary.errors.values()) == len([p for p in report if p["severity"] == "error"])
        assert all(p["code"] and p["message"] for p in report)

    @given(st.binary(max_size=300))
    def test_any_bytes(self, data):
        try:
            summary, _, report = run(b"customer_id,country,email,phone\n" + data)
        except FormatError as error:
            pytest.fail(f"the header was fine, yet: {error}")
        assert sum(summary.errors.values()) == len([p for p in report if p["severity"] == "error"])

    @given(st.binary(max_size=100))
    def test_any_header(self, data):
        try:
            run(data)
        except FormatError as error:
            assert error.code in {"csv.columns", "csv.encoding"}
