"""Suppressions: inline comments, JSON metadata and the configuration's list, matched to findings.

Inline, in every format with comments::

    batchlint-disable-next-line RULE[,RULE] -- reason [until=YYYY-MM-DD]
    batchlint-disable-file RULE[,RULE] -- reason [until=YYYY-MM-DD]

The next-line form covers findings on the next line that is not only a comment; when that line
opens a pool (or calls the module that makes it), it covers every finding of the pool, wherever
the finding points (a parameter default, a parameters file). Plain JSON has no comments, so an
ARM resource or pool spec carries ``"metadata": {"batchlint": {"disable": [...], "reason": ...,
"until": ...}}`` instead. A suppression without a reason, or naming an unknown rule, suppresses
nothing and is reported; one past its ``until`` date suppresses nothing and says so on the
finding.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from collections.abc import Iterable
from typing import NamedTuple

from batchlint.discover import path_key
from batchlint.log import get as get_logger
from batchlint.model import Finding, Location, Pool

log = get_logger(__name__)

MARK = "batchlint-disable"
ALL = "all"

# Compiled on first use (``re`` caches them); most runs have no directive at all.
_DIRECTIVE = r"(?s)^[\s*]*batchlint-(?P<kind>disable[\w-]*)(?P<rest>.*)$"
_UNTIL = r"(?<!\S)until=(?P<date>\S*)"
_KINDS = {"disable-next-line": "next-line", "disable-file": "file"}
_METADATA_KEYS = {"disable", "reason", "until"}


class Invalid(NamedTuple):
    """A suppression that cannot be used, and why."""

    location: Location
    message: str


class Suppression(NamedTuple):
    """One suppression: the rules it names, why, until when, and what it covers.

    ``scope`` is "next-line" (``line`` in ``file``), "file", "pool" (the pool defined at
    ``line`` of ``file``, from JSON metadata) or "config" (``patterns`` under ``base``).
    """

    rules: tuple[str, ...]
    reason: str
    until: dt.date | None
    location: Location
    scope: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    patterns: tuple[str, ...] = ()
    base: str | None = None

    def names(self, rule_name: str) -> bool:
        return ALL in self.rules or rule_name in self.rules

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until

    def describe(self) -> str:
        rules = ", ".join(self.rules)
        if self.scope == "config":
            return f"the configured suppression of {rules}"
        return f"the suppression of {rules}"


class Outcome:
    """Findings split by the suppressions, with the suppressions that matched nothing."""

    __slots__ = ("kept", "hidden", "unused")

    def __init__(self) -> None:
        self.kept: list[Finding] = []
        self.hidden: list[Finding] = []
        self.unused: list[Suppression] = []


# -- reading suppressions --------------------------------------------------------------------


def parse_directive(
    text: str, location: Location, known: dict[str, str]
) -> tuple[str, tuple[str, ...], str, dt.date | None] | Invalid | None:
    """The directive in a comment's text: (scope, rules, reason, until), ``Invalid``, or None.

    A directive must open the comment, so a comment that only mentions one is not taken for it.
    """
    match = re.match(_DIRECTIVE, text)
    if match is None:
        return None
    kind = _KINDS.get(match.group("kind"))
    if kind is None:
        return Invalid(
            location,
            f"unknown directive batchlint-{match.group('kind')} "
            "(use batchlint-disable-next-line or batchlint-disable-file)",
        )
    rest = " ".join(match.group("rest").split())
    until_text = None
    found = re.search(_UNTIL, rest)
    if found:
        until_text = found.group("date")
        rest = (rest[: found.start()] + rest[found.end() :]).strip()
    rules_text, dashes, reason = rest.partition("--")
    return _checked(
        location,
        kind,
        [r for r in re.split(r"[\s,]+", rules_text) if r],
        reason.strip(),
        until_text,
        dashes != "",
        known,
    )


def _checked(location, scope, rules, reason, until_text, has_reason, known):
    if not rules:
        return Invalid(location, "the suppression names no rule")
    names = []
    for rule in rules:
        if rule.lower() == ALL:
            names.append(ALL)
        elif rule.lower() in known:
            names.append(known[rule.lower()])
        else:
            return Invalid(location, f"the suppression names an unknown rule {rule!r}")
    if not has_reason or not reason:
        return Invalid(location, "the suppression gives no reason (add: -- why it is safe)")
    until = None
    if until_text is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until_text):
                raise ValueError(until_text)
            until = dt.date.fromisoformat(until_text)
        except ValueError:
            return Invalid(location, f"until={until_text} is not a date (use YYYY-MM-DD)")
    return scope, tuple(dict.fromkeys(names)), reason, until


def from_comments(
    path: str, text: str, known: dict[str, str]
) -> tuple[list[Suppression], list[Invalid]]:
    """The inline suppressions of one file's text."""
    found: list[Suppression] = []
    invalid: list[Invalid] = []
    if MARK not in text:
        return found, invalid
    from batchlint import comments

    scan = comments.scan(text, path)
    if scan is None:
        return found, invalid
    key = path_key(path)
    for comment in scan.comments:
        location = Location(path, comment.line, comment.column)
        parsed = parse_directive(comment.text, location, known)
        if parsed is None:
            continue
        if isinstance(parsed, Invalid):
            invalid.append(parsed)
            continue
        scope, rules, reason, until = parsed
        line = scan.next_code_line(comment.end_line) if scope == "next-line" else None
        found.append(Suppression(rules, reason, until, location, scope, key, line))
    return found, invalid


