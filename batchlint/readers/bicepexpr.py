"""Bicep expressions, evaluated statically.

Evaluation gives the same ``Lit`` / ``Unknown`` trees as the ARM evaluator: a literal keeps the
place it is written and where it came from (a parameter default, a .bicepparam line, a module
argument), so a finding can point at the line that decides the value. What needs a deployment
(``resourceGroup()``, ``reference()``, ``uniqueString()``, a resource's ``id``, a module's
outputs) is ``Unknown`` with the reason, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from batchlint.model import Location
from batchlint.readers import bicepsyntax as syn
from batchlint.readers.armexpr import relabel
from batchlint.readers.limits import TooLarge, check_length, file_work_spent, value_too_large
from batchlint.values import Lit, Node, Unknown, get, is_list, is_obj, plain, unique

MAX_STEPS = 200_000
MAX_ITEMS = 1000
MAX_CALL_DEPTH = 32
#: Module sources that name a registry (``br:``, ``br/public:``) or a template spec (``ts:``).
REGISTRY_PREFIXES = ("br:", "br/", "ts:", "ts/")

#: Functions whose value is known only when deploying, with the reason given for them.
DEPLOYMENT_FUNCTIONS = {
    "resourcegroup": "resourceGroup() is known only at deployment",
    "subscription": "subscription() is known only at deployment",
    "tenant": "tenant() is known only at deployment",
    "managementgroup": "managementGroup() is known only at deployment",
    "deployment": "deployment() is known only at deployment",
    "deployer": "deployer() is known only at deployment",
    "environment": "environment() is known only at deployment",
    "reference": "reference() reads a deployed resource",
    "resourceid": "resourceId() depends on the deployment's subscription",
    "subscriptionresourceid": "subscriptionResourceId() depends on the deployment",
    "tenantresourceid": "tenantResourceId() depends on the deployment",
    "extensionresourceid": "extensionResourceId() depends on the deployment",
    "managementgroupresourceid": "managementGroupResourceId() depends on the deployment",
    "uniquestring": "uniqueString() depends on deployment ids",
    "guid": "guid() depends on deployment ids",
    "newguid": "newGuid() is new each deployment",
    "utcnow": "utcNow() is the deployment time",
    "pickzones": "pickZones() depends on the region",
    "getsecret": "getSecret() reads a Key Vault secret at deployment",
    "readenvironmentvariable": "readEnvironmentVariable() reads the deploying machine",
    "externalinput": "externalInput() is supplied by the deploying tool",
    "loadtextcontent": "loadTextContent() reads another file, which batchlint does not",
    "loadjsoncontent": "loadJsonContent() reads another file, which batchlint does not",
    "loadyamlcontent": "loadYamlContent() reads another file, which batchlint does not",
    "loadfileasbase64": "loadFileAsBase64() reads another file, which batchlint does not",
    "loaddirectoryfileinfo": "loadDirectoryFileInfo() reads a folder, which batchlint does not",
}
_LAMBDA_FUNCTIONS = ("map", "filter", "reduce", "sort", "toobject", "groupby", "mapvalues")


class Scope:
    """The names one file's expressions see: parameters, variables, functions, loop variables.

    ``overrides`` hold parameter values from outside the file (a parameters file, a module
    call), already credited to their origin. ``unset`` gives the reason for a parameter that
    has neither an override nor a default.
    """

    def __init__(
        self,
        file: syn.BicepFile,
        overrides: dict[str, Node] | None = None,
        unset: Callable[[str], str] | None = None,
        imports: Callable[[syn.Import, str, Location], Node] | None = None,
        every_parameter: Unknown | None = None,
    ) -> None:
        self.file = file
        self.overrides = overrides or {}
        #: Set when the parameter values as a whole are unknown (a module's ``params:`` that
        #: cannot be evaluated): then no default can be trusted either.
        self.every_parameter = every_parameter
        self.unset = unset or (
            lambda name: f"parameter {name} has no default and no parameters file sets it"
        )
        self.imports = imports
        self.locals: dict[str, Node] = {}
        self.in_function = False
        self.depth = 0
        #: The symbol of the resource or module whose body is being evaluated, if any.
        self.within: str | None = None
        self._cache: dict[str, Node] = {}
        self._evaluating: set[str] = set()
        self._steps = [0]
        self._base = self
        self.symbols = {d.symbol: d for d in file.declarations}

    def child(self, locals_: dict[str, Node], *, function: bool = False) -> Scope:
        """A scope with more loop variables (or a function's arguments, which see nothing else)."""
        # The copy shares the file's values (parameters and variables are evaluated once, on
        # first use) and the step budget; only the names bound here are its own.
        scope = Scope.__new__(Scope)
        scope.__dict__.update(self.__dict__)
        scope.locals = dict(locals_) if function else {**self.locals, **locals_}
        scope.in_function = function or self.in_function
        scope.depth = self.depth + (1 if function else 0)
        return scope

    def declaring(self, symbol: str) -> Scope:
        """This scope for the body of the declaration ``symbol``: a reference to that symbol
        inside it refers to itself, which Bicep rejects as a cycle."""
        scope = self.child({})
        scope.within = symbol
        return scope

    def top(self) -> Scope:
        """The file's own scope, without loop variables."""
        return self._base

    def step(self) -> bool:
        self._steps[0] += 1
        return self._steps[0] <= MAX_STEPS

    def lookup(self, name: str, loc: Location) -> Node:
        if name in self.locals:
            return self.locals[name]
        if self.in_function:
            return Unknown(f"{name} is not an argument of the function", loc)
        file = self.file
        key = f"p:{name}" if name in file.params else f"v:{name}"
        if key in self._cache:
            return self._cache[key]
        if name not in file.params and name not in file.variables:
            return self._other(name, loc)
        if key in self._evaluating:
            return Unknown(f"{name} refers to itself", loc)
        self._evaluating.add(key)
        try:
            value = self._parameter(name) if key.startswith("p:") else self._variable(name)
        finally:
            self._evaluating.discard(key)
        self._cache[key] = value
        return value

    def _parameter(self, name: str) -> Node:
        if name in self.overrides:
            return self.overrides[name]
        low = name.lower()
        for key, value in self.overrides.items():
            if key.lower() == low:
                return value
        param = self.file.params[name]
        if self.every_parameter is not None:
            return Unknown(self.every_parameter.reason, param.loc)
        if param.default is None:
            return Unknown(self.unset(name), param.loc)
        return relabel(evaluate(param.default, self._base), f"default of parameter {name}")

    def _variable(self, name: str) -> Node:
        var = self.file.variables[name]
        return relabel(evaluate(var.value, self._base), f"variable {name}")

    def _other(self, name: str, loc: Location) -> Node:
        symbol = self.symbols.get(name)
        if isinstance(symbol, syn.Module):
            return Unknown(f"module {name} is known only after deployment", loc)
        if isinstance(symbol, syn.Resource):
            return Unknown(f"resource {name} is known only after deployment", loc)
        for imported in self.file.imports:
            for local, original in imported.names:
                if local != name:
                    continue
                if self.imports is None:
                    return Unknown(f"{name} is imported from {imported.source}", loc)
                return self.imports(imported, original, loc)
        return Unknown(f"{name} is not declared in {self.file.path}", loc)


def evaluate(expr: syn.Expr, scope: Scope) -> Node:
    """The value of ``expr``: a ``Lit`` tree, or ``Unknown`` with the reason."""
    if isinstance(expr, syn.Const) or (
        isinstance(expr, syn.Str) and all(isinstance(p, str) for p in expr.parts)
    ):
        # A literal costs nothing to read, and stays known after a costly expression elsewhere
        # in the file has spent the budget.
        return _HANDLERS[type(expr)](expr, scope)
    if not scope.step():
        return Unknown("the expression takes too many steps to evaluate", expr.loc)
    handler = _HANDLERS.get(type(expr))
    if handler is None:
        return Unknown(f"{type(expr).__name__} is not evaluated", expr.loc)
    try:
        result = handler(expr, scope)
    except TooLarge as exc:
        return Unknown(str(exc), expr.loc)
    if isinstance(result, Lit) and not isinstance(expr, syn.Name):
        reason = value_too_large(result)
        if reason is not None:
            return Unknown(reason, expr.loc)
    return result


def _str(expr: syn.Str, scope: Scope) -> Node:
    parts = expr.parts
    if all(isinstance(p, str) for p in parts):
        return Lit("".join(parts), expr.loc)
    values = [p if isinstance(p, str) else evaluate(p, scope) for p in parts]
    for value in values:
        if isinstance(value, Unknown):
            return Unknown(value.reason, value.loc or expr.loc)
    if len(values) == 1:  # '${x}': the deciding literal is x's
        only = values[0]
        try:
            return Lit(_text(only.value, only), only.loc, only.origin)
        except TypeError as exc:
            return Unknown(str(exc), expr.loc)
    try:
        pieces = [v if isinstance(v, str) else _text(v.value, v) for v in values]
        check_length(sum(len(p) for p in pieces))
        text = "".join(pieces)
    except TypeError as exc:
        return Unknown(str(exc), expr.loc)
    return Lit(text, expr.loc, _combined([v for v in values if isinstance(v, Lit)]))


def _const(expr: syn.Const, scope: Scope) -> Node:
    return Lit(expr.value, expr.loc)


def _name(expr: syn.Name, scope: Scope) -> Node:
    return scope.lookup(expr.name, expr.loc)


def _member(expr: syn.Member, scope: Scope) -> Node:
    target = _resource_symbol(expr.obj, scope)
    if target is not None:
        return _resource_property(target, expr, scope)
    base = evaluate(expr.obj, scope)
    if isinstance(base, Unknown):
        return base
    if base.value is None and expr.safe:
        return Lit(None, expr.loc)
    if not is_obj(base):
        return Unknown(f"cannot read property {expr.name!r} of a non-object value", expr.loc)
    child = get(base, expr.name)
    if child is None:
        if expr.safe:
            return Lit(None, expr.loc)
        return Unknown(f"the object has no property {expr.name!r}", expr.loc)
    return child


def _resource_symbol(obj: syn.Expr, scope: Scope):
    if isinstance(obj, syn.Name) and obj.name not in scope.locals and not scope.in_function:
        file = scope.file
        if obj.name not in file.params and obj.name not in file.variables:
            return scope.symbols.get(obj.name)
    return None


def _resource_property(target, expr: syn.Member, scope: Scope) -> Node:
    """``account.name`` is known from the declaration; anything else needs the deployment.

    A declaration whose body reads its own symbol, or whose name reads another's that reads
    it back, is a cycle, which Bicep rejects: that value is unknown, the rest of the file is not.
    """
    if target.symbol == scope.within:
        return Unknown(f"{target.symbol}.{expr.name} refers to itself", expr.loc)
    if isinstance(target, syn.Module):
        if target.source.lower().startswith(REGISTRY_PREFIXES):
            reason = f"module {target.symbol} comes from {target.source}, which is not fetched"
        else:
            reason = f"{target.symbol}.{expr.name} of a module is known only after deployment"
        return Unknown(reason, expr.loc)
    body = target.body.body if isinstance(target.body, syn.If) else target.body
    if expr.name == "name" and isinstance(body, syn.Obj):
        name = body.get("name")
        if name is not None:
            key = f"r:{target.symbol}"
            if key in scope._evaluating:
                return Unknown(f"the name of {target.symbol} refers to itself", expr.loc)
            scope._evaluating.add(key)
            try:
                return evaluate(name, scope.top())
            finally:
                scope._evaluating.discard(key)
    return Unknown(f"{target.symbol}.{expr.name} is known only after deployment", expr.loc)


def _index(expr: syn.Index, scope: Scope) -> Node:
    base = evaluate(expr.obj, scope)
    key = evaluate(expr.index, scope)
    if isinstance(base, Unknown):
        return base
    if isinstance(key, Unknown):
        return key
    if base.value is None and expr.safe:
        return Lit(None, expr.loc)
    if is_list(base) and isinstance(key.value, int) and not isinstance(key.value, bool):
        items = base.value
        if 0 <= key.value < len(items):
            return items[key.value]
        if expr.safe:
            return Lit(None, expr.loc)
        return Unknown(f"index {key.value} is out of range", expr.loc)
    if is_obj(base) and isinstance(key.value, str):
        child = get(base, key.value)
        if child is not None:
            return child
        if expr.safe:
            return Lit(None, expr.loc)
        return Unknown(f"the object has no property {key.value!r}", expr.loc)
    return Unknown("cannot index this value", expr.loc)


def _unary(expr: syn.Unary, scope: Scope) -> Node:
    value = evaluate(expr.operand, scope)
    if isinstance(value, Unknown):
        return value
    if expr.op == "!" and isinstance(value.value, bool):
        return Lit(not value.value, expr.loc)
    if expr.op == "-" and isinstance(value.value, int) and not isinstance(value.value, bool):
        return Lit(-value.value, expr.loc)
    return Unknown(f"operator {expr.op} does not apply to this value", expr.loc)


def _binary(expr: syn.Binary, scope: Scope) -> Node:
    op = expr.op
    left = evaluate(expr.left, scope)
    if op == "??":
        if isinstance(left, Unknown) or left.value is not None:
            return left
        return evaluate(expr.right, scope)
    decided = isinstance(left, Lit) and left.value is (op == "||")
    if op in ("&&", "||") and decided:  # known without the right side
        return Lit(left.value, expr.loc)
    right = evaluate(expr.right, scope)
    for side in (left, right):
        if isinstance(side, Unknown):
            return side
    a, b = plain(left), plain(right)
    try:
        result = _OPERATORS[op](a, b)
    except (KeyError, TypeError, ZeroDivisionError):
        return Unknown(f"operator {op} cannot be evaluated for these values", expr.loc)
    return Lit(result, expr.loc)


def _ci_equal(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def _checked(op: Callable, *types):
    def apply(a, b):
        if not (isinstance(a, types) and isinstance(b, types)):
            raise TypeError
        if isinstance(a, bool) or isinstance(b, bool):
            raise TypeError
        return op(a, b)

    return apply


def _logic(op: str):
    def apply(a, b):
        if not (isinstance(a, bool) and isinstance(b, bool)):
            raise TypeError
        return (a and b) if op == "&&" else (a or b)

    return apply


def _int_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)  # ARM's div() truncates toward zero
    return quotient if (a >= 0) == (b >= 0) else -quotient


_OPERATORS: dict[str, Callable] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "=~": _ci_equal,
    "!~": lambda a, b: not _ci_equal(a, b),
    "<": _checked(lambda a, b: a < b, int, str),
    "<=": _checked(lambda a, b: a <= b, int, str),
    ">": _checked(lambda a, b: a > b, int, str),
    ">=": _checked(lambda a, b: a >= b, int, str),
    "+": _checked(lambda a, b: a + b, int),
    "-": _checked(lambda a, b: a - b, int),
    "*": _checked(lambda a, b: a * b, int),
    "/": _checked(_int_div, int),
    "%": _checked(lambda a, b: int(a - b * _int_div(a, b)), int),
    "&&": _logic("&&"),
    "||": _logic("||"),
}


