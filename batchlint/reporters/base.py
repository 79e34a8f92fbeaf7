"""What a reporter is: a class with a format name that writes one run's result to a stream."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TextIO

if TYPE_CHECKING:
    from batchlint.engine import RunResult
    from batchlint.rule import Rule


class Reporter:
    """Writes a ``RunResult``. ``rules`` maps rule ids to rule classes, for help and links."""

    name: ClassVar[str]
    #: What the report needs of each pool: True (or "values") for the ``Pool`` records with
    #: their values, "places" for each pool's name and place (``PoolPlace``), False for no
    #: more than ``result.pool_count``. A run keeps no more than its reports need, so that it
    #: does not hold every pool of a large repository.
    needs_pools: ClassVar[bool | str] = False

    def __init__(
        self,
        stream: TextIO,
        *,
        color: bool = False,
        rules: dict | None = None,
        options: dict | None = None,
    ) -> None:
        self.stream = stream
        self.color = color
        self.rules: dict[str, type[Rule]] = rules or {}
        self.options = options or {}

    #: Whether the report is written as the run goes: ``begin()``, ``finding()`` for each
    #: finding in the run's order, then ``end(result)`` with the finished result's counts and
    #: notes. A run reporting to such a report alone need not hold its findings.
    streams: ClassVar[bool] = False

    def report(self, result: RunResult) -> None:
        """The whole report of a finished run."""
        if not self.streams:
            raise NotImplementedError
        self.begin()
        for finding in result.findings:
            self.finding(finding)
        self.end(result)

    def begin(self) -> None:
        """Before the first finding of a streamed report."""

    def finding(self, finding) -> None:
        raise NotImplementedError

    def end(self, result: RunResult) -> None:
        """After the last finding: ``result`` has the counts and notes, not the findings."""


def summary(result: RunResult) -> dict:
    from batchlint.model import Severity

    return {
        "files": len(result.files),
        "pools": result.pool_count,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
        "suppressed": result.suppressed_count,
    }


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def totals(result: RunResult) -> str:
    """``2 errors, 0 warnings, 1 info in 3 files (4 pools)``, and how many were suppressed."""
    counts = summary(result)
    text = (
        f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}, "
        f"{plural(counts['infos'], 'info')} in {plural(counts['files'], 'file')} "
        f"({plural(counts['pools'], 'pool')})"
    )
    if counts["suppressed"]:
        text += f"; {counts['suppressed']} suppressed"
    return text


def catalog_line(result: RunResult) -> str | None:
    """The catalog's name and age for a summary: ``bundled snapshot of ..., eastus2 (10 days
    old)``; None when the run had no catalog."""
    if result.catalog is None:
        return None
    info = result.catalog.info
    age = result.catalog_age_days
    if age is None:
        return f"{info.label()} (age unknown)" if info.date is None else info.label()
    if age < 0:
        return f"{info.label()} (dated after the evaluation date)"
    return f"{info.label()} ({plural(age, 'day')} old)"


def printable(text: str) -> str:
    """Text from the input as a terminal may show it: control characters (an escape sequence,
    a carriage return, a newline that would forge a finding line) become ``\\xNN`` escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)
