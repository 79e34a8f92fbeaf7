"""HCL native syntax parsed into positioned nodes, with tree-sitter-hcl.

The tree-sitter tree is turned at once into the small node classes below (bodies, blocks,
attributes and expressions), each with the ``Location`` of its first character, so that the
evaluator never sees a parser's tree. Syntax errors do not stop the parse: tree-sitter recovers,
the blocks that hold an error are marked ``broken`` and the first error is returned with the
place a Terraform user expects (the opening line of an unclosed block, the start of a string
that runs past its line).

tree-sitter is imported inside ``_parser()`` so that importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from batchlint.model import Location
from batchlint.reader import ParseError
from batchlint.readers.limits import excerpt

# -- expressions ---------------------------------------------------------------------------


class Expr:
    """Base of expression nodes; ``loc`` is where the expression starts."""

    __slots__ = ("loc",)


class Literal(Expr):
    __slots__ = ("value",)

    def __init__(self, value: Any, loc: Location) -> None:
        self.value, self.loc = value, loc


class Template(Expr):
    """A quoted string or heredoc with interpolations; parts are str, Expr or directives."""

    __slots__ = ("parts",)

    def __init__(self, parts: list, loc: Location) -> None:
        self.parts, self.loc = parts, loc


class TemplateIf:
    __slots__ = ("cond", "then", "otherwise")

    def __init__(self, cond: Expr, then: list, otherwise: list) -> None:
        self.cond, self.then, self.otherwise = cond, then, otherwise


class TemplateFor:
    __slots__ = ("key", "value", "collection", "parts")

    def __init__(self, key: str | None, value: str, collection: Expr, parts: list) -> None:
        self.key, self.value, self.collection, self.parts = key, value, collection, parts


class Ref(Expr):
    """A bare name: ``var``, ``local``, ``each``, a resource type, a for-expression variable."""

    __slots__ = ("name",)

    def __init__(self, name: str, loc: Location) -> None:
        self.name, self.loc = name, loc


class GetAttr(Expr):
    __slots__ = ("obj", "name")

    def __init__(self, obj: Expr, name: str, loc: Location) -> None:
        self.obj, self.name, self.loc = obj, name, loc


class Index(Expr):
    __slots__ = ("obj", "key")

    def __init__(self, obj: Expr, key: Expr, loc: Location) -> None:
        self.obj, self.key, self.loc = obj, key, loc


class Splat(Expr):
    """``obj[*].a.b`` / ``obj.*.a``: ``steps`` apply to each element (("attr", name) or
    ("index", Expr))."""

    __slots__ = ("obj", "steps")

    def __init__(self, obj: Expr, steps: list, loc: Location) -> None:
        self.obj, self.steps, self.loc = obj, steps, loc


class Call(Expr):
    __slots__ = ("name", "args", "expand")

    def __init__(self, name: str, args: list[Expr], expand: bool, loc: Location) -> None:
        self.name, self.args, self.expand, self.loc = name, args, expand, loc


class TupleExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, items: list[Expr], loc: Location) -> None:
        self.items, self.loc = items, loc


class ObjectExpr(Expr):
    """``{ k = v }``; a bare identifier key is a ``Literal`` string, ``(k)`` an expression."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Expr, Expr]], loc: Location) -> None:
        self.items, self.loc = items, loc


class ForExpr(Expr):
    __slots__ = ("key_var", "value_var", "collection", "key", "value", "cond", "group")

    def __init__(self, key_var, value_var, collection, key, value, cond, group, loc) -> None:
        self.key_var, self.value_var, self.collection = key_var, value_var, collection
        self.key, self.value, self.cond, self.group, self.loc = key, value, cond, group, loc


class Conditional(Expr):
    __slots__ = ("cond", "then", "otherwise")

    def __init__(self, cond: Expr, then: Expr, otherwise: Expr, loc: Location) -> None:
        self.cond, self.then, self.otherwise, self.loc = cond, then, otherwise, loc


