"""Changed-file runs: related files, ``--changed-files``, and the hooks under real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from batchlint.related import expand, repository_root, search_roots

from helpers import AS_OF, run_cli, write

PROJECT = Path(__file__).resolve().parents[1]
WRITTEN = PROJECT / "tests" / "corpus" / "written"
SUFFIXES = (".json", ".jsonc", ".yaml", ".yml", ".bicep", ".bicepparam", ".tf", ".tfvars")

TEMPLATE = """
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "imageOffer": {"type": "string", "defaultValue": "ubuntu-24_04-lts"},
    "imageSku": {"type": "string", "defaultValue": "server"},
    "nodeAgent": {"type": "string", "defaultValue": "batch.node.ubuntu 24.04"}
  },
  "resources": [
    {
      "type": "Microsoft.Batch/batchAccounts/pools",
      "apiVersion": "2024-07-01",
      "name": "contosobatch/pool-cpu",
      "properties": {
        "vmSize": "standard_d2s_v5",
        "deploymentConfiguration": {
          "virtualMachineConfiguration": {
            "imageReference": {
              "publisher": "canonical",
              "offer": "[parameters('imageOffer')]",
              "sku": "[parameters('imageSku')]",
              "version": "latest"
            },
            "nodeAgentSkuId": "[parameters('nodeAgent')]"
          }
        }
      }
    }
  ]
}
"""

OLD_UBUNTU_PARAMETERS = """
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "imageOffer": {"value": "UbuntuServer"},
    "imageSku": {"value": "18.04-LTS"},
    "nodeAgent": {"value": "batch.node.ubuntu 18.04"}
  }
}
"""

BROKEN_TEMPLATE = """
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Batch/batchAccounts/pools",
      "name": "contosobatch/pool-cpu"
      "properties": {}
    }
  ]
}
"""

# Not a pool definition, and broken: a missing comma after "strict": true.
BROKEN_TSCONFIG = """
{
  "compilerOptions": {
    "strict": true
    "target": "es2020"
  }
}
"""

GOOD_POOL = """
{
  "id": "pool-cpu",
  "vmSize": "standard_d2s_v5",
  "virtualMachineConfiguration": {
    "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server"},
    "nodeAgentSKUId": "batch.node.ubuntu 24.04"
  }
}
"""

OLD_UBUNTU_POOL = """
{
  "id": "pool-old",
  "vmSize": "standard_d2s_v5",
  "virtualMachineConfiguration": {
    "imageReference": {"publisher": "canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"},
    "nodeAgentSKUId": "batch.node.ubuntu 18.04"
  }
}
"""


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """An empty folder that is the working folder and the root of the references search."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def touch(root: Path, *names: str, text: str = "") -> None:
    for name in names:
        write(root, name, text)


# -- related files -----------------------------------------------------------------------


def test_parameters_file_brings_in_its_templates(repo):
    touch(repo, "main.json", "main.bicep", "main.parameters.json", "other.json")
    assert expand(["main.parameters.json"], SUFFIXES) == [
        "main.parameters.json",
        "main.bicep",
        "main.json",
    ]


def test_bicepparam_brings_in_its_using_template(repo):
    touch(repo, "infra/main.bicep")
    write(repo, "params/prod.bicepparam", "using '../infra/main.bicep'\nparam env = 'prod'\n")
    assert expand(["params/prod.bicepparam"], SUFFIXES) == [
        "params/prod.bicepparam",
        "infra/main.bicep",
    ]


def test_bicepparam_does_not_bring_in_the_other_bicepparam_files_of_its_template(repo):
    touch(repo, "main.bicep")
    write(repo, "dev.bicepparam", "using './main.bicep'\n")
    write(repo, "prod.bicepparam", "using './main.bicep'\n")
    assert expand(["prod.bicepparam"], SUFFIXES) == ["prod.bicepparam", "main.bicep"]