def _ternary(expr: syn.Ternary, scope: Scope) -> Node:
    cond = evaluate(expr.cond, scope)
    if isinstance(cond, Unknown):
        return Unknown(f"the condition of a ?: is unknown ({cond.reason})", cond.loc or expr.loc)
    if not isinstance(cond.value, bool):
        return Unknown("the condition of a ?: is not a bool", expr.cond.loc)
    return evaluate(expr.then if cond.value else expr.other, scope)


def _obj(expr: syn.Obj, scope: Scope) -> Node:
    out: dict[str, Node] = {}
    for item in expr.items:
        if isinstance(item, syn.Spread):
            value = evaluate(item.value, scope)
            if isinstance(value, Unknown):
                return Unknown(f"a spread object is unknown ({value.reason})", item.loc)
            if is_obj(value):
                out.update(value.value)
            continue
        key = evaluate(item.key, scope)
        if not isinstance(key, Lit) or not isinstance(key.value, str):
            continue  # a computed key that is not known: the property cannot be placed
        value = evaluate(item.value, scope)
        if isinstance(value, Unknown):
            # An unknown property is reported where this object uses it, not where the
            # unknown started: the line a reader of the pool looks at.
            value = Unknown(value.reason, item.value.loc)
        out[key.value] = value
    return Lit(out, expr.loc)


