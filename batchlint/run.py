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
    plugins: Plugins, opts: LintOptions, catalog, *, keep_pools: bool | str = True
) -> Linter:
    from batchlint.aftercheck import Suppressor

    rules, severities = enabled_rules(plugins, opts)
    day = opts.as_of or today()
    ctx = RuleContext(
        catalog=catalog,
        as_of=day,
        eol_warning_days=opts.eol_warning_days,
        options={"rules": opts.rules, "region_snapshots": opts.region_snapshots},
    )
    read_options = ReadOptions(
        parameter_files=tuple(opts.parameter_files),
        var_files=tuple(opts.var_files),
        variables=dict(opts.variables),
        max_file_size=opts.max_file_size,
    )
    classes = list(dict.fromkeys([*plugins.rule_classes, *(type(rule) for rule in rules)]))
    suppressor = Suppressor(opts.suppressions, day, opts.max_file_size, classes)
    return Linter(
        plugins.readers,
        rules,
        ctx,
        read_options,
        severities,
        keep_pools=keep_pools,
        suppressor=suppressor,
    )


def execute(
    opts: LintOptions,
    plugins: Plugins | None = None,
    *,
    keep_pools: bool | str = True,
    protect: tuple[str, ...] = (),
    sink=None,
) -> RunResult:
    """Lint ``opts.paths``; the result before reporting.

    ``keep_pools``: what the result holds of each pool (``engine.KEEP_VALUES`` or True, the
    whole record; ``KEEP_PLACES`` or False, its ``PoolPlace``; ``KEEP_COUNT``, only the count).
    ``protect``: files to be written after the run (besides the ``--output`` files), whose use
    by the run ``refuse_to_overwrite`` then knows.
    ``sink``: called with each finding to report, in the order of the report, as the run goes
    (after suppressions and the baseline); the result then counts the findings
    (``RunResult.counts``) and does not hold them.
    """
    from batchlint.discover import PathError

    plugins = plugins or Plugins()
    notes: list[str] = []
    catalog = load_catalog(plugins, opts, notes)
    age = catalog_notes(catalog, opts, notes)
    linter = build_linter(plugins, opts, catalog, keep_pools=keep_pools)
    linter.protect([*(t for _, t in opts.outputs if t is not None), *protect])
    for region, regional in linter.ctx.region_catalogs().items():
        catalog_notes(regional, opts, notes, region=region)
    jobs = opts.jobs if opts.jobs is not None else _cores()
    emit = known = None
    counts: dict[Severity, int] = {}
    if sink is not None:
        if opts.baseline:
            from batchlint.baseline import Filter

            known = Filter(opts.baseline)

        def emit(finding) -> None:
            if known is None or known.is_new(finding):
                counts[finding.severity] = counts.get(finding.severity, 0) + 1
                sink(finding)

    try:
        if opts.changed_files:
            from batchlint import related

            chosen = related.candidates(opts.paths, linter.suffixes, tuple(opts.exclude))
            result = linter.run_candidates(chosen, jobs=max(1, jobs), emit=emit)
        else:
            result = linter.run(opts.paths, tuple(opts.exclude), jobs=max(1, jobs), emit=emit)
    except PathError as exc:
        raise UsageError(str(exc)) from None
    result.notes[:0] = notes
    result.catalog_age_days = age
    if emit is not None:
        result.counts = counts
    postprocess(result, opts, linter, emit, known)
    return result


def _cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def postprocess(
    result: RunResult, opts: LintOptions, linter: Linter, emit=None, known=None
) -> None:
    """Steps after the rules: suppressions, baseline (``known``, when findings were
    ``emit``-ted as the run went)."""
    from batchlint import aftercheck

    aftercheck.apply(result, opts, linter, emit=emit, known=known)


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


def refuse_to_overwrite(target: str, result: RunResult, opts: LintOptions, what: str) -> None:
    """A ``UsageError`` when ``target`` is a file the run linted or read (a parameters file, a
    variables file, a module, the snapshot, the baseline, the configuration): writing there
    would replace the user's file.

    A linted file may be written again when batchlint wrote it (a JSON report or a baseline
    that a folder walk lints like any JSON file) and it holds no pool. The run must have been
    told to protect ``target`` (``execute(protect=...)`` or ``--output``).
    """
    try:
        info = os.stat(target)
    except (OSError, ValueError):
        return  # nothing there to overwrite
    same = (info.st_dev, info.st_ino)
    watched = [how for path, how in result.overwrites.items() if _same_file(path, same)]
    if watched:
        used = set().union(*watched)
    else:  # not watched by the run (a caller of this module): compare with the linted files
        used = {"linted", "defines"} if any(_same_file(f, same) for f in result.files) else set()
    others = [*opts.parameter_files, *opts.var_files, *opts.region_snapshots.values()]
    others += [p for p in (opts.images, opts.baseline, opts.config_file) if p]
    if any(_same_file(p, same) for p in others):
        used.add("read")
    if "linted" in used and ("defines" in used or not written_by_batchlint(target)):
        raise UsageError(f"{what} {target} is one of the files being linted; not overwriting it")
    if "read" in used:
        raise UsageError(f"{what} {target} is a file this run read; not overwriting it")


