"""What happens to findings after the rules: suppressions, then the baseline.

Suppressions come from comments in the files of the run, from JSON metadata on pool
definitions and from the configuration. They are applied as each file is linted, in the
process that lints it (``Suppressor.settle``): to that file's findings, with the texts of the
files those findings and their pools point to. Findings they hide go to ``result.suppressed``
so that reports can count them. What each suppression matched is gathered over the run
(``Ledger``), since a suppression in a module is used by the files that call it. Invalid
suppressions become ``suppression-invalid`` findings among the findings of the file that reads
them first (``invalid_findings``). After the run, with ``--report-unused-suppressions``, the
ones that matched nothing anywhere become ``suppression-unused`` findings; then the baseline
is applied.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, NamedTuple

from batchlint.discover import path_key
from batchlint.log import get as get_logger
from batchlint.model import Finding, Location
from batchlint.reader import ParseError, decode

if TYPE_CHECKING:
    import datetime as dt

    from batchlint import suppress
    from batchlint.engine import Linter, RunResult
    from batchlint.options import LintOptions

log = get_logger(__name__)

INVALID_RULE = "BL401"
UNUSED_RULE = "BL402"
_JSON = (".json", ".jsonc")

#: How many texts of other files (parameters files, modules) a ``Suppressor`` remembers.
TEXT_MEMO = 512


class Marks(NamedTuple):
    """What one file's suppressions did: each suppression read with whether it matched, the
    invalid ones, and which configured ones matched or concern the file."""

    found: tuple[tuple[suppress.Suppression, bool], ...]
    invalid: tuple[suppress.Invalid, ...]
    config_used: frozenset[int]
    config_in_scope: frozenset[int]


class Settled(NamedTuple):
    kept: list[Finding]
    hidden: list[Finding]
    marks: Marks


class Suppressor:
    """Applies suppressions to one file's findings at a time."""

    def __init__(
        self,
        config: list[dict],
        today: dt.date,
        max_file_size: int,
        rule_classes: list[type],
    ) -> None:
        """``rule_classes``: the run's rules; any installed rule may be named as well."""
        if config:
            from batchlint import suppress

            self.config = suppress.from_config(config)
        else:
            self.config = []
        self.today = today
        self.max_file_size = max_file_size
        self.rule_classes = rule_classes
        self._known: dict[str, str] | None = None
        self._texts: dict[str, str | None] = {}

    def settle(
        self,
        path: str,
        text: str | None,
        pools: list,
        findings: list[Finding],
        read_ctx,
        owners: list | None = None,
    ):
        """(kept, hidden, marks) of one file's findings; None when no suppression concerns it.

        ``owners``: the pool each finding is about, when the caller knows it (else it is found
        by the finding's pool name and places)."""
        texts = {}
        if text is not None and _may_suppress(text):
            texts[path] = text
        seen = {path_key(path)}
        for other in _files(pools, findings):
            if other == path:
                continue
            key = path_key(other)
            if key not in seen:
                seen.add(key)
                found = self._text(other, key, read_ctx)
                if found is not None:
                    texts[other] = found
        if not texts and not self.config:
            return None

        from batchlint import suppress

        known = self._known_rules() if texts else {}
        collected, invalid = _collect(texts, pools, known)
        everything = collected + self.config
        outcome = suppress.apply(findings, everything, pools, self.today, owners=owners)
        unused = {id(item) for item in outcome.unused}
        marks = Marks(
            tuple((item, id(item) not in unused) for item in collected),
            tuple(invalid),
            frozenset(i for i, item in enumerate(self.config) if id(item) not in unused),
            frozenset(i for i, item in enumerate(self.config) if _in_scope(item, path)),
        )
        return Settled(outcome.kept, outcome.hidden, marks)

    def _text(self, path: str, key: str, read_ctx) -> str | None:
        """The text of another file when it may hold a suppression; remembered for a while."""
        if key in self._texts:
            return self._texts[key]
        text = read_ctx.recent_text(path) if read_ctx is not None else None
        if text is None:
            text = _read(path, self.max_file_size)
        found = text if text is not None and _may_suppress(text) else None
        if len(self._texts) >= TEXT_MEMO:
            self._texts.clear()
        self._texts[key] = found
        return found

    def _known_rules(self) -> dict[str, str]:
        """Lower-case rule id and name -> rule name, for every installed rule (even disabled)."""
        if self._known is None:
            from batchlint.app import Plugins

            known = {}
            for cls in [*Plugins().rule_classes, *self.rule_classes]:
                known[cls.id.lower()] = cls.name
                known[cls.name.lower()] = cls.name
            self._known = known
        return self._known


