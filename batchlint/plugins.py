"""The plugin host: finds ``batchlint`` entry points and registers them with pluggy.

Entry points are read straight from the ``*.dist-info/entry_points.txt`` files on ``sys.path``
rather than through ``importlib.metadata``, whose import alone costs more than a whole lint of
one file; the result is the same list for installed and editable distributions.
``BATCHLINT_LOAD_PLUGINS`` restricts outside plugins: a comma-separated list of entry point
names to load, or empty for none. Built-in plugins always load.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NamedTuple

import pluggy

from batchlint import hookspecs
from batchlint.log import get as get_logger

log = get_logger(__name__)

GROUP = "batchlint"
BUILTIN_DISTRIBUTION = "batchlint"


class EntryPoint(NamedTuple):
    name: str
    value: str
    distribution: str

    @property
    def builtin(self) -> bool:
        return _normalize(self.distribution) == BUILTIN_DISTRIBUTION


class PluginError(Exception):
    """An outside plugin could not be loaded."""


def _normalize(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def entry_points(group: str = GROUP) -> list[EntryPoint]:
    """The entry points of ``group`` in every distribution on ``sys.path``, first copy wins."""
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for dirname in sorted(names):
            if not dirname.endswith((".dist-info", ".egg-info")):
                continue
            dist = _normalize(dirname.rsplit(".", 1)[0].split("-", 1)[0])
            if dist in seen:
                continue
            seen.add(dist)
            path = os.path.join(entry or ".", dirname, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            found.extend(_parse_entry_points(text, group, dist))
    return found


def _parse_entry_points(text: str, group: str, dist: str) -> list[EntryPoint]:
    points = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section == group and "=" in line:
            name, value = line.split("=", 1)
            points.append(EntryPoint(name.strip(), value.strip(), dist))
    return points


def _load(point: EntryPoint):
    module_name, _, attr = point.value.partition(":")
    obj = importlib.import_module(module_name.strip())
    for part in filter(None, attr.strip().split(".")):
        obj = getattr(obj, part)
    return obj


class _Manager(pluggy.PluginManager):
    def parse_hookimpl_opts(self, plugin, name: str):
        # Every hook is named batchlint_*. Registering a module looks at each of its names,
        # and pluggy's look is a static attribute lookup: skipping the others first saves
        # most of the time that registering the built-in plugins takes.
        if not name.startswith("batchlint_"):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def plugin_manager() -> pluggy.PluginManager:
    """A plugin manager with every built-in plugin and the allowed outside ones registered."""
    manager = _Manager(GROUP)
    manager.add_hookspecs(hookspecs)
    allowed = os.environ.get("BATCHLINT_LOAD_PLUGINS")
    allow = None if allowed is None else {n.strip() for n in allowed.split(",") if n.strip()}
    for point in entry_points():
        if not point.builtin and allow is not None and point.name not in allow:
            log.debug("plugin %s not loaded (BATCHLINT_LOAD_PLUGINS)", point.name)
            continue
        try:
            plugin = _load(point)
        except Exception as exc:  # an outside plugin must not take the run down with a trace
            if point.builtin:
                raise
            raise PluginError(
                f"plugin {point.name!r} from {point.distribution} failed to load: {exc}"
            ) from exc
        if manager.is_registered(plugin):
            continue
        manager.register(plugin, name=f"{point.distribution}:{point.name}")
        log.debug("loaded plugin %s (%s)", point.name, point.value)
    return manager
