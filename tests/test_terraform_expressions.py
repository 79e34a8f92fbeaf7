"""Terraform expressions and functions evaluate as terraform console would, keeping places."""

import time

import pytest

from batchlint.readers import hcl
from batchlint.readers.hclexpr import NoReferences, Scope, evaluate, known_plain
from batchlint.values import Lit, Unknown


def _names():
    return {
        "m": {"alma9": "batch.node.el 9", "noble": "batch.node.ubuntu 24.04"},
        "xs": ["b", "a", "b"],
        "empty": "",
        "nothing": None,
        "obj": {"sku": "22_04-lts", "nested": {"v": "latest"}},
        "flag": True,
        "n": 3,
    }


def _lit(value, line=99):
    loc = hcl.Location("names.tf", line)
    if isinstance(value, dict):
        return Lit({k: _lit(v, line) for k, v in value.items()}, loc)
    if isinstance(value, list):
        return Lit([_lit(v, line) for v in value], loc)
    return Lit(value, loc)


def value_of(text: str):
    """The value of ``text`` with the names above bound, as plain data or Unknown."""
    parsed = hcl.parse(f"x = {text}\n", "expr.tf")
    assert parsed.error is None, parsed.error.message
    scope = Scope(NoReferences()).bind(**{k: _lit(v) for k, v in _names().items()})
    node = evaluate(parsed.body.attributes["x"].expr, scope)
    return node if isinstance(node, Unknown) else known_plain(node)


def node_of(text: str):
    parsed = hcl.parse(f"x = {text}\n", "expr.tf")
    scope = Scope(NoReferences()).bind(**{k: _lit(v) for k, v in _names().items()})
    return evaluate(parsed.body.attributes["x"].expr, scope)


CASES = {
    "lookup-found": ('lookup(m, "alma9", "x")', "batch.node.el 9"),
    "lookup-default": ('lookup(m, "centos", "batch.node.ubuntu 22.04")', "batch.node.ubuntu 22.04"),
    "try-first-that-works": ("try(obj.missing, obj.sku)", "22_04-lts"),
    "try-null-fallback": ("try(obj.nested.version, null)", None),
    "can-true": ("can(obj.sku)", True),
    "can-false": ("can(obj.missing)", False),
    "coalesce-skips-empty": ('coalesce(empty, nothing, "latest")', "latest"),
    "coalescelist": ("coalescelist([], [1])", [1]),
    "lower": ('lower("Canonical")', "canonical"),
    "upper": ('upper("amd64")', "AMD64"),
    "title": ('title("windows server")', "Windows Server"),
    "format-s-d": ('format("%s-%02d", "pool", 7)', "pool-07"),
    "format-q": ('format("%q", "a")', '"a"'),
    "format-explicit-index": ('format("%[2]s/%[1]s", "a", "b")', "b/a"),
    "merge-later-wins": ("merge({a = 1, b = 1}, {b = 2}, null)", {"a": 1, "b": 2}),
    "conditional-true": ('flag ? "yes" : "no"', "yes"),
    "conditional-compare": ('n > 2 && n != 4 ? "big" : "small"', "big"),
    "contains": ('contains(xs, "a")', True),
    "contains-missing": ('contains(xs, "z")', False),
    "keys-sorted": ("keys(m)", ["alma9", "noble"]),
    "values-by-sorted-key": ("values({b = 2, a = 1})", [1, 2]),
    "length-list": ("length(xs)", 3),
    "length-string": ('length("abcd")', 4),
    "replace": ('replace("22.04", ".", "_")', "22_04"),
    "replace-regex": ('replace("ubuntu-22", "/[0-9]+/", "x")', "ubuntu-x"),
    "join": ('join(",", xs)', "b,a,b"),
    "split": ('split(".", "batch.node.el")', ["batch", "node", "el"]),
    "tostring-number": ("tostring(5)", "5"),
    "tonumber": ('tonumber("42")', 42),
    "tobool": ('tobool("true")', True),
    "concat": ("concat([1], [2, 3])", [1, 2, 3]),
    "element-wraps": ("element(xs, 4)", "a"),
    "index": ('index(xs, "a")', 1),
    "flatten": ("flatten([[1], [2, [3]]])", [1, 2, 3]),
    "distinct": ("distinct(xs)", ["b", "a"]),
    "compact": ('compact(["a", "", null])', ["a"]),
    "one-empty": ("one([])", None),
    "slice": ("slice(xs, 1, 3)", ["a", "b"]),
    "sort": ("sort(xs)", ["a", "b", "b"]),
    "reverse": ("reverse([1, 2])", [2, 1]),
    "zipmap": ('zipmap(["a"], [1])', {"a": 1}),
    "range": ("range(3)", [0, 1, 2]),
    "toset-sorts-strings": ("toset(xs)", ["a", "b"]),
    "trimspace": ('trimspace("  x ")', "x"),
    "trimprefix": ('trimprefix("batch.node.x", "batch.")', "node.x"),
    "substr": ('substr("ubuntu", 0, 3)', "ubu"),
    "startswith": ('startswith("batch.node", "batch")', True),
    "regex-groups": ('regex("(\\\\d+)_(\\\\d+)", "22_04")', ["22", "04"]),
    "min-max": ("max(1, min(5, 3))", 3),
    "jsonencode": ('jsonencode({a = [1, "x"]})', '{"a":[1,"x"]}'),
    "jsondecode": ('jsondecode("{\\"a\\": 1}").a', 1),
    "alltrue": ("alltrue([true, flag])", True),
    "template": ('"pool-${obj.sku}"', "pool-22_04-lts"),
    "template-if": ('"%{ if flag }on%{ else }off%{ endif }"', "on"),
    "template-for": ('"%{ for x in xs }${x};%{ endfor }"', "b;a;b;"),
    "for-list": ('[for x in xs : upper(x) if x != "a"]', ["B", "B"]),
    "for-object": (
        "{for k, v in m : v => k}",
        {"batch.node.el 9": "alma9", "batch.node.ubuntu 24.04": "noble"},
    ),
    "for-object-grouping": ("{for x in xs : x => x...}", {"b": ["b", "b"], "a": ["a"]}),
    "splat": ("[obj, obj][*].sku", ["22_04-lts", "22_04-lts"]),
    "index-map": ('m["noble"]', "batch.node.ubuntu 24.04"),
    "arithmetic": ("(n + 1) * 2 - 5 % 3", 6),
    "heredoc": ("<<-EOT\n    a\n      b\n    EOT", "a\n  b\n"),
    "expand-args": ("max([1, 7, 2]...)", 7),
}


