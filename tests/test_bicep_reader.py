"""The Bicep reader: pools from templates, parameter files, modules, loops and conditions."""

import subprocess
import sys
import textwrap

from batchlint.reader import ReadContext, ReadOptions, SourceFile
from batchlint.readers.bicep import BicepReader

from helpers import lint_json


def pool(name: str = "'pool-a'", agent: str = "'batch.node.ubuntu 22.04'", head: str = "") -> str:
    """A pool resource whose name and node agent are the given Bicep expressions."""
    return textwrap.dedent(f"""\
        resource p 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {head}{{
          name: {name}
          properties: {{
            vmSize: 'Standard_D2s_v5'
            deploymentConfiguration: {{
              virtualMachineConfiguration: {{
                imageReference: {{
                  publisher: 'canonical'
                  offer: '0001-com-ubuntu-server-jammy'
                  sku: '22_04-lts'
                }}
                nodeAgentSkuId: {agent}
              }}
            }}
          }}
        }}
        """)


def looped(head: str, name: str = "'pool-a'", agent: str = "'batch.node.ubuntu 22.04'") -> str:
    """A pool resource in a loop: ``head`` opens it (``[for ...: ``), the text closes it."""
    return pool(name, agent, head).rstrip() + "]\n"


def read(tmp_path, monkeypatch, files, inputs, *, explicit=True, **options):
    """(pools, diagnostics) of ``inputs``, read the way a run reads them, from ``tmp_path``.

    ``explicit`` says whether the inputs were named on the command line or met in a folder.
    """
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    ctx = ReadContext(inputs, ReadOptions(**options))
    reader = BicepReader()
    pools, diagnostics = [], []
    for name in inputs:
        source = SourceFile(name, (tmp_path / name).read_text(), explicit)
        result = reader.read(source, ctx)
        pools.extend(result.pools)
        diagnostics.extend(result.diagnostics)
    return pools, diagnostics


def agents(pools) -> list[tuple]:
    """(name, agent, agent file, agent line) of each pool."""
    out = []
    for found in pools:
        agent = found.node_agent_sku_id
        out.append((found.name, agent.value, agent.location.file, agent.location.line))
    return out


# -- parameter values ---------------------------------------------------------------------


