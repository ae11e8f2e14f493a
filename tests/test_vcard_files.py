"""vCard files of any version, line end and encoding, checked and imported like CSV files.

The fixtures in tests/fixtures/vcards were written by hand, one per feature the real
exports show (tests/test_vcard_corpus.py reads those): vCard 2.1 quoted-printable with
soft line breaks and CHARSET parameters, bare TYPE parameters, folded base64 photos,
CR CR LF line ends, UTF-16 with and without a byte-order mark, several cards in a file.
"""

import csv
import io
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactbook import ContactKind, FormatError
from contactbook.adapters.memory import AllowAll, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.bulk import import_vcard_file
from contactbook.interchange.csv_check import Sinks
from contactbook.interchange.csv_write import REPORT_HEADER
from contactbook.interchange.vcard import (
    Identity,
    check_card,
    check_cards,
    check_vcard_file,
    looks_like_vcard,
    read_cards,
)
from contactbook.service import ContactService

EMAIL, PHONE, MOBILE, WEBSITE = (
    ContactKind.EMAIL,
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.WEBSITE,
)
FIXTURES = Path(__file__).parent / "fixtures" / "vcards"
COMMAND = Path(sys.executable).parent / "contactbook"


def fixture(name):
    return (FIXTURES / name).read_bytes()


def blocks(name, **options):
    return list(check_cards(io.BytesIO(fixture(name)), **options))


def values(block):
    return [(p.kind, p.value, p.description) for p in block.points]


class TestVersion21:
    """vCard 2.1 as phones and Outlook write it: quoted-printable, charsets, bare TYPEs."""

    def test_quoted_printable_soft_breaks_and_charsets(self):
        (block,) = blocks("qp-charset-2.1.vcf")
        assert ("C1001", "DE") == (block.customer_id, block.country)
        assert [
            (EMAIL, "j.mueller@beispiel.de", "Büro Köln"),  # soft breaks in value and label
            (PHONE, "+492211234567", "Work"),  # a soft break inside the number
            (WEBSITE, "https://www.beispiel.de", "Geschäft"),  # raw ISO-8859-1 byte
            (EMAIL, "tokyo@example.jp", "東京"),  # Shift_JIS in quoted-printable
        ] == values(block)
        assert () == block.problems

    def test_the_names_are_read_in_their_charset(self):
        (card,) = read_cards(fixture("qp-charset-2.1.vcf"))
        assert ("Jürgen Müller", "Müller;Jürgen") == (card.first("FN"), card.first("N"))

    def test_bare_type_parameters(self):
        (block,) = blocks("bare-types-2.1.vcf")
        assert "NL" == block.country
        assert [
            (MOBILE, "+31687654321", None),  # TEL;PREF;CELL: the preferred one is primary
            (MOBILE, "+31612345678", "Work"),  # TEL;CELL;WORK
            (PHONE, "+31207654321", "Work fax"),  # TEL;WORK;FAX: a telephone, labelled
            (PHONE, "+31201234567", "Home"),
            (EMAIL, "ann@example.nl", None),  # EMAIL;PREF;INTERNET
            (EMAIL, "info@example.nl", None),
            (WEBSITE, "https://example.nl", "Work"),
        ] == values(block)

    def test_folded_base64_photos_end_at_a_blank_line_or_the_next_property(self):
        (card,) = read_cards(fixture("photo-2.1.vcf"))
        checked = check_card(card, country="NL")
        assert [(9, MOBILE, "+31612345678"), (13, EMAIL, "photo@example.com")] == [
            (line, p.kind, p.value) for line, p in checked.accepted
        ]
        assert {"vcard.unsupported"} == {p.code for p in checked.problems}  # FN, PHOTO, LOGO


