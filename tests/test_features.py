"""Retired pool features: low-priority nodes, classic communication, certificates, pinned versions.

Each test writes a failing and a passing pool side by side, in ARM JSON and in a pool spec
YAML, lints the file through the command with the date pinned, and checks the rule, the line
and the lifecycle row the decision came from.
"""

from __future__ import annotations

import pytest
from pool_builders import (
    FORMATS,
    PoolDef,
    corpus_findings,
    findings,
    line_of,
    lint,
    of_pool,
    spelled,
    write,
)

AS_OF = ("--as-of", "2026-12-10")
UBUNTU = "canonical:ubuntu-24_04-lts:server"
AGENT = "batch.node.ubuntu 24.04"
SIZE = "Standard_D4s_v5"


def run(tmp_path, fmt, *pools, as_of=AS_OF):
    name, text = write(fmt, tmp_path, *pools)
    return text, lint(tmp_path, name, *as_of)


def low_priority(nodes: int) -> dict:
    return {
        "arm": {"scaleSettings": {"fixedScale": {"targetLowPriorityNodes": nodes}}},
        "spec": {"targetLowPriorityNodes": nodes},
    }


# -- low-priority-nodes-retired --------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_low_priority_nodes_give_an_info_about_spot(tmp_path, fmt):
    failing = PoolDef("spot", SIZE, UBUNTU, AGENT, **low_priority(4))
    passing = PoolDef("dedicated", SIZE, UBUNTU, AGENT, **low_priority(0))
    text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "low-priority-nodes-retired")
    assert len(found) == 1 and of_pool(found, "spot") == found
    finding = found[0]
    assert finding["severity"] == "info"
    assert finding["line"] == line_of(text, spelled(fmt, "targetLowPriorityNodes"), after="spot")
    assert "Batch retired low-priority nodes on 2025-09-30" in finding["message"]
    assert "lifecycle feature 'low-priority-nodes'" in finding["evidence"][0]
    assert "github.com/Azure/Batch/issues/196" in finding["evidence"][0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_autoscale_formula_with_low_priority_target_gives_an_info(tmp_path, fmt):
    formula = "$TargetDedicatedNodes = 1; $TargetLowPriorityNodes = 4;"
    pool = PoolDef(
        "auto",
        SIZE,
        UBUNTU,
        AGENT,
        arm={"scaleSettings": {"autoScale": {"formula": formula}}},
        spec={"enableAutoScale": True, "autoScaleFormula": formula},
    )
    text, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "low-priority-nodes-retired")
    assert len(found) == 1
    assert found[0]["line"] == line_of(text, "$TargetLowPriorityNodes")
    assert "autoscale formula sets $TargetLowPriorityNodes" in found[0]["message"]


# -- node-communication-mode-retired ---------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_classic_communication_mode_after_its_date_is_an_error(tmp_path, fmt):
    failing = PoolDef(
        "classic", SIZE, UBUNTU, AGENT, body={"targetNodeCommunicationMode": "Classic"}
    )
    passing = PoolDef(
        "simple", SIZE, UBUNTU, AGENT, body={"targetNodeCommunicationMode": "Simplified"}
    )
    text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "node-communication-mode-retired")
    assert len(found) == 1 and of_pool(found, "classic") == found
    finding = found[0]
    assert finding["severity"] == "error"
    assert finding["line"] == line_of(
        text, spelled(fmt, "targetNodeCommunicationMode"), after="classic"
    )
    assert "retired the classic node communication mode on 2026-03-31" in finding["message"]
    assert "lifecycle feature 'classic-node-communication-mode'" in finding["evidence"][0]
    assert finding["fix"] == "set targetNodeCommunicationMode to Simplified"


@pytest.mark.parametrize("fmt", FORMATS)
def test_classic_communication_mode_before_its_date_is_a_warning(tmp_path, fmt):
    pool = PoolDef("classic", SIZE, UBUNTU, AGENT, body={"targetNodeCommunicationMode": "classic"})
    _, doc = run(tmp_path, fmt, pool, as_of=("--as-of", "2026-01-15"))

    found = findings(doc, "node-communication-mode-retired")
    assert [f["severity"] for f in found] == ["warning"]
    assert "retires the classic node communication mode on 2026-03-31" in found[0]["message"]


# -- certificate-references-retired ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_pool_certificate_references_are_an_error(tmp_path, fmt):
    reference = [{"id": "thumbprint", "storeLocation": "LocalMachine"}]
    failing = PoolDef(
        "certs",
        SIZE,
        UBUNTU,
        AGENT,
        arm={"certificates": reference},
        spec={"certificateReferences": reference},
    )
    passing = PoolDef("plain", SIZE, UBUNTU, AGENT)
    text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "certificate-references-retired")
    assert len(found) == 1 and of_pool(found, "certs") == found
    finding = found[0]
    assert finding["severity"] == "error"
    key = "certificateReferences" if fmt == "pool-spec" else spelled(fmt, "certificates")
    assert finding["line"] == line_of(text, key, after="certs")
    assert "retired pool certificate references on 2024-02-29" in finding["message"]
    assert "lifecycle feature 'batch-account-certificates'" in finding["evidence"][0]
    assert "Key Vault" in finding["fix"]
    assert "AZ_BATCH_CERTIFICATES_DIR" in finding["note"]


# -- image-version-pinned --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_dated_image_version_gives_an_info(tmp_path, fmt):
    failing = PoolDef("pinned", SIZE, UBUNTU, AGENT, version="24.04.202411030")
    passing = PoolDef("latest", SIZE, UBUNTU, AGENT, version="Latest")
    text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "image-version-pinned")
    assert len(found) == 1 and of_pool(found, "pinned") == found
    finding = found[0]
    assert finding["severity"] == "info"
    assert finding["line"] == line_of(text, "24.04.202411030")
    assert "'24.04.202411030'" in finding["message"]
    assert "batch-linux-nodes" in finding["evidence"][0]
    assert f"supported-image entry {UBUNTU} |" in finding["evidence"][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_image_without_version_is_not_pinned(tmp_path, fmt):
    pool = PoolDef("open", SIZE, UBUNTU, AGENT, version=None)
    _, doc = run(tmp_path, fmt, pool)
    assert findings(doc, "image-version-pinned") == []


# -- the corpus ------------------------------------------------------------------------------

#: Every finding of these rules over tests/corpus, each read against its file and judged right:
#: the rendering pool of the Azure CLI samples asks for low-priority nodes and pins its image
#: version, and the 3ds Max template pins its rendering image version.
CORPUS_FEATURE_FINDINGS = {
    "real": [
        (
            "image-version-pinned",
            "dataplane/azure-docs-cli-samples-render-mypool-rendering-windows2016-pinned.json",
            9,
        ),
        (
            "image-version-pinned",
            "other/batch-rendering-3dsmax-pool-template-vmconfig-via-variable.json",
            111,
        ),
        (
            "low-priority-nodes-retired",
            "dataplane/azure-docs-cli-samples-render-mypool-rendering-windows2016-pinned.json",
            14,
        ),
    ],
}


def test_corpus_gives_exactly_the_judged_feature_findings():
    rule_ids = ("BL207", "BL208", "BL209", "BL210")
    assert corpus_findings(rule_ids, AS_OF[1]) == CORPUS_FEATURE_FINDINGS
