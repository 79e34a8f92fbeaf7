"""Configuration files: found from the current folder upwards, read with positions, validated.

The file is ``.batchlint.yaml`` (or ``.yml``), or the ``[tool.batchlint]`` table of
``pyproject.toml``, whichever is met first walking upwards. It is checked against
``schemas/config.schema.json``, and every mistake is reported with the file and line of the key,
because a setting that is silently ignored is worse than none. jsonschema is imported only
when a file is there to check.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import NamedTuple

from batchlint.log import get as get_logger
from batchlint.options import UsageError

log = get_logger(__name__)

YAML_NAMES = (".batchlint.yaml", ".batchlint.yml")
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "batchlint")
#: A guard for alias-heavy YAML: a configuration has a few dozen values, not thousands.
MAX_VALUES = 20_000

# Patterns are kept as text and compiled on first use (``re`` caches them): a run without a
# configuration file should not pay for compiling them.
# A header left unclosed at the end of its line counts too, so that the file's TOML error is
# reported instead of the table being passed over.
_TOML_TABLE = r'(?m)^\s*\[\[?\s*tool\s*\.\s*("batchlint"|batchlint)(\s*[\].]|[ \t]*$)'


class ConfigFile(NamedTuple):
    """A loaded configuration: its settings as plain data and the line of every key."""

    path: str
    display: str
    data: dict
    #: Line of each key path, e.g. ("rules", "image-unverified") or ("suppressions", 0).
    lines: dict = {}  # never changed in place
    #: Line where the settings start (the ``[tool.batchlint]`` header; 1 for YAML).
    first_line: int = 1

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)

    def line_of(self, keys) -> int:
        """The line of a key path, or of its nearest enclosing key that has one."""
        keys = tuple(keys)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.first_line

    def error(self, keys, message: str) -> UsageError:
        return UsageError(f"{self.display}:{self.line_of(keys)}: {message}")


# -- finding and loading -----------------------------------------------------------------


def find(start: str) -> str | None:
    """The configuration file that applies in ``start``: the nearest one upwards, or None."""
    folder = os.path.abspath(start)
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(folder, PYPROJECT)
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return re.search(_TOML_TABLE, handle.read()) is not None
    except OSError:
        return False


def load(path: str) -> ConfigFile:
    """Read and validate a configuration file; ``UsageError`` names what is wrong and where."""
    display = display_path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read configuration file {display}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{display}: configuration file is not UTF-8 text") from None

    if path.lower().endswith(".toml"):
        config = _load_toml(text, os.path.abspath(path), display)
    else:
        config = _load_yaml(text, os.path.abspath(path), display)
    validate(config)
    log.info("configuration: %s", display)
    return config


def display_path(path: str) -> str:
    """A path as messages show it: relative to the working folder when below it."""
    rel = os.path.relpath(os.path.abspath(path))
    return path if rel.startswith("..") else rel


def _load_yaml(text: str, path: str, display: str) -> ConfigFile:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise UsageError(f"{display}:{line}: {problem}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{display}: invalid YAML: {exc}") from None
    if root is None:
        return ConfigFile(path, display, {})
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1
        raise UsageError(f"{display}:{line}: the configuration must be a mapping of keys")
    lines: dict = {}
    budget = [MAX_VALUES]
    data = _yaml_value(root, (), lines, budget, display)
    return ConfigFile(path, display, data, lines)


def _yaml_value(node, keys: tuple, lines: dict, budget: list[int], display: str):
    import yaml

    budget[0] -= 1
    line = node.start_mark.line + 1
    if budget[0] < 0:
        raise UsageError(f"{display}:{line}: more than {MAX_VALUES} values (aliases repeated?)")
    if len(keys) > 64:
        raise UsageError(f"{display}:{line}: configuration nested too deeply")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in out:
                raise UsageError(f"{display}:{line}: key {key!r} is given twice")
            lines[keys + (key,)] = line
            out[key] = _yaml_value(value_node, keys + (key,), lines, budget, display)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[keys + (index,)] = item.start_mark.line + 1
            items.append(_yaml_value(item, keys + (index,), lines, budget, display))
        return items
    return _yaml_scalar(node)


def _yaml_scalar(node):
    import yaml

    # Dates stay text (the schema checks them); only the plain YAML 1.1 scalars are converted.
    constructor = yaml.constructor.SafeConstructor()
    builders = {
        "tag:yaml.org,2002:int": constructor.construct_yaml_int,
        "tag:yaml.org,2002:float": constructor.construct_yaml_float,
        "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
        "tag:yaml.org,2002:null": constructor.construct_yaml_null,
    }
    build = builders.get(node.tag)
    if build is not None:
        try:
            return build(node)
        except (ValueError, yaml.YAMLError):
            pass
    return node.value


def _load_toml(text: str, path: str, display: str) -> ConfigFile:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = match.group(1) if match else "1"
        raise UsageError(f"{display}:{line}: invalid TOML: {exc}") from None
    lines = _toml_lines(text)
    table = document.get("tool", {}).get("batchlint")
    prefix: tuple = TABLE
    if table is None:
        if os.path.basename(path) == PYPROJECT:
            raise UsageError(f"{display}: has no [tool.batchlint] table")
        table, prefix = document, ()
    if not isinstance(table, dict):
        raise UsageError(f"{display}:{lines.get(TABLE, 1)}: tool.batchlint must be a table")
    own = {
        keys[len(prefix) :]: line for keys, line in lines.items() if keys[: len(prefix)] == prefix
    }
    first = own.pop((), 1)
    return ConfigFile(path, display, _plain(table), own, first)


def _plain(value):
    """TOML values as the schema sees them: dates and times become ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


