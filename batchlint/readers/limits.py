"""How large a computed value the static evaluators build before giving ``Unknown``, and how
large a file another file refers to may be.

A few doubling steps (``concat(x, x)``, ``'${x}${x}'``, ``{a: x, b: x}``) make a value too large
to hold; a value past these limits is ``Unknown`` with the reason instead.
"""

from __future__ import annotations

import os
from typing import Any

from batchlint.reader import ParseError

#: The longest string an evaluator builds.
MAX_CHARS = 1_000_000
#: The most elements (counted through nested arrays and objects) of a built value.
MAX_ELEMENTS = 100_000
#: The most bits of a computed integer.
MAX_BITS = 1024

#: The weights of recently weighed arrays and objects, by identity. Each entry holds its value,
#: so that the identity cannot be reused while the entry is there; that also keeps the value
#: alive, so the memo stays small rather than holding the parse trees of a whole run.
_memo: dict[int, tuple[Any, int]] = {}
MEMO_SIZE = 4096


def too_large_reason(what: str) -> str:
    return f"value larger than batchlint evaluates ({what})"


def text_too_large(length: int) -> str | None:
    """The reason a string of ``length`` characters is not built, or None."""
    if length > MAX_CHARS:
        return too_large_reason(f"a string of {length} characters, more than {MAX_CHARS}")
    return None


def check_length(length: int) -> None:
    """Raise ``TooLarge`` before a string of ``length`` characters is built past the cap."""
    reason = text_too_large(length)
    if reason is not None:
        raise TooLarge(reason)


class TooLarge(ValueError):
    """A value would be larger than batchlint evaluates; the message is the reason."""


def _weight(value: Any, budget: int) -> int:
    """The elements in ``value`` (a plain value or a ``Lit`` tree), through nested arrays and
    objects (a part shared twice counts twice), stopping early once past ``budget``."""
    inner = getattr(value, "value", value)
    if not isinstance(inner, (list, dict)):
        return 0
    key = id(inner)
    hit = _memo.get(key)
    if hit is not None and hit[0] is inner:
        return hit[1]
    total = len(inner)
    children = inner.values() if isinstance(inner, dict) else inner
    for child in children:
        if total > budget:
            return total  # not remembered: only a lower bound
        total += _weight(child, budget - total)
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[key] = (inner, total)
    return total


#: What the expressions of one file may build in all, in characters, an array or object
#: element counting as ``ELEMENT_COST``: each value may be within the limits above and a file
#: still build thousands of them (loops over large computed values, hundreds of variables).
MAX_FILE_WORK = 50_000_000
ELEMENT_COST = 64
_work = [0]


def start_file() -> None:
    """A new file: its expressions start with the whole ``MAX_FILE_WORK``."""
    _work[0] = 0


def value_too_large(value: Any) -> str | None:
    """The reason ``value`` (a computed result) is too large to keep, or None."""
    inner = getattr(value, "value", value)
    if isinstance(inner, str):
        return text_too_large(len(inner)) or _charge(len(inner))
    if isinstance(inner, int) and inner.bit_length() > MAX_BITS:
        return too_large_reason(f"an integer of {inner.bit_length()} bits, more than {MAX_BITS}")
    if isinstance(inner, (list, dict)):
        hit = _memo.get(id(inner))
        new = hit is None or hit[0] is not inner
        count = _weight(inner, MAX_ELEMENTS)
        if count > MAX_ELEMENTS:
            return too_large_reason(f"more than {MAX_ELEMENTS} array or object elements")
        if new:  # a value met again was paid for when it was built
            return _charge(count * ELEMENT_COST)
    return None


def file_work_spent() -> str | None:
    """The reason further calls and loops of this file are not evaluated, once its expressions
    have built all that a file may; None before that."""
    return _charge(0)


def _charge(cost: int) -> str | None:
    _work[0] += cost
    if _work[0] > MAX_FILE_WORK:
        return (
            "the file's expressions build more than batchlint evaluates in one file "
            f"({MAX_FILE_WORK // 1_000_000} million characters, an element counting as "
            f"{ELEMENT_COST})"
        )
    return None


#: The most characters of a file's text that a message quotes.
MAX_EXCERPT = 30


def excerpt(text: str) -> str:
    """What a syntax error quotes of the text where it is: at most ``MAX_EXCERPT`` characters
    of one line. Enough to find the place; too little to copy out a file that a module path
    happens to name (a module is read wherever it is, as Terraform and Bicep read it)."""
    return text.split("\n", 1)[0][:MAX_EXCERPT]


class FileTooLarge(ParseError):
    """A file another file refers to is over ``--max-file-size``: reported as skipped."""


def diagnostic_kind(error: ParseError) -> str:
    """The kind of diagnostic a ``ParseError`` from reading a file is reported as."""
    return "file-skipped" if isinstance(error, FileTooLarge) else "parse-error"


def check_file_size(path: str, limit: int) -> None:
    """Raise ``FileTooLarge`` for a file that another file refers to (a module, a template, a
    sibling in a Terraform folder) when it is larger than ``--max-file-size`` (0: no limit),
    before any of it is read: the limit the files named on the command line have."""
    if not limit:
        return
    size = os.stat(path).st_size
    if size > limit:
        raise FileTooLarge(
            f"file skipped: {_size(size)} is over the --max-file-size limit of {_size(limit)}", 1
        )


def _size(size: int) -> str:
    """A file size as the engine's messages give it: bytes, KB or MB (of 1024)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if round(size / 1024, 1) < 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1048576:.1f} MB"