class Ledger:
    """The marks of every file of a run, gathered in the process that reports."""

    __slots__ = ("found", "config_used", "config_in_scope")

    def __init__(self) -> None:
        #: Each suppression read, once by its place, with whether any file's findings matched
        #: it. A place is compared by ``path_key``: readers may spell a file otherwise than
        #: the folder walk (relative or absolute).
        self.found: dict[tuple, list] = {}
        self.config_used: set[int] = set()
        self.config_in_scope: set[int] = set()

    def add(self, marks: Marks) -> None:
        for item, used in marks.found:
            entry = self.found.setdefault(_place_of(item.location, item.scope), [item, False])
            entry[1] = entry[1] or used
        self.config_used |= marks.config_used
        self.config_in_scope |= marks.config_in_scope


def _place_of(location: Location, what: str) -> tuple:
    return path_key(location.file), location.line, location.column, what


def _files(pools: list, findings: list[Finding]) -> list[str]:
    """The files besides the linted one whose suppressions may cover these findings."""
    paths = [pool.location.file for pool in pools]
    paths += [via.file for pool in pools for via in pool.via]
    for finding in findings:
        paths.append(finding.location.file)
        paths += [loc.file for loc in finding.related]
    return list(dict.fromkeys(paths))


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
    return "batchlint" in text and ("batchlint-disable" in text or '"batchlint"' in text)


def _collect(texts: dict[str, str], pools: list, known: dict[str, str]):
    from batchlint import suppress

    suppressions: list[suppress.Suppression] = []
    invalid: list[suppress.Invalid] = []
    for path, text in texts.items():
        found, bad = suppress.from_comments(path, text, known)
        suppressions += found
        invalid += bad
        if path.lower().endswith(_JSON) and '"batchlint"' in text:
            key = path_key(path)
            here = [pool for pool in pools if path_key(pool.location.file) == key]
            if here:
                found, bad = suppress.from_metadata(path, text, here, known)
                suppressions += found
                invalid += bad
    return suppressions, invalid


def _in_scope(item: suppress.Suppression, path: str) -> bool:
    from batchlint import suppress

    return not item.patterns or suppress.matches_path(path, item.patterns, item.base or ".")


# -- after the run -------------------------------------------------------------------------


def apply(result: RunResult, opts: LintOptions, linter: Linter, *, emit=None, known=None) -> None:
    """Report invalid and unused suppressions; drop the findings the baseline knows.

    With ``emit`` the run's findings were reported as it went (the command line streams no
    run that looks for unused suppressions, but a library caller may): the unused ones are
    reported now, after them, and ``known`` (a ``baseline.Filter``) has already dropped the
    findings the baseline knows.
    """
    ledger = result.ledger
    if ledger is not None:
        # Invalid ones were reported with the findings of the file that has them.
        added = []
        if opts.report_unused_suppressions:
            added += _unused(ledger, linter)
        added = [f for f in added if f is not None]
        if added and emit is not None:
            for finding in added:
                emit(finding)
        elif added:
            _merge(result, added)
    if result.suppressed_count:
        log.info("%d findings suppressed", result.suppressed_count)

    if known is not None:
        known.finish(result)
        result.suppressed_streamed += known.known
    elif opts.baseline:
        from batchlint import baseline

        baseline.apply(result, opts.baseline)


def invalid_findings(linter: Linter, invalid, seen: set) -> list[Finding]:
    """A ``suppression-invalid`` finding for each of ``invalid`` not in ``seen`` (a set of
    places, which this adds to)."""
    out = []
    for item in invalid:
        place = _place_of(item.location, item.message)
        if place not in seen:
            seen.add(place)
            finding = _finding(linter, INVALID_RULE, item.location, _invalid(item))
            if finding is not None:
                out.append(finding)
    return out


def _unused(ledger: Ledger, linter: Linter) -> list[Finding | None]:
    out = []
    for item, used in ledger.found.values():
        if not used:
            out.append(_finding(linter, UNUSED_RULE, item.location, _unused_message(item)))
    suppressor = linter.suppressor
    for index, item in enumerate(suppressor.config if suppressor else ()):
        # One whose files are not in this run (a hook run on a few files) is not unused.
        if index not in ledger.config_used and index in ledger.config_in_scope:
            out.append(_finding(linter, UNUSED_RULE, item.location, _unused_message(item)))
    return out


def _invalid(item: suppress.Invalid) -> str:
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
