"""Finding comments by each format's syntax, without taking string contents for comments."""

from __future__ import annotations

import textwrap

from batchlint.comments import scan


def _comments(text: str, path: str) -> list[tuple[int, str]]:
    found = scan(textwrap.dedent(text).lstrip("\n"), path)
    return [(c.line, c.text.strip()) for c in found.comments]


def test_hcl_has_hash_slash_and_block_comments():
    text = """
    # one
    a = 1 // two
    /* three */
    """
    assert _comments(text, "main.tf") == [(1, "one"), (2, "two"), (3, "three")]


def test_hcl_interpolation_with_nested_quotes_is_not_a_comment():
    text = """
    a = "${var.x == "#" ? "//" : "b"}" # real
    """
    assert _comments(text, "main.tf") == [(1, "real")]


def test_hcl_heredoc_body_is_not_a_comment():
    text = """
    script = <<-EOT
      # shell comment
      echo // not hcl
    EOT
    # after
    """
    assert _comments(text, "main.tf") == [(5, "after")]


def test_bicep_verbatim_string_is_not_a_comment():
    text = """
    var script = '''
    // inside
    '''
    // outside
    """
    assert _comments(text, "main.bicep") == [(4, "outside")]


def test_bicep_interpolation_with_a_nested_string():
    text = """
    var name = '${toLower('A//B')}-pool' // tail
    """
    assert _comments(text, "main.bicep") == [(1, "tail")]


def test_json_slashes_inside_a_string_are_not_a_comment():
    text = """
    {"url": "https://example.com/x", // tail
     "b": "\\" // still a string"}
    """
    assert _comments(text, "azuredeploy.json") == [(1, "tail")]


def test_yaml_hash_inside_quotes_or_words_is_not_a_comment():
    text = """
    a: "x # y"
    b: it's#not
    c: 'it''s' # yes
    """
    assert _comments(text, "pools.yaml") == [(3, "yes")]


def test_yaml_block_scalar_lines_are_text():
    text = """
    startTask:
      commandLine: |
        # a shell comment
        echo hi
    # a yaml comment
    """
    assert _comments(text, "pools.yaml") == [(5, "a yaml comment")]


def test_next_code_line_skips_comment_only_lines_and_block_comments():
    text = "// a\n/* b\n c */\n// d\nresource x\n"
    found = scan(text, "main.bicep")
    assert found.next_code_line(1) == 5


def test_a_trailing_comment_does_not_make_its_line_comment_only():
    found = scan("a = 1 # x\nb = 2\n", "main.tf")
    assert found.comment_only == frozenset()


def test_files_of_other_formats_have_no_scan():
    assert scan("# x", "notes.txt") is None
