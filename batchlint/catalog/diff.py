"""What changed between two supported-image lists: images added, removed and changed.

An entry is one image reference paired with one node agent; two entries are the same when
publisher, offer, SKU and node agent match (case-insensitively, as the service compares them).
A change is a different verification type, end of life, or set of capabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

from batchlint.catalog import Catalog, ImageEntry, norm


@dataclass(frozen=True)
class Change:
    """One entry present in both lists with different facts."""

    old: ImageEntry
    new: ImageEntry
    fields: tuple[tuple[str, str, str], ...]  # (field, old text, new text)


@dataclass(frozen=True)
class CatalogDiff:
    added: tuple[ImageEntry, ...]
    removed: tuple[ImageEntry, ...]
    changed: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def entry_key(entry: ImageEntry) -> tuple[str, str, str, str]:
    return (*entry.key, norm(entry.node_agent))


def _facts(entry: ImageEntry) -> dict[str, str]:
    return {
        "verification": entry.verification.lower(),
        "end of life": entry.end_of_life.isoformat() if entry.end_of_life else "none",
        "capabilities": ", ".join(sorted(entry.capabilities, key=str.lower)) or "none",
    }


def compare(old: Catalog, new: Catalog) -> CatalogDiff:
    """The differences from ``old`` to ``new``, each part sorted by image and node agent."""
    before = {entry_key(e): e for e in old.entries}
    after = {entry_key(e): e for e in new.entries}
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    changed = []
    for key in sorted(before.keys() & after.keys()):
        was, now = _facts(before[key]), _facts(after[key])
        fields = tuple((name, was[name], now[name]) for name in was if was[name] != now[name])
        if fields:
            changed.append(Change(before[key], after[key], fields))
    return CatalogDiff(tuple(added), tuple(removed), tuple(changed))


def to_text(diff: CatalogDiff, old: Catalog, new: Catalog) -> str:
    """The differences as lines for a person or a job log."""
    lines = [
        f"old: {old.info.label()} ({len(old.entries)} images)",
        f"new: {new.info.label()} ({len(new.entries)} images)",
    ]
    if diff.empty:
        lines.append("no differences")
        return "\n".join(lines) + "\n"
    for entry in diff.added:
        lines.append(f"+ {entry.image} with {entry.node_agent} ({entry.verification})")
    for entry in diff.removed:
        lines.append(f"- {entry.image} with {entry.node_agent}")
    for change in diff.changed:
        what = "; ".join(f"{name} {was} -> {now}" for name, was, now in change.fields)
        lines.append(f"~ {change.new.image} with {change.new.node_agent}: {what}")
    lines.append(
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    return "\n".join(lines) + "\n"


def to_json(diff: CatalogDiff, old: Catalog, new: Catalog) -> dict:
    return {
        "old": old.info.to_json(),
        "new": new.info.to_json(),
        "added": [e.to_rest() for e in diff.added],
        "removed": [e.to_rest() for e in diff.removed],
        "changed": [
            {
                "imageReference": change.new.to_rest()["imageReference"],
                "nodeAgentSKUId": change.new.node_agent,
                "changes": [{"field": n, "old": w, "new": v} for n, w, v in change.fields],
            }
            for change in diff.changed
        ],
        "summary": {
            "added": len(diff.added),
            "removed": len(diff.removed),
            "changed": len(diff.changed),
        },
    }
