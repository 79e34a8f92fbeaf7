"""What a reader is given and what it must do.

A reader turns one file into pool records. The engine asks the readers whose suffixes match a
file, in priority order; the first that recognises the file returns a ``ReadResult``, the others
return None. Readers share a ``ReadContext``: the files the user named, the parameter and
variable overrides, and a cache of parsed files so that a template and its parameter file are
parsed once.
"""

from __future__ import annotations

import errno
import os
import stat
from bisect import bisect_left
from collections import OrderedDict
from typing import Any, NamedTuple, Protocol

from batchlint.model import Diagnostic, Location, ReadResult


class ParseError(Exception):
    """A file that cannot be parsed, with the place where parsing failed."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class ReadOptions(NamedTuple):
    """Overrides from the command line and configuration."""

    parameter_files: tuple[str, ...] = ()
    var_files: tuple[str, ...] = ()
    variables: dict[str, str] = {}  # never changed in place
    max_file_size: int = 4 * 1024 * 1024


class SourceFile(NamedTuple):
    """A file to read: the path as the user will see it and its decoded text."""

    path: str
    text: str
    explicit: bool = False

    @property
    def abspath(self) -> str:
        return os.path.abspath(self.path)

    def location(self, line: int, column: int = 1) -> Location:
        return Location(self.path, line, column)


#: How many parse results of pure builds (``keep=False``) a ``ReadContext`` holds: enough for
#: a template with its parameter files or a module shared by a folder of callers, few enough
#: that a run over ten thousand files does not hold ten thousand parse trees.
RECENT_SIZE = 256


class Inputs:
    """A run's input files as absolute paths, held without a second copy of every path.

    Each path is held as the very string the run lists already (made absolute only when it is
    not in normal form), in a sorted list rather than a set, whose table would take more than
    the paths; a test of membership or a walk over the inputs uses absolute paths, made as
    they are asked for.
    """

    __slots__ = ("_base", "_keys")

    def __init__(self, paths) -> None:
        self._base = os.path.join(os.getcwd(), "")
        keys = []
        for path in paths:
            # A path is its own key when it is in normal form, relative or absolute.
            if os.path.normpath(path) != path or path.startswith(".."):
                path = os.path.abspath(path)
            keys.append(path)
        keys.sort()
        self._keys = keys

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        path = os.path.abspath(path)
        if self._has(path):
            return True
        return path.startswith(self._base) and self._has(path[len(self._base) :])

    def _has(self, key: str) -> bool:
        keys = self._keys
        index = bisect_left(keys, key)
        return index < len(keys) and keys[index] == key

    def __iter__(self):
        base = self._base
        for key in self._keys:
            yield key if os.path.isabs(key) else base + key

    def __len__(self) -> int:
        return len(self._keys)


class ReadContext:
    """Shared state for one run's readers."""

    def __init__(self, inputs: list[str], options: ReadOptions | None = None) -> None:
        self.options = options or ReadOptions()
        #: Every file that will be read in this run; ``in`` and iteration use absolute paths.
        self.inputs = Inputs(inputs)
        self._cache: dict[tuple[str, str], Any] = {}
        self._recent: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def display_path(self, path: str) -> str:
        """A path as reports show it: relative to the working folder when below it."""
        rel = os.path.relpath(path)
        return path if rel.startswith("..") else rel

    def cached(self, kind: str, path: str, build, *, keep: bool = True):
        """``build(path)`` once per kind and absolute path; exceptions are cached too.

        With ``keep=False`` only the ``RECENT_SIZE`` most recently used results are held, and
        ``build`` runs again for a path that dropped out: for builds that give the same result
        every time (parsing a file), so that memory does not grow with the number of files.
        """
        key = (kind, os.path.abspath(path))
        cache = self._cache if keep else self._recent
        if key in cache:
            if not keep:
                cache.move_to_end(key)
        else:
            try:
                cache[key] = (True, build(path))
            except Exception as exc:  # cached so that the same error is reported once
                cache[key] = (False, exc)
            if not keep and len(cache) > RECENT_SIZE:
                cache.popitem(last=False)
        ok, result = cache[key]
        if not ok:
            raise result
        return result

    def recent_text(self, path: str) -> str | None:
        """The text of ``path`` if a reader read it lately (``read_text``), else None."""
        held = self._recent.get(("text", os.path.abspath(path)))
        return held[1] if held is not None and held[0] else None

    def read_text(self, path: str) -> str:
        """The text of a file another file refers to (a parameters file, a module)."""
        return self.cached("text", path, read_text_file, keep=False)


def read_text_file(path: str) -> str:
    """The text of a file another file names; a pipe or device is refused, as reading it could
    wait forever."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", path)
    with open(path, "rb") as handle:
        data = handle.read()
    return decode(data)


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 with or without a byte-order mark; other encodings are an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid UTF-16 text ({exc.reason})", 1) from None
    if b"\x00" in data[:8192]:
        raise ParseError("binary file (contains NUL bytes)", 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line, column) from None


def parse_error(source: SourceFile, exc: ParseError) -> ReadResult:
    """The result for a file that cannot be parsed."""
    diag = Diagnostic("parse-error", source.location(exc.line, exc.column), exc.message)
    return ReadResult(diagnostics=[diag])


class Reader(Protocol):
    """A format plugin. ``suffixes`` are lower-case file name endings the reader looks at.

    A reader may also have ``prepare(ctx)``: work about the whole run (such as an index of which
    inputs lead to which) done once before the files are read, so that worker processes inherit
    it rather than each doing it again. A reader without it does that work on first use.
    """

    name: str
    suffixes: tuple[str, ...]
    priority: int

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        """Pools and diagnostics of ``source``, or None when the file is not of this format."""


def parse_json(source: SourceFile, ctx: ReadContext):
    """The positioned JSON tree and comments of ``source``, parsed once per run for all readers.

    Raises ``ParseError``. Comments are accepted, as ARM allows them.
    """
    from batchlint import jsonpos

    return ctx.cached(
        "json", source.path, lambda _: jsonpos.parse(source.text, source.path), keep=False
    )


def parse_json_leniently(source: SourceFile, ctx: ReadContext):
    """The tree of a file that strict parsing rejected, read as editors read JSONC (trailing
    commas allowed), or None when even that fails. Readers use it to decide whether the
    strict error is theirs to report."""
    from batchlint import jsonpos

    def build(_):
        try:
            return jsonpos.parse(source.text, source.path, trailing_commas=True)[0]
        except ParseError:
            return None

    return ctx.cached("json-lenient", source.path, build, keep=False)


def parse_json_file(path: str, display: str, ctx: ReadContext):
    """Like ``parse_json`` for a file another file refers to (a parameters file)."""
    from batchlint import jsonpos

    return ctx.cached("json", path, lambda p: jsonpos.parse(ctx.read_text(p), display), keep=False)


_RELEVANT = (
    "microsoft.batch",
    "virtualmachineconfiguration",
    "nodeagentsku",
    "node_agent_sku_id",
    "cloudserviceconfiguration",
    "deploymenttemplate",
    "deploymentparameters",
)


def looks_relevant(source: SourceFile) -> bool:
    """Whether a file that fails to parse should be reported.

    A file named on the command line always is. A file found while walking a folder is only
    when its text mentions Batch pools or ARM deployments, so a broken ``package.json`` or CI
    workflow elsewhere in a repository is not batchlint's business.
    """
    if source.explicit:
        return True
    low = source.text[:1_000_000].lower()
    return any(word in low for word in _RELEVANT)
