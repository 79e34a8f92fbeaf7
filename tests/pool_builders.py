"""Small pool definitions in several formats, written from one description, for rule tests.

A test describes its pools once (``PoolDef``, in the ARM shape) and gets the same pools as an
ARM template, a data-plane pool spec in YAML, a Bicep file or a Terraform configuration;
``line_of`` finds the line of a value in the written text and ``spelled`` gives a setting's
name in a format, so a test can assert the exact position of a finding without counting lines.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from batchlint.cli import main

CORPUS = Path(__file__).parent / "corpus"
WRITTEN = CORPUS / "written"
REAL = CORPUS / "real"
ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
FORMATS = ("arm", "pool-spec", "bicep", "terraform")
FILE_NAMES = {
    "arm": "azuredeploy.json",
    "pool-spec": "pools.yaml",
    "bicep": "main.bicep",
    "terraform": "main.tf",
}
#: azurerm names that are not the snake case of the ARM name.
_TF_NAMES = {
    "windowsConfiguration": "windows",
    "certificates": "certificate",
    "nodeAgentSkuId": "node_agent_sku_id",
}


@dataclass
class PoolDef:
    """One pool: the pair and size, plus settings under the VM configuration or the body."""

    name: str
    vm_size: str
    image: str | None = None  # publisher:offer:sku
    agent: str | None = None
    version: str = "latest"
    image_id: str | None = None
    vm_config: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    #: Settings whose place differs by format: low_priority, formula, certificates.
    arm: dict = field(default_factory=dict)
    spec: dict = field(default_factory=dict)

    def image_reference(self) -> dict:
        if self.image_id is not None:
            return {"id": self.image_id}
        publisher, offer, sku = self.image.split(":")
        ref = {"publisher": publisher, "offer": offer, "sku": sku}
        if self.version is not None:
            ref["version"] = self.version
        return ref


def arm_template(*pools: PoolDef) -> str:
    resources = []
    for pool in pools:
        vm_config = {"imageReference": pool.image_reference()}
        if pool.agent is not None:
            vm_config["nodeAgentSkuId"] = pool.agent
        vm_config.update(pool.vm_config)
        properties = {
            "vmSize": pool.vm_size,
            "deploymentConfiguration": {"virtualMachineConfiguration": vm_config},
            **pool.body,
            **pool.arm,
        }
        resources.append(
            {
                "type": "Microsoft.Batch/batchAccounts/pools",
                "apiVersion": "2024-07-01",
                "name": f"contoso/{pool.name}",
                "properties": properties,
            }
        )
    template = {"$schema": ARM_SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}
    return json.dumps(template, indent=2) + "\n"


def pool_spec_yaml(*pools: PoolDef) -> str:
    bodies = []
    for pool in pools:
        image = pool.image_reference()
        if pool.image_id is not None:
            image = {"virtualMachineImageId": pool.image_id}
        vm_config = {"imageReference": image}
        if pool.agent is not None:
            vm_config["nodeAgentSKUId"] = pool.agent
        vm_config.update(pool.vm_config)
        body = {"id": pool.name, "vmSize": pool.vm_size, "virtualMachineConfiguration": vm_config}
        body.update(pool.body)
        body.update(pool.spec)
        bodies.append(body)
    return yaml.safe_dump(bodies, sort_keys=False)


def bicep_file(*pools: PoolDef) -> str:
    out = [
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {",
        "  name: 'contoso'",
        "}",
    ]
    for pool in pools:
        vm_config = {"imageReference": pool.image_reference()}
        if pool.agent is not None:
            vm_config["nodeAgentSkuId"] = pool.agent
        vm_config.update(pool.vm_config)
        properties = {
            "vmSize": pool.vm_size,
            "deploymentConfiguration": {"virtualMachineConfiguration": vm_config},
            **pool.body,
            **pool.arm,
        }
        symbol = "pool_" + re.sub(r"\W", "_", pool.name)
        out += [
            "",
            f"resource {symbol} 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {{",
            "  parent: account",
            f"  name: '{pool.name}'",
            f"  properties: {_bicep(properties, 1)}",
            "}",
        ]
    return "\n".join(out) + "\n"


def _bicep(value, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        body = [f"{inner}{key}: {_bicep(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + "\n".join(body) + f"\n{pad}}}"
    if isinstance(value, list):
        body = [f"{inner}{_bicep(item, depth + 1)}" for item in value]
        return "[\n" + "\n".join(body) + f"\n{pad}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def terraform_file(*pools: PoolDef) -> str:
    out = []
    for pool in pools:
        image = pool.image_reference()
        args = {
            "name": pool.name,
            "resource_group_name": "rg-demo",
            "account_name": "contoso",
            "vm_size": pool.vm_size,
        }
        if pool.agent is not None:
            args["node_agent_sku_id"] = pool.agent
        settings = {"storageImageReference": image, **pool.vm_config, **pool.body, **pool.arm}
        scale = settings.pop("scaleSettings", {})
        settings.update(scale)
        label = re.sub(r"\W", "_", pool.name)
        out.append(f'resource "azurerm_batch_pool" "{label}" {{')
        out += [f"  {key} = {_hcl(value)}" for key, value in args.items()]
        out += _hcl_body(settings, 1)
        out += ["}", ""]
    return "\n".join(out)


def _hcl_body(settings: dict, depth: int) -> list[str]:
    pad = "  " * depth
    lines = []
    for key, value in settings.items():
        name = spelled("terraform", key)
        if isinstance(value, dict):
            lines += [f"{pad}{name} {{", *_hcl_body(value, depth + 1), f"{pad}}}"]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines += [f"{pad}{name} {{", *_hcl_body(item, depth + 1), f"{pad}}}"]
        else:
            lines.append(f"{pad}{name} = {_hcl(value)}")
    return lines


def _hcl(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value))


def spelled(fmt: str, key: str) -> str:
    """A setting's name as ``fmt`` writes it (Terraform snake case and its own renames)."""
    if fmt != "terraform":
        return key
    if key in _TF_NAMES:
        return _TF_NAMES[key]
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


