"""Any spreadsheet's CSV and any address book's layout: the exports people really have.

The project's own fixtures (tests/fixtures/exports, written by hand as Excel, Google
Contacts, Outlook and Thunderbird write them) pin each feature; the shared corpus of
real exports (../shared/corpora/exports/csv, not the project's) is checked for every
value in it, with expectations written by reading those files.
"""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import FormatError
from contactbook.interchange.csv_check import CheckOptions, Sinks, check_blocks, check_file
from contactbook.interchange.csv_layout import load_mapping, recognize
from contactbook.interchange.csv_read import (
    SNIFF_BYTES,
    detect_delimiter,
    detect_encoding,
    open_export,
)
from contactbook.interchange.csv_write import REPORT_HEADER
from shared_corpora import corpus_files

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
SAMPLE = Path(__file__).parent.parent / "examples" / "customers.csv"


def run(data, **options):
    """Check ``data``; return (summary, normalized rows, report rows as dicts)."""
    normalized, report = io.StringIO(), io.StringIO()
    summary = check_file(io.BytesIO(data), Sinks(normalized, report), CheckOptions(**options))
    out = list(csv.reader(io.StringIO(normalized.getvalue())))[1:]
    problems = list(csv.reader(io.StringIO(report.getvalue())))[1:]
    return summary, out, [dict(zip(REPORT_HEADER, row, strict=True)) for row in problems]


def fixture(name, **options):
    return run((EXPORTS / name).read_bytes(), **options)


def points(out):
    return [(row[0], row[2], row[3], row[4]) for row in out]


def where(report):
    return [(int(p["row"]), p["column"], p["code"]) for p in report]


class TestSpreadsheets:
    """Excel's CSV in every locale: the delimiter and encoding are found from the file."""

    def test_semicolons_with_a_byte_order_mark(self):
        summary, out, report = fixture("excel-semicolon-bom.csv")
        reading = summary.reading
        assert ("utf-8", True, ";") == (reading.encoding, reading.bom, reading.delimiter)
        assert {"encoding", "delimiter"} == reading.found
        assert ("C01002", "email", "Jürgen@müller-logistik.de", "") in points(out)
        assert ("C01004", "phone", "+33142685300", "") in points(out)
        # A refused value leaves the row's others: C01003's mobile, then its later email.
        assert [
            ("C01003", "phone", "+3225123456", ""),
            ("C01003", "mobile", "+32470123456", ""),
        ] == [p for p in points(out) if p[0] == "C01003" and p[1] != "email" and p[1] != "website"]
        assert [
            (4, "email", "email.invalid"),
            (6, "website", "website.character"),
        ] == where(report)

    def test_excel_unicode_text_is_utf16_and_tab_separated(self):
        summary, out, report = fixture("excel-unicode-text.txt")
        assert ("utf-16", True, "\t") == (
            summary.reading.encoding,
            summary.reading.bom,
            summary.reading.delimiter,
        )
        assert ("C02002", "email", "γιώργος@παράδειγμα.gr", "") in points(out)
        assert ("C02003", "website", "https://ejemplo.es", "") in points(out)
        assert (9, []) == (len(out), report)

    def test_windows_1252_is_found_when_the_file_is_not_utf8(self):
        summary, out, report = fixture("excel-cp1252.csv")
        assert ("cp1252", ";") == (summary.reading.encoding, summary.reading.delimiter)
        assert ("C03001", "email", "rené@café.fr", "") in points(out)
        assert ("C03003", "email", "€uro@example.nl", "") in points(out)
        assert [] == report

    def test_the_encoding_and_delimiter_can_be_given(self):
        data = (EXPORTS / "excel-cp1252.csv").read_bytes()
        summary, out, _ = run(data, encoding="latin-1", delimiter=";")
        assert frozenset() == summary.reading.found
        assert ("C03001", "email", "rené@café.fr", "") in points(out)
        with pytest.raises(FormatError) as caught:
            run(data, delimiter=",")
        assert "csv.columns" == caught.value.code

    def test_the_sample_saved_again_with_semicolons_reads_as_the_original(self):
        text = SAMPLE.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        again = io.StringIO()
        csv.writer(again, delimiter=";", lineterminator="\r\n").writerows(rows)
        original = run(text.encode())
        for data in (again.getvalue().encode("utf-8-sig"), again.getvalue().encode("utf-16")):
            semicolons = run(data)
            assert original[1:] == semicolons[1:]

    @pytest.mark.parametrize(
        ("head", "expected"),
        [
            (b"\xef\xbb\xbfa;b\n", ("utf-8", True)),
            ("a\tb\n".encode("utf-16"), ("utf-16", True)),
            ("a\tb\n".encode("utf-16-le"), ("utf-16-le", False)),
            ("a\tb\n".encode("utf-16-be"), ("utf-16-be", False)),
            ("a,b\n".encode("utf-32"), ("utf-32", True)),
            ("a,é\n".encode(), ("utf-8", False)),
            ("a,é\n".encode("cp1252"), ("cp1252", False)),
            # Mostly UTF-8 with one broken row: UTF-8, so the good rows stay right.
            ("é,\n".encode() + "é\n".encode("cp1252"), ("utf-8", False)),
            # The first 64 KiB may end inside a character.
            (b"a" * (SNIFF_BYTES - 2) + "€".encode()[:2], ("utf-8", False)),
        ],
        ids=[
            "bom",
            "utf-16",
            "utf-16-le",
            "utf-16-be",
            "utf-32",
            "utf-8",
            "cp1252",
            "mixed",
            "cut",
        ],
    )
    def test_detect_encoding(self, head, expected):
        assert expected == detect_encoding(head)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a,b,c\n1,2,3\n", ","),
            ("a;b;c\n1;2,5;3\n", ";"),
            ("a\tb\n1\t2\n", "\t"),
            ("a|b\n1|2\n", "|"),
            ("email\nx@y.nl\n", ","),
            ('"a;b",c\n"1;2",3\n', ","),
            ("", ","),
        ],
    )
    def test_detect_delimiter(self, text, expected):
        assert expected == detect_delimiter(text)


