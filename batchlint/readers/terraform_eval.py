"""One instance of a Terraform module: what ``var``, ``local`` and resource names mean in it.

A ``ModuleInstance`` is the evaluation ``Context`` for the expressions of one module folder
called with one set of input values (the root module with tfvars, or a child module with the
arguments of one instance of its ``module`` block). Variables and locals are evaluated on first
use and kept. A reference to another resource gives the value of that resource's argument as
written in its configuration, which ``terraform plan`` knows too; an attribute the
configuration does not set (``id``, and anything else the provider computes) is unknown until
apply.
"""

from __future__ import annotations

import os

from batchlint.log import get as get_logger
from batchlint.readers import hcl
from batchlint.readers.hclexpr import (
    EvalError,
    NoReferences,
    Scope,
    apply_step,
    evaluate,
    items_of,
    relabel,
    to_number,
    to_string,
)
from batchlint.readers.hcltypes import convert
from batchlint.readers.terraform_config import ModuleConfig, Resource
from batchlint.values import Lit, Node, Unknown

log = get_logger(__name__)

#: Arguments of a resource block that are Terraform's, not the provider's.
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
#: Arguments of a module block that are not input variables.
MODULE_META_ARGUMENTS = META_ARGUMENTS | {"source", "version", "providers"}
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
MAX_INSTANCES = 1000


class ModuleInstance:
    """The evaluation context of one module instance."""

    def __init__(
        self,
        config: ModuleConfig,
        inputs: dict[str, Node],
        *,
        label: str = "root module",
        missing: str = "no default and no tfvars file or --var sets it",
    ) -> None:
        self.config = config
        self.inputs = inputs
        self.label = label
        self.missing = missing
        self._variables: dict[str, Node] = {}
        self._locals: dict[str, Node] = {}
        self._busy: set = set()
        self._accounts: dict[str, Node] | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self)

    def account_locations(self) -> dict[str, Node]:
        """The ``location`` of each ``azurerm_batch_account`` instance here, by account name."""
        if self._accounts is None:
            self._accounts = {}
            for resource in self.config.resources.values():
                if resource.mode != "resource" or resource.type != "azurerm_batch_account":
                    continue
                name_attr = resource.body.attributes.get("name")
                place_attr = resource.body.attributes.get("location")
                if name_attr is None or place_attr is None:
                    continue
                for _key, scope in instances(resource.body, self.scope):
                    name = evaluate(name_attr.expr, scope)
                    place = evaluate(place_attr.expr, scope)
                    if isinstance(name, Lit) and isinstance(name.value, str):
                        self._accounts.setdefault(name.value, place)
        return self._accounts

    # -- names ----------------------------------------------------------------------------

    def variable(self, name: str, loc) -> Node:
        if name in self._variables:
            return self._variables[name]
        decl = self.config.variables.get(name)
        if decl is None:
            raise EvalError(f"variable {name!r} is not declared in {self.label}", loc)
        if name in self.inputs:
            value = self.inputs[name]
        elif decl.default is not None:
            default = evaluate(decl.default, Scope(NoReferences()))
            value = relabel(default, f"default of variable {name}")
        else:
            value = Unknown(f"variable {name!r} has {self.missing}", decl.loc)
        value = convert(value, decl.type, f"variable {name}")
        self._variables[name] = value
        return value

    def local(self, name: str, loc) -> Node:
        if name in self._locals:
            return self._locals[name]
        attr = self.config.locals.get(name)
        if attr is None:
            raise EvalError(f"local value {name!r} is not declared in {self.label}", loc)
        key = ("local", name)
        if key in self._busy:
            return Unknown(f"local value {name!r} refers to itself", attr.loc)
        self._busy.add(key)
        try:
            value = relabel(evaluate(attr.expr, self.scope), f"local {name}")
        finally:
            self._busy.discard(key)
        self._locals[name] = value
        return value

    def reference(self, root: hcl.Ref, steps: list, scope: Scope) -> tuple[Node, int]:
        name = root.name
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if name in ("var", "local"):
            if first is None:
                raise EvalError(f"{name} must be followed by a name", root.loc)
            getter = self.variable if name == "var" else self.local
            return getter(first, root.loc), 1
        if name in ("each", "count"):
            where = "for_each" if name == "each" else "count"
            raise EvalError(f"{name} is only available where {where} is set", root.loc)
        if name == "path":
            folder = os.path.relpath(self.config.folder) if first != "cwd" else "."
            return Lit(folder.replace(os.sep, "/"), root.loc), 1
        if name == "terraform":
            return Lit("default", root.loc), len(steps)
        if name == "module":
            what = f"module.{first}" if first else "module"
            return Unknown(f"outputs of {what} are not evaluated", root.loc), len(steps)
        if name == "data":
            address = ".".join(["data"] + [str(s[1]) for s in steps[:2] if s[0] == "attr"])
            return Unknown(f"data source {address} is read during plan", root.loc), len(steps)
        if name == "self":
            return Unknown("self is known only during provisioning", root.loc), len(steps)
        if first is None:
            raise EvalError(f"unknown name {name!r}", root.loc)
        return self._resource_attribute(name, first, steps[1:], root), len(steps)

    def _resource_attribute(self, type_name: str, name: str, steps: list, root) -> Node:
        address = f"{type_name}.{name}"
        resource = self.config.resource(type_name, name)
        if resource is None:
            raise EvalError(f"reference to undeclared resource {address}", root.loc)
        body = resource.body
        repeated = "count" in body.attributes or "for_each" in body.attributes
        scope = self.scope
        if repeated:
            if not steps or steps[0][0] != "index":
                return Unknown(f"{address} has several instances; an index is needed", root.loc)
            scope = self._instance_scope(resource, steps[0][1], root)
            if isinstance(scope, Unknown):
                return scope
            address += f"[{_key_text(steps[0][1])}]"
            steps = steps[1:]
        if not steps or steps[0][0] != "attr":
            return Unknown(f"the whole of {address} is known only after apply", root.loc)
        attr_name = steps[0][1]
        value = self._configured(resource, attr_name, scope, address, root.loc)
        for step in steps[1:]:
            value = apply_step(value, step)
        return value

    def _configured(self, resource: Resource, attr: str, scope: Scope, address: str, loc) -> Node:
        key = ("resource", address, attr)
        unknown = Unknown(
            f"attribute of another resource: {address}.{attr} is known only after apply", loc
        )
        if key in self._busy:
            return unknown
        written = resource.body.attributes.get(attr)
        has_block = any(
            b.type == attr or (b.type == "dynamic" and b.labels[:1] == [attr])
            for b in resource.body.blocks
        )
        if written is None and not has_block:
            return unknown
        self._busy.add(key)
        try:
            if written is not None:
                return evaluate(written.expr, scope)
            return eval_body(resource.body, scope, resource.loc).value.get(attr, unknown)
        finally:
            self._busy.discard(key)

    def _instance_scope(self, resource: Resource, key: Node, root) -> Scope | Unknown:
        if isinstance(key, Unknown):
            return key
        for instance_key, scope in instances(resource.body, self.scope):
            if isinstance(instance_key, Unknown):
                return instance_key
            if instance_key.value == key.value or str(instance_key.value) == str(key.value):
                return scope
        return Unknown(f"{resource.address} has no instance [{_key_text(key)}]", root.loc)


