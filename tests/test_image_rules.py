"""The image and node agent pair rules, each failing and passing side by side."""

from __future__ import annotations

import json

import pytest

from helpers import findings_of, lint_json, pool_spec, write


def lint_spec(tmp_path, body: dict, *args: str) -> dict:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(body, indent=2))
    return lint_json(str(path), *args)


def rules_of(doc: dict) -> list[str]:
    return sorted(f["rule_name"] for f in doc["findings"])


def test_supported_verified_pair_has_no_finding(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("canonical", "ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04")
    )
    assert doc["findings"] == []


def test_matching_ignores_case_in_every_part(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("Canonical", "Ubuntu-24_04-LTS", "SERVER", "Batch.Node.Ubuntu 24.04")
    )
    assert doc["findings"] == []


def test_unknown_sku_is_not_supported_with_nearest_skus_suggested(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("canonical", "ubuntu-24_04-lts", "servr", "batch.node.ubuntu 24.04")
    )
    [finding] = findings_of(doc, "image-not-supported")
    assert finding["severity"] == "error"
    assert (
        "canonical:ubuntu-24_04-lts:servr is not in the supported-image list" in finding["message"]
    )
    assert (
        "canonical:ubuntu-24_04-lts:server with node agent 'batch.node.ubuntu 24.04'"
        in (finding["fix"])
    )
    assert finding["line"] == 8  # the sku line


def test_supported_image_with_another_listed_agent_is_a_mismatch(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("canonical", "ubuntu-24_04-lts", "server", "batch.node.el 9")
    )
    [finding] = doc["findings"]
    assert finding["rule_name"] == "node-agent-mismatch"
    assert (
        "supported with node agent 'batch.node.ubuntu 24.04', not 'batch.node.el 9'"
        in (finding["message"])
    )
    assert finding["line"] == 10  # the agent line


def test_retired_agent_is_unknown_with_its_retirement_date(tmp_path):
    doc = lint_spec(
        tmp_path,
        pool_spec(
            "canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "batch.node.ubuntu 20.04"
        ),
    )
    [finding] = findings_of(doc, "node-agent-unknown")
    assert "Batch retired it on 2025-04-23" in finding["message"]
    assert "'batch.node.ubuntu 22.04'" in finding["fix"]


def test_misspelt_agent_gets_a_close_match(tmp_path):
    doc = lint_spec(tmp_path, pool_spec("contoso", "unknown", "x", "batch.node.ubuntu 24.4"))
    [finding] = findings_of(doc, "node-agent-unknown")
    assert finding["fix"].startswith("did you mean 'batch.node.ubuntu 24.04'")


def test_unverified_entry_is_a_warning_naming_verified_alternatives(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("almalinux", "almalinux-hpc", "8-hpc-gen2", "batch.node.el 8")
    )
    [finding] = findings_of(doc, "image-unverified")
    assert finding["severity"] == "warning"
    assert "listed as unverified" in finding["message"]


def test_image_removed_from_the_list_is_end_of_life_with_date_and_successor(tmp_path):
    doc = lint_spec(
        tmp_path, pool_spec("Canonical", "UbuntuServer", "18.04-LTS", "batch.node.ubuntu 18.04")
    )
    assert rules_of(doc) == ["image-end-of-life"]  # the agent's retirement is not repeated
    [finding] = doc["findings"]
    assert "reached its end of life in Batch on 2023-05-30" in finding["message"]
    assert finding["fix"].startswith("use canonical:ubuntu-24_04-lts:server with node agent")


