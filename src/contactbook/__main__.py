"""``python -m contactbook``: the ``contactbook`` command, with or without its extra.

- ``python -m contactbook version``: the installed release.
- ``python -m contactbook doctor``: the Python, the validator versions, and for each kind
  whether its fast path runs here and why (:func:`contactbook.selfcheck.fastpaths`).
- ``python -m contactbook selfcheck [--size N] [--seed S]``: compare every fast path with
  the reference path on the versions installed here (:func:`contactbook.selfcheck.run`);
  exit 0 when they agree, 1 at the first disagreement (printed).
- anything else: the ``contactbook`` command (:mod:`contactbook.cli`, the ``cli`` extra).

All of it is :mod:`contactbook._command` (the console script); this module only runs it.
"""

from contactbook._command import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
