"""A Terraform module is a folder: its ``.tf`` and ``.tf.json`` files read together.

``load_module`` parses every configuration file of a folder once per run (cached in the
``ReadContext``) and indexes what the evaluator needs: variables, locals, resources, data
sources and module calls, each with the file that declares it. Override files
(``override.tf``, ``*_override.tf``) are merged into the declarations they name, as Terraform
merges them. A block with a syntax error is left out; the error is kept for its file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from batchlint.log import get as get_logger
from batchlint.model import Location
from batchlint.reader import ParseError, ReadContext, parse_json_file
from batchlint.readers import hcl
from batchlint.readers.hcljson import body_from_json
from batchlint.readers.hcltypes import Type, parse_type
from batchlint.readers.limits import check_file_size

log = get_logger(__name__)

CONFIG_SUFFIXES = (".tf", ".tf.json")


@dataclass
class Resource:
    mode: str  # "resource" or "data"
    type: str
    name: str
    body: hcl.Body
    loc: Location
    file: str  # absolute path of the declaring file

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass
class ModuleCall:
    name: str
    body: hcl.Body
    loc: Location
    file: str


@dataclass
class Variable:
    name: str
    default: hcl.Expr | None
    type: Type
    loc: Location
    file: str


@dataclass
class ModuleConfig:
    folder: str
    files: list[str] = field(default_factory=list)
    variables: dict[str, Variable] = field(default_factory=dict)
    locals: dict[str, hcl.Attribute] = field(default_factory=dict)
    resources: dict[tuple[str, str, str], Resource] = field(default_factory=dict)
    modules: dict[str, ModuleCall] = field(default_factory=dict)
    #: Second definitions of an address already defined (``resources`` and ``modules`` hold
    #: the first), each with the first: Terraform rejects them; both are still read.
    duplicates: list[tuple[Resource | ModuleCall, Resource | ModuleCall]] = field(
        default_factory=list
    )
    #: The first syntax error of each file that has one, by absolute path.
    errors: dict[str, ParseError] = field(default_factory=dict)
    #: Display path of each file, by absolute path.
    display: dict[str, str] = field(default_factory=dict)

    def resource(self, type_name: str, name: str, mode: str = "resource") -> Resource | None:
        return self.resources.get((mode, type_name, name))


def is_override(path: str) -> bool:
    name = os.path.basename(path)
    for suffix in CONFIG_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def config_files(folder: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [
        os.path.join(folder, n)
        for n in names
        if n.endswith(CONFIG_SUFFIXES) and os.path.isfile(os.path.join(folder, n))
    ]


def load_module(folder: str, ctx: ReadContext, display=None) -> ModuleConfig:
    """The configuration of the module in ``folder``, parsed once while the run reads it.

    Like the parsed files, it is dropped when the run has moved on to other folders, so that
    memory does not grow with the size of the run; a later use parses it again.
    """
    folder = os.path.abspath(folder)
    return ctx.cached("terraform-module", folder, lambda f: _load(f, ctx, display), keep=False)


def parse_file(path: str, ctx: ReadContext, display: str) -> hcl.HclFile:
    """One ``.tf`` / ``.tf.json`` / ``.tfvars`` file as an ``HclFile`` (cached while in use)."""
    return ctx.cached("terraform-file", path, lambda p: _parse(p, ctx, display), keep=False)


def _parse(path: str, ctx: ReadContext, display: str) -> hcl.HclFile:
    if path not in ctx.inputs:  # an input was held to the limit when it was read
        check_file_size(path, ctx.options.max_file_size)
    if path.endswith(".json"):
        root, _ = parse_json_file(path, display, ctx)
        return hcl.HclFile(display, body_from_json(root))
    return hcl.parse(ctx.read_text(path), display)


def _load(folder: str, ctx: ReadContext, display) -> ModuleConfig:
    config = ModuleConfig(folder)
    files = config_files(folder)
    ordered = [f for f in files if not is_override(f)] + [f for f in files if is_override(f)]
    for path in ordered:
        shown = display(path) if display else ctx.display_path(path)
        config.display[path] = shown
        try:
            parsed = parse_file(path, ctx, shown)
        except ParseError as exc:
            config.errors[path] = exc
            continue
        except OSError as exc:
            config.errors[path] = ParseError(f"cannot read file: {exc.strerror}", 1)
            continue
        config.files.append(path)
        if parsed.error is not None:
            config.errors[path] = parsed.error
        _index(config, parsed.body, path, override=is_override(path))
    log.debug(
        "terraform module %s: %s, %s, %s",
        folder,
        _count(len(config.files), "file"),
        _count(len(config.resources), "resource"),
        _count(len(config.modules), "module call"),
    )
    return config


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _index(config: ModuleConfig, body: hcl.Body, path: str, override: bool) -> None:
    for block in body.blocks:
        if block.broken:
            continue
        kind, labels = block.type, block.labels
        if kind in ("resource", "data") and len(labels) == 2:
            key = (kind, labels[0], labels[1])
            if override and key in config.resources:
                old = config.resources[key]
                old.body = _merged(old.body, block.body)
                continue
            resource = Resource(kind, labels[0], labels[1], block.body, block.loc, path)
            if key in config.resources:
                config.duplicates.append((resource, config.resources[key]))
            else:
                config.resources[key] = resource
        elif kind == "module" and len(labels) == 1:
            if override and labels[0] in config.modules:
                old_call = config.modules[labels[0]]
                old_call.body = _merged(old_call.body, block.body)
                continue
            call = ModuleCall(labels[0], block.body, block.loc, path)
            if labels[0] in config.modules:
                config.duplicates.append((call, config.modules[labels[0]]))
            else:
                config.modules[labels[0]] = call
        elif kind == "variable" and len(labels) == 1:
            name = labels[0]
            if override and name in config.variables:
                old = config.variables[name]
                default = block.body.attributes.get("default")
                type_attr = block.body.attributes.get("type")
                config.variables[name] = Variable(
                    name,
                    default.expr if default else old.default,
                    parse_type(type_attr.expr) if type_attr else old.type,
                    old.loc,
                    old.file,
                )
            else:
                default = block.body.attributes.get("default")
                type_attr = block.body.attributes.get("type")
                config.variables[name] = Variable(
                    name,
                    default.expr if default else None,
                    parse_type(type_attr.expr if type_attr else None),
                    block.loc,
                    path,
                )
        elif kind == "locals":
            config.locals.update(block.body.attributes)


def _merged(base: hcl.Body, extra: hcl.Body) -> hcl.Body:
    """Terraform's override merge: arguments replace arguments, blocks replace blocks by type."""
    replaced = {b.type for b in extra.blocks}
    return hcl.Body(
        {**base.attributes, **extra.attributes},
        [b for b in base.blocks if b.type not in replaced] + list(extra.blocks),
    )