def test_parameters_json_beside_the_template_overrides_the_default(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string = 'batch.node.ubuntu 20.04'\n" + pool(agent="agent"),
        "main.parameters.json": '{\n  "parameters": {\n'
        '    "agent": { "value": "batch.node.ubuntu 22.04" }\n  }\n}\n',
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert diagnostics == []
    assert agents(pools) == [("pool-a", "batch.node.ubuntu 22.04", "main.parameters.json", 3)]
    assert pools[0].node_agent_sku_id.origin == "parameters file main.parameters.json"


def test_parameters_option_names_the_json_file(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string\n" + pool(agent="agent"),
        "prod.json": '{"parameters": {"agent": {"value": "batch.node.el 9"}}}',
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"], parameter_files=("prod.json",))
    assert agents(pools) == [("pool-a", "batch.node.el 9", "prod.json", 1)]


def test_parameters_option_bicepparam_applies_to_the_template_it_uses(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string = 'batch.node.ubuntu 20.04'\n" + pool(agent="agent"),
        "other.bicep": "param agent string = 'batch.node.el 8'\n" + pool("'pool-b'", "agent"),
        "prod.bicepparam": "using './main.bicep'\nparam agent = 'batch.node.ubuntu 22.04'\n",
    }
    pools, _ = read(
        tmp_path,
        monkeypatch,
        files,
        ["main.bicep", "other.bicep"],
        parameter_files=("prod.bicepparam",),
    )
    assert agents(pools) == [
        ("pool-a", "batch.node.ubuntu 22.04", "prod.bicepparam", 2),
        ("pool-b", "batch.node.el 8", "other.bicep", 1),
    ]


def test_key_vault_reference_in_a_parameters_file_is_unknown(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string\n" + pool(agent="agent"),
        "main.parameters.json": '{"parameters": {"agent": {"reference": {"keyVault": {}}}}}',
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert "Key Vault reference" in pools[0].node_agent_sku_id.unresolved


def test_bicepparam_values_can_use_its_variables(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string\n" + pool(agent="agent"),
        "main.bicepparam": "using 'main.bicep'\nvar os = 'ubuntu'\nparam agent = "
        "'batch.node.${os} 22.04'\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert agents(pools) == [("pool-a", "batch.node.ubuntu 22.04", "main.bicepparam", 3)]


def test_two_bicepparam_files_report_the_template_once_each(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param agent string\n" + pool(agent="agent"),
        "dev.bicepparam": "using './main.bicep'\nparam agent = 'batch.node.el 8'\n",
        "prod.bicepparam": "using './main.bicep'\nparam agent = 'batch.node.el 9'\n",
    }
    inputs = ["dev.bicepparam", "main.bicep", "prod.bicepparam"]
    pools, _ = read(tmp_path, monkeypatch, files, inputs)
    assert [p.node_agent_sku_id.value for p in pools] == ["batch.node.el 8", "batch.node.el 9"]


def test_bicepparam_whose_template_is_missing_gives_module_not_found(tmp_path, monkeypatch):
    files = {"prod.bicepparam": "using './gone.bicep'\nparam agent = 'x'\n"}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["prod.bicepparam"])
    assert pools == []
    assert [(d.kind, d.location.line) for d in diagnostics] == [("module-not-found", 1)]


# -- modules ------------------------------------------------------------------------------


MODULE = "param name string\nparam agent string = 'batch.node.ubuntu 22.04'\n" + pool(
    "name", "agent"
)


def test_module_loop_gives_one_pool_per_element_at_the_module_line(tmp_path, monkeypatch):
    files = {
        "mods/pool.bicep": MODULE,
        "main.bicep": textwrap.dedent("""\
            param names array = [
              'a'
              'b'
            ]
            module pools 'mods/pool.bicep' = [for n in names: {
              name: 'deploy-${n}'
              params: {
                name: 'pool-${n}'
              }
            }]
            """),
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert diagnostics == []
    assert [(p.name, p.location.file, p.location.line) for p in pools] == [
        ("pool-a", "mods/pool.bicep", 3),
        ("pool-b", "mods/pool.bicep", 3),
    ]
    assert [[(v.file, v.line) for v in p.via] for p in pools] == [[("main.bicep", 5)]] * 2


def test_module_argument_is_credited_to_the_call(tmp_path, monkeypatch):
    files = {
        "mods/pool.bicep": MODULE,
        "main.bicep": "module m './mods/pool.bicep' = {\n  name: 'm'\n  params: {\n"
        "    name: 'pool-a'\n    agent: 'batch.node.el 9'\n  }\n}\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert agents(pools) == [("pool-a", "batch.node.el 9", "main.bicep", 5)]
    assert pools[0].node_agent_sku_id.origin == "argument of module m"


def test_registry_and_template_spec_modules_are_not_fetched(tmp_path, monkeypatch):
    files = {
        "main.bicep": "module a 'br/public:avm/res/batch/batch-account:0.1.0' = {\n"
        "  name: 'a'\n}\n"
        "module b 'br:contoso.azurecr.io/pool:1.0' = {\n  name: 'b'\n}\n"
        "module c 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = {\n  name: 'c'\n}\n"
        "var agent = a.outputs.agent\n"
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert (pools, diagnostics) == ([], [])


def test_output_of_a_registry_module_is_unknown_with_that_reason(tmp_path, monkeypatch):
    files = {
        "main.bicep": "module reg 'br:contoso.azurecr.io/agents:1.0' = {\n  name: 'reg'\n}\n"
        + pool(agent="reg.outputs.agent")
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert "br:contoso.azurecr.io/agents:1.0, which is not fetched" in (
        pools[0].node_agent_sku_id.unresolved
    )


def test_module_that_uses_itself_is_reported_and_not_followed(tmp_path, monkeypatch):
    files = {
        "a.bicep": "module b './b.bicep' = {\n  name: 'b'\n}\n",
        "b.bicep": pool() + "module a './a.bicep' = {\n  name: 'a'\n}\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["a.bicep"])
    assert [p.location.file for p in pools] == ["b.bicep"]
    assert [(d.kind, d.location.file, d.location.line) for d in diagnostics] == [
        ("parse-error", "b.bicep", 17)
    ]
    assert "a.bicep -> b.bicep -> a.bicep" in diagnostics[0].message


def test_module_with_unknown_parameters_gives_unknown_values(tmp_path, monkeypatch):
    files = {
        "mods/pool.bicep": MODULE,
        "main.bicep": "module m './mods/pool.bicep' = {\n  name: 'm'\n"
        "  params: reference('x').params\n}\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert pools[0].name is None
    assert "reference()" in pools[0].node_agent_sku_id.unresolved


def test_module_file_among_the_inputs_is_reported_through_its_caller(tmp_path, monkeypatch):
    files = {
        "mods/pool.bicep": MODULE,
        "main.bicep": "module m './mods/pool.bicep' = {\n  name: 'm'\n"
        "  params: {\n    name: 'pool-a'\n  }\n}\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep", "mods/pool.bicep"])
    assert [(p.name, [v.file for v in p.via]) for p in pools] == [("pool-a", ["main.bicep"])]


def test_module_file_alone_is_read_as_a_template(tmp_path, monkeypatch):
    pools, _ = read(tmp_path, monkeypatch, {"mods/pool.bicep": MODULE}, ["mods/pool.bicep"])
    assert pools[0].name is None
    assert pools[0].node_agent_sku_id.origin == "default of parameter agent"


ARM_TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"agent": {"type": "string", "defaultValue": "batch.node.ubuntu 20.04"}},
  "resources": [{
    "type": "Microsoft.Batch/batchAccounts/pools",
    "apiVersion": "2024-07-01",
    "name": "acct/armpool",
    "properties": {"deploymentConfiguration": {"virtualMachineConfiguration": {
      "nodeAgentSkuId": "[parameters('agent')]"}}}
  }]
}
"""


def test_a_bicepparam_that_uses_an_arm_template_gives_it_its_values(tmp_path, monkeypatch):
    files = {
        "main.json": ARM_TEMPLATE,
        "main.bicepparam": "using './main.json'\n\nparam agent = 'batch.node.el 9'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert diagnostics == []
    assert agents(pools) == [("acct/armpool", "batch.node.el 9", "main.bicepparam", 3)]
    assert pools[0].location.file == "main.json"


def test_an_arm_template_that_a_bicepparam_input_uses_is_reported_once(tmp_path):
    (tmp_path / "main.json").write_text(ARM_TEMPLATE)
    (tmp_path / "main.bicepparam").write_text(
        "using 'main.json'\nparam agent = 'batch.node.el 9'\n"
    )
    doc = lint_json(".", cwd=tmp_path)
    assert [(p["file"], p["values"]["node_agent_sku_id"]["value"]) for p in doc["pools"]] == [
        ("main.json", "batch.node.el 9")
    ]


def test_an_arm_template_module_met_in_the_same_run_is_reported_once(tmp_path):
    (tmp_path / "arm.json").write_text(ARM_TEMPLATE)
    (tmp_path / "main.bicep").write_text(
        "module m './arm.json' = {\n  name: 'm'\n  params: { agent: 'batch.node.el 9' }\n}\n"
    )
    doc = lint_json(".", cwd=tmp_path)
    assert [(p["file"], p["values"]["node_agent_sku_id"]["value"]) for p in doc["pools"]] == [
        ("arm.json", "batch.node.el 9")
    ]


def test_a_bicepparam_that_uses_json_that_is_not_a_template_says_so(tmp_path, monkeypatch):
    files = {"other.json": '{"a": 1}', "main.bicepparam": "using './other.json'\n"}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert pools == []
    assert [(d.kind, d.location.line, d.message) for d in diagnostics] == [
        (
            "parse-error",
            1,
            "template ./other.json named by using is not an ARM template (other.json)",
        )
    ]


def test_arm_template_module_is_read_with_the_call_values(tmp_path, monkeypatch):
    template = """{
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {"agent": {"type": "string"}},
      "resources": [{
        "type": "Microsoft.Batch/batchAccounts/pools",
        "apiVersion": "2024-07-01",
        "name": "acct/armpool",
        "properties": {"deploymentConfiguration": {"virtualMachineConfiguration": {
          "nodeAgentSkuId": "[parameters('agent')]"}}}
      }]
    }"""
    files = {
        "arm.json": template,
        "main.bicep": "module m './arm.json' = {\n  name: 'm'\n"
        "  params: {\n    agent: 'batch.node.el 9'\n  }\n}\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert agents(pools) == [("acct/armpool", "batch.node.el 9", "main.bicep", 4)]
    assert [(v.file, v.line) for v in pools[0].via] == [("main.bicep", 1)]


def test_syntax_error_in_a_module_is_reported_once_in_the_module_file(tmp_path, monkeypatch):
    files = {
        "mods/bad.bicep": "param name string\nvar broken = 'open\n",
        "main.bicep": "module a './mods/bad.bicep' = {\n  name: 'a'\n}\n"
        "module b './mods/bad.bicep' = {\n  name: 'b'\n}\n",
    }
    _, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [(d.kind, d.location.file, d.location.line) for d in diagnostics] == [
        ("parse-error", "mods/bad.bicep", 2)
    ]


def test_imported_variable_is_read_from_the_local_file(tmp_path, monkeypatch):
    files = {
        "shared.bicep": "@export()\nvar agent = 'batch.node.el 9'\n",
        "main.bicep": "import {agent as a} from './shared.bicep'\n" + pool(agent="a"),
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert agents(pools) == [("pool-a", "batch.node.el 9", "shared.bicep", 2)]


# -- loops, conditions, names -------------------------------------------------------------


def test_false_condition_leaves_the_pool_out(tmp_path, monkeypatch):
    files = {"main.bicep": "param deploy bool = false\n" + pool(head="if (deploy) ")}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert pools == []


def test_condition_is_noted_on_the_pool(tmp_path, monkeypatch):
    files = {"main.bicep": "param deploy bool\n" + pool(head="if (deploy) ")}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.condition for p in pools] == ["deploy"]


def test_module_condition_and_pool_condition_are_both_noted(tmp_path, monkeypatch):
    files = {
        "mods/pool.bicep": "param gpu bool\n" + pool(head="if (gpu) "),
        "main.bicep": "param on bool\nmodule m './mods/pool.bicep' = if (on) {\n  name: 'm'\n}\n",
    }
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.condition for p in pools] == ["on && gpu"]


def test_range_loop_with_filter(tmp_path, monkeypatch):
    files = {"main.bicep": looped("[for i in range(0, 3): if (i != 1) ", "'pool-${i}'")}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.name for p in pools] == ["pool-0", "pool-2"]
    assert [p.condition for p in pools] == ["i != 1", "i != 1"]


def test_loop_instances_with_one_name_are_numbered(tmp_path, monkeypatch):
    files = {"main.bicep": looped("[for i in range(0, 2): ", "'same'")}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.name for p in pools] == ["same[0]", "same[1]"]


def test_loop_over_an_unknown_array_gives_one_pool_with_unknown_values(tmp_path, monkeypatch):
    loop = looped("[for cfg in poolList: ", "cfg.name", "cfg.agent")
    files = {"main.bicep": "param poolList array\n" + loop}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert len(pools) == 1
    assert "unknown list" in pools[0].node_agent_sku_id.unresolved
    assert pools[0].node_agent_sku_id.location.line == 13


def test_loop_past_the_item_cap_gives_one_more_pool_for_the_rest(tmp_path, monkeypatch):
    loop = looped(
        "[for i in concat(range(0, 1000), range(1000, 1)): ",
        "'pool-${i}'",
        "i == 1000 ? 'batch.node.ubuntu 18.04' : 'batch.node.ubuntu 22.04'",
    )
    pools, _ = read(tmp_path, monkeypatch, {"main.bicep": loop}, ["main.bicep"])
    assert len(pools) == 1001
    assert pools[999].node_agent_sku_id.value == "batch.node.ubuntu 22.04"
    rest = pools[1000].node_agent_sku_id
    assert not rest.known
    assert (
        "the loop runs over 1001 items, more than batchlint expands (1000); "
        "items 1000 and later are not checked" in rest.unresolved
    )


def test_nested_child_pool_takes_the_region_of_its_account(tmp_path, monkeypatch):
    child = pool().replace("'Microsoft.Batch/batchAccounts/pools@2024-07-01'", "'pools'")
    child = textwrap.indent(child, "  ")
    text = (
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' = {\n"
        "  name: 'contosobatch'\n  location: 'westeurope'\n" + child + "}\n"
    )
    pools, _ = read(tmp_path, monkeypatch, {"main.bicep": text}, ["main.bicep"])
    assert [(p.name, p.location.line, p.region.value) for p in pools] == [
        ("pool-a", 4, "westeurope")
    ]


def test_pool_with_parent_or_account_name_takes_the_account_region(tmp_path, monkeypatch):
    account = (
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' = {\n"
        "  name: 'contosobatch'\n  location: 'northeurope'\n}\n"
    )
    with_parent = pool().replace("= {\n", "= {\n  parent: account\n", 1)
    by_name = pool("'contosobatch/pool-b'")
    files = {"main.bicep": account + with_parent + by_name}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [(p.name, p.region.value) for p in pools] == [
        ("pool-a", "northeurope"),
        ("contosobatch/pool-b", "northeurope"),
    ]


def test_region_that_needs_the_deployment_is_left_out(tmp_path, monkeypatch):
    account = (
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' = {\n"
        "  name: 'contosobatch'\n  location: resourceGroup().location\n}\n"
    )
    files = {"main.bicep": account + pool().replace("= {\n", "= {\n  parent: account\n", 1)}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert pools[0].region is None


def test_syntax_error_in_one_pool_leaves_the_others_reported(tmp_path, monkeypatch):
    broken = pool("'broken'", "'batch.node.ubuntu 22.04")
    files = {"main.bicep": broken + pool("'pool-b'")}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.name for p in pools] == ["pool-b"]
    assert [(d.kind, d.location.line) for d in diagnostics] == [("parse-error", 12)]


def test_a_pool_name_that_refers_to_itself_is_unknown_and_the_other_pools_are_read(
    tmp_path, monkeypatch
):
    files = {"main.bicep": pool("'x-${p.name}'") + pool("'pool-b'").replace(" p ", " q ", 1)}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.name for p in pools] == [None, "pool-b"]
    assert diagnostics == []


def test_pool_names_that_refer_to_each_other_are_unknown(tmp_path, monkeypatch):
    first = pool("q.name").replace(" p ", " a ", 1)
    files = {"main.bicep": first + pool("a.name").replace(" p ", " q ", 1) + pool("'pool-c'")}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    assert [p.name for p in pools] == [None, None, "pool-c"]


def test_a_pool_property_that_refers_to_its_own_pool_is_unknown_saying_so(tmp_path, monkeypatch):
    files = {"main.bicep": pool(agent="p.properties.vmSize")}
    (found,), _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    agent = found.node_agent_sku_id
    assert agent.unresolved == "p.properties refers to itself"
    assert (agent.location.line, agent.location.column) == (12, 25)


def test_one_more_syntax_error_is_counted_in_the_singular(tmp_path, monkeypatch):
    files = {"main.bicep": "var a = 'open\n" + pool("'broken")}
    _, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"])
    (diagnostic,) = diagnostics
    assert diagnostic.message.endswith("(1 more syntax error in this file)")


def test_syntax_error_in_a_file_about_batch_met_in_a_folder_is_reported(tmp_path, monkeypatch):
    files = {"main.bicep": pool("'broken")}
    _, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicep"], explicit=False)
    assert [d.kind for d in diagnostics] == ["parse-error"]


def test_syntax_error_in_a_file_not_about_batch_met_in_a_folder_is_left_alone(
    tmp_path, monkeypatch
):
    files = {"storage.bicep": "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n"}
    _, diagnostics = read(tmp_path, monkeypatch, files, ["storage.bicep"], explicit=False)
    assert diagnostics == []


def test_other_pool_fields_are_read(tmp_path, monkeypatch):
    text = textwrap.dedent("""\
        resource p 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {
          name: 'pool-a'
          properties: {
            vmSize: 'Standard_NC6s_v3'
            targetNodeCommunicationMode: 'Classic'
            certificates: [
              { id: 'cert' }
            ]
            scaleSettings: { fixedScale: { targetLowPriorityNodes: 2 } }
            deploymentConfiguration: {
              virtualMachineConfiguration: {
                imageReference: {
                  publisher: 'microsoftwindowsserver'
                  offer: 'windowsserver'
                  sku: '2022-datacenter'
                }
                nodeAgentSkuId: 'batch.node.windows amd64'
                windowsConfiguration: { enableAutomaticUpdates: false }
                containerConfiguration: { type: 'DockerCompatible' }
                extensions: [
                  { name: 'gpu', type: 'NvidiaGpuDriverWindows', publisher: 'Microsoft.HpcCompute' }
                ]
              }
            }
          }
        }
        """)
    pools, _ = read(tmp_path, monkeypatch, {"main.bicep": text}, ["main.bicep"])
    found = pools[0]
    assert found.containers is True
    assert found.node_communication_mode.value == "Classic"
    assert found.low_priority_nodes.value == "2"
    assert found.certificate_references.line == 6
    assert [name for name, _ in found.os_settings] == ["windowsConfiguration"]
    assert [e.value for e in found.extensions] == ["NvidiaGpuDriverWindows"]


def test_pool_position_is_the_resource_line_and_value_position_is_the_literal(
    tmp_path, monkeypatch
):
    files = {"main.bicep": "\n\n" + pool()}
    pools, _ = read(tmp_path, monkeypatch, files, ["main.bicep"])
    found = pools[0]
    assert (found.location.line, found.location.column) == (3, 1)
    assert (found.sku.location.line, found.sku.location.column) == (12, 16)
    assert found.format == "bicep"


def test_reading_bicep_does_not_import_tree_sitter_at_start_up():
    code = "import sys, batchlint.readers.bicep; print('tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