def test_template_brings_in_the_bicepparam_files_that_use_it(repo):
    touch(repo, "main.bicep")
    write(repo, "main.bicepparam", "using './main.bicep'\n")
    write(repo, "other.bicepparam", "using './other.bicep'\n")
    assert expand(["main.bicep"], SUFFIXES) == ["main.bicep", "main.bicepparam"]


def test_bicep_module_brings_in_its_callers_and_theirs(repo):
    touch(repo, "modules/pool.bicep")
    write(repo, "modules/account.bicep", "module pool './pool.bicep' = {\n  name: 'p'\n}\n")
    write(repo, "main.bicep", "module account 'modules/account.bicep' = {\n  name: 'a'\n}\n")
    assert expand(["modules/pool.bicep"], SUFFIXES) == [
        "modules/pool.bicep",
        "main.bicep",
        "modules/account.bicep",
    ]


def test_registry_module_reference_names_no_file(repo):
    touch(repo, "pool.bicep")
    write(repo, "main.bicep", "module pool 'br/public:avm/res/batch/pool.bicep:0.1.0' = {}\n")
    assert expand(["pool.bicep"], SUFFIXES) == ["pool.bicep"]


def test_bicep_file_that_loads_a_changed_file_is_added(repo):
    touch(repo, "pools.json")
    write(repo, "main.bicep", "var pools = loadJsonContent('pools.json')\n")
    assert expand(["pools.json"], SUFFIXES) == ["pools.json", "main.bicep"]


def test_tfvars_brings_in_the_terraform_files_of_its_folder(repo):
    touch(repo, "env/main.tf", "env/variables.tf", "env/prod.tfvars", "other/main.tf")
    assert expand(["env/prod.tfvars"], SUFFIXES) == [
        "env/prod.tfvars",
        "env/main.tf",
        "env/variables.tf",
    ]


def test_terraform_module_brings_in_the_callers_folder(repo):
    touch(repo, "modules/pool/main.tf", "variables.tf")
    write(repo, "main.tf", 'module "pools" {\n  source = "./modules/pool"\n}\n')
    assert expand(["modules/pool/main.tf"], SUFFIXES) == [
        "modules/pool/main.tf",
        "main.tf",
        "variables.tf",
    ]


def test_terraform_json_module_source_is_followed(repo):
    touch(repo, "modules/pool/main.tf")
    write(repo, "main.tf.json", json.dumps({"module": {"p": {"source": "./modules/pool"}}}))
    assert expand(["modules/pool/main.tf"], SUFFIXES + (".tf.json",)) == [
        "modules/pool/main.tf",
        "main.tf.json",
    ]


def test_deleted_module_still_brings_in_its_callers(repo):
    write(repo, "main.bicep", "module pool './modules/pool.bicep' = {}\n")
    assert expand(["modules/pool.bicep"], SUFFIXES) == ["main.bicep"]


def test_folder_in_the_list_stands_for_its_files(repo):
    touch(repo, "infra/a.json", "infra/b.bicep", "infra/notes.md")
    assert expand(["infra"], SUFFIXES) == ["infra/a.json", "infra/b.bicep"]


def test_files_batchlint_does_not_read_are_left_out(repo):
    touch(repo, "README.md", "main.json")
    assert expand(["README.md"], SUFFIXES) == []


def test_unrelated_changed_file_brings_in_nothing(repo):
    touch(repo, "a.json", "b.json", "c.tf")
    assert expand(["a.json"], SUFFIXES) == ["a.json"]


def test_references_are_not_searched_in_excluded_folders(repo):
    touch(repo, "modules/pool.bicep")
    write(repo, "vendor/main.bicep", "module pool '../modules/pool.bicep' = {}\n")
    assert expand(["modules/pool.bicep"], SUFFIXES, exclude=("vendor",)) == ["modules/pool.bicep"]


