"""vCards exported by real address books and phones: every card read, every value found.

Two shared corpora beside the checkout, never copied into the project (without them the
tests are left out with one line saying so, tests/shared_corpora.py):

- ``../shared/corpora/vcards``: ez-vcard's test exports (Android, BlackBerry, Evolution,
  Gmail, iPhone, Lotus Notes, Mac Address Book, Outlook 2003/2007, Thunderbird,
  FullContact, the RFC examples);
- ``../shared/corpora/exports/vcards``: the test files of Android's vCard parser, KDE
  kcontacts, Evolution, FolkerKinzel/VCards, Roundcube, sabre/vobject and py-vobject
  (2.1 quoted-printable and charsets, bare TYPEs, folded photos, UTF-16, multi-card).

``EXPECTED`` was written by reading each file: how many cards it holds and every email
address, telephone number and website in it, as the file writes it (escapes, folding
and quoted-printable undone; ``CELL`` is a TEL whose TYPE says cell). Each of those
values must come out of the check either accepted or refused with a reason, and nothing
else may.
"""

from collections import Counter

import pytest

from contactbook import ContactKind, ContactSet
from contactbook.interchange.vcard import (
    Identity,
    check_card,
    check_cards,
    dump_vcard,
    load_vcard,
    read_cards,
)
from shared_corpora import CORPORA, corpus_files

PROPERTY = {
    ContactKind.EMAIL: "EMAIL",
    ContactKind.PHONE: "TEL",
    ContactKind.MOBILE: "TEL",
    ContactKind.WEBSITE: "URL",
}

