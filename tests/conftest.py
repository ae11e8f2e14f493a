"""Shared test settings: Hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` in CI), PostgreSQL."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
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


# --------------------------------------------------------------------------- the checkout


def _changed_in_checkout(root):
    """Return what git sees as added or changed in the checkout, ignored files aside."""
    import subprocess

    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],  # noqa: S607 -- git on PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def _the_suite_writes_nothing_into_the_checkout():
    """Fail the run when a test leaves a file in the checkout (tests write to tmp_path)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    before = _changed_in_checkout(root)
    yield
    after = _changed_in_checkout(root)
    if before is not None and after is not None:
        written = ", ".join(sorted(line[3:] for line in after - before))
        if os.environ.get("CONTACTBOOK_SCREENSHOTS"):  # scripts/screenshots: the docs' pictures
            written = ", ".join(p for p in written.split(", ") if not p.startswith("docs/"))
    if before is not None and after is not None and written:
        pytest.fail(f"the tests wrote into the checkout: {written}")


# --------------------------------------------------------------------------- the shared corpora


def pytest_collection_modifyitems(config, items):
    """Leave out the tests over ../shared/corpora where they are not (a fresh machine)."""
    from shared_corpora import CORPORA

    if CORPORA.is_dir():
        return
    left = [item for item in items if item.get_closest_marker("shared_corpus")]
    if left:
        items[:] = [item for item in items if not item.get_closest_marker("shared_corpus")]
        config.hook.pytest_deselected(items=left)
        config.stash[_CORPUS_NOTE] = (
            f"{len(left)} tests over the shared corpora left out: they are not at {CORPORA}"
        )


_CORPUS_NOTE = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _CORPUS_NOTE in config.stash:
        terminalreporter.write_line(config.stash[_CORPUS_NOTE])