class TestAddressBooks:
    """Google, Outlook and Thunderbird exports are recognised from their headers."""

    def test_google_contacts(self):
        summary, out, report = fixture("google-contacts.csv")
        assert ("Google Contacts", "") == (summary.reading.layout, summary.reading.identity)
        assert [
            ("row-2", "email", "ann@devries-tuinen.nl", "Work"),
            ("row-2", "email", "facturen@devries-tuinen.nl", "Work"),
            ("row-2", "email", "ann.devries@example.nl", "Home"),
            ("row-2", "mobile", "+31612345678", ""),
            ("row-2", "phone", "+31201234567", "Work"),
            ("row-2", "phone", "+31207654321", "Work"),
            ("row-2", "website", "https://www.devries-tuinen.nl", "Work"),
            ("row-3", "email", "piet@jansen.nl", "Billing"),
            ("row-3", "phone", "+31205550101", "Work Fax"),
        ] == points(out)
        assert [
            (3, "E-mail 1 - Value", "email.invalid"),
            (3, "Phone 2 - Value", "phone.country_required"),
            (3, "Website 1 - Value", "website.scheme"),
        ] == where(report)

    def test_google_contacts_with_a_default_country(self):
        _, out, report = fixture("google-contacts.csv", country="NL")
        assert ("row-3", "mobile", "+31201234567", "") in points(out)
        assert "mobile.fixed_line" in {p["code"] for p in report}

    def test_the_oldest_gmail_layout(self):
        header = "Name,E-mail,Notes,Section 1 - Description,Section 1 - Email,"
        header += "Section 1 - Phone,Section 1 - Mobile,Section 1 - Fax,Section 1 - Company\n"
        row = "Ann,ann@example.nl,,Work,ann@work.example.nl ::: a@work.example.nl,"
        row += "+31 20 123 4567,+31 6 12345678,+31 20 123 4568,De Vries\n"
        summary, out, report = run((header + row).encode())
        assert "Google Contacts" == summary.reading.layout
        assert [
            ("row-2", "email", "ann@example.nl", ""),
            ("row-2", "email", "ann@work.example.nl", "Work"),
            ("row-2", "email", "a@work.example.nl", "Work"),
            ("row-2", "phone", "+31201234567", "Work"),
            ("row-2", "mobile", "+31612345678", "Work"),
            ("row-2", "phone", "+31201234568", "Work"),
        ] == points(out)
        assert [] == report

    def test_outlook(self):
        summary, out, report = fixture("outlook.csv")
        assert "Outlook" == summary.reading.layout
        # E-mail Display Name and E-mail Type hold no address; the country is no code.
        assert [
            ("row-2", "email", "sofia@mueller-logistics.co.uk", ""),
            ("row-2", "email", "accounts@mueller-logistics.co.uk", ""),
            ("row-2", "phone", "+441614960000", "Home"),
            ("row-2", "phone", "+442079460958", "Business"),
            ("row-2", "phone", "+442079460959", "Business Fax"),
            ("row-2", "mobile", "+447911123456", ""),
            ("row-2", "website", "https://mueller-logistics.co.uk", ""),
            ("row-3", "email", "JAN@jansen.nl", ""),
            ("row-3", "phone", "+31201234567", "Business"),
        ] == points(out)
        assert [
            (3, "E-mail 2 Address", "contact.duplicate"),
            (3, "Web Page", "website.scheme"),
        ] == where(report)
        assert report[0]["message"].startswith(
            "E-mail 2 Address repeats row 3, column E-mail Address:"
        )

    def test_thunderbird(self):
        summary, out, report = fixture("thunderbird.csv")
        assert "Thunderbird" == summary.reading.layout
        assert [
            ("row-2", "email", "lukas@schmidt-media.de", ""),
            ("row-2", "email", "l.schmidt@example.de", ""),
            ("row-2", "phone", "+49301234567", "Work"),
            ("row-2", "phone", "+49407654321", "Home"),
            ("row-2", "phone", "+49301234568", "Fax"),
            ("row-2", "mobile", "+4915123456789", ""),
            ("row-2", "website", "https://schmidt-media.de", "Work"),
            ("row-2", "website", "http://lukas.example.de", "Home"),
            ("row-3", "email", "emma@smith.example", ""),
        ] == points(out)
        assert [] == report

    def test_a_chosen_column_is_the_customer_id(self):
        summary, out, _ = fixture("thunderbird.csv", id_column="Display Name")
        assert "Display Name" == summary.reading.identity
        assert {"Lukas Schmidt", "Emma Smith"} == {row[0] for row in out}
        with pytest.raises(FormatError, match="'Klantnummer'"):
            fixture("thunderbird.csv", id_column="Klantnummer")

    def test_an_address_book_read_into_blocks_describes(self):
        export = open_export(io.BytesIO((EXPORTS / "google-contacts.csv").read_bytes()))
        assert all(block.describes for block in check_blocks(export))

    def test_unknown_headers_say_how_to_map_them(self):
        with pytest.raises(FormatError) as caught:
            run(b"Naam;Adres\nAnn;Dorpsstraat 1\n")
        assert "csv.columns" == caught.value.code
        assert "--mapping" in caught.value.message
        assert recognize(["Naam", "Adres"]) is None