def _arr(expr: syn.Arr, scope: Scope) -> Node:
    out: list[Node] = []
    for item in expr.items:
        if isinstance(item, syn.Spread):
            value = evaluate(item.value, scope)
            if isinstance(value, Unknown):
                return Unknown(f"a spread array is unknown ({value.reason})", item.loc)
            if is_list(value):
                out.extend(value.value)
            continue
        out.append(evaluate(item, scope))
    return Lit(out, expr.loc)


def iterations(loop: syn.For, scope: Scope, *, rest: bool = False) -> list[Scope] | Unknown:
    """One scope per element of a ``for`` loop, with its loop variables bound.

    A loop over more than ``MAX_ITEMS`` elements is not cut short without a word: it is
    ``Unknown``, or with ``rest`` (a loop of declarations) the first ``MAX_ITEMS`` elements
    get their scopes and one more scope stands for the others, its loop variables ``Unknown``
    with the reason.
    """
    items = evaluate(loop.iterable, scope)
    if isinstance(items, Unknown):
        return Unknown(f"the loop runs over an unknown list ({items.reason})", items.loc)
    if not is_list(items):
        return Unknown("the loop does not run over an array", loop.iterable.loc)
    total = len(items.value)
    if total > MAX_ITEMS and not rest:
        message = f"a loop over {total} items is more than batchlint expands ({MAX_ITEMS})"
        return Unknown(message, loop.iterable.loc)
    scopes = []
    for i, item in enumerate(items.value[:MAX_ITEMS]):
        bound: dict[str, Node] = {}
        if loop.item:
            bound[loop.item] = item
        if loop.index:
            bound[loop.index] = Lit(i, loop.loc, f"loop index {i}")
        scopes.append(scope.child(bound))
    if total > MAX_ITEMS:
        unknown = Unknown(
            f"the loop runs over {total} items, more than batchlint expands ({MAX_ITEMS}); "
            f"items {MAX_ITEMS} and later are not checked",
            loop.iterable.loc,
        )
        scopes.append(scope.child({n: unknown for n in (loop.item, loop.index) if n}))
    return scopes


