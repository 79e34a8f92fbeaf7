"""Bicep expressions evaluate as a deployment would, or stay unknown with the reason."""

from batchlint.readers import bicepparse
from batchlint.readers.bicepexpr import Scope, evaluate
from batchlint.values import Lit, Unknown, plain


def value(expr: str, declarations: str = ""):
    """The value of ``expr`` in a file that also holds ``declarations``."""
    text = f"{declarations}\nvar result = {expr}\n"
    file = bicepparse.parse(text, "main.bicep")
    assert file.errors == []
    return evaluate(file.variables["result"].value, Scope(file))


def test_to_lower_keeps_the_place_of_its_argument():
    result = value("toLower('Server-Gen2')")
    assert result.value == "server-gen2"
    assert (result.loc.line, result.loc.column) == (2, 22)


def test_to_upper():
    assert value("toUpper('ubuntu')").value == "UBUNTU"


def test_concat_joins_strings_and_arrays():
    assert value("concat('batch.node.', 'ubuntu 22.04')").value == "batch.node.ubuntu 22.04"
    assert plain(value("concat(['a'], ['b', 'c'])")) == ["a", "b", "c"]


def test_format_fills_numbered_holes():
    assert value("format('batch.node.{0} {1}', 'ubuntu', '22.04')").value == (
        "batch.node.ubuntu 22.04"
    )


def test_replace():
    assert value("replace('22.04-lts', '-lts', '')").value == "22.04"


def test_empty_of_array_string_and_object():
    assert value("empty([])").value is True
    assert value("empty('')").value is True
    assert value("empty({ a: 1 })").value is False


def test_coalesce_takes_the_first_value_that_is_not_null():
    assert value("coalesce(null, 'server', 'other')").value == "server"


def test_coalesce_is_unknown_when_an_unknown_comes_first():
    result = value("coalesce(resourceGroup().location, 'westeurope')")
    assert isinstance(result, Unknown)


def test_null_coalescing_operator():
    assert value("empty ?? 'fallback'", "var empty = null").value == "fallback"
    assert value("'set' ?? 'fallback'").value == "set"


def test_ternary_picks_the_branch_and_its_place():
    ternary = "useNew\n  ? 'batch.node.ubuntu 24.04'\n  : 'batch.node.ubuntu 22.04'"
    result = value(ternary, "param useNew bool = true")
    assert result.value == "batch.node.ubuntu 24.04"
    assert result.loc.line == 3


def test_ternary_with_unknown_condition_is_unknown():
    result = value("resourceGroup().location == 'x' ? 'a' : 'b'")
    assert isinstance(result, Unknown)
    assert "resourceGroup()" in result.reason


def test_index_access_on_arrays_and_objects():
    declarations = "var skus = ['20_04-lts', '22_04-lts']\nvar agents = { linux: 'l', win: 'w' }"
    assert value("skus[1]", declarations).value == "22_04-lts"
    assert value("agents['win']", declarations).value == "w"


def test_index_out_of_range_is_unknown_and_safe_index_is_null():
    declarations = "var skus = ['a']"
    assert isinstance(value("skus[3]", declarations), Unknown)
    assert value("skus[?3]", declarations).value is None


def test_property_access_ignores_case_and_safe_access_gives_null():
    declarations = "var image = { Publisher: 'canonical' }"
    assert value("image.publisher", declarations).value == "canonical"
    assert value("image.?offer", declarations).value is None


def test_property_access_binds_tighter_than_operators():
    declarations = "var o = { b: { c: 'C' }, d: ['x', 'y'] }\nvar n = null"
    assert value("n ?? o.b.c", declarations).value == "C"
    assert value("true && o.b.c == 'C' ? o.d[0] : o.d[1]", declarations).value == "x"
    assert value("!empty(o.d) && o.b.c =~ 'c'", declarations).value is True
    assert value("(n ?? o).b.c", declarations).value == "C"


def test_arithmetic_follows_precedence():
    assert value("1 + 2 * 3 - 4 / 2 % 3").value == 5


def test_interpolation_of_one_value_keeps_that_value_place():
    result = value("'${agent}'", "var agent = 'batch.node.el 9'")
    assert result.value == "batch.node.el 9"
    assert result.loc.line == 1
    assert result.origin == "variable agent"


