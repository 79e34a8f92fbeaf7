"""Strange and hostile inputs that once crashed or misled a run: each gets a defined result."""

from __future__ import annotations

import json
import os

from helpers import AS_OF, lint_json, run_cli, write

SPEC = {
    "id": "p1",
    "vmSize": "standard_d2s_v5",
    "virtualMachineConfiguration": {
        "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server"},
        "nodeAgentSKUId": "batch.node.ubuntu 24.04",
    },
}


def test_an_unknown_pool_body_is_unresolved_not_a_cloud_service_pool(tmp_path):
    write(
        tmp_path,
        "main.json",
        """
        {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
         "contentVersion": "1.0.0.0",
         "parameters": {"poolProps": {"type": "object"}},
         "resources": [{"type": "Microsoft.Batch/batchAccounts/pools", "apiVersion": "2024-07-01",
                        "name": "a/p", "properties": "[parameters('poolProps')]"}]}
    """,
    )
    doc = lint_json(str(tmp_path / "main.json"))
    assert {f["rule_name"] for f in doc["findings"]} == {"value-unresolved"}


def test_a_lone_surrogate_is_shown_escaped_in_every_output(tmp_path):
    text = json.dumps(SPEC).replace('"server"', '"server\\ud800"')
    (tmp_path / "pool.json").write_text(text)
    for fmt in ("text", "json", "sarif", "github"):
        proc = run_cli(str(tmp_path / "pool.json"), "--as-of", AS_OF, "-f", fmt)
        assert proc.returncode == 1, (fmt, proc.stderr)
        assert "Traceback" not in proc.stderr
    out = tmp_path / "out.json"
    proc = run_cli(str(tmp_path / "pool.json"), "--as-of", AS_OF, "-f", "json", "-o", str(out))
    assert proc.returncode == 1
    assert json.loads(out.read_text())["pools"][0]["values"]["sku"]["value"] == "server\ud800"


def test_control_characters_cannot_forge_a_finding_line(tmp_path):
    spec = json.loads(json.dumps(SPEC))
    spec["virtualMachineConfiguration"]["imageReference"]["sku"] = (
        "s\u001b[2J\r\nfake.json:1:1: info BL000 all good"
    )
    (tmp_path / "pool.json").write_text(json.dumps(spec))
    proc = run_cli(str(tmp_path / "pool.json"), "--as-of", AS_OF, "--no-color")
    assert "\x1b" not in proc.stdout
    assert not any(line.startswith("fake.json") for line in proc.stdout.splitlines())
    assert "s\\x1b[2J\\x0d\\x0afake.json" in proc.stdout


def test_yaml_merge_keys_are_followed(tmp_path):
    write(
        tmp_path,
        "pool.yaml",
        """
        base: &img {publisher: canonical, offer: ubuntu-24_04-lts, sku: server}
        id: p1
        virtualMachineConfiguration:
          imageReference:
            <<: *img
          nodeAgentSKUId: batch.node.ubuntu 24.04
    """,
    )
    doc = lint_json(str(tmp_path / "pool.yaml"))
    assert doc["findings"] == []
    assert doc["pools"][0]["values"]["sku"]["value"] == "server"


def test_a_yaml_tag_that_does_not_fit_stays_text(tmp_path):
    spec = (
        "id: p1\nvirtualMachineConfiguration:\n  imageReference:\n    publisher: canonical\n"
        "    offer: ubuntu-24_04-lts\n    sku: !!bool 12\n  nodeAgentSKUId: x\n"
    )
    (tmp_path / "pool.yaml").write_text(spec)
    doc = lint_json(str(tmp_path / "pool.yaml"))
    assert doc["pools"][0]["values"]["sku"]["value"] == "12"


def test_a_number_too_long_for_python_is_a_parse_error(tmp_path):
    (tmp_path / "pool.json").write_text(
        '{"virtualMachineConfiguration": {"x": ' + "9" * 5000 + "}}"
    )
    proc = run_cli(str(tmp_path / "pool.json"))
    assert "pool.json:1:39: error BL001 Number too long (5000 digits)" in proc.stdout


def test_an_output_file_that_is_being_linted_is_not_overwritten(tmp_path):
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(SPEC))
    before = path.read_bytes()
    proc = run_cli(str(path), "-f", "json", "-o", str(path))
    assert proc.returncode == 2
    assert "is one of the files being linted" in proc.stderr
    assert path.read_bytes() == before