class TestMapping:
    """Any other layout is read with a column mapping the user gives (TOML)."""

    def test_a_mapping_reads_its_columns(self):
        layout = load_mapping((EXPORTS / "klanten.toml").read_text("utf-8"), name="klanten.toml")
        summary, out, report = fixture("klanten.csv", layout=layout)
        assert ("klanten.toml", "Klantnummer") == (
            summary.reading.layout,
            summary.reading.identity,
        )
        assert [
            ("K-100", "email", "info@bakker.nl", "Billing Contact"),
            ("K-100", "email", "orders@bakker.nl", "Billing Contact"),
            ("K-100", "phone", "+31201234567", "Winkel"),
            ("K-100", "mobile", "+31612345678", ""),
            ("K-100", "website", "https://bakker.nl", ""),
            ("K-101", "email", "facturen@peeters.be", "Billing Contact"),
            ("K-101", "phone", "+3225123456", ""),
            ("K-101", "mobile", "+32470123456", ""),
        ] == points(out)
        assert ["NL", "BE"] == list(dict.fromkeys(row[1] for row in out))
        assert [] == report

    def test_a_mapping_naming_a_column_the_file_lacks(self):
        layout = load_mapping('[columns]\n"E-mail" = "email"\n')
        with pytest.raises(FormatError, match="'E-mail'"):
            fixture("klanten.csv", layout=layout)

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("customer_id = ", "is not TOML"),
            ("colums = 1\n[columns]\nx = 'email'\n", "colums"),
            ("customer_id = 'id'\n", "[columns]"),
            ("[columns]\nx = 'fax'\n", "'fax' is not"),
            ("[columns]\nx = { kind = 'email', colour = 'red' }\n", "a table with kind"),
            ("customer_id = 5\n[columns]\nx = 'email'\n", "customer_id must be"),
            ("[columns]\nx = { kind = 'email', label = 5 }\n", "label must be"),
        ],
    )
    def test_a_mapping_that_cannot_be_read(self, text, says):
        with pytest.raises(FormatError) as caught:
            load_mapping(text, name="m.toml")
        assert "csv.mapping" == caught.value.code
        assert says in caught.value.message
        assert "m.toml" in caught.value.message

    @given(st.text(max_size=200))
    def test_any_mapping_text_is_read_or_refused(self, text):
        try:
            load_mapping(text)
        except FormatError as error:
            assert "csv.mapping" == error.code


