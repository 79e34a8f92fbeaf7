"""What the catalog and the bundled data say about a pool's image, for the capability rules.

``listed`` finds the supported-image entry of a pool's Marketplace image; ``gpu_drivers`` reads
``data/gpu-drivers.json``, which says where a GPU driver can come from (image capabilities,
images documented to carry the driver, driver extensions).
"""

from __future__ import annotations

import fnmatch
import json
import os
from functools import lru_cache
from typing import NamedTuple

from batchlint import vmsizes
from batchlint.catalog import Catalog, ImageEntry, norm
from batchlint.model import Pool, text_of
from batchlint.rule import RuleContext

#: Node agents for Arm nodes end so (``cpu_architecture.arm64_rule.batch_implication``).
ARM64_AGENT_SUFFIX = "-arm64"
MAX_SUGGESTIONS = 3


class Listed(NamedTuple):
    """The catalog entry of a pool's Marketplace image, with the catalog it came from."""

    entry: ImageEntry
    catalog: Catalog

    def evidence(self) -> str:
        caps = ", ".join(self.entry.capabilities) or "none"
        return (
            f"supported-image entry {self.entry.image} | {self.entry.node_agent}: capabilities "
            f"{caps} ({self.catalog.info.label()})"
        )

    @property
    def arch(self) -> str:
        return agent_arch(self.entry.node_agent)


def listed(pool: Pool, ctx: RuleContext) -> Listed | None:
    """The entry for the pool's image: the one with the pool's node agent, else the first.

    None for custom images, unknown values and images the catalog does not list.
    """
    if pool.image_id is not None:
        return None
    parts = [text_of(pool.publisher), text_of(pool.offer), text_of(pool.sku)]
    if None in parts:
        return None
    catalog = ctx.catalog_for(pool)
    entries = catalog.lookup(*parts)
    if not entries:
        return None
    agent = text_of(pool.node_agent_sku_id)
    for entry in entries:
        if agent is not None and norm(entry.node_agent) == norm(agent):
            return Listed(entry, catalog)
    return Listed(entries[0], catalog)


def agent_arch(agent: str) -> str:
    return vmsizes.ARM64 if norm(agent).endswith(ARM64_AGENT_SUFFIX) else vmsizes.X64


def pool_os(pool: Pool, ctx: RuleContext) -> tuple[str, str] | None:
    """(os type, what says so) from the image's entry, else from the node agent's entries."""
    found = listed(pool, ctx)
    if found is not None and found.entry.os_type:
        return found.entry.os_type.lower(), f"image {found.entry.image}"
    agent = text_of(pool.node_agent_sku_id)
    if agent is None:
        return None
    kinds = {e.os_type.lower() for e in ctx.catalog_for(pool).with_agent(agent) if e.os_type}
    if len(kinds) == 1:
        return kinds.pop(), f"node agent '{agent}'"
    return None


def ranked(entries: list[ImageEntry]) -> list[ImageEntry]:
    return sorted(entries, key=lambda e: (not e.verified, e.image, e.node_agent))


def suggest(entries: list[ImageEntry]) -> str:
    shown = []
    for entry in ranked(entries)[:MAX_SUGGESTIONS]:
        text = f"{entry.image} with node agent '{entry.node_agent}'"
        if not entry.verified:
            text += " (unverified)"
        shown.append(text)
    return "; ".join(shown)


class GpuDrivers:
    """The GPU driver facts in ``data/gpu-drivers.json``."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def capabilities(self, vendor: str) -> list[str]:
        rows = self.data.get("image_capabilities", [])
        return [r["capability"] for r in rows if norm(r.get("vendor", "")) == norm(vendor)]

    def carried_by(self, entry: ImageEntry, vendor: str) -> dict | None:
        """The row of an image documented to carry the vendor's driver, if there is one."""
        for row in self.data.get("images", []):
            if norm(row.get("vendor", "")) != norm(vendor):
                continue
            if (norm(row["publisher"]), norm(row["offer"])) != entry.key[:2]:
                continue
            if any(fnmatch.fnmatchcase(entry.key[2], norm(p)) for p in row["sku_patterns"]):
                return row
        return None

    def evidence(self, vendor: str) -> str:
        sources = sorted({r.get("source", "") for r in self.extensions(vendor)} - {""})
        return f"GPU driver data (gpu-drivers.json, compiled {self.data.get('compiled')}): " + (
            ", ".join(sources) or "no extension rows"
        )

    def extensions(self, vendor: str) -> list[dict]:
        rows = self.data.get("extensions", [])
        return [r for r in rows if norm(r.get("vendor", "")) == norm(vendor)]


@lru_cache(maxsize=1)
def gpu_drivers() -> GpuDrivers:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "gpu-drivers.json")
    with open(path, encoding="utf-8") as handle:
        return GpuDrivers(json.load(handle))
