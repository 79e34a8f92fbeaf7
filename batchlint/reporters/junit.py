"""JUnit XML output: a test suite per file, a test case per pool, a failure per finding.

CI systems show JUnit results as tests that pass or fail, so a finding is a failure only when
it is at or above the run's failure level (``--fail-on``); findings below it are written to the
test case's ``system-out``, where they can be read without failing the test. Findings that
belong to no pool (a file that cannot be parsed, a missing module) go to a test case named
``(file)``, which a file with no pools also gets, so every file read shows up.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from batchlint.model import Finding, Pool, Severity
from batchlint.reporters.base import Reporter

FILE_CASE = "(file)"

# Characters XML 1.0 cannot hold at all, even escaped; messages quote user input, so they can
# contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _norm(path: str) -> str:
    """One spelling per file, so a pool and its findings meet in the same suite."""
    path = os.path.normpath(path)
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


@dataclass
class _Case:
    name: str
    line: int | None = None
    findings: list[Finding] = field(default_factory=list)


def _describe(finding: Finding) -> str:
    loc = finding.location
    lines = [
        f"{loc.file}:{loc.line}:{loc.column}: {finding.severity} {finding.rule_id} "
        f"{finding.message} ({finding.rule_name})"
    ]
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    if finding.note:
        lines.append(f"note: {finding.note}")
    return "\n".join(lines)


class JunitReporter(Reporter):
    name = "junit"
    needs_pools = "places"  # a test case for each pool

    def report(self, result) -> None:
        root = self.tree(result)
        ET.indent(root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(root, encoding="unicode"))
        self.stream.write("\n")

    def threshold(self) -> Severity | None:
        fail_on = self.options.get("fail_on") or "error"
        return None if fail_on == "never" else Severity.parse(fail_on)

    def tree(self, result) -> ET.Element:
        """The ``testsuites`` element of one run."""
        root = ET.Element("testsuites", name="batchlint")
        catalog = []
        if result.catalog is not None:
            catalog.append(("catalog", result.catalog.info.label()))
            if result.catalog_age_days is not None:
                catalog.append(("catalog_age_days", str(result.catalog_age_days)))
        total = failed = 0
        for file, cases in self._group(result).items():
            suite = self._suite(file, cases, catalog)
            root.append(suite)
            total += int(suite.get("tests"))
            failed += int(suite.get("failures"))
        _counts(root, total, failed)
        return root

    def _suite(self, file: str, cases: dict, catalog: list[tuple[str, str]]) -> ET.Element:
        threshold = self.threshold()
        suite = ET.Element("testsuite", name=_clean(file))
        if catalog:
            props = ET.SubElement(suite, "properties")
            for name, value in catalog:
                ET.SubElement(props, "property", name=name, value=_clean(value))

        failed = 0
        for case in cases.values():
            failing, quiet = [], []
            for finding in case.findings:
                fails = threshold is not None and finding.severity >= threshold
                (failing if fails else quiet).append(finding)

            element = ET.SubElement(suite, "testcase", classname=_clean(file))
            element.set("name", _clean(case.name))
            element.set("file", _clean(file))
            if case.line is not None:
                element.set("line", str(case.line))
            element.set("time", "0")
            for finding in failing:
                failure = ET.SubElement(element, "failure", message=_clean(finding.message))
                failure.set("type", finding.rule_name)
                failure.text = _clean(_describe(finding))
            if quiet:
                out = ET.SubElement(element, "system-out")
                out.text = _clean("\n".join(_describe(f) for f in quiet))
            failed += 1 if failing else 0

        _counts(suite, len(cases), failed)
        suite.set("skipped", "0")
        return suite

    def _group(self, result) -> dict[str, dict[tuple, _Case]]:
        """file -> {case key -> case}, in the order the files were read."""
        suites: dict[str, dict[tuple, _Case]] = {}
        for path in result.files:
            suites.setdefault(_norm(path), {})
        by_label: dict[str, list[Pool]] = {}
        for pool in result.pools:
            file = _norm(pool.location.file)
            key = ("pool", pool.label, pool.location.line, pool.location.column)
            suites.setdefault(file, {})[key] = _Case(pool.label, pool.location.line)
            by_label.setdefault(pool.label, []).append(pool)

        for finding in result.findings:
            pool = _owner(finding, by_label)
            if pool is not None:
                file = _norm(pool.location.file)
                key = ("pool", pool.label, pool.location.line, pool.location.column)
            elif finding.pool:
                # A pool the result does not list (a result built by hand): a case of its own.
                file = _norm(finding.location.file)
                key = ("pool", finding.pool, None, None)
                suites.setdefault(file, {}).setdefault(key, _Case(finding.pool))
            else:
                file = _norm(finding.location.file)
                key = ("file",)
                suites.setdefault(file, {}).setdefault(key, _Case(FILE_CASE))
            suites[file][key].findings.append(finding)

        for cases in suites.values():
            if not cases:
                cases[("file",)] = _Case(FILE_CASE)
        return suites


def _counts(element: ET.Element, tests: int, failures: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("time", "0")


def _owner(finding: Finding, by_label: dict[str, list[Pool]]) -> Pool | None:
    """The pool a finding is about. Findings name their pool by label only, so when two files
    have a pool of the same name, the one in the finding's own file wins, else the first."""
    candidates = by_label.get(finding.pool or "", [])
    if not candidates:
        return None
    file = _norm(finding.location.file)
    for pool in candidates:
        if _norm(pool.location.file) == file:
            return pool
    return candidates[0]