EXPECTED: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "exports/android/v21_adr_multiple_line.vcf": (
        1,
        [
            ("URL", "http://bogus.com/"),
        ],
    ),
    "exports/android/v21_backslash.vcf": (1, []),
    "exports/android/v21_base64_no_2_crlf.vcf": (1, []),
    "exports/android/v21_blackberry_photo.vcf": (
        1,
        [
            ("TEL", "+5555555"),
            ("CELL", "+5555556"),
            ("EMAIL", "forrestgump@walladalla.com"),
        ],
    ),
    "exports/android/v21_complicated.vcf": (
        1,
        [
            ("TEL", "(111) 555-1212"),
            ("TEL", "(404) 555-1212"),
            ("CELL", "0311111111"),
            ("TEL", "0322222222"),
            ("TEL", "0333333333"),
            ("EMAIL", "forrestgump@walladalla.com"),
            ("EMAIL", "cell@example.com"),
            ("URL", "http://www.example.com/"),
        ],
    ),
    "exports/android/v21_im.vcf": (1, []),
    "exports/android/v21_invalid_comment_line.vcf": (1, []),
    "exports/android/v21_invalid_multiple_line.vcf": (
        1,
        [
            ("EMAIL", '"Omega" <omega@example.com>'),
        ],
    ),
    "exports/android/v21_japanese_1.vcf": (
        1,
        [
            ("TEL", "0300000000"),
        ],
    ),
    "exports/android/v21_japanese_2.vcf": (1, []),
    "exports/android/v21_japanese_3.vcf": (1, []),
    "exports/android/v21_malformed_photo.vcf": (1, []),
    "exports/android/v21_multiple_entry.vcf": (
        3,
        [
            ("TEL", "9"),
            ("TEL", "10"),
            ("TEL", "11"),
            ("TEL", "12"),
            ("TEL", "13"),
            ("TEL", "14"),
            ("TEL", "15"),
            ("TEL", "16"),
            ("TEL", "17"),
            ("TEL", "18"),
            ("TEL", "19"),
            ("TEL", "20"),
        ],
    ),
    # Two cards nested inside the first (vCard 2.1 AGENT): one customer, TEL:1 is its.
    "exports/android/v21_nest.vcf": (
        1,
        [
            ("TEL", "1"),
        ],
    ),
    "exports/android/v21_org_before_title.vcf": (1, []),
    "exports/android/v21_pref_handling.vcf": (
        1,
        [
            ("TEL", "1"),
            ("TEL", "2"),
            ("TEL", "3"),
            ("EMAIL", "test@example.com"),
            ("EMAIL", "test2@examination.com"),
        ],
    ),
    "exports/android/v21_sip.vcf": (1, []),
    "exports/android/v21_winmo_65.vcf": (1, []),
    "exports/android/v21_x_android_custom_after_photo.vcf": (1, []),
    "exports/android/v21_x_param.vcf": (
        1,
        [
            ("TEL", "1"),
            ("TEL", "2"),
            ("EMAIL", "email@example.com"),
            ("EMAIL", "email2@example.com"),
        ],
    ),
    "exports/android/v30_comma_separated.vcf": (
        1,
        [
            ("TEL", "1"),
        ],
    ),
    "exports/android/v30_ios_613_multiline.vcf": (
        1,
        [
            ("EMAIL", "bob@smithauto.com"),
            ("CELL", "(650) 555-1212"),
            ("URL", "www.smithauto.com"),
        ],
    ),
    "exports/android/v30_japanese.vcf": (1, []),
    "exports/android/v30_multibyte_param.vcf": (
        1,
        [
            ("TEL", "1"),
        ],
    ),
    "exports/android/v30_pager.vcf": (
        1,
        [
            ("TEL", "6101231234@pagersample.com"),
        ],
    ),
    "exports/android/v30_pause_wait.vcf": (
        1,
        [
            ("TEL", "p1234p5678w9"),
        ],
    ),
    "exports/android/v30_simple.vcf": (
        1,
        [
            ("TEL", "0300000000"),
        ],
    ),
    "exports/android/v40_sip.vcf": (
        1,
        [
            ("TEL", "1"),
            ("TEL", "sip:example@example.com"),
        ],
    ),
    "exports/evolution-data-server/12.vcf": (
        1,
        [
            ("CELL", "+491622433834"),
            ("CELL", "017623384942"),
            ("TEL", "+4973117546691"),
            ("EMAIL", "ext-Michael.Bruning@nokia.com"),
        ],
    ),
    "exports/evolution-data-server/13.vcf": (
        1,
        [
            ("TEL", "+1-919-676-9515"),  # folded inside the TYPE parameter
            ("TEL", "+1-919-676-9564"),
            ("EMAIL", "Frank_Dawson@Lotus.com"),
            ("EMAIL", "semicolon;@points.net"),
            ("URL", "http://home%32%20.earthlink.net/~fdawson"),
        ],
    ),
    "exports/evolution-data-server/3.vcf": (
        1,
        [
            ("TEL", "617 679 1984"),
            ("CELL", "123 456 7890"),
            ("EMAIL", "nat@nat.org"),
            ("EMAIL", "nat@ximian.com"),
        ],
    ),
    "exports/evolution-data-server/4.vcf": (1, []),
    "exports/evolution-data-server/5.vcf": (
        1,
        [
            # quoted-printable UTF-8 with a soft line break: a text, not a number
            ("TEL", "十城目管理大型知座"),
            ("TEL", "十城目管理大型知座"),
            ("TEL", "十城目管理大型知座"),
            ("CELL", "十城目管理大型知座"),
            ("EMAIL", "weird@weird.com"),
        ],
    ),
    # BEGIN:VCARD left out: the card starts at VERSION
    "exports/evolution-data-server/7.vcf": (
        1,
        [
            ("TEL", "+1-919-676-9515"),
            ("TEL", "+1-919-676-9564"),
            ("EMAIL", "Frank_Dawson@Lotus.com"),
            ("EMAIL", "fdawson@earthlink.net"),
            ("URL", "http://home.earthlink.net/~fdawson"),
        ],
    ),
    "exports/folkerkinzel/AnsiIssue.vcf": (1, []),
    "exports/folkerkinzel/German-cp1252.vcf": (1, []),
    "exports/folkerkinzel/Greek-cp1253.vcf": (1, []),
    "exports/folkerkinzel/Hebrew-ansi.vcf": (1, []),
    "exports/folkerkinzel/LabelIssue.vcf": (
        1,
        [
            ("TEL", "0987 /6543"),
            ("TEL", "9876 /11223344"),
            ("URL", "wurstdarm.de"),
            ("EMAIL", "Wimmel@wurstdarm.de"),
        ],
    ),
    "exports/folkerkinzel/Outlook_v2.vcf": (
        1,
        [
            ("TEL", "+49 (0611) 123456 - 11"),
            ("TEL", "+49 (0611) 123456 - 12"),
            ("CELL", "+49 (0611) 123456 - 14"),
            ("TEL", "+49 (0611) 123456 - 13"),
            ("URL", "https://www.musterfirma.de"),
            ("EMAIL", "max.mustermann@musterfirma.de"),
        ],
    ),
    "exports/folkerkinzel/Photo_Outlook_v2.vcf": (1, []),
    "exports/folkerkinzel/Ukrainian-cp1251.vcf": (1, []),
    "exports/folkerkinzel/WhatsAppIssue.vcf": (
        1,
        [
            ("TEL", "7yy-zzz-xxx"),
            ("TEL", "7yy-zzz-xxx"),
            ("URL", "https://www.xxxxxx"),
        ],
    ),
    "exports/folkerkinzel/v2_1.vcf": (
        1,
        [
            ("TEL", "Tel geschäftlich"),  # quoted-printable, bare utf-8 charset
            ("TEL", "Tel privat"),
            ("CELL", "Handy"),
            ("TEL", "Other Phone"),
            ("TEL", "Pager"),
            ("TEL", "0123/579"),
            ("TEL", "Fax privat"),
            ("URL", "http://www.privat.de"),
            ("URL", "http://www.musterworks.de"),
            ("EMAIL", "privat@folker-kinzel.de"),
            ("EMAIL", "business@folker-kinzel.de"),
            ("EMAIL", "andere@folker-kinzel.de"),
        ],
    ),
    "exports/folkerkinzel/v3Utf16Bom.vcf": (
        2,
        [  # UTF-16 LE with a byte-order mark
            ("EMAIL", "email1@wumms.de"),
            ("EMAIL", "email2@folker-kinzel.de"),
            ("TEL", "0123-45678"),
            ("URL", "www.folker-kinzel.de"),
            ("EMAIL", "blablö@blub.com"),
            ("TEL", "03443-303776"),
            ("TEL", "03443-333440"),
        ],
    ),
    "exports/kcontacts/testfullvcard.vcf": (
        1,
        [
            ("TEL", "+44-555-555-5555;ext=5555"),
            ("CELL", "+44-555-555-6666"),
            ("TEL", "+44-555-555-7777"),
            ("EMAIL", "sherlock.holmes@gmail.com"),
            ("EMAIL", "detective@sherlockholmes.com"),
            ("URL", "https://sherlockholmes.com"),
        ],
    ),
    "exports/kcontacts/vcard1.vcf": (
        1,
        [
            ("TEL", "+1-919-676-9515"),
            ("TEL", "+1-919-676-9564"),
            ("EMAIL", "Frank_Dawson@Lotus.com"),
            ("EMAIL", "fdawson@earthlink.net"),
            ("URL", "http://home.earthlink.net/~fdawson"),
        ],
    ),
    "exports/kcontacts/vcard10.vcf": (
        5,
        [
            ("URL", "http://some-webseite.com"),
            ("URL", "http://some-webseite.com"),
        ],
    ),
    "exports/kcontacts/vcard13.vcf": (
        1,
        [
            ("EMAIL", "thejoe@abc.com"),
            ("EMAIL", "johndoe@abc.com"),
            ("URL", "test1.url"),
            ("URL", "test2.url"),
        ],
    ),
    "exports/kcontacts/vcard15.vcf": (
        1,
        [
            ("URL", "http://www.example.com"),
            ("TEL", "+1-800-123456"),
        ],
    ),
    "exports/kcontacts/vcard4.vcf": (
        1,
        [
            ("TEL", "(617) 236-0442"),
            ("TEL", "(617) 236-8630"),
            ("EMAIL", "hello@ximian.com"),
            ("URL", "www.ximian.com/"),
        ],
    ),
    "exports/kcontacts/vcard5.vcf": (
        1,
        [
            ("EMAIL", "heiko.mustermann@freenet.org"),
            ("EMAIL", "heiko8@tst.inf.tu-dresden.de"),
            ("TEL", "0351 223344"),
            ("TEL", "0351 443322"),
            ("CELL", "0173 223344"),
            ("URL", "http://www.mustermann.de/~heiko/"),
        ],
    ),
    "exports/kcontacts/vcardwithitemasapplesupport.vcf": (
        1,
        [
            ("TEL", "(111) 111-1111"),
        ],
    ),
    "exports/py-vobject/radicale-1587.vcf": (1, []),
    "exports/roundcube/apple.vcf": (
        1,
        [
            ("URL", "http://www.apple.ch"),
        ],
    ),
    "exports/roundcube/johndoe.vcf": (
        1,
        [
            ("EMAIL", "inbox@roundcube.net"),
            ("EMAIL", "roundcube@gmail.com"),
            ("TEL", "+123456789"),
            ("CELL", "+987654321"),
        ],
    ),
    "exports/roundcube/thebat.vcf": (
        1,
        [
            ("EMAIL", "piotr.iksinski@somedomain.com"),
        ],
    ),
    "exports/roundcube/utf-16_sample.vcf": (
        1,
        [  # UTF-16 BE without a byte-order mark
        ],
    ),
    "exports/sabre-vobject/issue153.vcf": (1, []),
    "ez-vcard/John_Doe_ANDROID.vcf": (
        6,
        [
            ("EMAIL", "john.doe@company.com"),
            ("EMAIL", "jane.doe@company.com"),
            ("CELL", "123456789"),
            ("CELL", "123456"),
            ("TEL", "234567"),
            ("CELL", "3456789"),
            ("TEL", "45678901"),
            ("CELL", "123456"),
            ("TEL", "123456"),
            ("TEL", "123456"),
            ("EMAIL", "bob@company.com"),
            ("EMAIL", "Ñ" * 14),  # quoted-printable UTF-8, soft line break
            ("URL", "www.company.com"),
            ("URL", "http://www.company.com"),
            ("CELL", "55556666"),
            ("EMAIL", "henry@company.com"),
        ],
    ),
    "ez-vcard/John_Doe_BLACK_BERRY.vcf": (
        1,
        [
            ("CELL", "+96123456789"),
        ],
    ),
    "ez-vcard/John_Doe_EVOLUTION.vcf": (
        1,
        [
            ("URL", "http://www.ibm.com"),  # every value folded mid-value
            ("CELL", "905-666-1234"),
            ("TEL", "905-555-1234"),
            ("EMAIL", "john.doe@ibm.com"),
        ],
    ),
    "ez-vcard/John_Doe_GMAIL.vcf": (
        1,
        [
            ("EMAIL", "john.doe@ibm.com"),
            ("CELL", "905-555-1234"),
            ("TEL", "905-666-1234"),
            ("URL", "http://www.ibm.com"),
        ],
    ),
    "ez-vcard/John_Doe_IPHONE.vcf": (
        1,
        [
            ("EMAIL", "john.doe@ibm.com"),
            ("CELL", "905-555-1234"),
            ("TEL", "905-666-1234"),
            ("TEL", "905-777-1234"),
            ("TEL", "905-888-1234"),
            ("TEL", "905-999-1234"),
            ("TEL", "905-111-1234"),
            ("TEL", "905-222-1234"),
            ("URL", "http://www.ibm.com"),
        ],
    ),
    "ez-vcard/John_Doe_LOTUS_NOTES.vcf": (
        1,
        [
            ("EMAIL", "john.doe@ibm.com"),
            ("EMAIL", "billy_bob@gmail.com"),
            ("CELL", "+1 (212) 204-34456"),
            ("TEL", "00-1-212-555-7777"),
            ("URL", "http://www.sun.com"),
        ],
    ),
    "ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf": (
        1,
        [
            ("EMAIL", "john.doe@ibm.com"),
            ("TEL", "905-777-1234"),
            ("TEL", "905-666-1234"),
            ("CELL", "905-555-1234"),
            ("TEL", "905-888-1234"),
            ("TEL", "905-999-1234"),
            ("TEL", "905-111-1234"),
            ("TEL", "905-222-1234"),
            ("URL", "http://www.ibm.com"),
        ],
    ),
    "ez-vcard/John_Doe_MS_OUTLOOK.vcf": (
        1,
        [
            ("TEL", "(905) 555-1234"),
            ("TEL", "(905) 666-1234"),
            ("URL", "http://www.ibm.com"),
            ("EMAIL", "john.doe@ibm.cm"),
        ],
    ),
    "ez-vcard/fullcontact.vcf": (
        1,
        [
            ("TEL", "555-555-1111"),
            ("TEL", "555-555-1112"),
            ("CELL", "555-555-1113"),
            ("CELL", "555-555-1114"),
            ("TEL", "555-555-1115"),
            ("TEL", "555-555-1116"),
            ("TEL", "555-555-1117"),
            ("TEL", "555-555-1118"),
            ("TEL", "555-555-1119"),
            ("EMAIL", "home@example.com"),
            ("EMAIL", "work@example.com"),
            ("EMAIL", "school@example.com"),
            ("EMAIL", "other@example.com"),
            ("EMAIL", "custom@example.com"),
            ("URL", "http://www.homepage.com"),
            ("URL", "http://www.blog.com"),
            ("URL", "http://www.other.com"),
            ("URL", "http://www.custom.com"),
        ],
    ),
    "ez-vcard/gmail-list.vcf": (
        3,
        [
            ("EMAIL", "asmithk@gmail.com"),
            ("EMAIL", "chrisy55d@yahoo.com"),
            ("EMAIL", "dwhite@gmail.com"),
        ],
    ),
    "ez-vcard/gmail-single.vcf": (
        1,
        [
            ("EMAIL", "gdartmouth@hotmail.com"),
            ("CELL", "555 555 1111"),
            ("TEL", "555 555 2222"),
            ("URL", "http://TheProfile.com"),
        ],
    ),
    "ez-vcard/gmail-single2.vcf": (
        1,
        [
            ("EMAIL", "email@example.com"),
            ("EMAIL", "homeemail@example.com"),
            ("EMAIL", "workemail@example.com"),
            ("EMAIL", "otheremail@example.com"),
            ("EMAIL", "customcategory@example.com"),
            ("TEL", "5555551111"),
            ("TEL", "5555551112"),
            ("TEL", "5555551113"),
            ("TEL", "5555551114"),
            ("CELL", "5555551115"),
            ("TEL", "5555551116"),
            ("TEL", "5555551117"),
            ("TEL", "5555551118"),
            ("TEL", "5555551119"),
            ("TEL", "5555551120"),
            ("TEL", "5555551121"),
            ("URL", "http://www.example1.com"),
            ("URL", "http://www.example2.com"),
            ("URL", "http://www.example3.com"),
            ("URL", "http://www.example4.com"),
            ("URL", "http://www.example5.com"),
            ("URL", "http://www.example6.com"),
        ],
    ),
    "ez-vcard/issue114.vcf": (
        1,
        [
            ("CELL", "+49 1234 56789"),
            ("TEL", "+49 9876 54321"),
            ("EMAIL", "dummy.dummy@dummy.com"),
        ],
    ),
    "ez-vcard/outlook-2003.vcf": (
        1,
        [
            ("TEL", "BusinessPhone"),
            ("TEL", "HomePhone"),
            ("CELL", "MobilePhone"),
            ("TEL", "BusinessFaxPhone"),
            ("URL", "http://web-page-address.com"),
            ("EMAIL", "jdoe@hotmail.com"),
        ],
    ),
    "ez-vcard/outlook-2007.vcf": (
        1,
        [
            ("TEL", "(111) 555-1111"),
            ("TEL", "(111) 555-2222"),
            ("CELL", "(111) 555-4444"),
            ("TEL", "(111) 555-3333"),
            ("URL", "http://mikeangstadt.name"),
            ("URL", "http://mikeangstadt.name"),
            ("EMAIL", "mike.angstadt@gmail.com"),
        ],
    ),
    "ez-vcard/rfc2426-example.vcf": (
        2,
        [
            ("TEL", "+1-919-676-9515"),
            ("TEL", "+1-919-676-9564"),
            ("EMAIL", "Frank_Dawson@Lotus.com"),
            ("EMAIL", "fdawson@earthlink.net"),
            ("URL", "http://home.earthlink.net/~fdawson"),
            ("TEL", "+1-415-937-3419"),
            ("TEL", "+1-415-528-4164"),
            ("EMAIL", "howes@netscape.com"),
        ],
    ),
    "ez-vcard/rfc6350-example.vcf": (
        1,
        [
            ("TEL", "+1-418-656-9254;ext=102"),
            ("CELL", "+1-418-262-6501"),
            ("EMAIL", "simon.perreault@viagenie.ca"),
            ("URL", "http://nomis80.org"),
        ],
    ),
    "ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf": (
        1,
        [
            ("TEL", "555-555-1111"),
            ("TEL", "555-555-2222"),
            ("CELL", "555-555-5555"),
            ("TEL", "555-555-3333"),
            ("TEL", "555-555-4444"),
            ("EMAIL", "doe.john@hotmail.com"),
            ("EMAIL", "additional-email@company.com"),
            ("EMAIL", "additional-email1@company.com"),
            ("EMAIL", "additional-email2@company.com"),
            ("EMAIL", "additional-email3@company.com"),
            ("URL", "http://www.private-webpage.com"),
            ("URL", "http://www.work-webpage.com"),
        ],
    ),
}


