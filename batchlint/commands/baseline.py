"""``batchlint baseline create|prune FILE [lint options] PATH...``.

``create`` lints the paths and records every finding in FILE; ``prune`` lints them and drops
the entries of FILE that no longer occur. Both take the lint command's options, so a baseline is
made with the same catalog, parameters and rules as the runs that will use it.
"""

from __future__ import annotations

import sys

from batchlint.options import UsageError

USAGE = """\
usage: batchlint baseline create FILE [lint options] PATH...
       batchlint baseline prune FILE [lint options] PATH...

create  lint PATH... and record every finding in FILE (replacing what FILE held)
prune   lint PATH... and drop the entries of FILE that no longer occur

Then `batchlint --baseline FILE PATH...` reports only findings that are not in FILE.
"""


def main(argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if not args or args[0] not in ("create", "prune"):
        sys.stderr.write(USAGE)
        given = f" {args[0]!r}" if args else ""
        raise UsageError(f"baseline: unknown action{given} (use create or prune)")
    action = args[0]
    if args[1:2] in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if len(args) < 2 or args[1].startswith("-"):
        raise UsageError(f"baseline {action}: give the baseline FILE first, then PATH...")
    path = args[1]
    return _create(path, args[2:]) if action == "create" else _prune(path, args[2:])


def _lint(argv: list[str], baseline_path: str):
    """The findings of a lint run with ``argv`` (no baseline of its own), or an exit status."""
    from batchlint import run
    from batchlint.catalog import CatalogError
    from batchlint.cli import parse_lint_args
    from batchlint.log import configure as configure_logging

    opts, _ = parse_lint_args(argv)
    configure_logging(opts.verbose)
    if not opts.paths:
        raise UsageError("no paths to lint (try: batchlint baseline create FILE .)")
    opts.baseline = None
    try:
        result = run.execute(opts, run.Plugins(), keep_pools="count", protect=(baseline_path,))
    except CatalogError as exc:
        print(f"batchlint: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    # The baseline is written where the run read nothing.
    run.refuse_to_overwrite(baseline_path, result, opts, "baseline")
    return result


def _create(path: str, argv: list[str]) -> int:
    from batchlint import baseline

    result = _lint(argv, path)
    if isinstance(result, int):
        return result
    entries = baseline.entries_for(result.findings, path)
    baseline.save(path, entries)
    print(f"batchlint: baseline {path}: {_count(len(entries), 'finding')} recorded")
    return 0


def _prune(path: str, argv: list[str]) -> int:
    from batchlint import baseline

    entries = baseline.load(path)
    result = _lint(argv, path)
    if isinstance(result, int):
        return result
    kept, dropped = baseline.prune(entries, result.findings, result.files, path)
    baseline.save(path, kept)
    occur = "occurs" if len(dropped) == 1 else "occur"
    print(
        f"batchlint: baseline {path}: dropped {_count(len(dropped), 'entry')} that no longer "
        f"{occur}; {len(kept)} left"
    )
    return 0


def _count(number: int, word: str) -> str:
    if number == 1:
        return f"1 {word}"
    return f"{number} {word[:-1]}ies" if word.endswith("y") else f"{number} {word}s"