def written_by_batchlint(path: str) -> bool:
    """Whether ``path`` holds a report or a baseline that batchlint wrote (JSON or SARIF)."""
    import json

    try:
        with open(path, "rb") as handle:
            doc = json.loads(handle.read(256 << 20))
    except (OSError, ValueError, RecursionError):
        return False
    if not isinstance(doc, dict):
        return False
    if doc.get("tool") == "batchlint" and isinstance(doc.get("entries"), list):
        return True  # a baseline
    if {"version", "findings", "summary", "pools"} <= doc.keys():
        return True  # the JSON report
    try:
        return doc["runs"][0]["tool"]["driver"]["name"] == "batchlint"  # SARIF
    except (TypeError, LookupError):
        return False


def _same_file(path: str, same: tuple[int, int]) -> bool:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    return (info.st_dev, info.st_ino) == same


def pools_to_keep(opts: LintOptions, plugins: Plugins) -> str:
    """What the reports asked for need of each pool: its values (JSON prints them), its name
    and place (JUnit makes a test case of each pool), or only how many there are."""
    from batchlint.engine import KEEP_COUNT, KEEP_PLACES, KEEP_VALUES

    wanted = {getattr(plugins.reporters.get(fmt), "needs_pools", False) for fmt, _ in opts.outputs}
    if True in wanted or KEEP_VALUES in wanted:
        return KEEP_VALUES
    return KEEP_PLACES if KEEP_PLACES in wanted else KEEP_COUNT


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


class _CannotWrite(Exception):
    """Standard output refused the report (a full disk, /dev/full); the reason is the argument."""


def streamed_reporter(opts: LintOptions, plugins: Plugins):
    """The reporter to write as the run goes, when the run has one report, on standard output,
    in a format that streams (text, GitHub); else None. Unused suppressions are known only at
    the end of the run and are reported among the others, so a run that looks for them holds
    its findings."""
    if len(opts.outputs) != 1 or opts.outputs[0][1] is not None:
        return None
    if opts.report_unused_suppressions:
        return None
    factory = plugins.reporters.get(opts.outputs[0][0])
    return factory if factory is not None and getattr(factory, "streams", False) else None


def lint(opts: LintOptions) -> int:
    plugins = Plugins()
    keep = pools_to_keep(opts, plugins)
    factory = streamed_reporter(opts, plugins)
    try:
        if factory is None:
            result = execute(opts, plugins, keep_pools=keep)
            _report_held(result, opts, plugins)
        else:
            result = _lint_streamed(opts, plugins, factory, keep)
    except CatalogError as exc:
        print(f"batchlint: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except _CannotWrite as exc:
        # Standard output cannot take the report (a full disk, /dev/full).
        print(f"batchlint: error: cannot write the report: {exc.args[0]}", file=sys.stderr)
        _quiet_stdout()
        return 2
    return exit_status(result, opts.fail_on)


def _report_held(result: RunResult, opts: LintOptions, plugins: Plugins) -> None:
    try:
        report(result, opts, plugins)
    except BrokenPipeError:
        # The reader went away (``| head``); the status still says what the run found.
        _quiet_stdout()
    except OSError as exc:
        if exc.errno is None:
            raise
        raise _CannotWrite(exc.strerror) from None


def _lint_streamed(opts: LintOptions, plugins: Plugins, factory, keep) -> RunResult:
    """The run with its findings written as each file is done, so that none is held."""
    rules = {cls.id: cls for cls in plugins.rule_classes}
    color = opts.color if opts.color is not None else _wants_color(sys.stdout)
    reporter = factory(sys.stdout, color=color, rules=rules, options=vars(opts))
    closed = False

    def sink(finding) -> None:
        nonlocal closed
        if closed:
            return
        try:
            reporter.finding(finding)
        except BrokenPipeError:
            # The reader went away: the run goes on to the end for its exit status.
            closed = True
            _quiet_stdout()
        except OSError as exc:
            raise _CannotWrite(exc.strerror) from None

    reporter.begin()
    result = execute(opts, plugins, keep_pools=keep, sink=sink)
    if not closed:
        try:
            reporter.end(result)
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
        except OSError as exc:
            raise _CannotWrite(exc.strerror) from None
    return result


def _quiet_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