def from_metadata(
    path: str, text: str, pools: Iterable[Pool], known: dict[str, str]
) -> tuple[list[Suppression], list[Invalid]]:
    """Suppressions in the ``metadata`` of the JSON objects that define ``pools``."""
    from batchlint import jsonpos
    from batchlint.reader import ParseError

    found: list[Suppression] = []
    invalid: list[Invalid] = []
    try:
        root, _ = jsonpos.parse(text, path)
    except ParseError:
        return found, invalid
    objects = _objects_by_place(root)
    for pool in pools:
        node = objects.get((pool.location.line, pool.location.column))
        entry = _metadata_entry(node)
        if entry is None:
            continue
        parsed = _from_entry(entry, known)
        if isinstance(parsed, Invalid):
            invalid.append(parsed)
            continue
        rules, reason, until, location = parsed
        found.append(
            Suppression(
                rules,
                reason,
                until,
                location,
                "pool",
                path_key(path),
                pool.location.line,
                pool.location.column,
            )
        )
    return found, invalid


def _objects_by_place(root) -> dict:
    from batchlint.values import Lit

    out = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, Lit):
            continue
        if isinstance(node.value, dict):
            if node.loc is not None:
                out[(node.loc.line, node.loc.column)] = node
            stack.extend(node.value.values())
        elif isinstance(node.value, list):
            stack.extend(node.value)
    return out


def _metadata_entry(node):
    """The ``batchlint`` entry of an object's metadata, in the ARM or the Batch spelling.

    ARM resources take a ``metadata`` object; a Batch pool spec's ``metadata`` is a list of
    name/value pairs whose values are strings, so there the value is JSON text.
    """
    import json

    from batchlint.values import Lit, get, is_list, is_obj

    metadata = get(node, "metadata")
    if is_obj(metadata):
        return get(metadata, "batchlint")
    if not is_list(metadata):
        return None
    for item in metadata.value:
        name = get(item, "name")
        if isinstance(name, Lit) and str(name.value).lower() == "batchlint":
            value = get(item, "value")
            if isinstance(value, Lit) and isinstance(value.value, str):
                try:
                    return _lit_tree(json.loads(value.value), value.loc)
                except ValueError:
                    return Lit("not JSON", value.loc)
            return value
    return None


