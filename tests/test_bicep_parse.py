"""Bicep parsing: syntax errors at their place, and the syntax the grammar is behind on."""

from batchlint.readers import bicepparse
from batchlint.readers import bicepsyntax as syn


def parse(text: str, path: str = "main.bicep") -> syn.BicepFile:
    return bicepparse.parse(text, path, bicepparam=path.endswith(".bicepparam"))


def test_unterminated_string_is_reported_at_its_line():
    file = parse("var a = 'ok'\nvar b = 'open\nvar c = 'fine'\n")
    assert [(e.line, e.column) for e in file.errors] == [(2, 9)]
    assert "unterminated string" in file.errors[0].message


def test_declarations_after_an_unterminated_string_are_still_read():
    file = parse("var b = 'open\nvar c = 'fine'\n")
    assert file.variables["c"].value.parts == ("fine",)


def test_unterminated_string_at_the_end_of_the_file():
    file = parse("var a = 'open")
    assert [(e.line, e.column) for e in file.errors] == [(1, 9)]


def test_multi_line_string_is_not_an_error():
    file = parse("var a = '''\nfirst\nsecond'''\n")
    assert file.errors == []
    assert file.variables["a"].value.parts == ("first\nsecond",)


def test_unclosed_brace_is_reported_at_the_declaration():
    file = parse("param a string = 'x'\n\nresource p 'x@1' = {\n  name: 'a'\n")
    assert [e.line for e in file.errors] == [3]
    assert "not closed" in file.errors[0].message


def test_declaration_with_an_error_is_marked_broken_and_others_are_not():
    text = (
        "resource bad 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {\n"
        "  name: 'bad'\n  properties: {\n    vmSize: 'a\n  }\n}\n"
        "resource good 'Microsoft.Batch/batchAccounts/pools@2024-07-01' = {\n"
        "  name: 'good'\n}\n"
    )
    file = parse(text)
    assert [(d.symbol, d.broken) for d in file.declarations] == [("bad", True), ("good", False)]


def test_bicepparam_assignments_are_parameters():
    file = parse("using './main.bicep'\n\nparam sku = '22_04-lts'\nvar x = 1\n", "main.bicepparam")
    assert file.errors == []
    assert file.using.source == "./main.bicep"
    assert list(file.params) == ["sku"]
    assert list(file.variables) == ["x"]
    assert (file.params["sku"].default.loc.line, file.params["sku"].default.loc.column) == (3, 13)


def test_extension_statement_is_not_an_error():
    file = parse("extension microsoftGraph\nvar a = 1\n")
    assert file.errors == []
    assert "a" in file.variables


def test_typed_variable_is_not_an_error():
    file = parse("var sku string = 'server'\nvar sizes string[] = []\n")
    assert file.errors == []
    assert file.variables["sku"].value.parts == ("server",)


def test_resource_typed_parameter_is_not_an_error():
    file = parse("param store resource 'Microsoft.Storage/storageAccounts@2023-01-01'\n")
    assert file.errors == []
    assert "store" in file.params


def test_spread_is_read_as_a_spread():
    file = parse("var a = {\n  ...base\n  b: 1\n}\nvar c = [\n  1\n  ...more\n]\n")
    assert file.errors == []
    assert isinstance(file.variables["a"].value.items[0], syn.Spread)
    assert isinstance(file.variables["c"].value.items[1], syn.Spread)


def test_nested_child_resources_belong_to_their_parent():
    text = (
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' = {\n"
        "  name: 'a'\n"
        "  resource one 'pools' = {\n    name: 'one'\n  }\n"
        "  resource two 'pools@2023-11-01' = {\n    name: 'two'\n  }\n"
        "}\n"
    )
    account = parse(text).declarations[0]
    assert [(c.symbol, c.type, c.loc.line) for c in account.children] == [
        ("one", "pools", 3),
        ("two", "pools@2023-11-01", 6),
    ]


def test_existing_resources_are_marked():
    text = "resource a 'Microsoft.Batch/batchAccounts@2024-07-01' existing = {\n  name: 'a'\n}\n"
    assert parse(text).declarations[0].existing is True


def test_condition_text_is_kept_as_written():
    text = "resource p 'x@1' = if (deploy && env == 'prod') {\n  name: 'p'\n}\n"
    body = parse(text).declarations[0].body
    assert isinstance(body, syn.If)
    assert body.text == "deploy && env == 'prod'"


def test_non_ascii_text_gives_character_columns():
    file = parse("var a = 'é'\nvar b = 'x'\nvar c = { 'ü': 'y' }\n")
    prop = file.variables["c"].value.items[0]
    assert (prop.value.loc.line, prop.value.loc.column) == (3, 16)


def test_imports_name_local_and_original_names():
    file = parse("import {a, b as c} from './x.bicep'\nimport * as ns from './y.bicep'\n")
    assert [(i.source, i.names) for i in file.imports] == [
        ("./x.bicep", (("a", "a"), ("c", "b"))),
        ("./y.bicep", (("ns", "*"),)),
    ]