class TestLineEndsAndEncodings:
    """LF, CRLF and CR CR LF; UTF-8, UTF-16 with and without a byte-order mark."""

    def test_cr_cr_lf_with_a_folded_photo_gives_no_spurious_problems(self):
        (block,) = blocks("iphone-cr-cr-lf-photo.vcf", country="US")
        assert [
            (EMAIL, "john.doe@example.com", None),
            (MOBILE, "+12025550143", None),
            (WEBSITE, "http://www.example.com", "HomePage"),
        ] == values(block)
        assert () == block.problems
        # Each CR CR LF ends one line: the TEL after the four photo lines is line 10.
        assert [5, 10, 11] == [p.row for p in block.points]

    @pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r\r\n"], ids=["LF", "CRLF", "CRCRLF"])
    def test_every_line_end_reads_the_same(self, end):
        data = fixture("iphone-cr-cr-lf-photo.vcf").replace(b"\r\r\n", end)
        (card,) = read_cards(data)
        assert [5, 6, 10, 11, 12] == [line.number for line in card.lines if line.number > 4]
        assert 3 == len(check_card(card, country="US").accepted)

    @pytest.mark.parametrize("name", ["utf-16-bom.vcf", "utf-16-be-no-bom.vcf"])
    def test_utf_16(self, name):
        assert looks_like_vcard(fixture(name)[:64])
        (card,) = read_cards(fixture(name))
        assert "Grün Maïs" == card.first("FN")
        (block,) = blocks(name)
        assert [(EMAIL, "gruen@example.de", None), (PHONE, "+49301234567", "Work")] == values(block)

    def test_what_is_no_vcard(self):
        assert not looks_like_vcard(b"customer_id,country,email\r\n")
        with pytest.raises(FormatError, match="no BEGIN:VCARD"):
            list(read_cards(b"customer_id,country,email\r\n"))

    def test_a_huge_folded_value_is_cut_not_held(self):
        folded = b"\r\n ".join([b"1" * 70] * 8000)  # 560,000 digits over 8,000 lines
        data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:" + folded + b"\r\nEND:VCARD\r\n"
        (card,) = read_cards(data)
        (line,) = card.lines
        assert 256 * 1024 >= len(line.raw)
        (block,) = check_cards(io.BytesIO(data), country="NL")
        assert ["phone.too_long"] == [p.code for p in block.problems]

    @given(st.binary(max_size=400), st.sampled_from([b"", b"BEGIN:VCARD\r\n"]))
    def test_any_bytes_are_read_or_refused_clearly(self, data, start):
        try:
            for block in check_cards(io.BytesIO(start + data), country="NL"):
                assert all(p.code and p.message for p in block.problems)
        except FormatError as error:
            assert error.code == "format.invalid"


class TestIdentity:
    """Each card is a customer; which one is a rule the user sees and can change."""

    def test_uid_by_default_and_file_name_with_card_number_without_one(self):
        rule = Identity(file="multi-card.vcf")
        assert [
            "urn:uuid:0d5e2b7a-5b1e-4c61-9f0a-6a1c0f3e8b11",
            "multi-card.vcf#2",
            "multi-card.vcf#3",
        ] == [b.customer_id for b in blocks("multi-card.vcf", identity=rule)]
        assert "UID" in rule.describe()
        assert "multi-card.vcf#N" in rule.describe()

    def test_a_chosen_property(self):
        rule = Identity("x-customer-id", "multi-card.vcf")
        assert ["C1", "C2", "multi-card.vcf#3"] == [
            b.customer_id for b in blocks("multi-card.vcf", identity=rule)
        ]
        by_email = Identity("EMAIL", "f")
        assert ["first@example.com", "second@example.com", "third@example.com"] == [
            b.customer_id for b in blocks("multi-card.vcf", identity=by_email)
        ]

    def test_our_own_export_gives_back_the_customer_id(self):
        card = b"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:contactbook:customer:1001\r\nEND:VCARD\r\n"
        assert ["1001"] == [b.customer_id for b in check_cards(io.BytesIO(card))]

    @pytest.mark.parametrize("name", ["", "item1.EMAIL", "X CUSTOMER", "é"])
    def test_a_property_name_that_is_none_is_refused(self, name):
        with pytest.raises(FormatError, match="not a vCard property name"):
            Identity(name)


class TestSameReportAsCsv:
    """The summary, the report and the normalized rows of a CSV check, for cards."""

    def test_summary_report_and_normalized_rows(self):
        out, report = io.StringIO(), io.StringIO()
        with (FIXTURES / "multi-card.vcf").open("rb") as source:
            summary = check_vcard_file(
                source, Sinks(out, report), identity=Identity(file="multi-card.vcf")
            )
        assert (3, 4, 1) == (summary.customers, summary.points, summary.values_refused)
        assert {"phone.invalid": 1} == dict(summary.errors)
        rows = list(csv.reader(io.StringIO(report.getvalue())))
        assert [
            list(REPORT_HEADER),
            [
                "19",
                "multi-card.vcf#3",
                "TEL (card 3)",
                "error",
                "phone.invalid",
                rows[1][5],
                "not a number",
            ],
        ] == rows
        assert "not a valid telephone number" in rows[1][5]
        assert [
            ["customer_id", "country", "kind", "value", "description"],
            ["urn:uuid:0d5e2b7a-5b1e-4c61-9f0a-6a1c0f3e8b11", "", "email", "first@example.com", ""],
            ["multi-card.vcf#2", "", "email", "second@example.com", ""],
            ["multi-card.vcf#2", "", "mobile", "+31612345678", ""],
            ["multi-card.vcf#3", "", "email", "third@example.com", ""],
        ] == list(csv.reader(io.StringIO(out.getvalue())))

    def test_a_card_of_another_version_is_refused_and_the_others_read(self):
        data = (
            b"BEGIN:VCARD\nVERSION:5.0\nEMAIL:a@example.com\nEND:VCARD\n"
            b"BEGIN:VCARD\nVERSION:3.0\nEMAIL:b@example.com\nEND:VCARD\n"
            b"BEGIN:VCARD\nVERSION:3.0\nEMAIL:c@example.com\n"
        )
        found = list(check_cards(io.BytesIO(data)))
        assert [
            ([], ["format.version"]),
            (["b@example.com"], []),
            ([], ["format.invalid"]),
        ] == [([p.value for p in b.points], [p.code for p in b.problems]) for b in found]
        assert "cut short" in found[2].problems[0].message


