"""ARM templates: pools as resources, nested children, nested deployments and copy loops.

A file is an ARM template when its ``$schema`` names a deployment template, or when it has
``resources`` beside ``contentVersion`` or ``parameters``. A parameters file by itself holds no
pools, unless its values carry whole pool definitions (as module test files do). Parameter
values come from ``--parameters`` files, then ``<name>.parameters.json`` beside the template,
then ``defaultValue``.
"""

from __future__ import annotations

import os

from batchlint.extract import pool_from_arm_properties
from batchlint.hookspecs import hookimpl
from batchlint.log import get as get_logger
from batchlint.model import Diagnostic, Location, Pool, ReadResult, Value
from batchlint.reader import (
    ParseError,
    ReadContext,
    SourceFile,
    looks_relevant,
    parse_json,
    parse_json_file,
    parse_json_leniently,
)
from batchlint.readers.armexpr import MAX_EXPANDED, Scope, evaluate, relabel
from batchlint.values import Lit, Node, Unknown, get, is_list, is_obj, to_value

log = get_logger(__name__)

POOL_TYPE = "microsoft.batch/batchaccounts/pools"
ACCOUNT_TYPE = "microsoft.batch/batchaccounts"
DEPLOYMENT_TYPE = "microsoft.resources/deployments"
MAX_COPIES = 1000
MAX_NESTING = 16


def is_template(root: Node) -> bool:
    if not is_obj(root):
        return False
    schema = get(root, "$schema")
    if isinstance(schema, Lit) and isinstance(schema.value, str):
        return "deploymenttemplate" in schema.value.lower()
    keys = {k.lower() for k in root.value}
    return "resources" in keys and bool(keys & {"contentversion", "parameters", "variables"})


def is_parameters_file(root: Node) -> bool:
    if not is_obj(root):
        return False
    schema = get(root, "$schema")
    if isinstance(schema, Lit) and isinstance(schema.value, str):
        return "deploymentparameters" in schema.value.lower()
    return False


def parameter_files_for(path: str) -> list[str]:
    """The ``<name>.parameters.json`` files that sit beside a template."""
    folder, name = os.path.split(path)
    stem = name.rsplit(".", 1)[0]
    found = []
    for candidate in (f"{stem}.parameters.json", f"{stem}.parameters.jsonc"):
        full = os.path.join(folder, candidate)
        if os.path.isfile(full):
            found.append(full)
    return found


def template_for(path: str) -> str | None:
    """The ARM template a ``<name>.parameters.json`` file belongs to, when it is beside it."""
    folder, name = os.path.split(path)
    low = name.lower()
    for suffix in (".parameters.json", ".parameters.jsonc"):
        if low.endswith(suffix):
            stem = name[: -len(suffix)]
            for candidate in (f"{stem}.json", f"{stem}.jsonc"):
                full = os.path.join(folder, candidate)
                if os.path.isfile(full):
                    return full
    return None


