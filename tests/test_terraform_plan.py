"""Plan JSON: pools from planned_values only, with after_unknown values left unresolved."""

import json

from batchlint.reader import ReadContext, SourceFile
from batchlint.readers.terraform import TerraformReader


def _pool_resource(address, name, agent, **values):
    body = {
        "name": name,
        "account_name": "contosobatch",
        "vm_size": "Standard_D2s_v5",
        "node_agent_sku_id": agent,
        "storage_image_reference": [
            {"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server"}
        ],
        "container_configuration": [],
    }
    body.update(values)
    return {"address": address, "mode": "managed", "type": "azurerm_batch_pool", "values": body}


ACCOUNT = {
    "address": "azurerm_batch_account.a",
    "mode": "managed",
    "type": "azurerm_batch_account",
    "values": {"name": "contosobatch", "location": "northeurope"},
}


def plan(root_resources, child_modules=(), changes=(), prior=None):
    doc = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {"resources": list(root_resources), "child_modules": list(child_modules)}
        },
        "resource_changes": list(changes),
    }
    if prior is not None:
        doc["prior_state"] = {"values": {"root_module": {"resources": prior}}}
    return json.dumps(doc, indent=2)


def read(tmp_path, text, name="plan.json"):
    path = tmp_path / name
    path.write_text(text)
    source = SourceFile(str(path), text, explicit=True)
    return TerraformReader().read(source, ReadContext([str(path)]))


def test_root_module_pool_is_read_with_its_values(tmp_path):
    result = read(tmp_path, plan([_pool_resource("azurerm_batch_pool.p", "pool-a", "agent-a")]))
    (pool,) = result.pools
    assert (pool.name, pool.format, pool.node_agent_sku_id.value) == (
        "pool-a",
        "terraform-plan",
        "agent-a",
    )


def test_pool_line_is_the_resource_object_and_values_have_their_lines(tmp_path):
    text = plan([_pool_resource("azurerm_batch_pool.p", "pool-a", "agent-a")])
    (pool,) = read(tmp_path, text).pools
    lines = text.splitlines()
    assert lines[pool.location.line - 1].strip() == "{"
    assert '"agent-a"' in lines[pool.node_agent_sku_id.location.line - 1]


def test_nested_child_module_pools_are_read(tmp_path):
    inner = {
        "address": "module.a.module.b",
        "resources": [
            _pool_resource('module.a.module.b["x"].azurerm_batch_pool.p[0]', "pool-deep", "d")
        ],
    }
    outer = {
        "address": "module.a",
        "resources": [_pool_resource("module.a.azurerm_batch_pool.q", "pool-mid", "m")],
        "child_modules": [inner],
    }
    result = read(tmp_path, plan([], [outer]))
    assert sorted(p.name for p in result.pools) == ["pool-deep", "pool-mid"]


def test_pools_only_in_resource_changes_or_prior_state_are_not_read(tmp_path):
    gone = _pool_resource("azurerm_batch_pool.gone", "pool-gone", "x")
    change = {
        "address": "azurerm_batch_pool.gone",
        "change": {"actions": ["delete"], "before": gone["values"], "after": None},
    }
    result = read(tmp_path, plan([], changes=[change], prior=[gone]))
    assert result.pools == []


def test_after_unknown_image_id_is_unresolved(tmp_path):
    resource = _pool_resource(
        "azurerm_batch_pool.c", "pool-c", "a", storage_image_reference=[{"publisher": None}]
    )
    change = {
        "address": "azurerm_batch_pool.c",
        "change": {"after_unknown": {"storage_image_reference": [{"id": True}]}},
    }
    (pool,) = read(tmp_path, plan([resource], changes=[change])).pools
    assert not pool.image_id.known
    assert "storage_image_reference[0].id" in pool.image_id.unresolved
    assert pool.publisher is None


def test_container_configuration_block_turns_on_containers(tmp_path):
    resource = _pool_resource(
        "azurerm_batch_pool.c",
        "pool-c",
        "a",
        container_configuration=[{"type": "DockerCompatible"}],
    )
    (pool,) = read(tmp_path, plan([resource])).pools
    assert pool.containers is True


def test_region_comes_from_the_planned_account(tmp_path):
    (pool,) = read(
        tmp_path, plan([ACCOUNT, _pool_resource("azurerm_batch_pool.p", "p", "a")])
    ).pools
    assert pool.region.value == "northeurope"


def test_azapi_pool_in_a_plan_is_read(tmp_path):
    resource = {
        "address": "azapi_resource.pool",
        "mode": "managed",
        "type": "azapi_resource",
        "values": {
            "type": "Microsoft.Batch/batchAccounts/pools@2024-07-01",
            "name": "pool-azapi",
            "body": {
                "properties": {
                    "deploymentConfiguration": {
                        "virtualMachineConfiguration": {
                            "imageReference": {"publisher": "canonical", "offer": "o", "sku": "s"},
                            "nodeAgentSkuId": "batch.node.ubuntu 24.04",
                        }
                    }
                }
            },
        },
    }
    (pool,) = read(tmp_path, plan([resource])).pools
    assert (pool.name, pool.node_agent_sku_id.value) == ("pool-azapi", "batch.node.ubuntu 24.04")


def test_json_that_is_not_a_plan_is_left_to_other_readers(tmp_path):
    assert read(tmp_path, '{"format_version": "1.0", "values": {}}') is None


def test_invalid_json_is_left_to_other_readers(tmp_path):
    assert read(tmp_path, "{nope") is None
