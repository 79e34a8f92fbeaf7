"""Comments in source text, found by each format's own comment syntax.

Inline suppressions live in comments, and every format writes comments differently: Bicep and
JSONC use ``//`` and ``/* */``, HCL adds ``#``, YAML has only ``#``. The scanners here know
just enough of each format's strings (interpolation, heredocs, verbatim strings, YAML block
scalars) not to take a ``#`` or ``//`` inside a string for a comment. They do not parse the
file, so a file that fails to parse still has its comments found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    """A comment's text without its markers, and the lines it spans (1-based)."""

    line: int
    column: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Scan:
    comments: tuple[Comment, ...]
    #: Lines that hold comment text and nothing else.
    comment_only: frozenset[int]

    def next_code_line(self, after: int) -> int:
        """The first line after ``after`` that is not a comment-only line."""
        line = after + 1
        while line in self.comment_only:
            line += 1
        return line


@dataclass(frozen=True)
class Syntax:
    line_markers: tuple[str, ...]
    quote: str
    #: ``${`` (and ``%{`` for HCL) inside a string opens an expression with its own strings.
    interpolation: tuple[str, ...] = ()
    #: Bicep's ``'''`` strings: no escapes, no interpolation, may span lines.
    verbatim: str | None = None
    heredoc: bool = False


BICEP = Syntax(("//",), "'", ("${",), "'''")
HCL = Syntax(("#", "//"), '"', ("${", "%{"), heredoc=True)
JSON = Syntax(("//",), '"')
YAML = "yaml"

_SUFFIXES = (
    ((".bicep", ".bicepparam"), BICEP),
    ((".tf", ".tfvars", ".hcl"), HCL),
    ((".json", ".jsonc"), JSON),
    ((".yaml", ".yml"), YAML),
)


def syntax_for(path: str) -> Syntax | str | None:
    """The comment syntax of a file by its name, or None when batchlint knows none for it."""
    low = path.lower()
    for suffixes, syntax in _SUFFIXES:
        if low.endswith(suffixes):
            return syntax
    return None


def scan(text: str, path: str) -> Scan | None:
    """The comments of ``text``, read with the syntax of ``path``; None for other files."""
    syntax = syntax_for(path)
    if syntax is None:
        return None
    if syntax == YAML:
        return _scan_yaml(text)
    return _Scanner(text, syntax).run()


_PLAIN = re.compile(r"[^\s\"'/#{}<\\$%*]+")
_HEREDOC = re.compile(r"<<-?[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")


