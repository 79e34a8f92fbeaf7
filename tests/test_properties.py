"""Property tests: whatever a file holds, every reader gives pools or diagnostics, never a crash.

Each example is written to a file of its own and read the way the command reads it
(``Linter.read``, then the rules on the result). A reader that raises is turned by the engine
into a "bug in batchlint" parse error, so the tests look for that message as well as for
exceptions that escape.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from batchlint.app import Plugins
from batchlint.discover import Candidate
from batchlint.engine import Linter
from batchlint.model import Pool, ReadResult
from batchlint.options import LintOptions
from batchlint.reader import ReadContext
from batchlint.run import build_linter, load_catalog

PROPERTY = settings(
    max_examples=40,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DIAGNOSTIC_KINDS = {"parse-error", "module-not-found", "file-skipped"}
SUFFIXES = (
    ".json", ".jsonc", ".yaml", ".yml", ".bicep", ".bicepparam", ".tf", ".tf.json", ".tfvars",
)  # fmt: skip
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
POOL_TYPE = "Microsoft.Batch/batchAccounts/pools"


@pytest.fixture(scope="module")
def linter() -> Linter:
    plugins = Plugins()
    opts = LintOptions(as_of=dt.date(2026, 12, 3))
    linter = build_linter(plugins, opts, load_catalog(plugins, opts))
    # Load every reader's parser once, so that no example pays for an import.
    for suffix in SUFFIXES:
        read_file(linter, "warm" + suffix, "x")
    return linter


def read_file(linter: Linter, name: str, data, *, explicit: bool = True, extra=None):
    """Write ``data`` (and ``extra`` files) to a fresh folder and read it as the command does."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for file_name, content in {name: data, **(extra or {})}.items():
            path = os.path.join(folder, file_name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as handle:
                handle.write(content)
            paths.append(path)
        ctx = ReadContext(paths, linter.read_options)
        result = linter.read(Candidate(paths[0], explicit), ctx)
        assert_well_formed(result)
        linter.check(result)  # the rules take whatever a reader produced
        return result


def assert_well_formed(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    for pool in result.pools:
        assert isinstance(pool, Pool)
    for diagnostic in result.diagnostics:
        assert diagnostic.kind in DIAGNOSTIC_KINDS
        assert "bug in batchlint" not in diagnostic.message, diagnostic.message
        assert diagnostic.location.line >= 1
        assert diagnostic.location.column >= 1


# -- arbitrary text and bytes ----------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@pytest.mark.parametrize("suffix", SUFFIXES)
@PROPERTY
@given(text=TEXT, explicit=st.booleans())
def test_arbitrary_text_never_breaks_a_reader(linter, suffix, text, explicit):
    read_file(linter, "input" + suffix, text, explicit=explicit)


@PROPERTY
@given(data=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_never_break_a_reader(linter, data, suffix):
    read_file(linter, "input" + suffix, data)


# -- structures shaped like templates and pool specs -----------------------------------------

NAMES = st.sampled_from(["pools", "image", "agent", "sku", "cfg", "x", "nodeAgentSkuId", "i"])
KEYS = st.sampled_from(
    [
        "$schema", "contentVersion", "parameters", "variables", "resources", "type", "name",
        "apiVersion", "properties", "deploymentConfiguration", "virtualMachineConfiguration",
        "cloudServiceConfiguration", "imageReference", "publisher", "offer", "sku", "version",
        "id", "nodeAgentSkuId", "nodeAgentSKUId", "vmSize", "containerConfiguration", "copy",
        "count", "input", "condition", "template", "defaultValue", "value", "mode",
        "expressionEvaluationOptions", "scope", "pool", "languageVersion", "existing",
        "format_version", "planned_values", "root_module", "child_modules", "values",
        "storage_image_reference", "node_agent_sku_id", "reference", "keyVault",
    ]
) | st.text(max_size=6)  # fmt: skip
FUNCTIONS = st.sampled_from(
    [
        "parameters", "variables", "concat", "format", "toLower", "toUpper", "if", "equals",
        "copyIndex", "length", "first", "last", "split", "replace", "json", "string", "int",
        "union", "createObject", "createArray", "resourceGroup", "uniqueString", "contains",
        "coalesce", "empty", "not", "and", "or", "add", "sub", "mul", "div", "mod", "skip",
        "take", "substring", "indexOf", "trim", "reference", "resourceId", "unknownFunction",
    ]
)  # fmt: skip


def _call(args):
    return st.builds(lambda f, a: f"{f}({', '.join(a)})", FUNCTIONS, st.lists(args, max_size=3))


EXPR_ATOMS = (
    st.integers(-5, 5).map(str)
    | st.sampled_from(["true", "false", "null", "'a'", "'{0}-{1}'", "''", "'it''s'"])
    | NAMES.map(lambda n: f"'{n}'")
)
EXPRESSIONS = st.recursive(
    EXPR_ATOMS,
    lambda inner: (
        _call(inner)
        | st.builds(lambda e, n: f"{e}.{n}", inner, NAMES)
        | st.builds(lambda e, i: f"{e}[{i}]", inner, inner)
    ),
    max_leaves=12,
)
ARM_STRINGS = (
    EXPRESSIONS.map(lambda e: f"[{e}]")
    | st.sampled_from(["[", "]", "[]", "[[escaped]", "[parameters(]", "[concat('a'", POOL_TYPE])
    | st.sampled_from(["batch.node.ubuntu 22.04", "canonical", "ubuntu-24_04-lts", "server"])
    | st.text(max_size=12)
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ARM_STRINGS
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


def _optional(**fields):
    return st.fixed_dictionaries({}, optional=fields)


IMAGE_REFERENCE = VALUES | _optional(
    publisher=ARM_STRINGS, offer=ARM_STRINGS, sku=ARM_STRINGS, version=ARM_STRINGS, id=ARM_STRINGS
)
VM_CONFIGURATION = VALUES | _optional(
    imageReference=IMAGE_REFERENCE,
    nodeAgentSkuId=ARM_STRINGS,
    nodeAgentSKUId=ARM_STRINGS,
    containerConfiguration=VALUES,
    windowsConfiguration=VALUES,
)
POOL_PROPERTIES = _optional(
    vmSize=ARM_STRINGS,
    deploymentConfiguration=VALUES
    | _optional(virtualMachineConfiguration=VM_CONFIGURATION, cloudServiceConfiguration=VALUES),
    targetNodeCommunicationMode=ARM_STRINGS,
    extensions=VALUES,
)
RESOURCE = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [POOL_TYPE, "Microsoft.Batch/batchAccounts", "Microsoft.Resources/deployments", "pools"]
        )
        | ARM_STRINGS,
        "name": ARM_STRINGS,
        "properties": POOL_PROPERTIES | VALUES,
    },
    optional={
        "copy": _optional(name=NAMES, count=SCALARS, input=VALUES),
        "condition": SCALARS,
        "resources": st.lists(VALUES, max_size=2),
        "existing": st.booleans(),
    },
)
PARAMETER = _optional(
    type=st.sampled_from(["string", "int", "bool", "object", "array", "securestring"]),
    defaultValue=VALUES,
)
TEMPLATE = st.fixed_dictionaries(
    {"$schema": st.just(SCHEMA), "resources": st.lists(RESOURCE, max_size=3) | VALUES},
    optional={
        "contentVersion": st.just("1.0.0.0"),
        "parameters": st.dictionaries(NAMES, PARAMETER | VALUES, max_size=3),
        "variables": st.dictionaries(NAMES, VALUES, max_size=3),
        "languageVersion": st.sampled_from(["2.0", "1.9-experimental"]),
    },
)
POOL_SPEC = st.fixed_dictionaries(
    {"virtualMachineConfiguration": VM_CONFIGURATION},
    optional={"id": ARM_STRINGS, "vmSize": ARM_STRINGS, "targetDedicatedNodes": SCALARS},
)
POOL_SPECS = POOL_SPEC | st.lists(POOL_SPEC, max_size=3)


@PROPERTY
@given(template=TEMPLATE, parameters=st.none() | st.dictionaries(NAMES, VALUES, max_size=3))
def test_template_shaped_json_never_breaks_the_readers(linter, template, parameters):
    extra = {}
    if parameters is not None:
        extra["azuredeploy.parameters.json"] = json.dumps(
            {"parameters": {k: {"value": v} for k, v in parameters.items()}}
        )
    read_file(linter, "azuredeploy.json", json.dumps(template), extra=extra)


@PROPERTY
@given(spec=POOL_SPECS, as_yaml=st.booleans())
def test_pool_spec_shaped_documents_never_break_the_readers(linter, spec, as_yaml):
    if as_yaml:
        read_file(linter, "pools.yaml", yaml.safe_dump(spec, allow_unicode=True))
    else:
        read_file(linter, "pool.json", json.dumps(spec))


@PROPERTY
@given(document=VALUES, suffix=st.sampled_from([".json", ".yaml", ".tf.json"]))
def test_arbitrary_json_and_yaml_structures_never_break_the_readers(linter, document, suffix):
    text = yaml.safe_dump(document) if suffix == ".yaml" else json.dumps(document)
    read_file(linter, "input" + suffix, text)


@PROPERTY
@given(text=TEMPLATE.map(json.dumps), cut=st.integers(0, 10_000), junk=st.sampled_from(",{}[]:\"'"))
def test_damaged_templates_give_a_parse_error_at_a_place_in_the_file(linter, text, cut, junk):
    damaged = text[: cut % (len(text) + 1)] + junk
    result = read_file(linter, "azuredeploy.json", damaged)
    lines = damaged.count("\n") + 1
    for diagnostic in result.diagnostics:
        assert diagnostic.location.line <= lines


# -- Bicep and Terraform source ---------------------------------------------------------------

IDENT = st.sampled_from(["pool", "account", "cfg", "i", "images", "env", "x", "p"])
BICEP_STRINGS = st.sampled_from(
    [
        "'canonical'", "'batch.node.ubuntu 22.04'", "'${env}-pool'", "'${cfg.sku}'", "''",
        "'unterminated", "'''multi\nline'''", "'a\\'b'", "'${'",
    ]
)  # fmt: skip


def _bicep_expressions():
    atoms = IDENT | BICEP_STRINGS | st.integers(-3, 9).map(str) | st.sampled_from(["true", "null"])
    return st.recursive(
        atoms,
        lambda inner: (
            st.builds(lambda a, b: f"{a}.{b}", inner, IDENT)
            | st.builds(lambda a, b: f"{a}[{b}]", inner, inner)
            | st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner)
            | st.builds(lambda f, a: f"{f}({', '.join(a)})", FUNCTIONS, st.lists(inner, max_size=3))
            | st.lists(inner, max_size=3).map(lambda items: "[\n" + "\n".join(items) + "\n]")
            | st.lists(st.tuples(IDENT, inner), max_size=3).map(
                lambda pairs: "{\n" + "\n".join(f"{k}: {v}" for k, v in pairs) + "\n}"
            )
            | st.builds(lambda v, c, b: f"[for ({v}, i) in {c}: {b}]", IDENT, inner, inner)
        ),
        max_leaves=15,
    )


