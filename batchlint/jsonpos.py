"""JSON with positions: every value comes back as a ``Lit`` that knows its line and column.

ARM allows ``//`` and ``/* */`` comments in templates, so comments are accepted (and returned,
for inline suppressions); trailing commas are not, as ARM's strict mode and Python's ``json``
reject them. Errors name the offending token's line and column, worded like Python's ``json``.
The parser is iterative: deep nesting fails with a message at a fixed depth, not a crash.
"""

from __future__ import annotations

import bisect
import json
import re

from batchlint.model import Location
from batchlint.reader import ParseError
from batchlint.values import Lit

MAX_DEPTH = 256

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
    |(?P<line_comment>//[^\n]*)
    |(?P<block_comment>/\*.*?\*/)
    |(?P<string>"(?:[^"\\\x00-\x1f]|\\.)*")
    |(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<punct>[{}\[\]:,])
    |(?P<word>true|false|null)
    """,
    re.VERBOSE | re.DOTALL,
)
_WORDS = {"true": True, "false": False, "null": None}


class Comment:
    __slots__ = ("line", "column", "text")

    def __init__(self, line: int, column: int, text: str) -> None:
        self.line, self.column, self.text = line, column, text


class _Lines:
    """Offset to (line, column) in O(log n)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def parse(
    text: str, path: str, *, comments: bool = True, trailing_commas: bool = False
) -> tuple[Lit, list[Comment]]:
    """Parse ``text``; return the root value and the comments found.

    ``trailing_commas`` accepts ``[1,]`` and ``{"a": 1,}`` as editors' JSONC does; readers use
    it only to tell whether a file that strict parsing rejects is a template at all.
    """
    lines = _Lines(text)
    found: list[Comment] = []
    stack: list[list] = []  # frames: [container Lit, pending key or None]
    root: Lit | None = None
    state = "value"  # value | first_value | key | first_key | colon | after | done
    pos = 0
    end = len(text)

    def fail(message: str, offset: int) -> ParseError:
        line, column = lines.at(offset)
        return ParseError(message, line, column)

    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            if pos >= end:
                break
            if text.startswith('"', pos):
                raise fail("Unterminated string", pos)
            if state == "done":
                raise fail("Extra data", pos)
            raise fail(_expecting(state), pos)
        kind = match.lastgroup
        start = pos
        pos = match.end()
        if kind == "ws":
            continue
        if kind in ("line_comment", "block_comment"):
            if not comments:
                raise fail("Comments are not allowed", start)
            line, column = lines.at(start)
            found.append(Comment(line, column, match.group()))
            continue
        token = match.group()

        if state == "done":
            raise fail("Extra data", start)

        if state in ("key", "first_key"):
            if kind == "string":
                stack[-1][1] = (_string(token, fail, start), start)
                state = "colon"
                continue
            if token == "}" and (state == "first_key" or trailing_commas):
                root, state = _close(stack, root)
                continue
            if token == "}":
                raise fail("Trailing comma: JSON allows no ',' before '}'", start)
            raise fail("Expecting property name enclosed in double quotes", start)

        if state == "colon":
            if token != ":":
                raise fail("Expecting ':' delimiter", start)
            state = "value"
            continue

        if state == "after":
            container = stack[-1][0].value
            closer = "}" if isinstance(container, dict) else "]"
            if token == ",":
                state = "key" if closer == "}" else "value"
                continue
            if token == closer:
                root, state = _close(stack, root)
                continue
            raise fail("Expecting ',' delimiter", start)

        # state is "value" or "first_value"
        line, column = lines.at(start)
        loc = Location(path, line, column)
        if kind == "string":
            node = Lit(_string(token, fail, start), loc)
        elif kind == "number":
            try:
                node = Lit(json.loads(token), loc)
            except ValueError:
                raise fail(f"Number too long ({len(token)} digits)", start) from None
        elif kind == "word":
            node = Lit(_WORDS[token], loc)
        elif token == "]" and (
            state == "first_value"
            or (trailing_commas and stack and isinstance(stack[-1][0].value, list))
        ):
            root, state = _close(stack, root)
            continue
        elif token in "{[":
            if len(stack) >= MAX_DEPTH:
                raise fail(f"Nesting deeper than {MAX_DEPTH} levels", start)
            node = Lit({} if token == "{" else [], loc)
            _attach(stack, node)
            stack.append([node, None])
            state = "first_key" if token == "{" else "first_value"
            continue
        elif token == "]" and stack and isinstance(stack[-1][0].value, list):
            raise fail("Trailing comma: JSON allows no ',' before ']'", start)
        else:
            raise fail("Expecting value", start)
        if not stack:
            root = node
            state = "done"
            continue
        _attach(stack, node)
        state = "after"

    if root is None or stack:
        raise fail(_expecting(state) if stack else "Expecting value", end)
    return root, found


def _attach(stack: list[list], node: Lit) -> None:
    if not stack:
        return
    frame = stack[-1]
    container = frame[0].value
    if isinstance(container, dict):
        key, _ = frame[1]
        container[key] = node
        frame[1] = None
    else:
        container.append(node)


def _close(stack: list[list], root: Lit | None) -> tuple[Lit | None, str]:
    node = stack.pop()[0]
    if not stack:
        return node, "done"
    return root, "after"


def _string(token: str, fail, start: int) -> str:
    if "\\" not in token:
        return token[1:-1]
    try:
        return json.loads(token)
    except ValueError:
        raise fail("Invalid \\escape", start) from None


def _expecting(state: str) -> str:
    return {
        "key": "Expecting property name enclosed in double quotes",
        "first_key": "Expecting property name enclosed in double quotes",
        "colon": "Expecting ':' delimiter",
        "after": "Expecting ',' delimiter",
    }.get(state, "Expecting value")
