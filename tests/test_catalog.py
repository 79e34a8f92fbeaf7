"""Loading the supported-image list in every shape, and matching against it."""

from __future__ import annotations

import json

import pytest

from batchlint.catalog import CatalogError, norm
from batchlint.catalog.lifecycle import bundled
from batchlint.catalog.schema import entries_hash
from batchlint.catalog.snapshot import load_bundled, load_file

from helpers import REAL_IMAGES, run_cli

ENTRY = {
    "imageReference": {
        "publisher": "canonical",
        "offer": "ubuntu-24_04-lts",
        "sku": "server",
        "version": "latest",
    },
    "verificationType": "verified",
    "nodeAgentSKUId": "batch.node.ubuntu 24.04",
    "capabilities": ["DockerCompatible"],
    "osType": "linux",
}


def save(tmp_path, doc) -> str:
    path = tmp_path / "images.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_bundled_catalog_says_what_it_is_and_its_date():
    catalog = load_bundled()
    assert catalog.info.kind == "bundled"
    assert catalog.info.date.isoformat() == "2026-12-03"
    assert catalog.info.region == "eastus2"
    assert len(catalog.entries) == 59
    assert catalog.info.label() == "bundled snapshot of 2026-12-03, eastus2"


def test_bundled_data_matches_its_hash():
    from batchlint import datafiles

    doc = datafiles.load_json("supported-images.json")
    assert doc["hash"] == entries_hash(doc["entries"])
    assert doc["count"] == len(doc["entries"])


def test_rest_response_shape(tmp_path):
    catalog = load_file(save(tmp_path, {"odata.metadata": "x", "value": [ENTRY]}))
    [entry] = catalog.entries
    assert (entry.image, entry.node_agent) == (
        "canonical:ubuntu-24_04-lts:server",
        "batch.node.ubuntu 24.04",
    )
    assert entry.has("dockercompatible")


def test_az_cli_list_shape(tmp_path):
    item = dict(ENTRY)
    item["nodeAgentSkuId"] = item.pop("nodeAgentSKUId")
    catalog = load_file(save(tmp_path, [item]))
    assert catalog.lookup("Canonical", "Ubuntu-24_04-LTS", "Server")[0].node_agent == (
        "batch.node.ubuntu 24.04"
    )


def test_batchlint_snapshot_shape_keeps_its_metadata(tmp_path):
    doc = {
        "format": "batchlint-snapshot",
        "format_version": 1,
        "source": {
            "kind": "live",
            "endpoint": "https://acct.eastus.batch.azure.com",
            "region": "eastus",
            "api_version": "2025-06-01",
            "fetched_at": "2026-11-30T10:00:00Z",
            "tool_version": "0.1.0",
        },
        "count": 1,
        "hash": entries_hash([ENTRY]),
        "entries": [ENTRY],
    }
    catalog = load_file(save(tmp_path, doc))
    assert catalog.info.date.isoformat() == "2026-11-30"
    assert catalog.info.region == "eastus"


def test_snapshot_with_a_wrong_hash_is_refused(tmp_path):
    doc = {
        "format": "batchlint-snapshot",
        "format_version": 1,
        "source": {"kind": "live", "fetched_at": "2026-11-30T10:00:00Z"},
        "count": 1,
        "hash": "sha256:" + "0" * 64,
        "entries": [ENTRY],
    }
    with pytest.raises(CatalogError, match="hash does not match"):
        load_file(save(tmp_path, doc))


def test_old_node_agent_sku_list_shape():
    catalog = load_file(
        str(
            REAL_IMAGES
            / (
                "azure-batch-cli-extensions-nodeagentskus-westcentralus-2019-03-19-2018-12-01.8.0.json"
            )
        )
    )
    assert len(catalog.entries) == 36
    assert catalog.knows_agent("batch.node.ubuntu 16.04")


@pytest.mark.parametrize("path", sorted(p.name for p in REAL_IMAGES.glob("*.json")))
def test_every_recorded_list_loads(path):
    catalog = load_file(str(REAL_IMAGES / path))
    assert catalog.entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"items": []}', "not an image list"),
        (
            '[{"imageReference": {"publisher": "a", "offer": "b", "sku": "c"}}]',
            "missing nodeAgentSKUId",
        ),
        (
            '[{"imageReference": {"publisher": "a"}, "nodeAgentSKUId": "x"}]',
            "imageReference has no offer, sku",
        ),
        (
            '[{"imageReference": {"publisher": "a", "offer": "b", "sku": "c"}, '
            '"nodeAgentSKUId": "x", "batchSupportEndOfLife": "soon"}]',
            "is not a date",
        ),
    ],
)
def test_bad_image_lists_name_the_problem(tmp_path, text, message):
    path = tmp_path / "images.json"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message):
        load_file(str(path))


def test_bad_image_list_on_the_command_line_exits_2(tmp_path):
    path = tmp_path / "images.json"
    path.write_text("{not json")
    proc = run_cli("examples", "--images", str(path))
    assert proc.returncode == 2
    assert f"{path}:1:2: the image list is not valid JSON" in proc.stderr


def test_matching_is_case_and_space_insensitive():
    catalog = load_bundled()
    assert norm("Batch.Node.Ubuntu  24.04") == "batch.node.ubuntu 24.04"
    assert catalog.lookup("MicrosoftWindowsServer", "WindowsServer", "2022-Datacenter")


def test_lifecycle_prefers_an_exact_sku_over_a_pattern():
    row = bundled().image("microsoft-dsvm", "ubuntu-hpc", "2004")
    assert row.sku_pattern == "2004"
    assert bundled().image("canonical", "UbuntuServer", "18.04-LTS").end_of_life.isoformat() == (
        "2023-05-30"
    )
