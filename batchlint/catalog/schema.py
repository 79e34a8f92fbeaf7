"""Validation of batchlint snapshot files against the JSON Schema the package ships."""

from __future__ import annotations

import hashlib
import json

from batchlint import datafiles
from batchlint.catalog import CatalogError

SCHEMA_FILE = "snapshot.schema.json"


def schema() -> dict:
    with open(datafiles.path(f"../schemas/{SCHEMA_FILE}"), encoding="utf-8") as handle:
        return json.load(handle)


def entries_hash(entries: list) -> str:
    """The hash recorded in a snapshot: SHA-256 of the entries as canonical JSON."""
    canonical = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def validate_snapshot(doc: dict, name: str) -> None:
    """Raise ``CatalogError`` naming the first problem when ``doc`` is not a valid snapshot."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise CatalogError(f"{name}: not a valid batchlint snapshot at {where}: {error.message}")
    if doc["count"] != len(doc["entries"]):
        raise CatalogError(
            f"{name}: snapshot says count {doc['count']} but holds {len(doc['entries'])} entries"
        )
    if doc["hash"] != entries_hash(doc["entries"]):
        raise CatalogError(f"{name}: snapshot hash does not match its entries (edited by hand?)")
