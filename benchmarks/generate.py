"""Write a synthetic repository of pool definitions for benchmarks and parallel tests.

``python benchmarks/generate.py OUT --files N --seed S`` writes exactly N files under OUT,
spread over every format batchlint reads: ARM templates with parameter files, copy loops and
nested deployments; pool specs in JSON and YAML; Bicep with parameter files, modules and loops;
Terraform with variables, tfvars, modules and ``for_each``; ``.tf.json``. The same seed and
count always give the same bytes, so two runs (or two machines) lint the same tree.

Images are drawn from a mix of supported pairs, mismatched node agents and retired images, so
that rules have findings to report and not only the happy path is timed. With ``--clean`` they
are drawn from supported pairs and plain sizes only, for a tree that gives no finding: what a
run costs on a repository without problems.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

#: (publisher, offer, sku, node agent): supported, mismatched, unverified and retired pairs.
IMAGES = (
    ("canonical", "ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04"),
    ("canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "batch.node.ubuntu 22.04"),
    ("canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "batch.node.ubuntu 20.04"),
    ("almalinux", "almalinux-x86_64", "9-gen2", "batch.node.el 9"),
    ("almalinux", "almalinux-x86_64", "9-gen2", "batch.node.el 8"),
    ("microsoft-dsvm", "ubuntu-hpc", "2204", "batch.node.ubuntu 22.04"),
    ("microsoftwindowsserver", "windowsserver", "2022-datacenter", "batch.node.windows amd64"),
    ("microsoftwindowsserver", "windowsserver", "2019-datacenter-gs", "batch.node.windows amd64"),
    ("openlogic", "centos", "7_9", "batch.node.centos 7"),
    ("canonical", "0001-com-ubuntu-server-focal", "20_04-lts", "batch.node.ubuntu 20.04"),
)
VM_SIZES = ("Standard_D2s_v5", "Standard_D4s_v5", "Standard_F8s_v2", "Standard_NC6s_v3")
#: The pair and sizes of a tree without findings (``--clean``): one pair, since some projects
#: take the image from one draw and the node agent from another.
CLEAN_IMAGES = (IMAGES[0],)
CLEAN_VM_SIZES = VM_SIZES[:2]
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
POOL_TYPE = "Microsoft.Batch/batchAccounts/pools"


class Source(random.Random):
    """The generator's random source, with the pairs and sizes it draws pools from."""

    def __init__(self, seed: int, clean: bool = False) -> None:
        super().__init__(seed)
        self.images = CLEAN_IMAGES if clean else IMAGES
        self.vm_sizes = CLEAN_VM_SIZES if clean else VM_SIZES


def _image(rng: random.Random) -> dict:
    publisher, offer, sku, agent = rng.choice(getattr(rng, "images", IMAGES))
    return {
        "publisher": publisher,
        "offer": offer,
        "sku": sku,
        "agent": agent,
        "vm_size": rng.choice(getattr(rng, "vm_sizes", VM_SIZES)),
    }


def _json(data) -> str:
    return json.dumps(data, indent=2) + "\n"


def _arm_pool(name: str, image, agent, vm_size, **extra) -> dict:
    return {
        "type": POOL_TYPE,
        "apiVersion": "2024-07-01",
        "name": name,
        **extra,
        "properties": {
            "vmSize": vm_size,
            "deploymentConfiguration": {
                "virtualMachineConfiguration": {"imageReference": image, "nodeAgentSkuId": agent}
            },
        },
    }


def _arm_template(parameters: dict, resources: list, variables: dict | None = None) -> dict:
    out = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters}
    if variables:
        out["variables"] = variables
    out["resources"] = resources
    return out


def _reference(img: dict) -> dict:
    return {
        "publisher": img["publisher"],
        "offer": img["offer"],
        "sku": img["sku"],
        "version": "latest",
    }


# -- ARM -------------------------------------------------------------------------------------


