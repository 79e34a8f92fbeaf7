"""Suppressions in plain JSON, which has no comments: a ``metadata`` entry on the pool."""

from __future__ import annotations

import json

import pytest
from suppression_samples import SAMPLES, lint, seen

ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _pool_body(name: str, **extra) -> dict:
    body = {
        "id": name,
        "vmSize": "standard_d2s_v5",
        "virtualMachineConfiguration": {
            "imageReference": {
                "publisher": "canonical",
                "offer": "0001-com-ubuntu-server-jammy",
                "sku": "22_04-lts",
            },
            "nodeAgentSKUId": "batch.node.ubuntu 22.04",
        },
    }
    body.update(extra)
    return body


def _arm(metadata: dict | None, name: str = "acct/pool-a") -> dict:
    resource = {
        "type": "Microsoft.Batch/batchAccounts/pools",
        "apiVersion": "2024-07-01",
        "name": name,
        "properties": {
            "vmSize": "standard_d2s_v5",
            "deploymentConfiguration": {
                "virtualMachineConfiguration": {
                    "imageReference": {
                        "publisher": "canonical",
                        "offer": "0001-com-ubuntu-server-jammy",
                        "sku": "22_04-lts",
                    },
                    "nodeAgentSkuId": "batch.node.ubuntu 22.04",
                }
            },
        },
    }
    if metadata is not None:
        resource["metadata"] = {"batchlint": metadata}
    return {"$schema": ARM_SCHEMA, "contentVersion": "1.0.0.0", "resources": [resource]}


def _write(folder, name: str, doc) -> str:
    (folder / name).write_text(json.dumps(doc, indent=2) + "\n")
    return name


def _line_of(folder, name: str, needle: str) -> int:
    text = (folder / name).read_text().splitlines()
    return next(n for n, line in enumerate(text, 1) if needle in line)


def test_arm_resource_metadata_hides_the_pools_findings(here):
    path = _write(here, "pool.json", _arm({"disable": ["pool-seen"], "reason": "pinned agent"}))
    result = lint(path)
    assert seen(result) == []
    assert [f.rule_name for f in result.suppressed] == ["pool-seen"]


def test_metadata_disable_may_be_one_rule_as_text(here):
    path = _write(here, "pool.json", _arm({"disable": "TST001", "reason": "by id"}))
    assert seen(lint(path)) == []


def test_pool_spec_metadata_object_hides_the_pools_findings(here):
    body = _pool_body("pool-a", metadata={"batchlint": {"disable": ["all"], "reason": "lab"}})
    path = _write(here, "pool.json", body)
    assert seen(lint(path)) == []


def test_pool_spec_metadata_as_batch_name_value_pairs(here):
    value = json.dumps({"disable": ["pool-seen"], "reason": "kept for the render farm"})
    body = _pool_body("pool-a", metadata=[{"name": "batchlint", "value": value}])
    path = _write(here, "pool.json", body)
    assert seen(lint(path)) == []


def test_metadata_on_one_pool_leaves_the_other_pools(here):
    tagged = _pool_body("pool-a", metadata={"batchlint": {"disable": "pool-seen", "reason": "x"}})
    path = _write(here, "pools.json", [tagged, _pool_body("pool-b")])
    assert [f.pool for f in seen(lint(path))] == ["pool-b"]


def test_metadata_without_a_reason_is_reported_at_the_metadata(here):
    path = _write(here, "pool.json", _arm({"disable": ["pool-seen"]}))
    result = lint(path)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert invalid.location.line == _line_of(here, path, '"batchlint"')
    assert "no reason" in invalid.message
    assert len(seen(result)) == 1


def test_metadata_with_an_unknown_key_is_reported(here):
    path = _write(here, "pool.json", _arm({"disabled": ["pool-seen"], "reason": "typo"}))
    result = lint(path)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert "unknown key 'disabled'" in invalid.message


def test_expired_metadata_leaves_the_finding_with_a_note(here):
    meta = {"disable": ["pool-seen"], "reason": "until the upgrade", "until": "2026-01-31"}
    path = _write(here, "pool.json", _arm(meta))
    [finding] = seen(lint(path))
    assert finding.note.startswith("suppression expired on 2026-01-31")


def test_unused_metadata_is_reported_when_asked(here):
    path = _write(here, "pool.json", _arm({"disable": ["image-unverified"], "reason": "old"}))
    result = lint(path, report_unused_suppressions=True)
    [unused] = [f for f in result.findings if f.rule_name == "suppression-unused"]
    assert unused.location.line == _line_of(here, path, '"batchlint"')
    assert "metadata" in unused.message


def test_metadata_and_comments_both_work_in_jsonc(here):
    text = SAMPLES["arm-jsonc"].render(top="// a template with comments")
    text = text.replace(
        '"type": "Microsoft.Batch/batchAccounts/pools",',
        '"type": "Microsoft.Batch/batchAccounts/pools",\n'
        '      "metadata": {"batchlint": {"disable": ["pool-seen"], "reason": "meta"}},',
    )
    (here / "azuredeploy.json").write_text(text)
    assert seen(lint("azuredeploy.json")) == []
