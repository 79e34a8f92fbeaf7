"""The user cache of live lists and the atomic snapshot writer."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from batchlint.catalog.cache import ListCache, cache_dir, write_json
from batchlint.catalog.live import FetchResult, LiveSource, RetryPolicy, snapshot_document
from batchlint.options import LintOptions

from batch_service import TOKEN

ENDPOINT = "https://contoso.eastus.batch.azure.com"
FETCHED = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
ENTRY = {
    "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server"},
    "verificationType": "verified",
    "nodeAgentSKUId": "batch.node.ubuntu 24.04",
}


def document(endpoint: str = ENDPOINT, fetched: dt.datetime = FETCHED) -> dict:
    stamp = fetched.isoformat().replace("+00:00", "Z")
    return snapshot_document(FetchResult(endpoint, [ENTRY], 1, stamp))


def test_cached_list_younger_than_the_time_to_live_is_used(tmp_path):
    cache = ListCache(str(tmp_path))
    cache.put(ENDPOINT, document())

    doc = cache.get(ENDPOINT, ttl_hours=24, now=FETCHED + dt.timedelta(hours=23))

    assert doc["entries"] == [ENTRY]


def test_cached_list_older_than_the_time_to_live_is_not_used(tmp_path):
    cache = ListCache(str(tmp_path))
    cache.put(ENDPOINT, document())

    assert cache.get(ENDPOINT, ttl_hours=24, now=FETCHED + dt.timedelta(hours=25)) is None


def test_time_to_live_of_zero_turns_the_cache_off(tmp_path):
    cache = ListCache(str(tmp_path))
    cache.put(ENDPOINT, document())

    assert cache.get(ENDPOINT, ttl_hours=0, now=FETCHED) is None


def test_list_fetched_in_the_future_counts_as_stale(tmp_path):
    cache = ListCache(str(tmp_path))
    cache.put(ENDPOINT, document())

    assert cache.get(ENDPOINT, ttl_hours=24, now=FETCHED - dt.timedelta(hours=1)) is None


def test_each_endpoint_has_its_own_entry(tmp_path):
    cache = ListCache(str(tmp_path))
    cache.put(ENDPOINT, document())

    assert cache.get("https://fabrikam.westeurope.batch.azure.com", ttl_hours=24) is None


def test_unreadable_cache_file_is_skipped_with_a_log_line(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="batchlint")
    cache = ListCache(str(tmp_path))
    with open(cache.path_for(ENDPOINT), "w") as handle:
        handle.write("{not json")

    assert cache.get(ENDPOINT, ttl_hours=24) is None
    assert "ignoring unreadable" in caplog.text


def test_cache_that_cannot_be_written_is_skipped_with_a_warning(tmp_path, caplog):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")

    assert ListCache(str(blocker / "cache")).put(ENDPOINT, document()) is None
    assert "cannot write the live list cache" in caplog.text


def test_cache_folder_comes_from_batchlint_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("BATCHLINT_CACHE_DIR", str(tmp_path))

    assert cache_dir() == str(tmp_path)


def test_cache_folder_defaults_to_the_users_cache_folder(monkeypatch):
    monkeypatch.delenv("BATCHLINT_CACHE_DIR", raising=False)

    assert "batchlint" in cache_dir()


def test_write_json_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "snapshot.json"
    target.write_text('{"old": true}')

    with pytest.raises(TypeError):
        write_json(str(target), {"entries": [object()]})

    assert json.loads(target.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_cached_list_that_fails_validation_is_fetched_again(batch_service, monkeypatch, tmp_path):
    monkeypatch.setenv("BATCHLINT_CACHE_DIR", str(tmp_path))
    now = dt.datetime.now(dt.timezone.utc)
    bad = document(batch_service.url, now)
    bad["hash"] = "sha256:" + "0" * 64
    ListCache().put(batch_service.url, bad)

    class Token:
        def get_token(self, *scopes, **kwargs):
            return type("AccessToken", (), {"token": TOKEN})()

    source = LiveSource(credential=Token(), retry=RetryPolicy(attempts=1))
    catalog = source.load(LintOptions(live=True, endpoint=batch_service.url))

    assert len(catalog.entries) == 7
    assert not catalog.info.cached
    assert len(batch_service.requests) == 3
