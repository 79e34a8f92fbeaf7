"""The ``batchlint`` command.

``batchlint [lint] PATH...`` lints; ``rules``, ``explain``, ``images`` and ``baseline`` are
subcommands. Exit status: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 bad usage or configuration; 3 a live list that was required could not be fetched;
4 an internal error (a bug in batchlint).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import os
import sys

from batchlint import __version__
from batchlint.log import configure as configure_logging
from batchlint.options import MAX_SIZE, LintOptions, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CATALOG, EXIT_INTERNAL = 0, 1, 2, 3, 4

#: Subcommands other than lint: name -> module with ``main(argv) -> int``.
COMMANDS = {
    "rules": "batchlint.commands.rules",
    "explain": "batchlint.commands.rules",
    "images": "batchlint.commands.images",
    "baseline": "batchlint.commands.baseline",
}

FORMATS = ("text", "json", "sarif", "junit", "github")


class _FormatAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        namespace.outputs.append([value, None])


class _OutputAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        if not namespace.outputs:
            namespace.outputs.append(["text", None])
        if namespace.outputs[-1][1] is not None:
            parser.error(f"--output {value}: give a --format before each --output")
        namespace.outputs[-1][1] = value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    raw = text.strip().lower().rstrip("b")
    factor = units.get(raw[-1:], 1)
    number = raw[:-1] if raw[-1:] in units else raw
    try:
        value = int(float(number) * factor)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 4M, 500k)") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a size cannot be negative")
    return min(value, MAX_SIZE)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def _var(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    return name.strip(), value


class _Formatter(argparse.HelpFormatter):
    """The standard help layout, told the width rather than asking ``shutil``.

    argparse makes a formatter for every option it adds, and without a width the formatter
    imports ``shutil`` (and the compression modules with it): time a lint never uses.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    """The terminal width as ``shutil.get_terminal_size`` finds it: $COLUMNS, the terminal, 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.print_usage(sys.stderr)
        raise UsageError(message)


def lint_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="batchlint",
        description="Check Azure Batch pool definitions against the supported-image list.",
        epilog="Other commands: batchlint rules | explain RULE | images ... | baseline ...",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint")
    parser.add_argument("--version", action="version", version=f"batchlint {__version__}")
    out = parser.add_argument_group("output")
    out.add_argument(
        "-f",
        "--format",
        action=_FormatAction,
        choices=FORMATS,
        dest="outputs_fmt",
        help="output format (repeatable; each --output applies to the one before)",
    )
    out.add_argument(
        "-o",
        "--output",
        action=_OutputAction,
        dest="outputs_file",
        metavar="FILE",
        help="write the preceding --format to FILE instead of standard output",
    )
    out.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    out.add_argument(
        "--color",
        dest="color",
        action="store_true",
        default=None,
        help="colour the text output even when not on a terminal",
    )
    out.add_argument(
        "--no-color", dest="color", action="store_false", help="never colour the text output"
    )
    out.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="say what was read, which catalog was used, why values are unknown",
    )

    check = parser.add_argument_group("checks")
    check.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="evaluation date for end-of-life checks (default: today, UTC)",
    )
    check.add_argument(
        "--eol-warning-days",
        type=int,
        metavar="DAYS",
        help="warn this many days before an end of life (default: 180)",
    )
    check.add_argument(
        "--config",
        dest="config_file",
        metavar="FILE",
        help="configuration file (default: .batchlint.yaml or pyproject.toml "
        "found from the current folder upwards)",
    )
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")

    catalog = parser.add_argument_group("catalog")
    catalog.add_argument(
        "--images",
        metavar="FILE",
        help="supported-image list to check against (REST response, az output "
        "or batchlint snapshot); default: the bundled snapshot",
    )
    catalog.add_argument(
        "--live",
        action=argparse.BooleanOptionalAction,
        help="check against the live list of a Batch account (--endpoint); --no-live: against "
        "the snapshot, even when the configuration sets source: live (an offline hook)",
    )
    catalog.add_argument("--endpoint", metavar="URL", help="Batch account endpoint for --live")
    catalog.add_argument(
        "--refresh",
        action="store_true",
        help="with --live, fetch the list even when the cached copy is fresh",
    )
    catalog.add_argument(
        "--fallback",
        choices=("snapshot",),
        help="with --live, use the snapshot when the live list cannot be fetched",
    )

    values = parser.add_argument_group("values")
    values.add_argument(
        "-p",
        "--parameters",
        action="append",
        dest="parameter_files",
        metavar="FILE",
        help="ARM/Bicep parameters file to apply (repeatable)",
    )
    values.add_argument(
        "--var-file",
        action="append",
        dest="var_files",
        metavar="FILE",
        help="Terraform variables file to apply (repeatable)",
    )
    values.add_argument(
        "--var",
        action="append",
        dest="variables",
        type=_var,
        metavar="NAME=VALUE",
        help="Terraform variable value (repeatable)",
    )

    files = parser.add_argument_group("files")
    files.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="skip paths matching GLOB (repeatable; .git, node_modules and "
        ".terraform are always skipped)",
    )
    files.add_argument(
        "--changed-files",
        action="store_true",
        help="the paths are the files a change touched (as pre-commit passes "
        "them): unrelated files that fail to parse are not reported, and "
        "the files that use a changed file are linted too",
    )
    files.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="skip files larger than SIZE (default: 4M)",
    )
    files.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes to use (default: the cores available)",
    )

    extra = parser.add_argument_group("suppressions and baseline")
    extra.add_argument(
        "--baseline", metavar="FILE", help="report only findings that are not in this baseline file"
    )
    extra.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        default=None,
        help="also report suppressions that no longer match a finding",
    )
    parser.set_defaults(outputs=[])
    return parser


def parse_lint_args(argv: list[str]) -> tuple[LintOptions, argparse.Namespace]:
    args = lint_parser().parse_args(argv)
    opts = LintOptions()
    explicit = {}
    for name in (
        "fail_on",
        "as_of",
        "eol_warning_days",
        "images",
        "endpoint",
        "fallback",
        "jobs",
        "max_file_size",
        "color",
        "config_file",
        "baseline",
        "report_unused_suppressions",
    ):
        value = getattr(args, name)
        if value is not None:
            explicit[name] = value
    if args.live is not None:
        explicit["live"] = args.live
    if args.refresh:
        explicit["refresh"] = True
    for name in ("parameter_files", "var_files", "exclude"):
        if getattr(args, name):
            explicit[name] = list(getattr(args, name))
    if args.variables:
        explicit["variables"] = dict(args.variables)
    opts.paths = list(args.paths)
    opts.changed_files = args.changed_files
    opts.verbose = args.verbose
    opts.outputs = [tuple(pair) for pair in args.outputs] or [("text", None)]
    check_outputs(opts.outputs)

    from batchlint import config

    config.apply(opts, explicit, no_config=args.no_config)
    check_input_files(opts)
    return opts, args


def check_input_files(opts: LintOptions) -> None:
    """Refuse a parameters or variables file that is not there: the run would apply nothing
    from it, which is not what was asked."""
    for name, option, key in (
        ("parameter_files", "--parameters", "parameters"),
        ("var_files", "--var-file", "var-files"),
    ):
        where = opts.sources.get(name, "command line")
        for path in getattr(opts, name):
            if not os.path.exists(path):
                given = option if where == "command line" else f"{key} in {where}"
                raise UsageError(f"{path}: no such file (named by {given})")


def check_outputs(outputs: list[tuple[str, str | None]]) -> None:
    """Refuse two reports for one place: standard output, or the same file."""
    to_stdout = [fmt for fmt, target in outputs if target is None]
    if len(to_stdout) > 1:
        named = [f"--format {fmt}" for fmt in to_stdout]
        given = ", ".join(named[:-1]) + " and " + named[-1]
        every = "both" if len(named) == 2 else "all"
        raise UsageError(
            f"{given} would {every} write to standard output; give all but one an --output FILE"
        )
    seen: dict[str, tuple[str, str]] = {}
    for fmt, target in outputs:
        if target is None:
            continue
        key = os.path.normcase(os.path.realpath(target))
        if key in seen:
            first, named = seen[key]
            raise UsageError(
                f"--format {first} and --format {fmt} would both write to {named}; "
                "give each its own --output FILE"
            )
        seen[key] = (fmt, target)


def lint(argv: list[str]) -> int:
    opts, _ = parse_lint_args(argv)
    configure_logging(opts.verbose)
    # An empty changed-file list is a change that touched no file batchlint reads.
    if not opts.paths and not opts.changed_files:
        raise UsageError("no paths to lint (try: batchlint .)")
    from batchlint import run

    return run.lint(opts)


def _tolerant_streams() -> None:
    """Text from the input can hold what the terminal cannot encode (a lone surrogate escape
    in a JSON string); it is shown escaped rather than ending the run. A stream the caller
    closed (``>&-``) is replaced by one that discards: the exit status still tells."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _tolerant_streams()
    try:
        try:
            os.getcwd()
        except OSError as exc:
            raise UsageError(f"the working folder cannot be used: {exc.strerror}") from None
        if argv and argv[0] in COMMANDS:
            module = importlib.import_module(COMMANDS[argv[0]])
            return module.main(argv)
        if argv and argv[0] == "lint":
            argv = argv[1:]
        return lint(argv)
    except UsageError as exc:
        print(f"batchlint: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_USAGE)
    except KeyboardInterrupt:
        print("batchlint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if os.environ.get("BATCHLINT_DEBUG"):
            raise
        print(
            f"batchlint: internal error: {type(exc).__name__}: {exc} "
            "(set BATCHLINT_DEBUG=1 for the traceback; please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
