"""Linting in worker processes gives the same output, in the same order, as one process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from batchlint import parallel
from batchlint.app import Plugins
from batchlint.discover import Candidate
from batchlint.engine import Linter
from batchlint.options import LintOptions
from batchlint.reader import ReadContext
from batchlint.run import build_linter, load_catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py, the synthetic repository)

AS_OF = "2026-12-03"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A generated repository with every format, big enough for two workers."""
    root = tmp_path_factory.mktemp("generated")
    generate.generate(root, files=2 * parallel.SERIAL_BELOW + 20, seed=7)
    return root


def _command(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    return subprocess.run(
        [sys.executable, "-m", "batchlint", ".", "--as-of", AS_OF, "--no-config", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_is_identical_for_one_and_two_jobs(tree, fmt):
    one = _command(tree, "--format", fmt, "--jobs", "1")
    two = _command(tree, "--format", fmt, "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert "Traceback" not in one.stderr + two.stderr
    assert two.stdout == one.stdout


def _linter(tree: Path) -> Linter:
    opts = LintOptions(paths=[str(tree)], as_of=dt.date.fromisoformat(AS_OF))
    plugins = Plugins()
    return build_linter(plugins, opts, load_catalog(plugins, opts))


def _lint(linter: Linter, tree: Path, jobs: int):
    old = os.getcwd()
    os.chdir(tree)
    try:
        candidates = linter.candidates(["."])
        ctx = ReadContext([c.path for c in candidates], linter.read_options)
        if jobs == 1:
            return [linter.lint_one(c, ctx) for c in candidates]
        return list(parallel.lint_all(linter, candidates, ctx, jobs))
    finally:
        os.chdir(old)


def test_workers_give_results_in_candidate_order(tree, monkeypatch):
    linter = _linter(tree)
    serial = _lint(linter, tree, jobs=1)
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 1)
    assert _lint(linter, tree, jobs=3) == serial


def test_enough_files_are_spread_over_workers(tree, monkeypatch):
    started = []
    real = parallel._parallel

    def spy(linter, candidates, read_ctx, workers):
        started.append(workers)
        return real(linter, candidates, read_ctx, workers)

    monkeypatch.setattr(parallel, "_parallel", spy)
    linter = _linter(tree)
    _lint(linter, tree, jobs=2)
    assert started == [2]


def test_few_files_stay_in_one_process(tree, monkeypatch):
    def no_processes(*args, **kwargs):
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(parallel, "_parallel", no_processes)
    linter = _linter(tree)
    candidates = [Candidate(str(path), False) for path in sorted(tree.rglob("*.json"))][:5]
    ctx = ReadContext([c.path for c in candidates])
    results = list(parallel.lint_all(linter, candidates, ctx, jobs=2))
    assert len(results) == 5


def test_run_falls_back_to_one_process_when_workers_cannot_start(tree, monkeypatch):
    linter = _linter(tree)
    serial = _lint(linter, tree, jobs=1)

    class NoProcesses:
        def Pool(self, *args, **kwargs):  # noqa: N802  (the name multiprocessing gives it)
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method: NoProcesses())
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 1)
    assert _lint(linter, tree, jobs=2) == serial


@pytest.mark.parametrize(
    ("files", "workers", "expected"),
    [(10, 2, 1), (1_000, 2, 62), (10_000, 2, 64), (10_000, 8, 64), (100, 4, 3)],
)
def test_chunks_keep_every_worker_busy_to_the_end(files, workers, expected):
    assert parallel.chunk_size(files, workers) == expected


def test_readers_prepare_the_run_once_before_the_workers_start(tree, monkeypatch):
    linter = _linter(tree)
    calls = []
    for reader in linter.readers:
        if hasattr(reader, "prepare"):
            monkeypatch.setattr(reader, "prepare", lambda ctx, r=reader: calls.append(r.name))
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 1)
    _lint(linter, tree, jobs=2)
    assert sorted(calls) == ["bicep", "terraform"]


def test_a_reader_that_fails_to_prepare_does_not_stop_the_run(tree, monkeypatch):
    linter = _linter(tree)
    serial = _lint(linter, tree, jobs=1)

    def broken(ctx):
        raise RuntimeError("index could not be built")

    for reader in linter.readers:
        monkeypatch.setattr(reader, "prepare", broken, raising=False)
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 1)
    assert _lint(linter, tree, jobs=2) == serial


def test_spawned_workers_give_the_same_results(tree, monkeypatch):
    # Where fork is missing (Windows, macOS) the workers are spawned and sent the linter.
    linter = _linter(tree)
    candidates = [Candidate(str(path), False) for path in sorted(tree.rglob("*.json"))][:6]
    ctx = ReadContext([c.path for c in candidates], linter.read_options)
    serial = [linter.lint_one(c, ctx) for c in candidates]
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 1)
    ctx = ReadContext([c.path for c in candidates], linter.read_options)
    assert list(parallel.lint_all(linter, candidates, ctx, jobs=2)) == serial


def _execute(tree: Path, keep_pools: bool):
    from batchlint.run import execute

    opts = LintOptions(paths=["."], as_of=dt.date.fromisoformat(AS_OF), jobs=2)
    old = os.getcwd()
    os.chdir(tree)
    try:
        return execute(opts, keep_pools=keep_pools)
    finally:
        os.chdir(old)


def test_a_run_that_keeps_no_pool_values_finds_the_same(tree):
    # The reports other than JSON get each pool's name and place only.
    full = _execute(tree, keep_pools=True)
    places = _execute(tree, keep_pools=False)
    assert places.findings == full.findings
    assert places.pools == [pool.place() for pool in full.pools]
    assert {type(p).__name__ for p in places.pools} == {"PoolPlace"}


def test_findings_of_a_run_share_their_repeated_texts(tree):
    result = _execute(tree, keep_pools=False)
    first: dict = {}
    repeats = 0
    for finding in result.findings:
        for text in (finding.fix, finding.message, finding.evidence, *finding.evidence):
            if text is not None:
                repeats += text in first
                assert first.setdefault(text, text) is text
    assert repeats > len(result.findings)
