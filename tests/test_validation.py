"""Every rule of SPEC "Validation and normalization", as examples."""

import phonenumbers
import pytest

from contactbook import ContactKind, ContactValidationError
from contactbook.validation import (
    LineType,
    normalize,
    normalize_country,
    normalize_description,
    normalize_email,
    normalize_phone,
    normalize_website,
    parse_phone,
    validate_value,
)


def refused(call, *args):
    with pytest.raises(ContactValidationError) as info:
        call(*args)
    return info.value


class TestEmail:
    """Emails are checked by email-validator and stored in its normalized form."""

    def test_domain_is_lower_cased_and_local_part_kept(self):
        assert "John.Doe@example.com" == normalize_email("John.Doe@Example.COM")

    def test_surrounding_white_space_is_trimmed(self):
        assert "a@example.com" == normalize_email("  a@example.com\t\n")

    def test_internationalised_domain_is_kept_in_unicode(self):
        assert "info@bücher.de" == normalize_email("info@BÜCHER.de")

    def test_unicode_is_put_in_nfc(self):
        decomposed = "jose\u0301@example.com"
        assert "jos\u00e9@example.com" == normalize_email(decomposed)

    @pytest.mark.parametrize("raw", ["john.example.com", "john@", "@example.com", "john@localhost"])
    def test_address_without_at_or_dotted_domain_is_refused(self, raw):
        error = refused(normalize_email, raw)
        assert ("email.invalid", "email") == (error.code, error.field)

    @pytest.mark.parametrize("raw", ["a@x.nl; b@y.nl", "a@x.nl, b@y.nl", "a@x.nl b@y.nl"])
    def test_several_addresses_in_one_field_are_refused(self, raw):
        error = refused(normalize_email, raw)
        assert "email.multiple" == error.code
        assert "one address per contact point" in str(error)

    @pytest.mark.parametrize("raw", ["", "   "])
    def test_empty_is_refused(self, raw):
        assert "email.empty" == refused(normalize_email, raw).code

    def test_huge_input_is_refused_cheaply(self):
        assert "email.too_long" == refused(normalize_email, "a" * 10_000_000 + "@x.nl").code

    def test_control_characters_are_refused(self):
        assert "email.invalid" == refused(normalize_email, "a\x00b@example.com").code

    def test_no_network_by_default(self):
        # A domain that cannot exist is still accepted: deliverability is opt-in.
        assert "a@no-such-domain-contactbook.example" == normalize_email(
            "a@no-such-domain-contactbook.example"
        )

    def test_non_str_is_a_type_error(self):
        with pytest.raises(TypeError):
            normalize_email(42)


class TestPhone:
    """Phones are parsed with phonenumbers in the billing country and stored as E.164."""

    def test_national_number_is_read_in_the_billing_country(self):
        assert "+31612345678" == normalize_phone("06 12345678", "NL")

    def test_country_is_any_case(self):
        assert "+31612345678" == normalize_phone("06-12345678", " nl ")

    def test_international_number_needs_no_country(self):
        assert "+31612345678" == normalize_phone("+31 6 12345678")

    def test_00_prefix_needs_no_country(self):
        assert "+31612345678" == normalize_phone("0031 6 12345678")

    def test_number_need_not_belong_to_the_billing_country(self):
        # A UK customer with an Isle of Man mobile.
        assert "+447624123456" == normalize_phone("+44 7624 123456", "GB")
        assert "+32470123456" == normalize_phone("+32 470 12 34 56", "NL")

    def test_national_number_without_country_says_so(self):
        error = refused(normalize_phone, "06 12345678")
        assert ("phone.country_required", "phone") == (error.code, error.field)
        assert "country code" in str(error)

    @pytest.mark.parametrize("raw", ["12", "06 1234", "+31 6 1234567890123", "not a number"])
    def test_invalid_numbers_are_refused(self, raw):
        assert "phone.invalid" == refused(normalize_phone, raw, "NL").code

    def test_unknown_country_code_is_invalid_not_a_missing_country(self):
        error = refused(normalize_phone, "+999 123456")
        assert "phone.invalid" == error.code
        assert "country code is not valid" in str(error)

    def test_extension_is_never_silently_dropped(self):
        error = refused(normalize_phone, "+31 20 123 4567 ext. 12")
        assert "phone.extension" == error.code
        assert "12" in str(error)

    def test_unknown_country_is_refused(self):
        error = refused(normalize_phone, "06 12345678", "XX")
        assert ("country.invalid", "country") == (error.code, error.field)

    def test_normalize_country(self):
        assert "GB" == normalize_country("gb")
        assert normalize_country(None) is None

    def test_line_type_is_reported(self):
        assert LineType.MOBILE == parse_phone("06 12345678", "NL").line_type
        assert LineType.FIXED_LINE == parse_phone("020 123 4567", "NL").line_type
        assert LineType.OTHER == parse_phone("(201) 555-0123", "US").line_type

    @pytest.mark.parametrize("country", sorted(phonenumbers.SUPPORTED_REGIONS))
    def test_every_country_national_format_gives_libphonenumbers_e164(self, country):
        for number_type in (
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
        ):
            example = phonenumbers.example_number_for_type(country, number_type)
            if example is None or not phonenumbers.is_valid_number(example):
                continue
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            expected = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            assert expected == normalize_phone(national, country.lower())


