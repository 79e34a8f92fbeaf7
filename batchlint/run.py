"""The lint command from options to exit status."""

from __future__ import annotations

import os
import sys

from batchlint.app import Plugins, today
from batchlint.catalog import CatalogError
from batchlint.engine import Linter, RunResult
from batchlint.log import get as get_logger
from batchlint.model import Severity
from batchlint.options import LintOptions, UsageError
from batchlint.reader import ReadOptions
from batchlint.rule import RuleContext

log = get_logger(__name__)


def load_catalog(plugins: Plugins, opts: LintOptions, notes: list[str] | None = None):
    """The catalog the options ask for: live, a snapshot file, or the bundled snapshot.

    When the live list cannot be fetched and ``--fallback snapshot`` is given, the snapshot
    (``--images``, else the bundled one) is used instead, with a warning and a note.
    """
    if opts.live:
        name = "live"
    elif opts.images:
        name = "snapshot"
    else:
        name = "bundled"
    try:
        catalog = _source(plugins, name).load(opts)
    except CatalogError as exc:
        where = opts.sources.get("images")
        if name == "snapshot" and where and where != "command line":
            exc.args = (f"{exc} (catalog.snapshot, {where})",)
        if name != "live" or opts.fallback != "snapshot" or getattr(exc, "exit_code", 2) != 3:
            raise
        catalog = _source(plugins, "snapshot" if opts.images else "bundled").load(opts)
        _warn(f"the live list could not be fetched, using {catalog.info.label()}: {exc}", notes)
    log.info("catalog: %s (%d entries)", catalog.info.label(), len(catalog.entries))
    return catalog


def _source(plugins: Plugins, name: str):
    source = plugins.catalog_sources.get(name)
    if source is None:
        raise UsageError(f"no catalog source {name!r} is installed")
    return source


def _warn(text: str, notes: list[str] | None) -> None:
    print(f"batchlint: warning: {text}", file=sys.stderr)
    if notes is not None:
        notes.append(text)


def catalog_notes(
    catalog, opts: LintOptions, notes: list[str], *, region: str | None = None
) -> int | None:
    """The age of a catalog in days; a warning when a snapshot is past ``snapshot_max_age_days``.

    Age counts to the evaluation date (``--as-of``, else today), so a pinned run says the same
    thing every day. The bundled snapshot ages like any other; a live list never warns. The main
    catalog's age is shown with its name in the reports, so it is a note only when it is too
    old; a region's snapshot always gets a note saying which pools it was used for.
    """
    info = catalog.info
    day = opts.as_of or today()
    age = info.age_days(day)
    limit = opts.snapshot_max_age_days
    if age is None:
        aged = "of unknown age (it records no date)"
    elif age < 0:
        aged = f"dated after the evaluation date {day.isoformat()}"
    else:
        aged = f"{age} day{'' if age == 1 else 's'} old"
    text = f"pools in {region} are checked against {info.label()}, {aged}" if region else None

    if age is not None and limit > 0 and age > limit and info.kind != "live":
        fresh = "pull a fresh list with `batchlint images pull` or lint with --live"
        if info.kind == "bundled":
            fresh = "upgrade batchlint, or " + fresh
        what = text or f"{info.label()} is {aged}"
        _warn(f"{what}, more than {limit} days: {fresh}", notes)
    elif text:
        notes.append(text)
    return age


def enabled_rules(plugins: Plugins, opts: LintOptions):
    rules, severities = [], {}
    known = {cls.name for cls in plugins.rule_classes} | {cls.id for cls in plugins.rule_classes}
    for key in opts.rules:
        if key not in known:
            raise UsageError(f"unknown rule {key!r} in {opts.sources.get('rules', 'options')}")
    for cls in plugins.rule_classes:
        setting = opts.rules.get(cls.name) or opts.rules.get(cls.id) or {}
        if setting.get("enabled", True) is False:
            continue
        if setting.get("severity"):
            severities[cls.name] = Severity.parse(setting["severity"])
        rules.append(cls())
    return rules, severities


def build_linter(
    plugins: Plugins, opts: LintOptions, catalog, *, keep_pools: bool = True
) -> Linter:
    rules, severities = enabled_rules(plugins, opts)
    ctx = RuleContext(
        catalog=catalog,
        as_of=opts.as_of or today(),
        eol_warning_days=opts.eol_warning_days,
        options={"rules": opts.rules, "region_snapshots": opts.region_snapshots},
    )
    read_options = ReadOptions(
        parameter_files=tuple(opts.parameter_files),
        var_files=tuple(opts.var_files),
        variables=dict(opts.variables),
        max_file_size=opts.max_file_size,
    )
    return Linter(plugins.readers, rules, ctx, read_options, severities, keep_pools=keep_pools)


