"""Terraform expressions, evaluated statically into positioned values.

The evaluator turns ``hcl`` expression nodes into ``Lit`` / ``Unknown`` trees. A value that was
written somewhere keeps that place: ``var.sku`` gives the tfvars or default literal itself, and
a conditional gives the chosen branch. Names the expression cannot know (other resources'
computed attributes, data sources) come from the ``Context`` as ``Unknown`` with the reason.

Terraform distinguishes an *error* (an attribute an object does not have; ``try()`` catches it)
from an *unknown* value (known only after apply; ``try()`` passes it on). ``EvalError`` is the
first, ``Unknown`` the second; ``evaluate`` turns an uncaught error into ``Unknown`` with the
message, so a pool field that Terraform would reject is reported as unresolved, not guessed.
"""

from __future__ import annotations

from typing import Any, Protocol

from batchlint.model import Location
from batchlint.reader import ParseError
from batchlint.readers import hcl
from batchlint.readers.limits import TooLarge, check_length, file_work_spent, value_too_large
from batchlint.values import Lit, Node, Unknown

#: Upper bound on the elements a for expression or function builds, against runaway input.
MAX_ITEMS = 10_000
#: The most iterations the for expressions of one evaluation run, nested ones counted in.
MAX_FOR_STEPS = 100_000


class EvalError(Exception):
    """An expression Terraform would reject, with the place."""

    def __init__(self, message: str, loc: Location | None) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


class UnknownInside(Exception):
    """A value needed as plain data holds an unknown part."""

    def __init__(self, node: Unknown) -> None:
        super().__init__(node.reason)
        self.node = node


class Context(Protocol):
    """What names outside the expression mean: one module instance, or nothing (tfvars)."""

    def reference(self, root: hcl.Ref, steps: list, scope: Scope) -> tuple[Node, int]:
        """The value a traversal starting at a free name leads to, and how many of ``steps``
        (("attr", name, loc) / ("index", Node, loc)) it used."""


class NoReferences:
    """The context of tfvars files and type defaults, where no name may be referred to."""

    def reference(self, root: hcl.Ref, steps: list, scope: Scope) -> tuple[Node, int]:
        return Unknown(f"{root.name} cannot be referred to here", root.loc), len(steps)


class Scope:
    """Names bound by for expressions, ``each``, ``count`` and dynamic block iterators."""

    __slots__ = ("context", "bindings", "parent", "budget")

    def __init__(
        self, context: Context, bindings: dict[str, Node] | None = None, parent: Scope | None = None
    ) -> None:
        self.context = context
        self.bindings = bindings or {}
        self.parent = parent
        #: for-expression iterations left, shared by the scopes of one evaluation.
        self.budget: list[int] = parent.budget if parent is not None else [MAX_FOR_STEPS]

    def step(self, loc: Location | None) -> None:
        """Count one iteration of a for expression; past the budget, an ``EvalError``."""
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise EvalError(
                f"the for expressions take more than {MAX_FOR_STEPS} steps, "
                "more than batchlint evaluates",
                loc,
            )

    def bind(self, **names: Node) -> Scope:
        return Scope(self.context, names, self)

    def lookup(self, name: str) -> Node | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return None


def evaluate(expr: hcl.Expr | None, scope: Scope) -> Node | None:
    """The value of ``expr``; an expression Terraform would reject becomes ``Unknown``."""
    if expr is None:
        return None
    try:
        return eval_expr(expr, scope)
    except EvalError as exc:
        return Unknown(exc.message, exc.loc or expr.loc)
    except UnknownInside as exc:
        return exc.node


def relabel(node: Node | None, origin: str, _done: dict | None = None) -> Node | None:
    """The same value with every plain literal credited to ``origin``."""
    if not isinstance(node, Lit):
        return node
    value = node.value
    if not isinstance(value, (dict, list)):
        return node.with_origin(origin)
    done = {} if _done is None else _done  # a part met twice is relabelled once, still shared
    hit = done.get(id(node))
    if hit is not None:
        return hit[1]
    label = node.origin if node.origin != "literal" else origin
    if isinstance(value, dict):
        out = Lit({k: relabel(v, origin, done) for k, v in value.items()}, node.loc, label)
    else:
        out = Lit([relabel(v, origin, done) for v in value], node.loc, label)
    done[id(node)] = (node, out)
    return out


