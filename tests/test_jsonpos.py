"""The positioned JSON parser: values with places, comments, errors worded like ``json``."""

from __future__ import annotations

import json

import pytest

from batchlint.jsonpos import parse
from batchlint.reader import ParseError
from batchlint.values import plain


def test_values_know_their_line_and_column():
    root, _ = parse('{\n  "a": [1, "x"],\n  "b": {"c": null}\n}', "f.json")
    assert (root.loc.line, root.loc.column) == (1, 1)
    a = root.value["a"]
    assert (a.loc.line, a.loc.column) == (2, 8)
    assert (a.value[1].loc.line, a.value[1].loc.column) == (2, 12)
    assert plain(root) == {"a": [1, "x"], "b": {"c": None}}


def test_comments_are_allowed_and_returned():
    root, comments = parse('{\n  // one\n  "a": 1 /* two */\n}', "f.json")
    assert plain(root) == {"a": 1}
    assert [(c.line, c.text) for c in comments] == [(2, "// one"), (3, "/* two */")]


def test_comment_markers_inside_strings_are_text():
    root, comments = parse('{"url": "https://x//y/*z*/"}', "f.json")
    assert root.value["url"].value == "https://x//y/*z*/"
    assert comments == []


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "Expecting value", 1),
        ('{"a": 1,\n}', "Trailing comma: JSON allows no ',' before '}'", 2),
        ("[1,\n2,\n]", "Trailing comma: JSON allows no ',' before ']'", 3),
        ('{"a": }', "Expecting value", 1),
        ('{"a": 1, 2}', "Expecting property name enclosed in double quotes", 1),
        ('{"a" 1}', "Expecting ':' delimiter", 1),
        ('{"a": 1 "b": 2}', "Expecting ',' delimiter", 1),
        ('"abc', "Unterminated string", 1),
        ('{"a": 1}\n{}', "Extra data", 2),
        ('"\\q"', "Invalid \\escape", 1),
    ],
)
def test_errors_name_the_offending_token(text, message, line):
    with pytest.raises(ParseError) as err:
        parse(text, "f.json")
    assert err.value.message.startswith(message)
    assert err.value.line == line


@pytest.mark.parametrize("text", ['{"a": 1,}', "[1, 2,]", '{"a": [1,], "b": 2,}'])
def test_trailing_commas_only_when_asked(text):
    with pytest.raises(ParseError):
        parse(text, "f.json")
    root, _ = parse(text, "f.json", trailing_commas=True)
    assert plain(root) is not None


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ParseError, match="Nesting deeper than"):
        parse("[" * 10_000 + "]" * 10_000, "f.json")


def test_strings_and_numbers_decode_as_json_does():
    text = '{"s": "a\\u00e9\\n", "i": -12, "f": 1.5e3, "t": true}'
    root, _ = parse(text, "f.json")
    assert plain(root) == json.loads(text)
