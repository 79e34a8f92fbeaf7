"""Bad input through the real command: a clear message at a position, the right exit status,
no traceback, no time without bound, and every file left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

AS_OF = "2026-12-03"
GOOD_SPEC = (
    '{"id": "pool-ok", "vmSize": "standard_d2s_v5", "virtualMachineConfiguration": '
    '{"imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts", '
    '"sku": "server", "version": "latest"}, "nodeAgentSKUId": "batch.node.ubuntu 24.04"}}\n'
)
TERRAFORM_POOL = """
resource "azurerm_batch_pool" "self" {
  name                = "pool-self"
  resource_group_name = "rg-demo"
  account_name        = "contosobatch"
  vm_size             = "Standard_D2s_v5"
  node_agent_sku_id   = "batch.node.ubuntu 24.04"

  storage_image_reference {
    publisher = "canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }
}
"""


def _tree_hashes(root: Path) -> dict[str, str]:
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file() or not os.access(path, os.R_OK):
                out[str(path)] = "special"
                continue
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _raw(tmp_path: Path, *args: str, prefix: tuple[str, ...] = (), timeout: float = 60):
    """``batchlint ARGS`` in ``tmp_path``, as a user runs it (no GitHub or batchlint
    variables from this environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "batchlint", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lint(tmp_path: Path, *args: str, prefix: tuple[str, ...] = (), timeout: float = 60):
    """``batchlint ARGS`` run in ``tmp_path``; fails if any file under it changed."""
    before = _tree_hashes(tmp_path)
    started = time.monotonic()
    proc = _raw(tmp_path, "--as-of", AS_OF, "--no-config", *args, prefix=prefix, timeout=timeout)
    proc.seconds = time.monotonic() - started
    assert "Traceback" not in proc.stdout + proc.stderr
    assert _tree_hashes(tmp_path) == before
    return proc


def test_empty_file_is_a_parse_error_at_line_1(tmp_path):
    (tmp_path / "pool.json").write_bytes(b"")
    proc = lint(tmp_path, "pool.json")
    assert proc.returncode == 1
    assert "pool.json:1:1: error BL001 Expecting value (parse-error)" in proc.stdout


def test_binary_file_is_a_parse_error_not_a_decode_crash(tmp_path):
    (tmp_path / "pool.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    proc = lint(tmp_path, "pool.json")
    assert proc.returncode == 1
    assert "pool.json:1:1: error BL001 binary file (contains NUL bytes)" in proc.stdout


def test_invalid_utf8_names_the_line_and_column_of_the_bad_byte(tmp_path):
    (tmp_path / "pool.json").write_bytes(b'{\n  "id": "caf\xe9"\n}\n')
    proc = lint(tmp_path, "pool.json")
    assert proc.returncode == 1
    assert "pool.json:2:13: error BL001 invalid UTF-8 (byte 0xe9)" in proc.stdout


def test_byte_order_mark_is_read_as_utf8(tmp_path):
    (tmp_path / "pool.json").write_bytes(b"\xef\xbb\xbf" + GOOD_SPEC.encode())
    proc = lint(tmp_path, "pool.json")
    assert proc.returncode == 0
    assert "0 errors, 0 warnings, 0 infos in 1 file (1 pool)" in proc.stdout


def test_byte_order_mark_does_not_shift_error_columns(tmp_path):
    (tmp_path / "pool.json").write_bytes(b'\xef\xbb\xbf{"id": }')
    proc = lint(tmp_path, "pool.json")
    assert proc.returncode == 1
    assert "pool.json:1:8: error BL001 Expecting value (parse-error)" in proc.stdout


def test_50_mb_file_is_skipped_with_the_limit_in_the_message(tmp_path):
    with open(tmp_path / "huge.json", "wb") as handle:
        handle.write(b'{"padding": "')
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b'"}\n')
    proc = lint(tmp_path, "huge.json")
    assert proc.returncode == 0  # a warning: the rest of the run is still judged
    assert (
        "huge.json:1:1: warning BL003 file skipped: 50.0 MB is over the --max-file-size "
        "limit of 4.0 MB"
    ) in proc.stdout
    assert proc.seconds < 20


def test_max_file_size_option_sets_the_limit(tmp_path):
    (tmp_path / "pool.json").write_text(GOOD_SPEC * 100)
    proc = lint(tmp_path, "--max-file-size", "2k", "pool.json")
    assert proc.returncode == 0
    assert "pool.json:1:1: warning BL003 file skipped: 23.2 KB is over the --max-file-size " in (
        proc.stdout
    )
    assert "limit of 2.0 KB" in proc.stdout


def test_small_max_file_size_is_shown_in_bytes(tmp_path):
    (tmp_path / "pool.json").write_text(GOOD_SPEC)
    proc = lint(tmp_path, "--max-file-size", "100", "pool.json")
    assert (
        f"file skipped: {len(GOOD_SPEC)} bytes is over the --max-file-size limit of 100 bytes"
    ) in proc.stdout


def test_size_just_under_a_megabyte_is_shown_as_1_mb(tmp_path):
    (tmp_path / "pool.json").write_text(" " * (1024 * 1024 - 1))
    proc = lint(tmp_path, "--max-file-size", "1k", "pool.json")
    assert "file skipped: 1.0 MB is over the --max-file-size limit of 1.0 KB" in proc.stdout


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.json", "[" * 10_000 + "]" * 10_000, "deep.json:1:257: error BL001 Nesting deeper"),
        (
            "deep.yaml",
            "a: " + "[" * 10_000 + "]" * 10_000,
            "deep.yaml:1:1003: error BL001 exceeded maximum nesting depth",
        ),
        (
            "deep.bicep",
            "var x = " + "[" * 10_000 + "]" * 10_000,
            "deep.bicep:1:1: error BL001 nested too deeply to read",
        ),
        (
            "deep.tf",
            "locals {\n  x = " + "[" * 10_000 + "]" * 10_000 + "\n}\n",
            "deep.tf:1:1: error BL001 nested too deeply to read",
        ),
    ],
)
def test_nesting_10000_levels_deep_is_a_parse_error(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    proc = lint(tmp_path, name, timeout=30)
    assert proc.returncode == 1
    assert expected in proc.stdout


def test_arm_expression_nested_10000_deep_is_a_parse_error(tmp_path):
    deep = "concat(" * 10_000 + "'x'" + ")" * 10_000
    (tmp_path / "azuredeploy.json").write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [{"type": '
        '"Microsoft.Batch/batchAccounts/pools", "name": "a/b", "properties": {"vmSize": "['
        + deep
        + ']"}}]}'
    )
    proc = lint(tmp_path, "azuredeploy.json", timeout=30)
    assert proc.returncode == 1
    assert "azuredeploy.json:1:1: error BL001 nested too deeply to read" in proc.stdout


def test_yaml_alias_bomb_stops_at_the_node_budget(tmp_path):
    lines = ['l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    lines.append("virtualMachineConfiguration: *l8")
    (tmp_path / "pools.yaml").write_text("\n".join(lines) + "\n")
    proc = lint(tmp_path, "pools.yaml", timeout=30)
    assert proc.returncode == 1
    assert "pools.yaml:" in proc.stdout
    assert "error BL001 YAML expands to more than 200000 values (an alias bomb?)" in proc.stdout
    assert proc.seconds < 20


def test_yaml_python_object_tags_are_inert_text(tmp_path):
    marker = tmp_path / "executed"
    (tmp_path / "pools.yaml").write_text(
        f"""\
- id: !!python/name:os.system pool-tagged
  vmSize: standard_d2s_v5
  startTask:
    commandLine: !!python/object/apply:os.system ["touch {marker}"]
  virtualMachineConfiguration:
    imageReference:
      publisher: canonical
      offer: !!python/object/new:str [ubuntu-24_04-lts]
      sku: server
    nodeAgentSKUId: batch.node.ubuntu 24.04
"""
    )
    proc = lint(tmp_path, "pools.yaml")
    assert not marker.exists()
    assert proc.returncode == 0
    # The tagged offer stays the sequence it was written as, so it cannot be verified.
    assert (
        "pools.yaml:8:14: warning BL107 offer cannot be verified: expected a string, found an array"
    ) in proc.stdout
    assert "in 1 file (1 pool)" in proc.stdout


def test_symlink_loop_of_folders_is_not_followed(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "pool.json").write_text(GOOD_SPEC)
    os.symlink("..", tmp_path / "infra" / "up")
    os.symlink(".", tmp_path / "infra" / "here")
    proc = lint(tmp_path, ".", timeout=30)
    assert proc.returncode == 0
    assert "in 1 file (1 pool)" in proc.stdout


def test_symlink_loop_of_files_is_a_read_error_at_the_file(tmp_path):
    os.symlink("b.json", tmp_path / "a.json")
    os.symlink("a.json", tmp_path / "b.json")
    proc = lint(tmp_path, "a.json")
    assert proc.returncode == 1
    assert "a.json:1:1: error BL001 cannot read file: Too many levels of symbolic links" in (
        proc.stdout
    )


def _without_file_permission_override() -> tuple[str, ...]:
    """A command prefix under which permission bits apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: no way to make a file unreadable")
    return (setpriv, "--bounding-set", "-dac_override,-dac_read_search")


def test_unreadable_file_is_a_read_error_at_the_file(tmp_path):
    path = tmp_path / "pool.json"
    path.write_text(GOOD_SPEC)
    path.chmod(0)
    try:
        proc = lint(tmp_path, "pool.json", prefix=_without_file_permission_override())
    finally:
        path.chmod(0o644)
    assert proc.returncode == 1
    assert "pool.json:1:1: error BL001 cannot read file: Permission denied" in proc.stdout


def test_path_that_does_not_exist_is_a_usage_error(tmp_path):
    proc = lint(tmp_path, "missing.json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "batchlint: error: missing.json: no such file or folder" in proc.stderr


def test_named_pipe_in_a_folder_is_skipped_instead_of_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pool.json")
    proc = lint(tmp_path, ".", timeout=30)
    assert proc.returncode == 0
    assert "pool.json:1:1: warning BL003 file skipped: not a regular file" in proc.stdout


def test_folder_of_10000_empty_files_finishes_quietly(tmp_path):
    folder = tmp_path / "generated"
    folder.mkdir()
    for index in range(10_000):
        (folder / f"pool-{index:05d}.json").touch()
    proc = lint(tmp_path, "generated", timeout=60)
    # Empty files found in a folder are not pool definitions; only named files must parse.
    assert proc.returncode == 0
    assert "0 errors, 0 warnings, 0 infos in 10000 files (0 pools)" in proc.stdout


def test_terraform_module_that_sources_itself_is_reported_once(tmp_path):
    (tmp_path / "main.tf").write_text('module "again" {\n  source = "./"\n}\n' + TERRAFORM_POOL)
    proc = lint(tmp_path, ".", timeout=30)
    assert proc.returncode == 1
    assert proc.stdout.count("error BL002") == 1
    assert 'main.tf:1:1: error BL002 module "again" calls a module that is already being read' in (
        proc.stdout
    )
    assert "in 1 file (1 pool)" in proc.stdout


def test_bicep_module_cycle_is_reported_and_not_followed(tmp_path):
    (tmp_path / "a.bicep").write_text("module b './b.bicep' = {\n  name: 'b'\n}\n")
    (tmp_path / "b.bicep").write_text("module a './a.bicep' = {\n  name: 'a'\n}\n")
    proc = lint(tmp_path, ".", timeout=30)
    assert proc.returncode == 1
    assert "a.bicep:1:1: error BL001 module ./b.bicep is used in a cycle" in proc.stdout
    assert "b.bicep:1:1: error BL001 module ./a.bicep is used in a cycle" in proc.stdout


def test_configuration_file_given_as_a_variables_file_is_an_error_at_its_first_block(tmp_path):
    (tmp_path / "main.tf").write_text(TERRAFORM_POOL)
    proc = lint(tmp_path, "main.tf", "--var-file", "main.tf")
    assert proc.returncode == 1
    assert (
        "main.tf:2:1: error BL001 not a variables file: it holds a 'resource' block, and a "
        "variables file only sets name = value"
    ) in proc.stdout
    assert "in 1 file (1 pool)" in proc.stdout


@pytest.mark.parametrize("text", ["[1, 2]\n", '{"a": 1}\n'], ids=["array", "object"])
def test_parameters_option_naming_no_parameters_file_is_an_error_at_the_file(tmp_path, text):
    (tmp_path / "azuredeploy.json").write_text(TEMPLATE)
    (tmp_path / "values.json").write_text(text)
    proc = lint(tmp_path, "azuredeploy.json", "-p", "values.json")
    assert proc.returncode == 1
    assert (
        'values.json:1:1: error BL001 not a parameters file: it has no "parameters" object, '
        "so none of its values is used"
    ) in proc.stdout


PARAMETERS = (
    '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
    'deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {}}\n'
)
TEMPLATE = (
    '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
    'deploymentTemplate.json#", "resources": []}\n'
)


@pytest.mark.parametrize(
    ("files", "args", "target"),
    [
        ({"a.json": TEMPLATE, "a.parameters.json": PARAMETERS}, ["a.json"], "a.parameters.json"),
        ({"a.json": TEMPLATE, "p.json": PARAMETERS}, ["a.json", "-p", "p.json"], "p.json"),
        (
            {"main.tf": TERRAFORM_POOL, "terraform.tfvars": "x = 1\n"},
            ["main.tf"],
            "terraform.tfvars",
        ),
        ({"main.tf": TERRAFORM_POOL, "variables.tf": "x = 1\n"}, ["main.tf"], "variables.tf"),
        (
            {"main.tf": TERRAFORM_POOL, "x.tfvars": "x = 1\n"},
            ["main.tf", "--var-file", "x.tfvars"],
            "x.tfvars",
        ),
    ],
    ids=["parameters-beside", "parameters-option", "tfvars", "sibling-tf", "var-file"],
)
def test_output_never_replaces_a_file_the_run_read(tmp_path, files, args, target):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    proc = lint(tmp_path, *args, "--output", target)  # lint() checks that no file changed
    assert proc.returncode == 2
    assert f"--output {target} is a file this run read; not overwriting it" in proc.stderr


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_output_never_replaces_a_file_the_run_read_under_another_name(tmp_path, link):
    (tmp_path / "a.json").write_text(TEMPLATE)
    (tmp_path / "a.parameters.json").write_text(PARAMETERS)
    make = os.link if link == "hard" else os.symlink
    make(tmp_path / "a.parameters.json", tmp_path / "report.txt")
    proc = lint(tmp_path, "a.json", "--output", "report.txt")
    assert proc.returncode == 2
    assert "--output report.txt is a file this run read; not overwriting it" in proc.stderr


def test_output_never_replaces_a_linted_file_under_another_name(tmp_path):
    (tmp_path / "main.tf").write_text(TERRAFORM_POOL)
    os.link(tmp_path / "main.tf", tmp_path / "report.sarif")
    proc = lint(tmp_path, "main.tf", "--format", "sarif", "--output", "report.sarif")
    assert proc.returncode == 2
    assert "--output report.sarif is one of the files being linted" in proc.stderr


def test_baseline_is_never_written_over_a_linted_template(tmp_path):
    (tmp_path / "main.tf").write_text(TERRAFORM_POOL)
    before = (tmp_path / "main.tf").read_bytes()
    run = _raw(tmp_path, "baseline", "create", "main.tf", "main.tf")
    assert run.returncode == 2
    assert "baseline main.tf is one of the files being linted; not overwriting it" in run.stderr
    assert (tmp_path / "main.tf").read_bytes() == before


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "json"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path, fmt):
    name = os.fsdecode(b"bad\xff.json")
    (tmp_path / name).write_text(GOOD_SPEC.replace("server", "no-such-sku"))
    summary = tmp_path.parent / f"{tmp_path.name}-summary.md"
    proc = lint(tmp_path, ".", "--format", fmt, prefix=("env", f"GITHUB_STEP_SUMMARY={summary}"))
    assert proc.returncode == 1, proc.stderr


def test_a_huge_max_file_size_is_no_limit(tmp_path):
    (tmp_path / "pool.json").write_text(GOOD_SPEC)
    proc = lint(tmp_path, "pool.json", "--max-file-size", "9999999999G")
    assert proc.returncode == 0, proc.stderr


def test_a_full_standard_output_is_an_error_saying_so(tmp_path):
    (tmp_path / "pool.json").write_text(GOOD_SPEC)
    proc = lint(tmp_path, "pool.json", prefix=("sh", "-c", 'exec "$@" > /dev/full', "sh"))
    assert proc.returncode == 2
    assert "batchlint: error: cannot write the report: No space left on device" in proc.stderr


def test_a_closed_standard_output_keeps_the_exit_status(tmp_path):
    (tmp_path / "pool.json").write_text(GOOD_SPEC.replace("server", "no-such-sku"))
    proc = lint(tmp_path, "pool.json", prefix=("sh", "-c", 'exec "$@" >&-', "sh"))
    assert proc.returncode == 1
    assert proc.stderr == ""


def test_an_infinite_terraform_count_is_an_unknown_count(tmp_path):
    (tmp_path / "main.tf").write_text(TERRAFORM_POOL.replace("{\n", "{\n  count = 1e999\n", 1))
    proc = lint(tmp_path, "main.tf")
    assert proc.returncode == 0, proc.stdout
    assert "bug in batchlint" not in proc.stdout
    assert "in 1 file (1 pool)" in proc.stdout


def test_a_bicep_chain_of_100000_operators_is_nested_too_deeply_at_once(tmp_path):
    (tmp_path / "main.bicep").write_text("var x = " + " ?? ".join(["'s'"] * 100_000) + "\n")
    proc = lint(tmp_path, "main.bicep", timeout=30)
    assert proc.returncode == 1
    assert "main.bicep:1:1: error BL001 nested too deeply to read" in proc.stdout
    assert proc.seconds < 10


def test_two_terraform_folders_that_call_each_other_are_reported_in_a_folder_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text('module "b" {\n  source = "../b"\n}\n')
    (tmp_path / "b" / "main.tf").write_text('module "a" {\n  source = "../a"\n}\n' + TERRAFORM_POOL)
    proc = lint(tmp_path, ".", timeout=30)
    assert proc.returncode == 1
    assert "calls a module that is already being read (a -> b -> a)" in proc.stdout
    assert "in 2 files (1 pool)" in proc.stdout


@pytest.mark.parametrize("named", [".", "terraform.tfvars"])
def test_a_tfvars_file_with_a_block_is_an_error_in_a_folder_run_too(tmp_path, named):
    (tmp_path / "main.tf").write_text(TERRAFORM_POOL)
    (tmp_path / "terraform.tfvars").write_text('s = "x"\nresource "x" "y" {}\n')
    proc = lint(tmp_path, named)
    assert proc.returncode == 1
    assert "terraform.tfvars:2:1: error BL001 not a variables file" in proc.stdout


def test_a_link_to_a_missing_file_met_in_a_folder_is_skipped_with_a_warning(tmp_path):
    os.symlink("nowhere.json", tmp_path / "x.json")
    proc = lint(tmp_path, ".")
    assert proc.returncode == 0
    assert "x.json:1:1: warning BL003 file skipped: a link to a missing file" in proc.stdout


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["-p", "gone.json"], None, "gone.json: no such file (named by --parameters)"),
        (["--var-file", "gone.tfvars"], None, "gone.tfvars: no such file (named by --var-file)"),
        ([], 'parameters = ["gone.json"]', "gone.json: no such file (named by parameters in"),
    ],
    ids=["parameters", "var-file", "configured"],
)
def test_a_parameters_or_variables_file_that_is_not_there_is_a_usage_error(
    tmp_path, args, config, message
):
    (tmp_path / "a.json").write_text(TEMPLATE)
    if config is None:
        proc = lint(tmp_path, "a.json", *args)
    else:
        (tmp_path / "pyproject.toml").write_text(f"[tool.batchlint]\n{config}\n")
        proc = _raw(tmp_path, "--as-of", AS_OF, "a.json")
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _baseline_create(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return _raw(tmp_path, "baseline", "create", *args)


@pytest.mark.parametrize(
    ("option", "name"),
    [("--images", "snap.json"), ("--baseline", "base.json"), ("--config", "cfg.yaml")],
)
def test_output_never_replaces_the_snapshot_baseline_or_configuration(tmp_path, option, name):
    (tmp_path / "pools.yaml").write_text((EXAMPLES / "pools.yaml").read_text())
    common = ("--as-of", AS_OF) + (() if option == "--config" else ("--no-config",))
    if name == "snap.json":
        (tmp_path / name).write_text(json.dumps({"value": []}))
    elif name == "base.json":
        proc = _baseline_create(tmp_path, name, *common, "pools.yaml")
        assert proc.returncode == 0, proc.stderr
    else:
        (tmp_path / name).write_text("fail-on: error\n")
    before = (tmp_path / name).read_bytes()
    proc = _raw(tmp_path, *common, option, name, "pools.yaml", "-f", "json", "-o", name)
    assert proc.returncode == 2, proc.stderr
    assert f"--output {name} is a file this run read; not overwriting it" in proc.stderr
    assert (tmp_path / name).read_bytes() == before


def test_output_never_replaces_a_bicep_file_the_template_imports(tmp_path):
    (tmp_path / "types.bicep").write_text("@export()\nvar agent = 'batch.node.ubuntu 22.04'\n")
    template = (
        "import {agent} from './types.bicep'\n"
        "resource p 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {\n"
        "  name: 'acct/p'\n  properties: {\n    deploymentConfiguration: {\n"
        "      virtualMachineConfiguration: {\n        imageReference: {\n"
        "          publisher: 'canonical'\n          offer: '0001-com-ubuntu-server-jammy'\n"
        "          sku: '22_04-lts'\n        }\n        nodeAgentSkuId: agent\n      }\n"
        "    }\n  }\n}\n"
    )
    (tmp_path / "main.bicep").write_text(template)
    proc = lint(tmp_path, "main.bicep", "-o", "types.bicep")
    assert proc.returncode == 2
    assert "--output types.bicep is a file this run read; not overwriting it" in proc.stderr


def test_baseline_is_never_written_over_a_linted_file_without_pools(tmp_path):
    (tmp_path / "storage.bicep").write_text("param location string = 'eastus'\n")
    before = (tmp_path / "storage.bicep").read_bytes()
    proc = _baseline_create(tmp_path, "storage.bicep", "--as-of", AS_OF, "--no-config", ".")
    assert proc.returncode == 2
    assert "baseline storage.bicep is one of the files being linted" in proc.stderr
    assert (tmp_path / "storage.bicep").read_bytes() == before


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_previous_report_in_the_linted_folder_is_written_again(tmp_path, fmt):
    (tmp_path / "pools.yaml").write_text((EXAMPLES / "pools.yaml").read_text())
    args = ("--as-of", AS_OF, "--no-config", ".", "-f", fmt, "-o", "report.json")
    first = _raw(tmp_path, *args)
    again = _raw(tmp_path, *args)
    assert first.returncode == again.returncode == 1, again.stderr
    assert "not overwriting" not in again.stderr


def test_a_previous_report_over_the_size_limit_is_written_again(tmp_path):
    (tmp_path / "pools.yaml").write_text((EXAMPLES / "pools.yaml").read_text())
    args = ("--as-of", AS_OF, "--no-config", ".", "-f", "json", "-o", "report.json")
    assert _raw(tmp_path, *args).returncode == 1
    again = _raw(tmp_path, "--max-file-size", "2K", *args)
    assert again.returncode == 1, again.stderr


def test_changed_files_never_open_a_named_pipe(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "main.bicep").write_text("param a string = 'x'\n")
    os.mkfifo(tmp_path / "sub" / "p.bicep")
    proc = lint(tmp_path, "--changed-files", "main.bicep", timeout=30)
    assert proc.returncode == 0, proc.stderr
