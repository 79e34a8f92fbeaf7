"""The syntax tree of a Bicep file: what ``bicepparse`` builds and ``bicepexpr`` evaluates.

Expressions keep the place they are written. Declarations keep what a pool reader needs:
parameters with their defaults, variables, user-defined functions, imports, resources (with
their nested children) and modules in source order, the ``using`` line of a .bicepparam file,
and the syntax errors found while parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from batchlint.model import Location

# -- the syntax tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    """A string; ``parts`` are text and, for interpolations, expressions."""

    parts: tuple
    loc: Location


@dataclass(frozen=True)
class Const:
    """A number, ``true``, ``false`` or ``null``."""

    value: Any
    loc: Location


@dataclass(frozen=True)
class Name:
    name: str
    loc: Location


@dataclass(frozen=True)
class Member:
    obj: Expr
    name: str
    safe: bool
    loc: Location


@dataclass(frozen=True)
class Index:
    obj: Expr
    index: Expr
    safe: bool
    loc: Location


@dataclass(frozen=True)
class Call:
    name: str
    namespace: str | None
    args: tuple
    loc: Location


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr
    loc: Location


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr
    loc: Location


@dataclass(frozen=True)
class Ternary:
    cond: Expr
    then: Expr
    other: Expr
    loc: Location


@dataclass(frozen=True)
class Group:
    """A parenthesised expression."""

    inner: Expr
    loc: Location


@dataclass(frozen=True)
class Prop:
    key: Expr  # a Str (identifier keys become plain strings)
    value: Expr
    loc: Location


@dataclass(frozen=True)
class Spread:
    value: Expr
    loc: Location


@dataclass(frozen=True)
class Obj:
    items: tuple  # Prop and Spread, in source order
    loc: Location

    def get(self, key: str) -> Expr | None:
        """The value of a property whose key is written plainly, or None."""
        for item in self.items:
            if isinstance(item, Prop) and item.key.parts == (key,):
                return item.value
        return None


@dataclass(frozen=True)
class Arr:
    items: tuple  # expressions and Spread
    loc: Location


@dataclass(frozen=True)
class For:
    item: str | None
    index: str | None
    iterable: Expr
    body: Expr
    loc: Location


@dataclass(frozen=True)
class If:
    cond: Expr
    text: str
    body: Expr
    loc: Location


@dataclass(frozen=True)
class Opaque:
    """Syntax the evaluator does not compute (a lambda, a nested-resource accessor)."""

    what: str
    loc: Location


@dataclass(frozen=True)
class Postfix:
    """A property access, index or call on ``base``, as the grammar attached it.

    Only the parser makes these, and ``reassociate`` replaces each by a ``Member``, ``Index`` or
    ``Call`` on the right operand.
    """

    base: Expr
    make: Callable[[Expr], Expr]
    loc: Location


Expr = Str | Const | Name | Member | Index | Call | Unary | Binary | Ternary | Obj | Arr | For | If
Expr = Expr | Group | Opaque | Postfix


@dataclass(frozen=True)
class Param:
    name: str
    default: Expr | None
    loc: Location


@dataclass(frozen=True)
class Var:
    name: str
    value: Expr
    loc: Location


@dataclass(frozen=True)
class Func:
    name: str
    params: tuple[str, ...]
    body: Expr
    loc: Location


@dataclass(frozen=True)
class Import:
    """``import {a, b as c} from 'x'`` or ``import * as ns from 'x'``.

    ``names`` pairs the name used in this file with the name in the other one (``*`` for all).
    """

    source: str
    names: tuple[tuple[str, str], ...]
    loc: Location


@dataclass(frozen=True)
class Resource:
    symbol: str
    type: str
    existing: bool
    body: Expr
    children: tuple[Resource, ...]
    loc: Location
    #: The declaration holds a syntax error, so its values cannot be trusted.
    broken: bool


@dataclass(frozen=True)
class Module:
    symbol: str
    source: str
    body: Expr
    loc: Location
    broken: bool


@dataclass(frozen=True)
class Using:
    source: str
    loc: Location


@dataclass(frozen=True)
class SyntaxProblem:
    message: str
    line: int
    column: int


@dataclass
class BicepFile:
    """One parsed ``.bicep`` or ``.bicepparam`` file."""

    path: str
    params: dict[str, Param] = field(default_factory=dict)
    variables: dict[str, Var] = field(default_factory=dict)
    functions: dict[str, Func] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)
    #: Resources and modules in source order.
    declarations: list[Resource | Module] = field(default_factory=list)
    using: Using | None = None
    #: ``extends``: the .bicepparam file whose values this one starts from.
    extends: Using | None = None
    errors: list[SyntaxProblem] = field(default_factory=list)


# -- operator precedence --------------------------------------------------------------------

#: Binary operators from loosest to tightest, as Bicep binds them.
_PRECEDENCE = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4, "!=": 4, "=~": 4, "!~": 4,
    "<": 5, "<=": 5, ">": 5, ">=": 5,
    "+": 6, "-": 6,
    "*": 7, "/": 7, "%": 7,
}  # fmt: skip


def reassociate(expr: Expr) -> Expr:
    """``expr`` with its operators bound as Bicep binds them.

    tree-sitter-bicep 1.1 gives ``.x``, ``[i]`` and ``.f()`` a lower precedence than the
    binary, unary and ternary operators, so ``a && b.c == 'x'`` arrives as ``((a && b).c) ==
    'x'``. The source order of operands and operators is right, so they are laid out in that
    order and parsed again with Bicep's precedence: postfix tightest, then unary, the binary
    levels of ``_PRECEDENCE``, and the ternary loosest. Operands are already reassociated.
    """
    if not isinstance(expr, (Binary, Unary, Ternary, Postfix)):
        return expr
    tokens: list[tuple] = []
    _lay_out(expr, tokens)
    parser = _Operators(tokens, expr.loc)
    result = parser.ternary()
    if not parser.at_end():
        return Opaque("an expression the parser could not read", expr.loc)
    return result


def _lay_out(expr: Expr, out: list[tuple]) -> None:
    if isinstance(expr, Binary):
        _lay_out(expr.left, out)
        out.append(("binary", expr.op))
        _lay_out(expr.right, out)
    elif isinstance(expr, Unary):
        out.append(("unary", expr.op, expr.loc))
        _lay_out(expr.operand, out)
    elif isinstance(expr, Ternary):
        _lay_out(expr.cond, out)
        out.append(("?",))
        _lay_out(expr.then, out)
        out.append((":",))
        _lay_out(expr.other, out)
    elif isinstance(expr, Postfix):
        _lay_out(expr.base, out)
        out.append(("postfix", expr.make))
    else:
        out.append(("operand", expr))


class _Operators:
    def __init__(self, tokens: list[tuple], loc: Location) -> None:
        self.tokens = tokens
        self.loc = loc
        self.i = 0

    def at_end(self) -> bool:
        return self.i == len(self.tokens)

    def peek(self) -> tuple:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end",)

    def ternary(self) -> Expr:
        cond = self.binary(1)
        if self.peek()[0] != "?":
            return cond
        self.i += 1
        then = self.ternary()
        if self.peek()[0] == ":":
            self.i += 1
        other = self.ternary()
        return Ternary(cond, then, other, cond.loc)

    def binary(self, level: int) -> Expr:
        left = self.unary()
        while True:
            token = self.peek()
            prec = _PRECEDENCE.get(token[1], 0) if token[0] == "binary" else 0
            if prec < level:
                return left
            self.i += 1
            right = self.binary(prec + 1)
            left = Binary(token[1], left, right, left.loc)

    def unary(self) -> Expr:
        token = self.peek()
        if token[0] == "unary":
            self.i += 1
            return Unary(token[1], self.unary(), token[2])
        return self.postfix()

    def postfix(self) -> Expr:
        token = self.peek()
        if token[0] != "operand":
            return Opaque("an expression the parser could not read", self.loc)
        self.i += 1
        expr = token[1]
        while self.peek()[0] == "postfix":
            expr = self.peek()[1](expr)
            self.i += 1
        return expr
