"""Capability rules: image capabilities against the VM size and the pool's settings.

Each test writes a failing and a passing pool side by side, in ARM JSON and in a pool spec
YAML, lints the file through the command, and checks the rule, the line and the data row the
decision came from.
"""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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

from batchlint import vmsizes

AS_OF = ("--as-of", "2026-12-10")
UBUNTU = "canonical:ubuntu-24_04-lts:server"
UBUNTU_GEN1 = "canonical:ubuntu-24_04-lts:server-gen1"
UBUNTU_ARM = "canonical:ubuntu-24_04-lts:server-arm64"
UBUNTU_HPC = "microsoft-dsvm:ubuntu-hpc:2404"
AGENT = "batch.node.ubuntu 24.04"
AGENT_ARM = "batch.node.ubuntu 24.04-arm64"
WINDOWS = "microsoftwindowsserver:windowsserver:2022-datacenter-g2"
WINDOWS_AGENT = "batch.node.windows amd64"
CONTAINERS = {"containerConfiguration": {"type": "dockerCompatible"}}


def run(tmp_path, fmt, *pools, as_of=AS_OF):
    name, text = write(fmt, tmp_path, *pools)
    return name, text, lint(tmp_path, name, *as_of)


# -- container-image-not-docker-compatible --------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_containers_on_image_without_docker_capability_is_an_error(tmp_path, fmt):
    failing = PoolDef("plain", "Standard_D4s_v5", UBUNTU, AGENT, vm_config=CONTAINERS)
    passing = PoolDef("hpc", "Standard_D4s_v5", UBUNTU_HPC, AGENT, vm_config=CONTAINERS)
    name, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "container-image-not-docker-compatible")
    assert [f["pool"].split("/")[-1] for f in found] == ["plain"]
    finding = found[0]
    assert finding["severity"] == "error"
    assert (finding["file"], finding["line"]) == (
        name,
        line_of(text, spelled(fmt, "containerConfiguration"), after="plain"),
    )
    assert "supported-image entry canonical:ubuntu-24_04-lts:server |" in finding["evidence"][0]
    assert "bundled snapshot of 2026-12-03" in finding["evidence"][0]
    assert "microsoft-dsvm:ubuntu-hpc:2404" in finding["fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_containers_on_custom_image_are_not_judged(tmp_path, fmt):
    gallery = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i"
    pool = PoolDef("custom", "Standard_D4s_v5", agent=AGENT, image_id=gallery, vm_config=CONTAINERS)
    _, _, doc = run(tmp_path, fmt, pool)
    assert findings(doc, "container-image-not-docker-compatible") == []


# -- vm-size-image-generation-mismatch -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_generation2_only_size_with_generation1_image_is_an_error(tmp_path, fmt):
    failing = PoolDef("gen1", "Standard_D4s_v6", UBUNTU_GEN1, AGENT)
    passing = PoolDef("gen2", "Standard_D4s_v6", UBUNTU, AGENT)
    name, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "vm-size-image-generation-mismatch")
    assert len(found) == 1 and of_pool(found, "gen1") == found
    finding = found[0]
    assert finding["severity"] == "error"
    assert finding["line"] == line_of(text, "Standard_D4s_v6", after="gen1")
    assert "boots only Generation 2" in finding["message"]
    assert "generation_support row 'Dsv6'" in finding["evidence"][0]
    assert "dsv6-series.md" in finding["evidence"][0]
    assert "capabilities none" in finding["evidence"][1]
    assert UBUNTU in finding["fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_generation1_only_size_with_generation2_image_is_an_error(tmp_path, fmt):
    failing = PoolDef("gen2", "Standard_D2_v2", UBUNTU, AGENT)
    passing = PoolDef("gen1", "Standard_D2_v2", UBUNTU_GEN1, AGENT)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "vm-size-image-generation-mismatch")
    assert len(found) == 1 and of_pool(found, "gen2") == found
    assert found[0]["line"] == line_of(text, "Standard_D2_v2", after="gen2")
    assert "Generation 2 image" in found[0]["message"]
    assert "generation_support row 'Dv2'" in found[0]["evidence"][0]
    assert "Generation2VMImage" in found[0]["evidence"][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_generation_row_marked_uncertain_gives_a_warning_with_a_note(tmp_path, fmt):
    pool = PoolDef("dv3", "Standard_D4_v3", UBUNTU, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "vm-size-image-generation-mismatch")
    assert [f["severity"] for f in found] == ["warning"]
    assert found[0]["note"].startswith("the VM size data row is marked uncertain")
    assert "marked uncertain" in found[0]["evidence"][0]


# -- gpu-size-without-gpu-driver -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_nvidia_size_without_driver_or_extension_is_a_warning(tmp_path, fmt):
    extension = {
        "extensions": [
            {
                "name": "gpu",
                "publisher": "Microsoft.HpcCompute",
                "type": "NvidiaGpuDriverLinux",
                "typeHandlerVersion": "1.6",
            }
        ]
    }
    failing = PoolDef("bare", "Standard_NC8as_T4_v3", UBUNTU, AGENT)
    passing = PoolDef("driver", "Standard_NC8as_T4_v3", UBUNTU, AGENT, vm_config=extension)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "gpu-size-without-gpu-driver")
    assert len(found) == 1 and of_pool(found, "bare") == found
    finding = found[0]
    assert finding["severity"] == "warning"
    assert finding["line"] == line_of(text, "Standard_NC8as_T4_v3", after="bare")
    assert "NVIDIA Tesla T4" in finding["message"]
    assert "somewhere else" in finding["message"]
    assert "gpu_families row 'NCasT4_v3'" in finding["evidence"][0]
    assert "hpccompute-gpu-linux" in finding["evidence"][2]
    assert "NvidiaGpuDriverLinux" in finding["fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_amd_gpu_size_is_not_checked_for_nvidia_drivers(tmp_path, fmt):
    pool = PoolDef("amd", "Standard_NV12ads_V710_v5", UBUNTU, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)
    assert findings(doc, "gpu-size-without-gpu-driver") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_hpc_image_documented_to_carry_the_driver_passes(tmp_path, fmt):
    pool = PoolDef("hpc", "Standard_NC8as_T4_v3", UBUNTU_HPC, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)
    assert findings(doc, "gpu-size-without-gpu-driver") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_gpu_row_marked_uncertain_gives_an_info_with_a_note(tmp_path, fmt):
    pool = PoolDef("ndv2", "Standard_ND40rs_v2", UBUNTU, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "gpu-size-without-gpu-driver")
    assert [f["severity"] for f in found] == ["info"]
    assert "NDv2" in found[0]["evidence"][0] and "marked uncertain" in found[0]["note"]


# -- vm-size-architecture-mismatch -----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_arm_size_with_x64_image_and_agent_is_an_error(tmp_path, fmt):
    failing = PoolDef("x64", "Standard_D4ps_v6", UBUNTU, AGENT)
    passing = PoolDef("arm", "Standard_D4ps_v6", UBUNTU_ARM, AGENT_ARM)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "vm-size-architecture-mismatch")
    assert len(found) == 1 and of_pool(found, "x64") == found
    finding = found[0]
    assert finding["severity"] == "error"
    assert finding["line"] == line_of(text, "Standard_D4ps_v6", after="x64")
    assert "has an arm64 CPU" in finding["message"]
    assert f"image {UBUNTU} and node agent '{AGENT}' are x64" in finding["message"]
    assert "naming rule" in finding["evidence"][0]
    assert "github.com/Azure/Batch/issues/185" in finding["evidence"][0]
    assert UBUNTU_ARM in finding["fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_x64_size_with_arm64_agent_is_an_error(tmp_path, fmt):
    failing = PoolDef("arm-on-x64", "Standard_D4s_v5", UBUNTU_ARM, AGENT_ARM)
    passing = PoolDef("x64-on-x64", "Standard_D4s_v5", UBUNTU, AGENT)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "vm-size-architecture-mismatch")
    assert len(found) == 1 and of_pool(found, "arm-on-x64") == found
    assert found[0]["line"] == line_of(text, "Standard_D4s_v5", after="arm-on-x64")
    assert f"image {UBUNTU_ARM} and node agent '{AGENT_ARM}' are arm64" in found[0]["message"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_size_without_standard_prefix_is_read_as_a_standard_size(tmp_path, fmt):
    pool = PoolDef("short", "d4ps_v6", UBUNTU, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)
    assert len(findings(doc, "vm-size-architecture-mismatch")) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_architecture_exception_marked_uncertain_gives_a_warning(tmp_path, fmt):
    pool = PoolDef("grace", "Standard_ND128isr_GB200_v6", UBUNTU_HPC, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "vm-size-architecture-mismatch")
    assert [f["severity"] for f in found] == ["warning"]
    assert "exception row" in found[0]["evidence"][0]
    assert "Grace" in found[0]["note"]


# -- vm-size-retired -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_size_in_family_past_its_batch_date_is_an_error(tmp_path, fmt):
    failing = PoolDef("v100", "Standard_NC6s_v3", UBUNTU_HPC, AGENT)
    passing = PoolDef("t4", "Standard_NC8as_T4_v3", UBUNTU_HPC, AGENT)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "vm-size-retired")
    assert len(found) == 1 and of_pool(found, "v100") == found
    finding = found[0]
    assert finding["severity"] == "error"
    assert finding["line"] == line_of(text, "Standard_NC6s_v3", after="v100")
    assert "retired by Batch on 2025-09-30" in finding["message"]
    assert "lifecycle vm_families row 'NCv3 (Tesla V100)'" in finding["evidence"][0]
    assert "NCv3-series-VM-family-support-in-azure-batch-pools-retirement" in finding["evidence"][0]
    assert "NCasT4_v3" in finding["fix"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_size_in_family_before_its_date_is_a_warning(tmp_path, fmt):
    pool = PoolDef("v100", "Standard_NC6s_v3", UBUNTU_HPC, AGENT)
    _, _, doc = run(tmp_path, fmt, pool, as_of=("--as-of", "2025-06-01"))

    found = findings(doc, "vm-size-retired")
    assert [f["severity"] for f in found] == ["warning"]
    assert "which Batch retires on 2025-09-30" in found[0]["message"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_platform_only_retirement_date_carries_a_note(tmp_path, fmt):
    pool = PoolDef("fsv2", "standard_f8s_v2", UBUNTU, AGENT)
    _, _, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "vm-size-retired")
    assert [f["severity"] for f in found] == ["warning"]
    assert "the Azure platform retires on 2028-11-15" in found[0]["message"]
    assert "Batch has published no date" in found[0]["note"]


# -- os-configuration-mismatch ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_windows_configuration_on_linux_image_is_an_error(tmp_path, fmt):
    windows = {"windowsConfiguration": {"enableAutomaticUpdates": False}}
    failing = PoolDef("linux", "Standard_D4s_v5", UBUNTU, AGENT, vm_config=windows)
    passing = PoolDef("windows", "Standard_D4s_v5", WINDOWS, WINDOWS_AGENT, vm_config=windows)
    _, text, doc = run(tmp_path, fmt, failing, passing)

    found = findings(doc, "os-configuration-mismatch")
    assert len(found) == 1 and of_pool(found, "linux") == found
    assert found[0]["line"] == line_of(text, spelled(fmt, "windowsConfiguration"), after="linux")
    assert f"image {UBUNTU} is Linux" in found[0]["message"]
    assert f"supported-image entry {UBUNTU} |" in found[0]["evidence"][0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_linux_user_on_custom_image_with_windows_agent_is_an_error(tmp_path, fmt):
    users = {
        "userAccounts": [{"name": "ops", "password": "x", "linuxUserConfiguration": {"uid": 1001}}]
    }
    gallery = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/w"
    pool = PoolDef("custom", "Standard_D4s_v5", agent=WINDOWS_AGENT, image_id=gallery, body=users)
    _, text, doc = run(tmp_path, fmt, pool)

    found = findings(doc, "os-configuration-mismatch")
    assert len(found) == 1
    assert found[0]["line"] == line_of(text, spelled(fmt, "linuxUserConfiguration"))
    assert f"node agent '{WINDOWS_AGENT}' is Windows" in found[0]["message"]


# -- the VM size facts themselves ------------------------------------------------------------


def test_size_names_compare_without_case_and_with_standard_assumed():
    assert vmsizes.normalise(" STANDARD_D2S_V3 ") == "standard_d2s_v3"
    assert vmsizes.normalise("D2s_v3") == "standard_d2s_v3"
    assert vmsizes.normalise("Basic_A1") == "basic_a1"
    assert not vmsizes.has_tier_prefix("D2s_v3")


def test_family_letters_are_not_read_as_the_arm_feature_letter():
    sizes = vmsizes.bundled()
    assert sizes.architecture("Standard_NP10s").arch == vmsizes.X64
    assert sizes.architecture("Standard_E2pds_v6").arch == vmsizes.ARM64


def test_name_outside_the_naming_guide_has_no_architecture():
    assert vmsizes.bundled().architecture("small") is None


def test_gpu_vendor_comes_from_the_family_row():
    sizes = vmsizes.bundled()
    assert sizes.gpu("Standard_ND96isr_MI300X_v5").vendor == "AMD"
    assert sizes.gpu("standard_nc24ads_a100_v4").vendor == "NVIDIA"
    assert sizes.gpu("Standard_D4s_v5") is None


# -- the corpus ------------------------------------------------------------------------------

#: Every finding of these rules over tests/corpus, each read against its file and judged right:
#: containers on images whose entry lacks DockerCompatible (Windows Server, plain Ubuntu, Alma
#: x86_64), NCv3 sizes past the Batch date, and D/Dv2 and Fsv2 sizes that the platform retires.
#: GPU pools in the corpus use Ubuntu HPC images, which carry the driver, so BL203 stays quiet.
CORPUS_CAPABILITY_FINDINGS = {
    "arm-01-toplevel-literal": [("container-image-not-docker-compatible", "azuredeploy.json", 81)],
    "arm-03-nested-child-pools": [("vm-size-retired", "azuredeploy.json", 32)],
    "arm-05-copy-loop": [
        ("vm-size-retired", "azuredeploy.json", 82),
        ("vm-size-retired", "azuredeploy.json", 82),
    ],
    "arm-06-params-file-override": [
        ("container-image-not-docker-compatible", "azuredeploy.json", 52)
    ],
    "arm-07-jsonc-comments": [("vm-size-retired", "azuredeploy.json", 21)],
    "bicep-02-params-vars-object-param": [("vm-size-retired", "main.bicep", 72)],
    "bicep-03-parent-and-loop": [("vm-size-retired", "main.bicep", 20)],
    "bicep-08-module-loop-object-param": [
        ("container-image-not-docker-compatible", "main.bicep", 31)
    ],
    "bicep-10-bicepparam-only": [("container-image-not-docker-compatible", "infra/main.bicep", 35)],
    "dataplane-01-json-basic": [("container-image-not-docker-compatible", "pool-add.json", 13)],
    "dataplane-02-yaml-list": [("container-image-not-docker-compatible", "pools.yaml", 25)],
    "terraform-08-tf-json-basic": [("container-image-not-docker-compatible", "main.tf.json", 49)],
    "terraform-09-tf-json-vars-list-blocks": [("vm-size-retired", "main.tf.json", 14)],
    "real": [
        ("vm-size-retired", "arm/quickstart-batch-pool-no-public-ip-azuredeploy.json", 26),
        (
            "vm-size-retired",
            "arm/restspec-rm-2024-07-01-PoolCreate_SharedImageGallery-example.json",
            15,
        ),
        (
            "vm-size-retired",
            "dataplane/azure-docs-cli-samples-render-mypool-rendering-windows2016-pinned.json",
            3,
        ),
        (
            "vm-size-retired",
            "other/batch-rendering-3dsmax-pool-template-vmconfig-via-variable.json",
            39,
        ),
        ("vm-size-retired", "other/batchcliext-ffmpeg-pool-template-image-via-variables.json", 5),
        ("vm-size-retired", "other/batchcliext-testdata-pool-simple-debian8.json", 8),
    ],
}


def test_corpus_gives_exactly_the_judged_capability_findings():
    rule_ids = ("BL201", "BL202", "BL203", "BL204", "BL205", "BL206")
    assert corpus_findings(rule_ids, AS_OF[1]) == CORPUS_CAPABILITY_FINDINGS


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(alphabet="sd_v3-1[]*?a", max_size=12),
    pattern=st.text(alphabet="sd_v3-1[]*?a!", max_size=12),
)
def test_size_globs_match_as_fnmatch_does(name, pattern):
    # The shortcuts taken before compiling a glob never change the answer.
    vmsizes._matches.cache_clear()
    assert vmsizes._matches(name, pattern) == (bool(pattern) and fnmatch.fnmatchcase(name, pattern))