def _lit_tree(data, loc):
    from batchlint.values import Lit

    if isinstance(data, dict):
        return Lit({k: _lit_tree(v, loc) for k, v in data.items()}, loc)
    if isinstance(data, list):
        return Lit([_lit_tree(v, loc) for v in data], loc)
    return Lit(data, loc)


def _from_entry(entry, known):
    from batchlint.values import is_obj, plain

    location = entry.loc  # parsed by jsonpos, so every node has its place
    if not is_obj(entry):
        return Invalid(location, 'metadata "batchlint" must be an object with disable and reason')
    unknown = sorted(set(entry.value) - _METADATA_KEYS)
    if unknown:
        return Invalid(location, f'unknown key {unknown[0]!r} in metadata "batchlint"')
    data = plain(entry)
    disable = data.get("disable")
    rules = [disable] if isinstance(disable, str) else disable
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        return Invalid(location, 'metadata "batchlint" needs "disable": a rule or a list of rules')
    reason = data.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    until = data.get("until")
    checked = _checked(
        location, "pool", rules, reason, None if until is None else str(until), bool(reason), known
    )
    if isinstance(checked, Invalid):
        return checked
    _, names, reason, until_date = checked
    return names, reason, until_date, location


def from_config(entries: Iterable[dict]) -> list[Suppression]:
    """The central suppressions that ``batchlint.config`` put in the options."""
    out = []
    for entry in entries:
        until = entry.get("until")
        out.append(
            Suppression(
                tuple(entry["rules"]),
                entry["reason"],
                dt.date.fromisoformat(until) if until else None,
                Location(entry["file"], entry["line"]),
                "config",
                patterns=tuple(entry.get("paths") or ()),
                base=entry["base"],
            )
        )
    return out


# -- matching --------------------------------------------------------------------------------