class _Scanner:
    """One pass over C-like text: code, strings (with nested expressions) and comments."""

    def __init__(self, text: str, syntax: Syntax) -> None:
        self.text = text
        self.syntax = syntax
        self.comments: list[Comment] = []
        self.code: set[int] = set()
        self.commented: set[int] = set()
        self.line = 1
        self.line_start = 0

    def run(self) -> Scan:
        text, syntax = self.text, self.syntax
        #: Open strings and expressions: "string", or a list [brace depth] for an expression.
        stack: list = []
        i, end = 0, len(text)
        while i < end:
            ch = text[i]
            if ch == "\n":
                self._newline(i)
                i += 1
                continue
            if stack and stack[-1] == "string":
                i = self._in_string(i, stack)
                continue
            if ch in " \t\r":
                i += 1
                continue
            marker = next((m for m in syntax.line_markers if text.startswith(m, i)), None)
            if marker:
                stop = text.find("\n", i)
                stop = end if stop < 0 else stop
                self._comment(i, i + len(marker), stop, stop)
                i = stop
                continue
            if text.startswith("/*", i):
                stop = text.find("*/", i + 2)
                close = end if stop < 0 else stop + 2
                self._comment(i, i + 2, end if stop < 0 else stop, close)
                i = close
                continue
            self.code.add(self.line)
            if syntax.verbatim and text.startswith(syntax.verbatim, i):
                i = self._skip_to(i, text.find(syntax.verbatim, i + 3), len(syntax.verbatim))
                continue
            if syntax.heredoc and text.startswith("<<", i):
                heredoc = _HEREDOC.match(text, i)
                if heredoc:
                    closing = re.compile(rf"^[ \t]*{re.escape(heredoc.group(1))}[ \t]*$", re.M)
                    found = closing.search(text, heredoc.end())
                    i = self._skip_to(i, found.start() if found else -1, 0, found)
                    continue
            if ch == syntax.quote:
                stack.append("string")
                i += 1
                continue
            if stack and ch == "{":
                stack[-1][0] += 1
            elif stack and ch == "}":
                if stack[-1][0] == 0:
                    stack.pop()
                else:
                    stack[-1][0] -= 1
            plain = _PLAIN.match(text, i)
            i = plain.end() if plain else i + 1
        return Scan(tuple(self.comments), frozenset(self.commented - self.code))

    def _in_string(self, i: int, stack: list) -> int:
        text, syntax = self.text, self.syntax
        self.code.add(self.line)
        ch = text[i]
        if ch == "\\":
            if text.startswith("\n", i + 1):
                self._newline(i + 1)
            return i + 2
        if ch == syntax.quote:
            stack.pop()
            return i + 1
        for opener in syntax.interpolation:
            if text.startswith(opener, i):
                stack.append([0])
                return i + len(opener)
        return i + 1

    def _skip_to(self, start: int, found: int, closer: int, match=None) -> int:
        """Past a multi-line string or heredoc from ``start``, counting its lines as code."""
        stop = len(self.text) if found < 0 else (match.end() if match else found + closer)
        for offset in range(start, stop):
            if self.text[offset] == "\n":
                self._newline(offset)
                self.code.add(self.line)
        return stop

    def _comment(self, start: int, body: int, body_end: int, stop: int) -> None:
        first = self.line
        column = start - self.line_start + 1
        for offset in range(start, stop):
            if self.text[offset] == "\n":
                self._newline(offset)
        self.commented.update(range(first, self.line + 1))
        self.comments.append(Comment(first, column, self.line, self.text[body:body_end]))

    def _newline(self, offset: int) -> None:
        self.line += 1
        self.line_start = offset + 1


_BLOCK_SCALAR = re.compile(r"(?:^|[\s:-])[|>][+-]?[0-9]?[+-]?\s*$")


def _scan_yaml(text: str) -> Scan:
    comments: list[Comment] = []
    comment_only: set[int] = set()
    block_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if block_indent is not None:
            # The lines of a ``|`` or ``>`` block scalar are text, even when they start with #.
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        start = _yaml_comment_start(raw)
        code = raw if start is None else raw[:start]
        if start is not None:
            comments.append(Comment(number, start + 1, number, raw[start + 1 :]))
            if not code.strip():
                comment_only.add(number)
        if _BLOCK_SCALAR.search(code.rstrip()):
            block_indent = indent
    return Scan(tuple(comments), frozenset(comment_only))


def _yaml_comment_start(raw: str) -> int | None:
    """Where a ``#`` comment starts on a YAML line, outside quoted scalars."""
    quote = None
    previous = " "
    index = 0
    while index < len(raw):
        ch = raw[index]
        if quote == "'":
            if ch == "'":
                if raw.startswith("''", index):
                    index += 2
                    continue
                quote = None
        elif quote == '"':
            if ch == "\\":
                index += 2
                continue
            if ch == '"':
                quote = None
        elif ch == "#" and previous in " \t":
            return index
        elif ch in "'\"" and _opens_scalar(raw, index):
            quote = ch
        previous = ch
        index += 1
    return None


def _opens_scalar(raw: str, index: int) -> bool:
    """Whether a quote at ``index`` begins a quoted scalar rather than sitting inside text."""
    before = raw[:index].rstrip()
    return not before or before[-1] in ":-,[{?"
