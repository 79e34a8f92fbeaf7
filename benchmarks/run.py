"""Measure batchlint and print the figures in one table.

``python benchmarks/run.py [--checkov PATH]`` times, as whole-process runs on this machine:

- one small file from a cold start (the pre-commit case), the median of repeated runs, beside
  the start-up of ``python -c "import yaml"`` from the same interpreter;
- synthetic repositories of 1,000 and 10,000 files (``benchmarks/generate.py``), with
  ``--jobs 1`` and ``--jobs 2``: wall time, files a second, CPU time over wall time (how many
  cores were busy) and peak resident memory of the process and its workers;
- trees without findings (``generate.py --clean``) of 1,000, 10,000 and 20,000 files: peak
  memory, and what the run holds for each file past 10,000;
- ``checkov -d DIR --framework arm bicep terraform`` on the same trees, when ``--checkov``
  names its executable (install it in a separate virtual environment; it has many
  dependencies that batchlint does not want beside it).

``--break-even`` instead times small trees serially and with two forced workers, which is how
``batchlint.parallel.SERIAL_BELOW`` was chosen.

Byte-code caching is switched on for the runs (``PYTHONDONTWRITEBYTECODE`` is removed from the
environment) and every command runs once before it is timed, so the figures are those of an
installed package, not of a first import that compiles every module. Runs of the two commands
being compared are interleaved, so that noise from other work on the machine falls on both.
Needs a Unix (``os.wait4`` gives each run's memory and CPU time, its workers included).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (the sibling script, importable once its folder is on the path)

AS_OF = "2026-01-01"
TAIL = 4096
SUMMARY = re.compile(r" in (\d+) files? \((\d+) pools?\)")


@dataclass(frozen=True)
class Sample:
    """One whole-process run."""

    wall: float
    cpu: float
    rss_mb: float
    status: int
    output: str = ""


def measure(cmd: list[str], env: dict[str, str], cwd: str | None = None) -> Sample:
    """Run ``cmd`` to the end; its wall time, CPU time and peak memory, workers included."""
    with tempfile.TemporaryFile("w+b") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        # Only the end, where the summary line is: a child's peak memory as wait4 gives it
        # counts this process's size when the child starts, so this process must stay small.
        out.seek(max(0, out.seek(0, os.SEEK_END) - TAIL))
        text = out.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss, proc.returncode, text)


def repeat(commands: dict[str, list[str]], times: int, env: dict, cwd: str | None = None):
    """Each command ``times`` times, interleaved, after one untimed run of each."""
    for cmd in commands.values():
        measure(cmd, env, cwd)
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(times):
        for name, cmd in commands.items():
            samples[name].append(measure(cmd, env, cwd))
    return samples


def median(samples: list[Sample], attr: str = "wall") -> float:
    return statistics.median(getattr(s, attr) for s in samples)


def batchlint_command(explicit: str | None) -> list[str]:
    if explicit:
        return explicit.split()
    script = Path(sys.executable).with_name("batchlint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "batchlint"]


def lint_args(target: str, jobs: int | None = None) -> list[str]:
    args = [target, "--as-of", AS_OF, "--fail-on", "never", "--no-config"]
    return args + (["--jobs", str(jobs)] if jobs else [])


def checkov_args(checkov: str, target: str) -> list[str]:
    return [checkov, "-d", target, "--framework", "arm", "bicep", "terraform"]


def tree(work: Path, files: int, seed: int, clean: bool = False) -> Path:
    """The generated repository of ``files`` files, made once and reused."""
    name = f"{'clean-' if clean else ''}tree-{files}-seed{seed}"
    target = work / name
    if not target.exists():
        partial = work / f".partial-{name}"
        if partial.exists():
            shutil.rmtree(partial)
        # In a process of its own: a child's peak memory, as wait4 gives it, starts from the
        # size of this process when it forks, and generating 10,000 files in here would make
        # this process larger than the runs it measures.
        script = Path(generate.__file__)
        cmd = [sys.executable, str(script), str(partial), "--files", str(files)]
        cmd += ["--seed", str(seed), *(["--clean"] if clean else [])]
        subprocess.run(cmd, check=True, capture_output=True)
        partial.rename(target)
    return target


def one_file(work: Path) -> Path:
    """A folder with one small ARM template (a copy loop over a parameter)."""
    folder = work / "one-file"
    folder.mkdir(exist_ok=True)
    for name, text in generate.arm_copy_loop(random.Random(1), 0).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("BATCHLINT_DEBUG", None)
    return env


# -- the table -------------------------------------------------------------------------------


class Table:
    def __init__(self, *headers: str) -> None:
        self.rows: list[tuple[str, ...]] = [headers]

    def add(self, *cells: str) -> None:
        self.rows.append(cells)
        print("  " + " | ".join(cells), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        widths = [max(len(row[i]) for row in self.rows) for i in range(len(self.rows[0]))]
        lines = []
        for index, row in enumerate(self.rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.2f} s"


def _run_cell(sample_list: list[Sample], files: int) -> str:
    wall = median(sample_list)
    cores = median(sample_list, "cpu") / wall
    rate = files / wall
    return f"{_s(wall)}, {rate:,.0f} files/s, {cores:.1f} cores, {max_rss(sample_list):.0f} MB"


def max_rss(sample_list: list[Sample]) -> float:
    return max(s.rss_mb for s in sample_list)


def linted(sample: Sample) -> str:
    match = SUMMARY.search(sample.output)
    return f"{int(match.group(1)):,} files read, {int(match.group(2)):,} pools" if match else "?"


def main_table(args, env: dict, work: Path) -> str:
    batchlint = batchlint_command(args.batchlint)
    table = Table("measure", "batchlint", "checkov" if args.checkov else "checkov (not run)")
    print(f"machine: {machine()}", file=sys.stderr)

    # One file, cold start, beside the start-up of an interpreter that imports PyYAML.
    single = str(one_file(work))
    commands = {
        "yaml": [sys.executable, "-c", "import yaml"],
        "batchlint": batchlint + lint_args(single),
    }
    cold = repeat(commands, args.repeat, env)
    yaml_start = median(cold["yaml"])
    one = median(cold["batchlint"])
    checkov_cell = "-"
    if args.checkov:
        checkov_one = repeat({"c": checkov_args(args.checkov, single)}, args.checkov_repeat, env)
        checkov_cell = f"{_s(median(checkov_one['c']))} ({max_rss(checkov_one['c']):.0f} MB)"
    table.add(
        f"one file, cold start (median of {args.repeat})",
        f"{_s(one)} = {one / yaml_start:.2f} × import yaml ({max_rss(cold['batchlint']):.0f} MB)",
        checkov_cell,
    )
    table.add('`python -c "import yaml"` (median)', _s(yaml_start), "")

    # Throughput and memory on generated repositories.
    memory: dict[tuple[int, int], float] = {}
    for files in args.sizes:
        target = str(tree(work, files, args.seed))
        runs = {f"j{jobs}": batchlint + lint_args(target, jobs) for jobs in args.jobs}
        samples = repeat(runs, args.runs, env)
        first = samples[f"j{args.jobs[0]}"][0]
        for jobs in args.jobs:
            memory[(files, jobs)] = max_rss(samples[f"j{jobs}"])
        checkov_cell = "-"
        if args.checkov and files <= args.checkov_max_files:
            run = measure(checkov_args(args.checkov, target), env)
            checkov_cell = f"{_s(run.wall)}, {files / run.wall:,.0f} files/s, {run.rss_mb:.0f} MB"
        for index, jobs in enumerate(args.jobs):
            table.add(
                f"{files:,} files ({linted(first)}), --jobs {jobs}",
                _run_cell(samples[f"j{jobs}"], files),
                checkov_cell if index == 0 else "",
            )

    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for jobs in args.jobs:
            table.add(
                f"peak memory {small:,} → {large:,} files, --jobs {jobs}",
                _growth(memory[(small, jobs)], memory[(large, jobs)]),
                "",
            )
    # Trees without findings, up to a larger size: what a run holds per file, apart from its
    # report, is the growth between the two largest.
    sizes = sorted(args.memory_sizes)
    if len(sizes) >= 2:
        clean = {}
        for files in sizes:
            target = str(tree(work, files, args.seed, clean=True))
            runs = {f"j{jobs}": batchlint + lint_args(target, jobs) for jobs in args.jobs}
            samples = repeat(runs, 1, env)
            for jobs in args.jobs:
                runs_of = samples[f"j{jobs}"]
                clean[(files, jobs)] = (max_rss(runs_of), linted(runs_of[0]))
        last, before_last = sizes[-1], sizes[-2]
        for jobs in args.jobs:
            peaks = [clean[(files, jobs)][0] for files in sizes]
            per_file = (peaks[-1] - peaks[-2]) * 1024 * 1024 / (last - before_last)
            table.add(
                f"peak memory without findings, {' / '.join(f'{n:,}' for n in sizes)} files "
                f"({clean[(last, jobs)][1]}), --jobs {jobs}",
                f"{' / '.join(f'{mb:.1f}' for mb in peaks)} MB; "
                f"{per_file:,.0f} bytes a file from {before_last:,} to {last:,}",
                "",
            )
    return f"{machine()}\n\n{table.markdown()}"


def _growth(small: float, large: float) -> str:
    return f"{small:.0f} → {large:.0f} MB (+{large - small:.0f} MB)"


def break_even(args, env: dict, work: Path) -> str:
    """Serial against two forced workers on small trees."""
    table = Table("files in tree", "files read", "--jobs 1", "2 workers", "2 workers / serial")
    code = (
        "import sys; import batchlint.parallel as p; p.SERIAL_BELOW = 1; "
        "from batchlint.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    for files in (50, 100, 200, 400, 800, 1600):
        target = str(tree(work, files, args.seed))
        runs = {
            "serial": [sys.executable, "-c", code, *lint_args(target, 1)],
            "parallel": [sys.executable, "-c", code, *lint_args(target, 2)],
        }
        samples = repeat(runs, args.repeat, env)
        serial, parallel = median(samples["serial"]), median(samples["parallel"])
        table.add(
            str(files),
            linted(samples["serial"][0]).split(" files")[0],
            _s(serial),
            _s(parallel),
            f"{parallel / serial:.2f}",
        )
    return f"{machine()}\n\n{table.markdown()}"


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores available, {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "").replace(",", "")) for part in text.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", metavar="PATH", help="checkov executable to compare with")
    parser.add_argument(
        "--batchlint",
        metavar="CMD",
        help="batchlint command (default: the batchlint script beside this Python)",
    )
    parser.add_argument(
        "--work",
        metavar="DIR",
        help="where the generated trees are kept "
        "(default: a folder under the system temporary folder)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[1000, 10000],
        metavar="'N M'",
        help="tree sizes in files (default '1000 10000')",
    )
    parser.add_argument(
        "--memory-sizes",
        type=_sizes,
        default=[1000, 10000, 20000],
        metavar="'N M ...'",
        help="sizes of the trees without findings whose peak memory is shown "
        "(default '1000 10000 20000')",
    )
    parser.add_argument(
        "--jobs",
        type=_sizes,
        default=[1, 2],
        metavar="'J K'",
        help="--jobs values to time (default '1 2')",
    )
    parser.add_argument(
        "--repeat", type=int, default=21, help="runs of the one-file case (default 21)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each tree and --jobs (default 3)"
    )
    parser.add_argument(
        "--checkov-repeat", type=int, default=3, help="runs of checkov on one file (default 3)"
    )
    parser.add_argument(
        "--checkov-max-files",
        type=int,
        default=10**9,
        metavar="N",
        help="skip checkov on trees larger than N files",
    )
    parser.add_argument(
        "--break-even",
        action="store_true",
        help="time serial against two workers on small trees instead",
    )
    args = parser.parse_args(argv)

    if args.checkov and not Path(args.checkov).exists():
        print(f"run: no checkov at {args.checkov}; that column is skipped", file=sys.stderr)
        args.checkov = None
    work = Path(args.work) if args.work else Path(tempfile.gettempdir()) / "batchlint-bench"
    work.mkdir(parents=True, exist_ok=True)
    env = clean_env()
    before = _load()
    report = break_even(args, env, work) if args.break_even else main_table(args, env, work)
    # Other work on the machine slows every figure; the load says how busy it was.
    print(f"{report}\n\nload average (1 min) before and after: {before} and {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
