"""Terraform's built-in functions that decide pool values in real modules.

A function that picks a value (``lookup``, ``try``, ``coalesce``, ``element``, ``one``) returns
the chosen node itself, so the place of the literal survives. A function that edits one string
(``lower``, ``replace``, ``trimspace``) keeps the place of that string. A function that builds a
new value (``format``, ``join``) places it at the call. Functions whose value depends on the
machine or the moment (``timestamp``, ``uuid``, ``file``) are unknown, with the reason.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

from batchlint.model import Location
from batchlint.readers import hcl, hclregex
from batchlint.readers.hclexpr import (
    MAX_ITEMS,
    EvalError,
    Scope,
    UnknownInside,
    describe,
    eval_expr,
    known_plain,
    normal_number,
    to_bool,
    to_number,
    to_string,
)
from batchlint.readers.limits import TooLarge, check_length
from batchlint.values import Lit, Node, Unknown, unique

_UNKNOWN_FUNCTIONS = {
    "timestamp": "timestamp() is the time of the run",
    "plantimestamp": "plantimestamp() is the time of the plan",
    "uuid": "uuid() is new on every run",
    "bcrypt": "bcrypt() is salted anew on every run",
    "file": "file() contents are not read by batchlint",
    "fileexists": "fileexists() is not checked by batchlint",
    "fileset": "fileset() is not listed by batchlint",
    "filebase64": "filebase64() contents are not read by batchlint",
    "templatefile": "templatefile() is not rendered by batchlint",
}


def call(expr: hcl.Call, scope: Scope) -> Node:
    """The value of a function call."""
    name = expr.name
    if name.startswith("provider::"):
        return Unknown(f"provider function {name}() is not evaluated", expr.loc)
    if name in _RAW:
        return _RAW[name](expr, scope)
    if name in _UNKNOWN_FUNCTIONS:
        return Unknown(_UNKNOWN_FUNCTIONS[name], expr.loc)
    fn = _FUNCTIONS.get(name)
    if fn is None:
        return Unknown(f"function {name}() is not evaluated by batchlint", expr.loc)
    args = [eval_expr(arg, scope) for arg in expr.args]
    if expr.expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last.value, list):
            raise EvalError("only a list can be expanded with ...", expr.loc)
        args.extend(last.value)
    try:
        return fn(args, expr.loc)
    except UnknownInside as exc:
        return exc.node
    except TooLarge as exc:
        raise EvalError(f"{name}(): {exc}", expr.loc) from None
    except (TypeError, IndexError, ValueError, OverflowError) as exc:
        raise EvalError(f"{name}(): wrong arguments ({exc})", expr.loc) from None


# -- functions that see their arguments unevaluated -----------------------------------------


def _try(expr: hcl.Call, scope: Scope) -> Node:
    errors = []
    for arg in expr.args:
        try:
            return eval_expr(arg, scope)
        except EvalError as exc:
            errors.append(exc.message)
    raise EvalError("no argument of try() could be evaluated: " + "; ".join(errors), expr.loc)


def _can(expr: hcl.Call, scope: Scope) -> Node:
    if len(expr.args) != 1:
        raise EvalError("can() takes one argument", expr.loc)
    try:
        value = eval_expr(expr.args[0], scope)
    except EvalError:
        return Lit(False, expr.loc)
    if isinstance(value, Unknown):
        return value
    return Lit(True, expr.loc)


_RAW: dict[str, Callable] = {"try": _try, "can": _can}


# -- helpers ---------------------------------------------------------------------------------


def _known(node: Node) -> Lit:
    if isinstance(node, Unknown):
        raise UnknownInside(node)
    return node


def _str(node: Node, loc: Location) -> str:
    return to_string(_known(node), loc)


def _list(node: Node, loc: Location) -> list[Node]:
    value = _known(node).value
    if isinstance(value, list):
        return value
    raise EvalError(f"expected a list, found {describe(node)}", loc)


def _map(node: Node, loc: Location) -> dict[str, Node]:
    value = _known(node).value
    if isinstance(value, dict):
        return value
    raise EvalError(f"expected a map or object, found {describe(node)}", loc)


def _same_place(text: str, node: Node) -> Lit:
    """A string edited from ``node``: credited to where ``node`` was written."""
    return Lit(text, node.loc, node.origin)


def _string_fn(fn: Callable[..., str]) -> Callable:
    def run(args: list[Node], loc: Location) -> Node:
        texts = [_str(a, loc) for a in args]
        return _same_place(fn(*texts), args[0])

    return run


# -- strings -----------------------------------------------------------------------------------


def _replace(args, loc):
    text, old, new = (_str(a, loc) for a in args)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        compiled = hclregex.compile_pattern(old[1:-1], "replace", loc)
        return _same_place(hclregex.replace_all(compiled, text, new, loc), args[0])
    times = text.count(old) if old else len(text) + 1
    check_length(len(text) + times * max(len(new) - len(old), 0))
    return _same_place(text.replace(old, new), args[0])


_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])")


def _format(args, loc):
    fmt = _str(args[0], loc)
    values = args[1:]
    position = [0]
    built = [len(fmt)]

    def sub(match: re.Match) -> str:
        text = _verb(match)
        built[0] += len(text)
        check_length(built[0])
        return text

    def _verb(match: re.Match) -> str:
        explicit, flags, width, precision, verb = match.groups()
        check_length(int(width or 0))
        check_length(int(precision or 0))
        if verb == "%":
            return "%"
        index = int(explicit) - 1 if explicit else position[0]
        position[0] = index + 1
        if index >= len(values):
            raise EvalError(f"format(): not enough arguments for {match.group(0)}", loc)
        node = _known(values[index])
        if verb in ("s", "v"):
            text = (
                to_string(node, loc)
                if verb == "s" or not isinstance(node.value, (dict, list))
                else json.dumps(known_plain(node))
            )
        elif verb == "q":
            text = json.dumps(to_string(node, loc))
        elif verb == "t":
            text = "true" if to_bool(node, loc) else "false"
        elif verb in "dxXob":
            return format(int(to_number(node, loc)), _spec(flags, width) + verb)
        elif verb in "feEgG":
            spec = f"{'.' + precision if precision else ''}{verb}"
            return format(float(to_number(node, loc)), _spec(flags, width) + spec)
        else:
            raise EvalError(f"format(): unsupported verb {match.group(0)}", loc)
        return format(text, (">" if "-" not in flags else "<") + width) if width else text

    return Lit(_VERB.sub(sub, fmt), loc)


def _spec(flags: str, width: str) -> str:
    """A Go-style format flag set as a Python format spec prefix."""
    align = "<" if "-" in flags else ""
    sign = "+" if "+" in flags else ""
    zero = "0" if "0" in flags and not align else ""
    return f"{align}{sign}{zero}{width}"


def _join(args, loc):
    sep = _str(args[0], loc)
    items = [_str(item, loc) for lst in args[1:] for item in _list(lst, loc)]
    check_length(sum(len(i) for i in items) + len(sep) * len(items))
    return Lit(sep.join(items), loc)


def _split(args, loc):
    sep, text = _str(args[0], loc), _str(args[1], loc)
    return Lit([Lit(part, loc) for part in text.split(sep)], loc)


def _substr(args, loc):
    text = _str(args[0], loc)
    offset, length = int(to_number(_known(args[1]), loc)), int(to_number(_known(args[2]), loc))
    if offset < 0:
        offset = max(len(text) + offset, 0)
    end = len(text) if length < 0 else offset + length
    return _same_place(text[offset:end], args[0])


def _regex(args, loc):
    pattern, text = _str(args[0], loc), _str(args[1], loc)
    match = hclregex.compile_pattern(pattern, "regex", loc).search(text)
    if match is None:
        raise EvalError(f"regex(): pattern {pattern!r} does not match", loc)
    return hclregex.match_value(match, loc)


def _regexall(args, loc):
    pattern, text = _str(args[0], loc), _str(args[1], loc)
    compiled = hclregex.compile_pattern(pattern, "regexall", loc)
    found = hclregex.matches(compiled, text, "regexall", loc)
    return Lit([hclregex.match_value(m, loc) for m in found], loc)


# -- collections -------------------------------------------------------------------------------


def _length(args, loc):
    value = _known(args[0]).value
    if isinstance(value, (list, dict, str)):
        return Lit(len(value), loc)
    raise EvalError(f"length() of {describe(args[0])}", loc)


def _lookup(args, loc):
    table = _map(args[0], loc)
    key = _str(args[1], loc)
    if key in table:
        return table[key]
    if len(args) > 2:
        return args[2]
    raise EvalError(f"lookup(): the map has no key {key!r} and no default is given", loc)


def _merge(args, loc):
    out: dict[str, Node] = {}
    for arg in args:
        if isinstance(arg, Lit) and arg.value is None:
            continue
        out.update(_map(arg, loc))
    return Lit(out, loc)


def _contains(args, loc):
    items = known_plain(_known(args[0]))
    needle = known_plain(_known(args[1]))
    if not isinstance(items, list):
        raise EvalError("contains() needs a list or set", loc)
    return Lit(needle in items, loc)


def _keys(args, loc):
    table = _map(args[0], loc)
    return Lit([Lit(k, table[k].loc) for k in sorted(table)], loc)


def _values(args, loc):
    table = _map(args[0], loc)
    return Lit([table[k] for k in sorted(table)], loc)


def _concat(args, loc):
    return Lit([item for arg in args for item in _list(arg, loc)], loc)


def _element(args, loc):
    items = _list(args[0], loc)
    if not items:
        raise EvalError("element() of an empty list", loc)
    index = int(to_number(_known(args[1]), loc))
    if index < 0:
        raise EvalError("element() cannot take a negative index", loc)
    return items[index % len(items)]


def _index(args, loc):
    items = [known_plain(i) for i in _list(args[0], loc)]
    needle = known_plain(_known(args[1]))
    if needle not in items:
        raise EvalError("index(): the value is not in the list", loc)
    return Lit(items.index(needle), loc)


def _flatten(args, loc):
    out: list[Node] = []

    def walk(node: Node) -> None:
        if isinstance(node, Lit) and isinstance(node.value, list):
            for child in node.value:
                walk(child)
        else:
            out.append(node)

    for item in _list(args[0], loc):
        walk(item)
    return Lit(out, loc)


def _distinct(args, loc):
    return Lit(unique(_list(args[0], loc), known_plain), loc)


def _compact(args, loc):
    return Lit([i for i in _list(args[0], loc) if _known(i).value not in (None, "")], loc)


def _coalesce(args, loc):
    for arg in args:
        value = _known(arg).value
        if value is not None and value != "":
            return arg
    raise EvalError("coalesce(): no non-null, non-empty argument", loc)


def _coalescelist(args, loc):
    for arg in args:
        if _list(arg, loc):
            return arg
    raise EvalError("coalescelist(): every list is empty", loc)


def _one(args, loc):
    items = _list(args[0], loc)
    if len(items) > 1:
        raise EvalError("one(): the list has more than one element", loc)
    return items[0] if items else Lit(None, loc)


def _slice(args, loc):
    items = _list(args[0], loc)
    start, end = int(to_number(_known(args[1]), loc)), int(to_number(_known(args[2]), loc))
    return Lit(items[start:end], loc)


def _sort(args, loc):
    items = _list(args[0], loc)
    return Lit(sorted(items, key=lambda i: _str(i, loc)), loc)


def _reverse(args, loc):
    return Lit(list(reversed(_list(args[0], loc))), loc)


def _zipmap(args, loc):
    keys, values = _list(args[0], loc), _list(args[1], loc)
    return Lit({_str(k, loc): v for k, v in zip(keys, values, strict=False)}, loc)


def _range(args, loc):
    numbers = [to_number(_known(a), loc) for a in args]
    if len(numbers) == 1:
        numbers = [0, numbers[0]]
    start, stop = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) > 2 else (1 if stop >= start else -1)
    if step == 0:
        raise EvalError("range(): the step cannot be zero", loc)
    count = max(0, math.ceil((stop - start) / step))
    if count > MAX_ITEMS:
        raise EvalError(f"range(): more than {MAX_ITEMS} elements", loc)
    return Lit([Lit(normal_number(start + i * step), loc) for i in range(count)], loc)


def _toset(args, loc):
    items = _distinct(args, loc).value
    if all(isinstance(_known(i).value, str) for i in items):
        # Terraform orders a set of strings lexically.
        items = sorted(items, key=lambda i: i.value)
    return Lit(items, loc)


def _tolist(args, loc):
    return Lit(_list(args[0], loc), args[0].loc)


def _tomap(args, loc):
    return Lit(_map(args[0], loc), args[0].loc)


def _tostring(args, loc):
    node = _known(args[0])
    if node.value is None:
        return node
    return _same_place(to_string(node, loc), node)


def _tonumber(args, loc):
    node = _known(args[0])
    if node.value is None:
        return node
    return Lit(to_number(node, loc), node.loc, node.origin)


def _tobool(args, loc):
    node = _known(args[0])
    if node.value is None:
        return node
    return Lit(to_bool(node, loc), node.loc, node.origin)


def _jsonencode(args, loc):
    return Lit(json.dumps(known_plain(_known(args[0])), separators=(",", ":")), loc)


def _jsondecode(args, loc):
    text = _str(args[0], loc)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise EvalError(f"jsondecode(): {exc}", loc) from None
    except RecursionError:
        raise EvalError("jsondecode(): the JSON is nested too deeply", loc) from None
    return _from_plain(data, args[0].loc or loc)


def _from_plain(data, loc) -> Lit:
    if isinstance(data, dict):
        return Lit({k: _from_plain(v, loc) for k, v in data.items()}, loc)
    if isinstance(data, list):
        return Lit([_from_plain(v, loc) for v in data], loc)
    return Lit(data, loc)


def _numbers(fn: Callable) -> Callable:
    def run(args, loc):
        values = [to_number(_known(a), loc) for a in args]
        return Lit(normal_number(fn(*values)), loc)

    return run


def _alltrue(args, loc):
    return Lit(all(to_bool(_known(i), loc) for i in _list(args[0], loc)), loc)


def _anytrue(args, loc):
    return Lit(any(to_bool(_known(i), loc) for i in _list(args[0], loc)), loc)


def _identity(args, loc):
    return args[0]


def _sum(args, loc):
    return Lit(normal_number(sum(to_number(_known(i), loc) for i in _list(args[0], loc))), loc)


_FUNCTIONS: dict[str, Callable[[list[Node], Location], Node]] = {
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "title": _string_fn(str.title),
    "trimspace": _string_fn(str.strip),
    "chomp": _string_fn(lambda s: s.rstrip("\r\n")),
    "trim": _string_fn(lambda s, chars: s.strip(chars)),
    "trimprefix": _string_fn(lambda s, p: s.removeprefix(p)),
    "trimsuffix": _string_fn(lambda s, p: s.removesuffix(p)),
    "strrev": _string_fn(lambda s: s[::-1]),
    "replace": _replace,
    "format": _format,
    "join": _join,
    "split": _split,
    "substr": _substr,
    "regex": _regex,
    "regexall": _regexall,
    "startswith": lambda a, loc: Lit(_str(a[0], loc).startswith(_str(a[1], loc)), loc),
    "endswith": lambda a, loc: Lit(_str(a[0], loc).endswith(_str(a[1], loc)), loc),
    "strcontains": lambda a, loc: Lit(_str(a[1], loc) in _str(a[0], loc), loc),
    "length": _length,
    "lookup": _lookup,
    "merge": _merge,
    "contains": _contains,
    "keys": _keys,
    "values": _values,
    "concat": _concat,
    "element": _element,
    "index": _index,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": _compact,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "one": _one,
    "slice": _slice,
    "sort": _sort,
    "reverse": _reverse,
    "zipmap": _zipmap,
    "range": _range,
    "toset": _toset,
    "tolist": _tolist,
    "tomap": _tomap,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "min": _numbers(min),
    "max": _numbers(max),
    "abs": _numbers(abs),
    "ceil": _numbers(math.ceil),
    "floor": _numbers(math.floor),
    "sum": _sum,
    "alltrue": _alltrue,
    "anytrue": _anytrue,
    "sensitive": _identity,
    "nonsensitive": _identity,
}

#: Every function name the evaluator knows, for documentation and tests.
KNOWN = frozenset(_FUNCTIONS) | frozenset(_RAW)
