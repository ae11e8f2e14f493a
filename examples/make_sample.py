"""Write examples/customers.csv: a messy customer export with known errors.

The sample is what a billing system's export looks like in real life: several
countries, numbers typed in every national habit, upper-case email domains, bare web
addresses, a few customers over two rows, and a sprinkling of deliberate mistakes (one
of each kind the checker reports). Fixed seed: running it again writes the same file.

    python examples/make_sample.py            # rewrites examples/customers.csv
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

import phonenumbers

HERE = Path(__file__).parent
ROWS = 300
SEED = 20261125

# country: (mobile prefixes, fixed-line area codes, national digits after them, domain)
COUNTRIES = {
    "NL": (["6"], ["20", "10", "30", "70", "40", "50"], 7, "nl"),
    "DE": (["151", "160", "170", "176"], ["30", "40", "89", "221", "69"], 7, "de"),
    "GB": (["7400", "7700", "7911", "7824"], ["20", "121", "161", "131"], 7, "co.uk"),
    "BE": (["470", "475", "485", "495"], ["2", "3", "9"], 7, "be"),
    "FR": (["6", "7"], ["1", "4", "5"], 8, "fr"),
    "US": (["212", "415", "312", "617"], ["202", "305", "512", "720"], 7, "com"),
    "ES": (["6"], ["91", "93", "96"], 7, "es"),
    "IT": (["3"], ["02", "06", "011"], 7, "it"),
}
FIRST = ["anna", "jan", "sophie", "lucas", "emma", "noah", "mila", "daan", "lena", "finn",
         "olivia", "james", "chloe", "hugo", "marie", "pierre", "lukas", "julia", "marco",
         "sofia", "carmen", "pablo", "giulia", "luca", "zoë", "jürgen", "françois",
         "josé"]  # fmt: skip
LAST = ["de vries", "jansen", "müller", "schmidt", "smith", "jones", "peeters", "dubois",
        "martin", "garcia", "rossi", "bianchi", "van dijk", "bakker", "taylor",
        "moreau"]  # fmt: skip
TRADES = ["bakkerij", "installatie", "consult", "logistics", "design", "handel", "media",
          "autoservice", "tuinen", "kantoor", "studio", "partners"]  # fmt: skip

# One row of each mistake the checker reports, and the code it reports for it.
MISTAKES = [
    ({"email": "info(at)example.nl"}, "email.invalid"),
    ({"email": "jan@example.nl; piet@example.nl"}, "email.multiple"),
    ({"email": '=HYPERLINK("http://evil.example","click")'}, "email.invalid"),
    ({"phone": "+31 20 123"}, "phone.invalid"),
    ({"phone": "+31 20 123 4567 ext. 12"}, "phone.extension"),
    ({"country": "", "phone": "", "mobile": "06 12345678"}, "phone.country_required"),
    ({"country": "Holland"}, "country.invalid"),
    ({"website": "javascript:alert(document.cookie)"}, "website.scheme"),
    ({"website": "ftp://files.example.com"}, "website.scheme"),
    ({"website": "https://admin:secret@example.com"}, "website.userinfo"),
    ({"customer_id": ""}, "csv.customer_id"),
    ({"country": "NL", "mobile": "+31 20 123 4567"}, "mobile.fixed_line"),  # a warning
]


def number(rng: random.Random, country: str, *, mobile: bool) -> phonenumbers.PhoneNumber:
    """Draw a valid number of the country (mobile or fixed line)."""
    mobiles, areas, digits, _ = COUNTRIES[country]
    wanted = (
        phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
    )
    for _ in range(1000):
        prefix = rng.choice(mobiles if mobile else areas)
        length = digits + rng.randrange(-2, 3)  # national numbers differ in length
        rest = "".join(rng.choice("0123456789") for _ in range(length))
        try:
            parsed = phonenumbers.parse(
                f"+{phonenumbers.country_code_for_region(country)}{prefix}{rest}"
            )
        except phonenumbers.NumberParseException:
            continue
        kind = phonenumbers.number_type(parsed)
        if phonenumbers.is_valid_number(parsed) and kind in {
            wanted,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        }:
            return parsed
    msg = f"no valid number found for {country}"
    raise RuntimeError(msg)


def typed(rng: random.Random, parsed: phonenumbers.PhoneNumber) -> str:
    """Write a number the way people type it: national, international, 00, dashes ..."""
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    style = rng.randrange(6)
    if style == 0:
        return national
    if style == 1:
        return international
    if style == 2:
        return e164
    if style == 3 and parsed.country_code != 1:
        return "00" + e164[1:]  # 00 is the international prefix outside North America
    if style == 4:
        return national.replace(" ", "-")
    return f"  {national.replace(' ', '')} "


def customer(rng: random.Random, number_: int, country: str | None = None) -> dict[str, str]:
    """Draw one customer's row, in ``country`` or a random one."""
    country = country or rng.choice(list(COUNTRIES))
    domain = COUNTRIES[country][3]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{last.replace(' ', '')}-{rng.choice(TRADES)}"
    row = {"customer_id": f"C{number_:05d}", "country": country}
    row["email"] = rng.choice(
        [f"{first}.{last.replace(' ', '')}@{company}.{domain}", f"facturen@{company}.{domain}",
         f"{first.title()}@{company.upper()}.{domain.upper()}", f" billing@{company}.{domain} "]
    )  # fmt: skip
    row["phone"] = typed(rng, number(rng, country, mobile=False)) if rng.random() < 0.7 else ""
    row["mobile"] = typed(rng, number(rng, country, mobile=True)) if rng.random() < 0.6 else ""
    row["website"] = rng.choice(
        ["", f"www.{company}.{domain}", f"https://{company}.{domain}/", f"HTTP://{company.upper()}.{domain}"]
    )  # fmt: skip
    if rng.random() < 0.15:
        row["country"] = row["country"].lower()  # lower-case codes are accepted
    return row


def rows(rng: random.Random) -> list[dict[str, str]]:
    """Draw the sample's rows, mistakes included."""
    made: list[dict[str, str]] = []
    number_ = 1000
    mistakes = iter(MISTAKES)
    while len(made) < ROWS:
        number_ += 1
        row = customer(rng, number_)
        made.append(row)
        if rng.random() < 0.08:
            # A second row for the same customer: more points, now and then a duplicate.
            again = customer(rng, number_, row["country"].upper())
            again["country"] = row["country"]
            again["email"] = row["email"].upper() if rng.random() < 0.3 else again["email"]
            made.append(again)
        if number_ % 20 == 0:
            mistake = next(mistakes, None)
            if mistake is not None:
                made.append({**customer(rng, number_ + 5000), **mistake[0]})
    made.insert(
        40, {"customer_id": "C09999", "country": "NL", "email": "short@row.nl"}
    )  # a short row
    return made


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 -- a seeded sample, not a secret
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "customers.csv"
    columns = ["customer_id", "country", "email", "phone", "mobile", "website"]
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows(rng):
            if set(row) == {"customer_id", "country", "email"}:
                writer.writerow([row["customer_id"], row["country"], row["email"]])
            else:
                writer.writerow([row.get(column, "") for column in columns])
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