class Binary(Expr):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Expr, right: Expr, loc: Location) -> None:
        self.op, self.left, self.right, self.loc = op, left, right, loc


class Unary(Expr):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Expr, loc: Location) -> None:
        self.op, self.operand, self.loc = op, operand, loc


class JsonValue(Expr):
    """A value written in Terraform's JSON syntax: a positioned ``Lit`` tree whose strings are
    templates (``"${var.x}"``) when ``templates`` is true."""

    __slots__ = ("node", "templates")

    def __init__(self, node, templates: bool = True) -> None:
        self.node, self.templates, self.loc = node, templates, node.loc


# -- bodies --------------------------------------------------------------------------------


@dataclass
class Attribute:
    name: str
    expr: Expr
    loc: Location


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    loc: Location
    #: The block holds a syntax error; its contents are not used.
    broken: bool = False


@dataclass
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind and not b.broken]


@dataclass
class HclFile:
    path: str
    body: Body
    #: The first syntax error, or None; the rest of the file is still usable.
    error: ParseError | None = None


# -- parsing -------------------------------------------------------------------------------

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(tree_sitter_hcl.language()))
    return _PARSER


_BINARY_OPS = {"==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&&", "||"}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


#: The first line of a top-level block: ``resource "type" "name" {`` at the start of a line.
_TOP_BLOCK = re.compile(
    rb'^[A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{', re.MULTILINE
)


def parse(text: str, path: str) -> HclFile:
    """Parse a ``.tf`` or ``.tfvars`` file; syntax errors are returned, not raised.

    When the file has an error, each top-level block is parsed again on its own, so that one
    broken block does not take the blocks after it along (tree-sitter's own recovery often
    folds everything after an error into the broken block).
    """
    data = text.encode("utf-8")
    body, error = _parse_chunk(data, path, 0)
    if error is None:
        return HclFile(path, body, None)
    starts = [m.start() for m in _TOP_BLOCK.finditer(data)]
    if len(starts) < 2:
        return HclFile(path, body, error)
    if starts[0] != 0:
        starts.insert(0, 0)
    body = Body()
    errors = []
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        part, part_error = _parse_chunk(data[start:end], path, data.count(b"\n", 0, start))
        body.attributes.update(part.attributes)
        body.blocks.extend(part.blocks)
        if part_error is not None:
            errors.append(part_error)
    first = min(errors, key=lambda e: (e.line, e.column), default=error)
    return HclFile(path, body, first)


#: An exponent without a fraction (``1e5``): Terraform's syntax, which tree-sitter-hcl lacks.
_BARE_EXPONENT = re.compile(rb"(?<![\w.])[0-9]+[eE][+-]?[0-9]+(?![\w.])")


def _syntax_tree(data: bytes):
    """The tree-sitter tree of ``data``.

    tree-sitter-hcl reads ``1e5`` as ``1`` followed by an error, and ``0x1`` as one number:
    each bare exponent is handed to it as a hexadecimal literal of the same length, so every
    offset stays, and the converter, which reads the text from ``data``, sees ``1e5``.
    """
    if b"e" in data or b"E" in data:
        data = _BARE_EXPONENT.sub(lambda m: b"0x" + b"1" * (len(m.group(0)) - 2), data)
    return _parser().parse(data)


