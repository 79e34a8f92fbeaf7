"""Every hook batchlint calls. A plugin is a module or object with ``batchlint_*`` functions.

Each hook is called once per run and returns a list, so a plugin can add several parts at once.
Built-in readers, rules, catalog sources and reporters register through the same entry point
group (``batchlint``) as outside packages do.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("batchlint")
hookimpl = pluggy.HookimplMarker("batchlint")


@hookspec
def batchlint_readers():
    """Readers for pool definition formats (objects following ``batchlint.reader.Reader``)."""


@hookspec
def batchlint_rules():
    """Rule classes (subclasses of ``batchlint.rule.Rule``)."""


@hookspec
def batchlint_catalog_sources():
    """Supported-image catalog sources (objects following ``batchlint.catalog.CatalogSource``)."""


@hookspec
def batchlint_reporters():
    """Reporter classes (subclasses of ``batchlint.reporters.base.Reporter``), by format name."""