pytestmark = pytest.mark.shared_corpus


def _files():
    files = corpus_files("vcards", "*.vcf") + corpus_files("exports/vcards", "*.vcf")
    return {
        path.relative_to(CORPORA)
        .as_posix()
        .replace("vcards/ez-vcard/", "ez-vcard/")
        .replace("exports/vcards/", "exports/"): path
        for path in files
    }


@pytest.fixture(scope="module")
def files():
    return _files()


@pytest.fixture(scope="module")
def checked(files):
    """Each file's customer blocks, numbers read in the US where the card names no country."""
    result = {}
    for name, path in files.items():
        with path.open("rb") as source:
            blocks = check_cards(source, identity=Identity(file=path.name), country="US")
            result[name] = list(blocks)
    return result


def found(blocks):
    """Every (property, value) the check saw, accepted or refused."""
    seen = Counter()
    for block in blocks:
        seen.update((PROPERTY[p.kind], p.entered) for p in block.points)
        for problem in block.problems:
            if problem.severity != "error":
                continue  # a warning is about a value that was accepted
            name = problem.location.column.partition(" (card")[0]
            if name in {"EMAIL", "TEL", "URL"}:
                seen[name, problem.input] += 1
    return seen


class TestEveryCardAndValue:
    """Every card is read or refused with a reason; every value is accepted or refused."""

    def test_the_corpora_hold_the_files_read_here(self, files):
        assert set(EXPECTED) == set(files)

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_every_card_is_a_customer(self, checked, name):
        cards, _ = EXPECTED[name]
        assert cards == len(checked[name])
        refused = [p for b in checked[name] for p in b.problems if p.code.startswith("format.")]
        assert [] == refused

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_every_email_telephone_and_website_is_found(self, checked, name):
        _, values = EXPECTED[name]
        expected = Counter(("TEL" if prop == "CELL" else prop, value) for prop, value in values)
        assert expected == found(checked[name])

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_a_tel_whose_type_says_cell_is_a_mobile(self, checked, name):
        _, values = EXPECTED[name]
        cells = {value for prop, value in values if prop == "CELL"}
        for block in checked[name]:
            for point in block.points:
                if point.kind in {ContactKind.PHONE, ContactKind.MOBILE}:
                    assert (point.kind is ContactKind.MOBILE) == (point.entered in cells), point

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_every_problem_says_what_to_do(self, checked, name):
        for block in checked[name]:
            for problem in block.problems:
                assert problem.code
                assert problem.message
                assert problem.location.row >= block.first_row


