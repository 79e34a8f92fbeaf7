"""``batchlint images pull | list | diff``."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from batchlint.catalog.schema import entries_hash, validate_snapshot
from batchlint.cli import main

from batch_service import ACCOUNT, IMAGES, KEY

pytestmark = pytest.mark.usefixtures("restore_logging")


@pytest.fixture
def account(batch_service, monkeypatch, tmp_path):
    batch_service.shared_key = (ACCOUNT, KEY)
    monkeypatch.setenv("AZURE_BATCH_ACCOUNT", ACCOUNT)
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    return batch_service


def images(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["images", *args])
    out, err = capsys.readouterr()
    return status, out, err


def rest_list(path, entries) -> str:
    path.write_text(json.dumps({"value": entries}))
    return str(path)


# -- pull --------------------------------------------------------------------------------


def test_pull_writes_a_valid_snapshot_with_where_and_when(account, capsys, tmp_path):
    status, _, err = images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")

    doc = json.loads((tmp_path / "snap.json").read_text())
    assert status == 0
    validate_snapshot(doc, "snap.json")
    assert doc["entries"] == IMAGES
    assert doc["count"] == 7
    assert doc["hash"] == entries_hash(IMAGES)
    source = doc["source"]
    assert source["kind"] == "live"
    assert source["endpoint"] == account.url
    assert source["api_version"] == "2025-06-01"
    assert source["tool_version"]
    assert source["fetched_at"].endswith("Z")
    assert err.startswith(f"wrote snap.json: 7 images from {account.url}, fetched ")


def test_pull_records_the_filter_and_the_region_given(account, capsys, tmp_path):
    images(
        capsys,
        "pull",
        "--endpoint",
        account.url,
        "--filter",
        "osType eq 'windows'",
        "--region",
        "eastus",
        "-o",
        "snap.json",
    )

    doc = json.loads((tmp_path / "snap.json").read_text())
    assert doc["count"] == 2
    assert doc["source"]["filter"] == "osType eq 'windows'"
    assert doc["source"]["region"] == "eastus"


def test_pull_passes_max_results_to_the_service(account, capsys):
    images(capsys, "pull", "--endpoint", account.url, "--max-results", "5", "-o", "snap.json")

    assert len(account.requests) == 2
    assert "maxresults=5" in account.requests[0]["path"]


def test_pull_refuses_max_results_over_1000(account, capsys):
    status, _, err = images(
        capsys, "pull", "--endpoint", account.url, "--max-results", "5000", "-o", "snap.json"
    )

    assert status == 2
    assert "must be from 1 to 1000" in err
    assert account.requests == []


def test_pull_that_fails_exits_3_and_keeps_the_old_snapshot(account, capsys, tmp_path, monkeypatch):
    (tmp_path / "snap.json").write_text('{"old": true}')
    monkeypatch.setenv("AZURE_BATCH_ACCESS_KEY", base64.b64encode(b"wrong").decode())

    status, _, err = images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")

    assert status == 3
    assert "HTTP 403 Forbidden: AuthenticationFailed" in err
    assert json.loads((tmp_path / "snap.json").read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


def test_pull_into_a_missing_folder_is_a_usage_error(account, capsys):
    status, _, err = images(capsys, "pull", "--endpoint", account.url, "-o", "no/such/snap.json")

    assert status == 2
    assert "cannot write no/such/snap.json" in err


def test_pull_of_one_page_says_page(account, capsys):
    status, _, err = images(
        capsys, "pull", "--endpoint", account.url, "--max-results", "1000", "-o", "snap.json"
    )

    assert status == 0
    assert err.endswith(" (1 page)\n")


def test_pull_of_three_pages_says_pages(account, capsys):
    _, _, err = images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")

    assert err.endswith(" (3 pages)\n")


def test_pull_writes_the_snapshot_with_the_mode_open_would_give(account, capsys, tmp_path):
    old = os.umask(0o022)
    try:
        images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")
    finally:
        os.umask(old)

    assert stat.S_IMODE((tmp_path / "snap.json").stat().st_mode) == 0o644


def test_pull_with_shared_key_but_no_key_in_the_environment_exits_2(account, capsys, monkeypatch):
    monkeypatch.delenv("AZURE_BATCH_ACCOUNT")
    monkeypatch.delenv("AZURE_BATCH_ACCESS_KEY")

    status, _, err = images(
        capsys, "pull", "--endpoint", account.url, "--auth", "shared-key", "-o", "snap.json"
    )

    assert status == 2
    assert err == (
        "batchlint: error: shared key authentication needs AZURE_BATCH_ACCOUNT and "
        "AZURE_BATCH_ACCESS_KEY in the environment\n"
    )
    assert account.requests == []


def test_pull_to_standard_output(account, capsys):
    status, out, _ = images(capsys, "pull", "--endpoint", account.url, "-o", "-")

    assert status == 0
    assert json.loads(out)["count"] == 7


def test_pulled_snapshot_loads_with_its_endpoint_and_date(account, capsys, tmp_path):
    from batchlint.catalog.snapshot import load_file

    images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")

    catalog = load_file("snap.json")
    assert catalog.info.kind == "snapshot"
    assert catalog.info.api_version == "2025-06-01"
    assert len(catalog.entries) == 7


def test_edited_snapshot_is_refused_on_load(account, capsys, tmp_path):
    images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")
    doc = json.loads((tmp_path / "snap.json").read_text())
    doc["entries"][0]["verificationType"] = "unverified"
    (tmp_path / "snap.json").write_text(json.dumps(doc))

    status, _, err = images(capsys, "list", "--images", "snap.json", "--no-config")

    assert status == 2
    assert "snapshot hash does not match its entries" in err


# -- list --------------------------------------------------------------------------------


def test_list_shows_the_bundled_catalog_by_default(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    status, out, _ = images(capsys, "list", "--no-config")

    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "catalog: bundled snapshot of 2026-12-03, eastus2 (59 of 59 images)"
    assert lines[1].split() == [
        "IMAGE",
        "NODE",
        "AGENT",
        "VERIFICATION",
        "OS",
        "END",
        "OF",
        "LIFE",
        "CAPABILITIES",
    ]
    assert len(lines) == 61


def test_list_filters_by_os_agent_and_verification(capsys, tmp_path):
    path = rest_list(tmp_path / "list.json", IMAGES)

    _, out, _ = images(
        capsys,
        "list",
        "--images",
        path,
        "--no-config",
        "--os",
        "linux",
        "--agent",
        "Batch.Node.Ubuntu 22.04",
        "--verified",
    )

    rows = out.splitlines()[2:]
    assert [r.split()[0] for r in rows] == [
        "canonical:0001-com-ubuntu-server-jammy:22_04-lts",
        "microsoft-dsvm:ubuntu-hpc:2204",
    ]
    assert "DockerCompatible" in rows[0]


def test_list_as_json_names_the_catalog(capsys, tmp_path):
    path = rest_list(tmp_path / "list.json", IMAGES)

    _, out, _ = images(
        capsys, "list", "--images", path, "--no-config", "--format", "json", "--os", "windows"
    )

    doc = json.loads(out)
    assert doc["catalog"]["kind"] == "snapshot"
    assert doc["catalog"]["name"] == path
    assert doc["count"] == 2
    assert {i["imageReference"]["sku"] for i in doc["images"]} == {
        "2022-datacenter",
        "2019-datacenter",
    }


def test_list_of_the_live_list(account, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BATCHLINT_CACHE_DIR", str(tmp_path / "cache"))

    status, out, _ = images(capsys, "list", "--live", "--endpoint", account.url, "--no-config")

    assert status == 0
    assert out.startswith(f"catalog: live list from {account.url} fetched ")


def test_list_of_a_file_that_is_not_an_image_list(capsys, tmp_path):
    (tmp_path / "bad.json").write_text('{"hello": 1}')

    status, _, err = images(capsys, "list", "--images", str(tmp_path / "bad.json"), "--no-config")

    assert status == 2
    assert "bad.json: not an image list" in err


# -- diff --------------------------------------------------------------------------------


def test_diff_reports_added_removed_and_changed_images(capsys, tmp_path):
    old = rest_list(tmp_path / "old.json", IMAGES[:4])
    changed = json.loads(json.dumps(IMAGES[2]))
    changed["verificationType"] = "verified"
    changed["batchSupportEndOfLife"] = "2027-01-31T00:00:00Z"
    new = rest_list(tmp_path / "new.json", [IMAGES[0], IMAGES[1], changed, IMAGES[5]])

    status, out, _ = images(capsys, "diff", old, new)

    assert status == 1
    assert out.splitlines()[2:] == [
        "+ microsoft-dsvm:ubuntu-hpc:2204 with batch.node.ubuntu 22.04 (verified)",
        "- microsoftwindowsserver:windowsserver:2022-datacenter with batch.node.windows amd64",
        "~ almalinux:almalinux-hpc:8_7-hpc-gen2 with batch.node.el 8: verification unverified "
        "-> verified; end of life 2027-06-30 -> 2027-01-31",
        "1 added, 1 removed, 1 changed",
    ]


def test_diff_reports_changed_capabilities(capsys, tmp_path):
    changed = json.loads(json.dumps(IMAGES[1]))
    changed["capabilities"] = ["DockerCompatible", "NvidiaTeslaDriverInstalled"]
    old = rest_list(tmp_path / "old.json", [IMAGES[1]])
    new = rest_list(tmp_path / "new.json", [changed])

    _, out, _ = images(capsys, "diff", old, new)

    assert "capabilities DockerCompatible -> DockerCompatible, NvidiaTeslaDriverInstalled" in out


def test_diff_of_the_same_list_exits_0(capsys, tmp_path):
    old = rest_list(tmp_path / "old.json", IMAGES)
    new = rest_list(tmp_path / "new.json", list(reversed(IMAGES)))

    status, out, _ = images(capsys, "diff", old, new)

    assert status == 0
    assert out.splitlines()[-1] == "no differences"


def test_diff_compares_names_ignoring_case(capsys, tmp_path):
    upper = json.loads(json.dumps(IMAGES[0]))
    upper["imageReference"]["publisher"] = "Canonical"
    old = rest_list(tmp_path / "old.json", [IMAGES[0]])
    new = rest_list(tmp_path / "new.json", [upper])

    assert images(capsys, "diff", old, new)[0] == 0


def test_diff_against_the_bundled_snapshot_as_json(capsys, tmp_path):
    new = rest_list(tmp_path / "new.json", IMAGES)

    status, out, _ = images(capsys, "diff", "bundled", new, "--format", "json")

    doc = json.loads(out)
    assert status == 1
    assert doc["old"]["kind"] == "bundled"
    assert doc["summary"]["added"] == 2
    assert {i["imageReference"]["offer"] for i in doc["added"]} == {"almalinux-hpc", "debian-12"}


def test_diff_of_a_missing_file_exits_2_naming_it(capsys, tmp_path):
    new = rest_list(tmp_path / "new.json", IMAGES)

    status, _, err = images(capsys, "diff", str(tmp_path / "gone.json"), new)

    assert status == 2
    assert "gone.json: cannot read the image list" in err


def test_images_without_an_action_is_a_usage_error(capsys):
    status, _, err = images(capsys)

    assert status == 2
    assert "batchlint: error:" in err


def test_pull_of_a_list_that_does_not_fit_the_schema_exits_3_naming_the_entry(account, capsys):
    odd = json.loads(json.dumps(IMAGES[0]))
    odd["verificationType"] = "preview"
    account.images = [odd]

    status, _, err = images(capsys, "pull", "--endpoint", account.url, "-o", "snap.json")

    assert status == 3
    assert "does not fit a snapshot" in err
    assert "at entries/0/verificationType" in err
