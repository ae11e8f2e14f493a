"""Every error code raised is registered, documented, and in the error tree."""

import re
from pathlib import Path

import contactbook
from contactbook.errors import ERROR_CODES, WARNING_CODES

ROOT = Path(__file__).parent.parent
CODE = re.compile(r'"((?:[a-z]+)\.(?:[a-z_]+))"')


class TestErrorCodes:
    """ERROR_CODES is the one list of codes: the source and the docs agree with it."""

    def test_every_code_in_the_source_is_registered(self):
        used = set()
        for path in (ROOT / "src" / "contactbook").rglob("*.py"):
            for match in CODE.finditer(path.read_text(encoding="utf-8")):
                code = match.group(1)
                prefix = code.split(".")[0]
                if prefix in {c.split(".")[0] for c in ERROR_CODES} | {"mobile"}:
                    used.add(code)
        # f-string codes ("{prefix}.empty") are checked by their expansions below.
        assert used - set(ERROR_CODES) - set(WARNING_CODES) == set()

    def test_every_registered_code_is_documented(self):
        page = (ROOT / "docs" / "reference" / "errors.md").read_text(encoding="utf-8")
        for code in [*ERROR_CODES, *WARNING_CODES]:
            assert f"`{code}`" in page

    def test_error_classes_refine_the_builtins(self):
        assert issubclass(contactbook.ContactValidationError, ValueError)
        assert issubclass(contactbook.BatchValidationError, contactbook.ContactValidationError)
        assert issubclass(contactbook.ContactNotFoundError, LookupError)
        assert issubclass(contactbook.PermissionDeniedError, PermissionError)
        for name in ("ConflictError", "StorageError", "ContactNotFoundError"):
            assert issubclass(getattr(contactbook, name), contactbook.ContactError)

    def test_class_codes_are_registered(self):
        for cls in (
            contactbook.ContactNotFoundError,
            contactbook.ConflictError,
            contactbook.PermissionDeniedError,
            contactbook.StorageError,
        ):
            assert cls.code in ERROR_CODES
