"""Positioned values: what parsers give and what expression evaluators compute.

Every reader works on the same two shapes. ``Lit`` is a known value with the place its literal
is written and a short origin ("default of parameter imageSku"); objects and arrays hold
``Lit`` or ``Unknown`` children, so each leaf keeps its own place after evaluation. ``Unknown``
is a value that cannot be known statically, with the reason.
"""

from __future__ import annotations

from typing import Any

from batchlint.model import Location, Value


class Lit:
    """A known value: a scalar, or a dict / list of ``Node`` children."""

    __slots__ = ("value", "loc", "origin")

    def __init__(self, value: Any, loc: Location | None, origin: str = "literal") -> None:
        self.value = value
        self.loc = loc
        self.origin = origin

    def __repr__(self) -> str:
        return f"Lit({self.value!r}, {self.loc})"

    def with_origin(self, origin: str) -> Lit:
        """The same literal, credited to another origin (only when it had the plain one)."""
        if self.origin != "literal":
            return self
        return Lit(self.value, self.loc, origin)


class Unknown:
    """A value that cannot be known without deploying, with the reason."""

    __slots__ = ("reason", "loc")

    def __init__(self, reason: str, loc: Location | None = None) -> None:
        self.reason = reason
        self.loc = loc

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r}, {self.loc})"


Node = Lit | Unknown


def is_obj(node: Node | None) -> bool:
    return isinstance(node, Lit) and isinstance(node.value, dict)


def is_list(node: Node | None) -> bool:
    return isinstance(node, Lit) and isinstance(node.value, list)


def get(node: Node | None, key: str, *, ignore_case: bool = True) -> Node | None:
    """A child of an object node by key (ARM property names ignore case), or None.

    An unknown object gives an unknown child with the same reason, so a missing value under an
    unresolved parameter is reported as unresolved rather than absent.
    """
    if isinstance(node, Unknown):
        return node
    if not is_obj(node):
        return None
    obj = node.value
    if key in obj:
        return obj[key]
    if ignore_case:
        low = key.lower()
        for name, child in obj.items():
            if name.lower() == low:
                return child
    return None


def get_path(node: Node | None, *keys: str) -> Node | None:
    for key in keys:
        node = get(node, key)
        if node is None:
            return None
    return node


def first(node: Node | None, *keys: str) -> Node | None:
    """The first of several spellings of a key that the object has."""
    for key in keys:
        child = get(node, key)
        if child is not None:
            return child
    return None


def plain(node: Node | None) -> Any:
    """The node as plain Python data; unknown leaves become ``Unknown`` objects."""
    if node is None or isinstance(node, Unknown):
        return node
    value = node.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def is_null(node: Node | None) -> bool:
    """Absent, JSON null, or an empty string: all mean "not set" for an optional field."""
    return node is None or (isinstance(node, Lit) and (node.value is None or node.value == ""))


def to_value(node: Node | None, *, fallback: Location | None = None) -> Value | None:
    """The model ``Value`` for a scalar field; None when the field is not set."""
    if node is None:
        return None
    if isinstance(node, Unknown):
        return Value.unknown(node.reason, node.loc or fallback)
    value = node.value
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        kind = "an object" if isinstance(value, dict) else "an array"
        return Value.unknown(f"expected a string, found {kind}", node.loc or fallback)
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, float)):
        # YAML reads ``sku: 2204`` as a number; Batch reads it as the string "2204".
        value = str(value)
    return Value(value, node.loc or fallback, node.origin)


def hashable(value: Any) -> Any:
    """A key that is equal for equal plain values (see ``plain``): arrays become tuples and
    objects frozen sets of their items, so that values can be looked up in a set."""
    if isinstance(value, dict):
        return frozenset((k, hashable(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    return value


def unique(items, key_of) -> list:
    """``items`` without repeats, first ones kept, where two are the same when ``key_of`` gives
    equal plain values. Linear in the items (``union`` and ``distinct`` of large arrays would
    otherwise take the square of their length)."""
    out, seen, others = [], set(), []
    for item in items:
        key = key_of(item)
        try:
            marker = hashable(key)
            if marker in seen:
                continue
            seen.add(marker)
        except TypeError:  # an unhashable leaf: compared one by one, as before
            if any(key == other for other in others):
                continue
            others.append(key)
        out.append(item)
    return out
