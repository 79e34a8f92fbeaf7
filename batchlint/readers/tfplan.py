"""Terraform plan JSON (``terraform show -json plan``): pools as the plan would create them.

Pools come from ``planned_values`` only: the root module's resources and, recursively, each
``child_modules`` entry (one per module instance). ``resource_changes`` repeats the same
resources, and also lists pools being deleted; ``prior_state`` holds what exists today;
``configuration`` holds expressions, not values. None of them adds a pool. The one thing taken
from ``resource_changes`` is ``after_unknown``: a value known only after apply is left out of
``planned_values``, and ``after_unknown`` says it is unknown rather than absent.
"""

from __future__ import annotations

import json

from batchlint.extract import pool_from_arm_properties
from batchlint.log import get as get_logger
from batchlint.model import Pool, ReadResult
from batchlint.reader import ParseError, ReadContext, SourceFile, parse_json
from batchlint.readers.terraform_pool import is_azapi_pool_type, pool_from_azurerm
from batchlint.values import Lit, Node, Unknown, get, is_list, is_obj, to_value

log = get_logger(__name__)

FORMAT = "terraform-plan"
MAX_DEPTH = 64


def read_plan_file(source: SourceFile, ctx: ReadContext) -> ReadResult | None:
    """The pools of a JSON file that is plan output, or None for any other JSON."""
    try:
        root, _ = parse_json(source, ctx)
    except ParseError:
        return None  # not ours to report: the JSON readers after this one will
    return read_plan(root) if is_plan(root) else None


def is_plan(root: Node) -> bool:
    """Whether a JSON document is ``terraform show -json`` output for a plan."""
    return (
        is_obj(root)
        and get(root, "format_version", ignore_case=False) is not None
        and is_obj(get(root, "planned_values", ignore_case=False))
    )


def read_plan(root: Lit) -> ReadResult:
    result = ReadResult()
    unknown_marks = _after_unknown(root)
    resources = list(_planned_resources(get(root, "planned_values"), 0))
    locations = _account_locations(resources)
    for resource in resources:
        pool = _pool(resource, unknown_marks, locations)
        if pool is not None:
            result.pools.append(pool)
    return result


def _planned_resources(values: Node | None, depth: int):
    if depth > MAX_DEPTH:
        return
    module = get(values, "root_module") if depth == 0 else values
    items = get(module, "resources")
    if is_list(items):
        yield from (r for r in items.value if is_obj(r))
    children = get(module, "child_modules")
    if is_list(children):
        for child in children.value:
            yield from _planned_resources(child, depth + 1)


def _text(node: Node | None) -> str | None:
    if isinstance(node, Lit) and isinstance(node.value, str):
        return node.value
    return None


def _after_unknown(root: Node) -> dict[str, Node]:
    marks: dict[str, Node] = {}
    changes = get(root, "resource_changes")
    if not is_list(changes):
        return marks
    for change in changes.value:
        address = _text(get(change, "address"))
        after = get(get(change, "change"), "after_unknown")
        if address and is_obj(after):
            marks[address] = after
    return marks


def _account_locations(resources: list[Node]) -> dict[str, Node]:
    found = {}
    for resource in resources:
        if _text(get(resource, "type")) == "azurerm_batch_account":
            values = get(resource, "values")
            name = _text(get(values, "name"))
            location = get(values, "location")
            if name and isinstance(location, Lit) and isinstance(location.value, str):
                found[name] = location
    return found


def _pool(resource: Node, marks: dict[str, Node], locations: dict[str, Node]) -> Pool | None:
    if _text(get(resource, "mode")) not in (None, "managed"):
        return None
    kind = _text(get(resource, "type"))
    address = _text(get(resource, "address")) or ""
    values = get(resource, "values")
    if not is_obj(values):
        return None
    values = _overlay(values, marks.get(address), "", resource.loc)
    name = _text(get(values, "name"))
    if kind == "azurerm_batch_pool":
        account = _text(get(values, "account_name"))
        region = to_value(locations.get(account)) if account else None
        return pool_from_azurerm(name or address, FORMAT, resource.loc, values, region=region)
    if kind == "azapi_resource" and is_azapi_pool_type(get(values, "type")):
        body = get(values, "body")
        if isinstance(body, Lit) and isinstance(body.value, str):
            body = _decoded(body)
        return pool_from_arm_properties(
            name or address, FORMAT, resource.loc, get(body, "properties")
        )
    return None


def _overlay(values: Node | None, marks: Node | None, path: str, parent) -> Node | None:
    """``values`` with every part that ``after_unknown`` marks replaced by ``Unknown``.

    A value left out of ``values`` is placed at the object that would hold it.
    """
    if marks is None or isinstance(values, Unknown):
        return values
    where = values.loc if values is not None else parent
    if isinstance(marks, Lit) and marks.value is True:
        return Unknown(f"known after apply: {path} is in after_unknown", where)
    if is_obj(marks) and (values is None or is_obj(values)):
        base = dict(values.value) if values is not None else {}
        for key, mark in marks.value.items():
            child = _overlay(base.get(key), mark, f"{path}.{key}" if path else key, where)
            if child is not None:
                base[key] = child
        return Lit(base, where)
    if is_list(marks) and is_list(values):
        items = list(values.value)
        for i, mark in enumerate(marks.value):
            if i < len(items):
                items[i] = _overlay(items[i], mark, f"{path}[{i}]", where)
        return Lit(items, where)
    return values


def _decoded(node: Lit) -> Node:
    """A JSON body given as a string (older azapi versions): every value placed at the string."""
    try:
        data = json.loads(node.value)
    except ValueError:
        return Unknown("the azapi body is not valid JSON", node.loc)

    def build(value) -> Lit:
        if isinstance(value, dict):
            return Lit({k: build(v) for k, v in value.items()}, node.loc)
        if isinstance(value, list):
            return Lit([build(v) for v in value], node.loc)
        return Lit(value, node.loc)

    return build(data)
