"""Text and GitHub reports on standard output are written as the files are linted, so that a
run holds none of its findings; they read exactly as the report of a finished run."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from batchlint import parallel, run
from batchlint.app import Plugins
from batchlint.options import LintOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py, the synthetic repository)

AS_OF = "2026-12-03"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("streamed")
    generate.generate(root, files=2 * parallel.SERIAL_BELOW + 20, seed=5)
    return root


def _command(cwd: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "batchlint", "--as-of", AS_OF, "--no-config", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.parametrize("fmt", ["text", "github"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_streamed_report_reads_as_the_report_of_a_finished_run(tree, tmp_path, fmt, jobs):
    streamed = _command(tree, ".", "--format", fmt, "--jobs", jobs)
    held = _command(tree, ".", "--format", fmt, "--jobs", jobs, "--output", str(tmp_path / "r"))
    assert streamed.returncode == held.returncode == 1, streamed.stderr
    assert streamed.stdout == (tmp_path / "r").read_text()
    assert streamed.stdout.count("\n") > 100


def test_a_streamed_run_holds_no_finding_and_counts_them(tree, monkeypatch):
    monkeypatch.chdir(tree)
    opts = LintOptions(paths=["."], as_of=dt.date.fromisoformat(AS_OF), jobs=1)
    plugins = Plugins()
    held = run.execute(opts, plugins, keep_pools="count")
    seen = []
    streamed = run.execute(opts, plugins, keep_pools="count", sink=seen.append)
    assert streamed.findings == [] and streamed.counts
    assert seen == held.findings
    for severity in {f.severity for f in held.findings}:
        assert streamed.count(severity) == held.count(severity)
    assert streamed.worst() == held.worst()
    assert streamed.pool_count == held.pool_count


def test_a_baseline_hides_known_findings_from_a_streamed_report(tree, tmp_path):
    baseline = tmp_path / "baseline.json"
    made = subprocess.run(
        [sys.executable, "-m", "batchlint", "baseline", "create", str(baseline),
         "--as-of", AS_OF, "--no-config", "."],
        cwd=tree, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    proc = _command(tree, ".", "--baseline", str(baseline))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("0 errors, 0 warnings, 0 infos in ")
    assert "suppressed" in lines[0]
    assert any(line.startswith("note: ") and "known finding" in line for line in lines)


def test_an_invalid_suppression_is_reported_with_its_files_findings(tmp_path):
    (tmp_path / "a.yaml").write_text(
        (Path(__file__).resolve().parents[1] / "examples" / "pools.yaml").read_text()
    )
    (tmp_path / "0.tf").write_text("# batchlint-disable-file image-end-of-life\nlocals {}\n")
    streamed = _command(tmp_path, ".")
    held = _command(tmp_path, ".", "--output", "report.txt")
    assert streamed.returncode == held.returncode == 1
    assert streamed.stdout.startswith("0.tf:1:1: error BL401 the suppression gives no reason")
    assert streamed.stdout == (tmp_path / "report.txt").read_text()


def test_a_reader_that_goes_away_early_leaves_the_exit_status(tree):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "batchlint", "--as-of", AS_OF, "--no-config", "."],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert b"Traceback" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_output_stops_the_workers_and_exits_2(tree):
    for _ in range(3):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "batchlint", "--as-of", AS_OF, "--no-config", ".",
                 "--jobs", "2"],
                cwd=tree, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            )  # fmt: skip
        assert proc.returncode == 2
        assert "cannot write the report: No space left on device" in proc.stderr


def test_a_reader_gone_before_the_summary_leaves_the_exit_status(tmp_path):
    (tmp_path / "pools.yaml").write_text(
        (Path(__file__).resolve().parents[1] / "examples" / "pools.yaml").read_text()
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    env.pop("PYTHONUNBUFFERED", None)
    read, write = os.pipe()
    os.close(read)  # nothing will read the report
    proc = subprocess.run(
        [sys.executable, "-m", "batchlint", "--as-of", AS_OF, "--no-config", "pools.yaml"],
        cwd=tmp_path, env=env, stdout=write, stderr=subprocess.PIPE, text=True, timeout=60,
    )  # fmt: skip
    os.close(write)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""


def test_a_working_folder_that_is_gone_is_a_usage_error(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    code = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
        "from batchlint.cli import main; sys.exit(main(['--no-config', sys.argv[2]]))"
    )
    examples = str(Path(__file__).resolve().parents[1] / "examples")
    proc = subprocess.run(
        [sys.executable, "-c", code, str(gone), examples],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "the working folder cannot be used" in proc.stderr