def _for(expr: syn.For, scope: Scope) -> Node:
    spent = file_work_spent()
    if spent:
        return Unknown(spent, expr.loc)
    scopes = iterations(expr, scope)
    if isinstance(scopes, Unknown):
        return scopes
    out = []
    for inner in scopes:
        body = expr.body
        if isinstance(body, syn.If):
            cond = evaluate(body.cond, inner)
            if isinstance(cond, Unknown):
                return Unknown(f"the loop's condition is unknown ({cond.reason})", body.loc)
            if cond.value is not True:
                continue
            body = body.body
        out.append(evaluate(body, inner))
    return Lit(out, expr.loc)


def _if(expr: syn.If, scope: Scope) -> Node:
    return Unknown("a conditional value is only meaningful on a declaration", expr.loc)


def _group(expr: syn.Group, scope: Scope) -> Node:
    return evaluate(expr.inner, scope)


def _opaque(expr: syn.Opaque, scope: Scope) -> Node:
    return Unknown(f"{expr.what} is not evaluated by batchlint", expr.loc)


def _call(expr: syn.Call, scope: Scope) -> Node:
    spent = file_work_spent()
    if spent:
        return Unknown(spent, expr.loc)
    low = expr.name.lower()
    func = scope.file.functions.get(expr.name) if expr.namespace is None else None
    if func is not None:
        return _user_function(func, expr, scope)
    if expr.namespace not in (None, "sys", "az"):
        return Unknown(f"{expr.namespace}.{expr.name}() is not evaluated by batchlint", expr.loc)
    if low in DEPLOYMENT_FUNCTIONS or low.startswith("list"):
        reason = DEPLOYMENT_FUNCTIONS.get(low, f"{expr.name}() reads a deployed resource")
        return Unknown(reason, expr.loc)
    if low in _LAMBDA_FUNCTIONS:
        reason = f"{expr.name}() takes a lambda, which batchlint does not evaluate"
        return Unknown(reason, expr.loc)
    handler = _FUNCTIONS.get(low)
    if handler is None:
        return Unknown(f"function {expr.name}() is not evaluated by batchlint", expr.loc)
    args = [evaluate(arg, scope) for arg in expr.args]
    if low != "coalesce":
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
    try:
        return handler(args, expr.loc)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError) as exc:
        return Unknown(f"{expr.name}() cannot be evaluated here: {exc}", expr.loc)


