"""Translations: the catalogs are complete and current, and every text renders in Dutch."""

from __future__ import annotations

import pickle
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from hypothesis import assume, given
from hypothesis import strategies as st

from contactbook import ContactKind, ContactSet, ContactValidationError, add
from contactbook._fastpath import emails
from contactbook.audit import ActivityEntry, diff
from contactbook.messages import Message
from contactbook.presentation.activity import ActivityLog
from contactbook.presentation.i18n import (
    LOCALE_DIRECTORY,
    Translator,
    negotiate,
    translate,
)
from contactbook.validation import (
    email_reference,
    normalize_email,
    normalize_phone,
    validate_value,
)

ROOT = Path(__file__).resolve().parent.parent
POT = LOCALE_DIRECTORY / "contactbook.pot"
LANGUAGES = ("en", "nl")


def catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def po_path(language: str) -> Path:
    return LOCALE_DIRECTORY / language / "LC_MESSAGES" / "contactbook.po"


def placeholders(template: str) -> list[tuple[str, str]]:
    """The named placeholders of a str.format template, with their format specs, sorted."""
    return sorted(
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    )


class TestTheCatalogs:
    """The shipped catalogs: complete, placeholder-true, current with the code."""

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_message_is_translated(self, language):
        missing = [
            message.id
            for message in catalog(po_path(language), language)
            if message.id and (not message.string or message.fuzzy)
        ]
        assert [] == missing, (
            f"{len(missing)} message(s) lack a translation in {po_path(language)} "
            "(translate them there, then run scripts/messages):\n" + "\n".join(missing)
        )

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_translation_keeps_the_placeholders(self, language):
        wrong = [
            (message.id, message.string)
            for message in catalog(po_path(language), language)
            if message.id and placeholders(message.id) != placeholders(message.string)
        ]
        assert [] == wrong, "translations that drop or add a placeholder:\n" + "\n".join(
            f"{msgid!r}\n  -> {msgstr!r}" for msgid, msgstr in wrong
        )

    def test_the_template_is_what_the_code_marks(self, tmp_path):
        extracted = tmp_path / "contactbook.pot"
        subprocess.run(
            [
                Path(sys.executable).parent / "pybabel",
                "extract",
                "-F",
                "babel.cfg",
                "--no-default-keywords",
                "-k",
                "Message",
                "-k",
                "N_",
                "--ignore-dirs=.* __pycache__",
                "-o",
                extracted,
                "src/contactbook",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        in_code = sorted(message.id for message in catalog(extracted) if message.id)
        committed = sorted(message.id for message in catalog(POT) if message.id)
        assert in_code == committed, "run scripts/messages: the catalog template is out of date"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_each_language_has_exactly_the_template_messages(self, language):
        template = sorted(message.id for message in catalog(POT) if message.id)
        translated = sorted(message.id for message in catalog(po_path(language)) if message.id)
        assert template == translated, "run scripts/messages: a .po is not updated"

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_compiled_catalog_is_the_po(self, language):
        # Compared message by message: the bytes name the Babel release that wrote them.
        written = {m.id: m.string for m in catalog(po_path(language), language) if m.id}
        with po_path(language).with_suffix(".mo").open("rb") as file:
            compiled = {m.id: m.string for m in read_mo(file) if m.id}
        assert written == compiled, "run scripts/messages: a .mo is not the compiled .po"


class TestMessages:
    """A Message is the English text, exactly as before, that keeps its template."""

    def test_a_message_is_its_english_text(self):
        message = Message("{value} is not valid ({count:,}).", value="'x'", count=1234)
        assert "'x' is not valid (1,234)." == message
        assert "'x' is not valid (1,234)." == str(message)
        assert "{value} is not valid ({count:,})." == message.template

    def test_pickle_keeps_template_and_params(self):
        message = Message("{value} is odd.", value=Message("nested"))
        again = pickle.loads(pickle.dumps(message))  # noqa: S301 -- our own bytes
        assert (message, message.template, "nested") == (
            again,
            again.template,
            again.params["value"],
        )
        assert isinstance(again.params["value"], Message)

    def test_a_refusal_reads_as_it_did(self):
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone("06 1234", "NL")
        assert (
            "'06 1234' is not a valid telephone number in NL; check the digits and the "
            "country code."
        ) == str(caught.value)


# Inputs that reach email-validator's reasons through the reference path.
BAD_EMAILS = [
    "ann",
    "@example.com",
    "ann@",
    ".ann@example.com",
    "ann.@example.com",
    "a..b@example.com",
    "ann@-example.com",
    "ann@example-.com",
    "ann@example",
    "ann@example.123",
    "ann@example.test",
    "a b@example.com",
    "ann@exa mple.com",
    "ann@ab--cd.com",
    "ann@.example.com",
    "ann@example..com",
    "ann@example.com.",
    '"ann"@example.com',
    "Ann <ann@example.com>",
    "<ann@example.com",
    "ann@[127.0.0.1]",
    "ann\uff20example.com",
    "ann\ufe6bexample.com",
    "x" * 250 + "@example.com",
    "\u00e9" * 130 + "@example.com",
    "ann@" + "x" * 64 + ".com",
    "ann@" + ("x" * 60 + ".") * 5 + "com",
    "ann\u200e@example.com",
    "ann@xn--zz.com",
]


class TestTheValidatorsReasons:
    """email-validator's own reasons are msgids too: each is read back into its template."""

    @pytest.mark.parametrize("raw", BAD_EMAILS)
    def test_each_reason_is_a_message_of_the_catalog(self, raw):
        with pytest.raises(ContactValidationError) as caught:
            email_reference(raw)
        message = caught.value.message
        assert isinstance(message, Message), message
        reason = message.params.get("reason")
        if reason is not None:
            assert isinstance(reason, Message), f"not in emails._REASONS: {reason!r}"
        assert "{" not in Translator.for_language("nl").text(message)

    @pytest.mark.parametrize("raw", BAD_EMAILS)
    def test_the_fast_path_words_it_with_the_same_template(self, raw):
        with pytest.raises(ContactValidationError) as reference:
            email_reference(raw)
        with pytest.raises(ContactValidationError) as fast:
            normalize_email(raw)
        assert (reference.value.message, reference.value.message.template) == (
            fast.value.message,
            fast.value.message.template,
        )

    def test_an_unknown_reason_stays_as_it_is(self):
        assert "Something new from a later release." == emails.reason(
            "Something new from a later release."
        )
        assert not isinstance(emails.reason("Something new."), Message)

    @given(st.text(max_size=60).map(lambda s: s + "@" if "@" not in s else s))
    def test_any_refusal_renders_in_dutch_without_a_placeholder(self, raw):
        assume("{" not in raw)  # braces typed are shown as typed: the next test
        try:
            normalize_email(raw)
        except ContactValidationError as error:
            shown = Translator.for_language("nl").text(error.message)
            assert isinstance(shown, str)
            assert not re.search(r"\{\w+\}", shown)

    def test_braces_typed_are_shown_as_typed(self):
        with pytest.raises(ContactValidationError) as caught:
            normalize_email("{reason}{0}@")
        assert (
            "'{reason}{0}@' is geen geldig e-mailadres: Na het @-teken moet iets staan."
            == Translator.for_language("nl").text(caught.value.message)
        )


class TestTranslator:
    """A host renders problems, labels and the log in the language of each request."""

    nl = Translator.for_language("nl")

    def test_a_phone_refusal_in_dutch(self):
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone("06 1234", "NL")
        assert (
            "'06 1234' is geen geldig telefoonnummer in NL; controleer de cijfers en de landcode."
        ) == self.nl.text(caught.value.message)

    def test_a_problem_keeps_its_code_and_place(self):
        with pytest.raises(ContactValidationError) as caught:
            normalize_email("")
        problem = caught.value.errors[0]
        dutch = self.nl.problem(problem)
        assert (problem.code, problem.field, "Vul het e-mailadres in; het is leeg.") == (
            dutch.code,
            dutch.field,
            dutch.message,
        )

    def test_a_warning_in_dutch(self):
        warning = validate_value(ContactKind.MOBILE, "020 123 4567", "NL").warning
        assert warning is not None
        assert self.nl.text(warning.message).startswith(
            "+31 20 123 4567 is een vast nummer"
        )  # as the card

    def test_the_labels_in_dutch(self):
        labels = self.nl.labels
        assert ("E-mailadres", "Telefoonnummer", "Mobiel nummer", "Website", "Opslaan") == (
            labels.kind(ContactKind.EMAIL),
            labels.kind(ContactKind.PHONE),
            labels.kind(ContactKind.MOBILE),
            labels.kind(ContactKind.WEBSITE),
            labels.save,
        )

    def test_the_activity_log_in_dutch(self):
        import datetime as dt

        after = add(ContactSet(), ContactKind.MOBILE, "+31612345678")
        at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        entry = ActivityEntry("e1", "c1", "ann", at, 1, diff(ContactSet(), after))
        log = ActivityLog.build([entry], labels=self.nl.labels)
        assert (
            "Activiteitenlogboek",
            (
                "Toegevoegd: mobiel nummer +31 6 12345678",
                "Primaire keuze voor mobiel nummer is nu +31 6 12345678 (was geen)",
            ),
        ) == (log.heading, log.items[0].lines)

    def test_english_is_the_english_text(self):
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone("06 1234", "NL")
        assert str(caught.value.message) == Translator.for_language("en").text(caught.value.message)

    def test_a_language_without_a_catalog_is_english(self):
        assert "Save" == translate(Translator.for_language("en").labels.save, "fy")

    def test_a_plain_string_is_left_alone(self):
        assert "Opslaan" != self.nl.text("Save")
        assert "Save" == self.nl.text("Save")


def write_catalog(directory: Path, language: str, texts: dict[str, str]) -> None:
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    own = Catalog(locale=language, domain="contactbook")
    for msgid, msgstr in texts.items():
        own.add(msgid, msgstr)
    with (folder / "contactbook.mo").open("wb") as file:
        write_mo(file, own)


class TestAHostsOwnCatalog:
    """A host adds a language, or rewords one, with a catalog directory of its own."""

    def test_a_new_language_falls_back_to_english(self, tmp_path):
        write_catalog(
            tmp_path,
            "de",
            {"Save": "Speichern", "Enter the telephone number; it is empty.": "Leer."},
        )
        german = Translator.for_language("de", directory=tmp_path)
        assert ("Speichern", "Cancel") == (german.labels.save, german.labels.cancel)
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone(" ")
        assert "Leer." == german.text(caught.value.message)

    def test_a_host_rewords_dutch_and_keeps_the_rest(self, tmp_path):
        write_catalog(tmp_path, "nl", {"Save": "Bewaren"})
        dutch = Translator.for_language("nl", directory=tmp_path)
        assert ("Bewaren", "Annuleren") == (dutch.labels.save, dutch.labels.cancel)

    def test_a_translation_with_a_wrong_placeholder_shows_english(self, tmp_path):
        template = "{value} is not a valid telephone number: {reason}."
        write_catalog(tmp_path, "xx", {template: "{waarde} klopt niet."})
        broken = Translator.for_language("xx", directory=tmp_path)
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone("+31 abc")
        assert str(caught.value.message) == broken.text(caught.value.message)


class TestNegotiate:
    """The reference host follows the browser's Accept-Language (RFC 9110 §12.5.4)."""

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            (None, "en"),
            ("", "en"),
            ("nl", "nl"),
            ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
            ("en-GB,en;q=0.9,nl;q=0.8", "en"),
            ("de-DE,de;q=0.9,nl;q=0.5", "nl"),
            ("de, fr", "en"),
            ("nl;q=0, en", "en"),
            ("*", "en"),
            ("nl;q=abc", "en"),
            (";;;,,,", "en"),
        ],
    )
    def test_the_preferred_available_language(self, header, expected):
        assert expected == negotiate(header)

    @given(st.text(max_size=200))
    def test_any_header_gives_a_shipped_language(self, header):
        assert negotiate(header) in ("en", "nl")


