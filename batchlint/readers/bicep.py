"""Bicep templates and .bicepparam files: pools as a deployment of the template would make them.

A pool is a ``Microsoft.Batch/batchAccounts/pools`` resource: at the top level (with ``parent:``
or an ``account/pool`` name) or nested in a Batch account as ``'pools'``. Parameter values come
from, in order: a ``.bicepparam`` file that uses the template, ``--parameters`` files (JSON, or a
.bicepparam that uses the template), ``<name>.parameters.json`` beside it, the defaults. Local
modules are followed with the values the call passes; modules from a registry or a template
spec are not fetched, so they give no pools.

A template is reported once per run: when a .bicepparam or another template among the inputs
leads to it, it is reported through them and skipped on its own.
"""

from __future__ import annotations

from batchlint.hookspecs import hookimpl
from batchlint.model import ReadResult
from batchlint.reader import ReadContext, SourceFile


class BicepReader:
    name = "bicep"
    suffixes = (".bicep", ".bicepparam")
    priority = 30

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        # Imported here: the reader's parts (and tree-sitter) load only when Bicep is read.
        from batchlint.readers import bicepdeploy

        return bicepdeploy.read(source, ctx)

    def prepare(self, ctx: ReadContext) -> None:
        """Index which inputs lead to which, once for the run, before any worker starts."""
        if any(path.lower().endswith(self.suffixes) for path in ctx.inputs):
            from batchlint.readers import bicepfiles

            bicepfiles.reported_through(ctx)


@hookimpl
def batchlint_readers():
    return [BicepReader()]
