"""SARIF output: schema-valid for code scanning, rules with help, stable fingerprints."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from batchlint.engine import RunResult
from batchlint.fingerprint import fingerprint
from batchlint.model import Finding, Location, Severity
from batchlint.reporters.sarif import BATCH_DOCS, FINGERPRINT_KEY, SarifReporter
from batchlint.rule import Rule
from batchlint_rules.input import ParseErrorRule

from helpers import AS_OF, run_cli, write

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

BROKEN_TEMPLATE = """
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Batch/batchAccounts/pools",
      "name": "acct/pool-cpu"
      "properties": {}
    }
  ]
}
"""

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


class ImageGone(Rule):
    id = "XX100"
    name = "image-gone"
    severity = Severity.ERROR
    summary = "The image is gone."
    links = ("https://learn.microsoft.com/azure/batch/batch-pool-vm-sizes",)


class Quiet(Rule):
    id = "XX200"
    name = "quiet"
    severity = Severity.INFO
    summary = "Something worth knowing."


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def finding(line: int = 7, **changes) -> Finding:
    base = Finding(
        rule_id="XX100",
        rule_name="image-gone",
        severity=Severity.ERROR,
        location=Location("infra/main.json", line, 5),
        message="image canonical:UbuntuServer:18.04-LTS is gone",
        pool="acct/pool-cpu",
        subject=("canonical", "ubuntuserver", "18.04-lts"),
    )
    return base._replace(**changes)


def sarif(validator: Draft4Validator, findings, rules=None, notes=()) -> dict:
    """The SARIF log of a run with these findings, checked against the schema."""
    result = RunResult(findings=list(findings), files=["infra/main.json"], notes=list(notes))
    stream = io.StringIO()
    SarifReporter(stream, rules=rules or {}).report(result)
    doc = json.loads(stream.getvalue())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    return doc


def test_log_with_every_kind_of_detail_is_schema_valid(validator):
    findings = [
        finding(fix="use canonical:ubuntu-24_04-lts:server", evidence=("lifecycle row",)),
        finding(
            rule_id="XX200",
            rule_name="quiet",
            severity=Severity.INFO,
            related=(Location("infra/modules/pool.json", 3, 1),),
            note="the date is the platform's",
        ),
    ]
    doc = sarif(validator, findings, {"XX100": ImageGone, "XX200": Quiet}, notes=["old snapshot"])
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"][0]["results"]) == 2


def test_levels_follow_severity(validator):
    findings = [
        finding(severity=Severity.ERROR),
        finding(severity=Severity.WARNING, line=8),
        finding(severity=Severity.INFO, line=9),
    ]
    results = sarif(validator, findings)["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]


def test_result_region_is_the_finding_position(validator):
    result = sarif(validator, [finding(line=12)])["runs"][0]["results"][0]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "infra/main.json", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 5}


def test_source_root_is_the_working_folder(validator):
    run = sarif(validator, [finding()])["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().as_uri() + "/"


def test_path_with_spaces_is_percent_encoded(validator):
    located = finding(location=Location("my infra/main.json", 1, 1))
    result = sarif(validator, [located])["runs"][0]["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20infra/main.json"


def test_absolute_path_outside_the_working_folder_is_a_file_uri(validator, tmp_path):
    outside = tmp_path / "main.json"
    result = sarif(validator, [finding(location=Location(str(outside), 1, 1))])
    location = result["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": outside.as_uri()}


def test_relative_path_that_climbs_out_of_the_working_folder_is_a_file_uri(
    validator, tmp_path, monkeypatch
):
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    climbing = finding(location=Location("../shared/main.json", 1, 1))
    result = sarif(validator, [climbing])["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (tmp_path / "shared" / "main.json").as_uri()}


def test_absolute_path_below_the_working_folder_is_relative_to_the_source_root(
    validator, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    inside = finding(location=Location(str(tmp_path / "infra" / "main.json"), 1, 1))
    result = sarif(validator, [inside])["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "infra/main.json", "uriBaseId": "%SRCROOT%"}


def test_command_gives_files_outside_the_working_folder_file_uris(validator, tmp_path):
    write(tmp_path, "infra/pool.json", OLD_UBUNTU_POOL)
    (tmp_path / "repo").mkdir()
    proc = run_cli("--as-of", AS_OF, "--format", "sarif", "../infra", cwd=tmp_path / "repo")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert not list(validator.iter_errors(doc))
    (result,) = doc["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "infra" / "pool.json").as_uri()}


def test_message_carries_the_fix(validator):
    result = sarif(validator, [finding(fix="use 24.04")])["runs"][0]["results"][0]
    assert result["message"]["text"] == (
        "image canonical:UbuntuServer:18.04-LTS is gone\nFix: use 24.04"
    )


def test_rule_descriptor_has_summary_level_and_first_link(validator):
    rules = sarif(validator, [finding()], {"XX100": ImageGone})["runs"][0]["tool"]["driver"]
    (descriptor,) = rules["rules"]
    assert descriptor["id"] == "XX100"
    assert descriptor["name"] == "image-gone"
    assert descriptor["shortDescription"] == {"text": "The image is gone."}
    assert descriptor["defaultConfiguration"] == {"level": "error"}
    assert descriptor["helpUri"] == ImageGone.links[0]
    assert ImageGone.links[0] in descriptor["help"]["markdown"]


def test_rule_without_links_points_at_the_batch_documentation(validator):
    driver = sarif(validator, [], {"XX200": Quiet})["runs"][0]["tool"]["driver"]
    assert driver["rules"][0]["helpUri"] == BATCH_DOCS


def test_builtin_rule_help_is_its_documentation_page(validator):
    driver = sarif(validator, [], {"BL001": ParseErrorRule})["runs"][0]["tool"]["driver"]
    page = (Path(__file__).parents[1] / "rules" / "docs" / "parse-error.md").read_text()
    assert driver["rules"][0]["help"] == {"text": page, "markdown": page}


def test_result_points_at_its_rule_descriptor(validator):
    rules = {"XX100": ImageGone, "XX200": Quiet}
    run = sarif(validator, [finding(rule_id="XX200", rule_name="quiet")], rules)["runs"][0]
    result = run["results"][0]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "XX200"


def test_finding_of_an_unknown_rule_gets_a_stand_in_descriptor(validator):
    run = sarif(validator, [finding()])["runs"][0]
    assert run["tool"]["driver"]["rules"] == [
        {
            "id": "XX100",
            "name": "image-gone",
            "shortDescription": {"text": "image-gone"},
            "helpUri": BATCH_DOCS,
        }
    ]


def test_run_notes_are_tool_notifications(validator):
    note = "bundled snapshot of 2026-12-03 is 120 days old, more than 90 days"
    run = sarif(validator, [], notes=[note])["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes == [{"level": "note", "message": {"text": note}}]


def test_fingerprint_survives_lines_added_above():
    assert fingerprint(finding(line=7)) == fingerprint(finding(line=30))


def test_fingerprint_is_a_sha256_hex_digest():
    digest = fingerprint(finding())
    assert len(digest) == 64
    assert int(digest, 16) >= 0


@pytest.mark.parametrize(
    "change",
    [
        {"location": Location("infra/other.json", 7, 5)},
        {"pool": "acct/pool-gpu"},
        {"rule_id": "XX101"},
        {"subject": ("canonical", "ubuntuserver", "16.04-lts")},
    ],
    ids=["file", "pool", "rule", "subject"],
)
def test_fingerprint_changes_with_file_pool_rule_and_subject(change):
    assert fingerprint(finding(**change)) != fingerprint(finding())


def test_fingerprint_ignores_the_line_in_an_unnamed_pool_label():
    first = finding(pool="pool at infra/main.json:7:5")
    moved = finding(pool="pool at infra/main.json:9:5", line=9)
    assert fingerprint(first) == fingerprint(moved)


def test_fingerprint_of_a_finding_without_subject_uses_its_message():
    first = finding(subject=(), message="Expecting ',' delimiter")
    other = finding(subject=(), message="Unterminated string")
    assert fingerprint(first) != fingerprint(other)


def test_partial_fingerprints_do_not_depend_on_the_line(validator):
    before = sarif(validator, [finding(line=7)])["runs"][0]["results"][0]
    after = sarif(validator, [finding(line=10)])["runs"][0]["results"][0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert before["partialFingerprints"][FINGERPRINT_KEY] == fingerprint(finding())


def test_repeated_fingerprint_is_numbered_within_a_run(validator):
    results = sarif(validator, [finding(line=7), finding(line=9)])["runs"][0]["results"]
    keys = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]
    assert keys == [fingerprint(finding()), fingerprint(finding()) + ":2"]


def test_command_writes_sarif_and_text_in_one_run(validator, tmp_path):
    write(tmp_path, "pool.json", BROKEN_TEMPLATE)
    args = ["--as-of", AS_OF, "--format", "sarif", "--output", "results.sarif"]
    proc = run_cli(*args, "--format", "text", "pool.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("pool.json:8:7: error BL001 ")

    doc = json.loads((tmp_path / "results.sarif").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(doc))
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "BL001"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 8, "startColumn": 7}
    assert {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]} >= {"BL001", "BL105"}


def test_command_reports_an_end_of_life_image_in_sarif(validator, tmp_path):
    write(tmp_path, "pool.json", OLD_UBUNTU_POOL)
    proc = run_cli("--as-of", AS_OF, "--format", "sarif", "pool.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert not list(validator.iter_errors(doc))
    (result,) = doc["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("BL105", "error")
    assert result["properties"]["pool"] == "pool-old"
    assert doc["runs"][0]["properties"] == {
        "catalog": "bundled snapshot of 2026-12-03, eastus2",
        "catalog_age_days": (dt.date.fromisoformat(AS_OF) - dt.date(2026, 12, 3)).days,
    }
