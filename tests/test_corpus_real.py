"""Real public pool definitions: every pool MANIFEST.tsv counts is found, each finding is right."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from helpers import REAL, lint_json

#: The formats of issue 2: ARM, pool specs and Batch CLI extension templates (the Batch
#: Shipyard and bacc configurations under other/ are formats batchlint does not read).
FORMATS = ("arm", "dataplane")

#: Findings of the image and pool rules per file: (rule, line). Each was read and checked:
#: Ubuntu 18.04 and the rendering images are past their end of life; Ubuntu 15.10 is in no list
#: and its Debian 8 agent was retired; osFamily 4 is a cloud-service pool.
EXPECTED = {
    "arm/quickstart-batch-pool-no-public-ip-azuredeploy.json": [("image-end-of-life", 209)],
    "arm/resourcemodules-batchAccounts-test-pool.parameters.json": [],
    "arm/restspec-rm-2024-07-01-PoolCreate_SharedImageGallery-example.json": [
        ("node-agent-unknown", 12)
    ],
    "arm/restspec-rm-2025-06-01-PoolCreate_SecurityProfile-example.json": [
        ("image-end-of-life", 12)
    ],
    "dataplane/azure-cli-testdata-batch-pool-create-win2022.json": [],
    "dataplane/azure-cli-testdata-batchCreatePool-null-virtualMachineImageId-exactVersion.json": [],
    "dataplane/azure-cli-testdata-batchCreateTestPool.json": [],
    "dataplane/azure-docs-cli-samples-render-mypool-rendering-windows2016-pinned.json": [
        ("image-end-of-life", 8)
    ],
    "other/batch-rendering-3dsmax-pool-template-vmconfig-via-variable.json": [
        ("image-end-of-life", 110)
    ],
    "other/batchcliext-ffmpeg-pool-template-image-via-variables.json": [("image-end-of-life", 39)],
    "other/batchcliext-helloworld-cloudservice-osfamily4.json": [
        ("cloud-service-configuration-retired", 8)
    ],
    "other/batchcliext-testdata-pool-simple-debian8.json": [
        ("image-not-supported", 39),
        ("node-agent-unknown", 49),
    ],
}


def manifest_counts() -> dict[str, int]:
    with open(REAL / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    counts = {}
    for row in rows:
        committed = row["committed"].startswith("yes")
        in_scope = row["format"] in FORMATS or row["file"].startswith(
            ("other/batchcliext", "other/batch-rendering")
        )
        if committed and in_scope:
            counts[row["file"]] = int(row["pools"] or 0)
    return counts


@pytest.fixture(scope="module")
def doc():
    return lint_json(str(REAL))


def _rel(path: str) -> str:
    return path.split("corpus/real/", 1)[1]


def test_every_counted_pool_is_found(doc):
    found = Counter(_rel(p["file"]) for p in doc["pools"])
    for file, count in manifest_counts().items():
        assert found.get(file, 0) == count, file


def test_no_file_fails_to_read(doc):
    assert [f for f in doc["findings"] if f["rule_name"] == "parse-error"] == []


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_findings_of_the_image_and_pool_rules(doc, file):
    ours = sorted(
        (f["rule_name"], f["line"])
        for f in doc["findings"]
        if _rel(f["file"]) == file and f["rule_id"][:3] in ("BL0", "BL1")
    )
    assert ours == sorted(EXPECTED[file])


def test_end_of_life_finding_gives_date_and_successor(doc):
    [finding] = [
        f
        for f in doc["findings"]
        if _rel(f["file"]).startswith("arm/quickstart") and f["rule_id"] == "BL105"
    ]
    assert "on 2023-05-30" in finding["message"]
    assert "canonical:ubuntu-24_04-lts:server" in finding["fix"]
