"""Build a contact set from messy input and print it: the library's job in miniature.

Run it with the README's first command, or: python examples/messy_input.py
"""

from contactbook import ContactKind, ContactSet, ContactValidationError, add

MESSY_INPUT = [
    (ContactKind.EMAIL, "  Ann.de.Vries@Example.COM ", None),
    (ContactKind.EMAIL, "facturen@example.nl", "  Billing   Contact "),
    (ContactKind.EMAIL, "ann@example.nl; piet@example.nl", None),
    (ContactKind.PHONE, "020 - 123 45 67", None),
    (ContactKind.MOBILE, "06 12345678", None),
    (ContactKind.MOBILE, "+31 (0)6 1234 5678", "Emergency Contact"),
    (ContactKind.MOBILE, "+44 7624 123456", "Emergency Contact"),
    (ContactKind.WEBSITE, "Example.NL/Shop/", None),
    (ContactKind.WEBSITE, "javascript:alert(1)", None),
]


def main() -> None:
    contacts = ContactSet()
    print("Customer 1001, billing country NL\n")
    for kind, raw, description in MESSY_INPUT:
        try:
            contacts = add(contacts, kind, raw, description, country="NL")
        except ContactValidationError as error:
            print(f"  refused  {kind.value:<8} {raw!r}\n           [{error.code}] {error}")
        else:
            print(f"  added    {kind.value:<8} {raw!r} -> {contacts.points[-1].value}")
    print("\nPrimary contact details:")
    for kind, point in contacts.primaries().items():
        print(
            f"  {kind.value:<8} {point.value}"
            + (f"  ({point.description})" * bool(point.description))
        )
    print("Additional contact details:")
    for point in contacts.additional():
        print(f"  {point.kind.value:<8} {point.value}  ({point.description or 'no description'})")


if __name__ == "__main__":
    main()
