"""Tiny inputs whose values or loops grow without bound give Unknown with the reason, quickly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from test_arm_copies import pool_resource, template
from test_bicep_reader import read as read_bicep
from test_terraform_reader import read as read_terraform

from batchlint.reader import ReadContext, ReadOptions, SourceFile
from batchlint.readers import arm, armexpr, bicepdeploy, limits, terraform_read
from batchlint.readers.arm import ArmReader


def read_arm(tmp_path, monkeypatch, doc: dict):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.json").write_text(json.dumps(doc))
    ctx = ReadContext(["main.json"], ReadOptions())
    source = SourceFile("main.json", (tmp_path / "main.json").read_text(), True)
    return ArmReader().read(source, ctx).pools


def lint(folder, *names: str) -> str:
    """The text report of a run in ``folder``: a runaway evaluation fails by the timeout."""
    proc = subprocess.run(
        [sys.executable, "-m", "batchlint", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BICEP_POOL = """
resource acct 'Microsoft.Batch/batchAccounts@2024-02-01' existing = {
  name: 'acct'
}
resource pool 'Microsoft.Batch/batchAccounts/pools@2024-02-01' = [for i in range(0, COUNT): {
  parent: acct
  name: 'p${i}'
  properties: {
    vmSize: 'STANDARD_D2S_V3'
    deploymentConfiguration: {
      virtualMachineConfiguration: {
        imageReference: { publisher: PUBLISHER, offer: 'o', sku: 's' }
        nodeAgentSkuId: 'batch.node.ubuntu ${i}'
      }
    }
  }
}]
"""


def bicep_pool(publisher: str, count: int = 1) -> str:
    return BICEP_POOL.replace("PUBLISHER", publisher).replace("COUNT", str(count))


TF_POOL = """
resource "azurerm_batch_pool" "p" {
  name                = "p"
  resource_group_name = "rg"
  account_name        = "acct"
  vm_size             = "STANDARD_D2S_V3"
  node_agent_sku_id   = "batch.node.ubuntu 22.04"
  storage_image_reference {
    publisher = PUBLISHER
    offer     = "o"
    sku       = "s"
  }
}
"""


def tf_pool(publisher: str) -> str:
    return TF_POOL.replace("PUBLISHER", publisher)


def test_arm_doubling_variables_are_unknown(tmp_path, monkeypatch):
    variables = {"v0": "ab"}
    for i in range(1, 40):
        variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    pool = pool_resource(1)
    pool.pop("copy")
    image = pool["properties"]["deploymentConfiguration"]["virtualMachineConfiguration"]
    image["imageReference"]["publisher"] = "[variables('v39')]"
    doc = template(pool)
    doc["variables"] = variables
    (found,) = read_arm(tmp_path, monkeypatch, doc)
    assert not found.publisher.known
    assert "value larger than batchlint evaluates" in found.publisher.unresolved


def test_arm_replace_and_format_past_the_cap_are_unknown(tmp_path, monkeypatch):
    pool = pool_resource(1)
    pool.pop("copy")
    ref = pool["properties"]["deploymentConfiguration"]["virtualMachineConfiguration"]
    ten = "'aaaaaaaaaa'"
    big = f"replace(replace(replace({ten}, 'a', {ten}), 'a', {ten}), 'a', {ten})"
    eleven = "'aaaaaaaaaaa'"
    ref["imageReference"]["publisher"] = f"[replace(replace({big}, 'a', {ten}), 'a', {eleven})]"
    ref["imageReference"]["offer"] = "[format('{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}', " + big + ")]"
    (found,) = read_arm(tmp_path, monkeypatch, template(pool))
    assert "value larger than batchlint evaluates" in found.publisher.unresolved
    assert found.offer.known  # 100,000 characters: within the cap
    assert len(found.offer.value) == 100_000


def test_arm_nested_copy_loops_share_one_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(armexpr, "MAX_EXPANDED", 50)
    monkeypatch.setattr(arm, "MAX_EXPANDED", 50)
    deployment = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "[concat('deploy-', copyIndex())]",
        "copy": {"name": "deployments", "count": 10},
        "properties": {"mode": "Incremental", "template": template(pool_resource(10))},
    }
    pools = read_arm(tmp_path, monkeypatch, template(deployment))
    # The loop of deployments takes 10 of the 50; four of them make their 10 pools each, then
    # one record stands for the rest, with the reason.
    assert len(pools) == 41
    assert all(p.node_agent_sku_id.known for p in pools[:40])
    assert (
        "more copies than batchlint expands (50 in all)" in pools[-1].node_agent_sku_id.unresolved
    )


def test_bicep_values_that_double_are_unknown(tmp_path, monkeypatch):
    strings = "\n".join(
        ["var v0 = 'ab'"] + [f"var v{i + 1} = '${{v{i}}}${{v{i}}}'" for i in range(39)]
    )
    objects = "\n".join(
        ["var o0 = {a: 'x'}"] + [f"var o{i + 1} = {{a: o{i}, b: o{i}}}" for i in range(20)]
    )
    numbers = "\n".join(["var n0 = 3"] + [f"var n{i + 1} = n{i} * n{i}" for i in range(39)])
    files = {
        "strings.bicep": strings + bicep_pool("v39"),
        "concat.bicep": strings.replace("'${v", "concat(v").replace("}${", ", ").replace("}'", ")")
        + bicep_pool("v39"),
        "objects.bicep": objects + bicep_pool("o20" + ".a" * 20),
        "numbers.bicep": numbers + bicep_pool("string(n39)"),
        "pad.bicep": bicep_pool("padLeft('p', 9223372036854775807)"),
        "replace.bicep": bicep_pool(
            "replace(replace(replace(replace(replace(replace(TEN, 'a', TEN), 'a', TEN), 'a', TEN),"
            " 'a', TEN), 'a', TEN), 'a', TEN)".replace("TEN", "'aaaaaaaaaa'")
        ),
    }
    pools, _ = read_bicep(tmp_path, monkeypatch, files, list(files))
    assert len(pools) == len(files)
    for found in pools:
        assert "value larger than batchlint evaluates" in found.publisher.unresolved, found.name


def test_bicep_module_loops_share_one_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(bicepdeploy, "MAX_EXPANDED", 50)
    files = {
        "inner.bicep": bicep_pool("'canonical'", count=10),
        "main.bicep": "module m 'inner.bicep' = [for j in range(0, 10): {\n  name: 'm${j}'\n}]\n",
    }
    pools, _ = read_bicep(tmp_path, monkeypatch, files, ["main.bicep"])
    assert len(pools) < 50
    known = [p for p in pools if p.node_agent_sku_id.known]
    rest = [p.node_agent_sku_id.unresolved for p in pools if not p.node_agent_sku_id.known]
    assert len(known) == 45  # each call takes one, and its ten pools ten: 4 calls and a half
    # The fifth call's last pools, then the other calls: one record each, not left out.
    assert len(rest) == 2
    assert all("more copies than batchlint expands (50 in all)" in r for r in rest)


def test_terraform_values_that_double_are_unknown(tmp_path):
    doubled = "".join(f'  l{i + 1} = "${{local.l{i}}}${{local.l{i}}}"\n' for i in range(39))
    lists = "".join(f"  l{i + 1} = concat(local.l{i}, local.l{i})\n" for i in range(39))
    files = {
        "a/main.tf": 'locals {\n  l0 = "ab"\n' + doubled + "}\n" + tf_pool("local.l39"),
        "b/main.tf": 'locals {\n  l0 = ["ab"]\n' + lists + "}\n" + tf_pool("length(local.l39)"),
        "c/main.tf": tf_pool('format("%99999999999d", 1)'),
        "d/main.tf": tf_pool('format("%.99999999999f", 1)'),
        "e/main.tf": tf_pool(
            'replace(replace(replace("${local.t}${local.t}", "a", local.t), "a",'
            ' local.t), "a", local.t)'
        )
        + 'locals {\n  t = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"\n}\n',
    }
    pools, _ = read_terraform(tmp_path, files, list(files))
    assert len(pools) == len(files)
    for found in pools:
        assert "value larger than batchlint evaluates" in found.publisher.unresolved


def test_terraform_nested_for_expressions_stop_at_the_step_budget(tmp_path):
    files = {"main.tf": tf_pool("length([for a in range(10000): [for b in range(10000): a]])")}
    (found,) = read_terraform(tmp_path, files, ["main.tf"])[0]
    assert "more than batchlint evaluates" in found.publisher.unresolved


def test_terraform_module_loops_share_one_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(terraform_read, "MAX_EXPANDED", 50)
    looped = (
        tf_pool('"canonical"')
        .replace('name                = "p"', 'count = 10\n  name = "p"')
        .replace("ubuntu 22.04", "ubuntu ${count.index}")
    )
    files = {
        "mod/main.tf": looped,
        "main.tf": 'module "m" {\n  source = "./mod"\n  count  = 10\n}\n',
    }
    pools, _ = read_terraform(tmp_path, files, ["main.tf"])
    assert len(pools) < 50
    known = [p for p in pools if p.node_agent_sku_id.known]
    rest = [p.node_agent_sku_id.unresolved for p in pools if not p.node_agent_sku_id.known]
    assert len(known) == 45
    assert len(rest) == 2
    assert all("more instances than batchlint expands (50 in all)" in r for r in rest)


def test_terraform_module_cycle_through_a_symlink_is_not_followed(tmp_path):
    (tmp_path / "main.tf").write_text(
        'module "again" {\n  source = "./again"\n  count  = 2\n}\n' + tf_pool('"canonical"')
    )
    os.symlink(".", tmp_path / "again")
    out = lint(tmp_path, "main.tf")
    assert "cycle" in out


def test_the_weight_memo_stays_small():
    # It holds the values it weighed; a run over many files must not keep them all alive.
    for _ in range(limits.MEMO_SIZE * 3):
        limits.value_too_large([[1, 2], [3]])
    assert len(limits._memo) <= limits.MEMO_SIZE
