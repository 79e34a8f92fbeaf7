"""JUnit XML output, parsed back the way a CI system reads it."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

from batchlint.engine import RunResult
from batchlint.model import Finding, Location, Pool, Severity
from batchlint.reporters.junit import JunitReporter

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


def pool(name: str, file: str = "infra/main.json", line: int = 4) -> Pool:
    return Pool(name=name, format="arm", location=Location(file, line, 5))


def finding(pool_name: str | None = "acct/pool-cpu", **changes) -> Finding:
    base = Finding(
        rule_id="BL105",
        rule_name="image-end-of-life",
        severity=Severity.ERROR,
        location=Location("infra/main.json", 12, 9),
        message="image canonical:UbuntuServer:18.04-LTS reached its end of life",
        pool=pool_name,
        fix="use canonical:ubuntu-24_04-lts:server",
    )
    return base._replace(**changes)


def junit(result: RunResult, fail_on: str = "error") -> ET.Element:
    stream = io.StringIO()
    JunitReporter(stream, options={"fail_on": fail_on}).report(result)
    text = stream.getvalue()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text)


def cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def test_each_pool_is_a_test_case_in_its_file_suite():
    result = RunResult(
        pools=[pool("acct/pool-cpu"), pool("acct/pool-gpu", line=30)],
        files=["infra/main.json"],
    )
    root = junit(result)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "infra/main.json"
    assert [(c.get("name"), c.get("line")) for c in suite.iter("testcase")] == [
        ("acct/pool-cpu", "4"),
        ("acct/pool-gpu", "30"),
    ]


def test_finding_is_a_failure_of_its_pool():
    result = RunResult(
        pools=[pool("acct/pool-cpu")], findings=[finding()], files=["infra/main.json"]
    )
    case = cases(junit(result))[("infra/main.json", "acct/pool-cpu")]
    (failure,) = case.findall("failure")
    assert failure.get("type") == "image-end-of-life"
    assert failure.get("message") == (
        "image canonical:UbuntuServer:18.04-LTS reached its end of life"
    )
    assert failure.text == (
        "infra/main.json:12:9: error BL105 image canonical:UbuntuServer:18.04-LTS reached its "
        "end of life (image-end-of-life)\nfix: use canonical:ubuntu-24_04-lts:server"
    )


def test_two_findings_of_a_pool_are_two_failures():
    second = finding(rule_id="BL205", rule_name="vm-size-retired", message="size retired")
    result = RunResult(
        pools=[pool("acct/pool-cpu")], findings=[finding(), second], files=["infra/main.json"]
    )
    case = cases(junit(result))[("infra/main.json", "acct/pool-cpu")]
    assert [f.get("type") for f in case.findall("failure")] == [
        "image-end-of-life",
        "vm-size-retired",
    ]


def test_finding_in_a_parameters_file_stays_with_its_pool():
    in_params = finding(location=Location("infra/main.parameters.json", 6, 16))
    result = RunResult(
        pools=[pool("acct/pool-cpu")],
        findings=[in_params],
        files=["infra/main.json", "infra/main.parameters.json"],
    )
    found = cases(junit(result))
    assert found[("infra/main.json", "acct/pool-cpu")].findall("failure")
    assert ("infra/main.parameters.json", "(file)") in found
    assert not found[("infra/main.parameters.json", "(file)")].findall("failure")


def test_pools_of_the_same_name_in_two_files_keep_their_own_findings():
    other = finding(location=Location("infra/other.json", 20, 9))
    result = RunResult(
        pools=[pool("acct/pool-cpu"), pool("acct/pool-cpu", file="infra/other.json")],
        findings=[other],
        files=["infra/main.json", "infra/other.json"],
    )
    found = cases(junit(result))
    assert not found[("infra/main.json", "acct/pool-cpu")].findall("failure")
    assert found[("infra/other.json", "acct/pool-cpu")].findall("failure")


def test_parse_error_is_a_failure_of_the_file_case():
    broken = finding(
        pool_name=None,
        rule_id="BL001",
        rule_name="parse-error",
        message="Expecting ',' delimiter",
        fix=None,
        location=Location("infra/broken.json", 8, 7),
    )
    result = RunResult(findings=[broken], files=["infra/broken.json"])
    case = cases(junit(result))[("infra/broken.json", "(file)")]
    assert case.find("failure").get("type") == "parse-error"


def test_file_without_pools_is_one_passing_case():
    root = junit(RunResult(files=["ci/workflow.yaml"]))
    (case,) = root.iter("testcase")
    assert (case.get("classname"), case.get("name")) == ("ci/workflow.yaml", "(file)")
    assert list(case) == []


def test_findings_below_fail_on_are_written_to_system_out():
    info = finding(severity=Severity.INFO, message="image near its end of life", fix=None)
    result = RunResult(pools=[pool("acct/pool-cpu")], findings=[info], files=["infra/main.json"])
    case = cases(junit(result))[("infra/main.json", "acct/pool-cpu")]
    assert case.findall("failure") == []
    assert case.find("system-out").text == (
        "infra/main.json:12:9: info BL105 image near its end of life (image-end-of-life)"
    )


def test_fail_on_warning_makes_warnings_failures():
    warning = finding(severity=Severity.WARNING)
    result = RunResult(pools=[pool("acct/pool-cpu")], findings=[warning], files=["infra/main.json"])
    case = cases(junit(result, fail_on="warning"))[("infra/main.json", "acct/pool-cpu")]
    assert len(case.findall("failure")) == 1


def test_fail_on_never_has_no_failures():
    result = RunResult(
        pools=[pool("acct/pool-cpu")], findings=[finding()], files=["infra/main.json"]
    )
    root = junit(result, fail_on="never")
    assert root.get("failures") == "0"
    assert list(root.iter("failure")) == []


def test_counts_are_test_cases_and_failed_cases():
    result = RunResult(
        pools=[pool("acct/pool-cpu"), pool("acct/pool-gpu", line=30)],
        findings=[finding(), finding(message="second problem")],
        files=["infra/main.json", "ci/workflow.yaml"],
    )
    root = junit(result)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "0")
    suites = {s.get("name"): (s.get("tests"), s.get("failures")) for s in root}
    assert suites == {"infra/main.json": ("2", "1"), "ci/workflow.yaml": ("1", "0")}


def test_characters_xml_cannot_hold_are_replaced():
    odd = finding(message="bad byte \x01 in value")
    result = RunResult(pools=[pool("acct/pool-cpu")], findings=[odd], files=["infra/main.json"])
    failure = next(junit(result).iter("failure"))
    assert failure.get("message") == "bad byte \ufffd in value"


def test_command_writes_junit_for_an_end_of_life_image(tmp_path):
    write(tmp_path, "pool.json", OLD_UBUNTU_POOL)
    args = ["--as-of", AS_OF, "--format", "junit", "--output", "junit.xml", "pool.json"]
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    root = ET.parse(tmp_path / "junit.xml").getroot()
    (case,) = root.iter("testcase")
    assert (case.get("classname"), case.get("name")) == ("pool.json", "pool-old")
    assert [f.get("type") for f in case.findall("failure")] == ["image-end-of-life"]
    properties = [p.attrib for p in root.find("testsuite/properties")]
    age = (dt.date.fromisoformat(AS_OF) - dt.date(2026, 12, 3)).days
    assert properties == [
        {"name": "catalog", "value": "bundled snapshot of 2026-12-03, eastus2"},
        {"name": "catalog_age_days", "value": str(age)},
    ]