def _user_function(func: syn.Func, expr: syn.Call, scope: Scope) -> Node:
    if scope.depth >= MAX_CALL_DEPTH:
        return Unknown(f"function {func.name}() calls itself too deeply", expr.loc)
    args = [evaluate(arg, scope) for arg in expr.args]
    if len(args) != len(func.params):
        wanted = len(func.params)
        takes = f"{wanted} argument" + ("" if wanted == 1 else "s")
        return Unknown(f"{func.name}() takes {takes}", expr.loc)
    inner = scope.child(dict(zip(func.params, args, strict=True)), function=True)
    return evaluate(func.body, inner)


_HANDLERS: dict[type, Callable[..., Node]] = {
    syn.Str: _str,
    syn.Const: _const,
    syn.Name: _name,
    syn.Member: _member,
    syn.Index: _index,
    syn.Call: _call,
    syn.Unary: _unary,
    syn.Binary: _binary,
    syn.Ternary: _ternary,
    syn.Obj: _obj,
    syn.Arr: _arr,
    syn.For: _for,
    syn.If: _if,
    syn.Group: _group,
    syn.Opaque: _opaque,
}


# -- the functions ------------------------------------------------------------------------
#
# Each takes the evaluated arguments (known, except for coalesce) and the call's place. A
# function that transforms one string keeps that string's place and origin, since it is the
# literal that decides the result; one that joins several values is placed at the call.