# -- the evaluator -------------------------------------------------------------------------


_BUILT = frozenset(
    {hcl.Template, hcl.TupleExpr, hcl.ObjectExpr, hcl.Call, hcl.Binary, hcl.Unary, hcl.ForExpr}
)


def eval_expr(expr: hcl.Expr, scope: Scope) -> Node:
    """The value of ``expr``; raises ``EvalError`` where Terraform would report an error, or
    where the value would be larger than batchlint evaluates."""
    try:
        value = _eval_expr(expr, scope)
    except TooLarge as exc:
        raise EvalError(str(exc), expr.loc) from None
    if type(expr) in _BUILT and isinstance(value, Lit):
        reason = value_too_large(value)
        if reason is not None:
            raise EvalError(reason, expr.loc)
    return value


def _eval_expr(expr: hcl.Expr, scope: Scope) -> Node:
    kind = type(expr)
    if kind is hcl.Literal:
        return Lit(expr.value, expr.loc)
    if kind in (hcl.Ref, hcl.GetAttr, hcl.Index):
        return _traversal(expr, scope)
    if kind is hcl.Template:
        return _template(expr, scope)
    if kind is hcl.TupleExpr:
        return Lit([eval_expr(item, scope) for item in expr.items], expr.loc)
    if kind is hcl.ObjectExpr:
        return _object(expr, scope)
    if kind is hcl.Conditional:
        cond = eval_expr(expr.cond, scope)
        if isinstance(cond, Unknown):
            return Unknown(f"the condition is unknown: {cond.reason}", cond.loc or expr.loc)
        chosen = expr.then if to_bool(cond, expr.cond.loc) else expr.otherwise
        return eval_expr(chosen, scope)
    if kind is hcl.Call:
        from batchlint.readers.hclfuncs import call

        spent = file_work_spent()
        return Unknown(spent, expr.loc) if spent else call(expr, scope)
    if kind is hcl.Binary:
        return _binary(expr, scope)
    if kind is hcl.Unary:
        operand = eval_expr(expr.operand, scope)
        if isinstance(operand, Unknown):
            return operand
        if expr.op == "!":
            return Lit(not to_bool(operand, expr.loc), expr.loc)
        return Lit(-to_number(operand, expr.loc), expr.loc)
    if kind is hcl.ForExpr:
        return _for(expr, scope)
    if kind is hcl.Splat:
        return _splat(expr, scope)
    if kind is hcl.JsonValue:
        return json_value(expr.node, expr.templates, scope)
    raise EvalError(f"unsupported expression {kind.__name__}", expr.loc)


def _traversal(expr: hcl.Expr, scope: Scope) -> Node:
    steps = []
    node = expr
    while isinstance(node, (hcl.GetAttr, hcl.Index)):
        if isinstance(node, hcl.GetAttr):
            steps.append(("attr", node.name, node.loc))
        else:
            steps.append(("index", eval_expr(node.key, scope), node.loc))
        node = node.obj
    steps.reverse()
    if isinstance(node, hcl.Ref):
        bound = scope.lookup(node.name)
        if bound is not None:
            value, used = bound, 0
        else:
            value, used = scope.context.reference(node, steps, scope)
    else:
        value, used = eval_expr(node, scope), 0
    for step in steps[used:]:
        value = apply_step(value, step)
    return value


def apply_step(value: Node, step: tuple) -> Node:
    """``value.name`` or ``value[key]``."""
    kind, key, loc = step
    if isinstance(value, Unknown):
        return value
    if kind == "index" and isinstance(key, Unknown):
        return key
    data = value.value
    if kind == "attr":
        if isinstance(data, dict):
            if key in data:
                return data[key]
            raise EvalError(f"the object has no attribute {key!r}", loc)
        if data is None:
            raise EvalError(f"cannot read attribute {key!r} of a null value", loc)
        raise EvalError(f"cannot read attribute {key!r} of {describe(value)}", loc)
    index = key.value
    if isinstance(data, list):
        number = to_number(key, loc)
        if not isinstance(number, int) or not 0 <= number < len(data):
            raise EvalError(f"index {number} is out of range (length {len(data)})", loc)
        return data[number]
    if isinstance(data, dict):
        name = to_string(key, loc)
        if name in data:
            return data[name]
        raise EvalError(f"the map has no element {name!r}", loc)
    if data is None:
        raise EvalError(f"cannot index a null value with {index!r}", loc)
    raise EvalError(f"cannot index {describe(value)}", loc)


