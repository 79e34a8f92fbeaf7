"""A one-file run imports only what it uses: the pre-commit hook pays for every import."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus" / "written"
CODE = """
import sys
from batchlint.cli import main
main(sys.argv[1:])
print("MODULES", sorted(sys.modules), file=sys.stderr)
"""
#: Never needed to lint a file offline with the bundled catalog.
NEVER = (
    "requests",
    "azure",
    "jsonschema",
    "platformdirs",
    "importlib.metadata",
    "importlib.resources",
    "tempfile",
    "multiprocessing",
    "concurrent.futures",
    "batchlint.catalog.live",
    "batchlint.parallel",
    "re2",
    # A quiet run prints through logging only for a warning.
    "logging",
    # None of these files holds a suppression.
    "batchlint.suppress",
)
#: Parsers of the other formats.
PARSERS = {
    # The records of JSON and YAML runs are named tuples and slotted classes, not dataclasses,
    # whose import and class building cost a pre-commit run a tenth of its time.
    "json": (
        "yaml",
        "tree_sitter",
        "batchlint.readers.hcl",
        "batchlint.readers.bicepparse",
        "dataclasses",
    ),
    "yaml": ("tree_sitter", "batchlint.readers.hcl", "batchlint.readers.bicepparse", "dataclasses"),
    "bicep": ("yaml", "tree_sitter_hcl", "batchlint.readers.hcl"),
    "terraform": ("yaml", "tree_sitter_bicep", "batchlint.readers.bicepparse"),
}


def modules_after_linting(path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCHLINT_"))}
    proc = subprocess.run(
        [sys.executable, "-c", CODE, str(path), "--as-of", "2026-12-03", "--no-config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    return ast.literal_eval(line.removeprefix("MODULES "))


def imported(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("json", CORPUS / "dataplane-01-json-basic" / "pool-add.json"),
        ("json", CORPUS / "arm-02-params-vars-expressions" / "azuredeploy.json"),
        ("yaml", CORPUS / "dataplane-02-yaml-list" / "pools.yaml"),
        ("bicep", CORPUS / "bicep-01-parent-literal" / "main.bicep"),
        ("terraform", CORPUS / "terraform-01-literal-with-distractors" / "main.tf"),
    ],
)
def test_one_file_run_imports_no_module_it_does_not_use(fmt, path):
    modules = modules_after_linting(path)
    unused = [name for name in NEVER + PARSERS[fmt] if imported(modules, name)]
    assert unused == []
