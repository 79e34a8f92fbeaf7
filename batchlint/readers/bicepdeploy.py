"""What a deployment of a Bicep template creates: its pools, through loops, conditions, modules.

``read`` gives the pools and diagnostics of one input, a template or a .bicepparam file. Values
come from the .bicepparam file, the parameters files or the defaults (see ``bicep``), and pass
into local modules through the call's ``params``. Each pool is built by the same
``pool_from_arm_properties`` as ARM pools, from the evaluated ``properties``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from batchlint.extract import pool_from_arm_properties
from batchlint.log import get as get_logger
from batchlint.model import Diagnostic, Location, Pool, ReadResult, Value
from batchlint.reader import (
    ParseError,
    ReadContext,
    SourceFile,
    looks_relevant,
    parse_json_file,
)
from batchlint.readers import bicepsyntax as syn
from batchlint.readers.arm import (
    is_template,
    parameter_files_for,
    template_scope,
    walk_template,
)
from batchlint.readers.armexpr import relabel
from batchlint.readers.bicepexpr import Scope, evaluate, iterations
from batchlint.readers.bicepfiles import TEMPLATE_SUFFIXES, is_registry, load, reported_through
from batchlint.readers.limits import check_file_size, diagnostic_kind
from batchlint.values import Lit, Node, Unknown, get, is_obj, to_value

log = get_logger(__name__)

POOL_TYPE = "microsoft.batch/batchaccounts/pools"
ACCOUNT_TYPE = "microsoft.batch/batchaccounts"
MAX_MODULE_DEPTH = 16
#: Module calls followed for one input, loops included: against loops of loops of modules.
MAX_MODULE_CALLS = 5000
#: The most copies (pools, accounts, module calls) one input expands across all its loops.
MAX_EXPANDED = 10_000
_IMAGE_PATH = ("deploymentConfiguration", "virtualMachineConfiguration", "imageReference")


def read(source: SourceFile, ctx: ReadContext) -> ReadResult:
    """The pools and diagnostics of one Bicep input."""
    walk = _Walk(ctx)
    if source.path.lower().endswith(".bicepparam"):
        walk.parameters_file(source)
    else:
        walk.template(source)
    return walk.result


def resource_kind(type_text: str) -> str:
    """The resource type without its API version, in lower case."""
    return type_text.split("@", 1)[0].strip().lower()


class _Walk:
    """One read: the pools and diagnostics found from one input file."""

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.result = ReadResult()
        self._reported: set[str] = set()
        #: Whether the input was named by the user (rather than met in a folder walk).
        self.explicit = True
        self._calls = 0
        #: Copies this input may still expand, across all loops and modules.
        self._budget = MAX_EXPANDED

    # -- the two kinds of input -------------------------------------------------------------

    def template(self, source: SourceFile) -> None:
        path = os.path.abspath(source.path)
        through = reported_through(self.ctx).get(path)
        if through:
            log.debug("%s: reported through %s", source.path, self.ctx.display_path(through))
            return
        self.explicit = source.explicit
        file = load(self.ctx, path, source.path, source.text)
        self._syntax(file)
        self._imports(file, path)
        overrides = self._parameter_values(path)
        self.deployment(file, path, self._scope(file, overrides))

    def parameters_file(self, source: SourceFile) -> None:
        path = os.path.abspath(source.path)
        params = load(self.ctx, path, source.path, source.text)
        using = params.using
        self.explicit = source.explicit
        self._syntax(params)
        values = self._bicepparam_values(params, path, source.path)
        if using is None and not params.errors:
            self._diagnostic("parse-error", Location(source.path, 1), _NO_USING)
        if using is None or using.source.strip().lower() == "none":
            log.debug("%s: no template named by a using line", source.path)
            return
        if is_registry(using.source):
            log.debug("%s: template %s is not fetched", source.path, using.source)
            return
        target = os.path.normpath(os.path.join(os.path.dirname(path), using.source))
        what = f"template {using.source} named by using"
        if not self._template_path(target, using.loc, what):
            return
        if target.lower().endswith((".json", ".jsonc")):
            # A .bicepparam file may give the values of an ARM JSON template.
            root = self._arm_file(target, using.loc, what)
            if root is not None:
                self.undeclared(values, arm_parameter_names(root), using.source, arm=True)
                self._arm_deployment(root, target, values)
            return
        template = self._follow(target, using.loc, what)
        if template is None:
            return
        if not template.errors:  # a broken declaration may hide a parameter
            self.undeclared(values, set(template.params), using.source)
        unset = f"{source.path} does not set it"
        self.deployment(template, target, self._scope(template, values, unset))

    def undeclared(
        self, values: dict[str, Node], declared: set[str], template: str, *, arm: bool = False
    ) -> None:
        """A finding for each value given to a parameter that ``template`` does not declare;
        ``arm``: ``declared`` is in lower case, as ARM compares names without case."""
        for name, value in values.items():
            if (name.lower() if arm else name) not in declared:
                self._diagnostic(
                    "parse-error",
                    value.loc or Location(template, 1),
                    f"parameter {name} is given a value, but {template} declares no "
                    f"parameter {name} (Bicep error BCP259)",
                )

    def _bicepparam_values(self, params, path: str, display: str) -> dict[str, Node]:
        """The values a .bicepparam file gives: those of the files it ``extends`` first, then
        its own."""
        chain = [(params, display)]
        seen = {os.path.normcase(path)}
        while chain[-1][0].extends is not None and len(chain) <= MAX_MODULE_DEPTH:
            current, shown = chain[-1]
            extends = current.extends
            folder = os.path.dirname(os.path.abspath(current.path))
            base = os.path.normpath(os.path.join(folder, extends.source))
            if os.path.normcase(base) in seen:
                message = f"{shown} extends {extends.source}, which extends it in turn"
                if os.path.normcase(base) == os.path.normcase(os.path.abspath(current.path)):
                    message = f"{shown} extends itself"
                self._diagnostic("parse-error", extends.loc, message)
                break
            seen.add(os.path.normcase(base))
            what = f"parameters file {extends.source} named by extends"
            if not self._template_path(
                base, extends.loc, what, (".bicepparam",), "a .bicepparam file"
            ):
                break
            file = self._follow(base, extends.loc, what)
            if file is None:
                break
            chain.append((file, self.ctx.display_path(base)))
        last = chain[-1][0].extends
        if len(chain) > MAX_MODULE_DEPTH and last is not None:
            message = (
                f"extends goes more than {MAX_MODULE_DEPTH} files deep; "
                f"{last.source} and the files it extends are not read"
            )
            self._diagnostic("parse-error", last.loc, message)
        values: dict[str, Node] = {}
        for file, shown in reversed(chain):
            values.update(bicepparam_values(file, shown))
        return values

    # -- parameter values -------------------------------------------------------------------

    def _parameter_values(self, template: str) -> dict[str, Node]:
        files = list(self.ctx.options.parameter_files) or parameter_files_for(template)
        values: dict[str, Node] = {}
        for path in files:
            full = os.path.abspath(path)
            display = self.ctx.display_path(full)
            if full.lower().endswith(".bicepparam"):
                values.update(self._bicepparam_for(full, display, template))
            else:
                values.update(self._json_parameters(full, display))
        return values

    def _bicepparam_for(self, path: str, display: str, template: str) -> dict[str, Node]:
        given = bool(self.ctx.options.parameter_files)  # named with --parameters
        at = Location(display, 1) if given else None
        params = self._follow(path, at, f"parameters file {display}")
        if params is not None and params.using is None and given:
            self._diagnostic("parse-error", Location(display, 1), _NO_USING)
        if params is None or params.using is None or is_registry(params.using.source):
            return {}
        using = params.using
        if using.source.strip().lower() == "none" and not given:
            return {}  # a file for no template in particular, found beside this one
        if using.source.strip().lower() != "none":
            target = os.path.normpath(os.path.join(os.path.dirname(path), using.source))
            if target != template:
                if given:
                    self._diagnostic("parse-error", using.loc, _other_template(display, using))
                return {}  # it belongs to another template
        values = self._bicepparam_values(params, path, display)
        try:
            file = load(self.ctx, template, self.ctx.display_path(template))
        except (OSError, ParseError):
            return values
        if not file.errors:
            self.undeclared(values, set(file.params), self.ctx.display_path(template))
        return values

    def _json_parameters(self, path: str, display: str) -> dict[str, Node]:
        try:
            root, _ = parse_json_file(path, display, self.ctx)
        except OSError as exc:
            message = f"cannot read parameters file: {exc.strerror}"
            self._diagnostic("parse-error", Location(display, 1), message)
            return {}
        except ParseError as exc:
            self._diagnostic("parse-error", Location(display, exc.line, exc.column), exc.message)
            return {}
        self.result.depends_on.append(display)
        params = get(root, "parameters")
        if not is_obj(params):
            return {}
        return {name: _json_value(name, entry, display) for name, entry in params.value.items()}

    def _scope(self, file, overrides: dict[str, Node], unset: str | None = None, **extra):
        reason = unset or "no parameters file sets it"
        return Scope(
            file,
            overrides,
            lambda name: f"parameter {name} has no default and {reason}",
            self._importer(file),
            **extra,
        )

    def _importer(self, file):
        """Values that a file imports from another local Bicep file."""

        here = os.path.dirname(os.path.abspath(file.path))

        def imported(statement, name: str, loc: Location) -> Node:
            if is_registry(statement.source):
                return Unknown(f"{name} is imported from {statement.source}, not fetched", loc)
            path = os.path.normpath(os.path.join(here, statement.source))
            display = self.ctx.display_path(path)
            if not path.lower().endswith(".bicep") or not os.path.isfile(path):
                # Never opened: a device would block the run, another file be quoted.
                return Unknown(f"{statement.source} is not a .bicep file; it is not read", loc)
            try:
                other = load(self.ctx, path, display)
            except (OSError, ParseError):
                return Unknown(f"{statement.source} cannot be read", loc)
            if display not in self.result.depends_on:
                self.result.depends_on.append(display)
            scope = self._scope(other, {})
            if name == "*":
                members = {n: scope.lookup(n, loc) for n in other.variables}
                return Lit(members, loc, f"imported from {other.path}")
            if name not in other.variables:
                return Unknown(f"{name} is not a variable of {statement.source}", loc)
            value = evaluate(other.variables[name].value, scope)
            return relabel(value, f"variable {name} of {other.path}")

        return imported

    # -- following other files --------------------------------------------------------------

    def _template_path(
        self,
        path: str,
        at: Location,
        what: str,
        suffixes: tuple[str, ...] = TEMPLATE_SUFFIXES,
        kind: str = "a .bicep file or an ARM JSON template",
    ) -> bool:
        """Whether a module or ``using`` target (or an ``extends`` base: ``suffixes``) may be
        read: a regular file whose name says it is a template, wherever it is (as the Bicep
        compiler reads it). Anything else, such as a device, a pipe or a file that is not a
        template, is never opened, so a run cannot block on it or quote from it."""
        display = self.ctx.display_path(path)
        if not path.lower().endswith(suffixes):
            message = f"{what} is not read: batchlint reads {kind} there ({display})"
            self._diagnostic("module-not-found", at, message)
            return False
        if os.path.exists(path) and not os.path.isfile(path):
            message = f"{what} is not a regular file ({display}); it is not read"
            self._diagnostic("module-not-found", at, message)
            return False
        return True

    def _follow(self, path: str, at: Location | None, what: str):
        """A referenced file parsed, or None (with a diagnostic) when it cannot be."""
        display = self.ctx.display_path(path)
        if not os.path.isfile(path):
            if at is not None:
                self._diagnostic("module-not-found", at, f"{what} does not exist ({display})")
            return None
        try:
            file = load(self.ctx, path, display)
        except OSError as exc:
            message = f"cannot read {display}: {exc.strerror}"
            self._diagnostic("parse-error", at or Location(display, 1), message)
            return None
        except ParseError as exc:
            where = Location(display, exc.line, exc.column)
            self._diagnostic(diagnostic_kind(exc), where, exc.message)
            return None
        if display not in self.result.depends_on:
            self.result.depends_on.append(display)
        self._syntax(file)
        self._imports(file, path)
        return file

    def _imports(self, file, path: str) -> None:
        """The local files ``file`` imports from, as files the read depends on, whether or not
        a value of theirs is used (each is opened only when one is)."""
        here = os.path.dirname(os.path.abspath(path))
        for statement in file.imports:
            if is_registry(statement.source):
                continue
            display = self.ctx.display_path(os.path.normpath(os.path.join(here, statement.source)))
            if display not in self.result.depends_on:
                self.result.depends_on.append(display)

    def _syntax(self, file) -> None:
        """The first syntax error of a file, once per read (a module may be called often)."""
        if not file.errors or file.path in self._reported:
            return
        self._reported.add(file.path)
        if not self.explicit and not self._mentions_batch(file):
            # Met in a folder walk and not about Batch: a broken file elsewhere in a
            # repository is not batchlint's business (as for the other formats).
            log.debug("%s: syntax error in a file that is not about Batch", file.path)
            return
        first = file.errors[0]
        message = first.message
        if len(file.errors) > 1:
            more = len(file.errors) - 1
            errors = "syntax error" if more == 1 else "syntax errors"
            message += f" ({more} more {errors} in this file)"
        self._diagnostic("parse-error", Location(file.path, first.line, first.column), message)

    def _mentions_batch(self, file: syn.BicepFile) -> bool:
        path = os.path.abspath(file.path)
        using = file.using
        if using is not None and not is_registry(using.source):
            path = os.path.normpath(os.path.join(os.path.dirname(path), using.source))
        try:
            text = self.ctx.read_text(path)
        except (OSError, ParseError):
            return False
        return looks_relevant(SourceFile(path, text))

    def _diagnostic(self, kind: str, at: Location, message: str) -> None:
        self.result.diagnostics.append(Diagnostic(kind, at, message))

    # -- what a deployment creates ----------------------------------------------------------

    def deployment(
        self,
        file: syn.BicepFile,
        path: str,
        scope: Scope,
        via: tuple[Location, ...] = (),
        conditions: tuple[str, ...] = (),
        stack: tuple[str, ...] = (),
    ) -> None:
        """The pools of ``file`` deployed with ``scope``'s values; ``stack`` holds the callers."""
        stack = (*stack, path)
        for decl in file.declarations:
            if isinstance(decl, syn.Module):
                self._module(decl, file, path, scope, via, conditions, stack)
            elif not decl.existing:
                self._resource(decl, file, scope, via, conditions)

    def _resource(self, decl, file, scope, via, conditions) -> None:
        kind = resource_kind(decl.type)
        if kind not in (POOL_TYPE, ACCOUNT_TYPE):
            return
        if decl.broken:
            log.debug("%s: %s left out, it holds a syntax error", decl.loc, decl.symbol)
            return
        if kind == POOL_TYPE:
            self._pools(decl, scope, via, conditions, parent=None, file=file)
            return
        children = [c for c in decl.children if _is_child_pool(c)]
        if not children:
            return
        for account in self._within_budget(decl, instances(decl.body, scope)):
            for child in children:
                if not child.broken:
                    parent = (account.scope, account.body)
                    more = (*conditions, *account.conditions)
                    self._pools(child, account.scope, via, more, parent=parent, file=file)

    def _pools(self, decl, scope, via, conditions, parent, file) -> None:
        made: list[Pool] = []
        names: list[str | None] = []
        for instance in self._within_budget(decl, instances(decl.body, scope)):
            body = instance.body
            inner = instance.scope.declaring(decl.symbol)
            name_expr = body.get("name")
            name = _text(evaluate(name_expr, inner)) if name_expr else None
            props_expr = body.get("properties")
            properties = evaluate(props_expr, inner) if props_expr else None
            condition = " && ".join((*conditions, *instance.conditions)) or None
            region = self._region(body, instance.scope, parent, name, file)
            pool = pool_from_arm_properties(
                name, "bicep", decl.loc, properties, condition=condition, via=via, region=region
            )
            made.append(pool)
            names.append(name)
        if len(made) > 1 and len(set(names)) == 1 and names[0] is not None:
            made = [p._replace(name=f"{p.name}[{i}]") for i, p in enumerate(made)]
        self.result.pools.extend(made)

    def _region(self, body, scope, parent, name: str | None, file) -> Value | None:
        """The location of the pool's Batch account, when the template says it plainly."""

        account_body, account_scope = None, scope
        if parent is not None:
            account_scope, account_body = parent
        else:
            ref = body.get("parent")
            target = scope.symbols.get(ref.name) if isinstance(ref, syn.Name) else None
            if target is None and name and "/" in name:
                target = _account_named(file, name.split("/", 1)[0], scope)
            if isinstance(target, syn.Resource) and resource_kind(target.type) == ACCOUNT_TYPE:
                account_body = _single_body(target.body)
                account_scope = scope.top()
        if account_body is None:
            return None
        location = account_body.get("location")
        if location is None:
            return None
        value = evaluate(location, account_scope)
        if isinstance(value, Lit) and isinstance(value.value, str) and value.value:
            return to_value(value)
        return None

    def _module(self, decl, file, path, scope, via, conditions, stack) -> None:
        source = decl.source
        if decl.broken:
            return
        if is_registry(source):
            log.debug("%s: module %s is not fetched", decl.loc, source)
            return
        target = os.path.normpath(os.path.join(os.path.dirname(path), source))
        if target in stack:
            chain = " -> ".join(self.ctx.display_path(p) for p in (*stack, target))
            message = f"module {source} is used in a cycle ({chain}); it is not followed"
            self._diagnostic("parse-error", decl.loc, message)
            return
        if len(stack) > MAX_MODULE_DEPTH:
            log.debug("%s: modules nested too deeply, %s not followed", decl.loc, source)
            return
        if not self._template_path(target, decl.loc, f"module {source}"):
            return
        if target.lower().endswith((".json", ".jsonc")):
            self._arm_module(decl, target, scope, via, conditions)
            return
        module = self._follow(target, decl.loc, f"module {source}")
        if module is None:
            return
        for i, instance in enumerate(instances(decl.body, scope)):
            last = self._budget <= 0
            if last:
                # Out of copies: the rest of this loop is read once, its loop values unknown.
                (instance,) = self._within_budget(decl, [instance], done=i)
            self._budget -= 1
            self._calls += 1
            if self._calls > MAX_MODULE_CALLS:
                if self._calls == MAX_MODULE_CALLS + 1:  # said once
                    message = f"more than {MAX_MODULE_CALLS} module calls; the rest are not read"
                    self._diagnostic("file-skipped", decl.loc, message)
                return
            overrides, unknown = _module_arguments(decl, instance)
            unset = f"the module call at {decl.loc} does not set it"
            inner = self._scope(module, overrides, unset, every_parameter=unknown)
            self.deployment(
                module,
                target,
                inner,
                (*via, decl.loc),
                (*conditions, *instance.conditions),
                stack,
            )
            if last:
                return

    def _within_budget(self, decl, made: list[Instance], done: int = 0) -> list[Instance]:
        """The copies of ``decl`` the budget still allows; when it runs out, one more stands
        for the rest, its loop values ``Unknown`` with the reason (not left out unseen)."""
        allowed = max(self._budget, 0)
        self._budget -= min(len(made), allowed)
        if len(made) <= allowed:
            return made
        unknown = Unknown(
            f"the file's loops make more copies than batchlint expands ({MAX_EXPANDED} in all); "
            f"copies {done + allowed} and later are not checked",
            decl.loc,
        )
        body = decl.body.body if isinstance(decl.body, syn.If) else decl.body
        names = (body.item, body.index) if isinstance(body, syn.For) else ()
        rest = made[allowed]
        bound = {n: unknown for n in names if n}
        return [*made[:allowed], Instance(rest.scope.child(bound), rest.body, rest.conditions)]

    def _arm_module(self, decl, target: str, scope, via, conditions) -> None:
        """A module that is an ARM template: read by the ARM reader with the call's values."""

        root = self._arm_file(target, decl.loc, f"module {decl.source}")
        if root is None:
            return
        for instance in self._within_budget(decl, instances(decl.body, scope)):
            overrides, _ = _module_arguments(decl, instance)
            condition = " && ".join((*conditions, *instance.conditions)) or None
            self._arm_deployment(root, target, overrides, (*via, decl.loc), condition)

    def _arm_file(self, target: str, at: Location, what: str) -> Node | None:
        """The ARM template a module or a ``using`` line names, or None with a diagnostic."""

        display = self.ctx.display_path(target)
        if not os.path.isfile(target):
            self._diagnostic("module-not-found", at, f"{what} does not exist ({display})")
            return None
        try:
            check_file_size(target, self.ctx.options.max_file_size)
            root, _ = parse_json_file(target, display, self.ctx)
        except OSError as exc:
            self._diagnostic("parse-error", at, f"cannot read {display}: {exc.strerror}")
            return None
        except ParseError as exc:
            where = Location(display, exc.line, exc.column)
            self._diagnostic(diagnostic_kind(exc), where, exc.message)
            return None
        if not is_template(root):
            self._diagnostic("parse-error", at, f"{what} is not an ARM template ({display})")
            return None
        if display not in self.result.depends_on:
            self.result.depends_on.append(display)
        return root

    def _arm_deployment(
        self, root: Node, target: str, overrides: dict[str, Node], via=(), condition=None
    ) -> None:
        """The pools of the ARM template ``root`` deployed with ``overrides``."""

        display = self.ctx.display_path(target)
        found = ReadResult()
        arm_scope = template_scope(root, {k.lower(): v for k, v in overrides.items()}, display)
        walk_template(root, arm_scope, "arm", found, depth=0)
        for pool in found.pools:
            merged = " && ".join(c for c in (condition, pool.condition) if c) or None
            self.result.pools.append(pool._replace(via=via, condition=merged))