_TOML_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_TOML_HEADER = rf"^\s*(\[\[?)\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*\]\]?"
_TOML_ASSIGN = rf"^\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*="
_TOML_PART = r"""[A-Za-z0-9_-]+|"((?:[^"\\]|\\.)*)"|'([^']*)'"""


def _toml_lines(text: str) -> dict:
    """The line of each table header and key, by key path, found by scanning the text.

    ``tomllib`` gives no positions. Keys inside inline tables and values inside arrays are not
    located; their errors point at the line of the enclosing key.
    """
    lines: dict = {}
    table: tuple = ()
    counts: dict = {}
    in_string = None
    for number, raw in enumerate(text.splitlines(), 1):
        if in_string:
            if raw.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = re.match(_TOML_HEADER, raw)
        if header:
            keys = _toml_parts(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(keys, 0)
                counts[keys] = index + 1
                lines.setdefault(keys, number)
                keys = keys + (index,)
            table = keys
            lines.setdefault(keys, number)
            continue
        assign = re.match(_TOML_ASSIGN, raw)
        if assign:
            keys = table + _toml_parts(assign.group(1))
            for depth in range(len(table) + 1, len(keys) + 1):
                lines.setdefault(keys[:depth], number)
        for quote in ('"""', "'''"):
            if raw.count(quote) % 2 == 1:
                in_string = quote
    return lines


def _toml_parts(dotted: str) -> tuple:
    parts = []
    for match in re.finditer(_TOML_PART, dotted):
        if match.group(1) is not None:
            parts.append(match.group(1))
        elif match.group(2) is not None:
            parts.append(match.group(2))
        else:
            parts.append(match.group(0))
    return tuple(parts)


# -- validation ----------------------------------------------------------------------------


def schema() -> dict:
    import json

    folder = os.path.join(os.path.dirname(__file__), "schemas")
    with open(os.path.join(folder, "config.schema.json"), encoding="utf-8") as handle:
        return json.load(handle)


def validate(config: ConfigFile) -> None:
    """Raise ``UsageError`` for the first mistake in ``config``, by position in the file."""
    import jsonschema

    root = schema()
    validator = jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = list(validator.iter_errors(config.data))
    if not errors:
        _check_catalog(config)
        return
    errors.sort(key=lambda e: (config.line_of(_error_keys(e)), len(e.absolute_path)))
    first = errors[0]
    message = _describe(first)
    more = len(errors) - 1
    if more:
        message += f" (and {more} more {'mistake' if more == 1 else 'mistakes'})"
    raise config.error(_error_keys(first), message)


def _error_keys(error) -> tuple:
    keys = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = _unexpected(error)
        if extra:
            return keys + (extra[0],)
    return keys


def _unexpected(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return sorted(k for k in error.instance if k not in allowed)


def _describe(error) -> str:
    where = _dotted(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties":
        extra = _unexpected(error)
        known = ", ".join(sorted(error.schema.get("properties", {})))
        return f"unknown key {extra[0]!r} in {where} (known keys: {known})"
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return f"{where}: {error.instance!r} is not one of {choices}"
    if kind == "type" and isinstance(error.validator_value, list) and "description" in error.schema:
        return f"{where}: expected {error.schema['description']}, found {_kind(error.instance)}"
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"{where}: expected {_article(wanted)}, found {_kind(error.instance)}"
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"{where}: {missing[0]!r} is required"
    if kind in ("pattern", "format"):
        described = error.schema.get("description") or f"text matching {error.schema['pattern']}"
        return f"{where}: {error.instance!r} is not {described}"
    if kind == "minLength":
        return f"{where}: must not be empty"
    if kind == "minimum":
        return f"{where}: must be {error.validator_value} or more"
    return f"{where}: {error.message}"


def _dotted(keys) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "the configuration"


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _check_catalog(config: ConfigFile) -> None:
    catalog = config.data.get("catalog") or {}
    if catalog.get("source") == "snapshot" and not catalog.get("snapshot"):
        raise config.error(("catalog", "source"), "catalog.source is snapshot but no snapshot")
    if catalog.get("source") == "live" and not catalog.get("endpoint"):
        raise config.error(("catalog", "source"), "catalog.source is live but no endpoint")
