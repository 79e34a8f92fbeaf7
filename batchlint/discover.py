"""Which files a run reads: the paths given, folders walked, excludes applied."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from typing import NamedTuple

from batchlint.log import get as get_logger

log = get_logger(__name__)

SKIP_DIRS = frozenset({".git", "node_modules", ".terraform", ".hg", ".svn", "__pycache__"})


class PathError(Exception):
    """A path the user named that cannot be linted."""


class Candidate(NamedTuple):
    path: str
    explicit: bool  # named on the command line rather than found in a folder


class Candidates(Sequence):
    """Files to read, in order: a ``Candidate`` for each, made when it is asked for.

    Held as the list of paths and the positions of those named on the command line, since a
    record for each of ten thousand files would take more memory than their paths.
    """

    __slots__ = ("paths", "_explicit")

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._explicit: set[int] = set()

    def add(self, path: str, explicit: bool) -> None:
        if explicit:
            self._explicit.add(len(self.paths))
        self.paths.append(path)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.paths)))]
        if index < 0:
            index += len(self.paths)
        return Candidate(self.paths[index], index in self._explicit)

    def __iter__(self):
        explicit = self._explicit
        for index, path in enumerate(self.paths):
            yield Candidate(path, index in explicit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Candidates({list(self)!r})"


def path_key(path: str) -> str:
    """A path as compared with another: absolute, and folded where the file system folds case."""
    return os.path.normcase(os.path.abspath(path))


def wanted(name: str, suffixes: tuple[str, ...]) -> bool:
    low = name.lower()
    return low.endswith(suffixes)


def excluded(path: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    norm = path.replace(os.sep, "/")
    if norm.startswith("./"):
        norm = norm[2:]
    base = os.path.basename(norm)
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if fnmatch.fnmatch(norm, pat) or fnmatch.fnmatch(base, pat):
            return True
        if fnmatch.fnmatch(norm, pat + "/*") or norm.startswith(pat + "/"):
            return True
    return False


def discover(
    paths: list[str], suffixes: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> Candidates:
    """Files to read, in a stable order; folders are walked, symlinked folders are not followed.

    A named file is read whatever its suffix; a named path that does not exist is a
    ``PathError``.
    """
    found = Candidates()
    # A walk of one folder meets each file once: only paths given together can name a file
    # twice, and only then is a set of every path worth its memory.
    seen: set[str] | None = set() if len(paths) > 1 else None
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or folder")
        if os.path.isdir(path):
            for candidate in _walk(path, suffixes, exclude):
                if _first(candidate, seen):
                    found.add(candidate, False)
        elif not excluded(path, exclude) and _first(path, seen):
            found.add(path, True)
    return found


def _first(path: str, seen: set[str] | None) -> bool:
    if seen is None:
        return True
    key = os.path.realpath(path)  # one file named through a link and by its own name
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(root: str, suffixes: tuple[str, ...], exclude: tuple[str, ...]) -> list[str]:
    out = []

    def onerror(exc: OSError) -> None:
        log.warning("cannot list %s: %s", exc.filename, exc.strerror)

    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not excluded(os.path.join(folder, d), exclude)
        )
        for name in sorted(files):
            full = os.path.join(folder, name)
            if wanted(name, suffixes) and not excluded(full, exclude):
                out.append(os.path.normpath(full) if folder != "." else name)
    return out
