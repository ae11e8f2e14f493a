"""vCards exported by real address books: read without a crash, and round-trip exactly.

The files are ez-vcard's test exports (Android, BlackBerry, Evolution, Gmail, iPhone,
Lotus Notes, Mac Address Book, Outlook, Thunderbird, FullContact, the RFC examples),
kept in the shared corpus beside the checkout (``../shared/corpora/vcards``, or
``$CONTACTBOOK_SHARED/corpora/vcards``), never copied into the project. Without the
corpus the tests are left out with one line saying so (tests/shared_corpora.py).
"""

import pytest

from contactbook import ContactError, ContactKind
from contactbook.interchange.vcard import dump_vcard, load_vcard
from shared_corpora import corpus_files

# vCard 2.1 is refused as a whole, with what to do (export as 3.0 or 4.0).
VERSION_21 = {
    "John_Doe_ANDROID.vcf",
    "John_Doe_BLACK_BERRY.vcf",
    "John_Doe_MS_OUTLOOK.vcf",
    "outlook-2003.vcf",
    "outlook-2007.vcf",
}


@pytest.fixture(scope="module")
def corpus():
    return {path.name: path.read_bytes() for path in corpus_files("vcards", "*.vcf")}


class TestRealExports:
    """Every export gives a set (or a clear refusal), and what it gives round-trips."""

    def test_the_corpus_holds_the_expected_exports(self, corpus):
        assert len(corpus) >= 18
        assert VERSION_21 <= set(corpus)

    def test_every_export_reads_or_is_refused_with_a_contact_error(self, corpus):
        read, refused = {}, {}
        for name, data in corpus.items():
            try:
                read[name] = load_vcard(data, region="US")
            except ContactError as error:
                refused[name] = error.code
        assert dict.fromkeys(VERSION_21, "format.version") == refused
        assert all(len(result.contacts) >= 1 for result in read.values()), read

    def test_known_values_are_read_from_the_exports(self, corpus):
        iphone = load_vcard(corpus["John_Doe_IPHONE.vcf"], region="US").contacts
        assert ("john.doe@ibm.com", "http://www.ibm.com") == (
            iphone.primary(ContactKind.EMAIL).value,
            iphone.primary(ContactKind.WEBSITE).value,
        )
        rfc6350 = load_vcard(corpus["rfc6350-example.vcf"]).contacts
        assert "+14182626501" == rfc6350.primary(ContactKind.MOBILE).value

    def test_what_is_read_round_trips_through_our_own_export(self, corpus):
        for name, data in corpus.items():
            if name in VERSION_21:
                continue
            contacts = load_vcard(data, region="US").contacts
            again = load_vcard(dump_vcard(contacts, full_name="Customer"), region="US").contacts
            assert [(p.kind, p.value, p.description) for p in contacts] == [
                (p.kind, p.value, p.description) for p in again
            ], name
