"""The lifecycle catalog: retired node agents, images, features and VM families, with successors.

The service drops retired images from its list, so only this catalog can say why a pair is
missing and what replaces it. Dates come from the data file, never from code.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from functools import lru_cache
from typing import NamedTuple

from batchlint import datafiles


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    return dt.date.fromisoformat(str(text)[:10])


def _norm(text: str) -> str:
    return " ".join(str(text).split()).lower()


class AgentRow(NamedTuple):
    id: str
    status: str  # retired | eol-announced | supported
    retired_on: dt.date | None
    announced_end: dt.date | None
    successors: tuple[str, ...]
    source: str
    notes: str = ""

    @property
    def end(self) -> dt.date | None:
        return self.retired_on or self.announced_end


class ImageRow(NamedTuple):
    publisher: str
    offer: str
    sku_pattern: str
    agent: str | None
    end_of_life: dt.date | None
    kind: str  # removed | eol-announced
    successor: str | None
    successor_gen1: str | None
    successor_agent: str | None
    source: str
    notes: str = ""

    @property
    def image(self) -> str:
        return f"{self.publisher}:{self.offer}:{self.sku_pattern}"

    def matches(self, publisher: str, offer: str, sku: str) -> bool:
        return (
            _norm(publisher) == _norm(self.publisher)
            and _norm(offer) == _norm(self.offer)
            and fnmatch.fnmatchcase(_norm(sku), _norm(self.sku_pattern))
        )

    def successor_text(self) -> str | None:
        if not self.successor:
            return None
        text = self.successor
        if self.successor_agent:
            text += f" with node agent {self.successor_agent}"
        if self.successor_gen1:
            text += f" ({self.successor_gen1} for Generation 1 sizes)"
        return text


class Lifecycle:
    """Lookups over the lifecycle data file."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.compiled = _date(data.get("compiled"))
        self._agents = {}
        for row in data.get("node_agents", []):
            agent = AgentRow(
                id=row["id"],
                status=row.get("status", "supported"),
                retired_on=_date(row.get("retired_on")),
                announced_end=_date(row.get("announced_end")),
                successors=tuple(row.get("successor") or ()),
                source=row.get("source", ""),
                notes=row.get("notes", ""),
            )
            self._agents[_norm(agent.id)] = agent
        self._images = [
            ImageRow(
                publisher=row["publisher"],
                offer=row["offer"],
                sku_pattern=str(row.get("sku_pattern") or row.get("sku")),
                agent=row.get("agent"),
                end_of_life=_date(row.get("end_of_life")),
                kind=row.get("kind", "removed"),
                successor=row.get("successor"),
                successor_gen1=row.get("successor_gen1"),
                successor_agent=row.get("successor_agent"),
                source=row.get("source", ""),
                notes=row.get("notes", ""),
            )
            for row in data.get("images", [])
        ]
        self._features = {row["name"]: row for row in data.get("features", [])}
        self._image_rows: dict[tuple[str, str, str], ImageRow | None] = {}

    def agent(self, agent_id: str) -> AgentRow | None:
        return self._agents.get(_norm(agent_id))

    def image(self, publisher: str, offer: str, sku: str) -> ImageRow | None:
        """The lifecycle row for an image reference; exact SKUs before patterns."""
        # Answers are kept by image: every pool asks, and a run has few distinct images.
        key = (_norm(publisher), _norm(offer), _norm(sku))
        if key not in self._image_rows:
            self._image_rows[key] = self._find_image(publisher, offer, sku)
        return self._image_rows[key]

    def _find_image(self, publisher: str, offer: str, sku: str) -> ImageRow | None:
        matches = [row for row in self._images if row.matches(publisher, offer, sku)]
        if not matches:
            return None
        matches.sort(key=lambda row: "*" in row.sku_pattern or "?" in row.sku_pattern)
        return matches[0]

    def feature(self, name: str) -> dict | None:
        return self._features.get(name)

    def feature_date(self, name: str) -> dt.date | None:
        row = self.feature(name)
        return _date(row.get("retired_on")) if row else None

    @property
    def vm_families(self) -> list[dict]:
        return self.data.get("vm_families", [])


@lru_cache(maxsize=1)
def bundled() -> Lifecycle:
    """The lifecycle catalog that ships with batchlint."""
    return Lifecycle(datafiles.load_json("lifecycle.json"))


def parse_date(text: str | None) -> dt.date | None:
    return _date(text)