class TestWhatTheFilesSay:
    """Values, countries, labels and identities as a person reads them in the files."""

    def test_a_multi_card_file_is_one_customer_per_card(self, checked):
        blocks = checked["ez-vcard/gmail-list.vcf"]
        assert [
            ("gmail-list.vcf#1", ["asmithk@gmail.com"]),
            ("gmail-list.vcf#2", ["chrisy55d@yahoo.com"]),
            ("gmail-list.vcf#3", ["dwhite@gmail.com"]),
        ] == [(b.customer_id, [p.value for p in b.points]) for b in blocks]

    def test_a_card_s_uid_is_its_customer_id(self, checked):
        assert [
            "bfa5fdc5-fbfc-4ce2-8196-29ca0deb3bd3",
            "f8361311-b25c-4237-a94e-3015d8fe19de",
            "462269fd-607c-4284-998b-6771143b63a7",
            "b4fc4930-043f-446a-9a76-cf0b548368d8",
            "941b057d-e959-4644-b41f-e122b26c3807",
        ] == [b.customer_id for b in checked["exports/kcontacts/vcard10.vcf"]]

    def test_the_iphone_export_with_cr_cr_lf_and_a_folded_photo(self, checked):
        (block,) = checked["ez-vcard/John_Doe_IPHONE.vcf"]
        assert "US" == block.country  # item3.ADR: ...;United States of America
        assert [
            (ContactKind.EMAIL, "john.doe@ibm.com", None),
            (ContactKind.MOBILE, "+19055551234", None),
            (ContactKind.PHONE, "+19056661234", "Home"),
            (ContactKind.PHONE, "+19057771234", "Work"),
            (ContactKind.PHONE, "+19058881234", "Home fax"),
            (ContactKind.PHONE, "+19059991234", "Work fax"),
            (ContactKind.PHONE, "+19052221234", "AssistantPhone"),
            (ContactKind.WEBSITE, "http://www.ibm.com", "HomePage"),
        ] == [(p.kind, p.value, p.description) for p in block.points]
        # 905-111-1234: an exchange code starting with 1 is no US number.
        assert [(15, "phone.invalid", "905-111-1234")] == [
            (p.location.row, p.code, p.input) for p in block.problems
        ]

    def test_outlook_2_1_with_a_german_address(self, checked):
        (block,) = checked["exports/folkerkinzel/Outlook_v2.vcf"]
        assert "DE" == block.country  # ADR;WORK;PREF:...;Deutschland
        assert [
            (ContactKind.PHONE, "+4961112345611", "Work"),
            (ContactKind.PHONE, "+4961112345612", "Home"),
            (ContactKind.MOBILE, "+4961112345614", None),
            (ContactKind.PHONE, "+4961112345613", "Work fax"),
            (ContactKind.WEBSITE, "https://www.musterfirma.de", "Work"),
            (ContactKind.EMAIL, "max.mustermann@musterfirma.de", None),
        ] == [(p.kind, p.value, p.description) for p in block.points]

    def test_utf_16_without_a_byte_order_mark(self, files):
        (card,) = read_cards(files["exports/roundcube/utf-16_sample.vcf"].read_bytes())
        assert "Ǽgean ĽdaMonté" == card.first("FN")
        assert "PE" == card.country()  # item1.ADR: ...;Perú

    def test_shift_jis_in_quoted_printable(self, files):
        (card,) = read_cards(files["exports/android/v21_japanese_2.vcf"].read_bytes())
        assert "東京都" in card.first("ADR")

    def test_windows_1252_without_a_charset(self, files):
        (card,) = read_cards(files["exports/folkerkinzel/German-cp1252.vcf"].read_bytes())
        assert ";;;Mößlitz;;;" == card.first("ADR")  # bytes 4d f6 df 6c 69 74 7a
        assert "Sören Täve Nüßlebaum" == card.first("FN")


class TestOwnExportRoundTrip:
    """What is read from a real export comes back the same through our own vCard 4.0."""

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_what_is_read_round_trips(self, files, name):
        for card in read_cards(files[name].read_bytes()):
            if card.refusal() is not None:
                continue
            points = [point for _, point in check_card(card, country="US").accepted]
            again = load_vcard(dump_vcard(ContactSet(points), full_name="Customer"), country="US")
            assert [(p.kind, p.value, p.description) for p in points] == [
                (p.kind, p.value, p.description) for p in again.contacts
            ], name
