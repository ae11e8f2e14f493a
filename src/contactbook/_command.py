"""The ``contactbook`` console script and ``python -m contactbook``.

``version``, ``doctor`` and ``selfcheck`` need nothing but contactbook itself; every
other command is :mod:`contactbook.cli`, which needs the ``cli`` extra (click and rich).
Without it, the command says in one line which extra to install and exits with 5,
instead of a traceback.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Sequence

from contactbook._version import __version__

__all__ = ["EXIT_NO_EXTRA", "main", "run_own"]

#: The exit status when the ``cli`` extra is missing (0 to 4 are the CLI's own:
#: contactbook.cli.Exit).
EXIT_NO_EXTRA = 5
_OWN = {"version", "--version", "doctor", "selfcheck"}


def main(argv: Sequence[str] | None = None) -> None:
    """Run one command: the ones that need no extra here, the rest through click."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _OWN:
        raise SystemExit(run_own(args))
    try:
        import click  # noqa: F401 -- only to learn whether the extra is installed
        import rich  # noqa: F401
    except ModuleNotFoundError as missing:
        if missing.name not in {"click", "rich"}:
            raise
        print(
            f"contactbook: this command needs the [cli] extra ({missing.name} is not installed):"
            " pip install 'contactbook-billing[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_NO_EXTRA) from None
    from contactbook.cli import cli

    cli.epilog = EPILOG
    cli.main(args=args, prog_name="contactbook")


#: Shown under ``contactbook --help``: the commands handled here, not by click.
EPILOG = (
    "Also, without the cli extra: 'contactbook version', 'contactbook doctor' (which "
    "fast paths run here, and why) and 'contactbook selfcheck' (fast paths against the "
    "installed validators)."
)

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
    where = f" (billing country {found.country})" if found.country is not None else ""
    print(f"DISAGREE on the {found.kind} input {found.raw!r}{where}:")
    print(f"  fast path: {found.fast}")
    print(f"  reference: {found.reference}")
    if not paths[found.kind].active:
        print(f"The fence keeps the {found.kind} fast path shut here: the reference path decides.")
    else:
        print("The fast path must not run on these versions: report it, and set")
        print("CONTACTBOOK_FASTPATHS=off meanwhile (python -m pydoc contactbook.selfcheck).")
    return 1
