"""Writing a file whole or not at all.

Every file batchlint writes (reports, baselines, snapshots, the live-list cache) goes through
``write_atomically``: the text is written to a temporary file in the target's folder, synced to
disk and renamed over the target, so a reader sees the old file or the new one, never half of
one, and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from typing import TextIO

from batchlint.log import get as get_logger
from batchlint.options import UsageError

log = get_logger(__name__)


class WriteError(UsageError):
    """A file that cannot be written: one line naming it, exit status 2."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


def default_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the process's umask."""
    # The umask can only be read by setting it; the stand-in is the more private one, so a
    # file another thread creates meanwhile is never more open than it should be.
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(
    path: str, write_fn: Callable[[TextIO], object], *, mode: int | None = None
) -> None:
    """Write ``path`` with ``write_fn(stream)``, a UTF-8 text stream with ``\\n`` line ends.

    The file gets ``mode``, by default the one ``open()`` would give a new file (0o666 less the
    umask), also when it replaces a file of another mode. A folder that is missing or cannot be
    written, or a write that fails (a full disk), is a ``WriteError`` (a ``UsageError``) naming
    ``path``; any other error of ``write_fn`` is raised as it is. The temporary file is removed
    whatever goes wrong.
    """
    import stat
    import tempfile  # imported only when a file is written, not at start-up

    target = os.path.realpath(path)  # a symlink is written through, not replaced
    try:
        # The path as given: /dev/stdout on a pipe resolves to a name that is no file.
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False
    if special:  # a device or pipe (/dev/stdout, a FIFO) is written to, never replaced
        try:
            with open(path, "w", encoding="utf-8", errors="backslashreplace") as stream:
                write_fn(stream)
        except OSError as exc:
            raise WriteError(path, exc.strerror or str(exc)) from None
        return
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".batchlint-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(path, _folder_problem(path, exc)) from None  # as the user wrote it
    try:
        try:
            stream = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
        except BaseException:
            os.close(fd)
            raise
        with stream:
            write_fn(stream)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(tmp, default_mode() if mode is None else mode)
        except OSError as exc:  # a file system without modes: the file is still wanted
            log.debug("cannot set the mode of %s: %s", path, exc.strerror or exc)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(path, exc.strerror or str(exc)) from None
        raise


def _folder_problem(path: str, exc: OSError) -> str:
    shown = os.path.dirname(path) or "."
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"there is no folder {shown}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the folder {shown} is not writable ({exc.strerror})"
    return exc.strerror or str(exc)