def test_interpolation_builds_a_string_placed_at_the_string():
    result = value("'pool-${env}-${length(sizes)}'", "param env string = 'dev'\nvar sizes = [1, 2]")
    assert result.value == "pool-dev-2"
    assert result.loc.line == 3
    assert "default of parameter env" in result.origin


def test_escapes_in_strings():
    assert value(r"'it\'s \${not} \u{41}'").value == "it's ${not} A"


def test_parameter_default_is_credited_to_the_parameter():
    result = value("sku", "param sku string = '22_04-lts'")
    assert result.origin == "default of parameter sku"


def test_parameter_without_default_is_unknown():
    result = value("sku", "param sku string")
    assert isinstance(result, Unknown)
    assert "sku has no default" in result.reason


def test_deployment_functions_are_unknown_with_the_reason():
    for call, word in [
        ("resourceGroup().location", "resourceGroup()"),
        ("uniqueString('a')", "uniqueString()"),
        ("reference('x').agent", "reference()"),
        ("subscription().id", "subscription()"),
    ]:
        result = value(call)
        assert isinstance(result, Unknown), call
        assert word in result.reason


def test_resource_name_is_known_and_its_other_properties_are_not():
    declarations = (
        "resource account 'Microsoft.Batch/batchAccounts@2024-07-01' = {\n  name: 'contosobatch'\n}"
    )
    assert value("account.name", declarations).value == "contosobatch"
    assert isinstance(value("account.id", declarations), Unknown)


def test_module_outputs_are_unknown():
    declarations = "module m './m.bicep' = {\n  name: 'm'\n}"
    result = value("m.outputs.agent", declarations)
    assert isinstance(result, Unknown)
    assert "after deployment" in result.reason


def test_user_defined_function_is_evaluated():
    declarations = "func agent(version string) string => 'batch.node.ubuntu ${version}'"
    assert value("agent('22.04')", declarations).value == "batch.node.ubuntu 22.04"


def test_user_defined_function_called_with_the_wrong_arguments_says_how_many():
    declarations = "func agent(version string) string => 'batch.node.ubuntu ${version}'"
    result = value("agent('22.04', 'x')", declarations)
    assert isinstance(result, Unknown)
    assert result.reason == "agent() takes 1 argument"


def test_for_expression_over_more_items_than_the_cap_is_unknown_not_cut_short():
    result = value("[for i in concat(range(0, 1000), range(1000, 1)): i]")
    assert isinstance(result, Unknown)
    assert "a loop over 1001 items is more than batchlint expands (1000)" in result.reason


def test_lambda_functions_stay_unknown():
    result = value("map([1, 2], x => x)")
    assert isinstance(result, Unknown)
    assert "lambda" in result.reason


def test_for_expression_builds_an_array():
    assert plain(value("[for (s, i) in ['a', 'b']: '${s}${i}']")) == ["a0", "b1"]


def test_spread_merges_objects_and_arrays():
    declarations = "var base = { publisher: 'canonical', sku: 'old' }\nvar more = ['b']"
    assert plain(value("{\n  ...base\n  sku: 'server'\n}", declarations)) == {
        "publisher": "canonical",
        "sku": "server",
    }
    assert plain(value("['a', ...more]", declarations)) == ["a", "b"]


def test_variable_that_refers_to_itself_is_unknown():
    result = value("a", "var a = b\nvar b = a")
    assert isinstance(result, Unknown)


def test_unknown_property_is_placed_where_the_object_uses_it():
    result = value("{\n  agent: agentParam\n}", "param agentParam string")
    agent = result.value["agent"]
    assert isinstance(agent, Unknown)
    assert agent.loc.line == 3


def test_known_values_are_literals():
    assert isinstance(value("'x'"), Lit)


def test_functions_given_arguments_bicep_rejects_are_unknown():
    for text in ("union('a')", "union({ a: 1 }, [1])", "flatten('ab')"):
        assert isinstance(value(text), Unknown), text


def test_json_nested_past_the_parser_limit_is_unknown():
    result = value("json('" + "[" * 5000 + "')")
    assert isinstance(result, Unknown) and "nested too deeply" in result.reason