BICEP_EXPR = _bicep_expressions()
BICEP_TYPES = st.sampled_from(
    [
        "'Microsoft.Batch/batchAccounts/pools@2024-07-01'",
        "'Microsoft.Batch/batchAccounts@2024-07-01'",
        "'Microsoft.Batch/batchAccounts/pools'",
        "'pools@2023-11-01'",
    ]
)
BICEP_DECLARATIONS = (
    st.builds(
        lambda n, t, v: f"param {n} {t} = {v}",
        IDENT,
        st.sampled_from(["string", "object", "array", "int", "bool"]),
        BICEP_EXPR,
    )
    | st.builds(lambda n, v: f"var {n} = {v}", IDENT, BICEP_EXPR)
    | st.builds(lambda n, v: f"param {n} = {v}", IDENT, BICEP_EXPR)
    | st.builds(
        lambda n, t, c, b: f"resource {n} {t} = {c}{b}",
        IDENT,
        BICEP_TYPES,
        st.sampled_from(["", "if (x) ", "existing "]),
        BICEP_EXPR,
    )
    | st.builds(
        lambda n, p, b: f"module {n} {p} = {b}",
        IDENT,
        st.sampled_from(
            [
                "'./other.bicep'",
                "'missing.bicep'",
                "'./input.bicep'",
                "'br:contoso.azurecr.io/pool:1'",
            ]
        ),
        BICEP_EXPR,
    )
    | st.just("using './input.bicep'")
    | st.text(max_size=20)
)
BICEP_FILE = st.lists(BICEP_DECLARATIONS, max_size=6).map("\n\n".join)


