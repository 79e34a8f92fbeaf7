"""The configuration file: where it is found, what its keys set, and how mistakes are reported."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from batchlint import configfile
from batchlint.cli import main, parse_lint_args
from batchlint.configfile import find
from batchlint.options import UsageError


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(folder, name: str, text: str):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def _options(*argv: str):
    opts, _ = parse_lint_args([*argv, "."])
    return opts


def _error(*argv: str) -> str:
    with pytest.raises(UsageError) as caught:
        _options(*argv)
    return str(caught.value)


# -- finding the file ------------------------------------------------------------------------


def test_configuration_is_found_in_a_parent_folder(here):
    _write(here, ".batchlint.yaml", "fail-on: warning\n")
    (here / "infra" / "pools").mkdir(parents=True)
    assert find(str(here / "infra" / "pools")) == str(here / ".batchlint.yaml")


def test_nearest_configuration_wins(here):
    _write(here, ".batchlint.yaml", "fail-on: warning\n")
    _write(here, "infra/.batchlint.yml", "fail-on: info\n")
    assert find(str(here / "infra")) == str(here / "infra" / ".batchlint.yml")


def test_yaml_file_wins_over_pyproject_in_the_same_folder(here):
    _write(here, ".batchlint.yaml", "fail-on: warning\n")
    _write(here, "pyproject.toml", "[tool.batchlint]\nfail-on = 'info'\n")
    assert find(str(here)) == str(here / ".batchlint.yaml")


def test_pyproject_without_a_batchlint_table_is_passed_over(here):
    _write(here, "pyproject.toml", "[tool.batchlint]\nfail-on = 'info'\n")
    _write(here, "app/pyproject.toml", "[project]\nname = 'app'\n")
    assert find(str(here / "app")) == str(here / "pyproject.toml")


# -- what the keys set ------------------------------------------------------------------------


def test_yaml_settings_become_options(here):
    _write(
        here,
        ".batchlint.yaml",
        """
        fail-on: warning
        eol-warning-days: 30
        max-file-size: 1M
        vars: {os: ubuntu, replicas: 3, gpu: false}
        """,
    )
    opts = _options()
    assert (opts.fail_on, opts.eol_warning_days, opts.max_file_size) == ("warning", 30, 1048576)
    assert opts.variables == {"os": "ubuntu", "replicas": "3", "gpu": "false"}
    assert opts.sources["fail_on"] == ".batchlint.yaml"


def test_pyproject_table_settings_become_options(here):
    _write(
        here,
        "pyproject.toml",
        """
        [project]
        name = "infra"

        [tool.batchlint]
        fail-on = "info"
        exclude = ["generated"]

        [tool.batchlint.rules]
        image-unverified = "off"
        BL105 = { severity = "warning" }
        """,
    )
    opts = _options()
    assert opts.fail_on == "info"
    assert opts.exclude == ["generated"]
    assert opts.rules == {
        "image-unverified": {"enabled": False},
        "image-end-of-life": {"severity": "warning"},
    }


def test_rule_settings_accept_off_a_severity_or_a_mapping(here):
    _write(
        here,
        ".batchlint.yaml",
        """
        rules:
          image-unverified: off
          image-version-pinned: warning
          bl105: {severity: info}
        """,
    )
    assert _options().rules == {
        "image-unverified": {"enabled": False},
        "image-version-pinned": {"enabled": True, "severity": "warning"},
        "image-end-of-life": {"severity": "info"},
    }


def test_command_line_wins_over_the_file(here):
    _write(here, ".batchlint.yaml", "fail-on: warning\neol-warning-days: 30\n")
    opts = _options("--fail-on", "error")
    assert (opts.fail_on, opts.eol_warning_days) == ("error", 30)
    assert opts.sources["fail_on"] == "command line"


def test_no_config_ignores_the_file(here):
    _write(here, ".batchlint.yaml", "fail-on: [not, valid]\n")
    assert _options("--no-config").fail_on == "error"


def test_config_option_names_the_file(here):
    _write(here, "ci/lint.yaml", "fail-on: info\n")
    assert _options("--config", "ci/lint.yaml").fail_on == "info"


def test_config_option_with_a_missing_file_is_an_error(here):
    assert _error("--config", "nope.yaml") == "--config nope.yaml: no such file"
    assert _error("--config", os.devnull) == f"--config {os.devnull}: not a regular file"


def test_paths_in_the_file_are_relative_to_its_folder(here, monkeypatch):
    _write(
        here,
        ".batchlint.yaml",
        """
        parameters: [params/prod.parameters.json]
        var-files: envs/prod.tfvars
        baseline: .batchlint-baseline.json
        catalog:
          snapshot: snapshots/eastus.json
          regions: {westeurope: snapshots/westeurope.json}
        """,
    )
    for name in ("params/prod.parameters.json", "envs/prod.tfvars"):
        (here / name).parent.mkdir()
        (here / name).write_text("")
    (here / "infra").mkdir()
    monkeypatch.chdir(here / "infra")
    opts = _options()
    assert opts.parameter_files == [str(here / "params" / "prod.parameters.json")]
    assert os.path.abspath(opts.var_files[0]) == str(here / "envs" / "prod.tfvars")
    assert os.path.abspath(opts.baseline) == str(here / ".batchlint-baseline.json")
    assert os.path.abspath(opts.images) == str(here / "snapshots" / "eastus.json")
    assert os.path.abspath(opts.region_snapshots["westeurope"]) == str(
        here / "snapshots" / "westeurope.json"
    )


def test_exclude_with_a_folder_is_relative_to_the_configuration(here, monkeypatch):
    _write(here, ".batchlint.yaml", "exclude: [build/generated, '*.bak.json', vendor]\n")
    opts = _options()
    assert opts.exclude == ["build/generated", "*.bak.json", "vendor"]
    (here / "build").mkdir()
    monkeypatch.chdir(here / "build")
    assert _options().exclude == ["generated", "*.bak.json", "vendor"]


def test_catalog_source_live_sets_live_with_its_endpoint(here):
    _write(
        here,
        ".batchlint.yaml",
        """
        catalog:
          source: live
          endpoint: https://contoso.eastus.batch.azure.com
          cache-ttl-hours: 6
          max-age-days: 30
        """,
    )
    opts = _options()
    assert (opts.live, opts.endpoint) == (True, "https://contoso.eastus.batch.azure.com")
    assert (opts.cache_ttl_hours, opts.snapshot_max_age_days) == (6.0, 30)


def test_images_on_the_command_line_replace_a_live_source_from_the_file(here):
    _write(here, ".batchlint.yaml", "catalog: {source: live, endpoint: 'https://a.b'}\n")
    opts = _options("--images", "snap.json")
    assert (opts.live, opts.images) == (False, "snap.json")


def test_no_live_on_the_command_line_turns_a_live_source_from_the_file_off(here, capsys):
    # A hook that must run offline keeps the configuration and lints against the snapshot.
    _write(here, ".batchlint.yaml", "catalog: {source: live, endpoint: 'https://a.b'}\n")
    assert _options("--no-live").live is False
    assert _options().live is True
    _write(here, "pool.json", '{"id": "p", "vmSize": "Standard_D2s_v5"}\n')
    assert main(["pool.json", "--no-live", "--as-of", "2026-12-03"]) in (0, 1)
    assert "bundled snapshot" in capsys.readouterr().out


def test_a_configured_snapshot_that_cannot_be_read_is_reported_at_its_key(here, capsys):
    _write(here, ".batchlint.yaml", "fail-on: error\ncatalog:\n  snapshot: catalog/eastus.json\n")
    _write(here, "pool.json", '{"id": "p", "vmSize": "Standard_D2s_v5"}\n')
    assert main(["pool.json"]) == 2
    err = capsys.readouterr().err
    assert "cannot read the image list" in err
    assert "(catalog.snapshot, .batchlint.yaml:3)" in err


def test_toml_dates_are_read_as_dates(here):
    _write(
        here,
        "pyproject.toml",
        """
        [[tool.batchlint.suppressions]]
        rule = "image-unverified"
        reason = "lab pools"
        until = 2027-01-31
        """,
    )
    [entry] = _options().suppressions
    assert (entry["rules"], entry["until"], entry["line"]) == (
        ["image-unverified"],
        "2027-01-31",
        1,
    )


def test_empty_yaml_file_sets_nothing(here):
    _write(here, ".batchlint.yaml", "# nothing yet\n")
    assert _options().fail_on == "error"


def test_configured_rule_off_turns_the_rule_off_in_a_run(here, capsys):
    _write(here, ".batchlint.yaml", "rules: {parse-error: off}\n")
    _write(here, "pool.json", '{"virtualMachineConfiguration": {\n')
    assert main(["pool.json"]) == 0
    assert "BL001" not in capsys.readouterr().out


def test_configured_severity_applies_in_a_run(here, capsys):
    _write(here, ".batchlint.yaml", "rules: {parse-error: warning}\n")
    _write(here, "pool.json", '{"virtualMachineConfiguration": {\n')
    assert main(["pool.json"]) == 0
    assert "warning BL001" in capsys.readouterr().out


# -- mistakes --------------------------------------------------------------------------------


def test_unknown_key_names_key_file_and_line(here):
    _write(here, ".batchlint.yaml", "fail-on: error\ncatalog:\n  sorce: live\n")
    assert _error().startswith(".batchlint.yaml:3: unknown key 'sorce' in catalog")


def test_unknown_top_level_key_in_pyproject_names_its_line(here):
    _write(here, "pyproject.toml", "[project]\nname = 'x'\n\n[tool.batchlint]\nfail_on = 'x'\n")
    assert _error().startswith("pyproject.toml:5: unknown key 'fail_on' in the configuration")


def test_bad_severity_names_key_file_and_line(here):
    _write(here, ".batchlint.yaml", "rules:\n  image-unverified:\n    severity: fatal\n")
    assert _error() == (
        ".batchlint.yaml:3: rules.image-unverified.severity: 'fatal' is not one of "
        "error, warning, info"
    )


def test_bad_severity_in_a_toml_inline_table_names_its_line(here):
    _write(here, "pyproject.toml", "[tool.batchlint.rules]\n\nBL105 = { severity = 'loud' }\n")
    assert _error().startswith("pyproject.toml:3: rules.BL105.severity: 'loud' is not one of")


def test_bad_date_names_key_file_and_line(here):
    _write(
        here,
        ".batchlint.yaml",
        """
        suppressions:
          - rule: image-unverified
            reason: lab
            until: 2026-02-30
        """,
    )
    assert _error() == (
        ".batchlint.yaml:4: suppressions[0].until: '2026-02-30' is not a date (YYYY-MM-DD)"
    )


def test_unknown_rule_names_file_and_line(here):
    _write(here, ".batchlint.yaml", "fail-on: error\nrules:\n  image-unverifed: off\n")
    assert _error() == ".batchlint.yaml:3: unknown rule 'image-unverifed' (see: batchlint rules)"


def test_unknown_rule_in_a_suppression_names_its_line(here):
    _write(here, ".batchlint.yaml", "suppressions:\n  - {rule: nope, reason: x}\n")
    assert _error().startswith(".batchlint.yaml:2: unknown rule 'nope' in suppressions")


def test_suppression_without_a_reason_is_an_error(here):
    _write(here, ".batchlint.yaml", "suppressions:\n  - rule: image-unverified\n")
    assert _error() == ".batchlint.yaml:2: suppressions[0]: 'reason' is required"


def test_wrong_type_names_what_was_expected(here):
    _write(here, ".batchlint.yaml", "eol-warning-days: soon\n")
    assert _error() == (".batchlint.yaml:1: eol-warning-days: expected an integer, found a string")


def test_several_mistakes_report_the_first_and_count_the_rest(here):
    _write(here, ".batchlint.yaml", "fail-on: loud\neol-warning-days: -1\nfoo: 1\n")
    message = _error()
    assert message.startswith(".batchlint.yaml:1: fail-on: 'loud' is not one of")
    assert message.endswith("(and 2 more mistakes)")


def test_key_given_twice_is_an_error(here):
    _write(here, ".batchlint.yaml", "fail-on: error\nfail-on: warning\n")
    assert _error() == ".batchlint.yaml:2: key 'fail-on' is given twice"


def test_yaml_syntax_error_names_its_line(here):
    _write(here, ".batchlint.yaml", "rules:\n  a: b\n c: d\n")
    assert _error().startswith(".batchlint.yaml:3: ")


def test_toml_syntax_error_names_its_line(here):
    _write(here, "pyproject.toml", "[tool.batchlint]\nfail-on = \n")
    assert _error().startswith("pyproject.toml:2: invalid TOML")


def test_configuration_that_is_not_a_mapping_is_an_error(here):
    _write(here, ".batchlint.yaml", "- fail-on\n")
    assert _error() == ".batchlint.yaml:1: the configuration must be a mapping of keys"


def test_snapshot_source_needs_a_snapshot(here):
    _write(here, ".batchlint.yaml", "catalog:\n  source: snapshot\n")
    assert _error() == ".batchlint.yaml:2: catalog.source is snapshot but no snapshot"


def test_bad_configuration_exits_with_status_2_and_one_message(here, capsys):
    _write(here, ".batchlint.yaml", "fail-on: loud\n")
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("batchlint: error: .batchlint.yaml:1: fail-on:")
    assert "Traceback" not in err


def test_config_and_no_config_together_are_refused(here):
    assert _error("--config", "x.yaml", "--no-config") == (
        "--config and --no-config cannot be used together"
    )


def test_jsonschema_is_imported_only_when_a_file_exists(here):
    code = (
        "import sys; from batchlint.cli import parse_lint_args; parse_lint_args(['.']); "
        "print('jsonschema' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=here, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
    _write(here, ".batchlint.yaml", "fail-on: warning\n")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=here, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "True"


def test_schema_file_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(configfile.schema())


def test_alias_expansion_is_bounded(here):
    rows = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for name, previous in zip("bcde", "abcd", strict=True):
        rows.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    _write(here, ".batchlint.yaml", "\n".join(rows) + "\n")
    assert "more than 20000 values" in _error()


def test_a_pyproject_with_an_unclosed_batchlint_header_is_an_error_not_passed_over(here):
    _write(here, "pyproject.toml", '[tool.batchlint\nfail-on = "never"\n')
    assert _error().startswith("pyproject.toml:1: invalid TOML")