class TestABrokenTranslation:
    """A host's translation that cannot be filled in never breaks a page: English shows."""

    @pytest.mark.parametrize(
        "broken",
        ["{0} fout", "{} fout", "{value[0]} {reason[x]}", "{value!z}", "{reason:d}", "{value", "}"],
    )
    def test_english_instead(self, tmp_path, broken):
        template = "{value} is not a valid telephone number: {reason}."
        write_catalog(tmp_path, "xx", {template: broken})
        with pytest.raises(ContactValidationError) as caught:
            normalize_phone("+31 abc")
        shown = Translator.for_language("xx", directory=tmp_path).text(caught.value.message)
        assert str(caught.value.message) == shown

    @given(st.text(max_size=80))
    def test_any_translation_renders_a_string(self, translated):
        import gettext

        class One(gettext.NullTranslations):
            def gettext(self, message):
                return translated

        message = Message("{value} has {count:,} parts.", value="'x'", count=12345)
        shown = Translator("zz", One()).text(message)
        assert isinstance(shown, str)
        if "{" not in translated and "}" not in translated:
            assert translated == shown


def templates(text):
    """Every template a message is made of: its own and its nested params'."""
    if not isinstance(text, Message):
        return []
    nested = [t for value in text.params.values() for t in templates(value)]
    return [text.template, *nested]


