"""The reference web host (Flask): ``python -m examples.webhost``; see app.py."""

from examples.webhost.app import create_app

__all__ = ["create_app"]
