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

_HCL_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


class TerraformReader:
    name = "terraform"
    suffixes = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".json")
    # Before the ARM reader (30): .tf.json, .tfvars.json and plan JSON are JSON files too.
    priority = 20

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        if source.path.lower().endswith(_HCL_SUFFIXES):
            from batchlint.readers.terraform_read import read_file

            return read_file(source, ctx)
        # Other JSON is plan output or not Terraform's at all (most often an ARM template or a
        # pool spec): telling which needs neither the HCL parser nor the evaluator, and a text
        # without the word ``planned_values`` is not a plan Terraform wrote.
        if "planned_values" not in source.text:
            return None
        from batchlint.readers.tfplan import read_plan_file

        return read_plan_file(source, ctx)

    def prepare(self, ctx: ReadContext) -> None:
        """Find which folders call which as modules, once for the run, before workers start."""
        if any(path.lower().endswith((".tf", ".tf.json")) for path in ctx.inputs):
            from batchlint.readers.terraform_read import module_callers

            module_callers(ctx)


@hookimpl
def batchlint_readers():
    return [TerraformReader()]