def _template(expr: hcl.Template, scope: Scope) -> Node:
    parts = expr.parts
    if len(parts) == 1 and isinstance(parts[0], hcl.Expr):
        # "${x}" alone is x itself, whatever its type (and its place is the place of x).
        return eval_expr(parts[0], scope)
    pieces: list[str] = []
    unknown = _render(parts, scope, pieces, expr.loc)
    if unknown is not None:
        return unknown
    check_length(sum(len(p) for p in pieces))
    return Lit("".join(pieces), expr.loc)


def _render(parts: list, scope: Scope, out: list[str], loc: Location) -> Unknown | None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, hcl.TemplateIf):
            cond = eval_expr(part.cond, scope)
            if isinstance(cond, Unknown):
                return cond
            chosen = part.then if to_bool(cond, loc) else part.otherwise
            unknown = _render(chosen, scope, out, loc)
            if unknown is not None:
                return unknown
        elif isinstance(part, hcl.TemplateFor):
            coll = eval_expr(part.collection, scope)
            if isinstance(coll, Unknown):
                return coll
            for key, value in items_of(coll, loc):
                scope.step(loc)
                names = {part.value: value}
                if part.key:
                    names[part.key] = key
                unknown = _render(part.parts, scope.bind(**names), out, loc)
                if unknown is not None:
                    return unknown
        else:
            value = eval_expr(part, scope)
            if isinstance(value, Unknown):
                return value
            text = to_string(value, part.loc)
            out.append(text)
            if len(text) > 1000:
                check_length(sum(len(p) for p in out))
    return None


def _object(expr: hcl.ObjectExpr, scope: Scope) -> Node:
    out: dict[str, Node] = {}
    for key_expr, value_expr in expr.items:
        key = eval_expr(key_expr, scope)
        if isinstance(key, Unknown):
            return Unknown(f"an object key is unknown: {key.reason}", key.loc)
        out[to_string(key, key_expr.loc)] = eval_expr(value_expr, scope)
    return Lit(out, expr.loc)


def _for(expr: hcl.ForExpr, scope: Scope) -> Node:
    spent = file_work_spent()
    if spent:
        return Unknown(spent, expr.loc)
    coll = eval_expr(expr.collection, scope)
    if isinstance(coll, Unknown):
        return coll
    as_object = expr.key is not None
    out_list: list[Node] = []
    out_dict: dict[str, Any] = {}
    for key, value in items_of(coll, expr.loc):
        scope.step(expr.loc)
        names = {expr.value_var: value}
        if expr.key_var:
            names[expr.key_var] = key
        inner = scope.bind(**names)
        if expr.cond is not None:
            cond = eval_expr(expr.cond, inner)
            if isinstance(cond, Unknown):
                return cond
            if not to_bool(cond, expr.cond.loc):
                continue
        if as_object:
            new_key = eval_expr(expr.key, inner)
            if isinstance(new_key, Unknown):
                return new_key
            name = to_string(new_key, expr.key.loc)
            item = eval_expr(expr.value, inner)
            if expr.group:
                out_dict.setdefault(name, []).append(item)
            elif name in out_dict:
                raise EvalError(f"duplicate key {name!r} in a for expression", expr.loc)
            else:
                out_dict[name] = item
        else:
            out_list.append(eval_expr(expr.value, inner))
    if as_object:
        if expr.group:
            out_dict = {k: Lit(v, expr.loc) for k, v in out_dict.items()}
        return Lit(out_dict, expr.loc)
    return Lit(out_list, expr.loc)


def _splat(expr: hcl.Splat, scope: Scope) -> Node:
    base = eval_expr(expr.obj, scope)
    if isinstance(base, Unknown):
        return base
    if base.value is None:
        return Lit([], expr.loc)
    items = base.value if isinstance(base.value, list) else [base]
    steps = []
    for kind, key in expr.steps:
        steps.append((kind, eval_expr(key, scope) if kind == "index" else key, expr.loc))
    out = []
    for item in items:
        for step in steps:
            item = apply_step(item, step)
        out.append(item)
    return Lit(out, expr.loc)


