"""GitHub Actions output: workflow commands that annotate the lines, and a step summary.

Each finding becomes an ``::error``, ``::warning`` or ``::notice`` command with the file, line,
column and a title, which GitHub shows on the pull request's diff. When the job sets
``GITHUB_STEP_SUMMARY``, a Markdown table of the findings is appended to that file. Paths are
given relative to ``GITHUB_WORKSPACE`` when the file is below it, as GitHub expects.
"""

from __future__ import annotations

import os

from batchlint.log import get as get_logger
from batchlint.model import Finding, Severity
from batchlint.reporters.base import Reporter, catalog_line, printable, totals

log = get_logger(__name__)

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

#: Findings listed in the step summary; GitHub caps a summary at 1 MiB.
SUMMARY_ROWS = 500


def escape_data(text: str) -> str:
    """A workflow command's message, with the characters the runner would misread encoded."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title), where ``:`` and ``,`` end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(path: str, workspace: str | None) -> str:
    """``path`` as GitHub names files: relative to the workspace, with forward slashes."""
    if workspace:
        full = os.path.abspath(path)
        rel = os.path.relpath(full, os.path.abspath(workspace))
        if not rel.startswith(".."):
            path = rel
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def annotation(finding: Finding, workspace: str | None = None) -> str:
    """The workflow command line for one finding."""
    loc = finding.location
    props = [
        f"file={escape_property(workspace_path(loc.file, workspace))}",
        f"line={loc.line}",
        f"col={loc.column}",
        f"title={escape_property(f'{finding.rule_name} ({finding.rule_id})')}",
    ]
    lines = [finding.message]
    if finding.fix:
        lines.append(f"Fix: {finding.fix}")
    if finding.note:
        lines.append(f"Note: {finding.note}")
    message = escape_data("\n".join(lines))
    return f"::{COMMANDS[finding.severity]} {','.join(props)}::{message}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def step_summary(
    result, workspace: str | None = None, first: list | None = None, total: int | None = None
) -> str:
    """The Markdown that the run adds to the job's summary page: ``first``, the first
    ``SUMMARY_ROWS`` of ``total`` findings (by default those of ``result``)."""
    if first is None:
        first, total = result.findings[:SUMMARY_ROWS], len(result.findings)
    out = ["## batchlint", "", f"**{totals(result)}**", ""]
    catalog = catalog_line(result)
    if catalog is not None:
        out += [f"Catalog: {_cell(catalog)}", ""]
    if total:
        out += ["| Severity | Rule | Location | Pool | Message |", "|---|---|---|---|---|"]
        for finding in first:
            loc = finding.location
            where = f"{workspace_path(loc.file, workspace)}:{loc.line}:{loc.column}"
            message = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
            out.append(
                f"| {finding.severity} | {_cell(finding.rule_name)} ({finding.rule_id}) "
                f"| `{_cell(where)}` | {_cell(finding.pool or '')} | {_cell(message)} |"
            )
        hidden = total - SUMMARY_ROWS
        if hidden > 0:
            out += ["", f"... and {hidden} more; see the job log or the SARIF report."]
        out.append("")
    else:
        out += ["No findings.", ""]
    for note in result.notes:
        out.append(f"> {_cell(note)}")
    if result.notes:
        out.append("")
    return "\n".join(out)


class GithubReporter(Reporter):
    name = "github"
    streams = True

    def begin(self) -> None:
        self._workspace = os.environ.get("GITHUB_WORKSPACE")
        self._first: list = []
        self._total = 0

    def finding(self, finding) -> None:
        self.stream.write(annotation(finding, self._workspace) + "\n")
        if len(self._first) < SUMMARY_ROWS:
            self._first.append(finding)
        self._total += 1

    def end(self, result) -> None:
        workspace = self._workspace
        write = self.stream.write
        write(f"batchlint: {totals(result)}\n")
        # Run notes (a fallback catalog, a baseline's count) are plain log lines: as
        # annotations they would sit on every run's summary page. A snapshot too old to trust
        # is also a warning on standard error.
        for note in result.notes:
            write(f"batchlint: note: {note}\n")

        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if target:
            summary = step_summary(result, workspace, self._first, self._total)
            self._append_summary(target, summary)

    def _append_summary(self, target: str, text: str) -> None:
        # The runner gives each step its own file and collects what was appended to it.
        try:
            with open(target, "a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
        except OSError as exc:
            log.warning("cannot write the step summary to %s: %s", target, exc.strerror)