def test_announced_end_of_life_is_info_when_far_and_warning_when_near(tmp_path):
    body = pool_spec(
        "canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "batch.node.ubuntu 22.04"
    )
    far = lint_spec(tmp_path, body, "--as-of", "2026-06-01")
    [finding] = far["findings"]
    assert (finding["rule_name"], finding["severity"]) == ("image-near-end-of-life", "info")
    near = lint_spec(tmp_path, body, "--as-of", "2027-03-01")
    [finding] = near["findings"]
    assert (finding["rule_name"], finding["severity"]) == ("image-near-end-of-life", "warning")
    assert "on 2027-06-30 (in 121 days)" in finding["message"]
    past = lint_spec(tmp_path, body, "--as-of", "2027-06-30")
    assert rules_of(past) == ["image-end-of-life"]


def test_eol_warning_window_is_configurable(tmp_path):
    body = pool_spec(
        "canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "batch.node.ubuntu 22.04"
    )
    doc = lint_spec(tmp_path, body, "--as-of", "2026-12-03", "--eol-warning-days", "365")
    assert [f["severity"] for f in doc["findings"]] == ["warning"]


def test_list_end_of_life_wins_over_the_lifecycle_catalog(tmp_path):
    images = {
        "value": [
            {
                "imageReference": {
                    "publisher": "canonical",
                    "offer": "0001-com-ubuntu-server-jammy",
                    "sku": "22_04-lts",
                    "version": "latest",
                },
                "verificationType": "verified",
                "nodeAgentSKUId": "batch.node.ubuntu 22.04",
                "batchSupportEndOfLife": "2026-01-15T00:00:00Z",
                "osType": "linux",
            }
        ]
    }
    snapshot = tmp_path / "images.json"
    snapshot.write_text(json.dumps(images))
    body = pool_spec(
        "canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "batch.node.ubuntu 22.04"
    )
    doc = lint_spec(tmp_path, body, "--images", str(snapshot))
    [finding] = doc["findings"]
    assert finding["rule_name"] == "image-end-of-life"
    assert "on 2026-01-15" in finding["message"]  # the list's date, not the lifecycle's 2027


def test_unresolved_sku_lists_the_candidates(tmp_path):
    write(
        tmp_path,
        "azuredeploy.json",
        """
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": {"sku": {"type": "string"}},
          "resources": [{
            "type": "Microsoft.Batch/batchAccounts/pools",
            "apiVersion": "2024-07-01",
            "name": "acct/pool",
            "properties": {
              "vmSize": "Standard_D2s_v5",
              "deploymentConfiguration": {"virtualMachineConfiguration": {
                "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts",
                                   "sku": "[parameters('sku')]"},
                "nodeAgentSkuId": "batch.node.ubuntu 24.04"}}}
          }]
        }
    """,
    )
    doc = lint_json(str(tmp_path / "azuredeploy.json"))
    [finding] = doc["findings"]
    assert finding["rule_name"] == "value-unresolved"
    assert finding["severity"] == "warning"
    assert "SKU cannot be verified: parameter 'sku' has no default" in finding["message"]
    assert "canonical:ubuntu-24_04-lts:server with node agent" in finding["fix"]
    assert finding["line"] == 13  # where the pool uses the parameter
    [pool] = doc["pools"]
    assert pool["values"]["sku"]["unresolved"].startswith("parameter 'sku' has no default")


@pytest.mark.parametrize(
    ("image_id", "expected"),
    [
        ("/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/images/base", "error"),
        ("https://contoso.blob.core.windows.net/vhds/base.vhd", "error"),
        (
            "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i",
            None,
        ),
    ],
)
def test_custom_image_sources(tmp_path, image_id, expected):
    body = {
        "id": "p",
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": {"virtualMachineImageId": image_id},
            "nodeAgentSKUId": "batch.node.ubuntu 24.04",
        },
    }
    doc = lint_spec(tmp_path, body)
    found = findings_of(doc, "custom-image-retired-source")
    assert [f["severity"] for f in found] == ([expected] if expected else [])


def test_custom_image_still_has_its_node_agent_checked(tmp_path):
    body = {
        "id": "p",
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": {"sharedGalleryImageId": "/SharedGalleries/x/Images/y/Versions/1"},
            "nodeAgentSKUId": "batch.node.centos 7",
        },
    }
    doc = lint_spec(tmp_path, body)
    [finding] = doc["findings"]
    assert finding["rule_name"] == "node-agent-unknown"
    assert "retired it on 2024-07-01" in finding["message"]