class TestPhoneKindWarnings:
    """A number of the wrong line type is accepted with a warning, not an error."""

    def test_fixed_line_entered_as_mobile_warns(self):
        accepted = validate_value(ContactKind.MOBILE, "020 123 4567", "NL")
        assert "+31201234567" == accepted.value
        assert accepted.warning is not None
        assert "mobile.fixed_line" == accepted.warning.code

    def test_mobile_entered_as_phone_warns(self):
        accepted = validate_value(ContactKind.PHONE, "06 12345678", "NL")
        assert accepted.warning is not None
        assert "phone.mobile" == accepted.warning.code

    def test_numbers_that_cannot_be_told_apart_do_not_warn(self):
        assert validate_value(ContactKind.MOBILE, "(201) 555-0123", "US").warning is None
        assert validate_value(ContactKind.PHONE, "(201) 555-0123", "US").warning is None

    def test_matching_kinds_do_not_warn(self):
        assert validate_value(ContactKind.MOBILE, "06 12345678", "NL").warning is None
        assert validate_value(ContactKind.PHONE, "020 123 4567", "NL").warning is None


class TestWebsite:
    """Websites are parsed with rfc3986: http(s) only, with a host, normalized."""

    @pytest.mark.parametrize("raw", ["\U00017000\u200d.com", "http://a\U00017000\u200d.com/"])
    def test_a_host_idna_cannot_name_is_refused_not_a_crash(self, raw):
        # A joiner after a character an older idna (3.7, the floor) looks up by name in
        # Python 3.11's Unicode database, which has none: idna raised a bare ValueError.
        with pytest.raises(ContactValidationError) as error:
            normalize_website(raw)
        assert "website.host" == error.value.code

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("example.com", "https://example.com"),
            ("www.Example.COM/", "https://www.example.com"),
            ("http://x.nl", "http://x.nl"),
            ("HTTP://Example.COM:80/a/../b/", "http://example.com/b/"),
            ("https://example.com:443/shop?q=1#top", "https://example.com/shop?q=1#top"),
            ("example.com:8080/x", "https://example.com:8080/x"),
            ("//example.com/x", "https://example.com/x"),
            ("example.com.", "https://example.com"),
            ("https://x.nl/%7e", "https://x.nl/%7E"),
            ("bücher.de/café", "https://xn--bcher-kva.de/caf%C3%A9"),
            ("93.184.215.14", "https://93.184.215.14"),
        ],
    )
    def test_normalization(self, raw, expected):
        assert expected == normalize_website(raw)

    def test_http_stays_http(self):
        assert "http://x.nl" == normalize_website("http://x.nl")
        assert not normalize_website("http://x.nl").startswith("https://http")

    @pytest.mark.parametrize(
        "raw",
        [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>x</script>",
            "ftp://example.com",
            "mailto:a@example.com",
            "file:///etc/passwd",
            "vbscript:msgbox",
        ],
    )
    def test_other_schemes_are_refused(self, raw):
        assert "website.scheme" == refused(normalize_website, raw).code

    @pytest.mark.parametrize("raw", ["https://user:pw@example.com", "user@example.com"])
    def test_user_info_is_refused(self, raw):
        assert "website.userinfo" == refused(normalize_website, raw).code

    @pytest.mark.parametrize(
        "raw", ["https://exa mple.com", "https://x.nl/\x00", "x.nl/\x1b[31m", "x.nl/a\u2028b"]
    )
    def test_white_space_and_control_characters_are_refused(self, raw):
        assert "website.character" == refused(normalize_website, raw).code

    @pytest.mark.parametrize("raw", ["localhost", "https://-x.nl", "https://x_y.nl"])
    def test_a_real_host_is_required(self, raw):
        assert "website.host" == refused(normalize_website, raw).code

    @pytest.mark.parametrize(
        "raw",
        [
            "http:x.nl",
            "https:/x.nl/shop",
            "HTTPS:x.nl",
            "https://x.nl:99999",
            "x.nl:port",
            "1.2.3.999",
        ],
    )
    def test_malformed_addresses_are_refused(self, raw):
        assert "website.invalid" == refused(normalize_website, raw).code

    def test_too_long_is_refused(self):
        assert "website.too_long" == refused(normalize_website, "x.nl/" + "a" * 2000).code


