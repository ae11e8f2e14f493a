"""The edit window as one call per request (contactbook.presentation.window)."""

from __future__ import annotations

import pytest

from contactbook import AddPoint, ContactKind, ContactService, PermissionDeniedError
from contactbook.adapters.memory import AllowAll, GrantTable, InMemoryStore
from contactbook.errors import StorageError
from contactbook.ports import HostUnitOfWork, Permission
from contactbook.presentation.card import CardLabels
from contactbook.presentation.window import EditWindow

LABELS = CardLabels()


def post(version, email, action="save"):
    return {"version": str(version), "primary.email.value": email, "action": action}


@pytest.fixture
def store():
    return InMemoryStore()


@pytest.fixture
def service(store):
    return ContactService(store, AllowAll())


def test_open_shows_the_set_as_stored(service):
    service.update("ann", "c1", [AddPoint(ContactKind.EMAIL, "a@example.com")], expected_version=0)
    window = EditWindow.open(service, "ann", "c1")
    assert (1, "a@example.com") == (window.form.version, window.form.field(ContactKind.EMAIL).value)
    assert (200, None, None) == (window.status, window.saved, window.notice(LABELS))


def test_save_stores_the_batch_with_its_entry(service, store):
    window = EditWindow.post(service, "ann", "c1", post(0, "a@example.com"))
    assert window.saved is not None
    assert (1, 1) == (window.saved.version, len(store.entries("c1").entries))
    assert LABELS.saved == window.notice(LABELS)


def test_check_checks_and_stores_nothing(service, store):
    window = EditWindow.post(service, "ann", "c1", post(0, "a@example.com", "check"))
    assert (None, 200, LABELS.checked) == (window.saved, window.status, window.notice(LABELS))
    assert window.checked is not None
    assert 0 == store.load("c1").version


def test_a_stale_window_is_a_conflict_on_the_form(service, store):
    service.update("bob", "c1", [AddPoint(ContactKind.EMAIL, "b@example.com")], expected_version=0)
    window = EditWindow.post(service, "ann", "c1", post(0, "a@example.com"))
    assert (None, 409, True) == (window.saved, window.status, window.form.conflict)
    assert 1 == store.load("c1").version


def test_refused_input_comes_back_on_the_form(service, store):
    window = EditWindow.post(service, "ann", "c1", post(0, "not an address"))
    assert (None, 422, LABELS.not_saved) == (window.saved, window.status, window.notice(LABELS))
    assert 0 == store.load("c1").version


def test_no_update_permission_is_refused_before_anything(store):
    readers = ContactService(store, GrantTable.of(bob=[Permission.READ_CONTACT_DETAILS]))
    for call in (
        lambda: EditWindow.open(readers, "bob", "c1"),
        lambda: EditWindow.post(readers, "bob", "c1", post(0, "a@example.com")),
    ):
        with pytest.raises(PermissionDeniedError, match="Update Customer Contact Details"):
            call()
    assert 0 == store.load("c1").version


def test_a_log_that_fails_after_the_save_keeps_nothing(store):
    class LogThenFail:
        def record(self, entry, /):
            store.record(entry)
            raise StorageError("the log's disk went away", code="storage.unavailable")

        def entries(self, customer_id, /, *, limit=50, before=None):
            return store.entries(customer_id, limit=limit, before=before)

    unit = HostUnitOfWork(store, LogThenFail(), store, transaction=store.transaction)
    window = EditWindow.post(ContactService(unit, AllowAll()), "ann", "c1", post(0, "a@x.com"))
    assert (None, 422) == (window.saved, window.status)
    assert ["storage.unavailable"] == [problem.code for problem in window.form.errors]
    assert (0, ()) == (store.load("c1").version, store.entries("c1").entries)


def test_an_edit_opened_to_read_saves_nothing(service, store):
    with service.editing("ann", "c1", reading=True) as edit:
        add = [AddPoint(ContactKind.EMAIL, "a@example.com")]
        assert edit.check(add, expected_version=0).changes
        with pytest.raises(TypeError, match="reading=True"):
            edit.save(add, expected_version=0)
    assert 0 == store.load("c1").version
