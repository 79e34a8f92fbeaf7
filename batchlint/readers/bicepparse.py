"""Bicep source to the syntax tree of ``bicepsyntax``, with the syntax errors on the way.

tree-sitter-bicep does the parsing: it gives every node a position and recovers from errors,
so one broken declaration does not hide the pools in the rest of the file. Its grammar (1.1)
is older than the language in a few places, and three of those differ from the Bicep compiler:

* a single-quoted string runs on over line ends, where Bicep stops it at the line end (BCP004);
* it does not know ``.bicepparam`` assignments (``param x = 1``), the ``extension`` statement,
  typed variables (``var x string = ...``), resource-typed parameters and outputs, or the
  spread operator (``...x``);
* it binds ``.x``, ``[i]`` and ``.f()`` looser than the operators before them.

The first two are repaired in the source before the final parse, with edits that keep every
line number (the unterminated string is closed at its line end and reported; the newer syntax
is rewritten to an equivalent of the same length); the third is undone on the syntax tree
(``bicepsyntax.reassociate``). Other syntax newer than the grammar shows up as a syntax error;
a newer tree-sitter-bicep removes that.
"""

from __future__ import annotations

import re

from batchlint.model import Location
from batchlint.readers.bicepsyntax import (
    Arr,
    BicepFile,
    Binary,
    Call,
    Const,
    Expr,
    For,
    Func,
    Group,
    If,
    Import,
    Index,
    Member,
    Module,
    Name,
    Obj,
    Opaque,
    Param,
    Postfix,
    Prop,
    Resource,
    Spread,
    Str,
    SyntaxProblem,
    Ternary,
    Unary,
    Using,
    Var,
    reassociate,
)
from batchlint.readers.limits import excerpt

#: Repairs are made one at a time, each followed by a new parse; a file needing more is left as
#: the parser sees it (its later errors are reported as they are).
MAX_REPAIRS = 64


# -- parsing --------------------------------------------------------------------------------

_PARSER: list = []


def _parser():
    """The parser, and a query that finds every string node (faster than a walk in Python)."""
    if not _PARSER:
        # Imported here: tree-sitter is only needed when a Bicep file is read.
        import tree_sitter

        language = tree_sitter.Language(_grammar())
        strings = tree_sitter.Query(language, "(string) @string")
        _PARSER.append((tree_sitter.Parser(language), strings, tree_sitter.QueryCursor))
    return _PARSER[0]


def _grammar():
    """The Bicep grammar (the ``language()`` pointer of ``tree_sitter_bicep``).

    The package's ``__init__`` imports ``importlib.resources``, and with it ``tempfile``, for
    query files batchlint does not use: more time than reading a template. Its compiled
    ``_binding`` module is loaded by itself when it can be found, else the package is imported.
    """
    import importlib.machinery
    import importlib.util
    import sys

    name = "tree_sitter_bicep._binding"
    module = sys.modules.get(name)
    if module is None:
        package = importlib.machinery.PathFinder.find_spec("tree_sitter_bicep")
        locations = package.submodule_search_locations if package else None
        spec = importlib.machinery.PathFinder.find_spec(name, locations) if locations else None
        if spec is None or spec.loader is None:
            import tree_sitter_bicep

            return tree_sitter_bicep.language()
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return module.language()


def parse(text: str, path: str, *, bicepparam: bool = False) -> BicepFile:
    """The declarations of a Bicep file and its syntax errors; never raises for bad input."""
    data = text.encode("utf-8")
    parser, strings, cursor = _parser()
    tree = parser.parse(data)
    repairs = _Repairs(lambda root: _strings_under(root, cursor(strings)))
    if bicepparam:
        data = repairs.assignments(data, tree)
        tree = parser.parse(data)
    for _ in range(MAX_REPAIRS):
        repaired = repairs.next(data, tree)
        if repaired is None:
            break
        data = repaired
        tree = parser.parse(data)
        if bicepparam:
            # A string closed at its line end gives back the lines it had swallowed, and the
            # assignments on them.
            again = repairs.assignments(data, tree)
            if again != data:
                data = again
                tree = parser.parse(data)

    builder = _Builder(data, path, repairs)
    result = builder.file(tree.root_node)
    problems = repairs.unterminated + builder.problems(tree.root_node)
    problems += builder.declaration_problems
    result.errors = sorted(problems, key=lambda p: (p.line, p.column))
    return result


