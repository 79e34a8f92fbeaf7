"""Image and node agent rules: is the pair one the Batch service supports, and for how long."""

from __future__ import annotations

from batchlint.catalog import norm
from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.rule import Rule, shown, where
from batchlint_rules.pair import (
    analyse,
    days_until,
    entry_text,
    image_location,
    origins,
    pool_arch,
    successor_in,
)

DOCS_IMAGES = "https://learn.microsoft.com/azure/batch/batch-linux-nodes"
DOCS_LIST = "https://learn.microsoft.com/rest/api/batchservice/pools/list-supported-images"
DOCS_RETIREMENTS = "https://github.com/Azure/Batch/issues/140"


def _evidence(pair, *extra: str) -> list[str]:
    return [f"catalog: {pair.catalog.info.label()}", *[e for e in extra if e]]


def replacement(pool, pair, verb: str = "use") -> str | None:
    """What to move to: the lifecycle successor when this catalog lists it, else the nearest
    supported images that run on the pool's CPU."""
    successor, listed = successor_in(pair)
    if successor and listed:
        return f"{verb} {successor}"
    nearest = []
    if pair.image is not None:
        own = tuple(norm(part) for part in pair.image)
        nearest = [
            e
            for e in pair.catalog.nearest(*pair.image, limit=4, arch=pool_arch(pool))
            if e.key != own
        ][:3]
    examples = "; ".join(entry_text(e) for e in nearest)
    if successor:
        text = f"{verb} {successor} (its successor, which {pair.catalog.info.label()} does not list"
        return text + (f"; it does list {examples})" if examples else ")")
    if examples:
        return f"{verb} a supported image, e.g. {examples}"
    return None


def _agent_successor(pair, verb: str = "use") -> str | None:
    row = pair.agent_row
    if row is None or not row.successors:
        return None
    return f"{verb} node agent " + " or ".join(f"'{a}'" for a in row.successors)


class ImageNotSupported(Rule):
    id = "BL101"
    name = "image-not-supported"
    severity = Severity.ERROR
    summary = "The image reference is in no entry of the supported-image list."
    links = (DOCS_LIST, DOCS_IMAGES)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.kind != "marketplace" or pair.entries:
            return
        row = pair.image_row
        if row is not None and row.end_of_life and row.end_of_life <= ctx.as_of:
            return  # image-end-of-life says it, with the date
        message = f"image {pair.image_text}{origins(pool)} is not in the supported-image list"
        if row is not None:
            when = f" on {row.end_of_life}" if row.end_of_life else ""
            message += f"; the lifecycle catalog lists it as {row.kind}{when}"
        fix = replacement(pool, pair) or "choose an image from `batchlint images list`"
        yield self.finding(
            image_location(pool),
            message,
            pool=pool,
            fix=fix,
            evidence=_evidence(pair, row.source if row else ""),
            subject=(pair.image_text.lower(),),
        )


class NodeAgentMismatch(Rule):
    id = "BL102"
    name = "node-agent-mismatch"
    severity = Severity.ERROR
    summary = "The image is supported, but with another node agent SKU."
    links = (DOCS_LIST,)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.kind != "marketplace" or not pair.entries or pair.match or not pair.agent_listed:
            return
        agents = sorted({e.node_agent for e in pair.entries})
        wanted = " or ".join(f"'{a}'" for a in agents)
        yield self.finding(
            where(pool, pool.node_agent_sku_id),
            f"image {pair.image_text} is supported with node agent {wanted}, "
            f"not {shown(pool.node_agent_sku_id)}",
            pool=pool,
            fix=f"set the node agent SKU to {wanted}",
            evidence=_evidence(pair, *(entry_text(e) for e in pair.entries)),
            subject=(pair.image_text.lower(), norm(pair.agent or "")),
            related=(image_location(pool),),
        )


class NodeAgentUnknown(Rule):
    id = "BL103"
    name = "node-agent-unknown"
    severity = Severity.ERROR
    summary = "The node agent SKU is in no entry of the supported-image list."
    links = (DOCS_LIST, DOCS_RETIREMENTS)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.agent is None or pair.kind in ("cloud-service",) or pair.agent_listed:
            return
        row = pair.image_row
        if (
            pair.kind == "marketplace"
            and not pair.entries
            and row is not None
            and row.end_of_life
            and row.end_of_life <= ctx.as_of
            and row.agent
            and norm(row.agent) == norm(pair.agent)
        ):
            return  # the image's end-of-life finding already names the agent's successor
        message = f"node agent {shown(pool.node_agent_sku_id)} is in no supported-image entry"
        agent_row = pair.agent_row
        evidence = _evidence(pair)
        if agent_row is not None and agent_row.status == "retired":
            when = f" on {agent_row.retired_on}" if agent_row.retired_on else ""
            message += f"; Batch retired it{when}"
            evidence.append(f"lifecycle: {agent_row.id} ({agent_row.source})")
        if pair.entries:
            agents = " or ".join(sorted({f"'{e.node_agent}'" for e in pair.entries}))
            fix = f"use node agent {agents}, which image {pair.image_text} is listed with"
        elif agent_row is not None and agent_row.successors:
            fix = "use node agent " + " or ".join(f"'{s}'" for s in agent_row.successors)
            fix += " with an image listed for it"
        else:
            close = _close_agents(pair.agent, pair.catalog.agents)
            fix = f"did you mean {close}?" if close else "see `batchlint images list` for agents"
        yield self.finding(
            where(pool, pool.node_agent_sku_id),
            message,
            pool=pool,
            fix=fix,
            evidence=evidence,
            subject=(norm(pair.agent),),
        )