def arm_with_parameters(rng: random.Random, n: int) -> dict[str, str]:
    """A template whose image and agent come from parameters, overridden by a parameters file."""
    img, override = _image(rng), _image(rng)
    template = _arm_template(
        {
            "accountName": {"type": "string", "defaultValue": f"contosobatch{n}"},
            "imageSku": {"type": "string", "defaultValue": img["sku"]},
            "nodeAgentSkuId": {"type": "string"},
        },
        [
            _arm_pool(
                "[format('{0}/{1}', parameters('accountName'), 'pool-main')]",
                {
                    "publisher": img["publisher"],
                    "offer": img["offer"],
                    "sku": "[parameters('imageSku')]",
                    "version": "latest",
                },
                "[parameters('nodeAgentSkuId')]",
                img["vm_size"],
            )
        ],
    )
    parameters = {
        "$schema": PARAMS_SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"nodeAgentSkuId": {"value": override["agent"]}},
    }
    return {"azuredeploy.json": _json(template), "azuredeploy.parameters.json": _json(parameters)}


def arm_copy_loop(rng: random.Random, n: int) -> dict[str, str]:
    """A copy loop over an array parameter of pool definitions."""
    pools = []
    for index in range(rng.randint(2, 4)):
        img = _image(rng)
        pools.append(
            {
                "name": f"pool-{index}",
                "vmSize": img["vm_size"],
                "image": _reference(img),
                "nodeAgentSkuId": img["agent"],
            }
        )
    item = "parameters('pools')[copyIndex()]"
    template = _arm_template(
        {
            "accountName": {"type": "string", "defaultValue": f"contosobatch{n}"},
            "pools": {"type": "array", "defaultValue": pools},
        },
        [
            _arm_pool(
                f"[format('{{0}}/{{1}}', parameters('accountName'), {item}.name)]",
                f"[{item}.image]",
                f"[{item}.nodeAgentSkuId]",
                f"[{item}.vmSize]",
                copy={"name": "poolLoop", "count": "[length(parameters('pools'))]"},
            )
        ],
    )
    return {"pools.json": _json(template)}


def arm_nested_deployment(rng: random.Random, n: int) -> dict[str, str]:
    """An inner-scope nested deployment that receives the node agent as a parameter."""
    img = _image(rng)
    inner = _arm_template(
        {"accountName": {"type": "string"}, "nodeAgentSkuId": {"type": "string"}},
        [
            _arm_pool(
                "[concat(parameters('accountName'), '/pool-inner')]",
                _reference(img),
                "[parameters('nodeAgentSkuId')]",
                img["vm_size"],
            )
        ],
    )
    deployment = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "pools-deployment",
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "parameters": {
                "accountName": {"value": "[variables('account')]"},
                "nodeAgentSkuId": {"value": img["agent"]},
            },
            "template": inner,
        },
    }
    template = _arm_template({}, [deployment], {"account": f"contosobatch{n}"})
    return {"nested.json": _json(template)}


# -- pool specs ------------------------------------------------------------------------------


def _spec(rng: random.Random, name: str) -> dict:
    img = _image(rng)
    return {
        "id": name,
        "vmSize": img["vm_size"].lower(),
        "virtualMachineConfiguration": {
            "imageReference": _reference(img),
            "nodeAgentSKUId": img["agent"],
        },
        "targetDedicatedNodes": rng.randint(0, 4),
    }


def spec_json(rng: random.Random, n: int) -> dict[str, str]:
    """One data-plane pool body."""
    return {"pool.json": _json(_spec(rng, f"pool-{n}"))}


def spec_yaml(rng: random.Random, n: int) -> dict[str, str]:
    """A YAML list of data-plane pool bodies."""
    lines = ["# Pools created by the deploy script."]
    for index in range(rng.randint(1, 3)):
        spec = _spec(rng, f"pool-{n}-{index}")
        ref = spec["virtualMachineConfiguration"]["imageReference"]
        lines += [
            f"- id: {spec['id']}",
            f"  vmSize: {spec['vmSize']}",
            "  virtualMachineConfiguration:",
            "    imageReference:",
            *(f"      {key}: {value}" for key, value in ref.items()),
            f'    nodeAgentSKUId: "{spec["virtualMachineConfiguration"]["nodeAgentSKUId"]}"',
            f"  targetDedicatedNodes: {spec['targetDedicatedNodes']}",
        ]
    return {"pools.yaml": "\n".join(lines) + "\n"}


# -- Bicep -----------------------------------------------------------------------------------

