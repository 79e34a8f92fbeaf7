"""Rules about what a pool definition leaves open or uses that Batch retired."""

from __future__ import annotations

import re

from batchlint.catalog import norm
from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.rule import Rule, shown, where
from batchlint_rules.pair import MARKETPLACE, analyse, entry_text

DOCS_CLOUD = "https://learn.microsoft.com/azure/batch/batch-pool-cloud-service-to-virtual-machine-configuration"
DOCS_GALLERY = "https://learn.microsoft.com/azure/batch/batch-custom-image-pools-to-azure-compute-gallery-migration-guide"
DOCS_POOLS = "https://learn.microsoft.com/azure/batch/nodes-and-pools"

_MANAGED_IMAGE = re.compile(r"/providers/microsoft\.compute/images/", re.IGNORECASE)
_VHD = re.compile(r"(\.vhd$|\.blob\.core\.windows\.net/)", re.IGNORECASE)
MAX_CANDIDATES = 6
_LABELS = {"sku": "SKU", "image_id": "image id", "node_agent_sku_id": "node agent SKU"}


class ValueUnresolved(Rule):
    id = "BL107"
    name = "value-unresolved"
    severity = Severity.WARNING
    summary = "A value that decides the image or node agent cannot be known before deployment."
    links = (DOCS_POOLS,)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.kind == "cloud-service":
            return
        names = ("image_id",) if pair.kind == "custom" else MARKETPLACE + ("image_id",)
        groups: dict = {}
        for name in (*names, "node_agent_sku_id"):
            value = getattr(pool, name)
            if value is not None and not value.known:
                key = (value.location, value.unresolved)
                groups.setdefault(key, []).append(name)
        for (location, reason), fields in groups.items():
            label = _join(fields)
            candidates = _candidates(pool, pair, fields)
            message = f"{label} cannot be verified: {reason}"
            yield self.finding(
                location or pool.location,
                message,
                pool=pool,
                fix=candidates,
                subject=tuple(fields) + (reason or "",),
            )


def _join(fields: list[str]) -> str:
    if set(MARKETPLACE) <= set(fields):
        rest = [f for f in fields if f not in MARKETPLACE and f != "image_id"]
        fields = ["image_reference", *rest]
    names = [_LABELS.get(f, f.replace("_", " ")) for f in fields]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _candidates(pool, pair, fields) -> str | None:
    """What the catalog would accept given the values that are known."""
    catalog = pair.catalog
    if "node_agent_sku_id" in fields and pair.kind == "marketplace" and pair.entries:
        agents = sorted({e.node_agent for e in pair.entries})
        return f"the catalog accepts node agent {' or '.join(repr(a) for a in agents)} here"
    known = {
        n: getattr(pool, n).text()
        for n in MARKETPLACE
        if getattr(pool, n) is not None and getattr(pool, n).known
    }
    if not known and not (pair.agent and "node_agent_sku_id" not in fields):
        return f"any of the {len(catalog.entries)} supported pairs: see `batchlint images list`"
    entries = catalog.entries
    if pair.agent and "node_agent_sku_id" not in fields:
        entries = catalog.with_agent(pair.agent)
    for name, text in known.items():
        index = MARKETPLACE.index(name)
        entries = [e for e in entries if e.key[index] == norm(text)]
    if not entries or pair.kind == "custom":
        return None
    shown_entries = "; ".join(entry_text(e) for e in entries[:MAX_CANDIDATES])
    more = f" and {len(entries) - MAX_CANDIDATES} more" if len(entries) > MAX_CANDIDATES else ""
    return f"supported values here: {shown_entries}{more}"