def _key_text(key: Node) -> str:
    if isinstance(key, Lit) and isinstance(key.value, str):
        return f'"{key.value}"'
    return str(key.value) if isinstance(key, Lit) else "?"


# -- repetition and bodies ---------------------------------------------------------------------


def instances(body: hcl.Body, scope: Scope) -> list[tuple[Node, Scope]]:
    """The instances ``count`` or ``for_each`` make of a block: (instance key, scope) pairs.

    An unknown count or for_each gives one instance whose key is ``Unknown``, so the values
    that depend on it stay unknown instead of the pool disappearing. So does a count or
    for_each larger than ``MAX_INSTANCES``, for the instances past the first
    ``MAX_INSTANCES``: they are one more instance whose key and loop values are ``Unknown``
    with that reason, not left out.
    """
    count = body.attributes.get("count")
    for_each = body.attributes.get("for_each")
    if count is not None:
        value = evaluate(count.expr, scope)
        if isinstance(value, Unknown):
            reason = Unknown(f"count is unknown: {value.reason}", value.loc)
            return [(reason, scope.bind(count=reason))]
        try:
            number = int(to_number(value, count.loc))
        except EvalError as exc:
            reason = Unknown(exc.message, count.loc)
            return [(reason, scope.bind(count=reason))]
        except (OverflowError, ValueError):  # infinity or NaN
            shown = to_number(value, count.loc)
            reason = Unknown(f"count = {shown} is not a whole number", count.loc)
            return [(reason, scope.bind(count=reason))]
        out = []
        for i in range(min(max(number, 0), MAX_INSTANCES)):
            index = Lit(i, count.loc)
            out.append((index, scope.bind(count=Lit({"index": index}, count.loc))))
        if number > MAX_INSTANCES:
            rest = Unknown(
                f"count = {number} is more than batchlint expands ({MAX_INSTANCES}); "
                f"instances {MAX_INSTANCES} and later are not checked",
                count.loc,
            )
            out.append((rest, scope.bind(count=rest)))
        return out
    if for_each is not None:
        value = evaluate(for_each.expr, scope)
        if isinstance(value, Unknown):
            reason = Unknown(f"for_each is unknown: {value.reason}", value.loc)
            return [(reason, scope.bind(each=reason))]
        if isinstance(value.value, list):
            # A set of strings: each.key and each.value are the element, in lexical order.
            keyed = {}
            for item in value.value:
                if isinstance(item, Unknown):
                    reason = Unknown(f"for_each is unknown: {item.reason}", item.loc)
                    return [(reason, scope.bind(each=reason))]
                try:
                    keyed[to_string(item, for_each.loc)] = item
                except EvalError as exc:  # a list of objects: terraform rejects it too
                    reason = Unknown(f"for_each is not a set of strings: {exc.message}", item.loc)
                    return [(reason, scope.bind(each=reason))]
            value = Lit(keyed, value.loc)
        try:
            pairs = items_of(value, for_each.loc, limit=None)
        except EvalError as exc:
            reason = Unknown(exc.message, for_each.loc)
            return [(reason, scope.bind(each=reason))]
        out = [
            (key, scope.bind(each=Lit({"key": key, "value": item}, for_each.loc)))
            for key, item in pairs[:MAX_INSTANCES]
        ]
        if len(pairs) > MAX_INSTANCES:
            rest = Unknown(_past_the_cap("for_each", pairs), for_each.loc)
            out.append((rest, scope.bind(each=rest)))
        return out
    return [(Lit(None, None), scope)]


