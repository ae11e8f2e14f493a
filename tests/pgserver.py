"""A throwaway PostgreSQL server for tests and benchmarks: one cluster in a temp folder.

It uses Debian's server binaries (``/usr/lib/postgresql/<major>/bin``, or ``PG_BIN``):
``initdb`` makes a cluster in a new temporary folder, ``pg_ctl`` starts it listening on
a Unix socket in that folder only (no TCP port), and stops it at the end with
``-m immediate``, then the folder is removed. PostgreSQL refuses to run as root, so as
root the binaries run as the ``postgres`` user (``runuser``), which owns the folder.

The tests' ``postgres`` fixture (``tests/conftest.py``) and
``python -m benchmarks.postgres_store`` both start their server here.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ServerUnavailable", "require", "server_binaries", "throwaway_server"]

#: Settings for a throwaway cluster: no durability work (the server is never crashed,
#: only its clients are), small, and quiet.
FAST: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
}


class ServerUnavailable(RuntimeError):  # noqa: N818 -- reads as a sentence in a skip
    """No PostgreSQL server could be started; the message says why, in one line."""


def require(module: str) -> Any:
    """Import ``module`` for a test; without it skip, or fail when ``CI=true``.

    The tests on PostgreSQL must run in CI: there a missing driver is an error.
    """
    import pytest

    try:
        return importlib.import_module(module)
    except ImportError as error:
        reason = f"{module} is not installed (pip install -e '.[dev]'): {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)


def server_binaries() -> Path:
    """Return the folder holding ``initdb`` and ``pg_ctl`` (the newest installed major)."""
    configured = os.environ.get("PG_BIN")
    if configured:
        folder = Path(configured)
        if (folder / "initdb").exists():
            return folder
        msg = f"PG_BIN={configured} holds no initdb"
        raise ServerUnavailable(msg)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        msg = "PostgreSQL server binaries not found (apt-get install postgresql)"
        raise ServerUnavailable(msg)
    newest = max(found, key=lambda path: int(path.parts[-3].split(".")[0]))
    return newest.parent


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        msg = "running as root and runuser is missing: cannot start PostgreSQL as postgres"
        raise ServerUnavailable(msg)
    return [runuser, "-u", "postgres", "--", *command]


def _run(command: list[str], what: str) -> None:
    try:
        subprocess.run(
            _as_server_user(command), check=True, capture_output=True, text=True, timeout=120
        )
    except subprocess.CalledProcessError as error:
        last = (error.stderr or error.stdout or "").strip().splitlines()[-1:] or ["no output"]
        msg = f"{what} failed: {last[0]}"
        raise ServerUnavailable(msg) from error
    except (OSError, subprocess.TimeoutExpired) as error:
        msg = f"{what} failed: {error}"
        raise ServerUnavailable(msg) from error


@contextlib.contextmanager
def throwaway_server(settings: Mapping[str, str] = FAST) -> Iterator[str]:
    """Start a new cluster, yield its conninfo string, then stop it and remove it.

    Raises :class:`ServerUnavailable` when the binaries are missing or the server does
    not start.
    """
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="contactbook-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
        )
        options = {"listen_addresses": "''", "unix_socket_directories": str(folder), **settings}
        line = " ".join(f"-c {name}={value}" for name, value in options.items())
        pg_ctl = str(binaries / "pg_ctl")
        _run(
            [pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-o", line, "-w", "start"],
            "pg_ctl start",
        )
        try:
            yield f"host={folder} port=5432 user=postgres dbname=postgres"
        finally:
            with contextlib.suppress(ServerUnavailable):
                _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def opened_store(conninfo: str, schema: str, *, prepare: bool = True) -> Iterator[Any]:
    """A PostgresStore on a connection of its own, closed at the end (picklable with
    ``functools.partial``, so a child process can open its own)."""
    psycopg = require("psycopg")
    from contactbook.adapters.postgres import PostgresStore

    with psycopg.connect(conninfo, autocommit=True) as connection:
        yield PostgresStore(connection, schema=schema, prepare=prepare)
