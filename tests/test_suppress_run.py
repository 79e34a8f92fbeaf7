"""Suppressions are applied file by file as a run goes, and what they matched is summed over
the run: a directive one file's findings use is used, whichever file holds it, and the result
is the same in one process or several."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from suppression_samples import SAMPLES, lint, seen

from batchlint import parallel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py, the synthetic repository)

PARAMETERS_HEADER = (
    '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
    'deploymentParameters.json#", "contentVersion": "1.0.0.0",\n'
    ' "parameters": {\n'
)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _template_with_parameters(here: Path, directive: str) -> None:
    template = SAMPLES["arm-jsonc"].render(agent_value="[parameters('agent')]")
    template = template.replace(
        '"resources"', '"parameters": {"agent": {"type": "string"}},\n  "resources"'
    )
    (here / "azuredeploy.json").write_text(template)
    (here / "azuredeploy.parameters.json").write_text(
        PARAMETERS_HEADER + f"  // {directive}\n"
        '  "agent": {"value": "batch.node.ubuntu 22.04"}}}\n'
    )


def test_a_directive_used_by_another_files_findings_is_not_unused(here):
    # The parameters file is linted on its own too, where its directive matches nothing; the
    # template's finding points into it and uses the directive.
    _template_with_parameters(here, "batchlint-disable-next-line pool-seen -- prod keeps it")
    result = lint(".", report_unused_suppressions=True)
    assert sorted(result.files) == ["azuredeploy.json", "azuredeploy.parameters.json"]
    assert seen(result) == []
    assert [f.rule_name for f in result.suppressed] == ["pool-seen"]
    assert [f.rule_name for f in result.findings] == []


def test_a_directive_no_file_uses_is_reported_once(here):
    _template_with_parameters(here, "batchlint-disable-next-line image-unverified -- not here")
    result = lint(".", report_unused_suppressions=True)
    unused = [f for f in result.findings if f.rule_name == "suppression-unused"]
    assert [(f.location.file, f.location.line) for f in unused] == [
        ("azuredeploy.parameters.json", 3)
    ]


def test_an_invalid_directive_read_for_two_files_is_reported_once(here):
    _template_with_parameters(here, "batchlint-disable-next-line pool-seen")
    result = lint(".")
    invalid = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert len(invalid) == 1
    assert "reason" in invalid[0].message
    assert len(seen(result)) == 1


def test_a_run_without_directives_keeps_no_ledger(here):
    SAMPLES["yaml"].write(here)
    result = lint(".")
    assert result.ledger is None
    assert len(seen(result)) == 1


@pytest.fixture(scope="module")
def marked_tree(tmp_path_factory) -> Path:
    """A generated repository, big enough for two workers, with directives in some files:
    used ones, unused ones and an invalid one."""
    root = tmp_path_factory.mktemp("marked")
    generate.generate(root, files=2 * parallel.SERIAL_BELOW + 20, seed=11)
    bicep = sorted(root.rglob("main.bicep"))
    terraform = sorted(root.rglob("main.tf"))
    assert len(bicep) > 6 and len(terraform) > 6
    for path in bicep[::3]:
        path.write_text("// batchlint-disable-file all -- generated fixtures\n" + path.read_text())
    for path in terraform[::4]:
        text = "# batchlint-disable-file node-agent-unknown -- not here\n" + path.read_text()
        path.write_text(text)
    terraform[1].write_text("# batchlint-disable-file all\n" + terraform[1].read_text())
    return root


def _command(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    return subprocess.run(
        [sys.executable, "-m", "batchlint", ".", "--as-of", "2026-12-03", "--no-config", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_suppressions_give_the_same_output_in_one_process_and_in_two(marked_tree):
    args = ("--report-unused-suppressions", "--format", "text")
    one = _command(marked_tree, "--jobs", "1", *args)
    two = _command(marked_tree, "--jobs", "2", *args)
    assert "Traceback" not in one.stderr + two.stderr
    assert two.stdout == one.stdout
    assert "suppression-unused" in one.stdout
    assert one.stdout.count("suppression-invalid") == 1
    assert "; " in one.stdout and " suppressed\n" in one.stdout


def test_a_file_spelled_two_ways_in_one_run_has_its_directives_counted_once(here):
    # The folder walk lists the parameters file by the absolute path given; the template's
    # reader names it relative to the working folder.
    _template_with_parameters(here, "batchlint-disable-next-line pool-seen -- prod keeps it")
    result = lint(str(here), report_unused_suppressions=True)
    assert [f.rule_name for f in result.findings] == []
    assert len(result.suppressed) == 1
    _template_with_parameters(here, "batchlint-disable-next-line pool-seen")
    result = lint(str(here))
    assert [f.rule_name for f in result.findings].count("suppression-invalid") == 1


def test_a_directive_above_one_module_call_leaves_the_other_calls_pools(here):
    # Both calls make a pool of the same name at the same line of the module: only the
    # pool made through the call under the directive is covered.
    (here / "modules").mkdir()
    (here / "modules" / "pool.bicep").write_text(SAMPLES["bicep"].render())
    (here / "main.bicep").write_text(
        "// batchlint-disable-next-line pool-seen -- the first is checked upstream\n"
        "module first './modules/pool.bicep' = {\n"
        "  name: 'first'\n"
        "}\n"
        "\n"
        "module second './modules/pool.bicep' = {\n"
        "  name: 'second'\n"
        "}\n"
    )
    result = lint("main.bicep")
    assert len(seen(result)) == 1
    assert len(result.suppressed) == 1
