"""Small helpers shared by the tests: run the command, write inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

AS_OF = "2026-12-03"


def run_cli(
    *args: str, cwd: str | Path | None = None, env: dict | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """``batchlint ARGS`` in a fresh process, as a user runs it."""
    full_env = dict(os.environ)
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "batchlint", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lint_json(*args: str, cwd: str | Path | None = None) -> dict:
    """The JSON document of ``batchlint --format json ARGS`` (pinned evaluation date)."""
    proc = run_cli("--format", "json", "--as-of", AS_OF, "-j1", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def pool_spec(publisher: str, offer: str, sku: str, agent: str | None, **extra) -> dict:
    """A data-plane pool body with this image and node agent."""
    vm = {"imageReference": {"publisher": publisher, "offer": offer, "sku": sku}}
    if agent is not None:
        vm["nodeAgentSKUId"] = agent
    body = {
        "id": extra.pop("id", "pool-test"),
        "vmSize": extra.pop("vmSize", "standard_d2s_v5"),
        "virtualMachineConfiguration": vm,
    }
    body.update(extra)
    return body


def findings_of(doc: dict, rule: str | None = None) -> list[dict]:
    return [f for f in doc["findings"] if rule is None or f["rule_name"] == rule]


REAL = Path(__file__).parent / "corpus" / "real"
REAL_IMAGES = REAL / "supported-images"
WRITTEN = Path(__file__).parent / "corpus" / "written"
