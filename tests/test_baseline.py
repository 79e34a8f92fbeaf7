"""The baseline: record today's findings, report only new ones, prune what no longer occurs."""

from __future__ import annotations

import json
import os
import stat

import pytest
from suppression_samples import SAMPLES, lint, plugins, reader_ready, seen

from batchlint import baseline, run
from batchlint.cli import main
from batchlint.options import UsageError

FORMATS = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            not reader_ready(name), reason=f"the {name} reader finds no pool in the sample yet"
        ),
    )
    for name in SAMPLES
]


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The command builds its own plugins; give it the ones with the test rule.
    monkeypatch.setattr(run, "Plugins", plugins)
    return tmp_path


def _create(path: str, *args: str) -> int:
    return main(["baseline", "create", path, "--as-of", "2026-12-03", "-j1", "--no-config", *args])


def _prune(path: str, *args: str) -> int:
    return main(["baseline", "prune", path, "--as-of", "2026-12-03", "-j1", "--no-config", *args])


@pytest.mark.parametrize("fmt", FORMATS)
def test_baseline_hides_the_findings_it_records(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here)
    assert _create("baseline.json", sample.file) == 0
    result = lint(sample.file, baseline="baseline.json")
    assert seen(result) == []
    assert [f.rule_name for f in result.suppressed] == ["pool-seen"]
    assert "1 known finding not shown (baseline baseline.json)" in result.notes


@pytest.mark.parametrize("fmt", FORMATS)
def test_baseline_still_matches_after_lines_are_added_above_the_pool(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here)
    _create("baseline.json", sample.file)
    sample.write(here, lines_above=5)
    assert seen(lint(sample.file, baseline="baseline.json")) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_baseline_reports_a_new_finding(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here)
    _create("baseline.json", sample.file)
    sample.write(here, agent_value="batch.node.ubuntu 24.04")
    [finding] = seen(lint(sample.file, baseline="baseline.json"))
    assert "24.04" in finding.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_prune_drops_entries_that_no_longer_occur(here, fmt, capsys):
    sample = SAMPLES[fmt]
    sample.write(here)
    _create("baseline.json", sample.file)
    sample.write(here, agent_value="batch.node.ubuntu 24.04")
    capsys.readouterr()
    assert _prune("baseline.json", sample.file) == 0
    assert "dropped 1 entry that no longer occurs; 0 left" in capsys.readouterr().out
    assert baseline.load("baseline.json") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_suppressed_findings_are_not_recorded(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here, agent="batchlint-disable-next-line pool-seen -- known")
    _create("baseline.json", sample.file)
    assert baseline.load("baseline.json") == []


def test_create_says_how_many_findings_it_recorded(here, capsys):
    SAMPLES["yaml"].write(here)
    assert _create("baseline.json", "pools.yaml") == 0
    assert capsys.readouterr().out == "batchlint: baseline baseline.json: 1 finding recorded\n"


def test_baseline_file_shape(here):
    SAMPLES["yaml"].write(here)
    _create("baseline.json", "pools.yaml")
    doc = json.loads((here / "baseline.json").read_text())
    assert (doc["version"], doc["tool"]) == (1, "batchlint")
    assert doc["tool_version"]
    [entry] = doc["entries"]
    assert set(entry) == {"fingerprint", "rule", "file", "pool", "message"}
    assert (entry["rule"], entry["file"], entry["pool"]) == ("TST001", "pools.yaml", "pool-a")


def test_create_leaves_no_temporary_file(here):
    SAMPLES["yaml"].write(here)
    _create("baseline.json", "pools.yaml")
    assert sorted(p.name for p in here.iterdir()) == ["baseline.json", "pools.yaml"]


def test_baseline_matches_from_another_folder(here, monkeypatch):
    (here / "infra").mkdir()
    SAMPLES["yaml"].write(here / "infra")
    _create("baseline.json", "infra/pools.yaml")
    monkeypatch.chdir(here / "infra")
    assert seen(lint("pools.yaml", baseline="../baseline.json")) == []


def test_a_finding_twice_needs_two_entries(here):
    text = SAMPLES["yaml"].render()
    (here / "pools.yaml").write_text(text)
    _create("baseline.json", "pools.yaml")
    (here / "pools.yaml").write_text(text + text)  # the same pool twice: same fingerprint
    assert len(seen(lint("pools.yaml", baseline="baseline.json"))) == 1


def test_stale_entries_are_noted(here):
    SAMPLES["yaml"].write(here)
    _create("baseline.json", "pools.yaml")
    SAMPLES["yaml"].write(here, agent_value="batch.node.ubuntu 24.04")
    result = lint("pools.yaml", baseline="baseline.json")
    assert (
        "1 baseline entry no longer occurs; batchlint baseline prune baseline.json drops it"
        in result.notes
    )