def test_an_output_symlink_is_written_through(tmp_path):
    (tmp_path / "pool.json").write_text(json.dumps(SPEC))
    (tmp_path / "real.sarif").write_text("")
    os.symlink(tmp_path / "real.sarif", tmp_path / "link.sarif")
    run_cli(str(tmp_path / "pool.json"), "-f", "sarif", "-o", str(tmp_path / "link.sarif"))
    assert os.path.islink(tmp_path / "link.sarif")
    assert json.loads((tmp_path / "real.sarif").read_text())["version"] == "2.1.0"


def test_snapshot_capabilities_of_the_wrong_type_are_a_clear_error(tmp_path):
    entry = {
        "imageReference": {"publisher": "a", "offer": "b", "sku": "c"},
        "nodeAgentSKUId": "x",
        "capabilities": 5,
    }
    (tmp_path / "images.json").write_text(json.dumps([entry]))
    proc = run_cli("examples", "--images", str(tmp_path / "images.json"))
    assert proc.returncode == 2
    assert "entry 1: capabilities must be a list of strings" in proc.stderr


def test_a_snapshot_nested_beyond_reason_is_a_clear_error(tmp_path):
    (tmp_path / "images.json").write_text("[" * 100_000)
    proc = run_cli("examples", "--images", str(tmp_path / "images.json"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_bad_jobs_and_sizes_are_usage_errors():
    assert run_cli("-j", "0", "examples").returncode == 2
    assert run_cli("--max-file-size", "inf", "examples").returncode == 2


def test_a_device_named_on_the_command_line_is_read_only_up_to_the_limit():
    proc = run_cli("/dev/zero", "--no-config", timeout=30)
    assert proc.returncode == 0
    assert "/dev/zero:1:1: warning BL003 file skipped: more than the --max-file-size limit" in (
        proc.stdout
    )


def test_a_closed_pipe_keeps_the_exit_status(tmp_path):
    import subprocess
    import sys

    for index in range(300):  # enough output to outlast a reader that stops after one line
        spec = json.loads(json.dumps(SPEC))
        spec["virtualMachineConfiguration"]["imageReference"]["sku"] = f"nope-{index}"
        (tmp_path / f"pool{index:03}.json").write_text(json.dumps(spec))
    proc = subprocess.run(
        f"'{sys.executable}' -m batchlint -j1 --no-config '{tmp_path}' | head -1; "
        "exit ${PIPESTATUS[0]}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


POOL_BICEP = (
    "resource p 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {\n"
    "  name: 'acct/pool'\n  properties: {}\n}\n"
)
#: A line that must not be copied into a report when a module path happens to name its file.
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"


def test_a_bicep_module_that_is_a_device_or_a_pipe_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.bicep")
    write(
        tmp_path,
        "main.bicep",
        "module a '/dev/zero' = { name: 'a' }\n"
        "module b './pipe.bicep' = { name: 'b' }\n" + POOL_BICEP,
    )
    proc = run_cli("main.bicep", "--no-config", cwd=tmp_path, timeout=30)
    assert "Traceback" not in proc.stderr
    assert "main.bicep:1:1: error BL002 module /dev/zero is not read: batchlint reads a .bicep" in (
        proc.stdout
    )
    assert "main.bicep:2:1: error BL002 module ./pipe.bicep is not a regular file" in proc.stdout


def test_a_bicepparam_that_uses_a_device_is_not_read(tmp_path):
    write(tmp_path, "main.bicepparam", "using '/dev/zero'\n")
    proc = run_cli("main.bicepparam", "--no-config", cwd=tmp_path, timeout=30)
    assert "main.bicepparam:1:1: error BL002 template /dev/zero named by using is not read" in (
        proc.stdout
    )


def test_a_bicep_module_that_names_a_file_that_is_no_template_is_not_read(tmp_path):
    write(tmp_path, "outside/.env", SECRET + "\n")
    write(tmp_path, "repo/main.bicep", "module m '../outside/.env' = { name: 'm' }\n" + POOL_BICEP)
    proc = run_cli("main.bicep", "--no-config", cwd=tmp_path / "repo")
    assert "main.bicep:1:1: error BL002 module ../outside/.env is not read" in proc.stdout
    assert "AWS_SECRET" not in proc.stdout


def test_a_syntax_error_in_a_module_outside_the_folder_quotes_a_short_excerpt(tmp_path):
    write(tmp_path, "outside/broken.bicep", SECRET + "\n" + POOL_BICEP)
    write(tmp_path, "repo/main.bicep", "module m '../outside/broken.bicep' = { name: 'm' }\n")
    proc = run_cli("main.bicep", "--no-config", cwd=tmp_path / "repo")
    quoted = (
        "broken.bicep:1:1: error BL001 syntax error: unexpected 'AWS_SECRET_ACCESS_KEY=wJalrXUt'"
    )
    assert quoted in proc.stdout
    assert SECRET[30:40] not in proc.stdout


def test_a_terraform_module_outside_the_folder_quotes_a_short_excerpt_and_skips_pipes(tmp_path):
    write(tmp_path, "outside/broken.tf", f"locals {{\n  a = {SECRET}\n}}\n")
    os.mkfifo(tmp_path / "outside" / "pipe.tf")
    write(tmp_path, "repo/main.tf", 'module "m" {\n  source = "../outside"\n}\n')
    proc = run_cli("main.tf", "--no-config", cwd=tmp_path / "repo", timeout=30)
    assert "Traceback" not in proc.stderr
    assert "broken.tf:2:5: error BL001 syntax error: unexpected '= AWS_SECRET_ACCESS_KEY'" in (
        proc.stdout
    )
    assert "wJalrXU" not in proc.stdout


def test_a_module_file_over_the_size_limit_is_not_read(tmp_path):
    write(tmp_path, "big.bicep", "// " + "x" * 5000 + "\n" + POOL_BICEP)
    write(tmp_path, "main.bicep", "module m './big.bicep' = { name: 'm' }\n")
    write(tmp_path, "tf/mod/big.tf", "# " + "x" * 5000 + "\n")
    write(tmp_path, "tf/main.tf", 'module "m" {\n  source = "./mod"\n}\n')
    proc = run_cli(
        "main.bicep", "tf/main.tf", "--no-config", "--max-file-size", "4KB", cwd=tmp_path
    )
    limit = "is over the --max-file-size limit of 4.0 KB"
    assert f"big.bicep:1:1: warning BL003 file skipped: 5.0 KB {limit}" in proc.stdout
    assert f"big.tf:1:1: warning BL003 file skipped: 4.9 KB {limit}" in proc.stdout


ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def test_union_of_large_arrays_takes_linear_time(tmp_path):
    name = "[concat('acc/p', string(length(union(range(0, 5000), range(2500, 5000)))))]"
    template = {
        "$schema": ARM_SCHEMA,
        "resources": [
            {
                "type": "Microsoft.Batch/batchAccounts/pools",
                "apiVersion": "2024-07-01",
                "name": name,
                "properties": {},
            }
        ],
    }
    write(tmp_path, "t.json", json.dumps(template))
    proc = run_cli("t.json", "--format", "json", "--as-of", AS_OF, cwd=tmp_path, timeout=20)
    (pool,) = json.loads(proc.stdout)["pools"]
    assert pool["name"] == "acc/p7500"


def test_distinct_of_large_lists_takes_linear_time(tmp_path):
    ranges = ", ".join(f"range({i * 10000}, {(i + 1) * 10000})" for i in range(5))
    write(
        tmp_path,
        "main.tf",
        f"""
        locals {{
          a = distinct(concat({ranges}, {ranges}))
        }}
        resource "azurerm_batch_pool" "p" {{
          name    = "p${{length(local.a)}}"
          vm_size = "Standard_D2s_v5"
        }}
        """,
    )
    proc = run_cli("main.tf", "--format", "json", "--as-of", AS_OF, cwd=tmp_path, timeout=20)
    (pool,) = json.loads(proc.stdout)["pools"]
    assert pool["name"] == "p50000"


def test_modules_that_each_call_the_next_twice_stop_at_the_instance_budget(tmp_path):
    depth = 16  # 2 ** 16 calls if every call were followed
    for i in range(depth):
        nxt = f'source = "../m{i + 1}"'
        text = (
            f'module "x" {{\n  {nxt}\n}}\nmodule "y" {{\n  {nxt}\n}}\n'
            if i < depth - 1
            else 'resource "azurerm_batch_pool" "p" {\n  name = "p"\n}\n'
        )
        write(tmp_path, f"m{i}/main.tf", text)
    proc = run_cli("m0", "--as-of", AS_OF, "--fail-on", "never", cwd=tmp_path, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "more instances than batchlint expands (10000); this call is not followed" in (
        proc.stdout
    )


def _pool_resource(**extra) -> dict:
    return {
        "type": "Microsoft.Batch/batchAccounts/pools",
        "apiVersion": "2024-07-01",
        "name": "acc/pool",
        "properties": {"vmSize": "Standard_D2s_v5"},
        **extra,
    }


def test_deployments_nested_past_the_limit_are_reported_not_dropped(tmp_path):
    inner = {"$schema": ARM_SCHEMA, "resources": [_pool_resource()]}
    for _ in range(20):
        deployment = {
            "type": "Microsoft.Resources/deployments",
            "apiVersion": "2022-09-01",
            "name": "nested",
            "properties": {"mode": "Incremental", "template": inner},
        }
        inner = {"$schema": ARM_SCHEMA, "resources": [deployment]}
    write(tmp_path, "t.json", json.dumps(inner, indent=1))
    doc = lint_json("t.json", cwd=tmp_path)
    (finding,) = [f for f in doc["findings"] if f["rule_id"] == "BL001"]
    assert "deployments nested deeper than 16 levels are not read" in finding["message"]


def test_an_unknown_copy_count_says_why_copy_index_is_unknown(tmp_path):
    pool = _pool_resource(copy={"name": "loop", "count": "[parameters('n')]"})
    pool["properties"]["vmSize"] = "[concat('Standard_D', copyIndex())]"
    template = {"$schema": ARM_SCHEMA, "parameters": {"n": {"type": "int"}}, "resources": [pool]}
    write(tmp_path, "t.json", json.dumps(template))
    (found,) = lint_json("t.json", cwd=tmp_path)["pools"]
    reason = found["values"]["vm_size"]["unresolved"]
    assert reason.startswith("the copy count is unknown: "), reason


def test_bicep_literals_stay_known_after_a_costly_expression(tmp_path):
    write(
        tmp_path,
        "main.bicep",
        """
        var n = [for i in range(0, 1000): [for j in range(0, 1000): j]]
        resource acc 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {
          name: 'acc'
        }
        resource p 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {
          parent: acc
          name: 'pool'
          properties: {
            vmSize: 'Standard_D2s_v5'
            deploymentConfiguration: {
              virtualMachineConfiguration: {
                imageReference: {
                  publisher: 'canonical'
                  offer: 'ubuntu-24_04-lts'
                  sku: length(n) > 0 ? 'server' : 'x'
                  version: 'latest'
                }
                nodeAgentSkuId: 'batch.node.ubuntu 24.04'
              }
            }
          }
        }
        """,
    )
    doc = lint_json("main.bicep", cwd=tmp_path)
    (pool,) = doc["pools"]
    assert pool["values"]["node_agent_sku_id"]["value"] == "batch.node.ubuntu 24.04"
    assert pool["values"]["version"]["value"] == "latest"
    assert "unresolved" in pool["values"]["sku"]
    assert [f["rule_id"] for f in doc["findings"]] == ["BL107"]


def test_a_file_that_builds_many_large_values_stops_at_its_work_budget(tmp_path):
    # 400 locals of 90,000 numbers each: each within the limit of one value, all together
    # gigabytes. Past the file's budget the rest are unknown, and the run stays small.
    ranges = ", ".join(f"range({i * 10000}, {(i + 1) * 10000})" for i in range(9))
    body = "".join(f"  a{k} = concat({ranges})\n" for k in range(400))
    refs = ", ".join(f"length(local.a{k})" for k in range(400))
    write(
        tmp_path,
        "main.tf",
        "locals {\n" + body + "}\n"
        'resource "azurerm_batch_pool" "p" {\n'
        f'  name    = "p${{sum([{refs}])}}"\n'
        '  vm_size = "Standard_D2s_v5"\n'
        "}\n",
    )
    proc = run_cli("main.tf", "-vv", "--as-of", AS_OF, cwd=tmp_path, timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "in 1 file (1 pool)" in proc.stdout