#: How deep the string query looks. A tree deeper than the reader can follow (a chain of tens
#: of thousands of ``??``) is reported as nested too deeply anyway, and tree-sitter's query
#: slows to seconds past 65,000 levels.
MAX_QUERY_DEPTH = 4000


def _strings_under(root, cursor) -> list:
    cursor.set_max_start_depth(MAX_QUERY_DEPTH)
    return cursor.captures(root).get("string", [])


_PARAM_KEYWORD = re.compile(rb"(?m)^[ \t]*(param)(?=[ \t])")
#: ``using none``: a parameters file tied to no template (one that others extend).
_USING_NONE = re.compile(rb"(?m)^[ \t]*(using)[ \t]+none(?=[ \t]*(?://|/\*|\r?$))")
#: ``extends 'base.bicepparam'``: a parameters file that takes another's values first.
_EXTENDS = re.compile(rb"(?m)^[ \t]*(extends)(?=[ \t]+')")


class _Repairs:
    """The edits made to the source before the final parse, and where they were made."""

    def __init__(self, strings) -> None:
        self.strings = strings  # every string node under a root, from a tree-sitter query
        self.unterminated: list[SyntaxProblem] = []
        self.broken_lines: set[int] = set()
        #: Byte offsets of ``param`` keywords rewritten to ``var`` in a .bicepparam file.
        self.assignments_at: set[int] = set()
        #: Byte offsets of spreads rewritten to ``__:`` (objects) or ``__,`` (arrays).
        self.spreads_at: set[int] = set()
        #: Byte offsets of ``using none`` (rewritten to a comment) and of ``extends``
        #: (rewritten to ``var _e=``) in a .bicepparam file.
        self.using_none_at: list[int] = []
        self.extends_at: set[int] = set()

    def assignments(self, data: bytes, tree) -> bytes:
        """The .bicepparam statements the grammar does not know, as same-length text it reads:
        ``param x = v`` as ``var   x = v``, ``using none`` as a comment, ``extends 'f'`` as
        ``var _e= 'f'``."""
        out = bytearray(data)
        root = tree.root_node

        def code(start: int, length: int) -> bool:
            node = root.descendant_for_byte_range(start, start + length)
            return node is None or node.type not in ("string_content", "comment")

        for match in _PARAM_KEYWORD.finditer(data):
            start = match.start(1)
            if code(start, 5):
                out[start : start + 5] = b"var  "
                self.assignments_at.add(start)
        for match in _USING_NONE.finditer(data):
            start = match.start(1)
            if code(start, 5):
                out[start : start + 2] = b"//"
                self.using_none_at.append(start)
        for match in _EXTENDS.finditer(data):
            start = match.start(1)
            if code(start, 7):
                out[start : start + 7] = b"var _e="
                self.extends_at.add(start)
        return bytes(out)

    def next(self, data: bytes, tree) -> bytes | None:
        """The source with the first repairable problem mended, or None when none is left."""
        unterminated = None
        for node in self.strings(tree.root_node):
            text = data[node.start_byte : node.end_byte]
            open_end = node.child_count > 0 and node.children[-1].is_missing
            if text.startswith(b"'''") or not (b"\n" in text or open_end):
                continue
            if unterminated is None or node.start_byte < unterminated.start_byte:
                unterminated = node
        for node in faults(tree.root_node):
            if unterminated is not None and node.start_byte > unterminated.start_byte:
                break
            if node.is_error:
                patched = self._newer_syntax(data, node)
                if patched is not None:
                    return patched
        if unterminated is not None:
            return self._close_string(data, unterminated)
        return None

    def _close_string(self, data: bytes, node) -> bytes:
        line = node.start_point.row + 1
        self.unterminated.append(
            SyntaxProblem(
                "unterminated string: a Bicep string cannot run over the end of the line "
                "(close it with ' on this line, or use ''' for a multi-line string)",
                line,
                _column(data, node.start_byte),
            )
        )
        self.broken_lines.add(line)
        end = data.find(b"\n", node.start_byte)
        end = len(data) if end < 0 else end
        if data[end - 1 : end] == b"\r":
            end -= 1
        # One byte is inserted: later offsets move by one, lines do not.
        self.spreads_at = {p + 1 if p >= end else p for p in self.spreads_at}
        self.assignments_at = {p + 1 if p >= end else p for p in self.assignments_at}
        self.extends_at = {p + 1 if p >= end else p for p in self.extends_at}
        self.using_none_at = [p + 1 if p >= end else p for p in self.using_none_at]
        return data[:end] + b"'" + data[end:]

    def _newer_syntax(self, data: bytes, error) -> bytes | None:
        """Syntax newer than the grammar at ``error``, rewritten to same-length text it reads."""
        text = data[error.start_byte : error.end_byte]
        parent = error.parent
        parent_type = parent.type if parent is not None else ""

        if text == b"resource" and parent_type in ("parameter_declaration", "output_declaration"):
            return _blank(data, error.start_byte, error.end_byte)  # param p resource 'type@v'

        if parent_type == "variable_declaration":  # var x string = ...
            decl = data[parent.start_byte : parent.end_byte]
            match = re.match(rb"var\s+[A-Za-z_]\w*", decl)
            equals = decl.find(b"=")
            if match and equals > match.end() and decl[match.end() : equals].strip():
                return _blank(data, parent.start_byte + match.end(), parent.start_byte + equals)

        keyword = re.search(rb"(?m)^[ \t]*extension\b", text)
        if keyword is not None:
            start = error.start_byte + keyword.start()
            return _blank(data, start, _statement_end(data, start))

        # The grammar may take the first dot of a spread as a property access: look before.
        window = max(error.start_byte - 2, 0)
        dots = data.find(b"...", window, error.end_byte)
        if dots >= 0:
            start = dots
            container = _container(error)
            if container in ("object", "array"):
                self.spreads_at.add(start)
                mark = b"__:" if container == "object" else b"__,"
                return data[:start] + mark + data[start + 3 :]
        return None


