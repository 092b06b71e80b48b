"""`python -m classifier` is the `funnel-coach` command."""

from ._cli import entry

entry()