@PROPERTY
@given(main=BICEP_FILE, other=BICEP_FILE, suffix=st.sampled_from([".bicep", ".bicepparam"]))
def test_bicep_shaped_source_never_breaks_the_reader(linter, main, other, suffix):
    read_file(linter, "input" + suffix, main, extra={"other.bicep": other})


HCL_STRINGS = st.sampled_from(
    [
        '"canonical"', '"batch.node.ubuntu 22.04"', '"pool-${each.key}"', '"${var.x}"', '""',
        '"unterminated', '"%{ if true }a%{ endif }"', '"${"', "<<EOT\nheredoc\nEOT\n",
        '"./m"', '"./"',
    ]
)  # fmt: skip
HCL_REFERENCES = st.sampled_from(
    ["var.x", "local.pools", "each.value", "each.key", "count.index", "var.settings.sku",
     "module.m.id", "azurerm_batch_account.a.name", "data.x.y.z", "self", "path.module"]
)  # fmt: skip


def _hcl_expressions():
    atoms = HCL_STRINGS | HCL_REFERENCES | st.integers(-3, 9).map(str) | st.just("null")
    return st.recursive(
        atoms,
        lambda inner: (
            st.builds(
                lambda f, a: f"{f}({', '.join(a)})",
                st.sampled_from(
                    [
                        "lookup",
                        "try",
                        "merge",
                        "tolist",
                        "length",
                        "coalesce",
                        "format",
                        "jsonencode",
                        "nope",
                    ]
                ),
                st.lists(inner, max_size=3),
            )
            | st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner)
            | st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
            | st.lists(st.tuples(IDENT, inner), max_size=3).map(
                lambda pairs: "{\n" + "\n".join(f"{k} = {v}" for k, v in pairs) + "\n}"
            )
            | st.builds(lambda c, b: f"[for k, v in {c} : {b}]", inner, inner)
            | st.builds(lambda e: f"{e}[*].id", inner)
        ),
        max_leaves=15,
    )