def execute(
    opts: LintOptions, plugins: Plugins | None = None, *, keep_pools: bool = True
) -> RunResult:
    """Lint ``opts.paths``; the result before reporting.

    With ``keep_pools=False`` the result lists each pool's ``PoolPlace`` rather than the whole
    record, which is what the reports other than JSON need.
    """
    from batchlint.discover import PathError

    plugins = plugins or Plugins()
    notes: list[str] = []
    catalog = load_catalog(plugins, opts, notes)
    age = catalog_notes(catalog, opts, notes)
    linter = build_linter(plugins, opts, catalog, keep_pools=keep_pools)
    for region, regional in linter.ctx.region_catalogs().items():
        catalog_notes(regional, opts, notes, region=region)
    jobs = opts.jobs if opts.jobs is not None else _cores()
    try:
        if opts.changed_files:
            from batchlint import related

            chosen = related.candidates(opts.paths, linter.suffixes, tuple(opts.exclude))
            result = linter.run_candidates(chosen, jobs=max(1, jobs))
        else:
            result = linter.run(opts.paths, tuple(opts.exclude), jobs=max(1, jobs))
    except PathError as exc:
        raise UsageError(str(exc)) from None
    result.notes[:0] = notes
    result.catalog_age_days = age
    postprocess(result, opts, linter)
    return result


def _cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def postprocess(result: RunResult, opts: LintOptions, linter: Linter) -> None:
    """Steps after the rules: suppressions, baseline."""
    from batchlint import aftercheck

    aftercheck.apply(result, opts, linter)


def report(result: RunResult, opts: LintOptions, plugins: Plugins) -> None:
    rules = {cls.id: cls for cls in plugins.rule_classes}
    for _, target in opts.outputs:
        if target is not None:
            refuse_to_overwrite(target, result, opts, "--output")
    for fmt, target in opts.outputs:
        factory = plugins.reporters.get(fmt)
        if factory is None:
            raise UsageError(f"no reporter for format {fmt!r}")
        if target is None:
            color = opts.color if opts.color is not None else _wants_color(sys.stdout)
            factory(sys.stdout, color=color, rules=rules, options=vars(opts)).report(result)
            sys.stdout.flush()
        else:
            from batchlint.atomic import write_atomically

            write_atomically(
                target,
                lambda stream, f=factory: f(
                    stream, color=bool(opts.color), rules=rules, options=vars(opts)
                ).report(result),
            )


def refuse_to_overwrite(
    target: str, result: RunResult, opts: LintOptions, what: str, *, definitions_only=False
) -> None:
    """A ``UsageError`` when ``target`` is a file the run linted or read (a parameters file, a
    variables file, a module): writing there would replace the user's file.

    ``definitions_only``: of the linted files, only those that define pools or have findings
    count (a baseline found by the folder walk is linted too, and is meant to be rewritten).
    """
    files = result.files
    if definitions_only:
        files = [p.location.file for p in result.pools] + [f.location.file for f in result.findings]
    linted = {os.path.realpath(path) for path in files}
    read = {os.path.realpath(path) for path in result.read_files}
    read |= {os.path.realpath(p) for p in (*opts.parameter_files, *opts.var_files)}
    real = os.path.realpath(target)
    if real in linted:
        raise UsageError(f"{what} {target} is one of the files being linted; not overwriting it")
    if real in read:
        raise UsageError(f"{what} {target} is a file this run read; not overwriting it")


def _reports_pools(opts: LintOptions, plugins: Plugins) -> bool:
    """Whether a report asked for prints the values of every pool (the JSON report does)."""
    return any(getattr(plugins.reporters.get(fmt), "needs_pools", False) for fmt, _ in opts.outputs)


def _wants_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def exit_status(result: RunResult, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    worst = result.worst()
    return 1 if worst is not None and worst >= threshold else 0


def lint(opts: LintOptions) -> int:
    plugins = Plugins()
    try:
        result = execute(opts, plugins, keep_pools=_reports_pools(opts, plugins))
    except CatalogError as exc:
        print(f"batchlint: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    try:
        report(result, opts, plugins)
    except BrokenPipeError:
        # The reader went away (``| head``); the status still says what the run found.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        if exc.errno is None:
            raise
        # Standard output cannot take the report (a full disk, /dev/full).
        print(f"batchlint: error: cannot write the report: {exc.strerror}", file=sys.stderr)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2
    return exit_status(result, opts.fail_on)
