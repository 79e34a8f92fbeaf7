"""Terraform variable type constraints: conversion and ``optional()`` attribute defaults.

A variable's value is converted to its declared type the way Terraform does before anything
reads it: ``"3"`` becomes a number for a ``number`` variable, an object loses the attributes its
type does not declare, and an attribute declared ``optional(string, "latest")`` that the value
leaves out gets ``"latest"``, placed where the default is written in the type.
"""

from __future__ import annotations

from dataclasses import dataclass

from batchlint.readers import hcl
from batchlint.readers.hclexpr import (
    EvalError,
    NoReferences,
    Scope,
    describe,
    eval_expr,
    relabel,
    to_bool,
    to_number,
    to_string,
)
from batchlint.values import Lit, Node, Unknown

_PRIMITIVES = ("string", "number", "bool", "any")


@dataclass(frozen=True)
class Type:
    """A type constraint: ``kind`` is a primitive name or list/set/map/tuple/object."""

    kind: str
    element: Type | None = None
    #: Object attributes: name -> (type, optional, default expression).
    attributes: tuple[tuple[str, Type, bool, hcl.Expr | None], ...] = ()
    items: tuple[Type, ...] = ()


ANY = Type("any")


def parse_type(expr: hcl.Expr | None) -> Type:
    """The type a ``type = ...`` expression declares; anything unreadable is ``any``."""
    if expr is None:
        return ANY
    if isinstance(expr, hcl.JsonValue) and isinstance(expr.node.value, str):
        try:
            expr = hcl.parse_expression(expr.node.value, expr.loc)
        except Exception:
            return ANY
    if isinstance(expr, hcl.Ref) and expr.name in _PRIMITIVES:
        return Type(expr.name)
    if isinstance(expr, hcl.Call) and expr.args:
        name, first = expr.name, expr.args[0]
        if name in ("list", "set", "map"):
            return Type(name, element=parse_type(first))
        if name == "tuple" and isinstance(first, hcl.TupleExpr):
            return Type("tuple", items=tuple(parse_type(i) for i in first.items))
        if name == "object" and isinstance(first, hcl.ObjectExpr):
            return Type("object", attributes=tuple(_attributes(first)))
    return ANY


def _attributes(obj: hcl.ObjectExpr):
    for key, value in obj.items:
        name = key.value if isinstance(key, hcl.Literal) else None
        if not isinstance(name, str):
            continue
        if isinstance(value, hcl.Call) and value.name == "optional" and value.args:
            default = value.args[1] if len(value.args) > 1 else None
            yield name, parse_type(value.args[0]), True, default
        else:
            yield name, parse_type(value), False, None


def convert(node: Node, kind: Type, what: str) -> Node:
    """``node`` converted to ``kind``; a value Terraform would refuse is ``Unknown``."""
    try:
        return _convert(node, kind, what)
    except EvalError as exc:
        return Unknown(f"{what}: {exc.message}", exc.loc or node.loc)


def _convert(node: Node, kind: Type, what: str) -> Node:
    if isinstance(node, Unknown) or kind.kind == "any" or node.value is None:
        return node
    value = node.value
    loc = node.loc
    if kind.kind == "string":
        if isinstance(value, (dict, list)):
            raise EvalError(f"a string is required, found {describe(node)}", loc)
        return Lit(to_string(node, loc), loc, node.origin)
    if kind.kind == "number":
        return Lit(to_number(node, loc), loc, node.origin)
    if kind.kind == "bool":
        return Lit(to_bool(node, loc), loc, node.origin)
    if kind.kind in ("list", "set"):
        if not isinstance(value, list):
            raise EvalError(f"a {kind.kind} is required, found {describe(node)}", loc)
        return Lit([_convert(v, kind.element or ANY, what) for v in value], loc, node.origin)
    if kind.kind == "tuple":
        if not isinstance(value, list) or len(value) != len(kind.items):
            size = len(kind.items)
            elements = "1 element" if size == 1 else f"{size} elements"
            raise EvalError(f"a tuple of {elements} is required", loc)
        items = [_convert(v, t, what) for v, t in zip(value, kind.items, strict=True)]
        return Lit(items, loc, node.origin)
    if not isinstance(value, dict):
        raise EvalError(f"a {kind.kind} is required, found {describe(node)}", loc)
    if kind.kind == "map":
        return Lit(
            {k: _convert(v, kind.element or ANY, what) for k, v in value.items()}, loc, node.origin
        )
    out: dict[str, Node] = {}
    for name, attr_type, optional, default in kind.attributes:
        if name in value and not (optional and _is_null(value[name]) and default is not None):
            out[name] = _convert(value[name], attr_type, what)
        elif optional:
            out[name] = _default(default, attr_type, what, name, loc)
        else:
            raise EvalError(f"attribute {name!r} is required", loc)
    return Lit(out, loc, node.origin)


def _default(default: hcl.Expr | None, kind: Type, what: str, name: str, loc) -> Node:
    if default is None:
        return Lit(None, loc)
    value = eval_expr(default, Scope(NoReferences()))
    return relabel(_convert(value, kind, what), f"optional default of {name} in the type of {what}")


def _is_null(node: Node) -> bool:
    return isinstance(node, Lit) and node.value is None
