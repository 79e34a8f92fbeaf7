"""The written corpus: each case folder's inputs read and compared with its expected.json."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from batchlint.app import Plugins
from batchlint.discover import Candidate
from batchlint.engine import Linter
from batchlint.reader import ReadContext
from batchlint.values import Lit

WRITTEN = Path(__file__).parent / "corpus" / "written"
REAL = Path(__file__).parent / "corpus" / "real"

_plugins = None


def plugins() -> Plugins:
    global _plugins
    if _plugins is None:
        _plugins = Plugins()
    return _plugins


def cases(prefix: str) -> list[str]:
    return sorted(p.name for p in WRITTEN.iterdir() if p.is_dir() and p.name.startswith(prefix))


@contextmanager
def chdir(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def read_case(name: str):
    """(expected, pools, diagnostics) for a case, read the way the command reads it."""
    folder = WRITTEN / name
    expected = json.loads((folder / "expected.json").read_text())
    linter = Linter(plugins().readers, [], rule_context=None)
    pools, diagnostics = [], []
    with chdir(folder):
        candidates = [Candidate(p, True) for p in expected["inputs"]]
        ctx = ReadContext([c.path for c in candidates])
        for candidate in candidates:
            result = linter.read(candidate, ctx)
            pools.extend(result.pools)
            diagnostics.extend(result.diagnostics)
    return expected, pools, diagnostics


def _field(value):
    if value is None:
        return None
    if not value.known:
        return {"unresolved": True}
    return value.text()


def pool_summary(pool) -> dict:
    agent = pool.node_agent_sku_id
    return {
        "name": pool.name,
        "file": pool.location.file,
        "line": pool.location.line,
        "publisher": _field(pool.publisher),
        "offer": _field(pool.offer),
        "sku": _field(pool.sku),
        "version": _field(pool.version),
        "image_id": _field(pool.image_id),
        "node_agent_sku_id": _field(agent),
        "node_agent_file": agent.location.file if agent and agent.location else None,
        "node_agent_line": agent.location.line if agent and agent.location else None,
        "vm_size": _field(pool.vm_size),
        "containers": pool.containers,
    }


def expected_summary(pool: dict) -> dict:
    out = {k: pool[k] for k in pool_summary_keys()}
    for key, value in out.items():
        if isinstance(value, dict) and "unresolved" in value:
            out[key] = {"unresolved": True}
    return out


def pool_summary_keys():
    return (
        "name",
        "file",
        "line",
        "publisher",
        "offer",
        "sku",
        "version",
        "image_id",
        "node_agent_sku_id",
        "node_agent_file",
        "node_agent_line",
        "vm_size",
        "containers",
    )


def check_case(name: str) -> None:
    """Assert that a written case reads exactly as its expected.json says."""
    expected, pools, diagnostics = read_case(name)
    got = sorted((pool_summary(p) for p in pools), key=_order)
    want = sorted((expected_summary(p) for p in expected["pools"]), key=_order)
    assert got == want

    parse_errors = [d for d in diagnostics if d.kind == "parse-error"]
    if expected.get("parse_error"):
        err = expected["parse_error"]
        assert [(d.location.file, d.location.line) for d in parse_errors] == [
            (err["file"], err["line"])
        ]
    else:
        assert parse_errors == []
    missing = [
        {"file": d.location.file, "line": d.location.line, "kind": d.kind}
        for d in diagnostics
        if d.kind == "module-not-found"
    ]
    want_missing = [
        {"file": d["file"], "line": d["line"], "kind": d["kind"]}
        for d in expected.get("diagnostics", [])
    ]
    assert missing == want_missing


def _order(pool: dict):
    return (pool["file"], pool["line"], str(pool["name"]))


__all__ = ["Lit", "cases", "check_case", "read_case", "REAL", "WRITTEN", "chdir"]
