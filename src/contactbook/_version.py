"""The release of contactbook (the distribution ``contactbook-billing``): one place."""

__version__ = "0.1.0"