# -- declarations, loops and conditions -----------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """One copy of a declaration: the scope of its loop variables, its body, its conditions."""

    scope: Scope
    body: syn.Obj
    conditions: tuple[str, ...]


def instances(body: syn.Expr, scope: Scope) -> list[Instance]:
    """The copies a declaration's body makes: one, one per loop element, none if false."""

    if isinstance(body, syn.For):
        scopes = iterations(body, scope, rest=True)
        if isinstance(scopes, Unknown):
            # One copy stands for all of them: its loop values are unknown, for that reason.
            unknown = Unknown(scopes.reason, scopes.loc or body.loc)
            bound = {n: unknown for n in (body.item, body.index) if n}
            scopes = [scope.child(bound)]
        out = []
        for inner in scopes:
            out.extend(instances(body.body, inner))
        return out
    if isinstance(body, syn.If):
        cond = evaluate(body.cond, scope)
        if isinstance(cond, Lit) and cond.value is False:
            log.debug("%s: condition %s is false, left out", body.loc, body.text)
            return []
        inner = instances(body.body, scope)
        return [Instance(i.scope, i.body, (body.text, *i.conditions)) for i in inner]
    if isinstance(body, syn.Obj):
        return [Instance(scope, body, ())]
    return []


def _single_body(body):
    """The object of a declaration that is not a loop (a condition is looked through)."""

    if isinstance(body, syn.If):
        body = body.body
    return body if isinstance(body, syn.Obj) else None