class CloudServiceConfigurationRetired(Rule):
    id = "BL108"
    name = "cloud-service-configuration-retired"
    severity = Severity.ERROR
    summary = "The pool uses cloudServiceConfiguration, which Batch retired."
    links = (DOCS_CLOUD,)

    def check(self, pool, ctx):
        if pool.cloud_service is None:
            return
        lifecycle = ctx.catalog_for(pool).lifecycle
        row = lifecycle.feature("cloudServiceConfiguration") or {}
        date = lifecycle.feature_date("cloudServiceConfiguration")
        past = date is not None and date <= ctx.as_of
        when = f" on {date}" if date else ""
        verb = "retired" if past else "retires"
        yield self.finding(
            where(pool, pool.cloud_service),
            f"cloudServiceConfiguration (osFamily {shown(pool.cloud_service)}) pools: "
            f"Batch {verb} them{when}; no new pools or nodes can be created",
            pool=pool,
            fix=f"use {row.get('successor')}" if row.get("successor") else None,
            severity=None if past else Severity.WARNING,
            evidence=[f"lifecycle feature cloudServiceConfiguration: {row.get('source', '')}"],
            subject=("cloudServiceConfiguration",),
        )


class CustomImageRetiredSource(Rule):
    id = "BL109"
    name = "custom-image-retired-source"
    severity = Severity.ERROR
    summary = "The custom image is a managed image or VHD, not an Azure Compute Gallery image."
    links = (DOCS_GALLERY,)
    feature = "custom-images-from-managed-images-or-vhd"

    def check(self, pool, ctx):
        value = pool.image_id
        if value is None or not value.known:
            return
        text = value.text() or ""
        if _MANAGED_IMAGE.search(text):
            kind = "a managed image"
        elif _VHD.search(text):
            kind = "a VHD"
        else:
            return
        lifecycle = ctx.catalog_for(pool).lifecycle
        row = lifecycle.feature(self.feature) or {}
        date = lifecycle.feature_date(self.feature)
        past = date is None or date <= ctx.as_of
        when = f" on {date}" if date else ""
        verb = "retired" if past else "retires"
        yield self.finding(
            where(pool, value),
            f"custom image {shown(value)} is {kind}; Batch {verb} pools from managed images "
            f"and VHDs{when}",
            pool=pool,
            fix="publish the image to an Azure Compute Gallery and use the gallery image "
            "(version) id, a sharedGalleryImageId or a communityGalleryImageId",
            severity=None if past else Severity.WARNING,
            evidence=[f"lifecycle feature {self.feature}: {row.get('source', '')}"],
            subject=(text.lower(),),
        )


class PoolIncomplete(Rule):
    id = "BL110"
    name = "pool-incomplete"
    severity = Severity.ERROR
    summary = "The pool names no image or no node agent SKU, so Batch cannot create it."
    links = (DOCS_POOLS,)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.kind == "cloud-service":
            return
        if pair.kind == "incomplete":
            if len(pair.missing) == len(MARKETPLACE):
                message = (
                    "the pool names no image: it needs a virtualMachineConfiguration "
                    "with an imageReference"
                )
                if pool.node_agent_sku_id is None:
                    message += " and a nodeAgentSkuId"
            else:
                message = f"the image reference has no {_join(list(pair.missing))}"
            yield self.finding(
                where(pool, pool.sku, pool.offer, pool.publisher),
                message,
                pool=pool,
                subject=("image",) + pair.missing,
            )
        if pool.node_agent_sku_id is None and (
            pair.kind != "incomplete" or len(pair.missing) < len(MARKETPLACE)
        ):
            agents = sorted({e.node_agent for e in pair.entries})
            fix = f"add nodeAgentSkuId {' or '.join(repr(a) for a in agents)}" if agents else None
            yield self.finding(
                pool.location,
                "the pool names no node agent SKU (nodeAgentSkuId)",
                pool=pool,
                fix=fix,
                subject=("node_agent_sku_id",),
            )


@hookimpl
def batchlint_rules():
    return [
        ValueUnresolved,
        CloudServiceConfigurationRetired,
        CustomImageRetiredSource,
        PoolIncomplete,
    ]
