"""Terraform's regular expressions: RE2 syntax, matched as Go's ``regexp`` matches.

``regex()``, ``regexall()`` and ``replace()`` with a ``/pattern/`` take Go's RE2 syntax, which
matches in time linear in the text. Python's ``re`` backtracks, so a pattern such as
``^(a+)+$`` could hold a run for minutes; the ``re2`` binding gives Terraform's semantics and
its time bound. It is imported on the first pattern, so a run without one does not load it.
A pattern RE2 rejects (a backreference, a lookahead) is an error, as in Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from batchlint.model import Location
from batchlint.readers.hclexpr import MAX_ITEMS, EvalError
from batchlint.readers.limits import check_length
from batchlint.values import Lit

_OPTIONS = None

#: A ``$name``, ``${name}`` or ``$$`` in a replacement, as Go's ``Regexp.Expand`` reads it.
_TEMPLATE_VAR = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")


def compile_pattern(pattern: str, function: str, loc: Location | None):
    """``pattern`` compiled as RE2; a pattern RE2 rejects is an ``EvalError`` saying why."""
    global _OPTIONS
    import re2

    if _OPTIONS is None:
        options = re2.Options()
        options.log_errors = False  # the reason is in the exception; RE2 would print it too
        _OPTIONS = options
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise EvalError(
            f"{function}(): {_short(pattern)} is not a pattern Terraform accepts "
            f"(RE2 syntax, which has no backreferences or lookaround): {reason}",
            loc,
        ) from None


def _short(pattern: str) -> str:
    return repr(pattern if len(pattern) <= 60 else pattern[:57] + "...")


def matches(compiled, text: str, function: str, loc: Location | None) -> Iterator:
    """The matches of ``compiled`` in ``text``, no more than ``MAX_ITEMS``."""
    for count, match in enumerate(compiled.finditer(text)):
        if count >= MAX_ITEMS:
            raise EvalError(f"{function}(): more than {MAX_ITEMS} matches", loc)
        yield match


def match_value(match, loc: Location | None) -> Lit:
    """What ``regex()`` gives for one match: the text, a list of the groups, or a map of them.

    As in Terraform, the first group decides: named, and every group must be named; unnamed,
    and the groups are a list. A group that took no part in the match is null.
    """
    compiled = match.re
    if not compiled.groups:
        return Lit(match.group(0), loc)
    names = {index: name for name, index in compiled.groupindex.items()}
    if 1 in names:
        if len(names) != compiled.groups:
            raise EvalError("regex(): the pattern mixes named and unnamed groups", loc)
        return Lit({names[i]: Lit(match.group(i), loc) for i in sorted(names)}, loc)
    return Lit([Lit(g, loc) for g in match.groups()], loc)


def replace_all(compiled, text: str, template: str, loc: Location | None) -> str:
    """``text`` with every match replaced by ``template``, ``$1`` and ``${name}`` expanded."""
    names = compiled.groupindex
    pieces: list[str] = []
    total = 0
    end = 0
    for match in matches(compiled, text, "replace", loc):
        pieces.append(text[end : match.start()])
        pieces.append(_expand(template, match, names))
        total += len(pieces[-2]) + len(pieces[-1])
        check_length(total)
        end = match.end()
    pieces.append(text[end:])
    check_length(total + len(pieces[-1]))
    return "".join(pieces)


def _expand(template: str, match, names: dict[str, int]) -> str:
    def sub(var: re.Match) -> str:
        if var.group(0) == "$$":
            return "$"
        name = var.group(1) or var.group(2)
        # Go takes a name of digits as a group number, unless it has a leading zero.
        number = name.isascii() and name.isdigit() and len(name) < 9
        if number and (name == "0" or not name.startswith("0")):
            index = int(name)
        else:
            index = names.get(name, -1)
        if not 0 <= index <= match.re.groups:
            return ""  # Go: a group that does not exist gives nothing
        return match.group(index) or ""

    return _TEMPLATE_VAR.sub(sub, template)
