"""Every run names its catalog and its age, and warns when a snapshot is too old.

The age is shown with the catalog's name, not as a note: notes are for what needs attention.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest

from batchlint import run
from batchlint.catalog import CatalogInfo
from batchlint.catalog.cache import write_json
from batchlint.catalog.live import FetchResult, snapshot_document
from batchlint.cli import main
from batchlint.options import LintOptions
from batchlint.reporters.json import JsonReporter
from batchlint.reporters.text import TextReporter

from helpers import pool_spec

pytestmark = pytest.mark.usefixtures("restore_logging")

ENTRY = {
    "imageReference": {"publisher": "canonical", "offer": "ubuntu-24_04-lts", "sku": "server"},
    "verificationType": "verified",
    "nodeAgentSKUId": "batch.node.ubuntu 24.04",
}


@pytest.fixture
def pools(tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    spec = pool_spec("canonical", "ubuntu-24_04-lts", "server", "batch.node.ubuntu 24.04")
    (tmp_path / "pool.json").write_text(json.dumps(spec))
    return "pool.json"


def snapshot(path, fetched: str) -> str:
    write_json(
        str(path),
        snapshot_document(FetchResult("https://a.eastus.batch.azure.com", [ENTRY], 1, fetched)),
    )
    return str(path)


def execute(**options) -> run.RunResult:
    return run.execute(LintOptions(jobs=1, **options))


def test_bundled_catalog_age_is_kept_on_the_result_not_in_a_note(pools):
    result = execute(paths=[pools], as_of=dt.date(2027, 1, 2))

    assert result.catalog_age_days == 30
    assert result.notes == []


def test_bundled_snapshot_older_than_90_days_warns_on_stderr(pools, capsys):
    result = execute(paths=[pools], as_of=dt.date(2027, 6, 1))

    err = capsys.readouterr().err
    assert err == (
        "batchlint: warning: bundled snapshot of 2026-12-03, eastus2 is 180 days old, more than "
        "90 days: upgrade batchlint, or pull a fresh list with `batchlint images pull` or lint "
        "with --live\n"
    )
    assert result.notes == [err.removeprefix("batchlint: warning: ").strip()]


def test_old_snapshot_file_warning_names_the_file(pools, tmp_path, capsys):
    old = snapshot(tmp_path / "old.json", "2026-06-01T08:00:00Z")

    execute(paths=[pools], images=old, as_of=dt.date(2026, 12, 3))

    err = capsys.readouterr().err
    assert f"snapshot {old} of 2026-06-01, eastus is 185 days old, more than 90 days" in err
    assert "upgrade batchlint" not in err


def test_maximum_age_is_configurable(pools, tmp_path, capsys):
    old = snapshot(tmp_path / "old.json", "2026-06-01T08:00:00Z")

    result = execute(
        paths=[pools], images=old, as_of=dt.date(2026, 12, 3), snapshot_max_age_days=365
    )

    assert capsys.readouterr().err == ""
    assert result.notes == []
    assert result.catalog_age_days == 185


def test_maximum_age_of_zero_turns_the_warning_off(pools, tmp_path, capsys):
    old = snapshot(tmp_path / "old.json", "2020-01-01T00:00:00Z")

    execute(paths=[pools], images=old, as_of=dt.date(2026, 12, 3), snapshot_max_age_days=0)

    assert capsys.readouterr().err == ""


def test_text_report_names_the_catalog_its_date_and_age_in_one_line(pools, capsys):
    status = main(["--as-of", "2026-12-13", "--no-config", pools])

    out = capsys.readouterr().out
    assert status == 0
    assert "catalog: bundled snapshot of 2026-12-03, eastus2 (10 days old)\n" in out
    assert "note:" not in out


def test_text_report_says_one_day_old(pools, capsys):
    main(["--as-of", "2026-12-04", "--no-config", pools])

    assert "catalog: bundled snapshot of 2026-12-03, eastus2 (1 day old)\n" in (
        capsys.readouterr().out
    )


def test_text_report_of_an_old_snapshot_keeps_the_warning_as_a_note(pools, capsys):
    main(["--as-of", "2027-06-01", "--no-config", pools])

    out = capsys.readouterr().out
    assert "catalog: bundled snapshot of 2026-12-03, eastus2 (180 days old)\n" in out
    assert "note: bundled snapshot of 2026-12-03, eastus2 is 180 days old, more than 90" in out


def test_json_report_carries_the_catalog_with_its_age_and_no_note(pools, capsys):
    main(["--format", "json", "--as-of", "2026-12-13", "--no-config", pools])

    doc = json.loads(capsys.readouterr().out)
    assert doc["catalog"]["kind"] == "bundled"
    assert doc["catalog"]["date"] == "2026-12-03"
    assert doc["catalog"]["age_days"] == 10
    assert doc["notes"] == []


def undated_result() -> run.RunResult:
    info = CatalogInfo(kind="snapshot", name="list.json", date=None)
    return run.RunResult(files=["pool.json"], catalog=SimpleNamespace(info=info))


def test_json_report_age_of_an_undated_catalog_is_null():
    stream = io.StringIO()
    JsonReporter(stream).report(undated_result())

    assert json.loads(stream.getvalue())["catalog"]["age_days"] is None


def test_text_report_says_the_age_of_an_undated_catalog_is_unknown():
    stream = io.StringIO()
    TextReporter(stream).report(undated_result())

    assert "catalog: snapshot list.json of undated (age unknown)\n" in stream.getvalue()


def test_sarif_report_has_no_notification_for_a_fresh_catalog(pools, capsys):
    main(["--format", "sarif", "--as-of", "2026-12-13", "--no-config", pools])

    invocation = json.loads(capsys.readouterr().out)["runs"][0]["invocations"][0]
    assert "toolExecutionNotifications" not in invocation


def test_maximum_age_from_the_configuration_file(pools, tmp_path, capsys):
    (tmp_path / ".batchlint.yaml").write_text("catalog:\n  max-age-days: 5\n")

    main(["--as-of", "2026-12-13", pools])

    assert "is 10 days old, more than 5 days" in capsys.readouterr().err