class ArmReader:
    name = "arm"
    suffixes = (".json", ".jsonc")
    priority = 30

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        through = _reported_through_bicep(source.path, ctx)
        if through is not None:
            log.debug("%s: reported through %s", source.path, ctx.display_path(through))
            return ReadResult()
        try:
            root, _ = parse_json(source, ctx)
        except ParseError:
            lenient = parse_json_leniently(source, ctx)
            if lenient is None:
                if looks_relevant(source):
                    raise
                return ReadResult()
            if is_template(lenient) or is_parameters_file(lenient) or is_rest_example(lenient):
                raise
            return None  # JSONC that is not a template: another reader may know it
        if is_parameters_file(root):
            result = read_parameters_file(root, source)
            if not result.pools:
                result = self._template_of(source, ctx) or result
            return result
        if is_rest_example(root):
            return read_rest_example(root, source)
        if not is_template(root):
            return None
        files = list(ctx.options.parameter_files) or parameter_files_for(source.path)
        return self._template(root, source.path, files, ctx)

    def _template(self, root: Node, path: str, files: list[str], ctx: ReadContext) -> ReadResult:
        result = ReadResult()
        params, used = self._parameter_values(files, ctx, result, path, root)
        result.depends_on.extend(used)
        scope = template_scope(root, params, path)
        walk_template(root, scope, "arm", result, depth=0)
        return result

    def _template_of(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        """A parameters file named alone: lint the template beside it with these values, as a
        deployment of the pair would. When the template is read in this run anyway, it picks
        the parameters file up itself."""
        template = template_for(source.path)
        if template is None or os.path.abspath(template) in ctx.inputs:
            return None
        display = ctx.display_path(template)
        try:
            root, _ = parse_json_file(template, display, ctx)
        except (OSError, ParseError):
            return None  # the template's own problems are reported when it is linted
        if not is_template(root):
            return None
        return self._template(root, display, [source.path], ctx)

    def _parameter_values(
        self, files: list[str], ctx: ReadContext, result: ReadResult, template: str, root: Node
    ):
        values: dict[str, Node] = {}
        used = []
        for path in files:
            display = ctx.display_path(path)
            if path.lower().endswith(".bicepparam"):
                from batchlint.readers.bicepdeploy import parameters_file_values

                given = parameters_file_values(ctx, path, display, result, template, root)
                values.update((name.lower(), value) for name, value in given.items())
                continue
            try:
                root, _ = parse_json_file(path, display, ctx)
            except OSError as exc:
                result.diagnostics.append(
                    Diagnostic(
                        "parse-error",
                        Location(display, 1),
                        f"cannot read parameters file: {exc.strerror}",
                    )
                )
                continue
            except ParseError as exc:
                result.diagnostics.append(
                    Diagnostic("parse-error", Location(display, exc.line, exc.column), exc.message)
                )
                continue
            used.append(display)
            params = get(root, "parameters")
            if not is_obj(params):
                # A deployment refuses it too; its values are not used.
                where = root.loc or Location(display, 1)
                result.diagnostics.append(
                    Diagnostic(
                        "parse-error",
                        Location(display, where.line, where.column),
                        'not a parameters file: it has no "parameters" object, so none of '
                        "its values is used",
                    )
                )
                continue
            for name, entry in params.value.items():
                values[name.lower()] = _parameter_file_value(name, entry, display)
        return values, used


def _reported_through_bicep(path: str, ctx: ReadContext) -> str | None:
    """The Bicep input that uses this template (as a module, or by a .bicepparam file's
    ``using``), which reports its pools with the values it passes; None if there is none."""

    def any_bicep(_) -> bool:
        return any(p.lower().endswith((".bicep", ".bicepparam")) for p in ctx.inputs)

    if not ctx.cached("bicep-inputs", ".", any_bicep):
        return None  # and the Bicep reader's modules are not loaded
    from batchlint.readers import bicepfiles

    return bicepfiles.reported_through(ctx).get(os.path.abspath(path))


def _parameter_file_value(name: str, entry: Node, display: str) -> Node:
    if get(entry, "reference") is not None:
        return Unknown(f"parameter {name!r} is a Key Vault reference in {display}", entry.loc)
    value = get(entry, "value")
    if value is None:
        return Unknown(f"parameter {name!r} in {display} has no value", entry.loc)
    return relabel(value, f"parameters file {display}")


def template_scope(
    root: Node, overrides: dict[str, Node], path: str, outer: Scope | None = None
) -> Scope:
    """The scope of a template: its parameters (with overrides) and variables."""
    declared = get(root, "parameters")
    getters = {}
    holder: list[Scope] = []
    if is_obj(declared):
        for name, decl in declared.value.items():
            getters[name] = _parameter_getter(name, decl, overrides, holder)
    variables = get(root, "variables")
    scope = Scope(getters, dict(variables.value) if is_obj(variables) else {})
    holder.append(scope)
    return scope


def _parameter_getter(name: str, decl: Node, overrides: dict[str, Node], holder: list):
    cache: list[Node] = []

    def getter() -> Node:
        if cache:
            return cache[0]
        cache.append(Unknown(f"parameter {name!r} refers to itself", decl.loc))
        if name.lower() in overrides:
            value = overrides[name.lower()]
        else:
            default = get(decl, "defaultValue")
            if default is None:
                value = Unknown(
                    f"parameter {name!r} has no default and no parameters file sets it",
                    decl.loc,
                )
            else:
                value = relabel(evaluate(default, holder[0]), f"default of parameter {name}")
        cache[0] = value
        return value

    return getter


def walk_template(root: Node, scope: Scope, fmt: str, result: ReadResult, depth: int) -> None:
    resources = get(root, "resources")
    if is_obj(resources):  # languageVersion 2.0: symbolic names
        items = list(resources.value.values())
    elif is_list(resources):
        items = resources.value
    else:
        return
    accounts = _account_regions(items, scope)
    for resource in items:
        if is_obj(resource):
            _resource(resource, scope, fmt, result, depth, parent_account=None, accounts=accounts)


def _type(resource: Node, scope: Scope) -> str:
    node = evaluate(get(resource, "type"), scope)
    return node.value.lower() if isinstance(node, Lit) and isinstance(node.value, str) else ""


def _resource(resource, scope, fmt, result, depth, parent_account, accounts=None) -> None:
    if _is_existing(resource):
        return
    kind = _type(resource, scope)
    if parent_account is not None and kind in ("pools", POOL_TYPE):
        _pools(resource, scope, fmt, result, region=_region(parent_account, scope))
        return
    if parent_account is None and kind == POOL_TYPE:
        _pools(resource, scope, fmt, result, accounts=accounts)
        return
    if kind == ACCOUNT_TYPE:
        children = get(resource, "resources")
        if is_list(children):
            for child in children.value:
                if is_obj(child):
                    _resource(child, scope, fmt, result, depth, parent_account=resource)
        return
    if kind == DEPLOYMENT_TYPE:
        _nested_deployment(resource, scope, fmt, result, depth)


def _is_existing(resource: Node) -> bool:
    existing = get(resource, "existing")
    return isinstance(existing, Lit) and existing.value is True


def _copies(resource: Node, scope: Scope) -> list[Scope]:
    """The scope of each copy a resource's ``copy`` loop makes (``scope`` itself without one).

    An unknown count gives one copy whose copyIndex() is unknown. A count larger than
    ``MAX_COPIES`` gives the first ``MAX_COPIES`` copies and one more for the rest, whose
    copyIndex() is unknown with the reason: copies past the limit are not left out unseen.
    The same goes for copies past ``MAX_EXPANDED``, the budget one file's loops share.
    """
    copy = get(resource, "copy")
    if not is_obj(copy):
        scope.budget[0] -= 1
        return [scope]
    count = evaluate(get(copy, "count"), scope)
    if isinstance(count, Lit) and isinstance(count.value, int) and count.value >= 0:
        wanted = min(count.value, MAX_COPIES)
        allowed = min(wanted, max(scope.budget[0], 0))
        scope.budget[0] -= allowed
        scopes = [scope.with_copy_index(i) for i in range(allowed)]
        if allowed < wanted:
            scopes.append(scope.with_copy_index(None, _spent(allowed)))
        elif count.value > MAX_COPIES:
            reason = (
                f"copy count = {count.value} is more than batchlint expands ({MAX_COPIES}); "
                f"copies {MAX_COPIES} and later are not checked"
            )
            scopes.append(scope.with_copy_index(None, reason))
        return scopes
    if isinstance(count, Unknown):
        return [scope.with_copy_index(None, f"the copy count is unknown: {count.reason}")]
    return [scope.with_copy_index(None, "the copy count is not a whole number of 0 or more")]


def _spent(done: int) -> str:
    return (
        f"the file's loops make more copies than batchlint expands ({MAX_EXPANDED} in all); "
        f"copies {done} and later are not checked"
    )


def _region(account: Node, scope: Scope) -> Value | None:
    """The account's ``location``: the region whose supported-image list its pools get."""
    return to_value(evaluate(get(account, "location"), scope))


def _account_regions(items: list, scope: Scope) -> dict[str, Value | None]:
    """The regions of the accounts a template declares, by lower-case account name."""
    out = {}
    for resource in items:
        if not is_obj(resource) or _is_existing(resource):
            continue
        if _type(resource, scope) != ACCOUNT_TYPE:
            continue
        name = evaluate(get(resource, "name"), scope)
        if isinstance(name, Lit) and isinstance(name.value, str):
            out[name.value.lower()] = _region(resource, scope)
    return out


def _pools(resource, scope, fmt, result: ReadResult, region=None, accounts=None) -> None:
    condition = get(resource, "condition")
    for inner in _copies(resource, scope):
        name_node = evaluate(get(resource, "name"), inner)
        if isinstance(name_node, Unknown):
            name_node = evaluate(get(resource, "name"), inner.with_placeholders())
        properties = evaluate(get(resource, "properties"), inner)
        name = _name(name_node)
        cond_text = None
        if condition is not None:
            cond = evaluate(condition, inner)
            if isinstance(cond, Lit) and cond.value is False:
                log.debug("pool %s skipped: condition is false", name)
                continue
            cond_text = str(condition.value) if isinstance(condition, Lit) else "unknown"
        if region is None and accounts and name and "/" in name:
            # A top-level pool named "account/pool" is in that account, when it is declared here.
            here = accounts.get(name.split("/", 1)[0].lower())
        else:
            here = region
        pool = pool_from_arm_properties(
            name, fmt, resource.loc, properties, condition=cond_text, region=here
        )
        result.pools.append(pool)


def _name(node: Node | None) -> str | None:
    if isinstance(node, Lit) and node.value is not None:
        return str(node.value)
    if isinstance(node, Unknown):
        return None
    return None


def _nested_deployment(resource, scope: Scope, fmt, result, depth) -> None:
    if depth >= MAX_NESTING:
        if resource.loc is not None and not any(
            d.location == resource.loc for d in result.diagnostics
        ):
            result.diagnostics.append(
                Diagnostic(
                    "parse-error",
                    resource.loc,
                    f"deployments nested deeper than {MAX_NESTING} levels are not read; "
                    "pools inside this one are not checked",
                )
            )
        return
    props = get(resource, "properties")
    template = get(props, "template")
    if not is_obj(template):
        return  # a linked template (templateLink) is not fetched
    inner_scope_mode = get(get(props, "expressionEvaluationOptions"), "scope")
    inner = isinstance(inner_scope_mode, Lit) and str(inner_scope_mode.value).lower() == "inner"
    for outer in _copies(resource, scope):
        if scope.budget[0] <= 0 and outer.copy_index is not None:
            # Out of copies: the rest of this loop is read once, with copyIndex() unknown.
            outer = scope.with_copy_index(None, _spent(outer.copy_index))
        if inner:
            passed = {}
            params = get(props, "parameters")
            if is_obj(params):
                for name, entry in params.value.items():
                    value = get(entry, "value")
                    if value is not None:
                        passed[name.lower()] = evaluate(value, outer)
                    elif get(entry, "reference") is not None:
                        passed[name.lower()] = Unknown(
                            f"parameter {name!r} is a Key Vault reference", entry.loc
                        )
            inner_scope = template_scope(template, passed, "")
            inner_scope.budget = scope.budget
            walk_template(template, inner_scope, fmt, result, depth + 1)
        else:
            walk_template(template, outer, fmt, result, depth + 1)
        if outer.copy_index is None and scope.budget[0] <= 0:
            break


def read_parameters_file(root: Node, source: SourceFile) -> ReadResult:
    """A parameters file whose values hold whole pool definitions (``name`` plus properties).

    Module test files pass pools this way (``pools: {value: [{name, vmSize,
    deploymentConfiguration}]}``); any other parameters file gives no pools.
    """
    result = ReadResult()
    params = get(root, "parameters")
    if not is_obj(params):
        return result
    for entry in params.value.values():
        value = get(entry, "value")
        items = value.value if is_list(value) else [value] if is_obj(value) else []
        for item in items:
            if not is_obj(item):
                continue
            props = get(item, "properties") if is_obj(get(item, "properties")) else item
            if get(props, "deploymentConfiguration") is None:
                continue
            pool: Pool = pool_from_arm_properties(
                _name(get(item, "name")), "arm-parameters", item.loc, props
            )
            result.pools.append(pool)
    return result


def is_rest_example(root: Node) -> bool:
    """A REST specification example: ``{"parameters": {...}, "responses": {...}}``."""
    return is_obj(get(root, "responses")) and is_obj(get(get(root, "parameters"), "parameters"))


def read_rest_example(root: Node, source: SourceFile) -> ReadResult:
    """The pool in a Pool - Create example's request; the responses echo it and are skipped."""
    result = ReadResult()
    params = get(root, "parameters")
    body = get(params, "parameters")
    props = get(body, "properties")
    if not is_obj(props) or get(props, "deploymentConfiguration") is None:
        return result
    name = _name(get(params, "poolName"))
    result.pools.append(pool_from_arm_properties(name, "arm-rest-example", body.loc, props))
    return result


@hookimpl
def batchlint_readers():
    return [ArmReader()]