def _is_child_pool(child) -> bool:
    if child.existing:
        return False
    kind = resource_kind(child.type)
    return kind in ("pools", POOL_TYPE)


def _account_named(file, name: str, scope):
    """The Batch account declared in ``file`` whose name is ``name``, for ``account/pool``."""

    for decl in file.declarations:
        if not isinstance(decl, syn.Resource) or resource_kind(decl.type) != ACCOUNT_TYPE:
            continue
        body = _single_body(decl.body)
        name_expr = body.get("name") if body is not None else None
        if name_expr is not None and _text(evaluate(name_expr, scope.top())) == name:
            return decl
    return None


def _module_arguments(decl, instance) -> tuple[dict[str, Node], Unknown | None]:
    """The parameter values a module call passes, credited to the call."""

    params = instance.body.get("params")
    if params is None:
        return {}, None
    value = evaluate(params, instance.scope)
    if isinstance(value, Unknown):
        reason = f"the parameters of module {decl.symbol} are unknown ({value.reason})"
        return {}, Unknown(reason, value.loc)
    if not is_obj(value):
        return {}, None
    origin = f"argument of module {decl.symbol}"
    return {name: relabel(node, origin) for name, node in value.value.items()}, None


_NO_USING = "no using line: a parameters file names its template with using (or says using none)"


