"""``python -m contactbook``: the ``contactbook`` command, with or without its extra.

- ``python -m contactbook version``: the installed release.
- ``python -m contactbook doctor``: the Python, the validator versions, and for each kind
  whether its fast path runs here and why (:func:`contactbook.selfcheck.fastpaths`).
- ``python -m contactbook selfcheck [--size N] [--seed S]``: compare every fast path with
  the reference path on the versions installed here (:func:`contactbook.selfcheck.run`);
  exit 0 when they agree, 1 at the first disagreement (printed).
- anything else: the ``contactbook`` command (:mod:`contactbook.cli`, the ``cli`` extra).
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Sequence

from contactbook._command import main
from contactbook._version import __version__

__all__ = ["main", "run_own"]

DISTRIBUTION = "contactbook-billing"


def run_own(args: Sequence[str]) -> int:
    """Run ``version``, ``doctor`` or ``selfcheck``; return the exit status."""
    command, rest = args[0], list(args[1:])
    if command in {"version", "--version"}:
        print(f"contactbook {__version__} (distribution {DISTRIBUTION})")
        return 0
    if command == "doctor":
        return _doctor()
    return _selfcheck(rest)


def _doctor() -> int:
    from contactbook.selfcheck import fastpaths

    print(f"contactbook {__version__} (distribution {DISTRIBUTION})")
    print(f"Python {platform.python_version()} ({sys.executable})")
    for kind, path in fastpaths().items():
        state = "fast path" if path.active else "reference path only"
        print(f"{kind}: {state}: {path.reason}")
    return 0


def _selfcheck(args: list[str]) -> int:
    from contactbook.selfcheck import DEFAULT_SIZE, fastpaths, run

    parser = argparse.ArgumentParser(
        prog="contactbook selfcheck",
        description="Compare every fast path with the reference path on the validator "
        "versions installed here; exit 0 if they agree, 1 at the first disagreement.",
    )
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="inputs per kind")
    parser.add_argument("--seed", type=int, default=1, help="the corpus seed")
    options = parser.parse_args(args)
    if options.size < 1:
        parser.error("--size must be at least 1")
    result = run(options.size, seed=options.seed)
    paths = fastpaths()
    for kind, compared in result.compared.items():
        versions = ", ".join(f"{name} {v}" for name, v in paths[kind].versions.items())
        state = "runs here" if paths[kind].active else "shut here by the fence"
        print(
            f"{kind}: {compared:,} of {result.inputs[kind]:,} inputs decided by the fast path "
            f"({state}; {versions})"
        )
    found = result.disagreement
    if found is None:
        print(f"agree: every fast-path answer is the reference answer ({result.seconds:.1f} s)")
        return 0
    where = f" (billing country {found.region})" if found.region is not None else ""
    print(f"DISAGREE on the {found.kind} input {found.raw!r}{where}:")
    print(f"  fast path: {found.fast}")
    print(f"  reference: {found.reference}")
    if not paths[found.kind].active:
        print(f"The fence keeps the {found.kind} fast path shut here: the reference path decides.")
    else:
        print("The fast path must not run on these versions: report it, and set")
        print("CONTACTBOOK_FASTPATHS=off meanwhile (python -m pydoc contactbook.selfcheck).")
    return 1


if __name__ == "__main__":
    main()
