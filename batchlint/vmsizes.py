"""Facts about VM sizes: GPU family and vendor, Hyper-V generations, CPU architecture, retirement.

The facts come from the bundled ``vm-sizes.json`` (GPU families, generation support, the Arm
naming rule and its exceptions) and from the ``vm_families`` rows of the lifecycle catalog.
Size names are compared case-insensitively, and a name without a tier prefix is read as a
``Standard_`` size, because Batch inputs mix cases and the service echoes whatever it was given.
Every answer carries the data row it came from, so a finding can name its source.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from functools import lru_cache
from typing import NamedTuple

from batchlint import datafiles
from batchlint.catalog.lifecycle import Lifecycle, parse_date
from batchlint.log import get as get_logger

log = get_logger(__name__)

_TIERS = ("standard_", "basic_")

#: The Arm convention of the naming guide, as ``cpu_architecture.arm64_rule`` states it: a
#: ``p`` among the feature letters after the vCPU count (the family letters are consumed first,
#: so ``Standard_NP10s`` is not Arm).
_ARM_NAME = re.compile(r"^(standard|basic)_[a-z]+[0-9]+(-[0-9]+)?[a-z]*p[a-z]*(_|$)")
#: A name that follows the naming guide at all: tier, family letters, vCPU count.
_CONVENTIONAL = re.compile(r"^(standard|basic)_[a-z]+[0-9]+")

ARM64 = "arm64"
X64 = "x64"


def normalise(size: str) -> str:
    """The comparable form of a size name: lower case, trimmed, ``standard_`` when unprefixed."""
    name = size.strip().lower()
    if not name.startswith(_TIERS):
        name = "standard_" + name
    return name


def has_tier_prefix(size: str) -> bool:
    """Whether the name as written carries ``Standard_`` or ``Basic_``."""
    return size.strip().lower().startswith(_TIERS)


class SizeRow(NamedTuple):
    """A data row that matched a size: which family, which pattern, and its source."""

    family: str
    pattern: str
    source: str
    uncertain: bool = False
    notes: str = ""

    def evidence(self, table: str) -> str:
        """The row for a finding's evidence: ``table family (pattern): source``."""
        doubt = ", marked uncertain" if self.uncertain else ""
        return f"{table} row {self.family!r} (pattern {self.pattern}{doubt}): {self.source}"


class GpuFamily(NamedTuple):
    row: SizeRow
    vendor: str
    model: str


class Generations(NamedTuple):
    row: SizeRow
    generations: tuple[int, ...]

    @property
    def only(self) -> int | None:
        """The one generation the size boots, or None when it boots both."""
        return self.generations[0] if len(self.generations) == 1 else None


class Architecture(NamedTuple):
    """The CPU architecture of a size and what says so."""

    arch: str  # ARM64 | X64
    basis: str  # "naming rule" | "exception row"
    source: str
    uncertain: bool = False
    notes: str = ""

    def evidence(self) -> str:
        doubt = ", marked uncertain" if self.uncertain else ""
        return f"VM size architecture ({self.basis}{doubt}): {self.source}"


class RetiringFamily(NamedTuple):
    """A lifecycle ``vm_families`` row that covers a size."""

    row: SizeRow
    #: The Batch retirement date, else the platform date, else None (announced, no date).
    date: dt.date | None
    #: True when ``date`` is Batch's own date; False for a platform date or no date.
    batch_date: bool
    successor: str | None


class VmSizes:
    """Lookups over the VM size facts."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.compiled = data.get("compiled")
        self._gpus = [
            GpuFamily(_row(row, pattern), row.get("vendor", ""), row.get("model", ""))
            for row in data.get("gpu_families", [])
            for pattern in row.get("size_patterns", [])
        ]
        self._generations = [
            Generations(_row(row, pattern), tuple(row.get("generations") or ()))
            for row in data.get("generation_support", [])
            for pattern in row.get("size_patterns", [])
        ]
        arch = data.get("cpu_architecture", {})
        self._arm_rule = arch.get("arm64_rule", {})
        self._arch_exceptions = arch.get("exceptions", [])

    def gpu(self, size: str) -> GpuFamily | None:
        """The GPU family of a size, or None when no GPU row covers it."""
        return _first(self._gpus, normalise(size))

    def generations(self, size: str) -> Generations | None:
        """The Hyper-V generations a size boots, or None when no row covers it."""
        return _first(self._generations, normalise(size))

    def architecture(self, size: str) -> Architecture | None:
        """Arm or x64, or None when the name does not follow the naming guide."""
        name = normalise(size)
        # The exceptions are the Arm sizes whose names lack the ``p`` (the data has no other
        # kind), so a match means Arm.
        for row in self._arch_exceptions:
            if _matches(name, row.get("size_pattern", "")):
                return Architecture(
                    ARM64,
                    "exception row",
                    row.get("source", ""),
                    bool(row.get("uncertain")),
                    row.get("notes", ""),
                )
        if not _CONVENTIONAL.match(name):
            return None
        arch = ARM64 if _ARM_NAME.match(name) else X64
        return Architecture(arch, "naming rule", self._arm_rule.get("source", ""))


def retiring_family(size: str, lifecycle: Lifecycle) -> RetiringFamily | None:
    """The lifecycle row of the size's family, if Batch or the platform retires it.

    When several rows cover a size, a row with a Batch date wins over a platform date, and the
    earlier date over the later one.
    """
    name = normalise(size)
    found: list[RetiringFamily] = []
    for row in lifecycle.vm_families:
        for pattern in row.get("size_patterns", []):
            if _matches(name, pattern):
                batch = parse_date(row.get("retired_on"))
                date = batch or parse_date(row.get("platform_retired_on"))
                found.append(
                    RetiringFamily(
                        _row(row, pattern), date, batch is not None, row.get("successor")
                    )
                )
                break
    if not found:
        return None
    found.sort(key=lambda fam: (not fam.batch_date, fam.date is None, fam.date or dt.date.max))
    return found[0]


@lru_cache(maxsize=1)
def bundled() -> VmSizes:
    """The VM size facts that ship with batchlint, loaded on first use."""
    sizes = VmSizes(datafiles.load_json("vm-sizes.json"))
    log.debug("VM size facts compiled %s", sizes.compiled)
    return sizes


def _row(row: dict, pattern: str) -> SizeRow:
    return SizeRow(
        family=row.get("family", ""),
        pattern=pattern,
        source=row.get("source", ""),
        uncertain=bool(row.get("uncertain")),
        notes=" ".join(str(row.get("notes", "")).split()),
    )


@lru_cache(maxsize=65536)
def _matches(name: str, pattern: str) -> bool:
    # The data's globs are written for the casefolded full name, prefix included. Kept per
    # name and pattern: every pool is matched against every row, and a run has few sizes.
    # fnmatch compiles each new pattern to a regular expression, which for all the rows costs
    # more than the rest of a one-file run; the literal text before the first wildcard and
    # after the last one rule out most rows without that.
    glob = pattern.lower()
    if not glob:
        return False
    head = min((i for i in (glob.find(c) for c in "*?[") if i >= 0), default=len(glob))
    if not name.startswith(glob[:head]):
        return False
    tail = glob[max(glob.rfind(c) for c in "*?]") + 1 :] if head < len(glob) else ""
    if tail and not name.endswith(tail):
        return False
    return fnmatch.fnmatchcase(name, glob)


def _first(facts: list, name: str):
    for fact in facts:
        if _matches(name, fact.row.pattern):
            return fact
    return None