def eval_body(body: hcl.Body, scope: Scope, loc, top: bool = True) -> Lit:
    """A block's arguments and nested blocks as one object; nested blocks become lists."""
    out: dict[str, Node] = {}
    for name, attr in body.attributes.items():
        if not top or name not in META_ARGUMENTS:
            out[name] = evaluate(attr.expr, scope)
    for block in body.blocks:
        if block.broken or block.type in _META_BLOCKS:
            continue
        if block.type == "dynamic" and block.labels:
            name = block.labels[0]
            made = _dynamic(block, scope)
            if isinstance(made, Unknown):
                out[name] = made
                continue
            items = made
        else:
            name = block.type
            items = [eval_body(block.body, scope, block.loc, top=False)]
        current = out.get(name)
        if isinstance(current, Unknown):
            continue
        if current is None or not isinstance(current.value, list):
            current = out[name] = Lit([], block.loc)
        current.value.extend(items)
    return Lit(out, loc)


def _dynamic(block: hcl.Block, scope: Scope) -> list[Lit] | Unknown:
    label = block.labels[0]
    for_each = block.body.attributes.get("for_each")
    iterator = block.body.attributes.get("iterator")
    name = iterator.expr.name if iterator and isinstance(iterator.expr, hcl.Ref) else label
    contents = [b for b in block.body.blocks if b.type == "content" and not b.broken]
    if for_each is None or not contents:
        return []
    value = evaluate(for_each.expr, scope)
    if isinstance(value, Unknown):
        return Unknown(f"dynamic {label!r} for_each is unknown: {value.reason}", value.loc)
    try:
        pairs = items_of(value, for_each.loc, limit=None)
    except EvalError as exc:
        return Unknown(f"dynamic {label!r}: {exc.message}", for_each.loc)
    out = []
    for key, item in pairs[:MAX_INSTANCES]:
        inner = scope.bind(**{name: Lit({"key": key, "value": item}, block.loc)})
        out.append(eval_body(contents[0].body, inner, contents[0].loc, top=False))
    if len(pairs) > MAX_INSTANCES:
        # One block stands for the rest, its iterator unknown: they are not dropped unseen.
        rest = Unknown(_past_the_cap(f"dynamic {label!r} for_each", pairs), for_each.loc)
        inner = scope.bind(**{name: rest})
        out.append(eval_body(contents[0].body, inner, contents[0].loc, top=False))
    return out


def _past_the_cap(what: str, pairs: list[tuple[Node, Node]]) -> str:
    """Why the elements of a ``for_each`` past ``MAX_INSTANCES`` are unknown."""
    first = _key_text(pairs[MAX_INSTANCES][0])
    return (
        f"{what} has {len(pairs)} elements, more than batchlint expands ({MAX_INSTANCES}); "
        f"the instances from key {first} on are not checked"
    )