def test_repository_root_is_the_folder_holding_git(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra" / "pools").mkdir(parents=True)
    assert repository_root(str(tmp_path / "infra" / "pools")) == str(tmp_path)


@pytest.fixture
def outside(tmp_path, monkeypatch) -> Path:
    """A repository ``pc`` with a Terraform module and its caller; the working folder is
    ``work``, beside the repository and in no repository."""
    (tmp_path / "pc" / ".git").mkdir(parents=True)
    touch(tmp_path / "pc", "tf/modules/pool/main.tf")
    write(tmp_path / "pc", "tf/main.tf", 'module "pools" {\n  source = "./modules/pool"\n}\n')
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def test_callers_are_found_in_the_repository_of_the_changed_file(outside):
    found = expand([str(outside / "pc/tf/modules/pool/main.tf")], SUFFIXES)
    assert found == [
        str(outside / "pc/tf/modules/pool/main.tf"),
        str(outside / "pc/tf/main.tf"),
    ]


def test_paths_outside_the_working_folder_are_shown_as_given(outside):
    assert expand(["../pc/tf/modules/pool/main.tf"], SUFFIXES) == [
        "../pc/tf/modules/pool/main.tf",
        "../pc/tf/main.tf",
    ]


def test_paths_below_the_working_folder_are_shown_relative_to_it(repo):
    touch(repo, "modules/pool/main.tf")
    write(repo, "main.tf", 'module "pools" {\n  source = "./modules/pool"\n}\n')
    assert expand([str(repo / "modules/pool/main.tf")], SUFFIXES) == [
        "modules/pool/main.tf",
        "main.tf",
    ]


def test_files_in_no_repository_are_searched_from_their_common_folder(tmp_path, monkeypatch):
    touch(tmp_path, "infra/a/pool.bicep", "infra/b/other.bicep")
    write(tmp_path, "infra/main.bicep", "module pool 'a/pool.bicep' = {\n  name: 'p'\n}\n")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    changed = ["../infra/a/pool.bicep", "../infra/b/other.bicep"]
    assert expand(changed, SUFFIXES) == [*changed, "../infra/main.bicep"]


def test_search_roots_are_the_repositories_of_the_files(tmp_path):
    (tmp_path / "one" / ".git").mkdir(parents=True)
    (tmp_path / "two" / ".git").mkdir(parents=True)
    files = [str(tmp_path / "one/a/x.tf"), str(tmp_path / "two/y.tf")]
    assert search_roots(files) == [str(tmp_path / "one"), str(tmp_path / "two")]


# -- the --changed-files option --------------------------------------------------------


def test_changed_broken_unrelated_json_is_not_reported(tmp_path):
    write(tmp_path, "tsconfig.json", BROKEN_TSCONFIG)
    proc = run_cli("--as-of", AS_OF, "--changed-files", "tsconfig.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_named_broken_unrelated_json_is_reported(tmp_path):
    write(tmp_path, "tsconfig.json", BROKEN_TSCONFIG)
    proc = run_cli("--as-of", AS_OF, "tsconfig.json", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("tsconfig.json:4:5: error BL001 ")


def test_changed_broken_pool_template_is_reported(tmp_path):
    write(tmp_path, "pool.json", BROKEN_TEMPLATE)
    proc = run_cli("--as-of", AS_OF, "--changed-files", "pool.json", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("pool.json:8:7: error BL001 ")


def test_empty_changed_file_list_lints_nothing(tmp_path):
    proc = run_cli("--as-of", AS_OF, "--changed-files", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "in 0 files (0 pools)" in proc.stdout


def test_changed_parameters_file_lints_its_template(tmp_path):
    write(tmp_path, "main.json", TEMPLATE)
    write(tmp_path, "main.parameters.json", OLD_UBUNTU_PARAMETERS)
    args = ("--as-of", AS_OF, "--format", "json", "--changed-files", "main.parameters.json")
    doc = json.loads(run_cli(*args, cwd=tmp_path).stdout)
    assert [p["file"] for p in doc["pools"]] == ["main.json"]
    assert [(f["rule_name"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("image-end-of-life", "main.parameters.json", 6)
    ]


def corpus_case(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(WRITTEN / name, folder)
    (folder / ".git").mkdir()
    return folder


def pools_of(folder: Path, *args: str) -> list[tuple[str, str]]:
    proc = run_cli("--as-of", AS_OF, "--format", "json", *args, cwd=folder)
    return sorted((p["file"], p["name"]) for p in json.loads(proc.stdout)["pools"])


def test_changed_bicep_module_is_linted_through_its_caller(tmp_path):
    folder = corpus_case("bicep-07-module-local", tmp_path)
    assert pools_of(folder, "--changed-files", "modules/pool.bicep") == [
        ("modules/pool.bicep", "pool-alma8"),
        ("modules/pool.bicep", "pool-default"),
    ]


def test_changed_terraform_module_is_linted_through_its_caller(tmp_path):
    folder = corpus_case("terraform-05-module-with-tfvars", tmp_path)
    assert pools_of(folder, "--changed-files", "modules/pool/main.tf") == [
        ("modules/pool/main.tf", "pool-hpc"),
        ("modules/pool/main.tf", "pool-legacy"),
    ]


def test_changed_module_outside_the_working_folder_is_linted_through_its_caller(tmp_path):
    folder = corpus_case("terraform-05-module-with-tfvars", tmp_path)
    (tmp_path / "work").mkdir()
    changed = f"../{folder.name}/modules/pool/main.tf"
    assert pools_of(tmp_path / "work", "--changed-files", changed) == [
        (changed, "pool-hpc"),
        (changed, "pool-legacy"),
    ]


# -- the hooks under the real pre-commit ------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# A git that reads no configuration of the machine's user, so a signing or hooks setting
# there cannot change what the test sees.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Contoso Dev",
    "GIT_AUTHOR_EMAIL": "dev@contoso.com",
    "GIT_COMMITTER_NAME": "Contoso Dev",
    "GIT_COMMITTER_EMAIL": "dev@contoso.com",
}

#: What a user's pre-commit installs from this repository.
SHIPPED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "batchlint", "rules")


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="session")
def warming_store(tmp_path_factory, hook_repo):
    """pre-commit's store for the session's commits, and the process installing the hook
    environment into it (from this project, with its dependencies from the package index).

    Installing takes most of these tests' time, so it starts in the background as soon as a
    test asks, and the commit tests wait for it.
    """
    home = tmp_path_factory.mktemp("pre-commit-home")
    folder = tmp_path_factory.mktemp("warm-up")
    git(folder, "init", "-q")
    write_config(folder, hook_repo, "batchlint", [])
    process = subprocess.Popen(
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=folder,
        env=hook_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield home, process
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="session")
def precommit_home(warming_store) -> Path:
    """The session's pre-commit store, once the hook environment is installed in it."""
    home, process = warming_store
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    return home


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This project as a git repository of one commit: (path, revision).

    pre-commit installs hooks from a commit, and this working tree may hold changes that are
    not committed yet; a copy committed as it is now tests the code as it is now.
    """
    repo = tmp_path_factory.mktemp("batchlint-hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.tmp", "build")
    for name in SHIPPED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "batchlint")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    git(folder, "init", "-q")
    return folder


def hook_env(home: Path) -> dict:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    for name in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "SKIP"):
        env.pop(name, None)
    return env


def run(cwd: Path, home: Path, *command: str) -> subprocess.CompletedProcess:
    """``command`` with pre-commit's store at ``home``; standard error joins the output."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=hook_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


def precommit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    return run(cwd, home, sys.executable, "-m", "pre_commit", *args)


def commit(folder: Path, home: Path, message: str) -> subprocess.CompletedProcess:
    return run(folder, home, "git", "commit", "-m", message)


def write_config(folder: Path, hook_repo: tuple[Path, str], hook: str, args: list[str]) -> None:
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": hook, "args": args}]}]}
    # JSON is YAML, so the configuration can be written without a YAML writer.
    (folder / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")


def use_hooks(folder: Path, home: Path, hook_repo: tuple[Path, str], hook: str) -> None:
    """Configure ``hook`` from this project, pinned to the test's date, and install it."""
    args = ["--changed-files"] if hook == "batchlint" else ["."]
    write_config(folder, hook_repo, hook, [*args, "--as-of", AS_OF])
    git(folder, "add", ".pre-commit-config.yaml")
    proc = precommit(folder, home, "install")
    assert proc.returncode == 0, proc.stdout


@needs_git
# The session's store installs in the background while try-repo installs into its own.
@pytest.mark.usefixtures("warming_store")
def test_try_repo_fails_a_file_with_an_end_of_life_image(tmp_path, hook_repo):
    folder = project(tmp_path)
    write(folder, "pool.json", OLD_UBUNTU_POOL)
    git(folder, "add", "pool.json")
    path, rev = hook_repo
    # try-repo installs into a store of its own, whatever PRE_COMMIT_HOME says.
    proc = precommit(
        folder,
        tmp_path / "home",
        "try-repo",
        str(path),
        "batchlint",
        "--ref",
        rev,
        "--files",
        "pool.json",
    )
    assert proc.returncode == 1, proc.stdout
    assert "- exit code: 1" in proc.stdout
    assert "pool.json:5:82: error BL105 " in proc.stdout


@needs_git
def test_commit_with_a_broken_pool_template_is_refused(tmp_path, precommit_home, hook_repo):
    folder = project(tmp_path)
    use_hooks(folder, precommit_home, hook_repo, "batchlint")
    write(folder, "pool.json", BROKEN_TEMPLATE)
    git(folder, "add", "pool.json")
    proc = commit(folder, precommit_home, "add a pool")
    assert proc.returncode == 1, proc.stdout
    assert "pool.json:8:7: error BL001 " in proc.stdout
    assert git(folder, "rev-parse", "--verify", "HEAD", check=False).returncode != 0


@needs_git
def test_commit_of_a_good_pool_and_an_unrelated_broken_file_goes_through(
    tmp_path, precommit_home, hook_repo
):
    folder = project(tmp_path)
    use_hooks(folder, precommit_home, hook_repo, "batchlint")
    write(folder, "pool.json", GOOD_POOL)
    write(folder, "web/tsconfig.json", BROKEN_TSCONFIG)
    git(folder, "add", "pool.json", "web/tsconfig.json")
    proc = commit(folder, precommit_home, "add a pool")
    assert proc.returncode == 0, proc.stdout
    assert "batchlint (Azure Batch pool images)" in proc.stdout
    assert "Passed" in proc.stdout


@needs_git
def test_commit_of_only_a_parameters_file_checks_its_template(tmp_path, precommit_home, hook_repo):
    folder = project(tmp_path)
    write(folder, "main.json", TEMPLATE)
    git(folder, "add", "main.json")
    git(folder, "commit", "-q", "-m", "template")
    use_hooks(folder, precommit_home, hook_repo, "batchlint")
    write(folder, "main.parameters.json", OLD_UBUNTU_PARAMETERS)
    git(folder, "add", "main.parameters.json")
    proc = commit(folder, precommit_home, "parameters for prod")
    assert proc.returncode == 1, proc.stdout
    assert "main.parameters.json:6:27: error BL105 " in proc.stdout


@needs_git
def test_whole_repository_hook_reports_a_pool_the_commit_did_not_touch(
    tmp_path, precommit_home, hook_repo
):
    folder = project(tmp_path)
    write(folder, "old/pool.json", OLD_UBUNTU_POOL)
    git(folder, "add", "old/pool.json")
    git(folder, "commit", "-q", "-m", "an old pool, before the hook")
    use_hooks(folder, precommit_home, hook_repo, "batchlint-all")
    write(folder, "new/pool.json", GOOD_POOL)
    git(folder, "add", "new/pool.json")
    proc = commit(folder, precommit_home, "a new pool")
    assert proc.returncode == 1, proc.stdout
    assert "old/pool.json:5:82: error BL105 " in proc.stdout