def _parse_chunk(data: bytes, path: str, row_offset: int) -> tuple[Body, ParseError | None]:
    tree = _syntax_tree(data)
    conv = _Converter(data, lambda row, col: None, path)
    conv.row_offset = row_offset
    strings = _multiline_strings(tree.root_node, data)
    conv.bad_offsets = [n.start_byte for n in strings]
    body = conv.body(tree.root_node)
    if conv.bad_numbers:
        # Found while converting (tree-sitter takes 0x10 for a number, Terraform does not):
        # converted again, so that the blocks holding them are broken like any other error.
        conv.bad_offsets += [n.start_byte for n in conv.bad_numbers]
        body = conv.body(tree.root_node)
    error = None
    if strings or tree.root_node.has_error or conv.bad_numbers:
        error = _first_error(tree.root_node, conv, strings)
    crowded = _crowded(tree.root_node)
    if crowded is not None and (
        error is None or (crowded.line, crowded.column) < (error.line, error.column)
    ):
        error = crowded
    if error is not None and row_offset:
        error = ParseError(error.message, error.line + row_offset, error.column)
    return body, error


def parse_expression(text: str, loc: Location) -> Expr:
    """An expression from text written elsewhere (a ``--var`` value, a type in ``.tf.json``).

    Every node gets ``loc``. Raises ``ParseError`` when the text is not one expression.
    """
    data = f"x = {text}\n".encode()
    tree = _syntax_tree(data)
    root = tree.root_node
    if root.has_error:
        raise ParseError(f"not a valid expression: {excerpt(text)!r}", loc.line, loc.column)
    conv = _Converter(data, lambda row, col: loc, loc.file)
    body = conv.body(root)
    attr = body.attributes.get("x")
    if attr is None or conv.bad_numbers:
        raise ParseError(f"not a valid expression: {excerpt(text)!r}", loc.line, loc.column)
    return attr.expr


_MARK = "BATCHLINT_TEMPLATE_END"


def parse_template(text: str, loc: Location) -> Expr:
    """A JSON-syntax string as Terraform reads it: a template, every node placed at ``loc``."""
    if "${" not in text and "%{" not in text:
        return Literal(text, loc)
    data = f"x = <<{_MARK}\n{text}\n{_MARK}\n".encode()
    tree = _syntax_tree(data)
    if tree.root_node.has_error:
        raise ParseError(f"invalid template in string {excerpt(text)!r}", loc.line, loc.column)
    conv = _Converter(data, lambda row, col: loc, loc.file, wrapped=True)
    attr = conv.body(tree.root_node).attributes.get("x")
    if attr is None or conv.bad_numbers:
        raise ParseError(f"invalid template in string {excerpt(text)!r}", loc.line, loc.column)
    return attr.expr


def _named(node) -> list:
    return [c for c in node.children if c.type != "comment"]


