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


class LazyLiveSource:
    """The live source, whose module (and its HTTP and signing code) loads only when used."""

    name = "live"

    def load(self, options):
        from batchlint.catalog.live import LiveSource

        return LiveSource().load(options)


@hookimpl
def batchlint_catalog_sources():
    return [BundledSource(), SnapshotSource(), LazyLiveSource()]
