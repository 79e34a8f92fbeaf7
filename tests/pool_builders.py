"""Small pool definitions in several formats, written from one description, for rule tests.

A test describes its pools once (``PoolDef``) and gets the same pools as an ARM template or a
data-plane pool spec in YAML; ``line_of`` finds the line of a value in the written text, so a
test can assert the exact position of a finding without counting lines by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from batchlint.cli import main

ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
FORMATS = ("arm", "pool-spec")
FILE_NAMES = {"arm": "azuredeploy.json", "pool-spec": "pools.yaml"}


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


def write(fmt: str, folder: Path, *pools: PoolDef) -> tuple[str, str]:
    """(file name, text) of the pools written in ``fmt`` into ``folder``."""
    text = arm_template(*pools) if fmt == "arm" else pool_spec_yaml(*pools)
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


def lint(folder: Path, name: str, *args: str) -> dict:
    """The JSON document of ``batchlint`` run on one file, in-process."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--no-config", "-j", "1", "-f", "json", "--fail-on", "never", *args, name])
    finally:
        os.chdir(old)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def findings(document: dict, rule: str) -> list[dict]:
    return [f for f in document["findings"] if f["rule_name"] == rule]


def of_pool(found: list[dict], pool: str) -> list[dict]:
    """Findings of one pool; ARM names it ``contoso/<name>``, the pool spec ``<name>``."""
    return [f for f in found if f["pool"] in (pool, f"contoso/{pool}")]