@pytest.mark.parametrize("text,expected", list(CASES.values()), ids=list(CASES))
def test_expression_value(text, expected):
    assert value_of(text) == expected


def test_missing_attribute_is_unknown_with_the_error():
    node = value_of("obj.missing")
    assert isinstance(node, Unknown)
    assert "no attribute 'missing'" in node.reason


def test_try_with_no_working_argument_is_unknown():
    assert isinstance(value_of("try(obj.a, obj.b)"), Unknown)


def test_function_that_reads_files_is_unknown_with_the_reason():
    node = value_of('file("x.txt")')
    assert isinstance(node, Unknown) and "file()" in node.reason


def test_unsupported_function_is_unknown():
    assert isinstance(value_of('cidrhost("10.0.0.0/8", 1)'), Unknown)


def test_lookup_result_keeps_the_place_of_the_map_entry():
    assert node_of('lookup(m, "alma9", "x")').loc.line == 99


def test_lookup_default_keeps_the_place_of_the_default():
    node = node_of('lookup(m, "zzz", "fallback")')
    assert (node.loc.file, node.loc.line, node.loc.column) == ("expr.tf", 1, 22)


def test_conditional_result_is_the_chosen_literal():
    node = node_of('flag ? "yes" : "no"')
    assert node.loc.column == 12


def test_lower_keeps_the_place_of_its_argument():
    assert node_of("lower(obj.sku)").loc.line == 99


def test_single_interpolation_is_the_value_itself():
    node = node_of('"${obj.nested}"')
    assert isinstance(node.value, dict) and node.loc.line == 99


def test_unknown_condition_gives_unknown():
    parsed = hcl.parse('x = u ? "a" : "b"\n', "expr.tf")
    scope = Scope(NoReferences()).bind(u=Unknown("not known", None))
    node = evaluate(parsed.body.attributes["x"].expr, scope)
    assert isinstance(node, Unknown) and "condition is unknown" in node.reason


def test_references_in_tfvars_context_are_unknown():
    assert isinstance(value_of("var.image_sku"), Unknown)


def test_invalid_regex_is_unknown_not_a_crash():
    assert isinstance(value_of('regex("(", "x")'), Unknown)


def test_for_expression_over_more_elements_than_the_cap_is_unknown_not_cut_short():
    node = value_of("[for x in concat(range(10000), [1]) : x]")
    assert isinstance(node, Unknown)
    assert "10001 elements are more than batchlint iterates over (10000)" in node.reason


def test_a_pattern_that_backtracks_for_seconds_in_python_ends_at_once():
    # Python's re takes seconds on this (and minutes with ten more a's); RE2 is linear.
    started = time.perf_counter()
    node = value_of('regex("^(a+)+$", "' + "a" * 26 + '!")')
    assert time.perf_counter() - started < 1
    assert isinstance(node, Unknown) and "does not match" in node.reason


@pytest.mark.parametrize("pattern", ["(a)\\\\1", "a(?=b)", "(?<!x)a"])
def test_a_pattern_re2_rejects_is_unknown_saying_so(pattern):
    node = value_of(f'regex("{pattern}", "aab")')
    assert isinstance(node, Unknown)
    assert "is not a pattern Terraform accepts (RE2 syntax" in node.reason


def test_replace_with_a_pattern_expands_groups_as_go_does():
    assert value_of('replace("ubuntu-22", "/([a-z]+)-([0-9]+)/", "$2.$1")') == "22.ubuntu"
    # Go reads "$1x" as the group named "1x", which does not exist: it gives nothing.
    assert value_of('replace("ubuntu-22", "/([a-z]+)-([0-9]+)/", "$1x-$$")') == "-$"


def test_regex_groups_that_mix_named_and_unnamed_are_unknown():
    node = value_of('regex("(?P<a>x)(y)", "xy")')
    assert isinstance(node, Unknown) and "mixes named and unnamed groups" in node.reason


def test_regexall_with_more_matches_than_the_cap_is_unknown():
    node = value_of('regexall("a", join("", [for i in range(10000) : "aa"]))')
    assert isinstance(node, Unknown) and "more than 10000 matches" in node.reason


def test_element_with_a_negative_index_is_unknown_as_terraform_rejects_it():
    node = value_of("element(xs, -1)")
    assert isinstance(node, Unknown) and "negative index" in node.reason
