"""The command end to end: output formats, exit status, options, start-up."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from helpers import AS_OF, lint_json, run_cli, write

EXAMPLES = "examples"
LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
    r"(?P<id>BL\d{3}) (?P<msg>.+) \((?P<name>[a-z0-9-]+)\)$"
)


def test_text_output_has_one_line_per_finding_and_a_summary():
    proc = run_cli(EXAMPLES, "--as-of", AS_OF, "--no-color")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    findings = [m.groupdict() for m in map(LINE.match, lines) if m]
    assert [(f["file"], f["line"], f["name"]) for f in findings] == [
        ("examples/azuredeploy.json", "11", "image-end-of-life"),
        ("examples/pools.yaml", "9", "node-agent-mismatch"),
    ]
    assert "2 errors, 0 warnings, 0 infos in 2 files (4 pools)" in lines
    assert any(
        line.startswith("catalog: bundled snapshot of 2026-12-03, eastus2") for line in lines
    )
    assert "\033[" not in proc.stdout  # no colour when not on a terminal


def test_color_can_be_forced():
    proc = run_cli(EXAMPLES, "--as-of", AS_OF, "--color")
    assert "\033[31merror" in proc.stdout


def test_json_document_shape():
    doc = lint_json(EXAMPLES)
    assert set(doc) >= {"version", "catalog", "pools", "findings", "summary"}
    assert doc["version"] == 1
    assert doc["catalog"]["kind"] == "bundled"
    assert doc["catalog"]["date"] == "2026-12-03"
    pool = doc["pools"][0]
    assert set(pool) >= {"file", "line", "name", "format", "containers", "values"}
    assert set(pool["values"]) == {
        "publisher",
        "offer",
        "sku",
        "version",
        "image_id",
        "node_agent_sku_id",
        "vm_size",
    }
    assert pool["values"]["sku"] == {
        "value": "20_04-lts-gen2",
        "file": "examples/azuredeploy.json",
        "line": 11,
        "column": 23,
        "origin": "default of parameter imageSku",
    }
    assert pool["values"]["image_id"] is None
    finding = doc["findings"][0]
    assert set(finding) >= {
        "rule_id",
        "rule_name",
        "severity",
        "file",
        "line",
        "column",
        "pool",
        "message",
        "fix",
    }
    assert finding["pool"] == "contosobatch/pool-render"
    assert doc["summary"]["errors"] == 2


def test_fail_on_sets_the_threshold(tmp_path):
    body = {
        "id": "p",
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": {
                "publisher": "almalinux",
                "offer": "almalinux-hpc",
                "sku": "8-hpc-gen2",
            },
            "nodeAgentSKUId": "batch.node.el 8",
        },
    }
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(body))
    assert run_cli(str(path), "--as-of", AS_OF).returncode == 0  # a warning only
    assert run_cli(str(path), "--as-of", AS_OF, "--fail-on", "warning").returncode == 1
    assert run_cli(EXAMPLES, "--as-of", AS_OF, "--fail-on", "never").returncode == 0


def test_missing_path_is_a_usage_error():
    proc = run_cli("no/such/place.json")
    assert proc.returncode == 2
    assert "no/such/place.json: no such file or folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_option_is_a_usage_error():
    proc = run_cli("--as-of", "tomorrow", EXAMPLES)
    assert proc.returncode == 2
    assert "'tomorrow' is not a date" in proc.stderr


def test_no_paths_is_a_usage_error():
    proc = run_cli()
    assert proc.returncode == 2
    assert "no paths to lint" in proc.stderr


def test_parameters_file_is_applied(tmp_path):
    write(
        tmp_path,
        "main.json",
        """
        {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
         "contentVersion": "1.0.0.0",
         "parameters": {"sku": {"type": "string", "defaultValue": "server"}},
         "resources": [{"type": "Microsoft.Batch/batchAccounts/pools", "apiVersion": "2024-07-01",
           "name": "a/p", "properties": {"deploymentConfiguration": {
             "virtualMachineConfiguration": {
               "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts",
                                  "sku": "[parameters('sku')]"},
               "nodeAgentSkuId": "batch.node.ubuntu 24.04"}}}}]}
    """,
    )
    write(
        tmp_path,
        "prod.json",
        """
        {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
         "contentVersion": "1.0.0.0",
         "parameters": {"sku": {"value": "server-gen9"}}}
    """,
    )
    doc = lint_json(str(tmp_path / "main.json"), "--parameters", str(tmp_path / "prod.json"))
    [pool] = doc["pools"]
    assert pool["values"]["sku"]["value"] == "server-gen9"
    assert pool["values"]["sku"]["origin"].startswith("parameters file")
    assert [f["rule_name"] for f in doc["findings"]] == ["image-not-supported"]


def test_folders_are_walked_skipping_vendored_and_excluded_paths(tmp_path):
    spec = json.dumps(
        {
            "id": "p",
            "virtualMachineConfiguration": {
                "imageReference": {
                    "publisher": "canonical",
                    "offer": "ubuntu-24_04-lts",
                    "sku": "server",
                },
                "nodeAgentSKUId": "batch.node.ubuntu 24.04",
            },
        }
    )
    for folder in ("infra", "infra/deep", "node_modules/x", ".git", ".terraform", "old"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "pool.json").write_text(spec)
    doc = lint_json(".", "--exclude", "old", cwd=tmp_path)
    assert sorted(p["file"] for p in doc["pools"]) == ["infra/deep/pool.json", "infra/pool.json"]


def test_non_pool_json_and_yaml_give_no_noise(tmp_path):
    write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}')
    write(tmp_path, "tsconfig.json", '{"compilerOptions": {"strict": true,},}')  # JSONC
    write(tmp_path, ".github/workflows/ci.yml", "on: push\njobs: {build: {runs-on: x}}\n")
    doc = lint_json(".", cwd=tmp_path)
    assert doc["pools"] == [] and doc["findings"] == []


def test_bad_images_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "images.json"
    bad.write_text('{"value": [{"imageReference": {"publisher": "x"}}]}')
    proc = run_cli(EXAMPLES, "--images", str(bad))
    assert proc.returncode == 2
    assert "entry 1: missing nodeAgentSKUId" in proc.stderr or "imageReference has no" in (
        proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_a_run_imports_no_network_or_schema_library():
    code = (
        "import sys\n"
        "from batchlint.cli import main\n"
        "main(['examples/azuredeploy.json', '--as-of', '2026-12-03', '-j1'])\n"
        "heavy = {'requests', 'azure', 'jsonschema', 'tree_sitter', 'yaml', 'urllib3', 'msal'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_parameters_file_named_alone_lints_its_template(tmp_path):
    case = "tests/corpus/written/arm-06-params-file-override"
    doc = lint_json(f"{case}/azuredeploy.parameters.json")
    [pool] = doc["pools"]
    assert pool["file"] == f"{case}/azuredeploy.json"
    assert pool["values"]["node_agent_sku_id"]["file"] == f"{case}/azuredeploy.parameters.json"
    both = lint_json(f"{case}/azuredeploy.parameters.json", f"{case}/azuredeploy.json")
    assert len(both["pools"]) == 1  # reported once, through the template


def test_a_mixed_folder_is_linted_in_one_run_with_every_format(tmp_path):
    import shutil

    from helpers import WRITTEN

    for case in (
        "arm-02-params-vars-expressions",
        "bicep-01-parent-literal",
        "terraform-02-variables-defaults-container",
        "terraform-10-plan-json-compact",
        "dataplane-02-yaml-list",
        "bicep-07-module-local",
    ):
        shutil.copytree(WRITTEN / case, tmp_path / case)
        (tmp_path / case / "expected.json").unlink()
    doc = lint_json(".", cwd=tmp_path)
    formats = {p["format"] for p in doc["pools"]}
    assert formats == {"arm", "bicep", "terraform", "terraform-plan", "pool-spec"}
    by_case = {p["file"].split("/")[0] for p in doc["pools"]}
    assert len(by_case) == 6
    modules = [p for p in doc["pools"] if p["file"].endswith("modules/pool.bicep")]
    assert modules and all(p["via"] for p in modules)
