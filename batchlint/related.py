"""From a list of changed files to the files whose pools the change can alter.

A pre-commit hook or a pull-request job passes the files that changed, but a pool is often
defined in one file and decided in another: a parameters file, a ``.bicepparam``, a ``.tfvars``,
a module. Linting only the changed file would miss a parameters file that turns a pool's image
into a retired one. So the list is expanded with the files that *use* a changed file:

- ``S.parameters.json`` (or ``.jsonc``): the templates ``S.json``, ``S.jsonc``, ``S.bicep``;
- a ``.bicep`` file: the ``.bicepparam`` files whose ``using`` names it, and the Bicep files
  that call it as a module; a JSON, YAML or text file that a Bicep file loads with
  ``load*Content``: that Bicep file;
- a ``.bicepparam``: the template its ``using`` names, as when both are named together;
- a ``.tf``, ``.tf.json``, ``.tfvars`` or ``.tfvars.json`` file: the ``.tf`` and ``.tf.json``
  files of its folder (Terraform reads a folder as one module), and the Terraform files that
  call that folder as a local module;

and so on, until nothing new is added. Apart from ``using``, the other direction needs no
expansion: the readers follow a template's parameter files and modules themselves.

Users are found by looking for ``module``/``using``/``import``/``load*Content`` and local
module ``source`` references in the Bicep and Terraform files of the repository of the changed
files (the folder holding ``.git`` above them, wherever the command runs from; for files in no
repository, the folder that holds them all). It is a pattern search,
not a parse: a reference inside a comment counts, which only adds a file to lint, and a path
built by interpolation (``'${folder}/pool.bicep'``) cannot be followed, so its caller is not
added. ARM linked templates (``templateLink``) are not followed by the ARM reader, so they are
not looked for here either.
"""

from __future__ import annotations

import os
import re
import stat
from collections import deque
from collections.abc import Iterable

from batchlint.discover import SKIP_DIRS, Candidate, discover, excluded, wanted
from batchlint.log import get as get_logger

log = get_logger(__name__)

PARAMETER_SUFFIXES = (".parameters.json", ".parameters.jsonc")
TEMPLATE_SUFFIXES = (".json", ".jsonc", ".bicep")
BICEP_SUFFIXES = (".bicep", ".bicepparam")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")

#: Files larger than this are not searched for references (generated files, plans).
MAX_SCAN_BYTES = 4 * 1024 * 1024

_BICEP_REFS = re.compile(
    r"""^\s*(?:module\s+\w+\s+|(using)\s+|import\s+.*?\s+from\s+)'([^']+)'"""
    r"""|\bload\w*\(\s*'([^']+)'""",
    re.MULTILINE,
)
# Terraform only takes a source that starts with ./ or ../ as a local path.
_TF_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"', re.MULTILINE)
_TF_JSON_SOURCE = re.compile(r'"source"\s*:\s*"(\.\.?/[^"]*)"')


def repository_root(start: str | None = None) -> str:
    """The folder above ``start`` (default: the working folder) that holds ``.git``, else
    ``start``."""
    here = os.path.abspath(start or os.getcwd())
    return _git_top(here) or here


def _git_top(start: str) -> str | None:
    """The folder at or above ``start`` (absolute) that holds ``.git``, if any."""
    folder = start
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def search_roots(paths: Iterable[str]) -> list[str]:
    """The folders whose files are searched for users of ``paths`` (absolute file paths).

    Each file's repository, found from the file itself and not from the working folder; for
    the files in no repository, the deepest folder that holds them all.
    """
    tops: set[str] = set()
    loose: list[str] = []
    for path in paths:
        top = _git_top(os.path.dirname(path))
        if top is None:
            loose.append(os.path.dirname(path))
        else:
            tops.add(top)
    if loose:
        tops.add(os.path.commonpath(loose))
    roots: list[str] = []
    for top in sorted(tops):  # a folder sorts before the folders below it
        if not any(_below(top, root) for root in roots):
            roots.append(top)
    return roots


