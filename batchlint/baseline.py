"""The baseline: findings recorded once and hidden from later runs, so that only new ones show.

A baseline file is JSON: a format version, the batchlint version that wrote it, and one entry
per finding with its fingerprint (``batchlint.fingerprint``: file, pool, rule and the values
involved, not the line), rule, file, pool and message. Paths in it are relative to the
baseline's own folder, so a run from another folder still matches. A finding that occurs twice
needs two entries to be hidden twice.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from batchlint.atomic import write_atomically
from batchlint.fingerprint import VERSION as FINGERPRINT_VERSION
from batchlint.fingerprint import fingerprint
from batchlint.log import get as get_logger
from batchlint.model import Finding
from batchlint.options import UsageError

log = get_logger(__name__)

VERSION = 1


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    file: str
    pool: str | None
    message: str

    def to_json(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "file": self.file,
            "pool": self.pool,
            "message": self.message,
        }


def relative_file(path: str, baseline_path: str) -> str:
    """``path`` as the baseline records it: relative to the baseline's folder, with ``/``."""
    folder = os.path.dirname(os.path.abspath(baseline_path))
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def entry_for(finding: Finding, baseline_path: str) -> Entry:
    file = relative_file(finding.location.file, baseline_path)
    rebased = finding._replace(location=finding.location._replace(file=file))
    return Entry(fingerprint(rebased), finding.rule_id, file, finding.pool, finding.message)


def entries_for(findings: Iterable[Finding], baseline_path: str) -> list[Entry]:
    entries = [entry_for(f, baseline_path) for f in findings]
    return sorted(entries, key=lambda e: (e.file, e.pool or "", e.rule, e.fingerprint))


# -- the file --------------------------------------------------------------------------------


#: Far beyond any real baseline; a bound so that a device or a stray file cannot exhaust memory.
MAX_BASELINE_CHARS = 256 * 1024 * 1024


def load(path: str) -> list[Entry]:
    """The entries of a baseline file; ``UsageError`` when it is missing or not a baseline."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_BASELINE_CHARS + 1)
        if len(text) > MAX_BASELINE_CHARS:
            raise UsageError(f"baseline {path}: larger than 256 MB, not a baseline file")
    except FileNotFoundError:
        raise UsageError(
            f"baseline {path}: no such file (make one with: batchlint baseline create {path} "
            "PATH...)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"baseline {path}: cannot read it: {exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:
        raise UsageError(f"{path}: not a batchlint baseline: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise UsageError(f"{path}: not a batchlint baseline (no list of entries)")
    if doc.get("version") != VERSION:
        raise UsageError(
            f"{path}: baseline version {_short(doc.get('version'))} is not {VERSION}; "
            "make it again with batchlint baseline create"
        )
    if doc.get("fingerprint_version", FINGERPRINT_VERSION) != FINGERPRINT_VERSION:
        raise UsageError(
            f"{path}: made with another fingerprint recipe; "
            "make it again with batchlint baseline create"
        )
    entries = []
    for index, item in enumerate(doc["entries"]):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise UsageError(f"{path}: entry {index + 1} has no fingerprint")
        entries.append(
            Entry(
                item["fingerprint"],
                str(item.get("rule", "")),
                str(item.get("file", "")),
                item.get("pool"),
                str(item.get("message", "")),
            )
        )
    return entries


def save(path: str, entries: list[Entry]) -> None:
    """Write the baseline atomically: a reader never sees half a file."""
    from batchlint import __version__

    doc = {
        "version": VERSION,
        "tool": "batchlint",
        "tool_version": __version__,
        "fingerprint_version": FINGERPRINT_VERSION,
        "entries": [e.to_json() for e in entries],
    }

    def write(stream) -> None:
        json.dump(doc, stream, indent=2, ensure_ascii=False)
        stream.write("\n")

    write_atomically(path, write)


# -- using it --------------------------------------------------------------------------------


def split(
    findings: Iterable[Finding], entries: list[Entry], baseline_path: str
) -> tuple[list[Finding], list[Finding], Counter]:
    """(new findings, known findings, entries left over by fingerprint)."""
    left = Counter(e.fingerprint for e in entries)
    new, known = [], []
    for finding in findings:
        key = entry_for(finding, baseline_path).fingerprint
        if left[key] > 0:
            left[key] -= 1
            known.append(finding)
        else:
            new.append(finding)
    return new, known, +left


class Filter:
    """The findings a baseline knows, told one at a time in the order of the run."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries = load(path)
        self.left = Counter(e.fingerprint for e in self.entries)
        self.known = 0

    def is_new(self, finding: Finding) -> bool:
        if _take(self.left, entry_for(finding, self.path).fingerprint):
            self.known += 1
            return False
        return True

    def finish(self, result) -> None:
        """Notes on what the baseline hid and which of its entries no longer occur."""
        path = self.path
        if self.known:
            result.notes.append(
                f"{_count(self.known, 'known finding')} not shown (baseline {path})"
            )
        left = +self.left
        linted = {relative_file(f, path) for f in result.files}
        stale = sum(1 for e in self.entries if e.file in linted and _take(left, e.fingerprint))
        if stale:
            which = "entry no longer occurs" if stale == 1 else "entries no longer occur"
            them = "it" if stale == 1 else "them"
            result.notes.append(
                f"{stale} baseline {which}; batchlint baseline prune {path} drops {them}"
            )


def apply(result, path: str) -> None:
    """Hide the findings of ``result`` that the baseline at ``path`` knows; note what is stale."""
    known_by = Filter(path)
    new, known = [], []
    for finding in result.findings:
        (new if known_by.is_new(finding) else known).append(finding)
    result.findings = new
    result.suppressed.extend(known)
    known_by.finish(result)


def _count(number: int, words: str) -> str:
    return f"{number} {words}" + ("" if number == 1 else "s")


def _take(left: Counter, key: str) -> bool:
    if left[key] > 0:
        left[key] -= 1
        return True
    return False


def prune(
    entries: list[Entry], findings: Iterable[Finding], files: Iterable[str], path: str
) -> tuple[list[Entry], list[Entry]]:
    """(entries kept, entries dropped): those of linted ``files`` that no longer occur go.

    Entries of files the run did not read are kept, so pruning with a few paths does not
    forget the findings of the others.
    """
    _, _, left = split(findings, entries, path)
    linted = {relative_file(f, path) for f in files}
    kept, dropped = [], []
    for entry in entries:
        if entry.file in linted and _take(left, entry.fingerprint):
            dropped.append(entry)
        else:
            kept.append(entry)
    return kept, dropped


def _short(value) -> str:
    """A value from the file for a message, without converting a huge number to text."""
    if isinstance(value, int) and not -(10**18) < value < 10**18:
        return "(a number too long to show)"
    return repr(value)[:40]