class _Converter:
    def __init__(self, data: bytes, fixed: Callable, path: str, wrapped: bool = False) -> None:
        self.data = data
        self.wrapped = wrapped
        #: Lines before ``data`` when it is one block cut from a larger file.
        self.row_offset = 0
        #: Where quoted strings that run past their line start: their blocks are broken.
        self.bad_offsets: list[int] = []
        #: Number literals that tree-sitter accepts and Terraform does not (``0x10``).
        self.bad_numbers: list = []
        self.fixed = fixed
        self.path = path

    # positions

    def loc(self, node) -> Location:
        row, col = node.start_point
        fixed = self.fixed(row, col)
        if fixed is not None:
            return fixed
        line = row + 1 + self.row_offset
        return Location(self.path, line, self._column(node.start_byte, row, col))

    def _column(self, offset: int, row: int, col: int) -> int:
        start = offset - col
        prefix = self.data[start:offset]
        if prefix.isascii():
            return col + 1
        # tree-sitter counts bytes; a column counts characters.
        return len(prefix.decode("utf-8", "replace")) + 1

    def text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # bodies

    def body(self, node) -> Body:
        out = Body()
        for child in _named(node):
            if child.type == "body":
                return self.body(child)
            if child.type == "attribute":
                attr = self.attribute(child)
                if attr is not None:
                    out.attributes[attr.name] = attr
            elif child.type == "block":
                out.blocks.append(self.block(child))
        return out

    def attribute(self, node) -> Attribute | None:
        kids = _named(node)
        exprs = [c for c in kids if c.type == "expression"]
        if not kids or kids[0].type != "identifier" or not exprs or node.has_error:
            return None
        if any(node.start_byte <= offset < node.end_byte for offset in self.bad_offsets):
            return None
        return Attribute(self.text(kids[0]), self.expr(exprs[0]), self.loc(kids[0]))

    def block(self, node) -> Block:
        kids = _named(node)
        kind = self.text(kids[0]) if kids and kids[0].type == "identifier" else ""
        labels = []
        body = Body()
        broken = node.has_error or any(
            node.start_byte <= offset < node.end_byte for offset in self.bad_offsets
        )
        for child in kids[1:]:
            if child.type == "string_lit":
                labels.append(self._string_lit(child))
            elif child.type == "identifier":
                labels.append(self.text(child))
            elif child.type == "body" and not broken:
                # A broken block's contents are never used, and may not be whole.
                body = self.body(child)
        return Block(kind, labels, body, self.loc(node), broken)

    # expressions

    def expr(self, node) -> Expr:
        if node.type == "expression":
            return self.term(_named(node))
        return self.term([node])

    def term(self, kids: list) -> Expr:
        """A primary expression followed by attribute, index and splat steps."""
        if not kids:
            raise ValueError("empty expression")
        if kids[0].type == "(":
            close = next(i for i, k in enumerate(kids) if k.type == ")")
            base = self.expr(kids[1])
            rest = kids[close + 1 :]
        else:
            base = self.primary(kids[0])
            rest = kids[1:]
        for step in rest:
            base = self.postfix(base, step)
        return base

    def primary(self, node) -> Expr:
        kind = node.type
        loc = self.loc(node)
        if kind == "expression":
            return self.expr(node)
        if kind == "literal_value":
            return self.literal(_named(node)[0])
        if kind == "variable_expr":
            return Ref(self.text(_named(node)[0]), loc)
        if kind == "collection_value":
            return self.collection(_named(node)[0])
        if kind == "template_expr":
            return self.template(_named(node)[0])
        if kind == "function_call":
            return self.call(node)
        if kind == "for_expr":
            return self.for_expr(_named(node)[0])
        if kind == "conditional":
            parts = [c for c in _named(node) if c.type == "expression"]
            return Conditional(*(self.expr(p) for p in parts[:3]), loc)
        if kind == "operation":
            return self.operation(_named(node)[0])
        if kind in ("binary_operation", "unary_operation"):
            return self.operation(node)
        raise ValueError(f"unexpected {kind} in expression")

    def postfix(self, base: Expr, node) -> Expr:
        kind = node.type
        loc = base.loc
        if kind == "get_attr":
            return GetAttr(base, self.text(_named(node)[-1]), loc)
        if kind == "index":
            inner = _named(node)[0]
            if inner.type == "legacy_index":
                return Index(base, Literal(_number(self.text(inner)[1:]), loc), loc)
            key = next(c for c in _named(inner) if c.type == "expression")
            return Index(base, self.expr(key), loc)
        if kind == "splat":
            inner = _named(node)[0]
            steps = []
            for step in _named(inner)[1:]:
                if step.type == "get_attr":
                    steps.append(("attr", self.text(_named(step)[-1])))
                elif step.type == "index":
                    index = _named(step)[0]
                    if index.type == "legacy_index":
                        steps.append(("index", Literal(_number(self.text(index)[1:]), loc)))
                    else:
                        key = next(c for c in _named(index) if c.type == "expression")
                        steps.append(("index", self.expr(key)))
            return Splat(base, steps, loc)
        raise ValueError(f"unexpected {kind} after an expression")

    def operation(self, node) -> Expr:
        kids = _named(node)
        loc = self.loc(node)
        if node.type == "unary_operation":
            return Unary(kids[0].type, self.term(kids[1:]), loc)
        split = next(
            i for i, k in enumerate(kids) if not k.is_named and k.type in _BINARY_OPS and i > 0
        )
        return Binary(kids[split].type, self.term(kids[:split]), self.term(kids[split + 1 :]), loc)

    def literal(self, node) -> Expr:
        loc = self.loc(node)
        if node.type == "numeric_lit":
            text = self.text(node)
            if not _DECIMAL.fullmatch(text):
                if node not in self.bad_numbers:
                    self.bad_numbers.append(node)
                return Literal(None, loc)
            return Literal(_number(text), loc)
        if node.type == "bool_lit":
            return Literal(self.text(node) == "true", loc)
        if node.type == "null_lit":
            return Literal(None, loc)
        return Literal(self._string_lit(node), loc)

    def _string_lit(self, node) -> str:
        kids = _named(node)
        if len(kids) >= 2:
            return unescape(self.data[kids[0].end_byte : kids[-1].start_byte].decode())
        return ""

    def collection(self, node) -> Expr:
        loc = self.loc(node)
        if node.type == "tuple":
            return TupleExpr([self.expr(c) for c in _named(node) if c.type == "expression"], loc)
        items = []
        for elem in _named(node):
            if elem.type != "object_elem":
                continue
            key_node = elem.child_by_field_name("key")
            val_node = elem.child_by_field_name("val")
            items.append((self.object_key(key_node), self.expr(val_node)))
        return ObjectExpr(items, loc)

    def object_key(self, node) -> Expr:
        kids = _named(node)
        if len(kids) == 1 and kids[0].type == "variable_expr":
            # A bare name is the key itself, not a reference (``{ sku = ... }``).
            return Literal(self.text(kids[0]), self.loc(kids[0]))
        return self.expr(node)

    def call(self, node) -> Expr:
        kids = _named(node)
        name = self.text(kids[0])
        args: list[Expr] = []
        expand = False
        for child in kids:
            if child.type == "function_arguments":
                for arg in _named(child):
                    if arg.type == "expression":
                        args.append(self.expr(arg))
                    elif arg.type == "ellipsis":
                        expand = True
        return Call(name, args, expand, self.loc(node))

    def for_expr(self, node) -> Expr:
        kids = _named(node)
        intro = next(k for k in kids if k.type == "for_intro")
        names = [self.text(k) for k in _named(intro) if k.type == "identifier"]
        collection = self.expr(next(k for k in _named(intro) if k.type == "expression"))
        key_var, value_var = (names[0], names[1]) if len(names) > 1 else (None, names[0])
        exprs = [k for k in kids if k.type == "expression"]
        cond_node = next((k for k in kids if k.type == "for_cond"), None)
        cond = None
        if cond_node is not None:
            cond = self.expr(next(k for k in _named(cond_node) if k.type == "expression"))
        loc = self.loc(node)
        if node.type == "for_object_expr":
            group = any(k.type == "ellipsis" for k in kids)
            return ForExpr(
                key_var,
                value_var,
                collection,
                self.expr(exprs[0]),
                self.expr(exprs[1]),
                cond,
                group,
                loc,
            )
        return ForExpr(key_var, value_var, collection, None, self.expr(exprs[0]), cond, False, loc)

    # templates

    def template(self, node) -> Expr:
        loc = self.loc(node)
        kids = _named(node)
        if node.type == "heredoc_template":
            strip = self.text(kids[0]) == "<<-"
            marks = [k for k in kids if k.type == "heredoc_identifier"]
            start = self.data.find(b"\n", marks[0].end_byte) + 1
            end = start
            if len(marks) > 1:
                end = max(start, self.data.rfind(b"\n", 0, marks[-1].start_byte) + 1)
            inner = [k for k in kids if k.start_byte >= start and k.end_byte <= end]
            parts = self._parts(inner, start, end, raw=True)
            if self.wrapped and parts and isinstance(parts[-1], str):
                # A JSON string wrapped as a heredoc: drop the newline the wrapping added.
                parts[-1] = parts[-1].removesuffix("\n")
            if strip:
                parts = _dedent(parts)
            return Template([p for p in parts if p != ""], loc)
        inner = kids[1:-1] if len(kids) >= 2 else []
        start = kids[0].end_byte if kids else node.start_byte
        end = kids[-1].start_byte if len(kids) >= 2 else node.end_byte
        return Template([p for p in self._parts(inner, start, end, raw=False) if p != ""], loc)

    def _parts(self, nodes: list, start: int, end: int, raw: bool) -> list:
        parts: list = []
        pos = start
        for child in nodes:
            if child.type == "template_literal":
                continue  # literal text is taken from the source between the other parts
            if child.start_byte > pos:
                parts.append(self._literal_text(pos, child.start_byte, raw))
            if child.type == "template_interpolation":
                exprs = [c for c in _named(child) if c.type == "expression"]
                if exprs:
                    parts.append(self.expr(exprs[0]))
            elif child.type == "template_directive":
                parts.append(self.directive(_named(child)[0], raw))
            pos = max(pos, child.end_byte)
        if end > pos:
            parts.append(self._literal_text(pos, end, raw))
        return parts

    def _literal_text(self, start: int, end: int, raw: bool) -> str:
        text = self.data[start:end].decode("utf-8", "replace")
        if raw:
            return text.replace("$${", "${").replace("%%{", "%{")
        return unescape(text)

    def directive(self, node, raw: bool):
        kids = _named(node)

        def section(first: int, last: int) -> list:
            return self._parts(
                kids[first + 1 : last], kids[first].end_byte, kids[last].start_byte, raw
            )

        if node.type == "template_if":
            cond = self.expr(next(c for c in _named(kids[0]) if c.type == "expression"))
            else_at = next((i for i, k in enumerate(kids) if k.type == "template_else_intro"), None)
            end_at = next(i for i, k in enumerate(kids) if k.type == "template_if_end")
            if else_at is None:
                return TemplateIf(cond, section(0, end_at), [])
            return TemplateIf(cond, section(0, else_at), section(else_at, end_at))
        intro = kids[0]
        names = [self.text(k) for k in _named(intro) if k.type == "identifier"]
        coll = self.expr(next(c for c in _named(intro) if c.type == "expression"))
        key, value = (names[0], names[1]) if len(names) > 1 else (None, names[0])
        end_at = next(i for i, k in enumerate(kids) if k.type == "template_for_end")
        return TemplateFor(key, value, coll, section(0, end_at))