def test_cloud_service_configuration_is_retired(tmp_path):
    body = {"id": "p", "vmSize": "small", "cloudServiceConfiguration": {"osFamily": "6"}}
    doc = lint_spec(tmp_path, body)
    [finding] = doc["findings"]
    assert finding["rule_name"] == "cloud-service-configuration-retired"
    assert "retired them on 2024-02-29" in finding["message"]
    before = lint_spec(tmp_path, body, "--as-of", "2023-01-01")
    assert [f["severity"] for f in before["findings"]] == ["warning"]


def test_pool_without_agent_is_incomplete(tmp_path):
    doc = lint_spec(tmp_path, pool_spec("canonical", "ubuntu-24_04-lts", "server", None))
    [finding] = doc["findings"]
    assert finding["rule_name"] == "pool-incomplete"
    assert finding["fix"] == "add nodeAgentSkuId 'batch.node.ubuntu 24.04'"


def test_retired_image_with_a_listed_agent_is_still_end_of_life(tmp_path):
    doc = lint_spec(
        tmp_path,
        pool_spec(
            "canonical", "0001-com-ubuntu-server-focal", "20_04-lts", "batch.node.ubuntu 24.04"
        ),
    )
    [finding] = doc["findings"]
    assert finding["rule_name"] == "image-end-of-life"
    assert "on 2025-04-23" in finding["message"]


def test_suggestions_run_on_the_pools_cpu(tmp_path):
    body = pool_spec(
        "canonical",
        "ubuntu-24_04-lts",
        "servr",
        "batch.node.ubuntu 24.04",
        vmSize="Standard_D2s_v5",
    )
    doc = lint_spec(tmp_path, body)
    [finding] = findings_of(doc, "image-not-supported")
    assert "arm64" not in finding["fix"]
    arm = pool_spec(
        "canonical",
        "ubuntu-24_04-lts",
        "servr",
        "batch.node.ubuntu 24.04-arm64",
        vmSize="Standard_D4ps_v6",
    )
    [finding] = findings_of(lint_spec(tmp_path, arm), "image-not-supported")
    assert finding["fix"] == (
        "use a supported image, e.g. canonical:ubuntu-24_04-lts:server-arm64 with node agent "
        "'batch.node.ubuntu 24.04-arm64'"
    )


def test_a_successor_the_catalog_does_not_list_is_said_so(tmp_path):
    images = [
        {
            "imageReference": {
                "publisher": "almalinux",
                "offer": "almalinux-x86_64",
                "sku": "8-gen2",
                "version": "latest",
            },
            "verificationType": "verified",
            "nodeAgentSkuId": "batch.node.el 8",
            "osType": "linux",
        }
    ]
    snapshot = tmp_path / "images.json"
    snapshot.write_text(json.dumps(images))
    body = pool_spec("OpenLogic", "CentOS", "7_9", "batch.node.centos 7")
    doc = lint_spec(tmp_path, body, "--images", str(snapshot))
    [finding] = findings_of(doc, "image-end-of-life")
    assert finding["fix"].startswith("use almalinux:almalinux-x86_64:9-gen2 with node agent")
    assert f"which snapshot {snapshot} of" in finding["fix"]
    assert "does not list" in finding["fix"]


def test_an_image_reference_of_the_wrong_type_is_unresolved_not_missing(tmp_path):
    body = {
        "id": "p",
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": 42,
            "nodeAgentSKUId": "batch.node.ubuntu 24.04",
        },
    }
    doc = lint_spec(tmp_path, body)
    [finding] = doc["findings"]
    assert finding["rule_name"] == "value-unresolved"
    assert "imageReference is a number, not an object" in finding["message"]
