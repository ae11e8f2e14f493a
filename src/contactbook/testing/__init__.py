"""Tools for testing code that embeds contactbook (needs the ``[testing]`` extra)."""