def test_prune_of_two_entries_says_entries_in_the_plural(here, capsys):
    SAMPLES["yaml"].write(here, "a.yaml")
    SAMPLES["yaml"].write(here, "b.yaml")
    _create("baseline.json", "a.yaml", "b.yaml")
    SAMPLES["yaml"].write(here, "a.yaml", agent_value="batch.node.ubuntu 24.04")
    SAMPLES["yaml"].write(here, "b.yaml", agent_value="batch.node.ubuntu 24.04")
    capsys.readouterr()
    assert _prune("baseline.json", "a.yaml", "b.yaml") == 0
    assert "dropped 2 entries that no longer occur; 0 left" in capsys.readouterr().out


def test_baseline_file_gets_the_mode_open_would_give(here):
    SAMPLES["yaml"].write(here)
    old = os.umask(0o022)
    try:
        _create("baseline.json", "pools.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((here / "baseline.json").stat().st_mode) == 0o644


def test_prune_keeps_entries_of_files_it_did_not_lint(here):
    SAMPLES["yaml"].write(here, "a.yaml")
    SAMPLES["yaml"].write(here, "b.yaml")
    _create("baseline.json", "a.yaml", "b.yaml")
    SAMPLES["yaml"].write(here, "a.yaml", agent_value="batch.node.ubuntu 24.04")
    _prune("baseline.json", "b.yaml")
    assert [e.file for e in baseline.load("baseline.json")] == ["a.yaml", "b.yaml"]


def test_lint_with_baseline_exits_zero_when_only_known_findings(here, capsys):
    SAMPLES["yaml"].write(here)
    _create("baseline.json", "pools.yaml")
    args = ["--as-of", "2026-12-03", "-j1", "--no-config", "--fail-on", "warning"]
    assert main([*args, "pools.yaml"]) == 1
    assert main([*args, "--baseline", "baseline.json", "pools.yaml"]) == 0
    assert "1 suppressed" in capsys.readouterr().out


def test_missing_baseline_file_is_a_usage_error(here, capsys):
    SAMPLES["yaml"].write(here)
    assert main(["--no-config", "--baseline", "nope.json", "pools.yaml"]) == 2
    assert "baseline nope.json: no such file" in capsys.readouterr().err


def test_baseline_that_is_not_json_names_file_and_line(here):
    (here / "baseline.json").write_text('{\n  "version": 1,\n  oops\n}\n')
    with pytest.raises(UsageError, match=r"^baseline.json:3:3: not JSON"):
        baseline.load("baseline.json")


def test_baseline_of_another_version_is_refused(here):
    (here / "baseline.json").write_text('{"version": 99, "entries": []}')
    with pytest.raises(UsageError, match="baseline version 99"):
        baseline.load("baseline.json")


def test_baseline_command_needs_an_action(here, capsys):
    assert main(["baseline", "list"]) == 2
    assert "unknown action 'list'" in capsys.readouterr().err


def test_baseline_command_needs_a_file_before_the_paths(here, capsys):
    assert main(["baseline", "create", "--as-of", "2026-12-03"]) == 2
    assert "give the baseline FILE first" in capsys.readouterr().err


def test_baseline_from_the_configuration_is_relative_to_it(here, monkeypatch):
    (here / "infra").mkdir()
    SAMPLES["yaml"].write(here / "infra")
    _create("known.json", "infra/pools.yaml")
    (here / ".batchlint.yaml").write_text("baseline: known.json\nfail-on: warning\n")
    monkeypatch.chdir(here / "infra")
    assert main(["--as-of", "2026-12-03", "-j1", "pools.yaml"]) == 0


def test_baseline_works_for_plain_json_pool_specs(here):
    body = {
        "id": "pool-a",
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": {"publisher": "canonical", "offer": "x", "sku": "y"},
            "nodeAgentSKUId": "batch.node.ubuntu 22.04",
        },
    }
    (here / "pool.json").write_text(json.dumps(body))
    _create("baseline.json", "pool.json")
    (here / "pool.json").write_text("\n\n" + json.dumps(body, indent=4))
    assert seen(lint("pool.json", baseline="baseline.json")) == []


@pytest.mark.parametrize("action", ["create", "prune"])
def test_an_action_asked_for_help_shows_the_usage(action, capsys):
    assert main(["baseline", action, "--help"]) == 0
    assert "batchlint baseline create FILE" in capsys.readouterr().out
