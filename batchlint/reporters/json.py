"""JSON output: one document with the catalog, every pool with its values, and the findings."""

from __future__ import annotations

import json

from batchlint.model import PAIR_FIELDS, Pool
from batchlint.reporters.base import Reporter, summary

VERSION = 1


def pool_to_json(pool: Pool) -> dict:
    values = {}
    for name in PAIR_FIELDS:
        value = getattr(pool, name)
        values[name] = value.to_json() if value is not None else None
    out = {
        "file": pool.location.file,
        "line": pool.location.line,
        "column": pool.location.column,
        "name": pool.name,
        "format": pool.format,
        "containers": pool.containers,
        "values": values,
    }
    if pool.condition:
        out["condition"] = pool.condition
    if pool.via:
        out["via"] = [{"file": v.file, "line": v.line, "column": v.column} for v in pool.via]
    return out


def catalog_to_json(result) -> dict | None:
    if result.catalog is None:
        return None
    return {**result.catalog.info.to_json(), "age_days": result.catalog_age_days}


def document(result) -> dict:
    return {
        "version": VERSION,
        "catalog": catalog_to_json(result),
        "pools": [pool_to_json(p) for p in result.pools],
        "findings": [f.to_json() for f in result.findings],
        "summary": summary(result),
        "notes": list(result.notes),
    }


class JsonReporter(Reporter):
    name = "json"
    needs_pools = True

    def report(self, result) -> None:
        json.dump(document(result), self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")
