"""The user cache of live lists, and atomic writes of snapshot files.

A live list is kept as a batchlint snapshot in the user's cache folder (``platformdirs``, or
``BATCHLINT_CACHE_DIR``), one file per endpoint. A cached list is used while it is younger than
the time to live, counted from when it was fetched (not from the file's time, which a copy or
a checkout changes). The cache is a convenience: a cache that cannot be read or written is
skipped with a log line, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

from batchlint.atomic import WriteError, write_atomically
from batchlint.log import get as get_logger

log = get_logger(__name__)

CACHE_VARIABLE = "BATCHLINT_CACHE_DIR"
#: The mode of cached lists: readable by the user alone.
PRIVATE = 0o600
#: How far in the future a fetch time may lie before the entry counts as stale (clock skew).
_SKEW = dt.timedelta(minutes=5)


def cache_dir() -> str:
    """The folder for cached live lists."""
    override = os.environ.get(CACHE_VARIABLE)
    if override:
        return override
    import platformdirs

    return platformdirs.user_cache_dir("batchlint", appauthor=False)


def write_json(path: str, doc: dict, *, mode: int | None = None) -> None:
    """Write ``doc`` to ``path`` atomically (``batchlint.atomic``), so a reader never sees half
    a file; ``WriteError`` naming the path when it cannot be written."""

    def write(handle) -> None:
        json.dump(doc, handle, indent=2, ensure_ascii=False)
        handle.write("\n")

    write_atomically(path, write, mode=mode)


class ListCache:
    """Cached live lists, keyed by endpoint."""

    def __init__(self, folder: str | None = None) -> None:
        self.folder = folder or cache_dir()

    def path_for(self, endpoint: str) -> str:
        key = hashlib.sha256(endpoint.lower().encode()).hexdigest()[:16]
        return os.path.join(self.folder, f"supported-images-{key}.json")

    def get(self, endpoint: str, *, ttl_hours: float, now: dt.datetime | None = None):
        """The cached snapshot document of ``endpoint`` if younger than ``ttl_hours``."""
        if ttl_hours <= 0:
            return None
        path = self.path_for(endpoint)
        try:
            with open(path, encoding="utf-8") as handle:
                doc = json.load(handle)
            source = doc["source"]
            fetched = dt.datetime.fromisoformat(source["fetched_at"].replace("Z", "+00:00"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("cache: ignoring unreadable %s (%s)", path, exc)
            return None
        if source.get("endpoint", "").lower() != endpoint.lower():
            return None
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=dt.timezone.utc)
        now = now or dt.datetime.now(dt.timezone.utc)
        age = now - fetched
        if age > dt.timedelta(hours=ttl_hours) or age < -_SKEW:
            log.info("cache: %s is stale (fetched %s)", path, source["fetched_at"])
            return None
        log.info("cache: using the list of %s fetched %s", endpoint, source["fetched_at"])
        return doc

    def put(self, endpoint: str, doc: dict) -> str | None:
        """Keep ``doc`` for ``endpoint``; the path, or None when the cache cannot be written."""
        path = self.path_for(endpoint)
        try:
            os.makedirs(self.folder, exist_ok=True)
            # Private on purpose: the cache is the user's own, under their home, and not
            # something to share, unlike the reports and snapshots they ask for.
            write_json(path, doc, mode=PRIVATE)
        except OSError as exc:
            log.warning("cannot write the live list cache %s: %s", path, exc.strerror or exc)
            return None
        except WriteError as exc:
            log.warning("cannot write the live list cache %s: %s", path, exc.reason)
            return None
        return path
