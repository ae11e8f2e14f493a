"""The edges of every store's entry points: numbers, times and strings (fuzz-style).

Whatever a host passes (a ``?limit=`` from a URL, a version from a form, its clock's
time, any text), the service and the stores either do the job exactly or refuse with a
ContactError before anything is written; no OverflowError, no changed string, no entry
that cannot be read back.
"""

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from contactbook import AddPoint, ContactError, ContactKind, ContactPoint, ContactSet
from contactbook.adapters.memory import AllowAll, FixedClock, InMemoryStore
from contactbook.adapters.sqlite import SQLiteStore
from contactbook.audit import ActivityEntry, PointAdded
from contactbook.interchange.jsonform import dump_entry, load_entry
from contactbook.service import ContactService

UTC = dt.timezone.utc
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
EMAIL = ContactKind.EMAIL

#: Anything a host might pass where a number belongs.
NUMBERS = (
    st.integers()
    | st.integers(min_value=2**62, max_value=2**65)
    | st.integers(min_value=-(2**65), max_value=0)
    | st.sampled_from([2**63 - 2, 2**63 - 1, 2**63, 2**64, 10**400, -(10**400)])
    | st.booleans()
    | st.floats(allow_nan=True)
    | st.text(max_size=5)
    | st.none()
)

DAY = dt.timedelta(hours=23, minutes=59)

#: Every kind of tzinfo a clock may give: zoneinfo zones and fixed offsets to +-23:59.
TIMEZONES = st.timezones() | st.builds(
    dt.timezone,
    st.timedeltas(min_value=-DAY, max_value=DAY),
)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStore()
        return
    with SQLiteStore(tmp_path / "edges.db", durable=False) as opened:
        yield opened


def an_entry(version=1, *, at=dt.datetime(2026, 11, 25, tzinfo=UTC), actor="ann", customer="c1"):
    point = ContactPoint(1, EMAIL, "ann@example.com", None, "ann@example.com", None)
    return ActivityEntry(
        id=f"e-{version}", customer_id=customer, actor=actor, at=at, version=version,
        changes=(PointAdded(point),),
    )  # fmt: skip


def refused_code(call):
    try:
        call()
    except ContactError as error:
        return error.code
    return None


class TestNumbers:
    """Limits and versions past 64 bits, negative or not ints are refused before SQL."""

    @FUZZ
    @given(limit=NUMBERS)
    def test_a_history_page_size_is_a_page_or_page_invalid(self, store, limit):
        service = ContactService(store, AllowAll())
        code = refused_code(lambda: service.history("ann", "c1", limit=limit))
        fits = type(limit) is int and 1 <= limit <= 2**63 - 2
        assert (None if fits else "page.invalid") == code

    @FUZZ
    @given(limit=NUMBERS)
    def test_the_stores_read_sides_refuse_the_same_sizes(self, store, limit):
        fits = type(limit) is int and 1 <= limit <= 2**63 - 2
        expected = None if fits else "page.invalid"
        assert expected == refused_code(lambda: store.entries("c1", limit=limit))
        if isinstance(store, SQLiteStore):
            assert expected == refused_code(lambda: store.entries_since(None, limit=limit))

    @FUZZ
    @given(version=NUMBERS)
    def test_an_expected_version_is_checked_or_refused_before_the_write(self, store, version):
        service = ContactService(store, AllowAll())
        add = [AddPoint(EMAIL, "ann@example.com")]
        customer = f"c-{uuid.uuid4().hex}"
        fits = type(version) is int and 0 <= version <= 2**63 - 1
        for call in (
            lambda: service.update("ann", customer, add, expected_version=version),
            lambda: service.check("ann", customer, add, expected_version=version),
            lambda: store.save(customer, ContactSet(), expected_version=version),
        ):
            code = refused_code(call)
            if fits:
                assert code in {None, "contact.conflict"}
            else:
                assert "version.invalid" == code
        if not fits:
            assert 0 == store.load(customer).version

    @FUZZ
    @given(version=st.integers() | st.sampled_from([2**63 - 1, 2**63, 10**400]))
    def test_an_entry_version_is_kept_or_refused(self, store, version):
        entry = an_entry(version, customer=f"c{version % 997}")
        code = refused_code(lambda: store.record(entry))
        if 0 <= version <= 2**63 - 1:
            assert None is code
            assert entry in store.entries(entry.customer_id, limit=100).entries
        else:
            assert "version.invalid" == code


