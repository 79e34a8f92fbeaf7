"""The supported-image catalog: the list of image and node agent pairs, and what it is.

A ``Catalog`` holds the entries of one List Supported Images result (bundled, from a snapshot
file, or live) with ``CatalogInfo`` saying where it came from and how old it is, and the
lifecycle catalog that explains what the list no longer carries.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Protocol

from batchlint.catalog.lifecycle import Lifecycle


def norm(text: str) -> str:
    """The form used to compare publishers, offers, SKUs and node agents: lower case, one space."""
    return " ".join(text.split()).lower()


class ImageEntry(NamedTuple):
    """One supported image: an image reference paired with a node agent SKU."""

    publisher: str
    offer: str
    sku: str
    version: str
    node_agent: str
    verification: str
    capabilities: tuple[str, ...] = ()
    end_of_life: dt.date | None = None
    os_type: str | None = None

    @property
    def image(self) -> str:
        return f"{self.publisher}:{self.offer}:{self.sku}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (norm(self.publisher), norm(self.offer), norm(self.sku))

    @property
    def verified(self) -> bool:
        return self.verification.lower() == "verified"

    def has(self, capability: str) -> bool:
        low = capability.lower()
        return any(c.lower() == low for c in self.capabilities)

    def to_rest(self) -> dict:
        """The entry in the REST ``ImageInfo`` shape."""
        out = {
            "imageReference": {
                "publisher": self.publisher,
                "offer": self.offer,
                "sku": self.sku,
                "version": self.version,
            },
            "verificationType": self.verification,
            "nodeAgentSKUId": self.node_agent,
        }
        if self.capabilities:
            out["capabilities"] = list(self.capabilities)
        if self.end_of_life:
            out["batchSupportEndOfLife"] = self.end_of_life.isoformat() + "T00:00:00Z"
        if self.os_type:
            out["osType"] = self.os_type
        return out


class CatalogInfo(NamedTuple):
    """What a catalog is: bundled, a snapshot file, or a live endpoint, and its date."""

    kind: str  # "bundled" | "snapshot" | "live"
    name: str  # "bundled", a file path, or an endpoint URL
    date: dt.date | None
    region: str | None = None
    api_version: str | None = None
    description: str = ""
    fetched_at: str | None = None
    cached: bool = False

    def label(self) -> str:
        when = self.date.isoformat() if self.date else "undated"
        where = f", {self.region}" if self.region else ""
        if self.kind == "bundled":
            return f"bundled snapshot of {when}{where}"
        if self.kind == "live":
            cached = ", cached" if self.cached else ""
            return f"live list from {self.name} fetched {when}{cached}"
        return f"snapshot {self.name} of {when}{where}"

    def age_days(self, today: dt.date) -> int | None:
        return (today - self.date).days if self.date else None

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "date": self.date.isoformat() if self.date else None,
            "region": self.region,
            "api_version": self.api_version,
            "description": self.description,
            "label": self.label(),
        }


class Catalog:
    """Supported images with lookups by image and by node agent."""

    def __init__(self, entries: list[ImageEntry], info: CatalogInfo, lifecycle: Lifecycle) -> None:
        self.entries = entries
        self.info = info
        self.lifecycle = lifecycle
        self._by_image: dict[tuple[str, str, str], list[ImageEntry]] = {}
        self._by_agent: dict[str, list[ImageEntry]] = {}
        #: ``nearest`` answers by image: a run over many pools asks about the same few images.
        self._nearest: dict = {}
        for entry in self.entries:
            self._by_image.setdefault(entry.key, []).append(entry)
            self._by_agent.setdefault(norm(entry.node_agent), []).append(entry)

    def __repr__(self) -> str:
        return f"Catalog({self.info.label()}, {len(self.entries)} entries)"

    def lookup(self, publisher: str, offer: str, sku: str) -> list[ImageEntry]:
        """Entries for an image reference (version is not part of the pair)."""
        return self._by_image.get((norm(publisher), norm(offer), norm(sku)), [])

    def with_agent(self, agent: str) -> list[ImageEntry]:
        return self._by_agent.get(norm(agent), [])

    def knows_agent(self, agent: str) -> bool:
        return norm(agent) in self._by_agent

    @property
    def agents(self) -> list[str]:
        return sorted({e.node_agent for e in self.entries})

    def of_offer(self, publisher: str, offer: str) -> list[ImageEntry]:
        pub, off = norm(publisher), norm(offer)
        return [e for e in self.entries if e.key[0] == pub and e.key[1] == off]

    def of_publisher(self, publisher: str) -> list[ImageEntry]:
        pub = norm(publisher)
        return [e for e in self.entries if e.key[0] == pub]

    def nearest(
        self, publisher: str, offer: str, sku: str, limit: int = 3, arch: str | None = None
    ) -> list[ImageEntry]:
        """Supported entries closest to an unsupported image: same offer first, then publisher.

        ``arch`` ("arm64" or "x64") keeps only entries whose node agent runs on that CPU, so a
        suggestion never trades one failure for another.
        """
        key = (norm(publisher), norm(offer), norm(sku), limit, arch)
        if key not in self._nearest:
            self._nearest[key] = self._rank(publisher, offer, sku, limit, arch)
        return list(self._nearest[key])

    def _rank(
        self, publisher: str, offer: str, sku: str, limit: int, arch: str | None
    ) -> list[ImageEntry]:
        import difflib  # only an unsupported image needs it; a clean run does not load it

        same_offer = [e for e in self.of_offer(publisher, offer) if _fits(e, arch)]
        pool = same_offer or [e for e in self.of_publisher(publisher) if _fits(e, arch)]
        if not pool:
            return []
        target = norm(f"{offer}:{sku}") if not same_offer else norm(sku)

        def score(entry: ImageEntry) -> float:
            mine = norm(entry.sku) if target == norm(sku) else norm(f"{entry.offer}:{entry.sku}")
            ratio = difflib.SequenceMatcher(None, target, mine).ratio()
            return -ratio if entry.verified else 0.5 - ratio

        seen, out = set(), []
        for entry in sorted(pool, key=lambda e: (score(e), e.image, e.node_agent)):
            if entry.image not in seen:
                seen.add(entry.image)
                out.append(entry)
        return out[:limit]


def entry_arch(entry: ImageEntry) -> str:
    """The CPU an entry's node agent runs on: Arm agents end in ``-arm64``."""
    return "arm64" if norm(entry.node_agent).endswith("-arm64") else "x64"


def _fits(entry: ImageEntry, arch: str | None) -> bool:
    return arch is None or entry_arch(entry) == arch


class CatalogSource(Protocol):
    """A plugin that can give a catalog: ``name`` is what ``--catalog`` or configuration names."""

    name: str

    def load(self, options: dict) -> Catalog:
        """The catalog for these options; raises ``CatalogError`` with a reason on failure."""


class CatalogError(Exception):
    """A catalog that cannot be loaded, with a message for the user."""

    exit_code = 2
