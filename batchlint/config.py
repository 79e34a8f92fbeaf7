"""Configuration: defaults, then the configuration file, then the command line.

``batchlint.configfile`` finds, reads and checks the file; this module turns its keys into
``LintOptions`` fields. Paths in the file are relative to the file's folder; the command line
wins over the file.
"""

from __future__ import annotations

import os
import re

from batchlint.configfile import ConfigFile, display_path, find, load
from batchlint.options import MAX_SIZE, LintOptions, UsageError

_SIZE = r"(?i)^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)b?\s*$"


def check_rule_names(config: ConfigFile, known: dict[str, str]) -> None:
    """Raise ``UsageError`` for a rule the configuration names that no plugin provides.

    ``known`` maps lower-case rule ids and names to rule names.
    """
    for key in config.data.get("rules") or {}:
        if key.lower() not in known:
            raise config.error(("rules", key), f"unknown rule {key!r} (see: batchlint rules)")
    for index, entry in enumerate(config.data.get("suppressions") or []):
        for name in _as_list(entry.get("rule")):
            if name.lower() != "all" and name.lower() not in known:
                raise config.error(
                    ("suppressions", index, "rule"),
                    f"unknown rule {name!r} in suppressions (see: batchlint rules)",
                )


def known_rules() -> dict[str, str]:
    """Lower-case id and name of every installed rule -> the rule's name."""
    from batchlint.app import Plugins

    out: dict[str, str] = {}
    for cls in Plugins().rule_classes:
        out[cls.id.lower()] = cls.name
        out[cls.name.lower()] = cls.name
    return out


# -- from the file to options ------------------------------------------------------------


def settings(config: ConfigFile, known: dict[str, str]) -> dict:
    """The ``LintOptions`` fields the configuration sets, with paths made usable from here."""
    data = config.data
    out: dict = {}
    simple = {
        "fail-on": "fail_on",
        "eol-warning-days": "eol_warning_days",
        "report-unused-suppressions": "report_unused_suppressions",
    }
    for key, name in simple.items():
        if key in data:
            out[name] = data[key]
    if "max-file-size" in data:
        out["max_file_size"] = _size(data["max-file-size"])
    if "exclude" in data:
        out["exclude"] = [_pattern(config.folder, p) for p in _as_list(data["exclude"])]
    if "parameters" in data:
        out["parameter_files"] = [_path(config.folder, p) for p in _as_list(data["parameters"])]
    if "var-files" in data:
        out["var_files"] = [_path(config.folder, p) for p in _as_list(data["var-files"])]
    if "vars" in data:
        out["variables"] = {k: _text(v) for k, v in data["vars"].items()}
    if "baseline" in data:
        out["baseline"] = _path(config.folder, data["baseline"])
    if "rules" in data:
        out["rules"] = _rules(data["rules"], known)
    if "suppressions" in data:
        out["suppressions"] = _suppressions(config, known)
    out.update(_catalog(config))
    return out


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _size(value) -> int:
    if isinstance(value, int):
        return min(value, MAX_SIZE)
    match = re.match(_SIZE, value)
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2).lower()]
    return min(int(float(match.group(1)) * factor), MAX_SIZE)


def _path(folder: str, path: str) -> str:
    full = os.path.normpath(os.path.join(folder, os.path.expanduser(path)))
    return display_path(full)


def _pattern(folder: str, pattern: str) -> str:
    """An exclude pattern as discovery matches it: paths as the run names them.

    A pattern without a slash matches a file or folder name anywhere, and one that starts with
    a wildcard is left as written; other patterns are relative to the configuration's folder.
    """
    if "/" not in pattern.rstrip("/") or pattern.startswith(("*", "?", "[")):
        return pattern
    anchored = os.path.relpath(os.path.join(folder, pattern))
    return anchored.replace(os.sep, "/")


def _rules(rules: dict, known: dict[str, str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, setting in rules.items():
        name = known.get(key.lower(), key)
        if setting == "off" or setting is False:
            entry = {"enabled": False}
        elif setting == "on" or setting is True:
            entry = {"enabled": True}
        elif isinstance(setting, str):
            entry = {"enabled": True, "severity": setting}
        else:
            entry = dict(setting)
        out.setdefault(name, {}).update(entry)
    return out


def _suppressions(config: ConfigFile, known: dict[str, str]) -> list[dict]:
    out = []
    for index, entry in enumerate(config.data["suppressions"]):
        rules = [known.get(r.lower(), "all") for r in _as_list(entry["rule"])]
        out.append(
            {
                "rules": rules,
                "paths": _as_list(entry.get("paths")),
                "base": config.folder,
                "reason": entry["reason"].strip(),
                "until": entry.get("until"),
                "file": config.display,
                "line": config.line_of(("suppressions", index)),
            }
        )
    return out


def _catalog(config: ConfigFile) -> dict:
    catalog = config.data.get("catalog") or {}
    out: dict = {}
    if "snapshot" in catalog:
        out["images"] = _path(config.folder, catalog["snapshot"])
    source = catalog.get("source")
    if source == "live":
        out["live"] = True
    elif source == "bundled":
        out["images"] = None
    if "endpoint" in catalog:
        out["endpoint"] = catalog["endpoint"]
    if "fallback" in catalog:
        out["fallback"] = catalog["fallback"]
    if "regions" in catalog:
        out["region_snapshots"] = {
            region: _path(config.folder, file) for region, file in catalog["regions"].items()
        }
    if "max-age-days" in catalog:
        out["snapshot_max_age_days"] = catalog["max-age-days"]
    if "cache-ttl-hours" in catalog:
        out["cache_ttl_hours"] = float(catalog["cache-ttl-hours"])
    return out


# -- the entry point ---------------------------------------------------------------------


def apply(opts: LintOptions, explicit: dict, *, no_config: bool = False) -> None:
    """Fill ``opts`` from the configuration file (unless ``no_config``) and ``explicit``.

    ``explicit`` holds the options given on the command line; they win over the file.
    """
    named = explicit.get("config_file")
    if named and no_config:
        raise UsageError("--config and --no-config cannot be used together")
    path = None
    if named:
        if not os.path.isfile(named):
            what = "not a regular file" if os.path.exists(named) else "no such file"
            raise UsageError(f"--config {named}: {what}")
        path = named
    elif not no_config:
        path = find(os.getcwd())

    if path is not None:
        config = load(path)
        known = known_rules() if ("rules" in config.data or "suppressions" in config.data) else {}
        check_rule_names(config, known)
        opts.config_file = config.display
        for name, value in settings(config, known).items():
            setattr(opts, name, value)
            opts.sources[name] = config.display
        if "images" in opts.sources:
            # A snapshot that cannot be read is reported where the file names it.
            opts.sources["images"] = f"{config.display}:{config.line_of(('catalog', 'snapshot'))}"

    for name, value in explicit.items():
        setattr(opts, name, value)
        opts.sources[name] = "command line"
    # A snapshot named on the command line replaces a live source set in the file.
    if "images" in explicit and "live" not in explicit:
        opts.live = False
