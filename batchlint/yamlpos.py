"""YAML with positions, read safely.

Documents are composed into nodes (no constructor runs, so tags such as ``!!python/object``
are inert text) and turned into ``Lit`` trees with the line and column of every value.
Aliases are expanded with a budget, so an alias bomb is an error instead of a hang.
"""

from __future__ import annotations

import yaml

from batchlint.model import Location
from batchlint.reader import ParseError
from batchlint.values import Lit

MAX_NODES = 200_000
MAX_DEPTH = 256

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
}


def parse(text: str, path: str) -> list[Lit]:
    """Every document in ``text`` as a ``Lit`` tree."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(f"{problem} (line {line}, column {column})", line, column) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", 1) from None
    except RecursionError:
        raise ParseError(f"YAML nested too deeply (more than {MAX_DEPTH} levels)", 1) from None
    budget = [MAX_NODES]
    return [_convert(node, path, budget, 0) for node in nodes if node is not None]


def _convert(
    node: yaml.Node, path: str, budget: list[int], depth: int, at: yaml.Mark | None = None
) -> Lit:
    budget[0] -= 1
    if budget[0] < 0:
        raise ParseError(
            f"YAML expands to more than {MAX_NODES} values (an alias bomb?)",
            node.start_mark.line + 1,
        )
    if depth > MAX_DEPTH:
        raise ParseError(f"YAML nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
    mark = at or node.start_mark
    loc = Location(path, mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        merged: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # ``<<: *base`` (or a list of them): the keys the mapping does not set itself.
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in reversed(sources):
                    if isinstance(source, yaml.MappingNode):
                        merged.update(_convert(source, path, budget, depth + 1).value)
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            # A block mapping or sequence starts on the line after its key; the key is the
            # place a reader looks for it (and where JSON puts the opening bracket).
            block = isinstance(value_node, yaml.CollectionNode) and not value_node.flow_style
            where = key_node.start_mark if block else None
            out[str(key)] = _convert(value_node, path, budget, depth + 1, where)
        if merged:
            out = {**merged, **out}
        return Lit(out, loc)
    if isinstance(node, yaml.SequenceNode):
        return Lit([_convert(item, path, budget, depth + 1) for item in node.value], loc)
    construct = _SCALARS.get(node.tag)
    if construct is not None:
        try:
            return Lit(construct(node), loc)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            pass  # a tag that does not fit its text (``!!bool 12``) stays text
    return Lit(node.value, loc)