# What the real exports hold, read from the files by eye (each value as written there).
CORPUS = {
    "all.csv": {
        "email": {"home@example.com", "work@example.com", "other@example.com"},
        "phone": {"100", "200", "300", "400", "500", "600", "700", "800", "900"}
        | {"111", "222", "333", "444"},
        "website": {
            "https://blog",
            "https://home",
            "https://other",
            "https://profile",
            "https://work",
        },
    },
    "email.csv": {"email": {f"test{i}@domain.tld" for i in range(1, 5)}},
    "gmail.csv": {
        "email": {"home@aaa.pl", "work@email.pl", "unknown@email.com", "other@email.com"},
        "phone": {"pager", "mainphone", "homephone", "homefax", "mobile", "workphone"}
        | {"workfax"},
        "website": {"test.com", "home.page.com"},
    },
    "outlook.csv": {"email": {"test1@domain.tld", "test2@domain.tld", "test3@domain.tld"}},
    "tb_plain.csv": {
        "email": {"test@domain.tld", "next@domain.tld"},
        "phone": {"phone work", "phone home", "fax", "pager", "mobile"},
        "website": {"http://page.com", "http://webpage.tld"},
    },
}
RECORDS = {"all.csv": 1, "email.csv": 4, "gmail.csv": 1, "outlook.csv": 1, "tb_plain.csv": 1}


@pytest.mark.shared_corpus
class TestRealExports:
    """Real address-book exports: every record read, every value found or refused clearly."""

    def test_every_record_and_every_value(self):
        files = corpus_files("exports/csv", "*.csv")
        assert sorted(CORPUS) == sorted(path.name for path in files)
        for path in files:
            with path.open("rb") as source:
                export = open_export(source)
                blocks = list(check_blocks(export))
            assert RECORDS[path.name] == sum(block.rows for block in blocks), path.name
            found = {point.entered for block in blocks for point in block.points}
            refused = [p for block in blocks for p in block.problems]
            assert all(p.code and p.message and p.location.column for p in refused), path.name
            found |= {p.input for p in refused}
            expected = set().union(*CORPUS[path.name].values())
            assert expected == found, path.name
            # Kinds as the files' columns say: every email read as one, and so on.
            kinds = {point.kind.value for block in blocks for point in block.points}
            assert kinds <= {"email", "phone", "mobile", "website"}


google_cells = st.text(st.characters(), max_size=30) | st.sampled_from(
    [" ::: ", "* Mobile", "* ", "Work ::: Home", '"', "\r\n", "a@b.nl ::: ", "+31 6 12345678"]
)


class TestProperties:
    """Any cells in an address book's layout, any bytes with any dialect: no crash."""

    @given(st.lists(st.lists(google_cells, min_size=6, max_size=6), max_size=6))
    def test_any_google_cells(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        header = ["E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value"]
        writer.writerow([*header, "Website 1 - Type", "Website 1 - Value"])
        writer.writerows(rows)
        data = buffer.getvalue().encode("utf-8", "surrogatepass")
        summary, out, report = run(data, encoding="utf-8", delimiter=",")
        assert summary.points == len(out)
        assert sum(summary.errors.values()) == len([p for p in report if p["severity"] == "error"])
        assert all(p["code"] and p["message"] for p in report)

    @given(st.binary(max_size=300), st.sampled_from([None, "utf-16", "utf-32", "cp1252"]))
    def test_any_bytes_in_any_encoding(self, data, encoding):
        try:
            run(data, encoding=encoding)
        except FormatError as error:
            assert error.code in {"csv.columns", "csv.encoding"}