class TestTimes:
    """Any time a clock can give round-trips exactly, or is refused before the write."""

    @FUZZ
    @given(at=st.datetimes(timezones=TIMEZONES))
    def test_a_clocks_time_is_kept_as_the_same_instant_or_refused(self, store, at):
        service = ContactService(store, AllowAll(), clock=FixedClock(at))
        customer, before = f"c-{uuid.uuid4().hex}", 0
        try:
            utc = at.astimezone(UTC)
        except OverflowError:  # the instant is in year 0 or 10000 in UTC
            utc = None
        code = refused_code(
            lambda: service.update(
                "ann",
                customer,
                [AddPoint(EMAIL, "a@example.com")],
                expected_version=before,
            )
        )
        if utc is None:
            assert "clock.invalid" == code
            assert before == store.load(customer).version  # nothing written
            return
        assert None is code
        (entry, *_) = service.history("ann", customer).entries
        # The instant the clock's offset says (fold 0 in a fold or gap of its zone, where
        # PEP 495 makes == across zones always false), in UTC.
        assert (utc, dt.timedelta(0)) == (entry.at, entry.at.utcoffset())

    @FUZZ
    @given(at=st.datetimes())
    def test_a_naive_time_is_refused_before_the_write(self, store, at):
        service = ContactService(store, AllowAll(), clock=FixedClock(at))
        customer = f"c-{uuid.uuid4().hex}"
        code = refused_code(
            lambda: service.update(
                "ann", customer, [AddPoint(EMAIL, "a@example.com")], expected_version=0
            )
        )
        assert "clock.invalid" == code
        assert 0 == store.load(customer).version

    @given(at=st.datetimes(timezones=st.just(UTC)))
    def test_the_json_form_keeps_any_utc_time_of_the_years_1_to_9999(self, at):
        entry = an_entry(at=at)
        text = dump_entry(entry)
        assert f'"at":"{at.year:04d}-' in text  # four digits of year, always
        assert entry == load_entry(text)

    @pytest.mark.parametrize("year", [1, 9, 99, 999, 1000, 9999])
    def test_early_and_late_years_round_trip_through_the_service(self, store, year):
        at = dt.datetime(year, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
        service = ContactService(store, AllowAll(), clock=FixedClock(at))
        service.update("ann", "c1", [AddPoint(EMAIL, "a@example.com")], expected_version=0)
        assert at == service.history("ann", "c1").entries[0].at
        if isinstance(store, SQLiteStore):
            assert at == store.entries_since(None)[0].at


class TestStrings:
    """The SQLite store keeps every string exactly, or refuses it as the core does."""

    @pytest.mark.parametrize("pair", ["x\udbff\udc00", "\ud83d\ude00"])
    def test_a_surrogate_pair_as_two_code_points_is_refused_not_joined(self, tmp_path, pair):
        with SQLiteStore(tmp_path / "s.db") as store:
            point = ContactPoint(1, EMAIL, "ann@example.com", pair, "ann@example.com", None)
            code = refused_code(lambda: store.save("c1", ContactSet([point]), expected_version=0))
            assert "text.character" == code
            assert "text.character" == refused_code(lambda: store.record(an_entry(actor=pair)))
            assert (0, ()) == (store.load("c1").version, store.entries_since(None))

    @pytest.mark.parametrize("lone", ["x\udbff", "\udc00\ud800", "a\ud800b"])
    def test_a_lone_surrogate_is_refused_as_a_pair_is(self, tmp_path, lone):
        # One rule for every surrogate (vocabulary.require_text): no store could give it back.
        with SQLiteStore(tmp_path / "s.db") as store:
            assert "text.character" == refused_code(lambda: store.record(an_entry(actor=lone)))
            assert () == store.entries_since(None)

    @FUZZ
    @given(text=st.text(st.characters(codec=None, categories=None), max_size=12))
    def test_any_actor_comes_back_identical_or_is_refused(self, tmp_path, text):
        assume(text)
        with SQLiteStore(tmp_path / "fuzz.db", durable=False) as store:
            entry = an_entry(actor=text, customer=f"c-{len(store.entries_since(None))}")
            code = refused_code(lambda: store.record(entry))
            if code is None:
                assert text == store.entries(entry.customer_id).entries[0].actor
            else:
                assert "text.character" == code
