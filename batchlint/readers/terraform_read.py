"""Reading Terraform files: configuration folders, variables files and plan JSON.

Reading one file of a folder reads the whole folder as one module (variables, locals and
resources may sit in any of its files), with the variable values ``terraform plan`` would use;
the pools reported are those declared in that file, and those of the local modules its
``module`` blocks call. So are the syntax errors: those of the folder's other files are theirs,
reported when they are linted. ``.tfvars`` files are checked for syntax only. A folder that another
folder of the run calls as a module is read through that call, not as a root of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from batchlint.extract import pool_from_arm_properties
from batchlint.log import get as get_logger
from batchlint.model import Diagnostic, Location, Pool, ReadResult, Value
from batchlint.reader import ParseError, ReadContext, SourceFile, looks_relevant
from batchlint.readers import hcl
from batchlint.readers.hclexpr import NoReferences, Scope, evaluate, relabel
from batchlint.readers.limits import diagnostic_kind
from batchlint.readers.terraform_config import (
    CONFIG_SUFFIXES,
    ModuleCall,
    ModuleConfig,
    Resource,
    config_files,
    load_module,
)
from batchlint.readers.terraform_eval import (
    MODULE_META_ARGUMENTS,
    ModuleInstance,
    eval_body,
    instances,
)
from batchlint.readers.terraform_pool import is_azapi_pool_type, pool_from_azurerm
from batchlint.readers.terraform_vars import read_tfvars, root_inputs, tfvars_files
from batchlint.readers.tfplan import read_plan_file
from batchlint.values import Lit, Node, Unknown, get, to_value

log = get_logger(__name__)

FORMAT = "terraform"
VAR_SUFFIXES = (".tfvars", ".tfvars.json")
MAX_MODULE_DEPTH = 32
#: The most instances (pools and module calls) one file expands across all loops and modules.
MAX_EXPANDED = 10_000
_ACCOUNT_TYPES = ("azurerm_batch_account", "azapi_resource")
_RELEVANT = ("azurerm_batch", "microsoft.batch", "node_agent_sku_id")


def _relevant(source: SourceFile) -> bool:
    if source.explicit or looks_relevant(source):
        return True
    low = source.text[:1_000_000].lower()
    return any(word in low for word in _RELEVANT)


def _reported(ctx: ReadContext) -> set[str]:
    """Files whose syntax errors this run has already reported (each is reported once)."""
    return ctx.cached("terraform-reported", "", lambda _: set())


def _read_variables_file(source: SourceFile, ctx: ReadContext) -> ReadResult:
    result = ReadResult()
    path = source.abspath
    try:
        read_tfvars(path, ctx, source.path)  # what a root module using it would meet
        error = None
    except ParseError as exc:
        error = exc
    if error is not None and path not in _reported(ctx):
        _reported(ctx).add(path)
        result.diagnostics.append(_parse_diagnostic(source.path, error))
    return result


def _parse_diagnostic(display: str, error: ParseError) -> Diagnostic:
    where = Location(display, error.line, error.column)
    return Diagnostic(diagnostic_kind(error), where, error.message)


def _duplicates_in(config: ModuleConfig, path: str, ctx: ReadContext) -> list[Diagnostic]:
    """Terraform's "Duplicate resource configuration" errors of one file, each at the second
    definition and naming the first; once per run."""
    reported = ctx.cached("terraform-duplicates-reported", "", lambda _: set())
    if path in reported:
        return []
    reported.add(path)
    out = []
    for second, first in config.duplicates:
        if second.file != path:
            continue
        if isinstance(second, ModuleCall):
            what, error = f'module "{second.name}"', "Duplicate module call"
        else:
            what = f'{second.mode} "{second.type}" "{second.name}"'
            error = f"Duplicate {second.mode} configuration"
        message = (
            f"{what} is defined a second time (first at {first.loc.file}:{first.loc.line}); "
            f"Terraform rejects this ({error}), both are linted"
        )
        out.append(Diagnostic("parse-error", second.loc, message))
    return out


def _read_configuration(source: SourceFile, ctx: ReadContext) -> ReadResult:
    path = source.abspath
    folder = os.path.dirname(path)

    def display(p: str) -> str:
        return source.path if p == path else ctx.display_path(p)

    config = load_module(folder, ctx, display)
    emitter = _Emitter(ctx)
    # Every file of the folder is read as one module, with its variables files. The files that
    # are inputs of the run are listed as such already (and a folder of many files would list
    # each of its files once per file).
    read = [f for f in config.files if f != path]
    read += tfvars_files(folder) + [os.path.abspath(f) for f in ctx.options.var_files]
    emitter.result.depends_on.extend(ctx.display_path(f) for f in read if f not in ctx.inputs)
    error = config.errors.get(path)
    if error is not None and path not in _reported(ctx):
        _reported(ctx).add(path)
        if _relevant(source):
            emitter.result.diagnostics.append(_parse_diagnostic(source.path, error))
    if path not in config.files:
        return emitter.result
    if config.duplicates and _relevant(source):
        emitter.result.diagnostics.extend(_duplicates_in(config, path, ctx))

    caller = _caller_in_run(folder, ctx)
    if caller is not None:
        log.debug(
            "%s: module folder called from %s; its pools are read through the call",
            source.path,
            ctx.display_path(caller),
        )
        return emitter.result

    for other in config.errors:
        if other != path:
            # A file of the same folder: its errors are its own, reported when it is linted
            # (like its pools), not as findings of the file named here.
            log.debug("%s: %s has a syntax error", source.path, ctx.display_path(other))
    root = _root_instance(config, ctx, emitter)
    emitter.walk(root, path, via=(), chain=(folder,), prefix="")
    return emitter.finish()


def _root_instance(config: ModuleConfig, ctx: ReadContext, emitter: _Emitter) -> ModuleInstance:
    def build(_folder: str) -> ModuleInstance:
        def report(path: str, error: ParseError) -> None:
            emitter.report_file_error(path, error, variables=True)

        return ModuleInstance(config, root_inputs(config, ctx, report))

    # Dropped with the parse results when the run moves on: building it again gives the same
    # values, and the errors it reports are reported once (``_reported``).
    return ctx.cached("terraform-root", config.folder, build, keep=False)


def _caller_in_run(folder: str, ctx: ReadContext) -> str | None:
    """Another folder of this run whose ``module`` blocks call ``folder``, if any."""
    return module_callers(ctx).get(folder)


def module_callers(ctx: ReadContext) -> dict[str, str]:
    """Each folder that a folder of this run calls as a local module, with its first caller."""
    return ctx.cached("terraform-callers", ".", lambda _: _callers(ctx))


def _callers(ctx: ReadContext) -> dict[str, str]:
    """Each folder that a folder of this run calls as a local module, with its first caller.

    Built once per run: asking every folder of the run for each file read would make a run
    over many folders take time that grows with the square of their number.
    """
    folders = {os.path.dirname(p) for p in ctx.inputs if p.lower().endswith(CONFIG_SUFFIXES)}
    callers: dict[str, str] = {}
    for other in sorted(folders):
        if not _mentions_module(other, ctx):
            continue
        config = load_module(other, ctx)
        for call in config.modules.values():
            source = _local_source(call)
            target = os.path.normpath(os.path.join(other, source)) if source else None
            if target and target != other:
                callers.setdefault(target, other)
    return _break_cycles(callers)


def _break_cycles(callers: dict[str, str]) -> dict[str, str]:
    """The caller map with one folder of each cycle (folders that call each other in a ring)
    read on its own, so that the cycle is read from somewhere and reported."""
    for start in sorted(callers):
        seen = [start]
        current = callers.get(start)
        while current is not None and current not in seen:
            seen.append(current)
            current = callers.get(current)
        if current is not None:  # back to a folder already met: a ring
            ring = seen[seen.index(current) :]
            callers.pop(min(ring), None)
    return callers


def _mentions_module(folder: str, ctx: ReadContext) -> bool:
    """Whether a configuration file of ``folder`` has the word ``module`` in it.

    A folder without it calls no module, which the text tells without parsing the folder; in
    a run over many folders most of them are leaves.
    """
    for path in config_files(folder):
        try:
            if "module" in ctx.read_text(path):
                return True
        except (OSError, ParseError):
            return True  # parsing reports it
    return False


def _local_source(call: ModuleCall) -> str | None:
    attr = call.body.attributes.get("source")
    if attr is None:
        return None
    value = evaluate(attr.expr, Scope(NoReferences()))
    if not isinstance(value, Lit) or not isinstance(value.value, str):
        return None
    text = value.value
    return text if text.startswith(("./", "../", ".\\", "..\\")) or text in (".", "..") else None


@dataclass
class _Found:
    pool: Pool
    address: str
    named: bool  # the name comes from the configuration, not from the address


class _Emitter:
    """Walks module instances and collects their pools and diagnostics for one file."""

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.result = ReadResult()
        self.found: list[_Found] = []
        #: The module instances being walked, outermost first.
        self.stack: list[ModuleInstance] = []
        #: Instances this file may still expand, across all loops and modules.
        self.budget = MAX_EXPANDED

    # -- diagnostics ----------------------------------------------------------------------

    def report_file_error(self, path: str, error: ParseError, variables: bool = False) -> None:
        """Report a file that cannot be used; ``variables``: as a variables file (tfvars)."""
        reported = _reported(self.ctx)
        # An input reports its own errors when it is read, unless it is read as something else
        # here: a configuration file given as --var-file.
        own = not variables or path.lower().endswith((".tfvars", ".tfvars.json"))
        if path in reported or (own and path in self.ctx.inputs):
            return
        reported.add(path)
        display = self.ctx.display_path(path)
        self.result.diagnostics.append(_parse_diagnostic(display, error))
        self.result.depends_on.append(display)

    def report_errors(self, config: ModuleConfig) -> None:
        for path, error in config.errors.items():
            self.report_file_error(path, error)
        for path in sorted({second.file for second, _ in config.duplicates}):
            if path not in self.ctx.inputs:  # an input reports its own when it is read
                self.result.diagnostics.extend(_duplicates_in(config, path, self.ctx))

    # -- walking --------------------------------------------------------------------------

    def walk(self, instance: ModuleInstance, file: str | None, via, chain, prefix: str) -> None:
        self.stack.append(instance)
        try:
            self._walk(instance, file, via, chain, prefix)
        finally:
            self.stack.pop()

    def _walk(self, instance: ModuleInstance, file: str | None, via, chain, prefix: str) -> None:
        config = instance.config
        items: list = [r for r in config.resources.values() if r.mode == "resource"]
        items += list(config.modules.values())
        items += [d for d, _ in config.duplicates if getattr(d, "mode", "resource") == "resource"]
        items = [i for i in items if file is None or i.file == file]
        items.sort(key=lambda i: (i.file, i.loc.line, i.loc.column))
        for item in items:
            if isinstance(item, ModuleCall):
                self._module(item, instance, via, chain, prefix)
            elif item.type == "azurerm_batch_pool":
                self._azurerm(item, instance, via, prefix)
            elif item.type == "azapi_resource":
                self._azapi(item, instance, via, prefix)

    def _azurerm(self, res: Resource, instance: ModuleInstance, via, prefix: str) -> None:
        made = self._within_budget(instances(res.body, instance.scope), res.loc)
        if not made:
            log.debug("%s%s: no instances (count or for_each is empty)", prefix, res.address)
        for key, scope in made:
            body = eval_body(res.body, scope, res.loc)
            name = _name(get(body, "name", ignore_case=False))
            address = f"{prefix}{res.address}{_suffix(key)}"
            region = _account_region(res.body.attributes.get("account_name"), scope)
            if region is None:
                region = self._region_by_name(get(body, "account_name", ignore_case=False))
            pool = pool_from_azurerm(name or address, FORMAT, res.loc, body, region=region, via=via)
            self.found.append(_Found(pool, address, name is not None))

    def _azapi(self, res: Resource, instance: ModuleInstance, via, prefix: str) -> None:
        attrs = res.body.attributes
        if "type" not in attrs:
            return
        for key, scope in self._within_budget(instances(res.body, instance.scope), res.loc):
            if not is_azapi_pool_type(evaluate(attrs["type"].expr, scope)):
                return
            body_attr = attrs.get("body")
            body = None
            if body_attr is not None:
                expr = body_attr.expr
                if isinstance(expr, hcl.Call) and expr.name == "jsonencode" and expr.args:
                    expr = expr.args[0]  # the object itself keeps the place of each value
                body = evaluate(expr, scope)
            name = _name(evaluate(attrs["name"].expr, scope)) if "name" in attrs else None
            address = f"{prefix}{res.address}{_suffix(key)}"
            region = _account_region(attrs.get("parent_id"), scope)
            pool = pool_from_arm_properties(
                name or address,
                FORMAT,
                res.loc,
                get(body, "properties"),
                region=region,
                via=via,
            )
            self.found.append(_Found(pool, address, name is not None))

    def _region_by_name(self, account: Node | None) -> Value | None:
        """The location of the account named ``account`` in this module or a calling one."""
        if not isinstance(account, Lit) or not isinstance(account.value, str):
            return None
        for instance in reversed(self.stack):
            place = instance.account_locations().get(account.value)
            if isinstance(place, Lit) and isinstance(place.value, str):
                return to_value(place)
        return None

    def _module(self, call: ModuleCall, instance: ModuleInstance, via, chain, prefix) -> None:
        source = _local_source(call)
        if source is None:
            log.debug("module %s: source is not a local path; not followed", call.name)
            return
        folder = os.path.normpath(os.path.join(instance.config.folder, source))
        shown = self.ctx.display_path(folder)
        if not os.path.isdir(folder):
            self._diagnose(
                call,
                f'module "{call.name}": local source {source!r} not found '
                f"({shown} is not a folder)",
                source,
            )
            return
        real = os.path.realpath(folder)
        if any(os.path.realpath(f) == real for f in chain):
            path = " -> ".join(self.ctx.display_path(f) for f in (*chain, folder))
            self._diagnose(
                call,
                f'module "{call.name}" calls a module that is already being '
                f"read ({path}); the cycle is not followed",
                source,
            )
            return
        if self.budget < 0:
            # The instance budget ran out in an earlier module call. Each call would still be
            # read once, and calls that each call a module twice double at every level.
            self._diagnose(
                call,
                f'module "{call.name}": the file\'s modules and loops make more instances than '
                f"batchlint expands ({MAX_EXPANDED}); this call is not followed",
                source,
            )
            return
        if len(chain) >= MAX_MODULE_DEPTH:
            self._diagnose(
                call,
                f'module "{call.name}": modules nested deeper than '
                f"{MAX_MODULE_DEPTH} levels are not followed",
                source,
            )
            return
        child_config = load_module(folder, self.ctx)
        self.result.depends_on.extend(self.ctx.display_path(f) for f in child_config.files)
        self.report_errors(child_config)
        for i, (key, scope) in enumerate(instances(call.body, instance.scope)):
            last = self.budget <= 0
            if last:
                # Out of instances: the rest of this loop is read once, its keys unknown.
                ((key, scope),) = self._within_budget([(key, scope)], call.loc, done=i)
            self.budget -= 1
            inputs = {
                name: relabel(evaluate(attr.expr, scope), f"argument of module {call.name}")
                for name, attr in call.body.attributes.items()
                if name not in MODULE_META_ARGUMENTS
            }
            child = ModuleInstance(
                child_config,
                inputs,
                label=f'module "{call.name}"',
                missing=f"no default and module {call.name!r} does not set it",
            )
            self.walk(
                child,
                None,
                (*via, call.loc),
                (*chain, folder),
                f"{prefix}module.{call.name}{_suffix(key)}.",
            )
            if last:
                return

    def _within_budget(self, made: list, loc, done: int = 0) -> list:
        """The instances the budget still allows; when it runs out, one more stands for the
        rest, its ``count`` / ``each`` ``Unknown`` with the reason (not left out unseen)."""
        allowed = max(self.budget, 0)
        self.budget -= min(len(made), allowed)
        if len(made) <= allowed:
            return made
        rest = Unknown(
            f"the file's loops make more instances than batchlint expands ({MAX_EXPANDED} "
            f"in all); instances {done + allowed} and later are not checked",
            loc,
        )
        scope = made[allowed][1]
        return [*made[:allowed], (rest, scope.bind(count=rest, each=rest))]

    def _diagnose(self, call: ModuleCall, message: str, source: str) -> None:
        self.result.diagnostics.append(
            Diagnostic("module-not-found", call.loc, message, detail=source)
        )

    # -- result ---------------------------------------------------------------------------

    def finish(self) -> ReadResult:
        """The pools, with ``[index]`` added where instances of one definition share a name."""
        by_name: dict[tuple, int] = {}
        for item in self.found:
            key = (item.pool.location, item.pool.name)
            by_name[key] = by_name.get(key, 0) + 1
        for item in self.found:
            pool = item.pool
            if item.named and by_name[(pool.location, pool.name)] > 1:
                pool = pool._replace(name=f"{pool.name}{_instance_suffix(item.address)}")
            self.result.pools.append(pool)
            for field, value in pool.values().items():
                if value is not None and not value.known:
                    log.debug(
                        "%s (%s): %s unresolved: %s",
                        pool.name,
                        item.address,
                        field,
                        value.unresolved,
                    )
        return self.result


def _suffix(key: Node) -> str:
    if isinstance(key, Unknown):
        return "[?]"
    if key.value is None:
        return ""
    if isinstance(key.value, str):
        return f'["{key.value}"]'
    return f"[{key.value}]"


def _instance_suffix(address: str) -> str:
    """The instance keys of an address: ``module.m["a"].azurerm_batch_pool.p[0]`` gives
    ``["a"][0]``."""
    out = []
    depth = 0
    for ch in address:
        if ch == "[":
            depth += 1
        if depth:
            out.append(ch)
        if ch == "]":
            depth -= 1
    return "".join(out)


def _name(node: Node | None) -> str | None:
    if (
        isinstance(node, Lit)
        and node.value is not None
        and not isinstance(node.value, (dict, list))
    ):
        return str(node.value)
    return None


def _account_region(attr: hcl.Attribute | None, scope: Scope) -> Value | None:
    """The location of the Batch account that a pool's ``account_name`` / ``parent_id`` names."""
    if attr is None:
        return None
    expr = attr.expr
    if isinstance(expr, hcl.JsonValue) and isinstance(expr.node.value, str):
        try:
            expr = hcl.parse_template(expr.node.value, expr.loc)
        except ParseError:
            return None
    if (
        isinstance(expr, hcl.Template)
        and len(expr.parts) == 1
        and isinstance(expr.parts[0], hcl.Expr)
    ):
        expr = expr.parts[0]
    if not isinstance(expr, hcl.GetAttr) or expr.name not in ("name", "id"):
        return None
    root = expr.obj
    while isinstance(root, (hcl.GetAttr, hcl.Index)):
        root = root.obj
    if not isinstance(root, hcl.Ref) or root.name not in _ACCOUNT_TYPES:
        return None
    node = evaluate(hcl.GetAttr(expr.obj, "location", expr.loc), scope)
    if isinstance(node, Lit) and isinstance(node.value, str):
        return to_value(node)
    return None


def read_file(source: SourceFile, ctx: ReadContext) -> ReadResult | None:
    """Pools and diagnostics of one Terraform file, or None for JSON that is not a plan."""
    low = source.path.lower()
    if low.endswith(VAR_SUFFIXES):
        return _read_variables_file(source, ctx)
    if low.endswith(CONFIG_SUFFIXES):
        return _read_configuration(source, ctx)
    return read_plan_file(source, ctx)
