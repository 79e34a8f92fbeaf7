"""Turn the compiled reference data into batchlint's own package data files.

    python scripts/import_reference.py [REFERENCE_DIR]

REFERENCE_DIR defaults to ../shared/reference. Writes into batchlint/data/: the bundled
snapshot in batchlint's snapshot format (with its provenance summary), the per-entry
provenance, the lifecycle catalog and the VM size facts, all as JSON so that loading them at
run time costs no YAML parsing. Run it again whenever the reference data changes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "batchlint" / "data"


def entries_hash(entries: list) -> str:
    canonical = json.dumps(entries, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def main(argv: list[str]) -> int:
    ref = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "reference"
    OUT.mkdir(parents=True, exist_ok=True)

    images = json.loads((ref / "supported-images.json").read_text())["value"]
    provenance = yaml.safe_load((ref / "supported-images.provenance.yaml").read_text())
    header = provenance["header"]
    snapshot = {
        "format": "batchlint-snapshot",
        "format_version": 1,
        "source": {
            "kind": "compiled",
            "description": (
                "bundled reconstruction of List Supported Images for a Batch-service account "
                "in eastus2, compiled from recorded responses and published notices"
            ),
            "endpoint": None,
            "region": "eastus2",
            "api_version": "2025-06-01",
            "fetched_at": header["compiled"] + "T00:00:00Z",
            "tool_version": None,
            "statement": header["statement"],
            "assumptions": header["global_assumptions"],
        },
        "count": len(images),
        "hash": entries_hash(images),
        "entries": images,
    }
    write("supported-images.json", snapshot)
    write("supported-images.provenance.json", provenance)
    write("lifecycle.json", yaml.safe_load((ref / "lifecycle.yaml").read_text()))
    write("vm-sizes.json", yaml.safe_load((ref / "vm-sizes.yaml").read_text()))
    return 0


def write(name: str, data) -> None:
    path = OUT / name
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
