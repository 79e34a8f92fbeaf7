"""Built-in catalog sources: the bundled snapshot, a snapshot file, and the live list."""

from __future__ import annotations

from batchlint.hookspecs import hookimpl


class BundledSource:
    name = "bundled"

    def load(self, options):
        from batchlint.catalog.snapshot import load_bundled

        return load_bundled()


class SnapshotSource:
    name = "snapshot"

    def load(self, options):
        from batchlint.catalog.snapshot import load_file

        return load_file(options.images)


@hookimpl
def batchlint_catalog_sources():
    sources = [BundledSource(), SnapshotSource()]
    try:
        from batchlint.catalog.live import LiveSource
    except ImportError:  # the live source module is optional at start-up
        return sources
    return sources + [LiveSource()]
