"""Shared test settings: Hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` in CI), PostgreSQL."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres():
    """Return the conninfo of a throwaway PostgreSQL server, started once per session.

    Without a server (no binaries, or it does not start) the tests that need one skip
    with the reason; with ``CI=true`` they fail instead: CI must run them.
    """
    import pgserver

    pgserver.require("psycopg")
    try:
        server = pgserver.throwaway_server()
        conninfo = server.__enter__()
    except pgserver.ServerUnavailable as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed in CI and could not be started: {reason}")
        pytest.skip(f"no PostgreSQL server: {reason}")
    yield conninfo
    server.__exit__(None, None, None)


@pytest.fixture
def pg_connect(postgres):
    """Return ``connect(**options)``: a new psycopg connection, closed after the test."""
    import psycopg

    made = []

    def connect(**options):
        connection = psycopg.connect(postgres, **options)
        made.append(connection)
        return connection

    yield connect
    for connection in made:
        connection.close()