HCL_EXPR = _hcl_expressions()


def _hcl_body():
    attribute = st.builds(
        lambda k, v: f"{k} = {v}",
        st.sampled_from(
            [
                "name",
                "vm_size",
                "node_agent_sku_id",
                "source",
                "for_each",
                "count",
                "default",
                "publisher",
                "offer",
                "sku",
                "version",
                "id",
                "type",
                "body",
            ]
        ),
        HCL_EXPR,
    )
    block = st.builds(
        lambda t, inner: f"{t} {{\n" + "\n".join(inner) + "\n}",
        st.sampled_from(
            [
                "storage_image_reference",
                "container_configuration",
                "content",
                'dynamic "storage_image_reference"',
                "validation",
            ]
        ),
        st.lists(attribute, max_size=4),
    )
    return st.lists(attribute | block, max_size=6).map("\n".join)


HCL_BLOCKS = (
    st.builds(lambda n, b: f'resource "azurerm_batch_pool" "{n}" {{\n{b}\n}}', IDENT, _hcl_body())
    | st.builds(lambda n, b: f'resource "azapi_resource" "{n}" {{\n{b}\n}}', IDENT, _hcl_body())
    | st.builds(lambda n, b: f'variable "{n}" {{\n{b}\n}}', IDENT, _hcl_body())
    | st.builds(lambda n, b: f'module "{n}" {{\n{b}\n}}', IDENT, _hcl_body())
    | st.builds(lambda b: f"locals {{\n{b}\n}}", _hcl_body())
    | st.builds(lambda n, v: f"{n} = {v}", IDENT, HCL_EXPR)
    | st.text(max_size=20)
)
HCL_FILE = st.lists(HCL_BLOCKS, max_size=5).map("\n\n".join)


@PROPERTY
@given(main=HCL_FILE, module=HCL_FILE, tfvars=HCL_FILE)
@example(main='resource "azurerm_batch_pool" "p" {\n  for_each = [{}]\n}\n', module="", tfvars="")
def test_terraform_shaped_source_never_breaks_the_reader(linter, main, module, tfvars):
    extra = {"m/main.tf": module, "terraform.tfvars": tfvars, "other.tf": module}
    read_file(linter, "main.tf", main, extra=extra)


@PROPERTY
@given(tfvars=HCL_FILE)
def test_terraform_variables_files_never_break_the_reader(linter, tfvars):
    read_file(linter, "terraform.tfvars", tfvars)
