"""``batchlint --live``: linting against the account's list, the cache, and the fallback."""

from __future__ import annotations

import base64
import json

import pytest

from batchlint.cli import main

from batch_service import ACCOUNT, KEY
from helpers import AS_OF, pool_spec

pytestmark = pytest.mark.usefixtures("restore_logging")

WRONG_KEY = base64.b64encode(b"a key the service does not know").decode()


@pytest.fixture
def account(batch_service, monkeypatch, tmp_path):
    """The fake service wanting the shared key that the environment holds; a private cache."""
    batch_service.shared_key = (ACCOUNT, KEY)
    monkeypatch.setenv("AZURE_BATCH_ACCOUNT", ACCOUNT)
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", KEY)
    monkeypatch.setenv("BATCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return batch_service


def write_pools(folder) -> str:
    pools = [
        pool_spec("debian", "debian-12", "12", "batch.node.debian 12", id="pool-debian"),
        pool_spec(
            "canonical",
            "ubuntu-24_04-lts",
            "server",
            "batch.node.ubuntu 22.04",
            id="pool-wrong-agent",
        ),
        pool_spec("openlogic", "centos", "7_9", "batch.node.centos 7", id="pool-retired"),
    ]
    path = folder / "pools.json"
    path.write_text(json.dumps(pools, indent=2))
    return str(path.name)


def lint(capsys, *args: str) -> tuple[int, dict, str]:
    status = main(["--format", "json", "--as-of", AS_OF, "--no-config", "-j1", *args])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else {}), err


def names(doc: dict) -> set[tuple[str, str]]:
    return {(f["pool"], f["rule_name"]) for f in doc["findings"]}


def test_live_lints_against_the_accounts_list(account, capsys, tmp_path):
    pools = write_pools(tmp_path)

    status, doc, err = lint(capsys, "--live", "--endpoint", account.url, pools)

    assert status == 1, err
    assert doc["catalog"]["kind"] == "live"
    assert doc["catalog"]["name"] == account.url
    assert ("pool-debian", "image-not-supported") not in names(doc)
    assert ("pool-debian", "image-unverified") in names(doc)
    assert len(account.requests) == 3


def test_same_pools_against_the_bundled_list_miss_the_accounts_image(account, capsys, tmp_path):
    pools = write_pools(tmp_path)

    _, doc, _ = lint(capsys, pools)

    assert ("pool-debian", "image-not-supported") in names(doc)
    assert account.requests == []


def test_live_list_is_cached_and_used_again_within_the_time_to_live(account, capsys, tmp_path):
    pools = write_pools(tmp_path)
    lint(capsys, "--live", "--endpoint", account.url, pools)

    status, doc, _ = lint(capsys, "--live", "--endpoint", account.url, pools)

    assert status == 1
    assert len(account.requests) == 3
    assert doc["catalog"]["label"].endswith(", cached")
    assert list((tmp_path / "cache").iterdir())


def test_refresh_fetches_even_when_the_cache_is_fresh(account, capsys, tmp_path):
    pools = write_pools(tmp_path)
    lint(capsys, "--live", "--endpoint", account.url, pools)

    lint(capsys, "--live", "--endpoint", account.url, "--refresh", pools)

    assert len(account.requests) == 6


def test_live_list_that_cannot_be_fetched_exits_3_with_the_reason(
    account, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", WRONG_KEY)
    pools = write_pools(tmp_path)

    status, doc, err = lint(capsys, "--live", "--endpoint", account.url, pools)

    assert status == 3
    assert doc == {}
    assert err.startswith("batchlint: error: ")
    assert "HTTP 403 Forbidden: AuthenticationFailed" in err
    assert WRONG_KEY not in err
    assert len(err.strip().splitlines()) == 1


def test_fallback_snapshot_warns_and_uses_the_bundled_snapshot(
    account, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", WRONG_KEY)
    pools = write_pools(tmp_path)

    status, doc, err = lint(
        capsys, "--live", "--endpoint", account.url, "--fallback", "snapshot", pools
    )

    assert status == 1
    assert doc["catalog"]["kind"] == "bundled"
    assert "batchlint: warning: the live list could not be fetched, using bundled snapshot" in err
    assert any(n.startswith("the live list could not be fetched") for n in doc["notes"])
    assert ("pool-debian", "image-not-supported") in names(doc)


def test_fallback_snapshot_prefers_the_images_file(account, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", WRONG_KEY)
    listed = tmp_path / "listed.json"
    listed.write_text(json.dumps({"value": account.images}))
    pools = write_pools(tmp_path)

    _, doc, err = lint(
        capsys,
        "--live",
        "--endpoint",
        account.url,
        "--fallback",
        "snapshot",
        "--images",
        str(listed),
        pools,
    )

    assert doc["catalog"]["kind"] == "snapshot"
    assert doc["catalog"]["name"] == str(listed)
    assert "using snapshot" in err


def test_live_without_endpoint_is_a_usage_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pools = write_pools(tmp_path)

    status, _, err = lint(capsys, "--live", pools)

    assert status == 2
    assert "--live needs --endpoint URL" in err


def test_pulled_snapshot_gives_the_same_findings_as_live(account, capsys, tmp_path):
    pools = write_pools(tmp_path)
    assert main(["images", "pull", "--endpoint", account.url, "-o", "pulled.json"]) == 0
    capsys.readouterr()

    _, pulled, _ = lint(capsys, "--images", "pulled.json", pools)
    _, live, _ = lint(capsys, "--live", "--endpoint", account.url, "--refresh", pools)

    assert pulled["findings"], "the pools should give findings to compare"
    # Evidence names the catalog a finding rests on; that name is the one thing that differs.
    same = json.dumps(pulled["findings"]).replace(pulled["catalog"]["label"], "CATALOG")
    assert same == json.dumps(live["findings"]).replace(live["catalog"]["label"], "CATALOG")
    assert pulled["catalog"]["date"] == live["catalog"]["date"]


def test_verbose_live_run_never_shows_the_key_or_the_signature(account, capsys, tmp_path):
    pools = write_pools(tmp_path)

    status = main(["-vv", "--no-config", "--live", "--endpoint", account.url, pools])

    out, err = capsys.readouterr()
    assert status == 1
    assert "catalog: live list from" in err
    signature = account.requests[0]["headers"]["Authorization"].split(":", 1)[1]
    for secret in (KEY, signature):
        assert secret not in out
        assert secret not in err
