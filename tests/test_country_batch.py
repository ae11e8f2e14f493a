"""Many billing countries in one call (``set_billing_countries``), in every shipped store.

What a bulk import uses instead of a call (a round trip, in PostgreSQL) per customer:
it is each ``set_billing_country`` in order, and all or nothing.
"""

import uuid

import pytest

from contactbook.adapters.memory import InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.errors import ContactValidationError


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStore()
    elif request.param == "sqlite":
        with SQLiteStore(tmp_path / "countries.sqlite3") as opened:
            yield opened
    else:
        import pgserver

        pgserver.require("psycopg")
        from contactbook.adapters.postgres import PostgresStore

        connect = request.getfixturevalue("pg_connect")
        yield PostgresStore(connect(autocommit=True), schema=f"c{uuid.uuid4().hex[:12]}")


def countries(store, *customer_ids):
    return [store.billing_country(customer_id) for customer_id in customer_ids]


def test_each_is_set_as_one_call_sets_it(store):
    store.set_billing_country("c3", "DE")
    store.set_billing_countries([("c1", " nl "), ("c2", "be"), ("c3", None), ("c4", "GB")])
    assert ["NL", "BE", None, "GB"] == countries(store, "c1", "c2", "c3", "c4")


def test_the_last_one_given_for_a_customer_holds(store):
    store.set_billing_countries([("c1", "NL"), ("c2", "BE"), ("c1", None), ("c2", "FR")])
    assert [None, "FR"] == countries(store, "c1", "c2")
    store.set_billing_countries([("c1", "NL"), ("c1", "NL")])  # the same again: no conflict
    assert ["NL"] == countries(store, "c1")


def test_one_refused_code_sets_none(store):
    store.set_billing_country("c1", "NL")
    with pytest.raises(ContactValidationError) as refused:
        store.set_billing_countries([("c1", "BE"), ("c2", "XX")])
    assert "country.invalid" == refused.value.code
    assert ["NL", None] == countries(store, "c1", "c2")


def test_nothing_given_writes_nothing(store):
    store.set_billing_countries([])
    assert [None] == countries(store, "c1")


def test_a_rolled_back_unit_keeps_none(store):
    def set_then_fail():
        with store.transaction():
            store.set_billing_countries([("c1", "NL")])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        set_then_fail()
    assert [None] == countries(store, "c1")
