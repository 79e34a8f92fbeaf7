"""GitHub Actions output: workflow command lines asserted exactly, and the step summary."""

from __future__ import annotations

import io

import pytest

from batchlint.engine import RunResult
from batchlint.model import Finding, Location, Severity
from batchlint.reporters.github import GithubReporter, step_summary

from helpers import AS_OF, run_cli, write

OLD_UBUNTU_POOL = """
{
  "id": "pool-old",
  "vmSize": "standard_d2s_v5",
  "virtualMachineConfiguration": {
    "imageReference": {"publisher": "canonical", "offer": "UbuntuServer",
                       "sku": "18.04-LTS", "version": "latest"},
    "nodeAgentSKUId": "batch.node.ubuntu 18.04"
  }
}
"""


@pytest.fixture(autouse=True)
def outside_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def finding(**changes) -> Finding:
    base = Finding(
        rule_id="BL105",
        rule_name="image-end-of-life",
        severity=Severity.ERROR,
        location=Location("infra/main.json", 12, 9),
        message="image canonical:UbuntuServer:18.04-LTS reached its end of life",
        pool="acct/pool-cpu",
    )
    return base._replace(**changes)


def lines(*findings: Finding, notes=()) -> list[str]:
    stream = io.StringIO()
    result = RunResult(findings=list(findings), files=["infra/main.json"], notes=list(notes))
    GithubReporter(stream).report(result)
    return stream.getvalue().splitlines()


def test_error_finding_is_an_error_command_with_file_line_column_and_title():
    assert lines(finding()) == [
        # Colons are encoded in properties only; the message keeps them.
        "::error file=infra/main.json,line=12,col=9,title=image-end-of-life (BL105)::"
        "image canonical:UbuntuServer:18.04-LTS reached its end of life",
        "batchlint: 1 error, 0 warnings, 0 infos in 1 file (0 pools)",
    ]


def test_warning_and_info_are_warning_and_notice_commands():
    found = lines(
        finding(severity=Severity.WARNING, message="unverified"),
        finding(severity=Severity.INFO, message="near its end"),
    )
    assert found[:2] == [
        "::warning file=infra/main.json,line=12,col=9,title=image-end-of-life (BL105)::unverified",
        "::notice file=infra/main.json,line=12,col=9,title=image-end-of-life (BL105)::near its end",
    ]


def test_fix_and_note_are_further_lines_of_the_message():
    (line, _) = lines(finding(message="gone", fix="use 24.04", note="dates are Batch's"))
    assert line == (
        "::error file=infra/main.json,line=12,col=9,title=image-end-of-life (BL105)::"
        "gone%0AFix: use 24.04%0ANote: dates are Batch's"
    )


def test_commas_colons_and_percent_in_properties_are_encoded():
    odd = finding(location=Location("a,b:c%.json", 1, 1), message="100% gone")
    (line, _) = lines(odd)
    assert line == (
        "::error file=a%2Cb%3Ac%25.json,line=1,col=1,title=image-end-of-life (BL105)::100%25 gone"
    )


def test_path_is_relative_to_the_workspace(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    inside = finding(location=Location(str(tmp_path / "infra" / "main.json"), 3, 4))
    (line, _) = lines(inside)
    assert line.startswith("::error file=infra/main.json,line=3,col=4,")


def test_run_notes_are_log_lines_not_annotations():
    found = lines(notes=["bundled snapshot of 2026-12-03 is 120 days old, more than 90 days"])
    assert found == [
        "batchlint: 0 errors, 0 warnings, 0 infos in 1 file (0 pools)",
        "batchlint: note: bundled snapshot of 2026-12-03 is 120 days old, more than 90 days",
    ]


def test_step_summary_is_appended_when_the_job_sets_it(monkeypatch, tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    lines(finding(fix="use 24.04"))
    assert target.read_text(encoding="utf-8") == (
        "earlier step\n"
        "## batchlint\n"
        "\n"
        "**1 error, 0 warnings, 0 infos in 1 file (0 pools)**\n"
        "\n"
        "| Severity | Rule | Location | Pool | Message |\n"
        "|---|---|---|---|---|\n"
        "| error | image-end-of-life (BL105) | `infra/main.json:12:9` | acct/pool-cpu "
        "| image canonical:UbuntuServer:18.04-LTS reached its end of life Fix: use 24.04 |\n"
    )


def test_no_step_summary_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines(finding())
    assert list(tmp_path.iterdir()) == []


def test_step_summary_says_when_there_is_nothing():
    text = step_summary(RunResult(files=["infra/main.json"]))
    assert "No findings." in text.splitlines()


def test_pipes_in_summary_cells_are_escaped():
    text = step_summary(RunResult(findings=[finding(message="a | b")]))
    assert "| a \\| b |" in text


def test_unwritable_step_summary_is_a_warning_not_a_crash(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    found = lines(finding())
    assert found[0].startswith("::error ")
    assert "cannot write the step summary" in caplog.text


def test_command_annotates_an_end_of_life_image(tmp_path):
    write(tmp_path, "pool.json", OLD_UBUNTU_POOL)
    summary = tmp_path / "summary.md"
    proc = run_cli(
        "--as-of",
        AS_OF,
        "--format",
        "github",
        "pool.json",
        cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "::error file=pool.json,line=6,col=31,title=image-end-of-life (BL105)::"
        "image canonical:UbuntuServer:18.04-LTS reached its end of life in Batch on 2023-05-30 "
        "and is no longer in the list%0AFix: use canonical:ubuntu-24_04-lts:server with node "
        "agent batch.node.ubuntu 24.04 (canonical:ubuntu-24_04-lts:server-gen1 for "
        "Generation 1 sizes)",
        "batchlint: 1 error, 0 warnings, 0 infos in 1 file (1 pool)",
    ]
    assert "| error | image-end-of-life (BL105) | `pool.json:6:31` |" in summary.read_text()


def test_step_summary_names_the_catalog_with_its_age_and_no_note(tmp_path):
    write(tmp_path, "pool.json", OLD_UBUNTU_POOL)
    summary = tmp_path / "summary.md"
    run_cli(
        "--as-of",
        "2026-12-13",
        "--format",
        "github",
        "pool.json",
        cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    text = summary.read_text()
    assert "Catalog: bundled snapshot of 2026-12-03, eastus2 (10 days old)\n" in text
    assert "\n> " not in text