class TestWebsiteGoesWhereABrowserGoes:
    """A web address a browser would read differently from RFC 3986 is refused (issue 15)."""

    @pytest.mark.parametrize(
        "raw", ["https://good.com\\@evil.com", "http://example.com\\foo", "example.com\\a"]
    )
    def test_a_backslash_is_refused_not_stored_as_pct5c(self, raw):
        assert "website.backslash" == refused(normalize_website, raw).code

    @pytest.mark.parametrize(
        "raw",
        [
            "http://192.0x00A80001",
            "http://foo.0x4",
            "http://foo.0x",
            "http://1.2.3.08",
            "http://09.2.3.4",
            "http://3232235521",
            "https://1.2",
            "http://1.2.3.4.5",
        ],
    )
    def test_a_host_browsers_read_as_a_number_must_be_dotted_decimal(self, raw):
        assert "website.ip_form" == refused(normalize_website, raw).code

    def test_a_dotted_decimal_host_with_a_root_dot_is_stored_without_it(self):
        assert "http://93.184.215.14" == normalize_website("http://93.184.215.14.")

    @pytest.mark.parametrize("raw", ["http://a.b.c.xn--pokxncvks", "xn--a.com", "xn--.com"])
    def test_an_invalid_a_label_is_refused(self, raw):
        assert "website.host" == refused(normalize_website, raw).code

    def test_a_valid_a_label_is_kept(self):
        assert "https://xn--bcher-kva.de" == normalize_website("https://XN--BCHER-KVA.de")

    @pytest.mark.parametrize("raw", ["http://[::%31]", "http://[2001:db8::1%25eth0]", "[v1.x]"])
    def test_a_zone_identifier_or_ipvfuture_is_refused(self, raw):
        assert "website.invalid" == refused(normalize_website, raw).code

    @pytest.mark.parametrize(
        "raw", ["http://[2606:4700:0:0::1111]", "http://[2606:4700::1111]", "[2606:4700:0::1111]"]
    )
    def test_ipv6_is_stored_in_its_rfc_5952_form(self, raw):
        assert "[2606:4700::1111]" == normalize_website(raw).partition("//")[2]

    def test_a_port_with_leading_zeros_is_stored_without_them(self):
        assert "https://example.com:8080" == normalize_website("example.com:08080")
        assert "http://example.com" == normalize_website("http://example.com:0080")

    @pytest.mark.parametrize(
        "raw",
        [
            "http://127.0.0.1",
            "http://10.1.2.3",
            "http://172.16.0.1",
            "http://192.168.0.1",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1",
            "http://0.0.0.0",
            "http://224.0.0.1",
            "http://255.255.255.255",
            "http://192.0.2.1",
            "http://[::1]",
            "http://[1::]",
            "http://[fe80::1]",
            "http://[fc00::1]",
            "http://[::ffff:127.0.0.1]",
            "http://[2001:db8::1]",
            "shop.localhost",
            "printer.local",
            "x.test",
            "site.onion",
        ],
    )
    def test_a_host_not_reachable_from_the_internet_is_refused(self, raw):
        assert "website.unreachable" == refused(normalize_website, raw).code

    @pytest.mark.parametrize("raw", ["http://8.8.8.8", "http://[2606:4700::1111]:8443/x"])
    def test_public_addresses_are_kept(self, raw):
        assert raw == normalize_website(raw)

    def test_empty_is_refused(self):
        assert "website.empty" == refused(normalize_website, " ").code


class TestDescription:
    """Descriptions are optional, tidied, at most 100 characters, with no controls."""

    def test_white_space_is_trimmed_and_collapsed(self):
        assert "Billing Contact" == normalize_description("  Billing \n\t Contact ")

    @pytest.mark.parametrize("raw", [None, "", "   \n"])
    def test_empty_means_none(self, raw):
        assert normalize_description(raw) is None

    def test_100_characters_are_allowed(self):
        assert "a" * 100 == normalize_description("a" * 100)

    def test_101_characters_are_refused(self):
        error = refused(normalize_description, "a" * 101)
        assert ("description.too_long", "description") == (error.code, error.field)

    @pytest.mark.parametrize("raw", ["a\x00b", "a\x7fb", "\u202eevil"])
    def test_control_characters_are_refused(self, raw):
        assert "description.character" == refused(normalize_description, raw).code


