"""bicep reader (in progress)."""

from batchlint.hookspecs import hookimpl


@hookimpl
def batchlint_readers():
    return []