def _close_agents(agent: str, known: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(norm(agent), [norm(k) for k in known], n=2, cutoff=0.8)
    return " or ".join(f"'{c}'" for c in close) if close else None


class ImageUnverified(Rule):
    id = "BL104"
    name = "image-unverified"
    severity = Severity.WARNING
    summary = "The pair is listed as unverified: Batch does not test it with this node agent."
    links = (DOCS_LIST,)

    def check(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.match is None or pair.match.verified:
            return
        verified = [
            e
            for e in pair.catalog.nearest(*pair.image, limit=10, arch=pool_arch(pool))
            if e.verified and e.key != pair.match.key
        ][:3]
        fix = (
            "prefer a verified image, e.g. " + "; ".join(entry_text(e) for e in verified)
            if verified
            else None
        )
        yield self.finding(
            image_location(pool),
            f"image {pair.image_text} with node agent '{pair.match.node_agent}' is listed as "
            "unverified: Batch makes no promise that it works",
            pool=pool,
            fix=fix,
            evidence=_evidence(pair, f"entry: {entry_text(pair.match)}, unverified"),
            subject=(pair.image_text.lower(), norm(pair.match.node_agent)),
        )


class _EndOfLife(Rule):
    def dated(self, pool, ctx):
        pair = analyse(pool, ctx)
        if pair.kind not in ("marketplace", "custom"):
            return None, None
        return pair, pair.end_of_life()

    def subject_of(self, pair) -> str:
        return pair.image_text.lower() if pair.kind == "marketplace" else norm(pair.agent or "")

    def what(self, pool, pair) -> tuple[str, object]:
        if pair.kind == "custom":
            return f"node agent {shown(pool.node_agent_sku_id)}", where(
                pool, pool.node_agent_sku_id
            )
        return f"image {pair.image_text}{origins(pool)}", image_location(pool)


class ImageEndOfLife(_EndOfLife):
    id = "BL105"
    name = "image-end-of-life"
    severity = Severity.ERROR
    summary = "The image or its node agent is past its end of life in Batch."
    links = (DOCS_RETIREMENTS,)

    def check(self, pool, ctx):
        pair, dated = self.dated(pool, ctx)
        if dated is None or dated[0] > ctx.as_of:
            return
        date, kind, source = dated
        what, location = self.what(pool, pair)
        listed = "" if pair.match or kind == "agent" else " and is no longer in the list"
        fix = replacement(pool, pair) if kind != "agent" else _agent_successor(pair)
        yield self.finding(
            location,
            f"{what} reached its end of life in Batch on {date}{listed}",
            pool=pool,
            fix=fix,
            evidence=_evidence(pair, f"end of life from {kind}: {source}"),
            subject=(self.subject_of(pair),),
        )


class ImageNearEndOfLife(_EndOfLife):
    id = "BL106"
    name = "image-near-end-of-life"
    severity = Severity.WARNING
    summary = (
        "The image or its node agent has an announced end of life (warning within the window)."
    )
    links = (DOCS_RETIREMENTS,)

    def check(self, pool, ctx):
        pair, dated = self.dated(pool, ctx)
        if dated is None or dated[0] <= ctx.as_of:
            return
        date, kind, source = dated
        days = days_until(date, ctx.as_of)
        severity = Severity.WARNING if days <= ctx.eol_warning_days else Severity.INFO
        what, location = self.what(pool, pair)
        if kind == "agent":
            fix = _agent_successor(pair, "plan a move to")
        else:
            fix = replacement(pool, pair, "plan a move to")
        yield self.finding(
            location,
            f"{what} reaches its end of life in Batch on {date} (in {days} days)",
            pool=pool,
            fix=fix,
            severity=severity,
            evidence=_evidence(pair, f"end of life from {kind}: {source}"),
            subject=(self.subject_of(pair),),
        )


@hookimpl
def batchlint_rules():
    return [
        ImageNotSupported,
        NodeAgentMismatch,
        NodeAgentUnknown,
        ImageUnverified,
        ImageEndOfLife,
        ImageNearEndOfLife,
    ]
