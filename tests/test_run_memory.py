"""What a run holds for each file: the path, and of each pool no more than the reports need."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from batchlint import engine, run
from batchlint.app import Plugins
from batchlint.discover import Candidate, Candidates, discover
from batchlint.hookspecs import hookimpl
from batchlint.model import Pool, PoolPlace
from batchlint.options import LintOptions
from batchlint.reader import Inputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _execute(keep_pools, *formats: str):
    opts = LintOptions(paths=[str(EXAMPLES)], as_of=dt.date(2026, 12, 3), jobs=1)
    opts.outputs = [(fmt, None) for fmt in formats] or [("text", None)]
    plugins = Plugins()
    keep = run.pools_to_keep(opts, plugins) if keep_pools is None else keep_pools
    return run.execute(opts, plugins, keep_pools=keep), keep


def test_reports_are_given_no_more_of_each_pool_than_they_print():
    assert _execute(None, "text")[1] == engine.KEEP_COUNT
    assert _execute(None, "sarif", "github")[1] == engine.KEEP_COUNT
    assert _execute(None, "junit")[1] == engine.KEEP_PLACES
    assert _execute(None, "junit", "json")[1] == engine.KEEP_VALUES


@pytest.mark.parametrize(
    ("keep", "kind"),
    [(engine.KEEP_VALUES, Pool), (True, Pool), (engine.KEEP_PLACES, PoolPlace), (False, PoolPlace)],
)
def test_a_run_keeps_what_it_is_asked_to_keep_of_each_pool(keep, kind):
    result, _ = _execute(keep)
    assert result.pools and all(isinstance(p, kind) for p in result.pools)
    assert result.pool_count == len(result.pools)


def test_a_run_that_keeps_only_the_count_finds_the_same():
    full, _ = _execute(engine.KEEP_VALUES)
    counted, _ = _execute(engine.KEEP_COUNT)
    assert counted.pools == []
    assert counted.pool_count == full.pool_count > 0
    assert counted.findings == full.findings
    assert counted.files == full.files


def test_an_unknown_keep_setting_is_refused():
    with pytest.raises(ValueError, match="keep_pools"):
        engine.Linter([], [], None, keep_pools="everything")


def test_candidates_are_made_from_the_paths_as_they_are_asked_for(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("a.json", "b/c.bicep", "b/d.tf"):
        (tmp_path / name).write_text("{}")
    found = discover([str(tmp_path / "b"), str(tmp_path / "a.json")], (".json", ".bicep", ".tf"))
    assert isinstance(found, Candidates)
    expected = [
        Candidate(str(tmp_path / "b" / "c.bicep"), False),
        Candidate(str(tmp_path / "b" / "d.tf"), False),
        Candidate(str(tmp_path / "a.json"), True),
    ]
    assert list(found) == expected
    assert found == expected
    assert len(found) == 3
    assert found[-1] == expected[-1]
    assert found[1:] == expected[1:]
    assert found.paths == [c.path for c in expected]


def test_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    again = "./" + os.path.relpath(tmp_path / "a.json")
    found = discover([str(tmp_path), str(tmp_path / "a.json"), again], (".json",))
    assert len(found) == 1


def test_inputs_hold_the_paths_given_and_answer_for_absolute_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = ["a.json", "sub/b.bicep", "./c.tf", "sub/../d.tf", str(tmp_path / "e.json")]
    paths.append("/x/f.json")
    inputs = Inputs(paths)
    kept = inputs._keys
    assert any(key is paths[0] for key in kept) and any(key is paths[1] for key in kept)
    for name in ("a.json", "sub/b.bicep", "c.tf", "d.tf", "e.json"):
        assert str(tmp_path / name) in inputs
        assert name in inputs
    assert "/x/f.json" in inputs
    assert str(tmp_path / "sub" / "d.tf") not in inputs
    assert str(tmp_path / "other.json") not in inputs
    assert 3 not in inputs
    assert sorted(inputs) == sorted(
        [str(tmp_path / n) for n in ("a.json", "sub/b.bicep", "c.tf", "d.tf", "e.json")]
        + ["/x/f.json"]
    )
    assert len(inputs) == 6


class _PlacesReporter:
    name = "places-test"
    needs_pools = "places"


class _PlainReporter:
    name = "plain-test"


class _Reporters:
    @hookimpl
    def batchlint_reporters(self):
        return [_PlacesReporter, _PlainReporter]


def test_an_outside_reporter_gets_what_it_declares():
    plugins = Plugins()
    plugins.manager.register(_Reporters(), name="test-reporters")
    opts = LintOptions(paths=[str(EXAMPLES)])
    opts.outputs = [("places-test", None)]
    assert run.pools_to_keep(opts, plugins) == engine.KEEP_PLACES
    opts.outputs = [("plain-test", None)]
    assert run.pools_to_keep(opts, plugins) == engine.KEEP_COUNT


def test_a_file_named_through_a_link_and_by_its_name_is_read_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.json").write_text("{}")
    os.symlink(tmp_path / "real", tmp_path / "link")
    found = discover(
        [str(tmp_path / "real" / "a.json"), str(tmp_path / "link" / "a.json")], (".json",)
    )
    assert found.paths == [str(tmp_path / "real" / "a.json")]