def _text(value, node: Node | None = None) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"  # what ARM's string() gives for a bool
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        reason = value_too_large(value)
        if reason is not None:
            raise TooLarge(reason)
        return json.dumps(plain(node) if node is not None else value, separators=(",", ":"))
    return str(value)


def _string_arg(node: Node) -> str:
    if not isinstance(node.value, str):
        raise TypeError("expected a string")
    return node.value


def _combined(nodes: list[Lit]) -> str:
    origins = []
    for node in nodes:
        if node.origin != "literal" and node.origin not in origins:
            origins.append(node.origin)
    return f"built from {', '.join(origins)}" if origins else "literal"


def _derived(value, source: Lit) -> Lit:
    return Lit(value, source.loc, source.origin)


def _joined(value, args: list[Node], loc: Location) -> Lit:
    return Lit(value, loc, _combined([a for a in args if isinstance(a, Lit)]))


def fn_tolower(args, loc):
    return _derived(_string_arg(args[0]).lower(), args[0])


def fn_toupper(args, loc):
    return _derived(_string_arg(args[0]).upper(), args[0])


def fn_trim(args, loc):
    return _derived(_string_arg(args[0]).strip(), args[0])


def fn_replace(args, loc):
    text, old, new = _string_arg(args[0]), _string_arg(args[1]), _string_arg(args[2])
    times = text.count(old) if old else len(text) + 1
    check_length(len(text) + times * max(len(new) - len(old), 0))
    return _derived(text.replace(old, new), args[0])


