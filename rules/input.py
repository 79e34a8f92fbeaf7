"""Rules about the input itself: files that cannot be read, modules that cannot be found."""

from __future__ import annotations

from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.rule import Rule


class ParseErrorRule(Rule):
    id = "BL001"
    name = "parse-error"
    severity = Severity.ERROR
    summary = "The file cannot be read as the format it claims to be."
    diagnostic_kinds = ("parse-error",)


class ModuleNotFound(Rule):
    id = "BL002"
    name = "module-not-found"
    severity = Severity.ERROR
    summary = "A local module or template the file refers to does not exist."
    diagnostic_kinds = ("module-not-found",)


class FileSkipped(Rule):
    id = "BL003"
    name = "file-skipped"
    severity = Severity.WARNING
    summary = "A file was not linted (larger than --max-file-size)."
    diagnostic_kinds = ("file-skipped",)


class RuleFailed(Rule):
    """Reported by the engine itself when another rule raises, so that one broken rule (often
    an outside plugin's) costs its own checks and not the run."""

    id = "BL004"
    name = "rule-failed"
    severity = Severity.ERROR
    summary = "A rule raised an error on a pool, so that pool is not fully checked."


@hookimpl
def batchlint_rules():
    return [ParseErrorRule, ModuleNotFound, FileSkipped, RuleFailed]
