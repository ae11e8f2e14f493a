"""Renamed public names keep their old names for one release, with a DeprecationWarning."""

import importlib

import pytest

RENAMES = [
    ("contactbook", "Change", "contactbook.operations", "Command"),
    ("contactbook", "PointChange", "contactbook.audit", "Event"),
    ("contactbook.operations", "Change", "contactbook.operations", "Command"),
    ("contactbook.audit", "PointChange", "contactbook.audit", "Event"),
    ("contactbook.validation", "check", "contactbook.validation", "validate_value"),
    ("contactbook.validation", "Normalised", "contactbook.validation", "Normalized"),
    (
        "contactbook.interchange.csvio",
        "NormalisedWriter",
        "contactbook.interchange.csv_write",
        "NormalizedWriter",
    ),
    (
        "contactbook.interchange.csvio",
        "NORMALISED_HEADER",
        "contactbook.interchange.csv_write",
        "NORMALIZED_HEADER",
    ),
]


class TestDeprecatedNames:
    """Each old name is the new object, and reading it warns with the new name."""

    @pytest.mark.parametrize(("module", "old", "home", "new"), RENAMES)
    def test_old_name_warns_and_is_the_new_object(self, module, old, home, new):
        with pytest.warns(DeprecationWarning, match=new):
            value = getattr(importlib.import_module(module), old)
        assert getattr(importlib.import_module(home), new) is value

    @pytest.mark.parametrize("module", ["contactbook.operations", "contactbook.validation"])
    def test_an_unknown_name_is_still_missing(self, module):
        assert not hasattr(importlib.import_module(module), "no_such_name")

    def test_the_new_names_are_exported(self):
        import contactbook

        assert {"Command", "Event"} <= set(contactbook.__all__)
        assert {"Change", "PointChange"}.isdisjoint(contactbook.__all__)
