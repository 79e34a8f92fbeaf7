"""Assembling a run from plugins: readers, rules, catalog and reporters."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from batchlint.log import get as get_logger
from batchlint.model import Severity
from batchlint.plugins import plugin_manager
from batchlint.rule import Rule

log = get_logger(__name__)


def _flatten(results) -> list:
    out = []
    for result in results:
        if result:
            out.extend(result)
    return out


class Plugins:
    """Everything the installed plugins provide, collected once."""

    def __init__(self, manager=None) -> None:
        self.manager = manager if manager is not None else plugin_manager()

    @cached_property
    def readers(self) -> list:
        return _flatten(self.manager.hook.batchlint_readers())

    @cached_property
    def rule_classes(self) -> list[type[Rule]]:
        classes = _flatten(self.manager.hook.batchlint_rules())
        return sorted(classes, key=lambda cls: cls.id)

    @cached_property
    def catalog_sources(self) -> dict:
        return {src.name: src for src in _flatten(self.manager.hook.batchlint_catalog_sources())}

    @cached_property
    def reporters(self) -> dict:
        return {cls.name: cls for cls in _flatten(self.manager.hook.batchlint_reporters())}

    def rule(self, key: str) -> type[Rule] | None:
        for cls in self.rule_classes:
            if key in (cls.id, cls.name) or key.lower() in (cls.id.lower(), cls.name.lower()):
                return cls
        return None


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def parse_severity_map(mapping: dict) -> dict[str, Severity]:
    return {name: Severity.parse(level) for name, level in mapping.items()}