_BICEP_POOL = """\
resource pool 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {{
  parent: account
  name: {name}
  properties: {{
    vmSize: {vm_size}
    deploymentConfiguration: {{
      virtualMachineConfiguration: {{
        imageReference: {{
          publisher: {publisher}
          offer: {offer}
          sku: {sku}
          version: 'latest'
        }}
        nodeAgentSkuId: {agent}
      }}
    }}
  }}
}}
"""


def bicep_with_bicepparam(rng: random.Random, n: int) -> dict[str, str]:
    """A template with parameters, interpolation and a ``.bicepparam`` file that overrides."""
    img, override = _image(rng), _image(rng)
    main = (
        f"param env string = 'dev'\n"
        f"param imageSku string = '{img['sku']}'\n"
        f"param nodeAgentSkuId string = '{img['agent']}'\n\n"
        f"resource account 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {{\n"
        f"  name: 'contosobatch{n}'\n}}\n\n"
        + _BICEP_POOL.format(
            name="'pool-${env}'",
            vm_size=f"'{img['vm_size']}'",
            publisher=f"'{img['publisher']}'",
            offer=f"'{img['offer']}'",
            sku="imageSku",
            agent="nodeAgentSkuId",
        )
    )
    params = f"using './main.bicep'\n\nparam nodeAgentSkuId = '{override['agent']}'\n"
    return {"main.bicep": main, "main.bicepparam": params}


