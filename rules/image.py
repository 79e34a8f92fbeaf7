"""Image and node agent rules (in progress)."""

from batchlint.hookspecs import hookimpl


@hookimpl
def batchlint_rules():
    return []
