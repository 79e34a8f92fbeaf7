"""The base class of rules and what a rule is given.

A rule is a small class: its id, name, default severity and one-line summary sit at the top,
then ``check``. A rule sees pool records and the catalog, never a file. Rules that report on
reader diagnostics (parse errors, missing modules) name the diagnostic kind they take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from batchlint.model import Diagnostic, Finding, Location, Pool, Severity, Value, text_of

if TYPE_CHECKING:
    from batchlint.catalog import Catalog


class RuleContext:
    """What every rule may use: the catalog, the evaluation date and the options."""

    __slots__ = ("catalog", "as_of", "eol_warning_days", "options", "_regions")

    def __init__(
        self,
        catalog: Catalog,
        as_of: dt.date,
        eol_warning_days: int = 180,
        options: dict | None = None,
    ) -> None:
        self.catalog = catalog
        self.as_of = as_of
        self.eol_warning_days = eol_warning_days
        self.options = options if options is not None else {}
        self._regions: dict[str, Catalog] = {}

    def catalog_for(self, pool: Pool) -> Catalog:
        """The catalog that applies to ``pool`` (a region's snapshot when one is configured).

        ``options["region_snapshots"]`` maps locations to snapshot files; a pool whose
        ``region`` is a known literal that matches one (ignoring case and spaces, so
        "East US 2" is "eastus2") is checked against that snapshot. A live list of the same
        region is fresher than any snapshot and stays in use.
        """
        path = self.region_snapshot(pool)
        if path is None:
            return self.catalog
        if path not in self._regions:
            from batchlint.catalog.snapshot import load_file

            self._regions[path] = load_file(path)
        return self._regions[path]

    def region_snapshot(self, pool: Pool) -> str | None:
        """The snapshot file configured for the pool's region, if any."""
        mapping = self.options.get("region_snapshots") or {}
        region = text_of(pool.region)
        if not mapping or not region:
            return None
        key = region_key(region)
        info = self.catalog.info
        if info.kind == "live" and info.region and region_key(info.region) == key:
            return None
        for name, path in mapping.items():
            if region_key(name) == key:
                return path
        return None

    def region_catalogs(self) -> dict[str, Catalog]:
        """Every configured region's catalog by location, each snapshot loaded once."""
        from batchlint.catalog.snapshot import load_file

        out = {}
        for name, path in (self.options.get("region_snapshots") or {}).items():
            if path not in self._regions:
                self._regions[path] = load_file(path)
            out[name] = self._regions[path]
        return out

    def rule_options(self, rule_name: str) -> dict:
        return self.options.get("rules", {}).get(rule_name, {}) or {}


class Rule:
    """One check. Subclasses set the class attributes and implement ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    #: Links to the Azure Batch documentation behind the rule.
    links: ClassVar[tuple[str, ...]] = ()
    #: Reader diagnostic kinds this rule reports (``check_diagnostic``), if any.
    diagnostic_kinds: ClassVar[tuple[str, ...]] = ()

    def check(self, pool: Pool, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    def check_diagnostic(self, diagnostic: Diagnostic, ctx: RuleContext) -> Iterable[Finding]:
        yield self.finding(diagnostic.location, diagnostic.message)

    def finding(
        self,
        location: Location,
        message: str,
        *,
        pool: Pool | None = None,
        fix: str | None = None,
        severity: Severity | None = None,
        evidence: Iterable[str] = (),
        subject: Iterable[str] = (),
        related: Iterable[Location] = (),
        note: str | None = None,
    ) -> Finding:
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=severity or self.severity,
            location=location,
            message=message,
            pool=pool.label if pool else None,
            fix=fix,
            evidence=tuple(evidence),
            subject=tuple(subject),
            related=tuple(related) + (pool.via if pool else ()),
            note=note,
        )


def region_key(location: str) -> str:
    """A location as compared: "East US 2", "eastus2" and "EastUS2" are the same."""
    return "".join(location.split()).lower()


def where(pool: Pool, *values: Value | None) -> Location:
    """The place of the first value that has one, else the pool's definition."""
    for value in values:
        if value is not None and value.location is not None:
            return value.location
    return pool.location


def shown(value: Value | None) -> str:
    """A value for a message: quoted, with its origin when it did not come from the pool."""
    if value is None:
        return "(not set)"
    if not value.known:
        return f"(unknown: {value.unresolved})"
    text = f"'{value.text()}'"
    if value.origin and value.origin != "literal":
        text += f" ({value.origin})"
    return text


def iter_rules(classes: Iterable[type[Rule]]) -> Iterator[Rule]:
    for cls in classes:
        yield cls()