def unescape(text: str) -> str:
    """The value of a quoted HCL string's text: backslash escapes, ``$${`` and ``%%{``."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def sub(match: re.Match) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        esc = match.group(1)
        if esc in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[esc]
        if esc[0] in "uU" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        return token

    return _ESCAPE.sub(sub, text)


#: A number as Terraform writes it: decimal digits, a fraction, an exponent.
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _number(text: str) -> int | float:
    """The value of a decimal literal; past Python's integer digits limit, a float (inf)."""
    if text.isdigit() and len(text) <= 4000:
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and "e" not in text.lower() else value


def _dedent(parts: list) -> list:
    """``<<-`` heredocs: remove the smallest indentation of the lines."""
    text_lines = []
    at_start = True
    for part in parts:
        if isinstance(part, str):
            for i, line in enumerate(part.split("\n")):
                if (i > 0 or at_start) and line.strip():
                    text_lines.append(len(line) - len(line.lstrip(" \t")))
            at_start = part.endswith("\n")
        else:
            at_start = False
    width = min(text_lines, default=0)
    if not width:
        return parts
    out = []
    at_start = True
    for part in parts:
        if isinstance(part, str):
            lines = part.split("\n")
            for i, line in enumerate(lines):
                if i > 0 or at_start:
                    lines[i] = line[width:] if line[:width].strip() == "" else line.lstrip()
            out.append("\n".join(lines))
            at_start = part.endswith("\n")
        else:
            out.append(part)
            at_start = False
    return out


