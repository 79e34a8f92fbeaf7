"""The ARM reader's copy loops: one pool per copy, and none dropped past the expansion limit."""

import json

from batchlint.reader import ReadContext, ReadOptions, SourceFile
from batchlint.readers.arm import MAX_COPIES, ArmReader

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
AGENT = "[if(equals(copyIndex(), 1000), 'batch.node.ubuntu 18.04', 'batch.node.ubuntu 22.04')]"


def pool_resource(count: int) -> dict:
    return {
        "type": "Microsoft.Batch/batchAccounts/pools",
        "apiVersion": "2024-07-01",
        "name": "[concat('acct/pool-', copyIndex())]",
        "copy": {"name": "pools", "count": count},
        "properties": {
            "vmSize": "standard_d2s_v5",
            "deploymentConfiguration": {
                "virtualMachineConfiguration": {
                    "imageReference": {
                        "publisher": "canonical",
                        "offer": "0001-com-ubuntu-server-jammy",
                        "sku": "22_04-lts",
                    },
                    "nodeAgentSkuId": AGENT,
                }
            },
        },
    }


def template(*resources: dict) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": list(resources)}


def read(tmp_path, monkeypatch, doc: dict):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.json").write_text(json.dumps(doc, indent=2))
    ctx = ReadContext(["main.json"], ReadOptions())
    source = SourceFile("main.json", (tmp_path / "main.json").read_text(), True)
    return ArmReader().read(source, ctx).pools


def test_copy_count_within_the_limit_gives_one_pool_per_copy(tmp_path, monkeypatch):
    pools = read(tmp_path, monkeypatch, template(pool_resource(3)))
    assert [p.name for p in pools] == ["acct/pool-0", "acct/pool-1", "acct/pool-2"]


def test_copy_count_past_the_limit_gives_one_more_pool_for_the_rest(tmp_path, monkeypatch):
    pools = read(tmp_path, monkeypatch, template(pool_resource(MAX_COPIES + 1)))
    assert len(pools) == MAX_COPIES + 1
    assert pools[999].node_agent_sku_id.value == "batch.node.ubuntu 22.04"
    rest = pools[1000].node_agent_sku_id
    assert not rest.known
    assert (
        "copy count = 1001 is more than batchlint expands (1000); "
        "copies 1000 and later are not checked" in rest.unresolved
    )


def test_nested_deployment_copies_past_the_limit_are_not_dropped(tmp_path, monkeypatch):
    inner = pool_resource(1)
    inner.pop("copy")
    inner["name"] = "[concat('acct/pool-', copyIndex())]"
    deployment = {
        "type": "Microsoft.Resources/deployments",
        "apiVersion": "2022-09-01",
        "name": "[concat('deploy-', copyIndex())]",
        "copy": {"name": "deployments", "count": MAX_COPIES + 1},
        "properties": {"mode": "Incremental", "template": template(inner)},
    }
    pools = read(tmp_path, monkeypatch, template(deployment))
    assert len(pools) == MAX_COPIES + 1
    assert "copies 1000 and later are not checked" in pools[-1].node_agent_sku_id.unresolved
