"""The installed `contactbook` command, end to end, in a subprocess."""

import csv
import importlib.util
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from contactbook import ConflictError, ContactError, ContactKind, StorageError
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.cli import Exit, exit_status
from contactbook.errors import ERROR_CODES
from contactbook.interchange.jsonform import load_set
from contactbook.interchange.vcard import load_vcard

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "examples" / "customers.csv"
COMMAND = Path(sys.executable).parent / "contactbook"


def sample_generator():
    spec = importlib.util.spec_from_file_location(
        "make_sample", ROOT / "examples" / "make_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args, cwd, env=None, ok=(0,)):
    environment = dict(os.environ)
    environment.pop("CONTACTBOOK_DB", None)
    environment.update(env or {})
    done = subprocess.run(
        [str(COMMAND), *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode in ok, done.stderr
    return done


def report_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def points_in(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def stored(db, customer_id):
    with SQLiteStore(db) as store:
        return store.load(customer_id), store.entries_since(None, limit=10_000)


class TestInstalled:
    """The console script is installed with the package and answers --help."""

    def test_help_lists_every_command(self, tmp_path):
        out = run("--help", cwd=tmp_path).stdout
        commands = ["check", "import", "show", "add", "edit", "remove", "log", "export", "country"]
        for command in commands:
            assert command in out


class TestCheckTheSample:
    """check reports the sample's known mistakes, writes both files, exits 1 unless asked."""

    def test_known_errors_are_reported(self, tmp_path):
        done = run("check", SAMPLE, cwd=tmp_path, ok=(1,))
        report = report_rows(tmp_path / "customers.report.csv")
        codes = Counter(row["code"] for row in report if row["severity"] == "error")
        expected = {code for _, code in sample_generator().MISTAKES} - {"mobile.fixed_line"}
        assert expected | {"contact.duplicate", "csv.row"} == set(codes)
        assert {"mobile.fixed_line"} == {r["code"] for r in report if r["severity"] == "warning"}
        assert "301" in done.stdout
        assert all(code in done.stdout for code in codes)
        assert all(row["row"].isdigit() and row["message"] for row in report)
        normalized = points_in(tmp_path / "customers.normalised.csv")
        assert {"email", "phone", "mobile", "website"} == {row[2] for row in normalized}
        assert all(row[3].startswith("+") for row in normalized if row[2] in {"phone", "mobile"})

    def test_ignore_errors_exits_0(self, tmp_path):
        run("check", SAMPLE, "--ignore-errors", "-o", "n.csv", "-r", "r.csv", cwd=tmp_path)
        assert (tmp_path / "n.csv").exists()
        assert (tmp_path / "r.csv").exists()

    def test_the_normalized_output_checks_clean(self, tmp_path):
        run("check", SAMPLE, "--ignore-errors", "-o", "n.csv", "-r", "r.csv", cwd=tmp_path)
        run("check", "n.csv", "-o", "n2.csv", "-r", "r2.csv", cwd=tmp_path)  # exits 0
        assert points_in(tmp_path / "n.csv") == points_in(tmp_path / "n2.csv")
        assert [] == [r for r in report_rows(tmp_path / "r2.csv") if r["severity"] == "error"]


class TestImportTheSample:
    """import stores each customer once; a second import changes nothing."""

    def test_import_twice(self, tmp_path):
        first = run("import", SAMPLE, cwd=tmp_path, ok=(1,))
        db = tmp_path / "contactbook.sqlite3"
        customer, entries = stored(db, "C01048")
        assert 1 == customer.version
        assert [
            (ContactKind.EMAIL, "Daan@jones-design.co.uk", True),
            (ContactKind.PHONE, "+441215660020", True),
            (ContactKind.MOBILE, "+447400027396", True),
            (ContactKind.EMAIL, "olivia.martin@martin-media.co.uk", False),
            (ContactKind.PHONE, "+442000855259", False),
            (ContactKind.MOBILE, "+447824993597", False),
            (ContactKind.WEBSITE, "https://www.martin-media.co.uk", True),
        ] == [(p.kind, p.value, customer.contacts.is_primary(p)) for p in customer.contacts]
        normalized = points_in(tmp_path / "customers.normalised.csv")
        assert len({row[0] for row in normalized}) == len(entries)
        assert "stored: 273 customer(s) changed" in first.stdout

        second = run("import", SAMPLE, "--ignore-errors", cwd=tmp_path)
        assert "stored: 0 customer(s) changed, 273 already up to date" in second.stdout
        assert (customer, entries) == stored(db, "C01048")

    def test_a_refused_value_is_not_stored_and_the_rows_other_values_are(self, tmp_path):
        run("import", SAMPLE, "--ignore-errors", cwd=tmp_path)
        report = report_rows(tmp_path / "customers.report.csv")
        (refused,) = [r for r in report if r["code"] == "website.userinfo"]
        customer, _ = stored(tmp_path / "contactbook.sqlite3", refused["customer_id"])
        with SAMPLE.open(encoding="utf-8", newline="") as handle:
            row = list(csv.DictReader(handle))[int(refused["row"]) - 2]
        assert ("website", row["website"]) == (refused["column"], refused["input"])
        assert 1 == customer.version
        assert {ContactKind.EMAIL, ContactKind.PHONE, ContactKind.MOBILE} == {
            p.kind for p in customer.contacts
        }


class TestOneCustomer:
    """show, add, edit, remove, log and export work on the database and refuse clearly."""

    def test_edit_a_customer_from_the_shell(self, tmp_path):
        db = ["--db", tmp_path / "book.db", "--actor", "ann"]
        unknown = run(*db, "show", "42", cwd=tmp_path, ok=(3,))
        assert unknown.stderr.startswith("contactbook: error [customer.not_found]: ")
        assert "" == unknown.stdout
        refused = run(*db, "add", "42", "mobile", "06 12345678", cwd=tmp_path, ok=(3,))
        assert "[phone.country_required]" in refused.stderr
        assert (
            "Billing country of customer 42: none" in run(*db, "country", "42", cwd=tmp_path).stdout
        )
        run(*db, "country", "42", "nl", cwd=tmp_path)
        run(*db, "add", "42", "mobile", "06 12345678", cwd=tmp_path)
        run(*db, "add", "42", "email", "facturen@example.nl", "-d", "Billing Contact", cwd=tmp_path)
        run(*db, "add", "42", "EMAIL", "ann@example.nl", "-d", "billing contact", cwd=tmp_path)
        refused = run(*db, "add", "42", "website", "javascript:alert(1)", cwd=tmp_path, ok=(3,))
        assert refused.stderr.startswith("contactbook: error [website.scheme]: ")
        assert 1 == len(refused.stderr.splitlines())
        run(*db, "edit", "42", "1", "--description", "Emergency Contact", cwd=tmp_path)
        run(*db, "edit", "42", "3", "--value", "piet@example.nl", cwd=tmp_path)
        warned = run(*db, "add", "42", "mobile", "020 1234567", cwd=tmp_path)
        assert "mobile.fixed_line" in warned.stdout
        run(*db, "remove", "42", "1", cwd=tmp_path)
        missing = run(*db, "remove", "42", "1", cwd=tmp_path, ok=(3,))
        assert "[contact.not_found]" in missing.stderr
        card = run(*db, "show", "42", cwd=tmp_path).stdout
        assert "facturen@example.nl" in card
        assert "+31 20 123 4567" in card
        assert "Billing Contact" in card
        assert "+31 6 12345678" not in card
        log = run(*db, "log", "42", cwd=tmp_path).stdout
        assert 7 == log.count(" ann  version ")
        assert log.index("version 7") < log.index("version 1")
        assert "Removed mobile number +31612345678 (Emergency Contact)" in log

        exported = run(*db, "export", "42", "--format", "json", cwd=tmp_path).stdout
        contacts = load_set(exported)
        assert ["+31201234567", "facturen@example.nl", "piet@example.nl"] == sorted(
            p.value for p in contacts
        )
        vcard = subprocess.run(
            [str(COMMAND), *map(str, db), "export", "42", "-f", "vcard"],
            capture_output=True,
            check=True,
        ).stdout
        assert vcard.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
        back = load_vcard(vcard).contacts
        assert [(p.kind, p.value, p.description) for p in contacts] == [
            (p.kind, p.value, p.description) for p in back
        ]
        run(*db, "export", "42", "-f", "vcard", "-o", "card.vcf", cwd=tmp_path)
        assert vcard == (tmp_path / "card.vcf").read_bytes()

    def test_a_billing_country_change_lists_numbers_it_would_read_differently(self, tmp_path):
        db = ["--db", tmp_path / "book.db", "--actor", "ann"]
        run(*db, "country", "7", "BE", cwd=tmp_path)
        run(*db, "add", "7", "phone", "02 511 12 34", cwd=tmp_path)
        run(*db, "add", "7", "mobile", "+31 6 12345678", cwd=tmp_path)
        changed = run(*db, "country", "7", "NL", cwd=tmp_path).stdout
        assert "Billing country of customer 7 set to NL." in changed
        assert "point 1 (phone +3225111234, entered as '02 511 12 34') would now be refused" in (
            changed
        )
        assert "point 2" not in changed
        assert "+3225111234" == stored(tmp_path / "book.db", "7")[0].contacts.get(1).value
        cleared = run(*db, "country", "7", "--clear", cwd=tmp_path).stdout
        assert "set to none" in cleared
        both = run(*db, "country", "7", "NL", "--clear", cwd=tmp_path, ok=(2,))
        assert "not both" in both.stderr

    def test_the_database_comes_from_the_environment_or_the_current_folder(self, tmp_path):
        run("add", "7", "email", "a@example.com", cwd=tmp_path)
        assert (tmp_path / "contactbook.sqlite3").exists()
        run("add", "7", "email", "b@example.com", cwd=tmp_path, env={"CONTACTBOOK_DB": "x.db"})
        assert 1 == stored(tmp_path / "x.db", "7")[0].version
        assert 1 == stored(tmp_path / "contactbook.sqlite3", "7")[0].version

    def test_the_actor_is_the_os_user_by_default(self, tmp_path):
        run("add", "7", "email", "a@example.com", cwd=tmp_path, env={"USER": "bookkeeper",
            "LOGNAME": "bookkeeper"})  # fmt: skip
        (entry,) = stored(tmp_path / "contactbook.sqlite3", "7")[1]
        assert "bookkeeper" == entry.actor

    @pytest.mark.parametrize(
        ("args", "status", "text"),
        [
            (["--db", "{tmp}/not-a-db.txt", "show", "1"], 4, "[storage.corrupt]"),
            (["edit", "1", "1"], 2, "say what to change"),
            (["add", "1", "fax", "123"], 2, "fax"),
            (["check", "{tmp}/missing.csv"], 3, "missing.csv: No such file or directory"),
            (["check", "{tmp}"], 3, ": Is a directory"),
            (["check", "{tmp}/in.csv", "-o", "{tmp}/no/such/n.csv"], 3, "n.csv: No such file"),
            (["export", "1", "-f", "xml"], 2, "xml"),
        ],
        ids=[
            "foreign database",
            "edit nothing",
            "unknown kind",
            "no file",
            "dir",
            "no folder",
            "format",
        ],
    )
    def test_bad_input_is_one_line_and_a_non_zero_status(self, tmp_path, args, status, text):
        (tmp_path / "not-a-db.txt").write_text("hello, not a database\n" * 100)
        (tmp_path / "in.csv").write_text(many(2))
        done = run(*[a.replace("{tmp}", str(tmp_path)) for a in args], cwd=tmp_path, ok=(status,))
        assert text in done.stderr


class TestHostileFiles:
    """Broken and malicious exports give clear errors and a non-zero status, never a traceback."""

    @pytest.mark.parametrize(
        ("data", "options", "code"),
        [
            (b"", [], "csv.columns"),
            (b"id;name\n1;Ann\n", [], "csv.columns"),
            (
                "customer_id,email\n1,a@example.com\n".encode("utf-16"),
                ["--encoding", "utf-8"],
                "csv.encoding",
            ),
            (b"customer_id,\xe9mail\n1,a@example.com\n", ["--encoding", "utf-8"], "csv.encoding"),
            (b"customer_id,email\n1,a@example.com\n", ["--mapping", "in.csv"], "csv.mapping"),
        ],
        ids=["empty", "missing columns", "utf-16 as utf-8", "cp1252 header as utf-8", "mapping"],
    )
    def test_unreadable_files(self, tmp_path, data, options, code):
        (tmp_path / "in.csv").write_bytes(data)
        done = run("check", "in.csv", *options, cwd=tmp_path, ok=(3,))
        assert done.stderr.startswith(f"contactbook: error [{code}]: ")

    def test_row_level_trouble(self, tmp_path):
        rows = [
            b"customer_id,country,email,phone,mobile,website",
            b"1,NL,a@example.com,020 1234567,,",
            b"2,NL," + b"x" * 10_000_000 + b",,,",
            b"3,NL,b\x00@example.com,,,",
            b"4,FR,ren\xe9@example.fr,,,",
            b'5,NL,"=HYPERLINK(""http://evil"")",,,',
            b"6,NL",
            b"7,NL,c@example.com,,06 12345678,=1+1",
        ]
        (tmp_path / "in.csv").write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(rows) + b"\r\n")
        run("check", "in.csv", cwd=tmp_path, ok=(1,))
        report = report_rows(tmp_path / "in.report.csv")
        assert [
            ("3", "csv.too_large"),
            ("4", "email.invalid"),
            ("5", "csv.encoding"),
            ("6", "email.invalid"),
            ("7", "csv.row"),
            ("8", "website.host"),
        ] == [(r["row"], r["code"]) for r in report]
        assert '\'=HYPERLINK("http://evil")' == report[3]["input"]
        assert "'=1+1" == report[5]["input"]
        # A problem refuses its value: row 8's email and mobile are kept.
        assert ["1", "7"] == sorted({row[0] for row in points_in(tmp_path / "in.normalised.csv")})

    def test_two_jobs_give_the_same_files_as_one(self, tmp_path):
        # Two rows per customer; every 13th row has a number too short to be valid.
        rows = "".join(
            f"{i // 2},NL,user{i}@example.com,020 {'12' if i % 13 == 0 else 1000000 + i},\n"
            for i in range(3000)
        )
        (tmp_path / "in.csv").write_text("customer_id,country,email,phone\n" + rows)
        run("check", "in.csv", "-j", "1", "-o", "n1.csv", "-r", "r1.csv", cwd=tmp_path, ok=(1,))
        run("check", "in.csv", "-j", "2", "-o", "n2.csv", "-r", "r2.csv", cwd=tmp_path, ok=(1,))
        assert (tmp_path / "n1.csv").read_bytes() == (tmp_path / "n2.csv").read_bytes()
        assert (tmp_path / "r1.csv").read_bytes() == (tmp_path / "r2.csv").read_bytes()
        bad = len(range(0, 3000, 13))
        assert bad == len(report_rows(tmp_path / "r1.csv"))
        assert 2 * 3000 - bad == len(points_in(tmp_path / "n1.csv"))


# The command, stopped by a signal to itself as it writes the normalized rows of the
# customer number AFTER: an interrupt (SIGINT, Ctrl-C) or a kill (SIGKILL) mid-run. A
# negative number goes to its whole process group, workers included, as Ctrl-C does.
STOPPED = textwrap.dedent(
    """
    import os, sys
    from contactbook import cli
    from contactbook.interchange import csv_write

    signal_number, after = int(sys.argv[1]), int(sys.argv[2])
    write, seen = csv_write.NormalizedWriter.write, []

    def write_then_stop(self, block):
        seen.append(block)
        if len(seen) == after and signal_number < 0:
            os.killpg(0, -signal_number)
        elif len(seen) == after:
            os.kill(os.getpid(), signal_number)
        write(self, block)

    csv_write.NormalizedWriter.write = write_then_stop
    sys.argv = ["contactbook", *sys.argv[3:]]
    cli.main()
    """
)


def stopped(signal_number, after, *args, cwd):
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTBOOK_DB"}
    return subprocess.run(
        [sys.executable, "-c", STOPPED, str(int(signal_number)), str(after), *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        start_new_session=True,  # a process group of its own
    )


def many(customers):
    """A customer-shape export: each customer an email and a mobile number."""
    rows = "".join(f"C{n:05d},NL,user{n}@example.nl,06 {10000000 + n}\n" for n in range(customers))
    return "customer_id,country,email,mobile\n" + rows


def partials(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


class TestExitStatus:
    """Each exit status means one thing; one mapping from error-code families decides."""

    def test_every_error_family_has_its_status(self):
        assert {Exit.INPUT, Exit.STORAGE} == {
            exit_status(ContactError("x", code=code)) for code in ERROR_CODES
        }
        for code in ERROR_CODES:
            family = code.partition(".")[0]
            if family in {"format", "csv", "vcard", "email", "phone", "website", "customer"}:
                assert Exit.INPUT == exit_status(ContactError("x", code=code)), code
            if family == "storage":
                assert Exit.STORAGE == exit_status(ContactError("x", code=code)), code
        assert Exit.STORAGE == exit_status(ConflictError("C1", 1, 2))
        assert Exit.STORAGE == exit_status(StorageError("locked", code="storage.locked"))

    def test_every_family_is_placed_on_purpose(self):
        from contactbook import cli

        families = {code.partition(".")[0] for code in ERROR_CODES}
        assert families <= set(cli._EXIT_BY_FAMILY)

    def test_clean_is_0_and_rows_with_problems_1(self, tmp_path):
        (tmp_path / "in.csv").write_text(many(3))
        run("check", "in.csv", cwd=tmp_path)  # 0
        (tmp_path / "in.csv").write_text(many(3) + "C9,NL,not-an-email,\n")
        done = run("import", "in.csv", cwd=tmp_path, ok=(1,))
        assert "stored: 3 customer(s) changed" in done.stdout  # done, with a problem
        run("import", "in.csv", "--ignore-errors", cwd=tmp_path)  # 0

    def test_a_newer_database_is_storage(self, tmp_path):
        run("--db", "book.db", "add", "1", "email", "a@example.com", cwd=tmp_path)
        with sqlite3.connect(tmp_path / "book.db") as connection:
            connection.execute("PRAGMA user_version = 99")
        connection.close()
        done = run("--db", "book.db", "show", "1", cwd=tmp_path, ok=(4,))
        assert done.stderr.startswith("contactbook: error [storage.version]: ")

    def test_a_locked_database_is_storage(self, tmp_path):
        run("--db", "book.db", "add", "1", "email", "a@example.com", cwd=tmp_path)
        holder = sqlite3.connect(tmp_path / "book.db", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
            done = run(
                "--db", "book.db", "add", "1", "email", "b@example.com", cwd=tmp_path, ok=(4,)
            )
        finally:
            holder.close()
        assert done.stderr.startswith("contactbook: error [storage.locked]: ")

    @pytest.mark.parametrize("command", ["show", "log", "export"])
    def test_a_customer_with_nothing_stored_is_refused(self, tmp_path, command):
        run("add", "C01048", "email", "a@example.com", cwd=tmp_path)
        done = run(command, "C1048", cwd=tmp_path, ok=(3,))
        assert ("", 1) == (done.stdout, len(done.stderr.splitlines()))
        assert "contactbook: error [customer.not_found]: Nothing is stored for customer " in (
            done.stderr
        )
        run(command, "C01048", cwd=tmp_path)  # 0

    def test_a_customer_with_a_billing_country_only_is_known(self, tmp_path):
        run("country", "7", "NL", cwd=tmp_path)
        assert "no contact details" in run("show", "7", cwd=tmp_path).stdout
        assert "No activity" in run("log", "7", cwd=tmp_path).stdout


class TestNothingLost:
    """A refused, interrupted or killed run leaves the earlier outputs and database as they were."""

    def first_run(self, folder):
        (folder / "in.csv").write_text(many(3_000))
        run("check", "in.csv", "-o", "n.csv", "-r", "r.csv", cwd=folder)
        (folder / "r.csv").write_text("an earlier report\n")  # told apart from a new one
        return {name: (folder / name).read_bytes() for name in ("n.csv", "r.csv")}

    def outputs(self, folder):
        return {name: (folder / name).read_bytes() for name in ("n.csv", "r.csv")}

    def test_a_refused_check_keeps_the_earlier_outputs(self, tmp_path):
        before = self.first_run(tmp_path)
        assert 34_000 < len(before["n.csv"])
        (tmp_path / "bad.csv").write_text("name;city\nAnn;Delft\n")  # no contact column
        done = run("check", "bad.csv", "-o", "n.csv", "-r", "r.csv", cwd=tmp_path, ok=(3,))
        assert "[csv.columns]" in done.stderr
        assert before == self.outputs(tmp_path)
        assert [] == partials(tmp_path)

    def test_an_interrupted_check_keeps_the_earlier_outputs(self, tmp_path):
        before = self.first_run(tmp_path)
        args = ("check", "in.csv", "-o", "n.csv", "-r", "r.csv", "-j", "1")
        done = stopped(signal.SIGINT, 1_500, *args, cwd=tmp_path)
        assert (130, "contactbook: interrupted\n") == (done.returncode, done.stderr)
        assert before == self.outputs(tmp_path)
        assert [] == partials(tmp_path)

    def test_ctrl_c_with_workers_keeps_the_earlier_outputs(self, tmp_path):
        before = self.first_run(tmp_path)
        args = ("check", "in.csv", "-o", "n.csv", "-r", "r.csv", "-j", "2")
        done = stopped(-signal.SIGINT, 1_500, *args, cwd=tmp_path)
        assert (130, "contactbook: interrupted\n") == (done.returncode, done.stderr)
        assert before == self.outputs(tmp_path)
        assert [] == partials(tmp_path)

    def test_a_killed_check_keeps_the_earlier_outputs_and_the_next_run_cleans_up(self, tmp_path):
        before = self.first_run(tmp_path)
        args = ("check", "in.csv", "-o", "n.csv", "-r", "r.csv", "-j", "1")
        done = stopped(signal.SIGKILL, 1_500, *args, cwd=tmp_path)
        assert -signal.SIGKILL == done.returncode
        assert before == self.outputs(tmp_path)
        left = partials(tmp_path)
        assert 2 == len(left)
        assert all(name.startswith((".n.csv.", ".r.csv.")) for name in left)
        run("check", "in.csv", "-o", "n.csv", "-r", "r.csv", cwd=tmp_path)
        assert [] == partials(tmp_path)
        assert before["n.csv"] == (tmp_path / "n.csv").read_bytes()
        assert before["r.csv"] != (tmp_path / "r.csv").read_bytes()  # the new, empty report

    def test_a_running_writer_keeps_its_partial_file(self, tmp_path):
        from contactbook.interchange.csv_write import atomic_output

        with atomic_output(tmp_path / "n.csv") as first:
            first.write("first")
            with atomic_output(tmp_path / "n.csv") as second:  # another run, meanwhile
                second.write("second")
            assert 1 == len(partials(tmp_path))  # the first run's, still being written
        assert "first" == (tmp_path / "n.csv").read_text()
        assert [] == partials(tmp_path)

    def test_a_failed_import_leaves_no_new_database(self, tmp_path):
        (tmp_path / "bad.csv").write_text("name;city\nAnn;Delft\n")  # no contact column
        run("import", "bad.csv", cwd=tmp_path, ok=(3,))
        run("import", "missing.csv", cwd=tmp_path, ok=(3,))
        (tmp_path / "in.csv").write_text(many(3_000))
        done = stopped(signal.SIGINT, 1_200, "import", "in.csv", cwd=tmp_path)
        assert 130 == done.returncode
        assert ["bad.csv", "in.csv"] == sorted(path.name for path in tmp_path.iterdir())

    def test_an_interrupted_import_keeps_whole_customers_of_an_existing_database(self, tmp_path):
        run("add", "X", "email", "x@example.com", cwd=tmp_path)
        db = tmp_path / "contactbook.sqlite3"
        x_before = stored(db, "X")
        (tmp_path / "in.csv").write_text(many(3_000))
        done = stopped(signal.SIGINT, 1_200, "import", "in.csv", cwd=tmp_path)
        assert 130 == done.returncode
        assert not (tmp_path / "in.normalised.csv").exists()
        assert not (tmp_path / "in.report.csv").exists()
        assert x_before[0] == stored(db, "X")[0]
        with SQLiteStore(db) as store:
            versions = [store.load(f"C{n:05d}") for n in range(3_000)]
        # Each unit of 500 customers commits before its rows are written: three were
        # committed, each customer whole, when the signal came at the 1,200th row; the
        # rest was never stored.
        assert [(1, 2)] * 1_500 + [(0, 0)] * 1_500 == [
            (saved.version, len(saved.contacts)) for saved in versions
        ]

    def test_a_device_is_written_to_directly(self, tmp_path):
        run("add", "1", "email", "a@example.com", cwd=tmp_path)
        done = run("export", "1", "-o", "/dev/stdout", cwd=tmp_path)
        assert ["a@example.com"] == [p.value for p in load_set(done.stdout)]

    def test_a_refused_export_keeps_the_earlier_file(self, tmp_path):
        run("add", "1", "email", "a@example.com", cwd=tmp_path)
        run("export", "1", "-o", "card.json", cwd=tmp_path)
        before = (tmp_path / "card.json").read_bytes()
        run("export", "2", "-o", "card.json", cwd=tmp_path, ok=(3,))
        assert before == (tmp_path / "card.json").read_bytes()
        assert [] == partials(tmp_path)


def on_a_terminal(*args, cwd):
    """Run the command with standard error on a pseudo-terminal; return what it showed."""
    main, terminal = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CONTACTBOOK_DB"}
    process = subprocess.Popen(
        [str(COMMAND), *map(str, args)],
        cwd=cwd,
        env={**environment, "COLUMNS": "120"},
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=300) in (0, 1)
    return shown.decode("utf-8", "replace")


class TestProgress:
    """On a terminal the bar counts rows checked, then customers imported; never bytes."""

    def test_check_counts_rows(self, tmp_path):
        (tmp_path / "in.csv").write_text(many(3_000))
        shown = on_a_terminal("check", "in.csv", "-j", "1", cwd=tmp_path)
        assert "checked 3,000 of 3,000 rows" in shown
        assert "imported" not in shown
        assert "checking" not in shown
        assert "kB" not in shown

    def test_import_counts_rows_then_customers(self, tmp_path):
        (tmp_path / "in.csv").write_text(many(3_000))
        shown = on_a_terminal("import", "in.csv", "-j", "1", cwd=tmp_path)
        assert "checked 3,000 of 3,000 rows" in shown
        assert "imported 3,000 of 3,000 customers" in shown
        assert "checking" not in shown
        imported = [int(n.replace(",", "")) for n in re.findall(r"imported ([\d,]+) of", shown)]
        assert imported == sorted(imported)


class TestAnyExport:
    """check reads any spreadsheet's CSV and any layout, and says how it read the file."""

    EXPORTS = ROOT / "tests" / "fixtures" / "exports"

    def test_the_dialect_and_layout_are_printed(self, tmp_path):
        done = run("check", self.EXPORTS / "excel-semicolon-bom.csv", cwd=tmp_path, ok=(1,))
        assert (
            "read as: utf-8 with byte-order mark (found), semicolon-separated (found), "
            "contactbook (a row per customer) layout, customer id from column customer_id"
        ) in done.stdout
        assert "values refused" in done.stdout

    def test_options_override_what_is_found(self, tmp_path):
        google = self.EXPORTS / "google-contacts.csv"
        args = ["--encoding", "utf-8", "--delimiter", "comma", "--country", "nl"]
        done = run("check", google, *args, "--id-column", "First Name", cwd=tmp_path, ok=(1,))
        assert "utf-8, comma-separated, Google Contacts layout" in done.stdout
        assert "customer id from column First Name" in done.stdout
        points = points_in(tmp_path / "google-contacts.normalised.csv")
        assert {("Ann", "NL"), ("Piet", "NL")} == {(row[0], row[1]) for row in points}

    def test_a_mapping_file(self, tmp_path):
        klanten, mapping = self.EXPORTS / "klanten.csv", self.EXPORTS / "klanten.toml"
        done = run("check", klanten, "--mapping", mapping, cwd=tmp_path)
        assert "klanten.toml layout" in done.stdout
        assert 8 == len(points_in(tmp_path / "klanten.normalised.csv"))

    def test_refusals(self, tmp_path):
        semicolons = self.EXPORTS / "excel-semicolon-bom.csv"
        done = run("check", semicolons, "--delimiter", "tab", cwd=tmp_path, ok=(3,))
        assert "[csv.columns]" in done.stderr
        done = run("check", semicolons, "--country", "Holland", cwd=tmp_path, ok=(2,))
        assert "--country" in done.stderr
        run("check", semicolons, "--delimiter", "x", cwd=tmp_path, ok=(2,))