def _other_template(display: str, using: syn.Using) -> str:
    return (
        f"{display} is for {using.source} (its using line), not for this template; "
        "its values are not used"
    )


def arm_parameter_names(root: Node) -> set[str]:
    declared = get(root, "parameters")
    return {name.lower() for name in declared.value} if is_obj(declared) else set()


def parameters_file_values(
    ctx: ReadContext, path: str, display: str, result: ReadResult, template: str, root: Node
):
    """The values of a .bicepparam file given for the ARM JSON template ``template``
    (``--parameters``), with the files it extends; problems go to ``result``. A file whose
    ``using`` names another template gives none."""
    try:
        os.stat(path)
    except OSError as exc:
        message = f"cannot read parameters file: {exc.strerror}"
        result.diagnostics.append(Diagnostic("parse-error", Location(display, 1), message))
        return {}
    walk = _Walk(ctx)
    params = walk._follow(os.path.abspath(path), Location(display, 1), f"parameters file {display}")
    values = {}
    if params is not None and params.using is None:
        walk._diagnostic("parse-error", Location(display, 1), _NO_USING)
    elif params is not None:
        using = params.using
        source = using.source.strip()
        target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), source))
        if source.lower() != "none" and target != os.path.abspath(template):
            walk._diagnostic("parse-error", using.loc, _other_template(display, using))
        else:
            values = walk._bicepparam_values(params, path, display)
            shown = ctx.display_path(template)
            walk.undeclared(values, arm_parameter_names(root), shown, arm=True)
    result.diagnostics.extend(walk.result.diagnostics)
    result.depends_on.extend(d for d in walk.result.depends_on if d not in result.depends_on)
    return values


def bicepparam_values(params: syn.BicepFile, display: str) -> dict[str, Node]:
    """The values a .bicepparam file assigns, credited to it."""

    scope = Scope(params, {})
    origin = f"parameters file {display}"
    return {
        name: relabel(evaluate(param.default, scope), origin)
        for name, param in params.params.items()
        if param.default is not None
    }


def _json_value(name: str, entry: Node, display: str) -> Node:
    if get(entry, "reference") is not None:
        return Unknown(f"parameter {name} is a Key Vault reference in {display}", entry.loc)
    value = get(entry, "value")
    if value is None:
        return Unknown(f"parameter {name} in {display} has no value", entry.loc)
    return relabel(value, f"parameters file {display}")


def _text(node: Node | None) -> str | None:
    if isinstance(node, Lit) and isinstance(node.value, (str, int)) and node.value is not None:
        return str(node.value)
    return None
