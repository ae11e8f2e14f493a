"""The ``contactbook`` console script and ``python -m contactbook``.

``version``, ``doctor`` and ``selfcheck`` need nothing but contactbook itself; every
other command is :mod:`contactbook.cli`, which needs the ``cli`` extra (click and rich).
Without it, the command says in one line which extra to install and exits with 5,
instead of a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["EXIT_NO_EXTRA", "main"]

#: The exit status when the ``cli`` extra is missing (0 to 4 are the CLI's own:
#: contactbook.cli.Exit).
EXIT_NO_EXTRA = 5
_OWN = {"version", "--version", "doctor", "selfcheck"}


def main(argv: Sequence[str] | None = None) -> None:
    """Run one command: the ones that need no extra here, the rest through click."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _OWN:
        from contactbook.__main__ import run_own

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
