"""What happens to findings after the rules: suppressions, then the baseline.

Suppressions come from comments in the files of the run, from JSON metadata on pool
definitions and from the configuration. Findings they hide, and findings the baseline already
knows, move to ``result.suppressed`` so that reports can count them. Invalid suppressions
become ``suppression-invalid`` findings, and with ``--report-unused-suppressions`` the ones
that matched nothing become ``suppression-unused`` findings, before the baseline is applied.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from batchlint.discover import path_key
from batchlint.engine import Linter, RunResult
from batchlint.log import get as get_logger
from batchlint.model import Finding, Location
from batchlint.options import LintOptions
from batchlint.reader import ParseError, decode

if TYPE_CHECKING:
    from batchlint import suppress

log = get_logger(__name__)

INVALID_RULE = "BL401"
UNUSED_RULE = "BL402"
_JSON = (".json", ".jsonc")


def apply(result: RunResult, opts: LintOptions, linter: Linter) -> None:
    """Add run-level notes and drop suppressed or baselined findings."""
    # Only the texts that may hold a directive are kept: holding the text of every file of a
    # large run at once would make memory grow with the number of files.
    texts = {}
    for path in _files(result):
        text = _read(path, opts.max_file_size)
        if text is not None and "batchlint" in text:
            texts[path] = text
    if texts or opts.suppressions:
        _suppress(result, opts, linter, texts)

    if opts.baseline:
        from batchlint import baseline

        baseline.apply(result, opts.baseline)


def _suppress(result: RunResult, opts: LintOptions, linter: Linter, texts: dict[str, str]):
    from batchlint import suppress

    today = opts.as_of or _today()
    texts = {path: text for path, text in texts.items() if _may_suppress(text)}
    known = _known_rules(linter) if _has_directives(texts) else {}
    suppressions, invalid = _collect(texts, result, known)
    suppressions += suppress.from_config(opts.suppressions)

    outcome = suppress.apply(result.findings, suppressions, result.pools, today)
    added = [_finding(linter, INVALID_RULE, i.location, _invalid_message(i)) for i in invalid]
    if opts.report_unused_suppressions:
        for item in outcome.unused:
            if item.scope == "config" and not _in_scope(item, result.files):
                continue  # its files are not in this run (a hook run on a few files)
            added.append(_finding(linter, UNUSED_RULE, item.location, _unused_message(item)))
    added = [f for f in added if f is not None]

    result.suppressed.extend(outcome.hidden)
    result.findings = outcome.kept
    if added:
        _merge(result, added)
    if outcome.hidden:
        log.info("%d findings suppressed", len(outcome.hidden))


def _today():
    from batchlint.app import today

    return today()


def _files(result: RunResult) -> list[str]:
    """Every file whose text may hold a suppression that applies to this run's findings."""
    seen: dict[str, str] = {}
    paths = list(result.files)
    paths += [pool.location.file for pool in result.pools]
    paths += [via.file for pool in result.pools for via in pool.via]
    paths += [finding.location.file for finding in result.findings]
    for path in paths:
        seen.setdefault(path_key(path), path)
    return list(seen.values())


def _read(path: str, limit: int) -> str | None:
    try:
        info = os.stat(path)
        # A pipe named on the command line was read once already; reading it again would wait.
        if not stat.S_ISREG(info.st_mode) or (limit and info.st_size > limit):
            return None
        with open(path, "rb") as handle:
            return decode(handle.read())
    except (OSError, ParseError):
        return None  # the readers already reported what is wrong with this file


def _may_suppress(text: str) -> bool:
    from batchlint import suppress

    return suppress.MARK in text or '"batchlint"' in text


def _has_directives(texts: dict[str, str]) -> bool:
    return any(_may_suppress(t) for t in texts.values())


def _known_rules(linter: Linter) -> dict[str, str]:
    """Lower-case rule id and name -> rule name, for every installed rule (even disabled)."""
    from batchlint.app import Plugins

    known = {}
    for cls in Plugins().rule_classes + [type(rule) for rule in linter.rules]:
        known[cls.id.lower()] = cls.name
        known[cls.name.lower()] = cls.name
    return known


def _collect(texts: dict[str, str], result: RunResult, known: dict[str, str]):
    from batchlint import suppress

    suppressions: list[suppress.Suppression] = []
    invalid: list[suppress.Invalid] = []
    pools_by_file: dict[str, list] = {}
    for pool in result.pools:
        pools_by_file.setdefault(path_key(pool.location.file), []).append(pool)
    for path, text in texts.items():
        found, bad = suppress.from_comments(path, text, known)
        suppressions += found
        invalid += bad
        pools = pools_by_file.get(path_key(path))
        if pools and path.lower().endswith(_JSON) and '"batchlint"' in text:
            found, bad = suppress.from_metadata(path, text, pools, known)
            suppressions += found
            invalid += bad
    return suppressions, invalid


def _in_scope(item: suppress.Suppression, files: list[str]) -> bool:
    from batchlint import suppress

    if not item.patterns:
        return True
    return any(suppress.matches_path(f, item.patterns, item.base or ".") for f in files)


def _invalid_message(item: suppress.Invalid) -> str:
    return f"{item.message}; it suppresses nothing"


def _unused_message(item: suppress.Suppression) -> str:
    if item.scope == "config":
        where = f" for {', '.join(item.patterns)}" if item.patterns else ""
        return f"{item.describe()}{where} matches no finding; remove it from the configuration"
    if item.scope == "next-line":
        return f"{item.describe()} matches no finding on line {item.line}; remove it"
    if item.scope == "pool":
        return f"{item.describe()} in this pool's metadata matches no finding; remove it"
    return f"{item.describe()} matches no finding in this file; remove it"


def _finding(linter: Linter, rule_id: str, location: Location, message: str) -> Finding | None:
    """A finding of one of the suppression rules, or None when the rule is turned off."""
    rule = next((r for r in linter.rules if r.id == rule_id), None)
    if rule is None:
        return None
    finding = rule.finding(location, message)
    override = linter.severities.get(rule.name) or linter.severities.get(rule.id)
    if override is not None:
        finding = finding._replace(severity=override)
    return finding


def _merge(result: RunResult, added: list[Finding]) -> None:
    """Add findings keeping file order (as the run read the files), then position."""
    rank: dict[str, int] = {}
    for path in [f.location.file for f in result.findings] + result.files:
        rank.setdefault(path_key(path), len(rank))
    for finding in added:
        rank.setdefault(path_key(finding.location.file), len(rank))
    result.findings.extend(added)
    result.findings.sort(key=lambda f: (rank[path_key(f.location.file)], f.sort_key[1:]))
