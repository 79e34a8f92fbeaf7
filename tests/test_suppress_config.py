"""Central suppressions: listed in the configuration by rule and path, with reason and expiry."""

from __future__ import annotations

import textwrap

import pytest
from suppression_samples import SAMPLES, options, plugins, seen

from batchlint import config, run


@pytest.fixture
def here(tmp_path, monkeypatch):
    real = config.known_rules

    def known():
        return {**real(), "pool-seen": "pool-seen", "tst001": "pool-seen"}

    monkeypatch.setattr(config, "known_rules", known)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(folder, settings: str, *paths: str, **extra):
    (folder / ".batchlint.yaml").write_text(textwrap.dedent(settings))
    opts = options(*paths)
    config.apply(opts, extra)
    return run.execute(opts, plugins())


def _two_files(folder):
    (folder / "infra").mkdir()
    (folder / "legacy").mkdir()
    SAMPLES["yaml"].write(folder / "infra", "pools.yaml")
    SAMPLES["yaml"].write(folder / "legacy", "pools.yaml")


def test_configured_suppression_hides_findings_of_matching_paths(here):
    _two_files(here)
    result = _lint(
        here,
        """
        suppressions:
          - rule: pool-seen
            paths: [legacy/*]
            reason: legacy pools are retired in Q3
        """,
        "infra",
        "legacy",
    )
    assert [f.location.file for f in seen(result)] == ["infra/pools.yaml"]
    assert [f.location.file for f in result.suppressed] == ["legacy/pools.yaml"]


def test_configured_suppression_without_paths_applies_everywhere(here):
    _two_files(here)
    result = _lint(
        here,
        """
        suppressions:
          - {rule: TST001, reason: not enforced yet}
        """,
        "infra",
        "legacy",
    )
    assert seen(result) == []
    assert len(result.suppressed) == 2


def test_configured_paths_are_relative_to_the_configuration_folder(here, monkeypatch):
    _two_files(here)
    (here / ".batchlint.yaml").write_text(
        "suppressions:\n  - {rule: pool-seen, paths: legacy/pools.yaml, reason: x}\n"
    )
    monkeypatch.chdir(here / "legacy")
    opts = options("pools.yaml")
    config.apply(opts, {})
    assert seen(run.execute(opts, plugins())) == []


def test_expired_configured_suppression_leaves_the_finding_with_a_note(here):
    SAMPLES["yaml"].write(here)
    result = _lint(
        here,
        """
        suppressions:
          - rule: pool-seen
            reason: until the migration
            until: 2026-03-01
        """,
        "pools.yaml",
    )
    [finding] = seen(result)
    assert finding.note == "suppression expired on 2026-03-01 (.batchlint.yaml:3:1)"


def test_unused_configured_suppression_is_reported_at_its_line(here):
    SAMPLES["yaml"].write(here)
    result = _lint(
        here,
        """
        fail-on: warning
        suppressions:
          - rule: pool-seen
            reason: used
          - rule: image-unverified
            paths: ["*.yaml"]
            reason: not any more
        """,
        "pools.yaml",
        report_unused_suppressions=True,
    )
    [unused] = [f for f in result.findings if f.rule_name == "suppression-unused"]
    assert (unused.location.file, unused.location.line) == (".batchlint.yaml", 6)
    assert "configured suppression of image-unverified for *.yaml" in unused.message


def test_unused_report_skips_suppressions_for_files_outside_the_run(here):
    _two_files(here)
    result = _lint(
        here,
        """
        suppressions:
          - {rule: pool-seen, paths: [legacy/*], reason: x}
        """,
        "infra",
        report_unused_suppressions=True,
    )
    assert [f.rule_name for f in result.findings] == ["pool-seen"]


def test_unused_report_can_come_from_the_configuration(here):
    SAMPLES["yaml"].write(here, agent="batchlint-disable-next-line image-unverified -- old")
    result = _lint(here, "report-unused-suppressions: true\n", "pools.yaml")
    assert [f.rule_name for f in result.findings] == ["suppression-unused", "pool-seen"]