def fn_concat(args, loc):
    if args and all(is_list(a) for a in args):
        return Lit([item for a in args for item in a.value], loc)
    pieces = [_text(a.value, a) for a in args]
    check_length(sum(len(p) for p in pieces))
    return _joined("".join(pieces), args, loc)


def fn_format(args, loc):
    template = _string_arg(args[0])
    values = [_text(a.value, a) for a in args[1:]]
    longest = max((len(v) for v in values), default=0)
    check_length(len(template) + template.count("{") * longest)

    def sub(match: re.Match) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return values[int(match.group(1))]

    text = re.sub(r"\{\{|\}\}|\{(\d+)(?:[,:][^}]*)?\}", sub, template)
    return _joined(text, args, loc)


def fn_empty(args, loc):
    return Lit(args[0].value in (None, "", [], {}), loc)


def fn_coalesce(args, loc):
    for arg in args:
        if isinstance(arg, Unknown) or arg.value is not None:
            return arg
    return Lit(None, loc)


def fn_string(args, loc):
    value = args[0].value
    if isinstance(value, str):
        return args[0]
    return _derived(_text(value, args[0]), args[0])


def fn_int(args, loc):
    value = args[0].value
    if isinstance(value, bool):
        raise TypeError("expected a number or a string")
    return _derived(int(value), args[0])


def fn_bool(args, loc):
    value = args[0].value
    if isinstance(value, str):
        return _derived(value.lower() == "true", args[0])
    return _derived(bool(value), args[0])


def fn_any(args, loc):
    return args[0]


def fn_json(args, loc):
    def wrap(value):
        if isinstance(value, dict):
            return Lit({k: wrap(v) for k, v in value.items()}, loc)
        if isinstance(value, list):
            return Lit([wrap(v) for v in value], loc)
        return Lit(value, loc)

    try:
        data = json.loads(_string_arg(args[0]))
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    return wrap(data)


def fn_contains(args, loc):
    container, item = args[0].value, plain(args[1])
    if isinstance(container, dict):
        return Lit(any(k.lower() == str(item).lower() for k in container), loc)
    if isinstance(container, list):
        return Lit(any(plain(c) == item for c in container), loc)
    return Lit(str(item) in _string_arg(args[0]), loc)


def fn_length(args, loc):
    value = args[0].value
    if not isinstance(value, (str, list, dict)):
        raise TypeError("expected a string, array or object")
    return Lit(len(value), loc)


def fn_first(args, loc):
    if is_list(args[0]):
        return args[0].value[0] if args[0].value else Lit(None, loc)
    return _derived(_string_arg(args[0])[:1], args[0])


def fn_last(args, loc):
    if is_list(args[0]):
        return args[0].value[-1] if args[0].value else Lit(None, loc)
    return _derived(_string_arg(args[0])[-1:], args[0])


def fn_split(args, loc):
    separators = args[1].value if is_list(args[1]) else [args[1]]
    pattern = "|".join(re.escape(_string_arg(s) if isinstance(s, Lit) else s) for s in separators)
    parts = re.split(pattern, _string_arg(args[0]))
    return Lit([Lit(part, args[0].loc, args[0].origin) for part in parts], loc)


def fn_join(args, loc):
    items = args[0].value
    if not isinstance(items, list):
        raise TypeError("expected an array")
    return _joined(_string_arg(args[1]).join(_text(i.value, i) for i in items), items, loc)


def fn_substring(args, loc):
    text, start = _string_arg(args[0]), int(args[1].value)
    end = start + int(args[2].value) if len(args) > 2 else None
    if start < 0 or start > len(text) or (end is not None and end > len(text)):
        raise IndexError("the range is outside the string")
    return _derived(text[start:end], args[0])


def fn_startswith(args, loc):
    return Lit(_string_arg(args[0]).lower().startswith(_string_arg(args[1]).lower()), loc)


