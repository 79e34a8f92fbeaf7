"""The HCL parser: positioned nodes, strings as Terraform reads them, errors where terraform
puts them."""

import pytest

from batchlint.model import Location
from batchlint.readers import hcl


def attr(text: str, name: str = "x"):
    parsed = hcl.parse(text, "main.tf")
    assert parsed.error is None, parsed.error.message
    return parsed.body.attributes[name]


def test_block_type_labels_and_line():
    parsed = hcl.parse('\nresource "azurerm_batch_pool" "p" {\n  name = "a"\n}\n', "main.tf")
    (block,) = parsed.body.blocks
    assert (block.type, block.labels, block.loc.line, block.broken) == (
        "resource",
        ["azurerm_batch_pool", "p"],
        2,
        False,
    )


def test_literal_value_is_placed_at_its_first_character():
    expr = attr('x    =   "batch.node.el 9"\n').expr
    assert (expr.value, expr.loc.line, expr.loc.column) == ("batch.node.el 9", 1, 10)


def test_escapes_are_decoded():
    assert attr('x = "a\\"b\\\\c\\n\\u00e9$${x}"\n').expr.value == 'a"b\\c\né${x}'


def test_comments_are_not_content():
    text = "x = { # one\n  a = 1 // two\n  /* three */ b = 2\n}\n"
    expr = attr(text).expr
    assert [k.value for k, _ in expr.items] == ["a", "b"]


def test_template_keeps_literal_whitespace():
    expr = attr('x = "a  ${y}  b"\n').expr
    assert [p for p in expr.parts if isinstance(p, str)] == ["a  ", "  b"]


def test_heredoc_keeps_lines():
    expr = attr("x = <<EOT\n  one\n  two\nEOT\n").expr
    assert expr.parts == ["  one\n  two\n"]


def test_parenthesised_object_key_is_an_expression():
    expr = attr("x = { (var.k) = 1, plain = 2 }\n").expr
    assert isinstance(expr.items[0][0], hcl.GetAttr)
    assert isinstance(expr.items[1][0], hcl.Literal)


def test_unclosed_block_is_reported_at_its_opening_line():
    parsed = hcl.parse('a = 1\n\nresource "x" "y" {\n  b = 2\n', "main.tf")
    assert (parsed.error.line, parsed.error.column) == (3, 1)
    assert "unclosed" in parsed.error.message


def test_block_with_an_error_is_broken_and_the_next_block_is_kept():
    parsed = hcl.parse('resource "a" "b" {\n  x = = 1\n}\nresource "c" "d" {\n}\n', "m.tf")
    assert [(b.labels[0], b.broken) for b in parsed.body.blocks] == [("a", True), ("c", False)]
    assert parsed.error.line == 2


def test_quoted_string_across_lines_is_an_error_even_when_quotes_pair_up():
    parsed = hcl.parse('x = "a\nb"\n', "main.tf")
    assert (parsed.error.line, parsed.error.column) == (1, 5)


def test_json_template_parts_are_placed_at_the_json_string():
    loc = Location("main.tf.json", 7, 12)
    expr = hcl.parse_template("${var.a}-x", loc)
    assert isinstance(expr, hcl.Template)
    assert expr.parts[0].loc == loc and expr.parts[1] == "-x"


def test_plain_json_string_is_a_literal():
    loc = Location("main.tf.json", 1)
    assert hcl.parse_template("plain", loc).value == "plain"


def test_parse_expression_rejects_bad_text():
    loc = Location("<command line>", 1)
    try:
        hcl.parse_expression("{ a = ", loc)
    except hcl.ParseError as exc:
        assert "not a valid expression" in exc.message
    else:
        raise AssertionError("no error")


def test_a_hexadecimal_number_is_a_syntax_error_at_its_place_and_breaks_its_block():
    text = 'resource "azurerm_batch_pool" "p" {\n  vm_size = 0x10\n}\n'
    parsed = hcl.parse(text, "main.tf")
    assert (parsed.error.line, parsed.error.column, parsed.error.message) == (
        2,
        13,
        "invalid number '0x10': Terraform numbers are decimal",
    )
    assert parsed.body.blocks[0].broken


def test_a_hexadecimal_number_in_a_variables_file_leaves_its_argument_out():
    parsed = hcl.parse("a = 0x10\nb = 2\n", "x.tfvars")
    assert (parsed.error.line, parsed.error.column) == (1, 5)
    assert list(parsed.body.attributes) == ["b"]


def test_a_number_with_an_exponent_and_no_fraction_is_a_number():
    parsed = hcl.parse("x = 1e5\ny = [2E+3, 1e999]\n", "main.tf")
    assert parsed.error is None
    assert attr("x = 1e5\n").expr.value == 100000
    assert [i.value for i in parsed.body.attributes["y"].expr.items] == [2000, float("inf")]


def test_a_string_that_looks_like_an_exponent_keeps_its_text():
    assert attr('x = "sku-1e5"\n').expr.value == "sku-1e5"


def test_numbers_longer_than_python_converts_are_read():
    digits = "9" * 5000
    assert attr(f"x = {digits}\n").expr.value == float("inf")
    index = attr(f"x = a.{digits}\n").expr
    assert index.key.value == float("inf")


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a = 1 b = 2\n", (1, 7), "Missing newline after argument"),
        ("x {\n  a = 1 b = 2\n}\n", (2, 9), "Missing newline after argument"),
        ("x {\n  y {\n  } z = 1\n}\n", (3, 5), "Missing newline after block definition"),
        ("locals { a = 1 b = 2 }\n", (1, 16), "Invalid single-argument block definition"),
        ("x { y { } }\n", (1, 5), "Invalid single-argument block definition"),
    ],
)
def test_two_definitions_on_one_line_are_an_error_terraform_gives(text, where, words):
    parsed = hcl.parse(text, "main.tf")
    assert parsed.error is not None
    assert (parsed.error.line, parsed.error.column) == where
    assert words in parsed.error.message


@pytest.mark.parametrize(
    "text",
    [
        "locals { a = 1 }\n",
        'x "l" { }\n',
        "locals {\n  o = { a = 1, b = 2 }\n  p = 2\n}\n",
        "x {\n  y { a = 1 }\n  z = 2\n}\n",
    ],
)
def test_one_definition_a_line_and_one_line_blocks_are_fine(text):
    assert hcl.parse(text, "main.tf").error is None
