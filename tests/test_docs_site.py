"""The docs site's hooks: every public module gets an API page, every page a nav entry."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).parent.parent


def load_hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "scripts/docs_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestApiPages:
    """One generated API page per public module, none for private ones."""

    def test_public_modules_are_documented_and_private_ones_are_not(self):
        modules = load_hooks().public_modules()
        assert "contactbook" == modules[0]
        for name in ("contactbook.errors", "contactbook.service", "contactbook.adapters.memory"):
            assert name in modules
        assert [] == [name for name in modules if any(p.startswith("_") for p in name.split("."))]

    def test_the_presentation_package_has_its_pages(self):
        modules = load_hooks().public_modules()
        presentation = ["contactbook.presentation", "contactbook.presentation.activity"]
        presentation += ["contactbook.presentation.card", "contactbook.presentation.form"]
        presentation += ["contactbook.presentation.i18n", "contactbook.presentation.window"]
        assert presentation == [
            name for name in modules if name.startswith("contactbook.presentation")
        ]

    def test_a_module_page_renders_the_module(self):
        page = load_hooks().api_page("contactbook.errors")
        assert page.startswith("# `contactbook.errors`")
        assert "::: contactbook.errors" in page

    def test_the_package_page_links_every_exported_name(self):
        import contactbook

        page = load_hooks().api_page("contactbook")
        for name in contactbook.__all__:
            assert f"[`{name}`][contactbook." in page


class TestNavigation:
    """Unlisted pages join their section; listed pages not written yet are left out."""

    def test_nav_is_completed_and_pruned(self, tmp_path):
        for page in ("index.md", "how-to/a.md", "how-to/new.md", "explanation/x.md"):
            (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / page).write_text("# t\n")
        nav = [
            {"Home": "index.md"},
            {"How-to": ["how-to/a.md", "how-to/planned.md"]},
            {"Reference": [{"API": []}]},
            {"Explanation": ["explanation/x.md", "explanation/planned.md"]},
        ]
        config = SimpleNamespace(nav=nav, docs_dir=str(tmp_path))
        hooks = load_hooks()
        result = hooks.on_config(config).nav
        assert {"How-to": ["how-to/a.md", "how-to/new.md"]} == result[1]
        assert {"Explanation": ["explanation/x.md"]} == result[3]
        api = result[2]["Reference"][0]["API"]
        assert {"contactbook": "reference/api/contactbook.md"} == api[0]
        assert len(hooks.public_modules()) == len(api)
