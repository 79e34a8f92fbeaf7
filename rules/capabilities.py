"""Rules that compare what a pool's image can do with its VM size and settings.

A pair can be in the supported-image list and still fail to start nodes: containers on an image
without Docker support, a Generation 2 image on a size that boots only Generation 1, an x64
image on an Arm size. The image side comes from the catalog entry's capabilities, the size side
from the bundled VM size facts (``batchlint.vmsizes``). A rule says nothing when a value is
unknown, the image is custom, or the image is not in the catalog: the pair rules report those.
"""

from __future__ import annotations

from collections.abc import Iterator

from batchlint import vmsizes
from batchlint.catalog import norm
from batchlint.hookspecs import hookimpl
from batchlint.log import get as get_logger
from batchlint.model import Finding, Pool, Severity, text_of
from batchlint.rule import Rule, RuleContext, where
from batchlint_rules.imagefacts import agent_arch, gpu_drivers, listed, pool_os, suggest

log = get_logger(__name__)

DOCS_CONTAINERS = "https://learn.microsoft.com/azure/batch/batch-docker-container-workloads"
DOCS_GENERATION = "https://learn.microsoft.com/azure/virtual-machines/generation-2"
DOCS_GPU = "https://learn.microsoft.com/azure/batch/batch-pool-compute-intensive-sizes"
DOCS_ARM = "https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions"
DOCS_SIZES = "https://learn.microsoft.com/azure/batch/batch-pool-vm-sizes"
DOCS_RETIRED = (
    "https://learn.microsoft.com/azure/virtual-machines/sizes/retirement/retired-sizes-list"
)
DOCS_USERS = "https://learn.microsoft.com/azure/batch/batch-user-accounts"

DOCKER = "DockerCompatible"
GENERATION2 = "Generation2VMImage"
_UNCERTAIN = "the VM size data row is marked uncertain"


def _size(pool: Pool) -> str | None:
    return text_of(pool.vm_size)


def _subject(pool: Pool, *extra: str) -> tuple[str, ...]:
    parts = [text_of(v) or "" for v in (pool.publisher, pool.offer, pool.sku, pool.vm_size)]
    return (*parts, *extra)


