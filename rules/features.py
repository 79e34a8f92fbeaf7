"""Rules about pool features that Batch retired: low-priority nodes, classic node communication,
certificate references, and image versions pinned to a date.

Dates and successors come from the ``features`` rows of the lifecycle catalog; a rule whose row
is missing from the catalog in use says nothing rather than guess a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from batchlint.hookspecs import hookimpl
from batchlint.log import get as get_logger
from batchlint.model import Finding, Location, Pool, Severity, text_of
from batchlint.rule import Rule, RuleContext, shown, where
from batchlint_rules.imagefacts import listed

log = get_logger(__name__)

DOCS_SPOT = "https://learn.microsoft.com/azure/batch/low-priority-vms-retirement-migration-guide"
DOCS_COMMUNICATION = (
    "https://learn.microsoft.com/azure/batch/"
    "batch-pools-to-simplified-compute-node-communication-model-migration-guide"
)
DOCS_CERTIFICATES = "https://learn.microsoft.com/azure/batch/batch-certificate-migration-guide"
DOCS_IMAGES = "https://learn.microsoft.com/azure/batch/batch-linux-nodes"

LATEST = "latest"
_WORKING_NOTE = re.compile(r"\s*\([^()]*research/[^()]*\)")


class Feature(NamedTuple):
    """A lifecycle ``features`` row, read for one rule."""

    name: str
    retired_on: dt.date | None
    successor: str | None
    source: str
    effect: str | None = None

    def evidence(self) -> str:
        when = self.retired_on.isoformat() if self.retired_on else "no date"
        return f"lifecycle feature {self.name!r} (retired {when}): {self.source}"

    def passed(self, today: dt.date) -> bool:
        return self.retired_on is not None and today >= self.retired_on


def feature(pool: Pool, ctx: RuleContext, name: str) -> Feature | None:
    """The lifecycle row of a retired feature, or None when the catalog has no such row."""
    lifecycle = ctx.catalog_for(pool).lifecycle
    row = lifecycle.feature(name)
    if row is None:
        log.debug("lifecycle catalog has no feature row %r", name)
        return None
    return Feature(
        name,
        lifecycle.feature_date(name),
        row.get("successor"),
        row.get("source", ""),
        _plain(row.get("effect")),
    )


def _plain(text: str | None) -> str | None:
    """The data's words for users: without the asides that cite the compilers' working notes,
    which do not ship with batchlint."""
    if not text:
        return None
    return " ".join(_WORKING_NOTE.sub("", text).split())


def _retired(row: Feature, today: dt.date, what: str) -> str:
    """``Batch retired <what> on <date>``, or ``retires`` while the date is ahead."""
    if row.retired_on is None:
        return f"Batch retired {what}"
    verb = "retired" if row.passed(today) else "retires"
    return f"Batch {verb} {what} on {row.retired_on}"


class LowPriorityNodesRetired(Rule):
    id = "BL207"
    name = "low-priority-nodes-retired"
    severity = Severity.INFO
    summary = "The pool asks for low-priority nodes, which Batch now gives as Spot nodes."
    links = (DOCS_SPOT,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        value = pool.low_priority_nodes
        if value is None:
            return
        row = feature(pool, ctx, "low-priority-nodes")
        if row is None:
            return
        what = (
            "the autoscale formula sets $TargetLowPriorityNodes"
            if value.text() == "$TargetLowPriorityNodes"
            else f"targetLowPriorityNodes is {shown(value)}"
        )
        yield self.finding(
            where(pool, value),
            f"{what}; {_retired(row, ctx.as_of, 'low-priority nodes')}, and the same setting "
            "now gives Spot nodes, with Spot pricing and eviction",
            pool=pool,
            fix=f"plan for {row.successor}" if row.successor else None,
            evidence=(row.evidence(),),
            note=row.effect,
            subject=(row.name,),
        )


class NodeCommunicationModeRetired(Rule):
    id = "BL208"
    name = "node-communication-mode-retired"
    severity = Severity.ERROR
    summary = "The pool asks for the classic node communication mode, which Batch retired."
    links = (DOCS_COMMUNICATION,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        value = pool.node_communication_mode
        text = text_of(value)
        if text is None or text.strip().lower() != "classic":
            return
        row = feature(pool, ctx, "classic-node-communication-mode")
        if row is None:
            return
        yield self.finding(
            where(pool, value),
            f"targetNodeCommunicationMode is {shown(value)}; "
            f"{_retired(row, ctx.as_of, 'the classic node communication mode')}",
            pool=pool,
            fix=f"set targetNodeCommunicationMode to {row.successor}" if row.successor else None,
            severity=None if row.passed(ctx.as_of) else Severity.WARNING,
            evidence=(row.evidence(),),
            note=row.effect,
            subject=(row.name, text),
        )


class CertificateReferencesRetired(Rule):
    id = "BL209"
    name = "certificate-references-retired"
    severity = Severity.ERROR
    summary = "The pool references Batch account certificates, a retired feature."
    links = (DOCS_CERTIFICATES,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        location: Location | None = pool.certificate_references
        if location is None:
            return
        row = feature(pool, ctx, "batch-account-certificates")
        if row is None:
            return
        yield self.finding(
            location,
            "the pool references Batch account certificates; "
            f"{_retired(row, ctx.as_of, 'pool certificate references')}",
            pool=pool,
            fix=f"use the {row.successor}" if row.successor else None,
            severity=None if row.passed(ctx.as_of) else Severity.WARNING,
            evidence=(row.evidence(),),
            note=row.effect,
            subject=(row.name,),
        )


class ImageVersionPinned(Rule):
    id = "BL210"
    name = "image-version-pinned"
    severity = Severity.INFO
    summary = "The image reference pins a dated version instead of 'latest'."
    links = (DOCS_IMAGES,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        value = pool.version
        if pool.image_id is not None or value is None:
            return
        text = value.text()
        if not text or text.strip().lower() == LATEST:
            return
        found = listed(pool, ctx)
        evidence = [f"Batch documentation on image versions: {DOCS_IMAGES}"]
        if found is not None:
            evidence.append(
                f"{found.evidence()}; the list names version "
                f"{found.entry.version!r}, not a dated one"
            )
        yield self.finding(
            where(pool, value),
            f"image version {shown(value)} is pinned; a Marketplace publisher removes old "
            "versions on its own schedule, independently of the SKU, and new nodes then fail "
            "to start",
            pool=pool,
            fix="use version 'latest', or copy the version into an Azure Compute Gallery "
            "image you control",
            evidence=evidence,
            subject=(text,),
        )


RULES = [
    LowPriorityNodesRetired,
    NodeCommunicationModeRetired,
    CertificateReferencesRetired,
    ImageVersionPinned,
]


@hookimpl
def batchlint_rules():
    return RULES
