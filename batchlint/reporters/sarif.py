"""SARIF 2.1.0 output, in the shape GitHub code scanning accepts.

Every rule batchlint knows is described, with its documentation page as help, so code scanning
can show why a finding matters. Results point at the exact line and column, carry the level of
their severity, and a fingerprint that does not depend on the line. Findings hidden by
suppressions or the baseline are left out.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

from batchlint import __version__
from batchlint.fingerprint import fingerprint
from batchlint.log import get as get_logger
from batchlint.model import Finding, Location, Severity
from batchlint.reporters.base import Reporter

log = get_logger(__name__)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BATCH_DOCS = "https://learn.microsoft.com/azure/batch/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "batchlint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def doc_page(rule: type) -> str | None:
    """The text of a rule's documentation page, ``docs/<rule-name>.md`` beside its module."""
    module = sys.modules.get(rule.__module__)
    origin = getattr(module, "__file__", None)
    if not origin:
        return None
    path = Path(origin).parent / "docs" / f"{rule.name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.debug("no documentation page for %s at %s", rule.name, path)
        return None


def rule_descriptor(rule: type) -> dict:
    """The ``reportingDescriptor`` of a rule class."""
    links = tuple(getattr(rule, "links", ()) or ())
    page = doc_page(rule)
    if page is None:
        lines = [rule.summary]
        if links:
            lines += ["", "Links:", *(f"- {link}" for link in links)]
        text = markdown = "\n".join(lines)
    else:
        text = markdown = page
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": text, "markdown": markdown},
        "helpUri": links[0] if links else BATCH_DOCS,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["azure-batch"]},
    }


def _stand_in_descriptor(finding: Finding) -> dict:
    # A finding from a rule the run does not know as a class (a plugin that went away, a
    # result built by hand) still needs a descriptor for its ruleIndex.
    return {
        "id": finding.rule_id,
        "name": finding.rule_name,
        "shortDescription": {"text": finding.rule_name},
        "helpUri": BATCH_DOCS,
    }


def artifact(path: str) -> dict:
    """An ``artifactLocation``: relative to the source root (the working folder) when the file
    is below it, else an absolute ``file://`` URI, which code scanning can map where a ``../``
    climbing out of the source root cannot."""
    full = os.path.abspath(path)
    try:
        relative = os.path.relpath(full, os.getcwd())
    except ValueError:  # another drive on Windows
        relative = None
    if relative is None or relative.split(os.sep)[0] == os.pardir:
        return {"uri": Path(full).as_uri()}
    # A file name that is not UTF-8 (kept as surrogate escapes) is quoted as its bytes.
    uri = quote(relative.replace(os.sep, "/"), errors="surrogateescape")
    return {"uri": uri, "uriBaseId": SRCROOT}


def _folder_uri(folder: Path) -> str:
    # A base URI must end with a slash, or relative URIs would replace its last segment.
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def location(loc: Location, ident: int | None = None) -> dict:
    region = {"startLine": max(1, loc.line), "startColumn": max(1, loc.column)}
    out: dict = {"physicalLocation": {"artifactLocation": artifact(loc.file), "region": region}}
    if ident is not None:
        out["id"] = ident
    return out


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.fix:
        text += f"\nFix: {finding.fix}"
    if finding.note:
        text += f"\nNote: {finding.note}"
    return text


class SarifReporter(Reporter):
    name = "sarif"

    def report(self, result) -> None:
        json.dump(self.document(result), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")

    def document(self, result) -> dict:
        """The SARIF log of one run, as a dict."""
        descriptors = [rule_descriptor(cls) for _, cls in sorted(self.rules.items())]
        index = {d["id"]: i for i, d in enumerate(descriptors)}
        for finding in result.findings:
            if finding.rule_id not in index:
                index[finding.rule_id] = len(descriptors)
                descriptors.append(_stand_in_descriptor(finding))

        seen: dict[str, int] = {}
        results = []
        for finding in result.findings:
            ident = fingerprint(finding)
            # Two findings that differ only in their line share a fingerprint; numbering the
            # repeats keeps each result's identity distinct within the run.
            seen[ident] = seen.get(ident, 0) + 1
            if seen[ident] > 1:
                ident = f"{ident}:{seen[ident]}"
            results.append(self._result(finding, index[finding.rule_id], ident))

        run: dict = {
            "tool": {
                "driver": {
                    "name": "batchlint",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": descriptors,
                }
            },
            "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(Path.cwd())}},
            "invocations": [self._invocation(result)],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }
        if result.catalog is not None:
            run["properties"] = {"catalog": result.catalog.info.label()}
            if result.catalog_age_days is not None:
                run["properties"]["catalog_age_days"] = result.catalog_age_days
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def _result(self, finding: Finding, rule_index: int, key: str) -> dict:
        out: dict = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index,
            "level": LEVELS[finding.severity],
            "message": {"text": _message(finding)},
            "locations": [location(finding.location)],
            "partialFingerprints": {FINGERPRINT_KEY: key},
        }
        if finding.related:
            out["relatedLocations"] = [
                location(loc, number) for number, loc in enumerate(finding.related, start=1)
            ]
        properties: dict = {"ruleName": finding.rule_name}
        if finding.pool:
            properties["pool"] = finding.pool
        if finding.fix:
            properties["fix"] = finding.fix
        if finding.evidence:
            properties["evidence"] = list(finding.evidence)
        out["properties"] = properties
        return out

    def _invocation(self, result) -> dict:
        notes = [{"level": "note", "message": {"text": note}} for note in result.notes]
        out: dict = {"executionSuccessful": True}
        if notes:
            out["toolExecutionNotifications"] = notes
        return out
