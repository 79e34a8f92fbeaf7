"""Which files a run reads: the paths given, folders walked, excludes applied."""

from __future__ import annotations

import fnmatch
import os
from typing import NamedTuple

from batchlint.log import get as get_logger

log = get_logger(__name__)

SKIP_DIRS = frozenset({".git", "node_modules", ".terraform", ".hg", ".svn", "__pycache__"})


class PathError(Exception):
    """A path the user named that cannot be linted."""


class Candidate(NamedTuple):
    path: str
    explicit: bool  # named on the command line rather than found in a folder


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
) -> list[Candidate]:
    """Files to read, in a stable order; folders are walked, symlinked folders are not followed.

    A named file is read whatever its suffix; a named path that does not exist is a
    ``PathError``.
    """
    found: list[Candidate] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or folder")
        if os.path.isdir(path):
            for candidate in _walk(path, suffixes, exclude):
                key = os.path.abspath(candidate)
                if key not in seen:
                    seen.add(key)
                    found.append(Candidate(candidate, False))
        else:
            key = os.path.abspath(path)
            if key not in seen and not excluded(path, exclude):
                seen.add(key)
                found.append(Candidate(path, True))
    return found


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
