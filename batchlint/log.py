"""Loggers that bring in :mod:`logging` only when there is something to print.

A quiet run (no ``-v``) logs nothing but the odd warning, and importing ``logging`` (with the
``traceback``, ``threading`` and ``string`` modules it pulls in) is a visible part of the
start-up a pre-commit hook pays on every commit. ``get(name)`` gives an object with the
``logging.Logger`` methods batchlint uses. Once the command line has set the verbosity
(:func:`configure`), a message below it costs one comparison while ``logging`` is not loaded;
a message that passes is handed to ``logging``, whose levels decide from then on. Used as a
library, without :func:`configure`, every message goes to ``logging`` and its configuration
decides, as with any ``logging.getLogger(name)``.
"""

from __future__ import annotations

import sys

DEBUG = 10
INFO = 20
WARNING = 30

_level: int | None = None  # set by configure(); None: logging's own configuration decides
_handler_set = False


class Logger:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - the logging.Logger name
        if not _passes(level):
            return False
        return _logger(self.name).isEnabledFor(level)

    def debug(self, msg: str, *args, **kwargs) -> None:
        if _passes(DEBUG):
            _logger(self.name).debug(msg, *args, **kwargs)

    def info(self, msg: str, *args, **kwargs) -> None:
        if _passes(INFO):
            _logger(self.name).info(msg, *args, **kwargs)

    def warning(self, msg: str, *args, **kwargs) -> None:
        _logger(self.name).warning(msg, *args, **kwargs)


def _passes(level: int) -> bool:
    """Whether a message may be printed; once ``logging`` is loaded, its levels decide."""
    return _level is None or level >= _level or "logging" in sys.modules


def get(name: str) -> Logger:
    return Logger(name)


def configure(verbose: int) -> None:
    """The command line's verbosity: warnings only, then ``-v`` steps, then ``-vv`` detail."""
    global _level, _handler_set
    _level = WARNING if verbose <= 0 else INFO if verbose == 1 else DEBUG
    _handler_set = False
    if verbose > 0 or "logging" in sys.modules:
        _set_handler()


def _logger(name: str):
    import logging

    if _level is not None and not _handler_set:
        _set_handler()
    return logging.getLogger(name)


def _set_handler() -> None:
    import logging

    global _handler_set
    _handler_set = True
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("batchlint: %(message)s"))
    root = logging.getLogger("batchlint")
    root.handlers[:] = [handler]
    root.setLevel(_level or WARNING)
    # azure-identity logs each credential it tries; batchlint says in one line what failed and
    # what to check, so the library speaks only at -vv.
    logging.getLogger("azure").setLevel(DEBUG if (_level or WARNING) <= DEBUG else logging.CRITICAL)