def bicep_module_loop(rng: random.Random, n: int) -> dict[str, str]:
    """A module called in a loop over an array of pool settings."""
    items = []
    for index in range(rng.randint(2, 3)):
        img = _image(rng)
        items.append(
            "  {\n"
            f"    name: 'pool-{index}'\n"
            f"    sku: '{img['sku']}'\n"
            f"    publisher: '{img['publisher']}'\n"
            f"    offer: '{img['offer']}'\n"
            f"    agent: '{img['agent']}'\n"
            "  }\n"
        )
    main = (
        "var poolDefs = [\n" + "".join(items) + "]\n\n"
        "module pools 'modules/pool.bicep' = [for (def, i) in poolDefs: {\n"
        "  name: 'pool-${i}'\n"
        "  params: {\n"
        f"    accountName: 'contosobatch{n}'\n"
        "    name: def.name\n"
        "    publisher: def.publisher\n"
        "    offer: def.offer\n"
        "    sku: def.sku\n"
        "    nodeAgentSkuId: def.agent\n"
        "  }\n"
        "}]\n"
    )
    module = (
        "param accountName string\nparam name string\nparam publisher string\n"
        "param offer string\nparam sku string\nparam nodeAgentSkuId string\n"
        "param vmSize string = 'Standard_D2s_v5'\n\n"
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {\n"
        "  name: accountName\n}\n\n"
        + _BICEP_POOL.format(
            name="name",
            vm_size="vmSize",
            publisher="publisher",
            offer="offer",
            sku="sku",
            agent="nodeAgentSkuId",
        )
    )
    return {"main.bicep": main, "modules/pool.bicep": module}


# -- Terraform -------------------------------------------------------------------------------

_TF_POOL = """\
resource "azurerm_batch_pool" "{label}" {{
  name                = {name}
  resource_group_name = "rg-demo"
  account_name        = {account}
  vm_size             = {vm_size}
  node_agent_sku_id   = {agent}

  storage_image_reference {{
    publisher = {publisher}
    offer     = {offer}
    sku       = {sku}
    version   = "latest"
  }}
}}
"""


def terraform_with_tfvars(rng: random.Random, n: int) -> dict[str, str]:
    """Variables with defaults, overridden by ``terraform.tfvars``."""
    img, override = _image(rng), _image(rng)
    main = _TF_POOL.format(
        label="main",
        name=f'"pool-{n}"',
        account='"contosobatch"',
        vm_size="var.vm_size",
        agent="var.node_agent_sku_id",
        publisher=f'"{img["publisher"]}"',
        offer=f'"{img["offer"]}"',
        sku="var.image_sku",
    )
    variables = (
        f'variable "vm_size" {{\n  type    = string\n  default = "{img["vm_size"]}"\n}}\n\n'
        f'variable "image_sku" {{\n  type    = string\n  default = "{img["sku"]}"\n}}\n\n'
        f'variable "node_agent_sku_id" {{\n  type    = string\n  default = "{img["agent"]}"\n}}\n'
    )
    tfvars = f'node_agent_sku_id = "{override["agent"]}"\n'
    return {"main.tf": main, "variables.tf": variables, "terraform.tfvars": tfvars}


def terraform_module_for_each(rng: random.Random, n: int) -> dict[str, str]:
    """A local module called with ``for_each`` over a map of pool settings."""
    entries = []
    for index in range(rng.randint(2, 3)):
        img = _image(rng)
        entries.append(
            f"    p{index} = {{\n"
            f'      publisher = "{img["publisher"]}"\n'
            f'      offer     = "{img["offer"]}"\n'
            f'      sku       = "{img["sku"]}"\n'
            f'      agent     = "{img["agent"]}"\n'
            "    }\n"
        )
    main = (
        "locals {\n  pools = {\n" + "".join(entries) + "  }\n}\n\n"
        'module "pool" {\n'
        '  source   = "./modules/pool"\n'
        "  for_each = local.pools\n\n"
        '  name     = "pool-${each.key}"\n'
        "  settings = each.value\n"
        "}\n"
    )
    module = (
        'variable "name" {\n  type = string\n}\n\n'
        'variable "settings" {\n  type = any\n}\n\n'
        + _TF_POOL.format(
            label="this",
            name="var.name",
            account='"contosobatch"',
            vm_size='"Standard_D2s_v5"',
            agent="var.settings.agent",
            publisher="var.settings.publisher",
            offer="var.settings.offer",
            sku="var.settings.sku",
        )
    )
    return {"main.tf": main, "modules/pool/main.tf": module}


def terraform_json(rng: random.Random, n: int) -> dict[str, str]:
    """A ``.tf.json`` pool with a ``${...}`` reference to a variable."""
    img = _image(rng)
    doc = {
        "variable": {"agent": {"type": "string", "default": img["agent"]}},
        "resource": {
            "azurerm_batch_pool": {
                "main": {
                    "name": f"pool-{n}",
                    "resource_group_name": "rg-demo",
                    "account_name": "contosobatch",
                    "vm_size": img["vm_size"],
                    "node_agent_sku_id": "${var.agent}",
                    "storage_image_reference": _reference(img),
                }
            }
        },
    }
    return {"main.tf.json": _json(doc)}


#: Project kinds and how often each is drawn (a repository has more of some than of others).
KINDS = (
    (arm_with_parameters, 3),
    (arm_copy_loop, 2),
    (arm_nested_deployment, 1),
    (spec_json, 2),
    (spec_yaml, 2),
    (bicep_with_bicepparam, 3),
    (bicep_module_loop, 2),
    (terraform_with_tfvars, 3),
    (terraform_module_for_each, 2),
    (terraform_json, 1),
)

#: Projects per folder, so that no folder holds thousands of entries.
FOLDER_SIZE = 100


def generate(out: Path, files: int, seed: int = 1, clean: bool = False) -> dict[str, int]:
    """Write ``files`` files under ``out``; return how many projects of each kind were made."""
    rng = Source(seed, clean)
    makers = [maker for maker, _ in KINDS]
    weights = [weight for _, weight in KINDS]
    written = 0
    counts: dict[str, int] = {}
    project = 0
    while written < files:
        maker = rng.choices(makers, weights)[0]
        produced = maker(rng, project)
        if written + len(produced) > files:
            # The last project must fit the count exactly; a pool spec is one file.
            maker = spec_json
            produced = spec_json(rng, project)
        folder = out / f"group-{project // FOLDER_SIZE:03d}" / f"{maker.__name__}-{project:05d}"
        for name, text in produced.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        written += len(produced)
        counts[maker.__name__] = counts.get(maker.__name__, 0) + 1
        project += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write (created; must be empty or absent)")
    parser.add_argument("--files", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--clean", action="store_true", help="supported pairs only: a tree without findings"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"generate: {out} is not empty", file=sys.stderr)
        return 2
    if args.files < 1:
        print("generate: --files must be at least 1", file=sys.stderr)
        return 2
    counts = generate(out, args.files, args.seed, args.clean)
    summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    print(f"{args.files} files in {os.fspath(out)}: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
