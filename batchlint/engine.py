"""One run: discover files, read pools, run rules, collect findings.

Each file is read and checked on its own, so a run can spread files over processes
(``jobs``) and still give the same output in the same order.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from batchlint.catalog import Catalog
from batchlint.discover import Candidate, Candidates, discover
from batchlint.log import INFO
from batchlint.log import get as get_logger
from batchlint.model import Diagnostic, Finding, Location, Pool, ReadResult, Severity
from batchlint.reader import ParseError, ReadContext, ReadOptions, SourceFile, decode
from batchlint.readers import limits
from batchlint.rule import Rule, RuleContext

log = get_logger(__name__)


class RunResult:
    """What a run found, for the reports.

    ``pools`` holds a ``Pool`` record for each pool, its ``PoolPlace`` (name and place) only,
    or nothing, as the run was asked (``Linter(keep_pools=...)``); ``pool_count`` counts them
    in every case.

    ``suppressed`` holds the findings that suppressions or the baseline hid, for reports that
    count them. ``notes`` are run-level lines for the summary, only for what needs attention
    (an old snapshot, a fallback catalog, the region snapshots used). ``catalog_age_days``
    counts from the catalog's date to the evaluation date; None when the catalog has no date.
    """

    __slots__ = (
        "pools",
        "findings",
        "files",
        "catalog",
        "suppressed",
        "notes",
        "catalog_age_days",
        "ledger",
        "overwrites",
        "_pool_count",
        "counts",
        "suppressed_streamed",
    )

    def __init__(
        self,
        pools: list[Pool] | None = None,
        findings: list[Finding] | None = None,
        files: list[str] | None = None,
        catalog: Catalog | None = None,
        suppressed: list[Finding] | None = None,
        notes: list[str] | None = None,
        catalog_age_days: int | None = None,
    ) -> None:
        self.pools = pools if pools is not None else []
        self.findings = findings if findings is not None else []
        self.files = files if files is not None else []
        self.catalog = catalog
        self.suppressed = suppressed if suppressed is not None else []
        self.notes = notes if notes is not None else []
        self.catalog_age_days = catalog_age_days
        #: What the run's suppressions matched (``aftercheck.Ledger``), when any file had one.
        self.ledger = None
        #: For each protected path (``Linter.protected``), how the run used it: "linted",
        #: "defines" (pools or findings are in it) or "read" (a parameters file, a module);
        #: an empty set for one it did not use.
        self.overwrites: dict[str, set[str]] = {}
        self._pool_count: int | None = None
        #: Findings by severity, for a run whose findings went to a report as it went
        #: (``findings`` then stays empty); None when ``findings`` holds them all.
        self.counts: dict[Severity, int] | None = None
        #: Suppressed findings of such a run, counted rather than held.
        self.suppressed_streamed = 0

    @property
    def suppressed_count(self) -> int:
        return len(self.suppressed) + self.suppressed_streamed

    @property
    def pool_count(self) -> int:
        return len(self.pools) if self._pool_count is None else self._pool_count

    @pool_count.setter
    def pool_count(self, count: int) -> None:
        self._pool_count = count

    def count(self, severity: Severity) -> int:
        held = sum(1 for f in self.findings if f.severity == severity)
        return held + (self.counts.get(severity, 0) if self.counts else 0)

    def worst(self) -> Severity | None:
        streamed = [s for s, n in self.counts.items() if n] if self.counts else []
        return max([*(f.severity for f in self.findings), *streamed], default=None)


class FileOutcome(NamedTuple):
    """What linting one file gives the run."""

    pools: list  # Pool or PoolPlace records, as the linter keeps them; else empty
    pool_count: int
    findings: list[Finding]
    hidden: list[Finding]  # found, and suppressed
    marks: object  # aftercheck.Marks, when a suppression concerned the file
    overwrites: tuple[tuple[str, str], ...]  # (protected path, how it was used)


#: What a run keeps of each pool: its values, its name and place, or only the count.
KEEP_VALUES, KEEP_PLACES, KEEP_COUNT = "values", "places", "count"


class Linter:
    """Readers and rules bound to one catalog and set of options."""

    def __init__(
        self,
        readers: list,
        rules: list[Rule],
        rule_context: RuleContext,
        read_options: ReadOptions | None = None,
        severities: dict[str, Severity] | None = None,
        *,
        keep_pools: bool | str = True,
        suppressor=None,
    ) -> None:
        self.readers = sorted(readers, key=lambda r: (getattr(r, "priority", 50), r.name))
        self.suffixes = tuple(sorted({s for r in self.readers for s in r.suffixes}))
        self.rules = rules
        self.ctx = rule_context
        self.read_options = read_options or ReadOptions()
        self.severities = severities or {}
        #: What results hold of each pool: ``KEEP_VALUES`` (or True) the ``Pool``,
        #: ``KEEP_PLACES`` (or False) its ``PoolPlace``, ``KEEP_COUNT`` nothing but the count.
        self.keep_pools = {True: KEEP_VALUES, False: KEEP_PLACES}.get(keep_pools, keep_pools)
        if self.keep_pools not in (KEEP_VALUES, KEEP_PLACES, KEEP_COUNT):
            raise ValueError(f"keep_pools: {keep_pools!r}")
        #: Applies suppressions as each file is linted (``aftercheck.Suppressor``), if any.
        self.suppressor = suppressor
        #: Files no report may be written over: (device, inode) -> the path as given. The run
        #: records in ``RunResult.overwrites`` how it used each.
        self.protected: dict[tuple[int, int], str] = {}
        self._diagnostic_rules: dict[str, Rule] = {}
        for rule in rules:
            for kind in rule.diagnostic_kinds:
                self._diagnostic_rules.setdefault(kind, rule)

    # -- reading -------------------------------------------------------------------------

    def candidates(self, paths: list[str], exclude: tuple[str, ...] = ()) -> Candidates:
        return discover(paths, self.suffixes, exclude)

    def read(self, candidate: Candidate, read_ctx: ReadContext) -> ReadResult:
        """Pools and diagnostics of one file; never raises for what the file holds."""
        return self._read(candidate, read_ctx)[0]

    def _read(
        self, candidate: Candidate, read_ctx: ReadContext
    ) -> tuple[ReadResult, str | None, os.stat_result | None]:
        """(result, the file's text, its status); the text is None when it could not be read."""
        path = candidate.path
        try:
            info = os.stat(path)
        except OSError as exc:
            if not candidate.explicit and exc.errno == errno.ENOENT and os.path.islink(path):
                # Met in a folder: a link to nothing is not a pool definition anyone wrote.
                reason = "file skipped: a link to a missing file"
                return _diagnostic("file-skipped", path, 1, reason), None, None
            message = f"cannot read file: {exc.strerror}"
            return _diagnostic("parse-error", path, 1, message), None, None
        return self._read_file(candidate, info, read_ctx)

    def _read_file(self, candidate: Candidate, info: os.stat_result, read_ctx: ReadContext):
        path = candidate.path
        if not stat.S_ISREG(info.st_mode) and not candidate.explicit:
            # A named pipe or device found in a folder would block the run on its first read;
            # one named on the command line is read, as the user asked (``<(az ...)``).
            reason = "file skipped: not a regular file"
            return _diagnostic("file-skipped", path, 1, reason), None, info
        size = info.st_size
        limit = self.read_options.max_file_size
        limits.start_file()
        if limit and size > limit:
            over = f"{_size(size)} is over the --max-file-size limit of {_size(limit)}"
            reason = f"file skipped: {over}"
            return _diagnostic("file-skipped", path, 1, reason), None, info
        try:
            with open(path, "rb") as handle:
                # A pipe or device reports no size: read no more than the limit allows.
                regular = stat.S_ISREG(info.st_mode)
                data = handle.read() if regular or not limit else _read_upto(handle, limit + 1)
            if limit and len(data) > limit:
                reason = f"file skipped: more than the --max-file-size limit of {_size(limit)}"
                return _diagnostic("file-skipped", path, 1, reason), None, info
            text = decode(data)
        except OSError as exc:
            message = f"cannot read file: {exc.strerror}"
            return _diagnostic("parse-error", path, 1, message), None, info
        except ParseError as exc:
            diagnostic = _diagnostic("parse-error", path, exc.line, exc.message, exc.column)
            return diagnostic, None, info
        return self._parse(candidate, text, read_ctx), text, info

    def _parse(self, candidate: Candidate, text: str, read_ctx: ReadContext) -> ReadResult:
        path = candidate.path
        source = SourceFile(path, text, candidate.explicit)
        low = path.lower()
        readers = [r for r in self.readers if low.endswith(r.suffixes)]
        if not readers and candidate.explicit:
            readers = self.readers  # a named file with an unusual suffix: let any reader try
        for reader in readers:
            try:
                result = reader.read(source, read_ctx)
            except ParseError as exc:
                return _diagnostic("parse-error", path, exc.line, exc.message, exc.column)
            except RecursionError:
                return _diagnostic("parse-error", path, 1, "nested too deeply to read")
            except Exception as exc:  # a reader bug must not end the run for other files
                log.debug("reader %s failed on %s", reader.name, path, exc_info=True)
                return _diagnostic(
                    "parse-error",
                    path,
                    1,
                    f"batchlint's {reader.name} reader failed on this file "
                    f"({type(exc).__name__}: {exc}); this is a bug in batchlint",
                )
            if result is not None:
                log.info("read %s (%s): %d pools", path, reader.name, len(result.pools))
                return result
        log.debug("%s: not a pool definition", path)
        return ReadResult()

    # -- checking ------------------------------------------------------------------------

    def check(self, result: ReadResult) -> list[Finding]:
        return self._check(result)[0]

    def _check(self, result: ReadResult) -> tuple[list[Finding], list[Pool | None]]:
        """The findings of one read, and the pool each is about (None for a diagnostic)."""
        findings: list[Finding] = []
        owners: list[Pool | None] = []
        for diagnostic in result.diagnostics:
            rule = self._diagnostic_rules.get(diagnostic.kind)
            if rule is None:
                log.debug("no rule reports diagnostics of kind %s", diagnostic.kind)
                continue
            found = self._run(rule.check_diagnostic(diagnostic, self.ctx), rule)
            findings += found
            owners += [None] * len(found)
        for pool in result.pools:
            _log_unknowns(pool)
            for rule in self.rules:
                found = self._run(rule.check(pool, self.ctx), rule, pool)
                findings += found
                owners += [pool] * len(found)
        return _name_instances(findings), owners

    def _run(self, produced: Iterable[Finding], rule: Rule, pool: Pool | None = None):
        out = []
        override = self.severities.get(rule.name) or self.severities.get(rule.id)
        try:
            for finding in produced:
                if override is not None:
                    finding = _with_severity(finding, override)
                out.append(finding)
        except Exception as exc:  # a rule's bug is reported, and the other rules still run
            log.debug("rule %s failed", rule.name, exc_info=True)
            out.append(_rule_failed(rule, pool, exc))
        return out

    def lint_one(self, candidate: Candidate, read_ctx: ReadContext) -> FileOutcome:
        """Read and check one file, and apply the suppressions that concern its findings."""
        result, text, info = self._read(candidate, read_ctx)
        findings, owners = self._check(result)
        hidden: list[Finding] = []
        marks = None
        if self.suppressor is not None:
            settled = self.suppressor.settle(
                candidate.path, text, result.pools, findings, read_ctx, owners
            )
            if settled is not None:
                findings, hidden, marks = settled
        overwrites = self._overwrites(candidate, info, result, findings) if self.protected else ()
        if self.keep_pools == KEEP_VALUES:
            pools = result.pools
        elif self.keep_pools == KEEP_PLACES:
            pools = [pool.place() for pool in result.pools]
        else:
            pools = []
        return FileOutcome(pools, len(result.pools), findings, hidden, marks, overwrites)

    def _overwrites(self, candidate, info, result: ReadResult, findings: list[Finding]):
        """How linting this file used the protected files: linted, defines (holds a pool or a
        finding), read (a file the readers read besides it)."""
        out: dict[tuple[str, str], None] = {}
        own = self._protected(candidate.path, info)
        if own is not None:
            out[(own, "linted")] = None
        places = [pool.location.file for pool in result.pools]
        # A report too large to lint is still only a report.
        places += [f.location.file for f in findings if f.rule_name != "file-skipped"]
        for path in dict.fromkeys(places):
            target = own if path == candidate.path else self._protected(path)
            if target is not None:
                out[(target, "defines")] = None
        for path in dict.fromkeys(result.depends_on):
            target = self._protected(path)
            if target is not None:
                out[(target, "read")] = None
        return tuple(out)

    def _protected(self, path: str, info: os.stat_result | None = None) -> str | None:
        if info is None:
            try:
                info = os.stat(path)
            except (OSError, ValueError):
                return None
        return self.protected.get((info.st_dev, info.st_ino))

    def protect(self, paths) -> None:
        """Watch ``paths`` (report or baseline files that exist) for use by the run."""
        for path in paths:
            try:
                info = os.stat(path)
            except (OSError, ValueError):
                continue  # not there yet: nothing of the user's to overwrite
            self.protected[(info.st_dev, info.st_ino)] = path

    def run(
        self, paths: list[str], exclude: tuple[str, ...] = (), jobs: int = 1, emit=None
    ) -> RunResult:
        return self.run_candidates(self.candidates(paths, exclude), jobs, emit)

    def run_candidates(
        self, candidates: Sequence[Candidate], jobs: int = 1, emit=None
    ) -> RunResult:
        """Read and check files already chosen (e.g. a changed-file list and its relatives).

        ``emit``: called with each finding, in order, as its file is done, instead of holding
        the findings in the result (which then counts the suppressed ones only).
        """
        if isinstance(candidates, Candidates):
            files = candidates.paths
        else:
            files = [c.path for c in candidates]
        read_ctx = ReadContext(files, self.read_options)
        outcome = RunResult(files=files, catalog=self.ctx.catalog)
        outcome.pool_count = 0
        outcome.overwrites = {path: set() for path in self.protected.values()}
        if jobs > 1 and len(candidates) > 1:
            from batchlint import parallel

            results = parallel.lint_all(self, candidates, read_ctx, jobs)
        else:
            results = (self.lint_one(c, read_ctx) for c in candidates)
        shared: dict = {}
        invalid_seen: set = set()
        try:
            self._collect(results, outcome, emit, shared, invalid_seen)
        finally:
            # A report that cannot be written stops the run here: the workers stop too.
            close = getattr(results, "close", None)
            if close is not None:
                close()
        return outcome

    def _collect(self, results, outcome: RunResult, emit, shared: dict, invalid_seen: set):
        for one in results:
            outcome.pools.extend(one.pools)
            outcome.pool_count += one.pool_count
            findings = one.findings
            if one.marks is not None and one.marks.invalid:
                # Reported with the file's other findings, once however often it is read.
                from batchlint.aftercheck import invalid_findings

                findings = findings + invalid_findings(self, one.marks.invalid, invalid_seen)
            findings.sort(key=lambda f: f.sort_key)
            if emit is not None:
                for finding in findings:
                    emit(finding)
                outcome.suppressed_streamed += len(one.hidden)
            else:
                outcome.findings.extend(_shared(f, shared) for f in findings)
                if one.hidden:
                    outcome.suppressed.extend(_shared(f, shared) for f in one.hidden)
            if one.marks is not None:
                if outcome.ledger is None:
                    from batchlint.aftercheck import Ledger

                    outcome.ledger = Ledger()
                outcome.ledger.add(one.marks)
            for target, how in one.overwrites:
                outcome.overwrites.setdefault(target, set()).add(how)


def _shared(finding: Finding, seen: dict) -> Finding:
    """The finding with its texts and tuples shared with earlier findings that have equal ones.

    A run over many files repeats the same evidence, fixes and often messages thousands of
    times, and a worker process sends each finding with copies of its own: held once each,
    they take a fraction of the memory.
    """
    share = seen.setdefault
    loc = finding.location
    file = share(loc.file, loc.file)
    return finding._replace(
        location=loc if file is loc.file else loc._replace(file=file),
        message=share(finding.message, finding.message),
        pool=finding.pool and share(finding.pool, finding.pool),
        fix=finding.fix and share(finding.fix, finding.fix),
        evidence=_shared_tuple(finding.evidence, seen),
        subject=_shared_tuple(finding.subject, seen),
    )


def _shared_tuple(items: tuple, seen: dict) -> tuple:
    items = tuple(seen.setdefault(item, item) for item in items)
    return seen.setdefault(items, items)


def _read_upto(handle, most: int) -> bytes:
    """At most ``most`` bytes, read in pieces: a read of the whole limit at once would set
    aside that much memory first."""
    chunks, total = [], 0
    while total < most:
        chunk = handle.read(min(1 << 20, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _size(size: int) -> str:
    """A file size in the unit that reads best: bytes, KB or MB (of 1024)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if round(size / 1024, 1) < 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1048576:.1f} MB"


def _rule_failed(rule: Rule, pool: Pool | None, exc: Exception) -> Finding:
    where = pool.location if pool is not None else Location("", 1)
    origin = rule.__module__
    return Finding(
        rule_id="BL004",
        rule_name="rule-failed",
        severity=Severity.ERROR,
        location=where,
        message=(
            f"rule {rule.name} ({rule.id}, from {origin}) failed on this pool: "
            f"{type(exc).__name__}: {exc}; the pool is not fully checked"
        ),
        pool=pool.label if pool is not None else None,
        subject=(rule.id, type(exc).__name__),
    )


def _name_instances(findings: list[Finding]) -> list[Finding]:
    """Name the pool where loop instances share a finding's place and words, so that text and
    annotation lines, which show no pool, can be told apart."""
    from collections import Counter

    same = Counter((f.location, f.rule_id, f.message) for f in findings)
    if all(count == 1 for count in same.values()):
        return findings
    return [
        f._replace(message=f"{f.message} (pool {f.pool})")
        if f.pool and same[(f.location, f.rule_id, f.message)] > 1
        else f
        for f in findings
    ]


def _log_unknowns(pool: Pool) -> None:
    if not log.isEnabledFor(INFO):
        return
    for name, value in pool.values().items():
        if value is not None and not value.known:
            log.info(
                "%s: pool %s: %s is unknown: %s",
                value.location or pool.location,
                pool.label,
                name,
                value.unresolved,
            )


def _diagnostic(kind: str, path: str, line: int, message: str, column: int = 1) -> ReadResult:
    return ReadResult(diagnostics=[Diagnostic(kind, Location(path, line, column), message)])


def _with_severity(finding: Finding, severity: Severity) -> Finding:

    return finding._replace(severity=severity)