class ContainerImageNotDockerCompatible(Rule):
    id = "BL201"
    name = "container-image-not-docker-compatible"
    severity = Severity.ERROR
    summary = "A container pool uses an image whose catalog entry lacks DockerCompatible."
    links = (DOCS_CONTAINERS,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        if not pool.containers:
            return
        found = listed(pool, ctx)
        if found is None or found.entry.has(DOCKER):
            return
        entry = found.entry
        same_kind = [
            e
            for e in found.catalog.entries
            if e.has(DOCKER)
            and e.os_type == entry.os_type
            and agent_arch(e.node_agent) == found.arch
        ]
        if same_kind:
            fix = f"use a {DOCKER} image: {suggest(same_kind)}"
        else:
            fix = (
                f"the catalog has no {DOCKER} image for this OS and CPU; use a custom image "
                "with a container runtime"
            )
        yield self.finding(
            pool.container_location or where(pool, pool.sku),
            f"pool runs containers on {entry.image}, whose supported-image entry does not list "
            f"{DOCKER}; Batch runs containers only on images whose entry lists it",
            pool=pool,
            fix=fix,
            evidence=(found.evidence(),),
            subject=_subject(pool, "containers"),
            related=[v.location for v in (pool.sku,) if v is not None and v.location],
        )


class VmSizeImageGenerationMismatch(Rule):
    id = "BL202"
    name = "vm-size-image-generation-mismatch"
    severity = Severity.ERROR
    summary = "The VM size cannot boot the Hyper-V generation of the image."
    links = (DOCS_GENERATION,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        size = _size(pool)
        facts = vmsizes.bundled().generations(size) if size else None
        if facts is None or facts.only is None:
            return
        found = listed(pool, ctx)
        if found is None:
            return
        image_gen = 2 if found.entry.has(GENERATION2) else 1
        if image_gen in facts.generations:
            return

        entry = found.entry
        wanted = facts.only
        alternatives = [
            e
            for e in found.catalog.of_offer(entry.publisher, entry.offer)
            if e.has(GENERATION2) == (wanted == 2) and norm(e.node_agent) == norm(entry.node_agent)
        ]
        fix = f"use a Generation {wanted} image"
        if alternatives:
            fix += f": {suggest(alternatives)}"
        fix += f", or a VM size that boots Generation {image_gen}"
        how = "carries" if image_gen == 2 else "does not carry"
        uncertain = facts.row.uncertain
        yield self.finding(
            where(pool, pool.vm_size),
            f"VM size '{size}' boots only Generation {wanted} images, but {entry.image} is a "
            f"Generation {image_gen} image (its supported-image entry {how} {GENERATION2})",
            pool=pool,
            fix=fix,
            severity=Severity.WARNING if uncertain else None,
            evidence=(facts.row.evidence("generation_support"), found.evidence()),
            subject=_subject(pool, f"generation {image_gen}"),
            related=[v.location for v in (pool.sku,) if v is not None and v.location],
            note=_doubt(facts.row),
        )


class GpuSizeWithoutGpuDriver(Rule):
    id = "BL203"
    name = "gpu-size-without-gpu-driver"
    severity = Severity.WARNING
    summary = "An NVIDIA GPU size on an image without the driver, and no driver extension."
    links = (DOCS_GPU,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        size = _size(pool)
        family = vmsizes.bundled().gpu(size) if size else None
        if family is None:
            return
        drivers = gpu_drivers()
        capabilities = drivers.capabilities(family.vendor)
        if not capabilities:
            # The list has driver flags for NVIDIA only; an AMD size cannot be judged by them.
            return
        found = listed(pool, ctx)
        if found is None or any(found.entry.has(c) for c in capabilities):
            return
        if drivers.carried_by(found.entry, family.vendor) is not None:
            return
        if any(not ext.known for ext in pool.extensions):
            return
        installers = drivers.extensions(family.vendor)
        if any(
            norm(ext.text() or "") in {norm(e["type"]) for e in installers}
            for ext in pool.extensions
        ):
            return

        entry = found.entry
        own_os = [e for e in installers if e.get("os_type") == (entry.os_type or "").lower()]
        extension = (own_os or installers)[0] if installers else None
        fix = "install the driver in a start task, or use a custom image that carries it"
        if extension is not None:
            fix = (
                f"add the {extension['type']} extension (publisher {extension['publisher']}) "
                f"to the pool, {fix}"
            )
        uncertain = family.row.uncertain
        yield self.finding(
            where(pool, pool.vm_size),
            f"VM size '{size}' has {family.vendor} {family.model} GPUs, but the supported-image "
            f"entry of {entry.image} lists neither {' nor '.join(capabilities)} and the pool "
            "configures no GPU driver extension; the driver must come from somewhere else",
            pool=pool,
            fix=fix,
            severity=Severity.INFO if uncertain else None,
            evidence=(
                family.row.evidence("gpu_families"),
                found.evidence(),
                drivers.evidence(family.vendor),
            ),
            subject=_subject(pool, "gpu-driver"),
            note=_doubt(family.row),
        )


class VmSizeArchitectureMismatch(Rule):
    id = "BL204"
    name = "vm-size-architecture-mismatch"
    severity = Severity.ERROR
    summary = "An Arm64 VM size with an x64 image or node agent, or the reverse."
    links = (DOCS_ARM,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        size = _size(pool)
        arch = vmsizes.bundled().architecture(size) if size else None
        if arch is None:
            return
        found = listed(pool, ctx)
        agent = text_of(pool.node_agent_sku_id)
        wrong = []
        evidence = [arch.evidence()]
        image_wrong = found is not None and found.arch != arch.arch
        agent_wrong = agent is not None and agent_arch(agent) != arch.arch
        if image_wrong:
            evidence.append(found.evidence())
        if image_wrong and agent_wrong and norm(agent) == norm(found.entry.node_agent):
            wrong.append(f"image {found.entry.image} and node agent '{agent}' are {found.arch}")
        else:
            if image_wrong:
                wrong.append(
                    f"image {found.entry.image} is {found.arch} "
                    f"(listed with node agent '{found.entry.node_agent}')"
                )
            if agent_wrong:
                wrong.append(f"node agent '{agent}' is {agent_arch(agent)}")
        if not wrong:
            return

        catalog = ctx.catalog_for(pool)
        fitting = [e for e in catalog.entries if agent_arch(e.node_agent) == arch.arch]
        if found is not None:
            same = [e for e in fitting if norm(e.publisher) == norm(found.entry.publisher)]
            fitting = same or fitting
        fix = f"use an {arch.arch} image and node agent"
        if fitting:
            fix += f": {suggest(fitting)}"
        fix += f", or a VM size with an {_other(arch.arch)} CPU"
        yield self.finding(
            where(pool, pool.vm_size),
            f"VM size '{size}' has an {arch.arch} CPU, but " + " and ".join(wrong),
            pool=pool,
            fix=fix,
            severity=Severity.WARNING if arch.uncertain else None,
            evidence=evidence,
            subject=_subject(pool, text_of(pool.node_agent_sku_id) or ""),
            related=[
                v.location
                for v in (pool.sku, pool.node_agent_sku_id)
                if v is not None and v.location
            ],
            note=f"the VM size architecture row is marked uncertain: {arch.notes}"
            if arch.uncertain
            else None,
        )


class VmSizeRetired(Rule):
    id = "BL205"
    name = "vm-size-retired"
    severity = Severity.ERROR
    summary = "The VM size is in a family that Batch or the Azure platform retires."
    links = (DOCS_SIZES, DOCS_RETIRED)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        size = _size(pool)
        if size is None:
            return
        family = vmsizes.retiring_family(size, ctx.catalog_for(pool).lifecycle)
        if family is None:
            return
        who = "Batch" if family.batch_date else "the Azure platform"
        name = family.row.family
        note = None
        if family.date is None:
            severity = Severity.WARNING
            message = (
                f"VM size '{size}' is in the {name} family, which Batch lists for retirement; "
                "no date has been captured"
            )
        elif ctx.as_of >= family.date:
            severity = Severity.ERROR
            message = f"VM size '{size}' is in the {name} family, retired by {who} on {family.date}"
        else:
            severity = Severity.WARNING
            message = (
                f"VM size '{size}' is in the {name} family, which {who} retires on {family.date}"
            )
        if family.date is not None and not family.batch_date:
            note = (
                "the date is the platform's; Batch has published no date of its own for this family"
            )
        yield self.finding(
            where(pool, pool.vm_size),
            message,
            pool=pool,
            fix=f"move to a size of another family: {family.successor}"
            if family.successor
            else None,
            severity=severity,
            evidence=(family.row.evidence("lifecycle vm_families"),),
            subject=(vmsizes.normalise(size), name),
            note=note,
        )


class OsConfigurationMismatch(Rule):
    id = "BL206"
    name = "os-configuration-mismatch"
    severity = Severity.ERROR
    summary = "Windows settings on a Linux image or node agent, or Linux settings on Windows."
    links = (DOCS_USERS,)

    def check(self, pool: Pool, ctx: RuleContext) -> Iterator[Finding]:
        if not pool.os_settings:
            return
        known = pool_os(pool, ctx)
        if known is None:
            return
        os_type, what = known
        found = listed(pool, ctx)
        for setting, location in pool.os_settings:
            wants = "windows" if setting.lower().startswith("windows") else "linux"
            if wants == os_type:
                continue
            evidence = (
                [found.evidence()]
                if found is not None
                else [
                    f"catalog entries of node agent {what} have os type {os_type} "
                    f"({ctx.catalog_for(pool).info.label()})"
                ]
            )
            yield self.finding(
                location,
                f"{setting} is a {_os_name(wants)} setting, but {what} is {_os_name(os_type)}",
                pool=pool,
                fix=f"remove {setting}, or use a {_os_name(wants)} image and node agent",
                evidence=evidence,
                subject=_subject(pool, setting),
            )


def _doubt(row: vmsizes.SizeRow) -> str | None:
    if not row.uncertain:
        return None
    return f"{_UNCERTAIN}: {row.notes}" if row.notes else _UNCERTAIN


def _os_name(os_type: str) -> str:
    return "Windows" if os_type == "windows" else "Linux"


def _other(arch: str) -> str:
    return vmsizes.X64 if arch == vmsizes.ARM64 else vmsizes.ARM64


RULES = [
    ContainerImageNotDockerCompatible,
    VmSizeImageGenerationMismatch,
    GpuSizeWithoutGpuDriver,
    VmSizeArchitectureMismatch,
    VmSizeRetired,
    OsConfigurationMismatch,
]


@hookimpl
def batchlint_rules():
    return RULES