# -- syntax errors -------------------------------------------------------------------------


def _multiline_strings(root, data: bytes) -> list:
    """Quoted strings that run past their line, which Terraform rejects.

    tree-sitter accepts them when the quotes happen to pair up across lines, so they are
    looked for in the whole tree, not only below error nodes.
    """
    if b'"' not in data:
        return []
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("string_lit", "quoted_template"):
            if b"\n" in data[node.start_byte : node.end_byte]:
                found.append(node)
            continue
        if kind in ("heredoc_template", "comment") or node.start_point.row == node.end_point.row:
            continue
        stack.extend(node.children)
    return found


def _first_error(root, conv: _Converter, strings: list) -> ParseError | None:
    """The error a Terraform user expects to see first, placed where terraform places it."""
    if strings:
        # A string that runs past its line is the cause of whatever errors follow it.
        row, col = min(n.start_point for n in strings)
        return ParseError(
            "unterminated string: a quoted string cannot span lines", row + 1, col + 1
        )
    found: list[tuple[int, int, str]] = []
    for node in conv.bad_numbers:
        row, col = node.start_point
        text = excerpt(conv.text(node))
        found.append((row, col, f"invalid number {text!r}: Terraform numbers are decimal"))
    stack = [(root, None)]
    while stack:
        node, block = stack.pop()
        if node.type == "block":
            block = node
        if node.is_missing:
            if node.type in ("}", "block_end") and block is not None:
                row, col = block.start_point
                message = (
                    "unclosed configuration block: no closing brace for this block before "
                    "the end of the file"
                )
            else:
                row, col = node.start_point
                message = f"syntax error at {_rest_of_line(conv.data, node.start_byte)!r}"
            found.append((row, col, message))
        elif node.is_error:
            row, col = node.start_point
            snippet = excerpt(conv.text(node))
            found.append((row, col, f"syntax error: unexpected {snippet!r}"))
        if node.has_error:
            stack.extend((c, block) for c in node.children)
    if not found:
        return None
    # An error inside a block is the cause; the block then looks unclosed as well.
    inner = [f for f in found if not f[2].startswith("unclosed")]
    row, col, message = min(inner or found)
    return ParseError(message, row + 1, col + 1)


