"""Every function of each expression evaluator, given any arguments, gives a value or an unknown.

Wrong counts, wrong types, huge and negative numbers, empty strings, nested values: a call is a
``Lit`` tree (scalars, and lists and objects of nodes) or ``Unknown`` with a reason, never an
exception that a run would report as a bug in batchlint.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from batchlint.model import Location
from batchlint.readers import armexpr, bicepexpr, bicepparse, hcl, hclexpr, hclfuncs
from batchlint.readers import bicepsyntax as syn
from batchlint.values import Lit, Unknown

HERE = Location("t", 1, 1)
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SCALARS = st.one_of(
    st.sampled_from(
        ["", " ", "a", "A,b", "/[a-/", "/(a+)+$/", "%d", "%[9]s", "{0}", "{99}", "{-1}", "{"]
        + ["true", "1e5", "0x10", "$1", "${x}", "\\", "9" * 5000, "null"]
    ),
    st.sampled_from([0, 1, -1, 3, 2**63, -(2**64), 2**2000, 1.5, -0.5, float("inf")]),
    st.sampled_from([float("nan"), True, False, None]),
    st.text(max_size=6),
    st.integers(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "A", ""]), inner, max_size=3),
    ),
    max_leaves=6,
)
ARGS = st.lists(VALUES, max_size=4)


def lit(value) -> Lit:
    if isinstance(value, dict):
        return Lit({k: lit(v) for k, v in value.items()}, HERE)
    if isinstance(value, list):
        return Lit([lit(v) for v in value], HERE)
    return Lit(value, HERE)


def assert_well_formed(node) -> None:
    """A ``Lit`` of a scalar, or of lists and string-keyed objects of such nodes; or
    ``Unknown`` with a reason."""
    if isinstance(node, Unknown):
        assert isinstance(node.reason, str) and node.reason
        return
    assert isinstance(node, Lit), node
    value = node.value
    if isinstance(value, dict):
        for key, child in value.items():
            assert isinstance(key, str), key
            assert_well_formed(child)
    elif isinstance(value, list):
        for child in value:
            assert_well_formed(child)
    else:
        assert value is None or isinstance(value, (str, int, float, bool)), value


def names(known) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(known)), st.from_regex(r"[a-z]{1,8}", fullmatch=True))


# -- ARM ----------------------------------------------------------------------------------------

ARM_FUNCTIONS = {n[3:] for n in dir(armexpr._Eval) if n.startswith("fn_")}


def arm_call(name: str, args: list):
    """``[name(parameters('a0'), ...)]`` with each parameter set to an argument."""
    nodes = [lit(v) for v in args]
    params = {f"a{i}": (lambda node=node: node) for i, node in enumerate(nodes)}
    text = "[" + name + "(" + ", ".join(f"parameters('a{i}')" for i in range(len(args))) + ")]"
    return armexpr.evaluate_string(text, HERE, armexpr.Scope(params, {}))


@PROPERTY
@given(names(ARM_FUNCTIONS), ARGS)
@example("union", ["a"])
@example("union", [{"a": 1}, "b"])
@example("int", [float("inf")])
@example("add", [float("inf"), 1])
@example("range", [float("inf"), 1])
@example("substring", ["abc", float("inf")])
@example("json", ["[" * 5000])
def test_an_arm_function_gives_a_value_or_an_unknown(name, args):
    assert_well_formed(arm_call(name, args))


def test_an_arm_number_too_long_for_python_is_unknown():
    node = armexpr.evaluate_string("[add(" + "9" * 5000 + ", 1)]", HERE, armexpr.Scope({}, {}))
    assert isinstance(node, Unknown) and "too long" in node.reason


# -- Bicep --------------------------------------------------------------------------------------

BICEP_FILE = bicepparse.parse("var x = 1\n", "main.bicep")


def bicep_call(name: str, args: list):
    scope = bicepexpr.Scope(BICEP_FILE).child({f"a{i}": lit(v) for i, v in enumerate(args)})
    refs = tuple(syn.Name(f"a{i}", HERE) for i in range(len(args)))
    return bicepexpr.evaluate(syn.Call(name, None, refs, HERE), scope)


@PROPERTY
@given(names(bicepexpr._FUNCTIONS), ARGS)
@example("union", ["a"])
@example("flatten", ["ab"])
@example("max", [float("inf")])
@example("take", [[1], float("inf")])
@example("padleft", ["a", -(2**64)])
@example("json", ["[" * 5000])
def test_a_bicep_function_gives_a_value_or_an_unknown(name, args):
    assert_well_formed(bicep_call(name, args))


# -- Terraform ----------------------------------------------------------------------------------


def terraform_call(name: str, args: list):
    scope = hclexpr.Scope(hclexpr.NoReferences()).bind(
        **{f"a{i}": lit(v) for i, v in enumerate(args)}
    )
    refs = [hcl.Ref(f"a{i}", HERE) for i in range(len(args))]
    return hclexpr.evaluate(hcl.Call(name, refs, False, HERE), scope)


@PROPERTY
@given(names(hclfuncs.KNOWN), ARGS)
@example("jsondecode", ["[" * 5000])
@example("regex", ["(a)\\1", "aa"])
@example("replace", ["aa", "/(?=a)/", "$1"])
def test_a_terraform_function_gives_a_value_or_an_unknown(name, args):
    assert_well_formed(terraform_call(name, args))
