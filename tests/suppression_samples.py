"""One small pool in every format that has comments, with slots for suppression comments.

``@TOP@``, ``@POOL@`` and ``@AGENT@`` mark the lines above the file, the pool definition and
the node agent line. ``render`` fills a slot with a directive in the format's comment syntax
(keeping the slot's indentation) or drops the slot's line, so line numbers are the same for
every test of a format. A test rule registered by the tests (``pool-seen``) reports each pool at
its node agent value, so the tests do not depend on the catalog.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from batchlint import run
from batchlint.app import Plugins
from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.options import LintOptions
from batchlint.rule import Rule, where

AS_OF = dt.date(2026, 12, 3)


class PoolSeen(Rule):
    id = "TST001"
    name = "pool-seen"
    severity = Severity.WARNING
    summary = "Reports every pool at its node agent (tests only)."

    def check(self, pool, ctx):
        agent = pool.node_agent_sku_id
        text = agent.text() if agent is not None else None
        yield self.finding(
            where(pool, agent), f"pool {pool.label} uses {text}", pool=pool, subject=(str(text),)
        )


class _TestRules:
    @hookimpl
    def batchlint_rules(self):
        return [PoolSeen]


#: The built-in rules the tests keep: the input and suppression families.
KEPT_MODULES = ("batchlint_rules.input", "batchlint_rules.suppressions")


def plugins() -> Plugins:
    """The installed readers and reporters; the input and suppression rules and ``pool-seen``.

    The image rules are left out so that what a test sees does not depend on the catalog.
    """
    found = Plugins()
    found.manager.register(_TestRules(), name="test-rules")
    kept = [c for c in found.rule_classes if c.__module__ in KEPT_MODULES or c is PoolSeen]
    found.__dict__["rule_classes"] = kept  # the cached_property's slot
    return found


@dataclass(frozen=True)
class Sample:
    name: str
    file: str
    marker: str
    text: str

    def render(
        self,
        top: str = "",
        pool: str = "",
        agent: str = "",
        lines_above: int = 0,
        agent_value: str = "batch.node.ubuntu 22.04",
    ) -> str:
        out = [""] * lines_above if lines_above else []
        slots = {"@TOP@": top, "@POOL@": pool, "@AGENT@": agent}
        for line in self.text.splitlines():
            slot = next((s for s in slots if s in line), None)
            if slot is None:
                out.append(line.replace("@VALUE@", agent_value))
            elif slots[slot]:
                indent = line[: line.index(slot)]
                out.append(f"{indent}{self.marker} {slots[slot]}")
        return "\n".join(out) + "\n"

    def line_of(self, needle: str, **slots) -> int:
        """The 1-based line of the first line holding ``needle`` in ``render(**slots)``."""
        for number, line in enumerate(self.render(**slots).splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} is not in the rendered {self.name} sample")

    def write(self, folder: Path, name: str | None = None, **slots) -> Path:
        path = folder / (name or self.file)
        path.write_text(self.render(**slots), encoding="utf-8")
        return path


ARM = """\
@TOP@
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    @POOL@
    {
      "type": "Microsoft.Batch/batchAccounts/pools",
      "apiVersion": "2024-07-01",
      "name": "acct/pool-a",
      "properties": {
        "vmSize": "standard_d2s_v5",
        "deploymentConfiguration": {
          "virtualMachineConfiguration": {
            "imageReference": {
              "publisher": "canonical",
              "offer": "0001-com-ubuntu-server-jammy",
              "sku": "22_04-lts"
            },
            @AGENT@
            "nodeAgentSkuId": "@VALUE@"
          }
        }
      }
    }
  ]
}
"""

BICEP = """\
@TOP@
resource account 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {
  name: 'acct'
}

@POOL@
resource pool 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {
  parent: account
  name: 'pool-a'
  properties: {
    vmSize: 'standard_d2s_v5'
    deploymentConfiguration: {
      virtualMachineConfiguration: {
        imageReference: {
          publisher: 'canonical'
          offer: '0001-com-ubuntu-server-jammy'
          sku: '22_04-lts'
        }
        @AGENT@
        nodeAgentSkuId: '@VALUE@'
      }
    }
  }
}
"""

TERRAFORM = """\
@TOP@
@POOL@
resource "azurerm_batch_pool" "a" {
  name                = "pool-a"
  resource_group_name = "rg-demo"
  account_name        = "acct"
  vm_size             = "standard_d2s_v5"
  @AGENT@
  node_agent_sku_id = "@VALUE@"

  storage_image_reference {
    publisher = "canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts"
    version   = "latest"
  }
}
"""

YAML = """\
@TOP@
@POOL@
- id: pool-a
  vmSize: standard_d2s_v5
  virtualMachineConfiguration:
    imageReference:
      publisher: canonical
      offer: 0001-com-ubuntu-server-jammy
      sku: 22_04-lts
    @AGENT@
    nodeAgentSKUId: '@VALUE@'
"""

SAMPLES = {
    "arm-jsonc": Sample("arm-jsonc", "azuredeploy.json", "//", ARM),
    "bicep": Sample("bicep", "main.bicep", "//", BICEP),
    "terraform-hash": Sample("terraform-hash", "main.tf", "#", TERRAFORM),
    "terraform-slashes": Sample("terraform-slashes", "main.tf", "//", TERRAFORM),
    "yaml": Sample("yaml", "pools.yaml", "#", YAML),
}
#: The sample whose agent value is a literal in the pool, for the agent-line tests.
AGENT_NEEDLE = {
    "arm-jsonc": "nodeAgentSkuId",
    "bicep": "nodeAgentSkuId",
    "terraform-hash": "node_agent_sku_id",
    "terraform-slashes": "node_agent_sku_id",
    "yaml": "nodeAgentSKUId",
}


def options(*paths: str | os.PathLike, **settings) -> LintOptions:
    opts = LintOptions(paths=[str(p) for p in paths], as_of=AS_OF, jobs=1)
    for name, value in settings.items():
        setattr(opts, name, value)
    return opts


def lint(*paths: str | os.PathLike, **settings):
    """The run result of linting ``paths`` with the test rule, before reporting."""
    return run.execute(options(*paths, **settings), plugins())


def seen(result) -> list:
    return [f for f in result.findings if f.rule_name == "pool-seen"]


def _pools_read(sample: Sample) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = sample.write(Path(folder))
        old = os.getcwd()
        os.chdir(folder)
        try:
            result = run.execute(options(path.name), plugins())
        finally:
            os.chdir(old)
        return len(result.pools) == 1


_READY: dict[str, bool] = {}


def reader_ready(name: str) -> bool:
    """Whether the format's reader finds the sample's pool (readers land one by one)."""
    if name not in _READY:
        _READY[name] = _pools_read(SAMPLES[name])
    return _READY[name]