DUTCH = {message.id for message in catalog(po_path("nl"), "nl") if message.id and message.string}


def assert_dutch(text):
    assert isinstance(text, Message), f"not a Message, so not translatable: {text!r}"
    missing = [template for template in templates(text) if template not in DUTCH]
    assert [] == missing


WEBSITES = r"(https?|ftp|javascript|data)?:?/{0,2}[a-z0-9.\-:@\[\]\\]{0,20}"


class TestEveryMessageShownIsInTheCatalog:
    """Whatever a clerk types, the message it gets (and every part of it) has Dutch."""

    @given(
        st.sampled_from(list(ContactKind)),
        st.one_of(
            st.text(max_size=40),
            st.from_regex(r"\+?[0-9 ()\-.]{0,20}(ext\. ?[0-9]{1,4})?", fullmatch=True),
            st.from_regex(r"[a-z.@\-]{0,12}@[a-z0-9.\-]{0,12}", fullmatch=True),
            st.from_regex(WEBSITES, fullmatch=True),
        ),
        st.sampled_from([None, "NL", "GB", "US"]),
    )
    def test_any_refusal_or_warning(self, kind, raw, country):
        try:
            outcome = validate_value(kind, raw, country)
        except ContactValidationError as error:
            for problem in error.errors:
                assert_dutch(problem.message)
        else:
            if outcome.warning is not None:
                assert_dutch(outcome.warning.message)

    @pytest.mark.parametrize("raw", BAD_EMAILS)
    def test_the_email_reasons(self, raw):
        with pytest.raises(ContactValidationError) as caught:
            normalize_email(raw)
        assert_dutch(caught.value.message)

    def test_the_errors_of_the_error_tree(self):
        from contactbook import (
            ConflictError,
            ContactNotFoundError,
            EntryNotFoundError,
            FormatError,
            NoRecipientError,
            PermissionDeniedError,
            StorageError,
        )

        for error in [
            ConflictError("c1", 3),
            ConflictError("c1", 3, 4),
            ContactNotFoundError(7),
            EntryNotFoundError("e9"),
            PermissionDeniedError("bob", "Update Customer Contact Details", "c1"),
            NoRecipientError("invoice", "email", "the customer has no email address."),
        ]:
            assert_dutch(error.message)
        stored = StorageError.unreadable(FormatError("x"), what="customer 'c1'", where="x.db")
        assert isinstance(stored.message, Message)
        assert "{what}" not in Translator.for_language("nl").text(stored.message)

    def test_a_batch_of_problems(self):
        from contactbook import AddPoint
        from contactbook.operations import apply

        with pytest.raises(ContactValidationError) as caught:
            apply(
                ContactSet(),
                [AddPoint(ContactKind.EMAIL, "x"), AddPoint(ContactKind.EMAIL, "y")],
            )
        assert_dutch(caught.value.message)
        with pytest.raises(ContactValidationError) as caught:
            apply(
                add(ContactSet(), ContactKind.EMAIL, "a@example.com"),
                [AddPoint(ContactKind.EMAIL, "a@example.com")],
            )
        assert_dutch(caught.value.message)

    def test_the_labels_and_nouns(self):
        from contactbook.presentation.card import CardLabels
        from contactbook.vocabulary import LABELS, NOUNS

        for name in CardLabels.__attrs_attrs__:
            text = getattr(CardLabels(), name.name)
            for each in text.values() if name.name in {"kinds", "nouns"} else [text]:
                assert_dutch(each)
        for text in [*LABELS.values(), *NOUNS.values()]:
            assert_dutch(text)

    def test_the_edit_windows_own_refusals(self):
        from contactbook import ContactService
        from contactbook.adapters.memory import AllowAll, InMemoryStore
        from contactbook.presentation.form import ContactForm

        service = ContactService(InMemoryStore(), AllowAll())
        stored = service.read("ann", "c1")
        for posted in [
            {"version": "0", "primary.surprise": "x"},
            {"version": "0", "primary.email.value": ["a", "b"]},
            {"version": "0", "action": "press"},
            {"version": "x"},
            {"version": "5", "action": "save"},
            {"version": "0", "primary.email.kind": "fax", "primary.email.value": "a@b.nl"},
            {"version": "0", "group.0.row.0.id": "x1", "group.0.row.0.value": "x"},
            {"version": "0", "group.0.description": "Billing", "group.0.row.0.value": ""},
            {"version": "0", "group.0.row.0.id": "99", "group.0.row.0.value": "x"},
        ]:
            form = ContactForm.from_post(stored, posted)
            found = {*form.problems, *form.errors}
            assert found, posted
            for problem in found:
                assert_dutch(problem.message)


class TestLanguageTags:
    """A language tag is read as gettext reads it; any other value gives English."""

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("nl", "Opslaan"),
            ("nl-BE", "Opslaan"),
            ("nl_NL", "Opslaan"),
            (" nl ", "Opslaan"),
            ("en", "Save"),
            ("../nl", "Save"),
            ("nl/../../x", "Save"),
            ("", "Save"),
            ("x" * 10_000, "Save"),
            ("nl\x00", "Save"),
        ],
    )
    def test_the_language_a_value_names(self, language, expected):
        assert expected == Translator.for_language(language).labels.save

    @given(st.text(max_size=30))
    def test_any_text_gives_a_translator(self, language):
        assert Translator.for_language(language).labels.save in {"Save", "Opslaan"}

    def test_a_language_is_a_string(self):
        with pytest.raises(TypeError):
            Translator.for_language(None)
