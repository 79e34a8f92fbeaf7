"""What the catalog says about a pool's image and node agent pair, worked out once per pool.

The image rules each report one aspect of the same comparison; this module does the
comparison, so that the rules stay short and agree with each other.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from batchlint.catalog import Catalog, ImageEntry, norm
from batchlint.catalog.lifecycle import AgentRow, ImageRow
from batchlint.model import Pool, Value, text_of
from batchlint.rule import RuleContext

MARKETPLACE = ("publisher", "offer", "sku")


class Pair(NamedTuple):
    """The catalog's view of one pool. ``kind`` says which checks apply."""

    kind: str  # cloud-service | incomplete | custom | unresolved | marketplace
    catalog: Catalog
    image: tuple[str, str, str] | None = None
    agent: str | None = None
    entries: list[ImageEntry] = []  # never changed in place
    match: ImageEntry | None = None
    image_row: ImageRow | None = None
    agent_row: AgentRow | None = None
    missing: tuple[str, ...] = ()

    @property
    def image_text(self) -> str:
        return ":".join(self.image) if self.image else "(unknown image)"

    @property
    def agent_listed(self) -> bool:
        return self.agent is not None and self.catalog.knows_agent(self.agent)

    def end_of_life(self) -> tuple[dt.date, str, str] | None:
        """(date, what ends, source) for the pair: the list's date wins over the lifecycle's."""
        if self.match is not None and self.match.end_of_life:
            return self.match.end_of_life, "list", self.catalog.info.label()
        row = self.image_row
        if row is not None and row.end_of_life:
            # A listed pair takes the lifecycle date only for the agent the row is about; an
            # image the list no longer carries is gone whatever agent the pool names.
            listed = self.match is not None and _same_agent(row.agent, self.agent)
            removed = self.kind == "marketplace" and not self.entries
            if listed or removed:
                return row.end_of_life, "lifecycle", row.source
        if (
            self.kind == "custom"
            and self.agent_listed
            and self.agent_row is not None
            and self.agent_row.end
        ):
            return self.agent_row.end, "agent", self.agent_row.source
        return None

    def successor(self) -> str | None:
        if self.image_row is not None and self.image_row.successor_text():
            return self.image_row.successor_text()
        if self.agent_row is not None and self.agent_row.successors:
            return "node agent " + " or ".join(self.agent_row.successors)
        return None


def _same_agent(row_agent: str | None, agent: str | None) -> bool:
    return row_agent is None or agent is None or norm(row_agent) == norm(agent)


_memo: dict[int, tuple[Pool, Pair]] = {}


def analyse(pool: Pool, ctx: RuleContext) -> Pair:
    """The pair analysis of ``pool``, computed once however many rules ask."""
    hit = _memo.get(id(pool))
    if hit is not None and hit[0] is pool:
        return hit[1]
    pair = _analyse(pool, ctx)
    _memo.clear()  # one pool at a time: rules run pool by pool
    _memo[id(pool)] = (pool, pair)
    return pair


def _analyse(pool: Pool, ctx: RuleContext) -> Pair:
    catalog = ctx.catalog_for(pool)
    lifecycle = catalog.lifecycle
    agent_value = pool.node_agent_sku_id
    agent = agent_value.text() if agent_value is not None and agent_value.known else None
    agent_row = lifecycle.agent(agent) if agent else None

    if pool.cloud_service is not None:
        return Pair("cloud-service", catalog)
    parts = {name: getattr(pool, name) for name in MARKETPLACE}
    image_id = pool.image_id
    if image_id is not None and not image_id.known and any(v is not None for v in parts.values()):
        # The whole image reference is unknown: marketplace or custom cannot be told.
        return Pair("unresolved", catalog, agent=agent, agent_row=agent_row)
    if image_id is not None:
        return Pair("custom", catalog, agent=agent, agent_row=agent_row)

    missing = tuple(name for name, value in parts.items() if value is None)
    if missing:
        return Pair("incomplete", catalog, agent=agent, agent_row=agent_row, missing=missing)
    if any(not value.known for value in parts.values()):
        return Pair("unresolved", catalog, agent=agent, agent_row=agent_row)
    texts = tuple(parts[name].text() or "" for name in MARKETPLACE)
    entries = catalog.lookup(*texts)
    match = None
    if agent is not None:
        match = next((e for e in entries if norm(e.node_agent) == norm(agent)), None)
    return Pair(
        "marketplace",
        catalog,
        image=texts,
        agent=agent,
        entries=entries,
        match=match,
        image_row=lifecycle.image(*texts),
        agent_row=agent_row,
    )


def pool_arch(pool: Pool) -> str | None:
    """ "arm64" or "x64" when the VM size or the node agent says which, else None."""
    from batchlint import vmsizes

    size = text_of(pool.vm_size)
    if size:
        found = vmsizes.bundled().architecture(size)
        if found is not None and not found.uncertain:
            return "arm64" if found.arch == vmsizes.ARM64 else "x64"
    agent = text_of(pool.node_agent_sku_id)
    if agent:
        return "arm64" if norm(agent).endswith("-arm64") else "x64"
    return None


def successor_in(pair: Pair) -> tuple[str | None, bool]:
    """The lifecycle successor, and whether the pool's catalog lists it."""
    text = pair.successor()
    row = pair.image_row
    if text is None or row is None or not row.successor:
        return text, True
    parts = row.successor.split(":")
    listed = len(parts) == 3 and bool(pair.catalog.lookup(*parts))
    return text, listed


def image_location(pool: Pool):
    """Where an image finding is reported: the SKU, else the offer or publisher, else the pool."""
    for value in (pool.sku, pool.offer, pool.publisher, pool.image_id):
        if value is not None and value.location is not None:
            return value.location
    return pool.location


def origins(pool: Pool, names=MARKETPLACE) -> str:
    """ " (sku from default of parameter x)" for the parts that did not come from the pool."""
    by_origin: dict[str, list[str]] = {}
    for name in names:
        value: Value | None = getattr(pool, name)
        if value is not None and value.known and value.origin not in ("literal", ""):
            by_origin.setdefault(value.origin, []).append(name)
    if not by_origin:
        return ""
    parts = []
    for origin, fields in by_origin.items():
        label = "image" if len(fields) == len(names) else " and ".join(fields)
        parts.append(f"{label} from {origin}")
    return f" ({'; '.join(parts)})"


def entry_text(entry: ImageEntry) -> str:
    return f"{entry.image} with node agent '{entry.node_agent}'"


def days_until(date: dt.date, today: dt.date) -> int:
    return (date - today).days