_WRITERS = {
    "arm": arm_template,
    "pool-spec": pool_spec_yaml,
    "bicep": bicep_file,
    "terraform": terraform_file,
}


def write(fmt: str, folder: Path, *pools: PoolDef) -> tuple[str, str]:
    """(file name, text) of the pools written in ``fmt`` into ``folder``."""
    text = _WRITERS[fmt](*pools)
    name = FILE_NAMES[fmt]
    (folder / name).write_text(text, encoding="utf-8")
    return name, text


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first ``needle`` (after the first ``after``, when given)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    raise AssertionError(f"{needle!r} not in the text")


def lint(folder: Path, *args: str) -> dict:
    """The JSON document of ``batchlint ARGS`` run in ``folder``, in-process."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--no-config", "-j", "1", "-f", "json", "--fail-on", "never", *args])
    finally:
        os.chdir(old)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def corpus_findings(rule_ids: tuple[str, ...], as_of: str) -> dict[str, list[tuple]]:
    """(rule, file, line) of the given rules for each written case folder (by its name) and
    for the whole real corpus (``"real"``); places without such findings are left out."""
    out = {place: _picked(doc, rule_ids) for place, doc in _corpus_documents(as_of).items()}
    return {place: found for place, found in out.items() if found}


@lru_cache(maxsize=2)
def _corpus_documents(as_of: str) -> dict[str, dict]:
    # Linted once per process: the capability and the feature tests read the same run.
    docs = {}
    for case in sorted(p for p in WRITTEN.iterdir() if p.is_dir()):
        inputs = json.loads((case / "expected.json").read_text())["inputs"]
        docs[case.name] = lint(case, "--as-of", as_of, *inputs)
    docs["real"] = lint(REAL, "--as-of", as_of, ".")
    return docs


def _picked(doc: dict, rule_ids: tuple[str, ...]) -> list[tuple]:
    found = [
        (f["rule_name"], f["file"].removeprefix("./"), f["line"])
        for f in doc["findings"]
        if f["rule_id"] in rule_ids
    ]
    return sorted(found)


def findings(document: dict, rule: str) -> list[dict]:
    return [f for f in document["findings"] if f["rule_name"] == rule]


def of_pool(found: list[dict], pool: str) -> list[dict]:
    """Findings of one pool; ARM names it ``contoso/<name>``, the pool spec ``<name>``."""
    return [f for f in found if f["pool"] in (pool, f"contoso/{pool}")]
