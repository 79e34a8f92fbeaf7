"""Snapshot files: one List Supported Images result, in any of the shapes users have.

- the REST response: ``{"value": [ImageInfo, ...]}`` (``odata.*`` keys allowed);
- ``az batch pool supported-images list`` output: a JSON list of entries with ``nodeAgentSkuId``;
- batchlint's own snapshot format: the entries plus where and when they were fetched;
- the older List Node Agent SKUs shape (``verifiedImageReferences`` per agent), still found in
  old recordings.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from batchlint.catalog import Catalog, CatalogError, CatalogInfo, ImageEntry
from batchlint.catalog.lifecycle import Lifecycle, bundled, parse_date

SNAPSHOT_FORMAT = "batchlint-snapshot"
#: A real list is about 40 KB; anything this size is not one (or is a device such as /dev/zero).
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


class SnapshotError(CatalogError):
    """A snapshot file that cannot be used."""


def load_file(path: str, lifecycle: Lifecycle | None = None, *, kind: str = "snapshot") -> Catalog:
    """A catalog from a snapshot file; ``SnapshotError`` names the problem."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SNAPSHOT_BYTES + 1)
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read the image list: {exc.strerror}") from None
    if len(raw) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(
            f"{path}: larger than {MAX_SNAPSHOT_BYTES // 1048576} MB, too big for an image list"
        )
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: the image list is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}:{exc.lineno}:{exc.colno}: the image list is not valid JSON: {exc.msg}"
        ) from None
    except (RecursionError, ValueError) as exc:
        raise SnapshotError(f"{path}: the image list cannot be read: {exc}") from None
    return from_document(doc, path, lifecycle or bundled(), kind=kind, mtime=_mtime(path))


def from_document(
    doc, name: str, lifecycle: Lifecycle, *, kind: str = "snapshot", mtime: dt.date | None = None
) -> Catalog:
    """A catalog from an already parsed snapshot document of any supported shape."""
    if isinstance(doc, dict) and doc.get("format") == SNAPSHOT_FORMAT:
        from batchlint.catalog import schema

        schema.validate_snapshot(doc, name)
        source = doc["source"]
        fetched = source.get("fetched_at")
        info = CatalogInfo(
            kind=kind,
            name=name,
            date=parse_date(fetched) if fetched else mtime,
            region=source.get("region"),
            api_version=source.get("api_version"),
            description=source.get("description") or "",
            fetched_at=fetched,
        )
        return Catalog(_entries(doc["entries"], name), info, lifecycle)

    if isinstance(doc, dict) and isinstance(doc.get("value"), list):
        items = doc["value"]
        if items and all(isinstance(i, dict) and "verifiedImageReferences" in i for i in items):
            items = _from_node_agent_skus(items)
        description = "List Supported Images response"
    elif isinstance(doc, list):
        items = doc
        description = "az batch pool supported-images list output"
    else:
        raise SnapshotError(
            f"{name}: not an image list: expected a List Supported Images response "
            '({"value": [...]}), the JSON list that `az batch pool supported-images list` '
            "prints, or a batchlint snapshot"
        )
    info = CatalogInfo(kind=kind, name=name, date=mtime, description=description)
    return Catalog(_entries(items, name), info, lifecycle)


def _entries(items: list, name: str) -> list[ImageEntry]:
    entries = []
    for index, item in enumerate(items):
        where = f"{name}: entry {index + 1}"
        if not isinstance(item, dict):
            raise SnapshotError(f"{where}: expected an object, found {type(item).__name__}")
        ref = item.get("imageReference")
        agent = item.get("nodeAgentSKUId", item.get("nodeAgentSkuId"))
        if not isinstance(ref, dict):
            raise SnapshotError(f"{where}: missing imageReference")
        if not isinstance(agent, str):
            raise SnapshotError(f"{where}: missing nodeAgentSKUId")
        missing = [k for k in ("publisher", "offer", "sku") if not isinstance(ref.get(k), str)]
        if missing:
            raise SnapshotError(f"{where}: imageReference has no {', '.join(missing)}")
        try:
            eol = parse_date(item.get("batchSupportEndOfLife"))
        except ValueError:
            raise SnapshotError(
                f"{where}: batchSupportEndOfLife {item.get('batchSupportEndOfLife')!r} "
                "is not a date"
            ) from None
        entries.append(
            ImageEntry(
                publisher=ref["publisher"],
                offer=ref["offer"],
                sku=ref["sku"],
                version=str(ref.get("version") or "latest"),
                node_agent=agent,
                verification=str(item.get("verificationType") or "verified"),
                capabilities=_capabilities(item.get("capabilities"), where),
                end_of_life=eol,
                os_type=item.get("osType"),
            )
        )
    return entries


def _capabilities(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise SnapshotError(f"{where}: capabilities must be a list of strings")
    return tuple(value)


def _from_node_agent_skus(items: list) -> list[dict]:
    out = []
    for sku in items:
        for ref in sku.get("verifiedImageReferences") or ():
            out.append(
                {
                    "imageReference": ref,
                    "verificationType": "verified",
                    "nodeAgentSKUId": sku.get("id"),
                    "osType": sku.get("osType"),
                }
            )
    return out


def _mtime(path: str) -> dt.date | None:
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()


def load_bundled() -> Catalog:
    """The snapshot that ships with batchlint (no schema validation: it is package data)."""
    from batchlint import datafiles

    doc = datafiles.load_json("supported-images.json")
    source = doc["source"]
    info = CatalogInfo(
        kind="bundled",
        name="bundled",
        date=parse_date(source["fetched_at"]),
        region=source.get("region"),
        api_version=source.get("api_version"),
        description=source.get("description", ""),
        fetched_at=source["fetched_at"],
    )
    return Catalog(_entries(doc["entries"], "bundled snapshot"), info, bundled())
