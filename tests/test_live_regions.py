"""Region snapshots: a pool whose account location is known is checked against its region."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from batchlint import run
from batchlint.catalog import CatalogInfo
from batchlint.catalog.cache import write_json
from batchlint.catalog.live import FetchResult, snapshot_document
from batchlint.catalog.snapshot import load_bundled
from batchlint.model import Location, Pool, Value
from batchlint.options import LintOptions
from batchlint.rule import RuleContext

pytestmark = pytest.mark.usefixtures("restore_logging")

DEBIAN = {
    "imageReference": {"publisher": "debian", "offer": "debian-12", "sku": "12"},
    "verificationType": "verified",
    "nodeAgentSKUId": "batch.node.debian 12",
}
WHERE = Location("main.json", 1)
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def region_snapshot(path, entries=(DEBIAN,), region="westeurope") -> str:
    fetched = "2026-12-01T00:00:00Z"
    result = FetchResult(f"https://a.{region}.batch.azure.com", list(entries), 1, fetched)
    write_json(str(path), snapshot_document(result))
    return str(path)


def pool_in(region: Value | None) -> Pool:
    return Pool(name="pool", format="arm", location=WHERE, region=region)


def context(mapping: dict) -> RuleContext:
    return RuleContext(load_bundled(), dt.date(2026, 12, 3), options={"region_snapshots": mapping})


def test_pool_in_a_mapped_region_gets_that_regions_snapshot(tmp_path):
    ctx = context({"westeurope": region_snapshot(tmp_path / "we.json")})

    catalog = ctx.catalog_for(pool_in(Value("westeurope", WHERE)))

    assert catalog.info.kind == "snapshot"
    assert [e.image for e in catalog.entries] == ["debian:debian-12:12"]


def test_region_names_match_ignoring_case_and_spaces(tmp_path):
    ctx = context({"West Europe": region_snapshot(tmp_path / "we.json")})

    catalog = ctx.catalog_for(pool_in(Value("westEUROPE", WHERE)))

    assert catalog.info.kind == "snapshot"


def test_pool_in_an_unmapped_region_gets_the_main_catalog(tmp_path):
    ctx = context({"westeurope": region_snapshot(tmp_path / "we.json")})

    assert ctx.catalog_for(pool_in(Value("eastus2", WHERE))) is ctx.catalog


def test_pool_whose_region_is_unknown_gets_the_main_catalog(tmp_path):
    ctx = context({"westeurope": region_snapshot(tmp_path / "we.json")})
    unknown = Value.unknown("resourceGroup().location is known only at deployment", WHERE)

    assert ctx.catalog_for(pool_in(unknown)) is ctx.catalog
    assert ctx.catalog_for(pool_in(None)) is ctx.catalog


def test_each_region_snapshot_is_loaded_once(tmp_path):
    ctx = context({"westeurope": region_snapshot(tmp_path / "we.json")})
    pool = pool_in(Value("westeurope", WHERE))

    assert ctx.catalog_for(pool) is ctx.catalog_for(pool)


def test_live_list_of_the_same_region_wins_over_its_snapshot(tmp_path):
    ctx = context({"eastus": region_snapshot(tmp_path / "east.json", region="eastus")})
    live = load_bundled()
    live.info = CatalogInfo("live", "https://a.eastus.batch.azure.com", None, region="eastus")
    ctx.catalog = live

    assert ctx.catalog_for(pool_in(Value("eastus", WHERE))) is live


# -- the ARM reader sets the region ------------------------------------------------------


def template(tmp_path, *, nested: bool, location: str = "westeurope") -> str:
    pool = {
        "type": "pools" if nested else "Microsoft.Batch/batchAccounts/pools",
        "apiVersion": "2024-07-01",
        "name": "pool-debian" if nested else "contosobatch/pool-debian",
        "properties": {
            "vmSize": "standard_d2s_v5",
            "deploymentConfiguration": {
                "virtualMachineConfiguration": {
                    "imageReference": DEBIAN["imageReference"],
                    "nodeAgentSkuId": DEBIAN["nodeAgentSKUId"],
                }
            },
        },
    }
    account = {
        "type": "Microsoft.Batch/batchAccounts",
        "apiVersion": "2024-07-01",
        "name": "contosobatch",
        "location": location,
        "properties": {},
    }
    if nested:
        account["resources"] = [pool]
        resources = [account]
    else:
        resources = [account, pool]
    doc = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}
    path = tmp_path / "main.json"
    path.write_text(json.dumps(doc, indent=2))
    return str(path)


def lint(paths, **options) -> run.RunResult:
    return run.execute(LintOptions(paths=paths, jobs=1, as_of=dt.date(2026, 12, 3), **options))


@pytest.mark.parametrize("nested", [True, False], ids=["nested-child", "top-level"])
def test_arm_pool_takes_the_region_of_its_account(tmp_path, nested):
    result = lint([template(tmp_path, nested=nested)])

    (pool,) = result.pools
    assert pool.region.value == "westeurope"
    assert (pool.region.location.file, pool.region.location.line) == (result.files[0], 9)


def test_arm_pool_whose_account_is_not_in_the_template_has_no_region(tmp_path):
    path = Path(template(tmp_path, nested=False))
    doc = json.loads(path.read_text())
    doc["resources"] = doc["resources"][1:]
    path.write_text(json.dumps(doc))

    (pool,) = lint([str(path)]).pools

    assert pool.region is None


def test_arm_account_location_from_the_resource_group_is_unknown(tmp_path):
    (pool,) = lint([template(tmp_path, nested=True, location="[resourceGroup().location]")]).pools

    assert pool.region is not None and not pool.region.known


def test_pool_is_checked_against_its_regions_snapshot(tmp_path):
    path = template(tmp_path, nested=True)
    regional = region_snapshot(tmp_path / "we.json")

    without = lint([path])
    with_region = lint([path], region_snapshots={"West Europe": regional})

    assert "image-not-supported" in {f.rule_name for f in without.findings}
    assert "image-not-supported" not in {f.rule_name for f in with_region.findings}
    assert f"pools in West Europe are checked against snapshot {regional}" in " ".join(
        with_region.notes
    )


def test_region_snapshot_from_the_configuration_file(tmp_path, monkeypatch, capsys):
    from batchlint.cli import main

    monkeypatch.chdir(tmp_path)
    template(tmp_path, nested=True)
    region_snapshot(tmp_path / "we.json")
    (tmp_path / ".batchlint.yaml").write_text("catalog:\n  regions:\n    westeurope: we.json\n")

    status = main(["--format", "json", "--as-of", "2026-12-03", "-j1", "main.json"])

    doc = json.loads(capsys.readouterr().out)
    assert status == 0
    assert "image-not-supported" not in {f["rule_name"] for f in doc["findings"]}


def test_region_snapshot_that_cannot_be_read_stops_the_run_with_exit_2(tmp_path, capsys):
    path = template(tmp_path, nested=True)
    opts = LintOptions(paths=[path], region_snapshots={"westeurope": str(tmp_path / "no.json")})

    assert run.lint(opts) == 2
    assert "no.json: cannot read the image list" in capsys.readouterr().err
