"""Presentation: what a host shows a person, as view models with no HTML.

- :mod:`contactbook.presentation.card`: the contact card
  (:class:`~contactbook.presentation.card.ContactCard`), its texts
  (:class:`~contactbook.presentation.card.CardLabels`, which translate everything shown)
  and how values and links are shown.
- :mod:`contactbook.presentation.form`: the edit window's form
  (:class:`~contactbook.presentation.form.ContactForm`) and its round trip through a
  browser.
- :mod:`contactbook.presentation.window`: the edit window as one call per request
  (:class:`~contactbook.presentation.window.EditWindow`: open it, post it).
- :mod:`contactbook.presentation.activity`: the activity log as lines a person reads
  (:class:`~contactbook.presentation.activity.ActivityLog`).
- :mod:`contactbook.presentation.i18n`: every text in the language of a request
  (:class:`~contactbook.presentation.i18n.Translator`, English and Dutch catalogs, a
  host's own).

This package sits above the service (:mod:`contactbook.service`): it may call the
service (:meth:`~contactbook.presentation.card.ContactCard.for_actor`), and the service
imports none of it (the import-linter layers contract in ``pyproject.toml``). Importing
the package loads none of its modules; each loads on its own import.
"""
