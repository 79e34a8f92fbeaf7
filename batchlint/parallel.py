"""Lint files in several processes, giving the results in the order of the files.

Each file is read and checked on its own (``Linter.lint_one``), so files are handed to worker
processes in chunks and the results come back in candidate order: the output is the same for
any ``--jobs``. On Linux the workers are forked and inherit the linter (catalog, rules and
readers) without copying it through a pipe, and the run-wide indexes the readers build in
``prepare``; elsewhere they are spawned and receive the linter pickled once each.

Starting processes costs time, so a run with few files stays in one process; see
``SERIAL_BELOW``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence

from batchlint.discover import Candidate
from batchlint.log import get as get_logger
from batchlint.reader import ReadContext

log = get_logger(__name__)

#: Below this many files per worker a run stays serial. Measured with
#: ``benchmarks/run.py --break-even`` on two cores: two workers break even with one process at
#: about 200 generated files and win from 400 on (0.89 of the serial time at 400, 0.80 at
#: 800). Each worker pays for the fork and for sending its results back.
SERIAL_BELOW = 100

#: Upper bound on files per chunk: small enough that both cores stay busy to the end of the
#: run, large enough that the pipe carries few messages.
MAX_CHUNK = 64

#: What a forked worker uses; set in the parent just before the fork.
_state: tuple | None = None

Result = tuple  # engine.FileOutcome


def lint_all(
    linter, candidates: Sequence[Candidate], read_ctx: ReadContext, jobs: int
) -> Iterator[Result]:
    """``linter.lint_one`` for every candidate, spread over ``jobs`` processes, in order."""
    workers = min(jobs, len(candidates) // SERIAL_BELOW)
    if workers < 2:
        log.debug("%d files: linting in one process", len(candidates))
        return _serial(linter, candidates, read_ctx)
    return _parallel(linter, candidates, read_ctx, workers)


def _serial(linter, candidates: Sequence[Candidate], read_ctx: ReadContext) -> Iterator[Result]:
    for candidate in candidates:
        yield linter.lint_one(candidate, read_ctx)


def chunk_size(files: int, workers: int) -> int:
    """Files per chunk: about eight chunks a worker, so a slow chunk does not leave a core idle."""
    return max(1, min(MAX_CHUNK, files // (workers * 8)))


def _parallel(
    linter, candidates: Sequence[Candidate], read_ctx: ReadContext, workers: int
) -> Iterator[Result]:
    global _state
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _prepare(linter, read_ctx)
    context = multiprocessing.get_context(method)
    state = (linter, read_ctx)
    _state = state if method == "fork" else None
    try:
        pool = context.Pool(
            workers,
            initializer=_start_worker,
            initargs=(None if method == "fork" else state,),
        )
    except (OSError, ValueError) as exc:  # no processes allowed here: lint in this one
        _state = None
        log.info("cannot start worker processes (%s); linting in one process", exc)
        yield from _serial(linter, candidates, read_ctx)
        return
    log.debug("%d files over %d %s workers", len(candidates), workers, method)
    try:
        size = chunk_size(len(candidates), workers)
        yield from pool.imap(_lint, candidates, chunksize=size)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        _state = None
        pool.join()


def _prepare(linter, read_ctx: ReadContext) -> None:
    """The readers' work about the whole run, done here once for the workers to inherit.

    Spawned workers are sent a fresh context instead (a prepared one can hold parse trees that
    are costly or impossible to pickle), and each does this work on first use.
    """
    for reader in linter.readers:
        prepare = getattr(reader, "prepare", None)
        if prepare is None:
            continue
        try:
            prepare(read_ctx)
        except Exception:  # the workers meet the same problem per file, where it is reported
            log.debug("reader %s could not prepare the run", reader.name, exc_info=True)


def _start_worker(state: tuple | None) -> None:
    global _state
    # Ctrl-C reaches every process of the group; the parent alone reports it and stops the
    # workers, so that the user sees one line instead of a traceback from each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if state is not None:
        _state = state
    log.debug("worker %d started", os.getpid())


def _lint(candidate: Candidate) -> Result:
    linter, read_ctx = _state
    return linter.lint_one(candidate, read_ctx)
