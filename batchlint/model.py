"""The plain data that crosses stages: locations, values, pools and findings.

Records are named tuples, or small classes with ``__slots__`` where they change: Python builds
a dataclass by compiling its methods from source at import, which a pre-commit run pays on
every commit, and named tuples take less memory per record in a large run.
"""

from __future__ import annotations

import enum
from typing import Any, NamedTuple


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so that ``>=`` compares levels."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Location(NamedTuple):
    """A place in a file: 1-based line and column."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Value(NamedTuple):
    """One field a rule reads: a literal with its place, or unknown with the reason.

    ``location`` is where the deciding literal is written (a parameter default, a tfvars line,
    the pool itself). When the value is unknown it is the place that could not be resolved.
    ``origin`` says in words where the literal came from, for messages.
    """

    value: Any = None
    location: Location | None = None
    origin: str = "literal"
    unresolved: str | None = None

    @property
    def known(self) -> bool:
        return self.unresolved is None

    @classmethod
    def unknown(cls, reason: str, location: Location | None, origin: str = "") -> Value:
        return cls(None, location, origin, reason)

    def text(self) -> str | None:
        """The value as a string, or None when it is unknown or not a scalar."""
        if not self.known or isinstance(self.value, (dict, list)) or self.value is None:
            return None
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        out: dict[str, Any] = {}
        if self.known:
            out["value"] = self.value
        else:
            out["unresolved"] = self.unresolved
        out["file"] = loc.file if loc else None
        out["line"] = loc.line if loc else None
        out["column"] = loc.column if loc else None
        out["origin"] = self.origin
        return out


def text_of(value: Value | None) -> str | None:
    """A field's text, or None when the field is absent, unknown or not a scalar."""
    return value.text() if value is not None else None


#: The values of a pool that decide the image and node agent pair, in report order.
PAIR_FIELDS = ("publisher", "offer", "sku", "version", "image_id", "node_agent_sku_id", "vm_size")


class Pool(NamedTuple):
    """One pool instance, as a deployment of the definition would create it.

    A loop of three pools gives three records. Every field a rule reads is a ``Value`` or None
    when the definition does not set it.
    """

    name: str | None
    format: str
    location: Location
    publisher: Value | None = None
    offer: Value | None = None
    sku: Value | None = None
    version: Value | None = None
    image_id: Value | None = None
    node_agent_sku_id: Value | None = None
    vm_size: Value | None = None
    region: Value | None = None
    containers: bool = False
    container_location: Location | None = None
    #: ``cloudServiceConfiguration`` (retired): its osFamily value, or a Value pointing at it.
    cloud_service: Value | None = None
    #: OS-specific settings present in the pool, by name, with where they are written:
    #: "windowsConfiguration", "linuxUserConfiguration", "windowsUserConfiguration".
    os_settings: tuple[tuple[str, Location], ...] = ()
    #: targetNodeCommunicationMode (Classic / Simplified / Default).
    node_communication_mode: Value | None = None
    #: targetLowPriorityNodes, or an autoscale formula that sets $TargetLowPriorityNodes.
    low_priority_nodes: Value | None = None
    #: Where pool certificate references are written (retired feature).
    certificate_references: Location | None = None
    #: VM extensions on the pool: the extension ``type`` values (e.g. NvidiaGpuDriverLinux).
    extensions: tuple[Value, ...] = ()
    #: A deployment condition on the pool (Bicep ``if``, ARM ``condition``), as written.
    condition: str | None = None
    #: The calling lines that led here (module calls), outermost first.
    via: tuple[Location, ...] = ()

    def values(self) -> dict[str, Value | None]:
        return {name: getattr(self, name) for name in PAIR_FIELDS}

    @property
    def label(self) -> str:
        return self.name or f"pool at {self.location}"

    def place(self) -> PoolPlace:
        return PoolPlace(self.label, self.location, self.via)


class PoolPlace(NamedTuple):
    """What a run keeps of a pool once its rules have run: its name and where it is defined.

    Reports count pools and tie findings and suppressions to them by these three fields; the
    values (a few kilobytes a pool with their places) are kept only for a report that prints
    them, so that a run over many files does not hold them all.
    """

    label: str
    location: Location
    via: tuple[Location, ...] = ()


class Finding(NamedTuple):
    """A problem a rule found, at a position, with a message and where possible a fix."""

    rule_id: str
    rule_name: str
    severity: Severity
    location: Location
    message: str
    pool: str | None = None
    fix: str | None = None
    #: Facts the decision rests on (catalog entry, lifecycle row, source URL), for reports.
    evidence: tuple[str, ...] = ()
    #: The values the finding is about, for a fingerprint that survives edits above the pool.
    subject: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    note: str | None = None

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule_id, self.message)

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        out = {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": str(self.severity),
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "pool": self.pool,
            "message": self.message,
            "fix": self.fix,
        }
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.note:
            out["note"] = self.note
        return out


class Diagnostic(NamedTuple):
    """Something a reader found that is not a pool: a parse error, a missing module."""

    kind: str  # "parse-error", "module-not-found", "file-skipped"
    location: Location
    message: str
    detail: str | None = None


class ReadResult:
    """What a reader gives back for one file.

    ``depends_on`` lists the other files the result depends on (parameter files, modules), for
    hooks and caching.
    """

    __slots__ = ("pools", "diagnostics", "depends_on")

    def __init__(
        self,
        pools: list[Pool] | None = None,
        diagnostics: list[Diagnostic] | None = None,
        depends_on: list[str] | None = None,
    ) -> None:
        self.pools = pools if pools is not None else []
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.depends_on = depends_on if depends_on is not None else []

    def __repr__(self) -> str:
        return f"ReadResult(pools={self.pools!r}, diagnostics={self.diagnostics!r})"