def fn_endswith(args, loc):
    return Lit(_string_arg(args[0]).lower().endswith(_string_arg(args[1]).lower()), loc)


def fn_indexof(args, loc):
    if is_list(args[0]):
        values = [plain(v) for v in args[0].value]
        item = plain(args[1])
        return Lit(values.index(item) if item in values else -1, loc)
    return Lit(_string_arg(args[0]).lower().find(_string_arg(args[1]).lower()), loc)


def fn_lastindexof(args, loc):
    if is_list(args[0]):
        values = [plain(v) for v in args[0].value]
        item = plain(args[1])
        return Lit(len(values) - 1 - values[::-1].index(item) if item in values else -1, loc)
    return Lit(_string_arg(args[0]).lower().rfind(_string_arg(args[1]).lower()), loc)


def fn_padleft(args, loc):
    text = _text(args[0].value)
    pad = _string_arg(args[2]) if len(args) > 2 else " "
    width = int(args[1].value)
    check_length(width)
    return _derived(text.rjust(width, pad[:1] or " "), args[0])


def fn_take(args, loc):
    count = max(int(args[1].value), 0)
    if is_list(args[0]):
        return Lit(args[0].value[:count], loc)
    return _derived(_string_arg(args[0])[:count], args[0])


def fn_skip(args, loc):
    count = max(int(args[1].value), 0)
    if is_list(args[0]):
        return Lit(args[0].value[count:], loc)
    return _derived(_string_arg(args[0])[count:], args[0])


def fn_union(args, loc):
    if all(is_obj(a) for a in args):
        merged: dict = {}
        for arg in args:
            merged.update(arg.value)
        return Lit(merged, loc)
    if not all(is_list(a) for a in args):
        raise TypeError("union() takes objects or arrays, all of one kind")
    return Lit(unique((item for arg in args for item in arg.value), plain), loc)


def fn_array(args, loc):
    return args[0] if is_list(args[0]) else Lit([args[0]], loc)


def fn_flatten(args, loc):
    if not is_list(args[0]):
        raise TypeError("expected an array")
    out = []
    for item in args[0].value:
        out.extend(item.value if is_list(item) else [item])
    return Lit(out, loc)


def fn_range(args, loc):
    start, count = int(args[0].value), int(args[1].value)
    if count < 0 or count > MAX_ITEMS:
        raise ValueError(f"range() of {count} items is not expanded")
    return Lit([Lit(i, loc) for i in range(start, start + count)], loc)


def fn_min(args, loc):
    values = args[0].value if len(args) == 1 and is_list(args[0]) else args
    return Lit(min(int(_value(v)) for v in values), loc)


def fn_max(args, loc):
    values = args[0].value if len(args) == 1 and is_list(args[0]) else args
    return Lit(max(int(_value(v)) for v in values), loc)


def fn_items(args, loc):
    if not is_obj(args[0]):
        raise TypeError("expected an object")
    pairs = sorted(args[0].value.items(), key=lambda kv: kv[0].lower())
    return Lit([Lit({"key": Lit(k, loc), "value": v}, loc) for k, v in pairs], loc)


def fn_objectkeys(args, loc):
    if not is_obj(args[0]):
        raise TypeError("expected an object")
    return Lit([Lit(k, loc) for k in args[0].value], loc)


def fn_tryget(args, loc):
    base = args[0]
    for key in args[1:]:
        if is_obj(base) and isinstance(key.value, str):
            base = get(base, key.value)
        elif is_list(base) and isinstance(key.value, int) and 0 <= key.value < len(base.value):
            base = base.value[key.value]
        else:
            base = None
        if base is None:
            return Lit(None, loc)
        if isinstance(base, Unknown):
            return base
    return base


def _value(node: Node):
    return node.value if isinstance(node, Lit) else node


_FUNCTIONS: dict[str, Callable[[list, Location], Node]] = {
    name[3:]: func for name, func in globals().items() if name.startswith("fn_")
}