class TestImport:
    """Every card of a file is merged into its customer; importing twice changes nothing."""

    def test_import_every_card(self):
        store = InMemoryStore()
        service = ContactService(store, AllowAll())
        with (FIXTURES / "multi-card.vcf").open("rb") as source:
            done = import_vcard_file(
                service,
                "ann",
                source,
                identity=Identity("X-CUSTOMER-ID", "multi-card.vcf"),
                set_country=store.set_billing_country,
            )
        assert (3, 0) == (done.changed, done.unchanged)
        assert ["first@example.com"] == [p.value for p in service.read("ann", "C1").contacts]
        third = service.read("ann", "multi-card.vcf#3").contacts
        assert ["third@example.com"] == [p.value for p in third]
        with (FIXTURES / "multi-card.vcf").open("rb") as source:
            again = import_vcard_file(
                service, "ann", source, identity=Identity("X-CUSTOMER-ID", "multi-card.vcf")
            )
        assert (0, 3) == (again.changed, again.unchanged)

    def test_the_card_s_country_is_stored(self):
        store = InMemoryStore()
        service = ContactService(store, AllowAll())
        with (FIXTURES / "bare-types-2.1.vcf").open("rb") as source:
            import_vcard_file(
                service,
                "ann",
                source,
                identity=Identity(file="b"),
                set_country=store.set_billing_country,
            )
        assert "NL" == store.billing_country("b#1")


def _many_cards(count):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Customer {n}\r\nUID:C{n}\r\n"
        "EMAIL;TYPE=INTERNET:customer{n}@example.com\r\nTEL;TYPE=CELL:+31 6 {n:08d}\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 200 + "\r\n END:VCARD\r\n"
    )
    return "".join(card.format(n=n) for n in range(count)).encode()


class TestStreaming:
    """A file is read a card at a time: memory does not grow with the number of cards."""

    def peak(self, count):
        data = io.BytesIO(_many_cards(count))
        tracemalloc.start()
        try:
            for _ in check_cards(data, country="NL"):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def test_ten_times_the_cards_in_about_the_same_memory(self):
        self.peak(20)  # warm caches (phone metadata, the validators)
        small, large = self.peak(100), self.peak(1000)
        assert large < 2 * small, (small, large)


class TestCommand:
    """contactbook check and import take a .vcf file as they take a CSV file."""

    def run(self, *args, cwd, ok=(0,)):
        from test_cli import run  # the command as test_cli runs it (one copy)

        return run(*args, cwd=cwd, ok=ok)

    def test_check_a_vcf_file(self, tmp_path):
        done = self.run("check", FIXTURES / "multi-card.vcf", cwd=tmp_path, ok=(1,))
        assert "customer id: each card's UID" in done.stdout
        assert "multi-card.vcf#N" in done.stdout
        report = (tmp_path / "multi-card.report.csv").read_text(encoding="utf-8-sig")
        assert "TEL (card 3)" in report
        clean = self.run("check", FIXTURES / "qp-charset-2.1.vcf", cwd=tmp_path)
        assert "csv.columns" not in clean.stdout + clean.stderr

    def test_a_vcard_is_found_by_its_content_too(self, tmp_path):
        (tmp_path / "cards.txt").write_bytes(fixture("utf-16-bom.vcf"))
        done = self.run("check", "cards.txt", "--identity", "FN", cwd=tmp_path)
        rows = (tmp_path / "cards.normalised.csv").read_text(encoding="utf-8-sig")
        assert "Grün Maïs,,email,gruen@example.de," in rows
        assert "each card's FN" in done.stdout

    def test_import_a_vcf_file(self, tmp_path):
        db = tmp_path / "book.sqlite3"
        self.run(
            "--db", db, "import", FIXTURES / "multi-card.vcf",
            "--identity", "X-CUSTOMER-ID", "--country", "NL",
            cwd=tmp_path, ok=(1,),
        )  # fmt: skip
        with SQLiteStore(db) as store:
            assert ["second@example.com", "+31612345678"] == [
                p.value for p in store.load("C2").contacts
            ]
            assert "NL" == store.billing_country("C2")

    def test_a_vcf_file_without_a_card_is_refused(self, tmp_path):
        (tmp_path / "empty.vcf").write_text("no cards here\n")
        done = self.run("check", "empty.vcf", cwd=tmp_path, ok=(3,))  # input refused
        assert "[format.invalid]" in done.stderr
        assert "no BEGIN:VCARD" in done.stderr

    def test_a_bad_identity_or_country_is_a_usage_error(self, tmp_path):
        vcf = FIXTURES / "multi-card.vcf"
        bad = self.run("check", vcf, "--identity", "item1.EMAIL", cwd=tmp_path, ok=(2,))
        assert "--identity" in bad.stderr
        self.run("check", vcf, "--country", "Narnia", cwd=tmp_path, ok=(2,))
