"""Text output: one line a finding, ``path:line:col: severity rule-id message (rule-name)``."""

from __future__ import annotations

from batchlint.model import Severity
from batchlint.reporters.base import Reporter, catalog_line, printable, totals

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


class TextReporter(Reporter):
    name = "text"
    streams = True

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def begin(self) -> None:
        self._written = 0

    def finding(self, finding) -> None:
        write = self.stream.write
        loc = finding.location
        level = self.paint(str(finding.severity), _COLORS[finding.severity])
        head = self.paint(f"{printable(loc.file)}:{loc.line}:{loc.column}:", _BOLD)
        message = printable(finding.message)
        write(f"{head} {level} {finding.rule_id} {message} ({finding.rule_name})\n")
        if finding.fix:
            write(self.paint(f"    fix: {printable(finding.fix)}", _DIM) + "\n")
        if finding.note:
            write(self.paint(f"    note: {printable(finding.note)}", _DIM) + "\n")
        self._written += 1

    def end(self, result) -> None:
        write = self.stream.write
        if self._written:
            write("\n")
        write(totals(result) + "\n")
        catalog = catalog_line(result)
        if catalog is not None:
            write(f"catalog: {catalog}\n")
        for note in result.notes:
            write(f"note: {note}\n")