def _below(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class References:
    """Who uses what in a repository: Bicep files by the file they name, Terraform files by
    the module folder they call."""

    def __init__(self, roots: str | Iterable[str], exclude: tuple[str, ...] = ()) -> None:
        self.file_users: dict[str, set[str]] = {}
        #: ``.bicepparam`` file -> the template its ``using`` names.
        self.templates: dict[str, str] = {}
        self.folder_users: dict[str, set[str]] = {}
        for root in [roots] if isinstance(roots, str) else roots:
            for path in _files(root, BICEP_SUFFIXES + TERRAFORM_SUFFIXES, exclude):
                self._scan(path)

    def users(self, path: str) -> set[str]:
        """Files that refer to ``path`` (absolute), or to its folder when it is Terraform."""
        found = set(self.file_users.get(path, ()))
        if path.lower().endswith(TERRAFORM_SUFFIXES + TFVARS_SUFFIXES):
            found |= self.folder_users.get(os.path.dirname(path), set())
        return found

    def _scan(self, path: str) -> None:
        try:
            info = os.stat(path)
            # A pipe or device would block the run on its first read.
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SCAN_BYTES:
                return
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as exc:
            log.debug("cannot read %s for references: %s", path, exc.strerror)
            return
        folder = os.path.dirname(path)
        low = path.lower()
        if low.endswith(BICEP_SUFFIXES):
            for match in _BICEP_REFS.finditer(text):
                ref = match.group(2) or match.group(3)
                # Registry and template-spec modules (br:, ts:) and interpolated paths are not
                # files of this repository.
                if ":" in ref or "${" in ref:
                    continue
                target = os.path.normpath(os.path.join(folder, ref))
                self.file_users.setdefault(target, set()).add(path)
                if match.group(1):
                    self.templates[path] = target
        else:
            pattern = _TF_JSON_SOURCE if low.endswith(".tf.json") else _TF_SOURCE
            for match in pattern.finditer(text):
                target = os.path.normpath(os.path.join(folder, match.group(1)))
                self.folder_users.setdefault(target, set()).add(path)


def expand(
    paths: Iterable[str],
    suffixes: tuple[str, ...],
    exclude: tuple[str, ...] = (),
    root: str | None = None,
) -> list[str]:
    """The files to lint for a list of changed files, changed ones first.

    Changed files that no longer exist (deleted in the change) are not linted, but the files
    that used them are. A folder stands for the files in it. Only files with one of
    ``suffixes`` are returned, shown as the rest of batchlint shows paths: relative to the
    working folder when below it, else as given (a related file found from a changed file
    given as a relative path is shown relative too).
    """
    #: Absolute path -> the path as given.
    spelled: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            # A folder in the list stands for the files a walk of it finds.
            for c in discover([path], suffixes, exclude):
                spelled.setdefault(os.path.abspath(c.path), c.path)
        else:
            spelled.setdefault(os.path.abspath(path), path)
    given = list(spelled)
    if not given:
        return []
    refs = References([root] if root else search_roots(given), exclude)
    seen: set[str] = set()
    related: set[str] = set()
    #: Whether a file was reached from a changed file given as a relative path.
    relative = {path: not os.path.isabs(spelled[path]) for path in given}
    queue = deque(given)
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        for other in _neighbours(path) | refs.users(path):
            relative.setdefault(other, relative[path])
            if other not in seen:
                related.add(other)
                queue.append(other)
        # The template of a changed .bicepparam is linted with it, but its other users (the
        # other .bicepparam files of the template) did not change, so they are not added.
        if path in refs.templates:
            related.add(refs.templates[path])
            relative.setdefault(refs.templates[path], relative[path])

    out: list[str] = []
    listed: set[str] = set()
    for path in given + sorted(related - set(given)):
        if path in listed or not os.path.isfile(path) or not wanted(path, suffixes):
            continue
        listed.add(path)
        out.append(_shown(path, spelled.get(path), relative[path]))
    added = len(listed - set(given))
    log.info(
        "changed files: %d given, %d related %s added",
        len(given),
        added,
        "file" if added == 1 else "files",
    )
    return out


def candidates(
    paths: Iterable[str], suffixes: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> list[Candidate]:
    """Files to read for a changed-file list, judged like files found in a folder walk."""
    out = []
    for path in expand(paths, suffixes, exclude):
        if excluded(path, exclude):
            continue
        out.append(Candidate(path, explicit=False))
    return out


def _neighbours(path: str) -> set[str]:
    """Files beside ``path`` that use it by naming convention."""
    folder, name = os.path.split(path)
    low = name.lower()
    found: set[str] = set()
    for suffix in PARAMETER_SUFFIXES:
        if low.endswith(suffix):
            stem = name[: -len(suffix)]
            found |= {os.path.join(folder, stem + s) for s in TEMPLATE_SUFFIXES}
    if low.endswith(TERRAFORM_SUFFIXES + TFVARS_SUFFIXES):
        found |= set(_folder_files(folder, TERRAFORM_SUFFIXES))
    found.discard(path)
    return {p for p in found if os.path.isfile(p)}


def _folder_files(folder: str, suffixes: tuple[str, ...]) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if n.lower().endswith(suffixes)]


def _files(root: str, suffixes: tuple[str, ...], exclude: tuple[str, ...]) -> list[str]:
    out = []
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = [
            d
            for d in dirs
            if d not in SKIP_DIRS and not excluded(os.path.join(rel_folder, d), exclude)
        ]
        out.extend(os.path.join(folder, n) for n in files if n.lower().endswith(suffixes))
    return out


def _shown(path: str, given: str | None, relative: bool) -> str:
    """``path`` (absolute) relative to the working folder when below it; else the path as
    given, or for a related file, relative or absolute as the changed file it came from."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return given or path
    if not rel.startswith(".."):
        return rel
    if given is not None:
        return given
    return rel if relative else path
