"""One run: discover files, read pools, run rules, collect findings.

Each file is read and checked on its own, so a run can spread files over processes
(``jobs``) and still give the same output in the same order.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable

from batchlint.catalog import Catalog
from batchlint.discover import Candidate, discover
from batchlint.log import INFO
from batchlint.log import get as get_logger
from batchlint.model import Diagnostic, Finding, Location, Pool, ReadResult, Severity
from batchlint.reader import ParseError, ReadContext, ReadOptions, SourceFile, decode
from batchlint.readers import limits
from batchlint.rule import Rule, RuleContext

log = get_logger(__name__)


class RunResult:
    """What a run found, for the reports.

    ``pools`` holds a ``Pool`` record for each pool, or only its ``PoolPlace`` (name and
    place) when the run was asked not to keep the values (``Linter(keep_pools=False)``).

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
        "read_files",
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
        #: Files read besides ``files`` (parameters, variables, modules), which no report of
        #: the run may overwrite.
        self.read_files: set[str] = set()

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


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
        keep_pools: bool = True,
    ) -> None:
        self.readers = sorted(readers, key=lambda r: (getattr(r, "priority", 50), r.name))
        self.suffixes = tuple(sorted({s for r in self.readers for s in r.suffixes}))
        self.rules = rules
        self.ctx = rule_context
        self.read_options = read_options or ReadOptions()
        self.severities = severities or {}
        #: Whether results hold each ``Pool`` with its values, or only its ``PoolPlace``.
        self.keep_pools = keep_pools
        self._diagnostic_rules: dict[str, Rule] = {}
        for rule in rules:
            for kind in rule.diagnostic_kinds:
                self._diagnostic_rules.setdefault(kind, rule)

    # -- reading -------------------------------------------------------------------------

    def candidates(self, paths: list[str], exclude: tuple[str, ...] = ()) -> list[Candidate]:
        return discover(paths, self.suffixes, exclude)

    def read(self, candidate: Candidate, read_ctx: ReadContext) -> ReadResult:
        """Pools and diagnostics of one file; never raises for what the file holds."""
        path = candidate.path
        try:
            info = os.stat(path)
        except OSError as exc:
            if not candidate.explicit and exc.errno == errno.ENOENT and os.path.islink(path):
                # Met in a folder: a link to nothing is not a pool definition anyone wrote.
                reason = "file skipped: a link to a missing file"
                return _diagnostic("file-skipped", path, 1, reason)
            return _diagnostic("parse-error", path, 1, f"cannot read file: {exc.strerror}")
        if not stat.S_ISREG(info.st_mode) and not candidate.explicit:
            # A named pipe or device found in a folder would block the run on its first read;
            # one named on the command line is read, as the user asked (``<(az ...)``).
            return _diagnostic("file-skipped", path, 1, "file skipped: not a regular file")
        size = info.st_size
        limit = self.read_options.max_file_size
        limits.start_file()
        if limit and size > limit:
            return _diagnostic(
                "file-skipped",
                path,
                1,
                f"file skipped: {_size(size)} is over the --max-file-size limit of {_size(limit)}",
            )
        try:
            with open(path, "rb") as handle:
                # A pipe or device reports no size: read no more than the limit allows.
                regular = stat.S_ISREG(info.st_mode)
                data = handle.read() if regular or not limit else _read_upto(handle, limit + 1)
            if limit and len(data) > limit:
                return _diagnostic(
                    "file-skipped",
                    path,
                    1,
                    f"file skipped: more than the --max-file-size limit of {_size(limit)}",
                )
            text = decode(data)
        except OSError as exc:
            return _diagnostic("parse-error", path, 1, f"cannot read file: {exc.strerror}")
        except ParseError as exc:
            return _diagnostic("parse-error", path, exc.line, exc.message, exc.column)

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
        findings: list[Finding] = []
        for diagnostic in result.diagnostics:
            rule = self._diagnostic_rules.get(diagnostic.kind)
            if rule is None:
                log.debug("no rule reports diagnostics of kind %s", diagnostic.kind)
                continue
            findings.extend(self._run(rule.check_diagnostic(diagnostic, self.ctx), rule))
        for pool in result.pools:
            _log_unknowns(pool)
            for rule in self.rules:
                findings.extend(self._run(rule.check(pool, self.ctx), rule, pool))
        return _name_instances(findings)

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

    def lint_one(self, candidate: Candidate, read_ctx: ReadContext) -> tuple[list, list, list]:
        """(pools, findings, other files read) of one file."""
        result = self.read(candidate, read_ctx)
        findings = self.check(result)
        pools = result.pools if self.keep_pools else [pool.place() for pool in result.pools]
        return pools, findings, result.depends_on

    def run(self, paths: list[str], exclude: tuple[str, ...] = (), jobs: int = 1) -> RunResult:
        return self.run_candidates(self.candidates(paths, exclude), jobs)

    def run_candidates(self, candidates: list[Candidate], jobs: int = 1) -> RunResult:
        """Read and check files already chosen (e.g. a changed-file list and its relatives)."""
        read_ctx = ReadContext([c.path for c in candidates], self.read_options)
        outcome = RunResult(files=[c.path for c in candidates], catalog=self.ctx.catalog)
        if jobs > 1 and len(candidates) > 1:
            from batchlint import parallel

            results = parallel.lint_all(self, candidates, read_ctx, jobs)
        else:
            results = (self.lint_one(c, read_ctx) for c in candidates)
        shared: dict = {}
        for pools, findings, read in results:
            outcome.pools.extend(pools)
            outcome.read_files.update(read)
            findings.sort(key=lambda f: f.sort_key)
            outcome.findings.extend(_shared(f, shared) for f in findings)
        return outcome


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