def _statement_end(data: bytes, start: int) -> int:
    """The end of a one-statement extension declaration, with any ``with {...}`` block."""
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    depth = data[start:end].count(b"{") - data[start:end].count(b"}")
    while depth > 0 and end < len(data):
        nxt = data.find(b"\n", end + 1)
        nxt = len(data) if nxt < 0 else nxt
        depth += data[end:nxt].count(b"{") - data[end:nxt].count(b"}")
        end = nxt
    return end


def _blank(data: bytes, start: int, end: int) -> bytes:
    middle = bytes(b if b in b"\r\n" else 32 for b in data[start:end])
    return data[:start] + middle + data[end:]


def _container(node) -> str | None:
    """Whether ``node`` sits in an object or an array (recovered or not)."""
    while node is not None:
        if node.type in ("object", "array"):
            return node.type
        if node.type == "ERROR" and node.child_count:
            first = node.children[0].type
            if first == "{":
                return "object"
            if first == "[":
                return "array"
        node = node.parent
    return None


def _walk(node):
    """Every node under ``node`` in source order, without recursion (files can nest deeply)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def faults(node):
    """The ERROR and MISSING nodes under ``node``, in source order, without recursion."""
    stack = [node] if node.has_error else []
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            yield current
        stack.extend(c for c in reversed(current.children) if c.has_error)


def _column(data: bytes, offset: int) -> int:
    start = data.rfind(b"\n", 0, offset) + 1
    return len(data[start:offset].decode("utf-8", "replace")) + 1


# -- from tree-sitter nodes to the syntax tree -----------------------------------------------

_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_SKIP = ("comment", "diagnostic_comment", "decorators", "decorator")


class _Builder:
    def __init__(self, data: bytes, path: str, repairs: _Repairs):
        self.data = data
        self.ascii = data.isascii()  # then a byte column is the character column
        self.path = path
        self.spreads = repairs.spreads_at
        self.assignments = repairs.assignments_at
        self.extends = repairs.extends_at
        self.using_none = repairs.using_none_at
        self.broken_lines = repairs.broken_lines
        #: Problems the builder finds in the declarations (a name declared twice).
        self.declaration_problems: list[SyntaxProblem] = []

    # positions and text

    def loc(self, node) -> Location:
        point = node.start_point
        if self.ascii:
            return Location(self.path, point.row + 1, point.column + 1)
        return Location(self.path, point.row + 1, _column(self.data, node.start_byte))

    def text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def problems(self, root) -> list[SyntaxProblem]:
        found = []
        for node in faults(root):
            if node.is_missing:
                found.append(
                    SyntaxProblem(
                        f"syntax error: expected {node.type!r}",
                        node.start_point.row + 1,
                        _column(self.data, node.start_byte),
                    )
                )
            elif node.is_error:
                found.append(self._error(node))
        return found

    def _error(self, node) -> SyntaxProblem:
        line, column = node.start_point.row + 1, _column(self.data, node.start_byte)
        if node.end_byte >= len(self.data.rstrip()) and self._unbalanced(node):
            return SyntaxProblem(
                "syntax error: a bracket opened in this declaration is not closed "
                "before the end of the file",
                line,
                column,
            )
        first = self.text(node).split()
        token = excerpt(first[0] if first else self.text(node))
        return SyntaxProblem(f"syntax error: unexpected {token!r}", line, column)

    def _unbalanced(self, node) -> bool:
        depth = 0
        for leaf in _walk(node):
            if leaf.type in ("{", "[", "("):
                depth += 1
            elif leaf.type in ("}", "]", ")"):
                depth -= 1
        return depth > 0

    def broken(self, node) -> bool:
        if node.has_error:
            return True
        first, last = node.start_point.row + 1, node.end_point.row + 1
        return any(first <= line <= last for line in self.broken_lines)

    # declarations

    def file(self, root) -> BicepFile:
        out = BicepFile(self.path)
        names: set[str] = set()
        for node in root.named_children:
            kind = node.type
            try:
                if kind == "parameter_declaration":
                    param = self.param(node)
                    if param:
                        self._declare(param.name, param.loc, names)
                        out.params[param.name] = param
                elif kind == "variable_declaration":
                    if node.start_byte in self.extends:
                        source = self._first(node, "string")
                        if out.extends is not None:
                            self._problem("a parameters file has one extends line", self.loc(node))
                        elif source is not None:
                            out.extends = Using(self.plain_string(source), self.loc(node))
                        continue
                    var = self.var(node)
                    if var and node.start_byte in self.assignments:
                        self._declare(var.name, var.loc, names)
                        out.params[var.name] = Param(var.name, var.value, var.loc)
                    elif var:
                        self._declare(var.name, var.loc, names)
                        out.variables[var.name] = var
                elif kind == "resource_declaration":
                    resource = self.resource(node)
                    if resource:
                        self._declare(resource.symbol, resource.loc, names)
                        out.declarations.append(resource)
                elif kind == "module_declaration":
                    module = self.module(node)
                    if module:
                        self._declare(module.symbol, module.loc, names)
                        out.declarations.append(module)
                elif kind == "user_defined_function":
                    func = self.func(node)
                    if func:
                        out.functions[func.name] = func
                elif kind == "using_statement":
                    source = self._first(node, "string")
                    if out.using is not None:
                        self._problem("a parameters file has one using line", self.loc(node))
                    elif source is not None:
                        out.using = Using(self.plain_string(source), self.loc(node))
                elif kind == "import_functionality":
                    imported = self.import_(node)
                    if imported:
                        out.imports.append(imported)
            except _Skip:
                continue  # a declaration the parser could not make sense of
        for start in self.using_none:
            line = self.data.count(b"\n", 0, start) + 1
            loc = Location(self.path, line, _column(self.data, start))
            if out.using is not None:
                self._problem("a parameters file has one using line", loc)
            else:
                out.using = Using("none", loc)
        return out

    def _declare(self, name: str, loc: Location, names: set[str]) -> None:
        """Parameters, variables, resources and modules share one set of names in Bicep."""
        if name in names:
            self._problem(
                f"{name!r} is declared more than once in this file (Bicep error BCP028)", loc
            )
        names.add(name)

    def _problem(self, message: str, loc: Location) -> None:
        self.declaration_problems.append(SyntaxProblem(message, loc.line, loc.column))

    def param(self, node) -> Param | None:
        name = self._first(node, "identifier")
        if name is None:
            return None
        default = self._after(node, "=")
        return Param(self.text(name), self.value(default) if default else None, self.loc(node))

    def var(self, node) -> Var | None:
        name = self._first(node, "identifier")
        value = self._after(node, "=")
        if name is None or value is None:
            return None
        return Var(self.text(name), self.value(value), self.loc(node))

    def func(self, node) -> Func | None:
        name = node.child_by_field_name("name")
        body = self._after(node, "=>")
        if name is None or body is None:
            return None
        params = []
        holder = self._first(node, "parameters")
        if holder is not None:
            for param in holder.named_children:
                ident = self._first(param, "identifier")
                if ident is not None:
                    params.append(self.text(ident))
        return Func(self.text(name), tuple(params), self.value(body), self.loc(node))

    def import_(self, node) -> Import | None:
        source = None
        names: list[tuple[str, str]] = []
        children = node.children
        for i, child in enumerate(children):
            before = children[i - 1].type if i else ""
            after = children[i + 1].type if i + 1 < len(children) else ""
            if child.type == "string":
                source = self.plain_string(child)
            elif child.type == "identifier" and before == "as":
                original = (
                    "*" if i >= 2 and children[i - 2].type == "*" else self.text(children[i - 2])
                )
                names.append((self.text(child), original))
            elif child.type == "identifier" and after != "as":
                names.append((self.text(child), self.text(child)))
        if source is None:
            return None
        return Import(source, tuple(names), self.loc(node))

    def resource(self, node) -> Resource | None:
        name = self._first(node, "identifier")
        type_node = self._first(node, "string")
        body = self._after(node, "=")
        if name is None or type_node is None or body is None:
            return None
        existing = any(child.type == "existing" for child in node.children)
        children: list[Resource] = []
        return Resource(
            self.text(name),
            self.plain_string(type_node),
            existing,
            self.expr(body, children),
            tuple(children),
            self.loc(node),
            self.broken(node),
        )

    def module(self, node) -> Module | None:
        name = self._first(node, "identifier")
        source = self._first(node, "string")
        body = self._after(node, "=")
        if name is None or source is None or body is None:
            return None
        return Module(
            self.text(name),
            self.plain_string(source),
            self.expr(body),
            self.loc(node),
            self.broken(node),
        )

    # expressions

    def value(self, node, children: list | None = None) -> Expr:
        """A whole expression (a value, an argument, an operand in brackets)."""
        return reassociate(self.expr(node, children))

    def expr(self, node, children: list | None = None) -> Expr:
        """The expression at ``node``; nested resources of an object body go to ``children``."""
        kind = node.type
        loc = self.loc(node)
        if kind == "string":
            return self.string(node)
        if kind == "number":
            try:
                return Const(int(self.text(node)), loc)
            except ValueError:
                return Opaque(f"number {self.text(node)}", loc)
        if kind == "boolean":
            return Const(self.text(node) == "true", loc)
        if kind == "null":
            return Const(None, loc)
        if kind in ("identifier", "compatible_identifier"):
            return Name(self.text(node), loc)
        if kind == "parenthesized_expression":
            inner = self._named(node)
            if len(inner) != 1:
                return Opaque("a parenthesised list", loc)
            return Group(self.value(inner[0], children), loc)
        if kind == "object":
            return self.object(node, children)
        if kind == "array":
            return self.array(node)
        if kind == "member_expression":
            return self.member(node)
        if kind == "subscript_expression":
            obj = node.child_by_field_name("object")
            index = node.child_by_field_name("index")
            if obj is None or index is None:
                raise _Skip
            safe = any(child.type == "?" for child in node.children)
            key = self.value(index)
            return Postfix(self.expr(obj), lambda base: Index(base, key, safe, base.loc), loc)
        if kind == "call_expression":
            return self.call(node)
        if kind == "unary_expression":
            operand = node.child_by_field_name("argument") or self._named(node)[-1]
            return Unary(node.children[0].type, self.expr(operand), loc)
        if kind == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                raise _Skip
            op = next(
                (c.type for c in node.children if c.start_byte >= left.end_byte and not c.is_named),
                "?",
            )
            return Binary(op, self.expr(left), self.expr(right), loc)
        if kind == "ternary_expression":
            parts = [
                node.child_by_field_name(f) for f in ("condition", "consequence", "alternative")
            ]
            if any(p is None for p in parts):
                raise _Skip
            return Ternary(*(self.expr(p) for p in parts), loc)
        if kind == "for_statement":
            return self.loop(node, children)
        if kind == "if_statement":
            cond = self._first(node, "parenthesized_expression")
            body = self._first(node, "object")
            if cond is None or body is None:
                raise _Skip
            text = self.text(cond)[1:-1].strip()
            return If(self.value(cond), text, self.expr(body, children), loc)
        if kind == "lambda_expression":
            return Opaque("a lambda function", loc)
        if kind == "resource_expression":
            return Opaque(f"the nested resource accessor {self.text(node)}", loc)
        raise _Skip

    def string(self, node) -> Str:
        loc = self.loc(node)
        raw = self.data[node.start_byte : node.end_byte]
        if raw.startswith(b"'''"):
            body = raw[3:-3] if raw.endswith(b"'''") and len(raw) >= 6 else raw[3:]
            text = body.decode("utf-8", "replace")
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            return Str((text,), loc)

        parts: list = []
        pos = node.start_byte + 1
        end = node.end_byte - 1 if raw.endswith(b"'") and len(raw) > 1 else node.end_byte
        for child in node.children:
            if child.start_byte < pos or child.type == "'":
                continue
            if child.start_byte > pos:
                parts.append(_unescape(self.data[pos : child.start_byte].decode("utf-8")))
            if child.type == "interpolation":
                inner = self._named(child)
                parts.append(self.value(inner[0]) if inner else Str(("",), self.loc(child)))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            else:
                parts.append(self.text(child))
            pos = child.end_byte
        if end > pos:
            parts.append(_unescape(self.data[pos:end].decode("utf-8")))
        merged: list = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return Str(tuple(merged) or ("",), loc)

    def plain_string(self, node) -> str:
        value = self.string(node)
        return "".join(p for p in value.parts if isinstance(p, str))

    def object(self, node, children: list | None) -> Obj:
        items = []
        for child in node.named_children:
            if child.type != "object_property":
                continue  # comments, decorators, recovered fragments
            inner = [c for c in child.named_children if c.type not in _SKIP]
            if len(inner) == 1 and inner[0].type == "resource_declaration":
                if children is not None:
                    resource = self.resource(inner[0])
                    if resource:
                        children.append(resource)
                continue
            if len(inner) != 2:
                continue
            key, value = inner
            try:
                if key.start_byte in self.spreads:
                    items.append(Spread(self.value(value), self.loc(key)))
                    continue
                key_expr = (
                    self.string(key)
                    if key.type == "string"
                    else Str((self.text(key),), self.loc(key))
                )
                items.append(Prop(key_expr, self.value(value), self.loc(child)))
            except _Skip:
                continue
        return Obj(tuple(items), self.loc(node))

    def array(self, node) -> Arr:
        items = []
        spread_next = False
        for child in node.named_children:
            if child.type in _SKIP:
                continue
            if child.type == "identifier" and child.start_byte in self.spreads:
                spread_next = True
                continue
            try:
                value = self.value(child)
            except _Skip:
                continue
            items.append(Spread(value, value.loc) if spread_next else value)
            spread_next = False
        return Arr(tuple(items), self.loc(node))

    def member(self, node) -> Expr:
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            raise _Skip
        safe = any(child.type == ".?" for child in node.children)
        name = self.text(prop)
        return Postfix(
            self.expr(obj), lambda base: Member(base, name, safe, base.loc), self.loc(node)
        )

    def call(self, node) -> Expr:
        func = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if func is None:
            raise _Skip
        args = []
        if args_node is not None:
            for arg in args_node.named_children:
                if arg.type not in _SKIP:
                    args.append(self.value(arg))
        if func.type != "member_expression":
            return Call(self.text(func), None, tuple(args), self.loc(node))

        obj = func.child_by_field_name("object")
        prop = func.child_by_field_name("property")
        if obj is None or prop is None:
            raise _Skip
        name = self.text(prop)

        def namespaced(base: Expr) -> Expr:
            if isinstance(base, Name):  # sys.toLower(...), az.resourceGroup()
                return Call(name, base.name, tuple(args), base.loc)
            return Opaque(f"the method call .{name}()", base.loc)

        return Postfix(self.expr(obj), namespaced, self.loc(node))

    def loop(self, node, children: list | None) -> For:
        item = index = None
        iterable = body = None
        seen_in = False
        for child in node.children:
            if child.type == "in":
                seen_in = True
            elif child.type == "for_loop_parameters":
                for part in child.named_children:
                    if part.type == "loop_variable":
                        item = self.text(part)
                    elif part.type == "loop_enumerator":
                        index = self.text(part)
            elif not seen_in and child.type == "identifier":
                item = self.text(child)
            elif seen_in and child.is_named and iterable is None and child.type not in _SKIP:
                iterable = child
        body = node.child_by_field_name("body")
        if iterable is None or body is None:
            raise _Skip
        body_expr = self.value(body, children)
        return For(item, index, self.value(iterable), body_expr, self.loc(node))

    # helpers

    def _named(self, node) -> list:
        return [c for c in node.named_children if c.type not in _SKIP]

    def _first(self, node, kind: str):
        for child in node.children:
            if child.type == kind:
                return child
        return None

    def _after(self, node, token: str):
        children = node.children
        for i, child in enumerate(children):
            if child.type == token:
                for rest in children[i + 1 :]:
                    if rest.is_named and rest.type not in _SKIP and not rest.is_error:
                        return rest
                return None
        return None


class _Skip(Exception):
    """A recovered fragment that is not a whole expression; its declaration is left out."""


_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.S)


def _unescape(text: str) -> str:
    def sub(match: re.Match) -> str:
        code = match.group(1)
        if code.startswith("u{"):
            try:
                return chr(int(code[2:-1], 16))
            except ValueError:
                return match.group(0)
        return _ESCAPES.get(code, match.group(0))

    return _ESCAPE.sub(sub, text)
