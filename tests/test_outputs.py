"""Reports that would overwrite each other are refused before anything is linted."""

from __future__ import annotations

import pytest

from batchlint.cli import main

pytestmark = pytest.mark.usefixtures("restore_logging")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pool.json").write_text("{}")
    return tmp_path


def test_two_formats_to_standard_output_are_a_usage_error(here, capsys):
    status = main(["--no-config", "--format", "json", "--format", "text", "pool.json"])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err == (
        "batchlint: error: --format json and --format text would both write to standard "
        "output; give all but one an --output FILE\n"
    )


def test_three_formats_to_standard_output_are_all_named(here, capsys):
    status = main(["--no-config", "-f", "json", "-f", "text", "-f", "sarif", "pool.json"])

    assert status == 2
    assert "--format json, --format text and --format sarif would all write to standard" in (
        capsys.readouterr().err
    )


def test_two_formats_to_one_file_are_a_usage_error(here, capsys):
    args = ["--format", "sarif", "--output", "same.x", "--format", "json", "--output", "./same.x"]

    status = main(["--no-config", *args, "pool.json"])

    assert status == 2
    assert capsys.readouterr().err == (
        "batchlint: error: --format sarif and --format json would both write to same.x; "
        "give each its own --output FILE\n"
    )
    assert not (here / "same.x").exists()


def test_one_format_to_standard_output_and_others_to_files_is_fine(here, capsys):
    args = ["--format", "sarif", "-o", "r.sarif", "--format", "json", "-o", "r.json", "-f", "text"]

    status = main(["--no-config", "-j1", *args, "pool.json"])

    assert status == 0
    assert (here / "r.sarif").exists() and (here / "r.json").exists()
    assert "0 errors" in capsys.readouterr().out