def _crowded(root) -> ParseError | None:
    """The first argument or block that does not end its line, which Terraform refuses and
    tree-sitter-hcl reads (``a = 1 b = 2``); a block on one line holds one argument at most."""
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type != "body":
            stack.extend(c for c in node.named_children if c.type == "body")
            continue
        items = [c for c in node.named_children if c.type in ("attribute", "block")]
        stack.extend(c for c in items if c.type == "block")
        parent = node.parent
        if parent is not None and parent.type == "block":
            one_line = parent.start_point.row == parent.end_point.row
            if one_line and (len(items) > 1 or any(c.type == "block" for c in items)):
                item = items[1] if len(items) > 1 else items[0]
                found.append(
                    (
                        item.start_point,
                        "a block written on one line can hold only one argument and no "
                        "block (Terraform: Invalid single-argument block definition)",
                    )
                )
                continue
        for before, item in zip(items, items[1:], strict=False):
            if item.start_point.row == before.end_point.row:
                what = "an argument" if before.type == "attribute" else "a block"
                name = "argument" if before.type == "attribute" else "block definition"
                message = (
                    f"{what} must end at the end of its line, and another begins on it "
                    f"(Terraform: Missing newline after {name})"
                )
                found.append((item.start_point, message))
                break
    if not found:
        return None
    (row, col), message = min(found)
    return ParseError(message, row + 1, col + 1)


def _rest_of_line(data: bytes, offset: int) -> str:
    end = data.find(b"\n", offset)
    text = data[offset : end if end >= 0 else len(data)].decode("utf-8", "replace").strip()
    return excerpt(text) or "end of line"
