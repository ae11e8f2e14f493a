"""The seeded corpora, shipped in the package (``contactbook._corpus``) for the self-check.

The benchmark suite, the differential tests and ``python -m contactbook selfcheck`` draw
from the same generators, so that what is timed is also what is proved.
"""

from contactbook._corpus import emails, phones, records, websites

__all__ = ["emails", "phones", "records", "websites"]
