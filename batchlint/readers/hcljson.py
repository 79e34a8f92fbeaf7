"""Terraform's JSON syntax (``.tf.json``) turned into the same bodies as native HCL.

Blocks are JSON objects keyed by their labels (``resource.TYPE.NAME``), written as one object
or a list of objects; ``"//"`` keys are comments. Without the provider's schema a JSON property
cannot be told apart as an argument or a nested block, so every property of a resource becomes
an attribute; the pool reader accepts a nested block written either way. ``dynamic`` is the
exception, because it changes how many blocks there are.
"""

from __future__ import annotations

from batchlint.readers.hcl import Attribute, Block, Body, JsonValue
from batchlint.values import Lit, Node, is_list, is_obj

_TWO_LABELS = ("resource", "data")
_ONE_LABEL = ("variable", "module", "output")


def body_from_json(root: Node) -> Body:
    """The top-level body of a ``.tf.json`` file."""
    body = Body()
    if not is_obj(root):
        return body
    for kind, section in root.value.items():
        if kind in _TWO_LABELS:
            for type_name, named in _objects_by_key(section):
                for name, obj in _objects_by_key(named):
                    body.blocks.append(_block(kind, [type_name, name], obj))
        elif kind in _ONE_LABEL:
            for name, obj in _objects_by_key(section):
                body.blocks.append(_block(kind, [name], obj, literal=kind == "variable"))
        elif kind == "locals":
            for obj in _objects(section):
                body.blocks.append(_block("locals", [], obj))
    return body


def _objects(node: Node) -> list[Lit]:
    if is_obj(node):
        return [node]
    if is_list(node):
        return [item for item in node.value if is_obj(item)]
    return []


def _objects_by_key(node: Node) -> list[tuple[str, Lit]]:
    out = []
    for obj in _objects(node):
        for key, value in obj.value.items():
            if key == "//":
                continue
            for item in _objects(value) or ([value] if isinstance(value, Lit) else []):
                out.append((key, item))
    return out


def _block(kind: str, labels: list[str], obj: Lit, literal: bool = False) -> Block:
    return Block(kind, labels, _body(obj, literal), obj.loc)


def _body(obj: Lit, literal: bool = False) -> Body:
    body = Body()
    if not is_obj(obj):
        return body
    for key, value in obj.value.items():
        if key == "//":
            continue
        if key == "dynamic" and not literal:
            body.blocks.extend(_dynamic(value))
            continue
        # A variable's default and type are values, not templates.
        templates = not (literal and key in ("default", "type"))
        body.attributes[key] = Attribute(key, JsonValue(value, templates), value.loc)
    return body


def _dynamic(node: Node) -> list[Block]:
    blocks = []
    for label, spec in _objects_by_key(node):
        inner = _body(spec)
        content = spec.value.get("content") if is_obj(spec) else None
        inner.attributes.pop("content", None)
        for item in _objects(content):
            inner.blocks.append(Block("content", [], _body(item), item.loc))
        blocks.append(Block("dynamic", [label], inner, spec.loc))
    return blocks
