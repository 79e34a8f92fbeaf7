"""What happens to findings after the rules: catalog notes, suppressions, baseline."""

from __future__ import annotations

from batchlint.engine import Linter, RunResult
from batchlint.options import LintOptions


def apply(result: RunResult, opts: LintOptions, linter: Linter) -> None:
    """Add run-level notes and drop suppressed or baselined findings."""