class Pools:
    """Finds the pool a finding belongs to, by the pool's label and the places involved."""

    def __init__(self, pools: Iterable[Pool]) -> None:
        self.by_label: dict[str, list[Pool]] = {}
        # Pools by label and file, and by label and calling place, so that a finding is not
        # compared with every pool of the run that has the same name (runs over thousands of
        # files repeat names such as "pool-main" thousands of times).
        self._near: dict[tuple[str, object], list[tuple[int, Pool]]] = {}
        for index, pool in enumerate(pools):
            self.by_label.setdefault(pool.label, []).append(pool)
            keys = {path_key(pool.location.file)} | {_place(via) for via in pool.via}
            for key in keys:
                self._near.setdefault((pool.label, key), []).append((index, pool))

    def of(self, finding: Finding) -> Pool | None:
        label = finding.pool or ""
        candidates = self.by_label.get(label, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        places = {_place(finding.location)} | {_place(loc) for loc in finding.related}
        files = {p[0] for p in places}
        found: dict[int, Pool] = {}
        for key in places | files:
            for index, pool in self._near.get((label, key), ()):
                found[index] = pool
        close = [found[index] for index in sorted(found)]
        definitions = {_place(pool.location) for pool in close}
        # Loop instances share one definition, so any of them stands for the others.
        return close[0] if len(definitions) == 1 else None


def _place(location: Location) -> tuple[str, int]:
    return path_key(location.file), location.line


def covers(suppression: Suppression, finding: Finding, pool: Pool | None) -> bool:
    """Whether ``suppression`` applies to ``finding`` (of ``pool``, when known)."""
    if not suppression.names(finding.rule_name):
        return False
    scope = suppression.scope
    if scope == "config":
        return _config_covers(suppression, finding, pool)
    if scope == "pool":
        return pool is not None and (
            path_key(pool.location.file),
            pool.location.line,
            pool.location.column,
        ) == (suppression.file, suppression.line, suppression.column)
    places = [finding.location, *finding.related]
    pool_places = [pool.location, *pool.via] if pool is not None else []
    if scope == "file":
        return any(path_key(p.file) == suppression.file for p in places + pool_places)
    target = (suppression.file, suppression.line)
    return any(_place(p) == target for p in places + pool_places)


def _config_covers(suppression: Suppression, finding: Finding, pool: Pool | None) -> bool:
    if not suppression.patterns:
        return True
    files = [finding.location.file] + ([pool.location.file] if pool is not None else [])
    return any(matches_path(f, suppression.patterns, suppression.base or ".") for f in files)


def matches_path(path: str, patterns: Iterable[str], base: str) -> bool:
    """Whether ``path`` matches one of ``patterns``, which are relative to ``base``."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base)).replace(os.sep, "/")
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        pat = pattern.replace("\\", "/").removeprefix("./")
        if fnmatch.fnmatchcase(rel, pat) or rel.startswith(pat.rstrip("/") + "/"):
            return True
        if pat.startswith("**/") and fnmatch.fnmatchcase(rel, pat[3:]):
            return True
        if "/" not in pat and fnmatch.fnmatchcase(name, pat):
            return True
    return False


def apply(
    findings: Iterable[Finding],
    suppressions: list[Suppression],
    pools: Iterable[Pool],
    today: dt.date,
    *,
    owners: list[Pool | None] | None = None,
) -> Outcome:
    """Split ``findings`` into kept and hidden; expired suppressions leave a note.

    ``owners`` gives the pool of each finding, in order; without it the pool is found by the
    finding's pool name and places (``Pools.of``), which cannot tell apart two calls of one
    module that make pools of the same name.
    """
    outcome = Outcome()
    if not suppressions:
        outcome.kept.extend(findings)
        return outcome
    findings = list(findings)
    if owners is None:
        index = Pools(pools)
        owners = [index.of(f) if f.pool else None for f in findings]
    near = _Near(suppressions)
    used: set[int] = set()
    for finding, pool in zip(findings, owners, strict=True):
        matched = [i for i in near.of(finding, pool) if covers(suppressions[i], finding, pool)]
        used.update(matched)
        active = [i for i in matched if not suppressions[i].expired(today)]
        if active:
            outcome.hidden.append(finding)
        elif matched:
            outcome.kept.append(_expired_note(finding, [suppressions[i] for i in matched]))
        else:
            outcome.kept.append(finding)
    outcome.unused = [s for i, s in enumerate(suppressions) if i not in used]
    return outcome


class _Near:
    """The suppressions that may cover a finding, by the places it involves, so that a file
    with thousands of directives is not matched against each of them for every finding."""

    def __init__(self, suppressions: list[Suppression]) -> None:
        self.by_line: dict[tuple, list[int]] = {}
        self.by_file: dict[str, list[int]] = {}
        self.by_pool: dict[tuple, list[int]] = {}
        self.always: list[int] = []
        for i, item in enumerate(suppressions):
            if item.scope == "next-line":
                self.by_line.setdefault((item.file, item.line), []).append(i)
            elif item.scope == "file":
                self.by_file.setdefault(item.file, []).append(i)
            elif item.scope == "pool":
                self.by_pool.setdefault((item.file, item.line, item.column), []).append(i)
            else:
                self.always.append(i)

    def of(self, finding: Finding, pool: Pool | None) -> list[int]:
        places = [finding.location, *finding.related]
        if pool is not None:
            places += [pool.location, *pool.via]
        found = set(self.always)
        for place in places:
            key = path_key(place.file)
            found.update(self.by_line.get((key, place.line), ()))
            found.update(self.by_file.get(key, ()))
        if pool is not None:
            where = (path_key(pool.location.file), pool.location.line, pool.location.column)
            found.update(self.by_pool.get(where, ()))
        return sorted(found)


def _expired_note(finding: Finding, expired: list[Suppression]) -> Finding:
    latest = max(expired, key=lambda s: s.until or dt.date.min)
    note = f"suppression expired on {latest.until.isoformat()} ({latest.location})"
    if finding.note:
        note = f"{finding.note}; {note}"
    return finding._replace(note=note)