_ARITHMETIC = {"+", "-", "*", "/", "%"}
_COMPARE = {"<", ">", "<=", ">="}


def _binary(expr: hcl.Binary, scope: Scope) -> Node:
    left = eval_expr(expr.left, scope)
    op = expr.op
    if op in ("&&", "||") and isinstance(left, Lit):
        short = to_bool(left, expr.left.loc)
        if (op == "&&" and not short) or (op == "||" and short):
            return Lit(short, expr.loc)
    right = eval_expr(expr.right, scope)
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    loc = expr.loc
    if op in ("==", "!="):
        try:
            same = _equal(known_plain(left), known_plain(right))
        except UnknownInside as exc:
            return exc.node
        return Lit(same if op == "==" else not same, loc)
    if op in ("&&", "||"):
        return Lit(to_bool(right, expr.right.loc), loc)
    a, b = to_number(left, expr.left.loc), to_number(right, expr.right.loc)
    if op in _COMPARE:
        return Lit({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op], loc)
    if op in ("/", "%") and b == 0:
        raise EvalError("division by zero", loc)
    result = {
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "%": lambda: a % b,
    }[op]()
    return Lit(normal_number(result), loc)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return a == b


# -- JSON syntax ---------------------------------------------------------------------------


def json_value(node: Node, templates: bool, scope: Scope) -> Node:
    """A value in Terraform's JSON syntax: strings are templates, ``"//"`` keys are comments."""
    if not isinstance(node, Lit):
        return node
    value = node.value
    if isinstance(value, str):
        if not templates or ("${" not in value and "%{" not in value):
            return node
        try:
            expr = hcl.parse_template(value, node.loc)
        except ParseError as exc:
            raise EvalError(exc.message, node.loc) from None
        return eval_expr(expr, scope)
    if isinstance(value, dict):
        return Lit(
            {k: json_value(v, templates, scope) for k, v in value.items() if k != "//"},
            node.loc,
            node.origin,
        )
    if isinstance(value, list):
        return Lit([json_value(v, templates, scope) for v in value], node.loc, node.origin)
    return node


# -- conversions ---------------------------------------------------------------------------


def describe(node: Node) -> str:
    value = node.value if isinstance(node, Lit) else None
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "a string"


def to_string(node: Node, loc: Location | None) -> str:
    value = node.value
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(normal_number(value))
    if value is None:
        raise EvalError("a null value cannot be used as a string", loc)
    raise EvalError(f"cannot use {describe(node)} as a string", loc)


def to_number(node: Node, loc: Location | None) -> int | float:
    value = node.value
    if isinstance(value, bool):
        raise EvalError("cannot use a bool as a number", loc)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return normal_number(float(value)) if "." in value or "e" in value else int(value)
        except ValueError:
            pass
    raise EvalError(f"cannot use {describe(node)} as a number", loc)


def to_bool(node: Node, loc: Location | None) -> bool:
    value = node.value
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"cannot use {describe(node)} as a bool", loc)


def normal_number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def known_plain(node: Node) -> Any:
    """The value as plain Python data; raises ``UnknownInside`` for an unknown part."""
    if isinstance(node, Unknown):
        raise UnknownInside(node)
    value = node.value
    if isinstance(value, dict):
        return {k: known_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [known_plain(v) for v in value]
    return value


def items_of(
    coll: Node, loc: Location | None, limit: int | None = MAX_ITEMS
) -> list[tuple[Node, Node]]:
    """(key, value) pairs of a list (index keys) or map (keys in lexical order).

    A collection of more than ``limit`` elements is an error rather than cut short: a for
    expression over it would otherwise give a value with elements silently missing.
    """
    value = coll.value
    if isinstance(value, (list, dict)) and limit is not None and len(value) > limit:
        raise EvalError(
            f"{len(value)} elements are more than batchlint iterates over ({limit})", loc
        )
    if isinstance(value, list):
        return [(Lit(i, item.loc), item) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return [(Lit(k, value[k].loc), value[k]) for k in sorted(value)]
    if value is None:
        raise EvalError("cannot iterate over a null value", loc)
    raise EvalError(f"cannot iterate over {describe(coll)}", loc)
