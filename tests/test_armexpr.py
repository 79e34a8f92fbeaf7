"""ARM template expressions evaluated statically, with places and reasons."""

from __future__ import annotations

import pytest

from batchlint.model import Location
from batchlint.readers.armexpr import Scope, evaluate_string
from batchlint.values import Lit, Unknown, plain

HERE = Location("t.json", 10, 5)


def lit(value, line=1):
    if isinstance(value, dict):
        return Lit({k: lit(v, line) for k, v in value.items()}, Location("t.json", line))
    if isinstance(value, list):
        return Lit([lit(v, line) for v in value], Location("t.json", line))
    return Lit(value, Location("t.json", line))


def scope(**params):
    getters = {name: (lambda v=v: lit(v, 3)) for name, v in params.items()}
    variables = {
        "agent": lit("batch.node.el 9", 7),
        "images": lit({"linux": {"sku": "[toLower('SERVER')]"}}, 8),
    }
    return Scope(getters, variables)


def ev(text, **params):
    return evaluate_string(text, HERE, scope(**params))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[concat('a', '-', 'b')]", "a-b"),
        ("[format('{0}/{1}', 'acct', 'pool')]", "acct/pool"),
        ("[toLower('Canonical')]", "canonical"),
        ("[toUpper('x')]", "X"),
        ("[replace('22.04', '.', '_')]", "22_04"),
        ("[if(equals('a', 'a'), 'yes', 'no')]", "yes"),
        ("[if(equals('a', 'b'), 'yes', 'no')]", "no"),
        ("[coalesce(null(), 'second')]", "second"),
        ("[empty('')]", True),
        ("[string(5)]", "5"),
        ("[variables('images').linux.sku]", "server"),
        ("[variables('images')['linux']['sku']]", "server"),
        ("[createObject('a', 1).a]", 1),
        ("[split('a,b', ',')[1]]", "b"),
        ("[concat(createArray(1), createArray(2))]", [1, 2]),
        ("[union(createObject('a', 1), createObject('b', 2)).b]", 2),
        ("[length('abc')]", 3),
        ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
        ("[substring('abc', 1, 2)]", "bc"),
    ],
)
def test_functions(text, expected):
    result = ev(text)
    assert isinstance(result, Lit), result
    assert plain(result) == expected


def test_a_variable_reference_keeps_the_variables_place_and_origin():
    result = ev("[variables('agent')]")
    assert (result.value, result.loc.line, result.origin) == (
        "batch.node.el 9",
        7,
        "variable agent",
    )


def test_a_parameter_reference_keeps_the_parameters_place():
    result = ev("[parameters('sku')]", sku="server")
    assert (result.value, result.loc.line) == ("server", 3)


def test_if_returns_the_chosen_branch_as_written():
    result = ev("[if(equals(parameters('os'), 'linux'), variables('agent'), 'w')]", os="linux")
    assert (result.value, result.loc.line) == ("batch.node.el 9", 7)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[resourceGroup().location]", "resourceGroup() is known only at deployment"),
        ("[reference('x').outputs.sku]", "reference() reads a deployed resource"),
        ("[parameters('missing')]", "the template declares no parameter 'missing'"),
        ("[variables('missing')]", "the template declares no variable 'missing'"),
        ("[frobnicate('x')]", "function frobnicate() is not evaluated by batchlint"),
        ("[concat('a',", "cannot parse expression"),
        ("[variables('images').windows]", "the object has no property 'windows'"),
    ],
)
def test_what_cannot_be_known_is_unknown_with_the_reason(text, reason):
    result = ev(text)
    assert isinstance(result, Unknown)
    assert reason in result.reason
    assert result.loc == HERE  # reported where the value is used


def test_unknown_spreads_through_functions():
    result = ev("[concat('pool-', resourceGroup().location)]")
    assert isinstance(result, Unknown)
    assert "resourceGroup()" in result.reason


def test_an_unknown_if_condition_is_unknown():
    result = ev("[if(equals(resourceGroup().location, 'x'), 'a', 'b')]")
    assert isinstance(result, Unknown)
    assert result.reason.startswith("the if() condition is unknown")


def test_a_variable_that_refers_to_itself_is_unknown():
    s = Scope({}, {"a": lit("[variables('a')]")})
    result = evaluate_string("[variables('a')]", HERE, s)
    assert isinstance(result, Unknown)
    assert "refers to itself" in result.reason


def test_copy_index_with_offset():
    s = scope().with_copy_index(2)
    assert evaluate_string("[copyIndex(1)]", HERE, s).value == 3
    assert isinstance(evaluate_string("[copyIndex()]", HERE, scope()), Unknown)


def test_copy_index_unknown_for_a_reason_says_the_reason():
    s = scope().with_copy_index(None, "copies 1000 and later are not checked")
    result = evaluate_string("[copyIndex()]", HERE, s)
    assert isinstance(result, Unknown)
    assert result.reason == "copies 1000 and later are not checked"


@pytest.mark.parametrize(
    "text",
    [
        "[substring('abc', -1)]",
        "[substring('abc', 1, 99)]",
        "[toLower(createArray('A'))]",
        "[createArray(1, 2)[-1]]",
        "[union('a')]",
        "[int('" + "9" * 5000 + "')]",
        "[add(" + "9" * 5000 + ", 1)]",
    ],
)
def test_arguments_arm_rejects_are_unknown(text):
    assert isinstance(ev(text), Unknown)