class TestSurrogatesAreNotText:
    """A surrogate code point, alone or as a UTF-16 pair, is text.character in any value."""

    @pytest.mark.parametrize("surrogates", ["\ud800", "x\udc80", "\udbff\udc00"])
    @pytest.mark.parametrize(
        ("call", "raw", "field"),
        [
            (normalize_email, "ann{}@example.com", "email"),
            (normalize_phone, "+31 6 1234{} 5678", "phone"),
            (normalize_website, "example.com/{}", "website"),
            (normalize_website, "ex{}ample.com", "website"),
            (normalize_description, "Billing{}", "description"),
        ],
    )
    def test_every_value_and_description_refuses_them_with_one_code(
        self, call, raw, field, surrogates
    ):
        error = refused(call, raw.format(surrogates))
        assert ("text.character", field) == (error.code, error.field)
        assert "surrogate" in error.message

    def test_a_kind_names_its_field(self):
        error = refused(lambda raw: normalize(ContactKind.MOBILE, raw, "NL"), "06\udbff\udc00")
        assert ("text.character", "mobile") == (error.code, error.field)


class TestNormalizeByKind:
    """normalize() dispatches on the kind and names the kind as the field."""

    def test_mobile_errors_name_the_mobile_field(self):
        error = refused(normalize, ContactKind.MOBILE, "12", "NL")
        assert ("phone.invalid", "mobile") == (error.code, error.field)

    def test_each_kind(self):
        assert "a@example.com" == normalize(ContactKind.EMAIL, "a@Example.com")
        assert "+31201234567" == normalize(ContactKind.PHONE, "020 1234567", "NL")
        assert "https://example.com" == normalize(ContactKind.WEBSITE, "example.com")


class TestCopiedConstants:
    """The constants copied so as not to import the libraries early agree with theirs."""

    def test_email_validator_constants(self):
        import email_validator
        import email_validator.rfc_constants

        from contactbook._fastpath.emails import CASE_INSENSITIVE_MAILBOXES, RESERVED_TLDS

        assert (
            frozenset(email_validator.rfc_constants.CASE_INSENSITIVE_MAILBOX_NAMES)
            == CASE_INSENSITIVE_MAILBOXES
        )
        assert (
            frozenset(n.rsplit(".", 1)[-1] for n in email_validator.SPECIAL_USE_DOMAIN_NAMES)
            == RESERVED_TLDS
        )

    def test_phonenumbers_parse_error_types(self):
        from contactbook.validation import _PARSE_FAILURES

        error = phonenumbers.NumberParseException
        assert [
            error.INVALID_COUNTRY_CODE,
            error.NOT_A_NUMBER,
            error.TOO_SHORT_AFTER_IDD,
            error.TOO_SHORT_NSN,
            error.TOO_LONG,
        ] == list(_PARSE_FAILURES)

    def test_importing_contactbook_loads_no_validator_library(self):
        import json
        import subprocess
        import sys

        code = "import contactbook, json, sys; print(json.dumps(sorted(sys.modules)))"
        loaded = json.loads(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        assert [] == [
            m for m in loaded if m.split(".")[0] in {"phonenumbers", "email_validator", "rfc3986"}
        ]


class TestTrimming:
    """White space and invisible format characters around a value are not part of it."""

    @pytest.mark.parametrize("edge", ["\u200b", "\ufeff", "\u2060", "\u200c", "\u200d", "\u3000"])
    def test_invisible_characters_at_the_edges_are_trimmed(self, edge):
        assert "a@example.com" == normalize_email(f"{edge} a@example.com{edge}\u200b ")
        assert "+31612345678" == normalize_phone(f"{edge}06 12345678 {edge}", "NL")
        assert "https://example.com" == normalize_website(f"{edge}example.com\xa0{edge}")

    def test_an_invisible_character_inside_is_still_refused(self):
        assert "email.invalid" == refused(normalize_email, "a\u200b@example.com").code

    def test_only_invisible_characters_is_empty(self):
        assert "website.empty" == refused(normalize_website, "\u200b \ufeff").code

    def test_the_white_space_trimmed_is_exactly_what_python_calls_white_space(self):
        from contactbook.validation import _WHITE_SPACE

        assert {c for c in map(chr, range(0x110000)) if c.isspace()} == set(_WHITE_SPACE)
