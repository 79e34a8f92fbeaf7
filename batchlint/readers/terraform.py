"""Terraform: pools in ``.tf`` / ``.tf.json`` configuration and in plan JSON.

A pool is an ``azurerm_batch_pool`` resource, or an ``azapi_resource`` whose ``type`` is
``Microsoft.Batch/batchAccounts/pools@...``. Reading one file of a folder reads the whole folder
as one module, with the variable values ``terraform plan`` would use; the pools reported are
those declared in that file and those of the local modules its ``module`` blocks call.
``.tfvars`` files hold no pools. Plan JSON (``terraform show -json``) is recognised by its
content.

This module is what the plugin entry point imports when batchlint starts, so it only declares
the reader; the parser and evaluator are imported on the first Terraform file.
"""

from __future__ import annotations

from batchlint.hookspecs import hookimpl
from batchlint.model import ReadResult
from batchlint.reader import ReadContext, SourceFile


class TerraformReader:
    name = "terraform"
    suffixes = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".json")
    # Before the ARM reader (30): .tf.json, .tfvars.json and plan JSON are JSON files too.
    priority = 20

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        from batchlint.readers.terraform_read import read_file

        return read_file(source, ctx)


@hookimpl
def batchlint_readers():
    return [TerraformReader()]
