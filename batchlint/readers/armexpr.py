"""ARM template expressions, evaluated statically.

A string value ``"[...]"`` is an expression; ``"[[..."`` is a literal that starts with ``[``.
The evaluator knows the functions that decide image and node agent values in real templates;
anything that needs a deployment (``reference``, ``resourceGroup``, ``uniqueString``, ...)
evaluates to ``Unknown`` with that reason. Results keep the place of the literal they came
from: a parameter reference gives the parameter file entry or default, with its origin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from batchlint.model import Location
from batchlint.readers.limits import TooLarge, check_length, file_work_spent, value_too_large
from batchlint.values import Lit, Node, Unknown, get, is_list, is_obj, plain, unique

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][\w]*)"
    r"|(?P<p>[()\[\],.]))"
)
MAX_STEPS = 100_000
#: The most copies (pools and deployments) one file expands across all its loops.
MAX_EXPANDED = 10_000

#: Functions whose value is only known at deployment time.
DEPLOYMENT_FUNCTIONS = {
    "reference": "reference() reads a deployed resource",
    "resourcegroup": "resourceGroup() is known only at deployment",
    "subscription": "subscription() is known only at deployment",
    "tenant": "tenant() is known only at deployment",
    "deployment": "deployment() is known only at deployment",
    "environment": "environment() is known only at deployment",
    "uniquestring": "uniqueString() depends on deployment ids",
    "newguid": "newGuid() is new each deployment",
    "utcnow": "utcNow() is the deployment time",
    "listkeys": "listKeys() reads a deployed resource",
    "list": "list*() reads a deployed resource",
    "resourceid": "resourceId() depends on the deployment's subscription",
    "subscriptionresourceid": "subscriptionResourceId() depends on the deployment",
    "tenantresourceid": "tenantResourceId() depends on the deployment",
    "extensionresourceid": "extensionResourceId() depends on the deployment",
    "guid": "guid() depends on deployment ids",
    "pickzones": "pickZones() depends on the region",
    "managementgroup": "managementGroup() is known only at deployment",
}


class ExprSyntaxError(Exception):
    pass


def is_expression(text: object) -> bool:
    return (
        isinstance(text, str)
        and text.startswith("[")
        and text.endswith("]")
        and not text.startswith("[[")
    )


def parse(text: str):
    """The syntax tree of the expression inside ``[...]``."""
    tokens = []
    pos, body = 0, text[1:-1]
    while pos < len(body):
        if body[pos:].strip() == "":
            break
        match = _TOKEN.match(body, pos)
        if not match:
            raise ExprSyntaxError(f"unexpected {body[pos : pos + 10]!r} in expression")
        pos = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    parser = _Parser(tokens)
    tree = parser.expr()
    if parser.i != len(tokens):
        raise ExprSyntaxError("unexpected text after the expression")
    return tree


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ExprSyntaxError(f"expected {value or 'a value'} in expression")
        self.i += 1
        return tok

    def expr(self):
        kind, value = self.take()
        if kind == "str":
            node = ("str", value[1:-1].replace("''", "'"))
        elif kind == "num":
            if len(value) > 100:  # ARM numbers are 64-bit; Python refuses 4300 digits
                raise ExprSyntaxError(f"number {value[:20]}... is too long")
            node = ("num", float(value) if "." in value else int(value))
        elif kind == "id":
            if self.peek()[1] == "(":
                self.take("(")
                args = []
                if self.peek()[1] != ")":
                    args.append(self.expr())
                    while self.peek()[1] == ",":
                        self.take(",")
                        args.append(self.expr())
                self.take(")")
                node = ("call", value, args)
            elif value.lower() in ("true", "false", "null"):
                node = ("lit", {"true": True, "false": False, "null": None}[value.lower()])
            else:
                raise ExprSyntaxError(f"unknown name {value!r} in expression")
        else:
            raise ExprSyntaxError(f"unexpected {value!r} in expression")
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                node = ("prop", node, self.take()[1])
            else:
                node = ("index", node, self.expr())
                self.take("]")
        return node


class Scope:
    """Parameters, variables and loop indexes for evaluating one template's expressions.

    ``parameters`` maps a name to a callable giving the parameter's ``Node``; ``variables``
    maps a name to the raw variable ``Node``, evaluated on first use.
    """

    def __init__(
        self,
        parameters: dict[str, Callable[[], Node]],
        variables: dict[str, Node],
        *,
        copy_index: int | None = None,
        parent: Scope | None = None,
    ) -> None:
        self.parameters = {k.lower(): v for k, v in parameters.items()}
        self.raw_variables = {k.lower(): (k, v) for k, v in variables.items()}
        self.copy_index = copy_index
        #: Why copyIndex() is unknown, when it is not for being outside a copy loop.
        self.copy_reason: str | None = None
        self.parent = parent
        self._variables: dict[str, Node] = {}
        self._evaluating: set[str] = set()
        self.steps = 0
        #: Copies this file may still expand, across all loops and nested deployments (shared).
        self.budget: list[int] = parent.budget if parent is not None else [MAX_EXPANDED]
        #: Unknown parameters read as "{name}" (for pool names in messages, never for values).
        self.placeholders = False

    def with_copy_index(self, index: int | None, reason: str | None = None) -> Scope:
        """A scope for one copy of a loop; ``None`` with ``reason``: copyIndex() is unknown."""
        scope = Scope({}, {}, copy_index=index, parent=self)
        scope.copy_reason = reason
        scope.parameters = self.parameters
        scope.raw_variables = self.raw_variables
        scope._variables = self._variables
        scope._evaluating = self._evaluating
        return scope

    def with_placeholders(self) -> Scope:
        scope = self.with_copy_index(self.copy_index, self.copy_reason)
        scope._variables = {}
        scope.placeholders = True
        return scope

    def parameter(self, name: str, loc: Location | None) -> Node:
        getter = self.parameters.get(name.lower())
        value = getter() if getter is not None else None
        if self.placeholders and not isinstance(value, Lit):
            return Lit("{" + name + "}", loc)
        if value is None:
            return Unknown(f"the template declares no parameter {name!r}", loc)
        return value

    def variable(self, name: str, loc: Location | None) -> Node:
        key = name.lower()
        if key in self._variables:
            return self._variables[key]
        if key not in self.raw_variables:
            return Unknown(f"the template declares no variable {name!r}", loc)
        if key in self._evaluating:
            return Unknown(f"variable {name!r} refers to itself", loc)
        real, raw = self.raw_variables[key]
        self._evaluating.add(key)
        try:
            value = relabel(evaluate(raw, self), f"variable {real}")
        finally:
            self._evaluating.discard(key)
        self._variables[key] = value
        return value


def relabel(node: Node, origin: str, _done: dict | None = None) -> Node:
    """Credit a literal (and each literal inside an object or array) to ``origin``.

    A part met twice (``{a: x, b: x}``) is relabelled once and stays shared."""
    if isinstance(node, Unknown):
        return node
    value = node.value
    if not isinstance(value, (dict, list)):
        return node.with_origin(origin)
    done = {} if _done is None else _done
    hit = done.get(id(node))
    if hit is not None:
        return hit[1]
    if isinstance(value, dict):
        value = {k: relabel(v, origin, done) for k, v in value.items()}
    else:
        value = [relabel(v, origin, done) for v in value]
    out = Lit(value, node.loc, node.origin if node.origin != "literal" else origin)
    done[id(node)] = (node, out)
    return out


def evaluate(node: Node | None, scope: Scope) -> Node | None:
    """Evaluate every expression string inside ``node``; objects and arrays are walked."""
    if node is None or isinstance(node, Unknown):
        return node
    value = node.value
    if isinstance(value, str):
        if is_expression(value):
            return evaluate_string(value, node.loc, scope)
        if value.startswith("[["):
            return Lit(value[1:], node.loc, node.origin)
        return node
    if isinstance(value, dict):
        return Lit({k: evaluate(v, scope) for k, v in value.items()}, node.loc, node.origin)
    if isinstance(value, list):
        return Lit([evaluate(v, scope) for v in value], node.loc, node.origin)
    return node


def evaluate_string(text: str, loc: Location | None, scope: Scope) -> Node:
    try:
        tree = parse(text)
    except ExprSyntaxError as exc:
        return Unknown(f"cannot parse expression {text}: {exc}", loc)
    result = _Eval(scope, loc).run(tree)
    if isinstance(result, Unknown) and loc is not None:
        # Reported where the value is used, with the reason from wherever it arose.
        return Unknown(result.reason, loc)
    return result


class _Eval:
    def __init__(self, scope: Scope, loc: Location | None) -> None:
        self.scope = scope
        self.loc = loc

    def lit(self, value) -> Lit:
        return Lit(value, self.loc)

    def run(self, tree) -> Node:
        self.scope.steps += 1
        if self.scope.steps > MAX_STEPS:
            return Unknown("expression evaluation took too many steps", self.loc)
        kind = tree[0]
        if kind in ("str", "num", "lit"):
            return self.lit(tree[1])
        if kind == "prop":
            return self.member(self.run(tree[1]), tree[2])
        if kind == "index":
            base, key = self.run(tree[1]), self.run(tree[2])
            if isinstance(key, Unknown):
                return key
            if isinstance(key.value, int) and not isinstance(key.value, bool):
                if key.value < 0:
                    return Unknown(f"index {key.value} is out of range", self.loc)
                return self.item(base, key.value)
            return self.member(base, str(key.value))
        return self.call(tree[1], tree[2])

    def member(self, base: Node, name: str) -> Node:
        if isinstance(base, Unknown):
            return base
        if not is_obj(base):
            return Unknown(f"cannot read property {name!r} of a non-object value", self.loc)
        child = get(base, name)
        if child is None:
            return Unknown(f"the object has no property {name!r}", self.loc)
        return child

    def item(self, base: Node, index: int) -> Node:
        if isinstance(base, Unknown):
            return base
        if not is_list(base):
            return Unknown("cannot index a non-array value", self.loc)
        items = base.value
        if not -len(items) <= index < len(items):
            return Unknown(f"index {index} is out of range", self.loc)
        return items[index]

    def call(self, name: str, arg_trees: list) -> Node:
        spent = file_work_spent()
        if spent:
            return Unknown(spent, self.loc)
        low = name.lower()
        if low in ("if",):
            return self.fn_if(arg_trees)
        if low in DEPLOYMENT_FUNCTIONS or low.startswith("list"):
            reason = DEPLOYMENT_FUNCTIONS.get(low, DEPLOYMENT_FUNCTIONS["list"])
            return Unknown(reason, self.loc)
        args = [self.run(t) for t in arg_trees]
        handler = getattr(self, f"fn_{low}", None)
        if handler is None:
            return Unknown(f"function {name}() is not evaluated by batchlint", self.loc)
        if low not in ("coalesce", "empty"):
            for arg in args:
                if isinstance(arg, Unknown):
                    return arg
        try:
            result = handler(args)
        except TooLarge as exc:
            return Unknown(f"{name}(): {exc}", self.loc)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError) as exc:
            return Unknown(f"{name}() cannot be evaluated here: {exc}", self.loc)
        if low not in ("parameters", "variables"):
            reason = value_too_large(result)
            if reason is not None:
                return Unknown(f"{name}(): {reason}", self.loc)
        return result

    # -- the functions ----------------------------------------------------------------------

    def fn_parameters(self, args):
        return self.scope.parameter(str(args[0].value), self.loc)

    def fn_variables(self, args):
        return self.scope.variable(str(args[0].value), self.loc)

    def fn_copyindex(self, args):
        index = self.scope.copy_index
        if index is None:
            return Unknown(self.scope.copy_reason or "copyIndex() outside a copy loop", self.loc)
        offset = [a.value for a in args if isinstance(a.value, int)]
        return self.lit(index + (offset[0] if offset else 0))

    def fn_if(self, arg_trees):
        if len(arg_trees) != 3:
            return Unknown("if() takes three arguments", self.loc)
        cond = self.run(arg_trees[0])
        if isinstance(cond, Unknown):
            return Unknown(f"the if() condition is unknown: {cond.reason}", cond.loc or self.loc)
        return self.run(arg_trees[1] if _truth(cond.value) else arg_trees[2])

    def fn_concat(self, args):
        if args and all(is_list(a) for a in args):
            return self.lit([item for a in args for item in a.value])
        parts = [_text(a.value) for a in args]
        check_length(sum(len(p) for p in parts))
        return self.lit("".join(parts))

    def fn_format(self, args):
        template = _string(args[0])
        values = [_text(a.value) for a in args[1:]]
        longest = max((len(v) for v in values), default=0)
        check_length(len(template) + template.count("{") * longest)

        def sub(match):
            spec = match.group(1)
            index = int(spec.split(":")[0])
            return values[index]

        return self.lit(re.sub(r"\{(\d+(?::[^}]*)?)\}", sub, template))

    def fn_tolower(self, args):
        return self.lit(_string(args[0]).lower())

    def fn_toupper(self, args):
        return self.lit(_string(args[0]).upper())

    def fn_string(self, args):
        value = args[0].value
        if isinstance(value, (dict, list)):
            import json

            return self.lit(json.dumps(plain(args[0]), separators=(",", ":")))
        return self.lit(_text(value))

    def fn_replace(self, args):
        text, old, new = _string(args[0]), _string(args[1]), _string(args[2])
        times = text.count(old) if old else len(text) + 1
        check_length(len(text) + times * max(len(new) - len(old), 0))
        return self.lit(text.replace(old, new))

    def fn_equals(self, args):
        return self.lit(_comparable(args[0]) == _comparable(args[1]))

    def fn_not(self, args):
        return self.lit(not _truth(args[0].value))

    def fn_and(self, args):
        return self.lit(all(_truth(a.value) for a in args))

    def fn_or(self, args):
        return self.lit(any(_truth(a.value) for a in args))

    def fn_bool(self, args):
        value = args[0].value
        return self.lit(value.lower() == "true" if isinstance(value, str) else bool(value))

    def fn_int(self, args):
        return self.lit(int(args[0].value))

    def fn_true(self, args):
        return self.lit(True)

    def fn_false(self, args):
        return self.lit(False)

    def fn_null(self, args):
        return self.lit(None)

    def fn_empty(self, args):
        arg = args[0]
        if isinstance(arg, Unknown):
            return arg
        return self.lit(arg.value in (None, "", [], {}))

    def fn_coalesce(self, args):
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
            if arg.value is not None:
                return arg
        return self.lit(None)

    def fn_contains(self, args):
        container, item = args[0].value, args[1].value
        if isinstance(container, dict):
            return self.lit(any(k.lower() == str(item).lower() for k in container))
        if isinstance(container, list):
            return self.lit(any(_comparable(c) == item for c in container))
        return self.lit(str(item) in str(container))

    def fn_length(self, args):
        return self.lit(len(args[0].value))

    def fn_first(self, args):
        return self.item(args[0], 0) if is_list(args[0]) else self.lit(_string(args[0])[:1])

    def fn_last(self, args):
        return self.item(args[0], -1) if is_list(args[0]) else self.lit(_string(args[0])[-1:])

    def fn_split(self, args):
        text = _string(args[0])
        delimiters = args[1].value if is_list(args[1]) else [args[1]]
        separators = [_string(d) for d in delimiters]
        if not separators or "" in separators:
            raise ValueError("empty delimiter")
        parts = re.split("|".join(re.escape(d) for d in separators), text)
        return self.lit([self.lit(p) for p in parts])

    def fn_substring(self, args):
        text, start = _string(args[0]), int(args[1].value)
        end = start + int(args[2].value) if len(args) > 2 else len(text)
        if not 0 <= start <= end <= len(text):
            raise IndexError("the start and length are outside the string")
        return self.lit(text[start:end])

    def fn_trim(self, args):
        return self.lit(_string(args[0]).strip())

    def fn_startswith(self, args):
        return self.lit(_string(args[0]).lower().startswith(_string(args[1]).lower()))

    def fn_endswith(self, args):
        return self.lit(_string(args[0]).lower().endswith(_string(args[1]).lower()))

    def fn_createobject(self, args):
        pairs = {}
        for key, value in zip(args[0::2], args[1::2], strict=False):
            pairs[str(key.value)] = value
        return self.lit(pairs)

    def fn_createarray(self, args):
        return self.lit(list(args))

    def fn_array(self, args):
        return args[0] if is_list(args[0]) else self.lit([args[0]])

    def fn_union(self, args):
        if all(is_obj(a) for a in args):
            merged: dict = {}
            for arg in args:
                merged.update(arg.value)
            return self.lit(merged)
        if not all(is_list(a) for a in args):
            raise TypeError("union() takes objects or arrays, all of one kind")
        items = unique((item for arg in args for item in arg.value), _comparable)
        return self.lit(items)

    def fn_json(self, args):
        import json

        from batchlint.values import Lit as _Lit

        def wrap(value):
            if isinstance(value, dict):
                return _Lit({k: wrap(v) for k, v in value.items()}, self.loc)
            if isinstance(value, list):
                return _Lit([wrap(v) for v in value], self.loc)
            return _Lit(value, self.loc)

        try:
            data = json.loads(_string(args[0]))
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
        return wrap(data)

    def fn_less(self, args):
        return self.lit(args[0].value < args[1].value)

    def fn_greater(self, args):
        return self.lit(args[0].value > args[1].value)

    def fn_add(self, args):
        return self.lit(int(args[0].value) + int(args[1].value))

    def fn_sub(self, args):
        return self.lit(int(args[0].value) - int(args[1].value))

    def fn_mul(self, args):
        return self.lit(int(args[0].value) * int(args[1].value))

    def fn_range(self, args):
        start, count = int(args[0].value), int(args[1].value)
        if count > 10_000:
            raise TooLarge(f"value larger than batchlint evaluates (range of {count} numbers)")
        return self.lit([self.lit(i) for i in range(start, start + count)])


def _string(node: Node) -> str:
    """A string argument; ARM's string functions take no other type."""
    if not isinstance(node.value, str):
        raise TypeError("expected a string")
    return node.value


def _text(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise TypeError("cannot join an object or array into a string")
    return str(value)


def _truth(value) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _comparable(node):
    value = plain(node) if isinstance(node, (Lit, Unknown)) else node
    if isinstance(value, str):
        return value.lower()
    return value
