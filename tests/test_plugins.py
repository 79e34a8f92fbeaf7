"""Outside rule packs: a real distribution with one entry point, built and installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from helpers import AS_OF, run_cli

RULE_PACK = """
from batchlint.hookspecs import hookimpl
from batchlint.model import Severity
from batchlint.rule import Rule


class GalleryOnly(Rule):
    id = "CT001"
    name = "contoso-gallery-image-only"
    severity = Severity.ERROR
    summary = "Contoso pools use images from the Contoso gallery."

    def check(self, pool, ctx):
        if pool.image_id is None:
            yield self.finding(pool.location, "use an image from the Contoso gallery", pool=pool)


class Broken(Rule):
    id = "CT002"
    name = "contoso-broken-check"
    severity = Severity.ERROR
    summary = "A rule with a bug."

    def check(self, pool, ctx):
        if pool.name == "pool-windows":
            yield 1 / 0


@hookimpl
def batchlint_rules():
    return [GalleryOnly, Broken]
"""

PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "batchlint-contoso-rules"
version = "1.0.0"
dependencies = []

[tool.setuptools]
py-modules = ["contoso_rules"]

[project.entry-points.batchlint]
contoso = "contoso_rules"
"""


@pytest.fixture(scope="module")
def installed_pack(tmp_path_factory):
    """The rule pack built from source and installed into a folder on the path."""
    source = tmp_path_factory.mktemp("pack-src")
    (source / "contoso_rules.py").write_text(textwrap.dedent(RULE_PACK))
    (source / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT))
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-cache-dir",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert list(target.glob("batchlint_contoso_rules-1.0.0.dist-info"))
    return target


def test_outside_rule_finding_shows_in_the_output(installed_pack):
    proc = run_cli("examples/pools.yaml", "--as-of", AS_OF, env={"PYTHONPATH": str(installed_pack)})
    assert "error CT001 use an image from the Contoso gallery (contoso-gallery-image-only)" in (
        proc.stdout
    )
    assert proc.returncode == 1


def test_a_failing_outside_rule_is_a_finding_not_a_crash(installed_pack):
    proc = run_cli("examples/pools.yaml", "--as-of", AS_OF, env={"PYTHONPATH": str(installed_pack)})
    assert "Traceback" not in proc.stderr
    assert (
        "examples/pools.yaml:10:3: error BL004 rule contoso-broken-check (CT002, from "
        "contoso_rules) failed on this pool: ZeroDivisionError: division by zero; "
        "the pool is not fully checked (rule-failed)"
    ) in proc.stdout
    assert "BL102" in proc.stdout  # the other rules still ran


def test_outside_rule_is_listed(installed_pack):
    proc = run_cli("rules", env={"PYTHONPATH": str(installed_pack)})
    assert "CT001  contoso-gallery-image-only" in proc.stdout


def test_outside_plugins_can_be_turned_off(installed_pack):
    env = {"PYTHONPATH": str(installed_pack), "BATCHLINT_LOAD_PLUGINS": ""}
    proc = run_cli("examples/pools.yaml", "--as-of", AS_OF, env=env)
    assert "CT001" not in proc.stdout
    assert "BL102" in proc.stdout  # built-in rules still load


def test_builtin_parts_register_through_the_entry_point_group():
    from batchlint.plugins import entry_points

    names = {p.name for p in entry_points() if p.builtin}
    assert {"arm", "poolspec", "bicep", "terraform", "reporters", "rules-image"} <= names
