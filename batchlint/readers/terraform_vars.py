"""Values of a root module's variables, from the places ``terraform plan`` takes them.

Lowest to highest precedence: the variable's ``default``; ``terraform.tfvars``;
``terraform.tfvars.json``; ``*.auto.tfvars`` and ``*.auto.tfvars.json`` in lexical order of
their names; then ``--var-file`` files in the order given; then ``--var NAME=VALUE``. A later
source wins. Terraform would interleave ``-var`` and ``-var-file`` in command-line order; the
lint command keeps them as two lists, so every ``--var`` wins over every ``--var-file``.
``TF_VAR_*`` environment variables are not read, so that a lint result depends only on files and
options that a reviewer can see.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from batchlint.log import get as get_logger
from batchlint.model import Location
from batchlint.reader import ParseError, ReadContext, parse_json_file
from batchlint.readers import hcl
from batchlint.readers.hclexpr import NoReferences, Scope, evaluate, relabel
from batchlint.readers.terraform_config import ModuleConfig, Variable, parse_file
from batchlint.values import Lit, Node, is_obj

log = get_logger(__name__)

#: Where a ``--var`` value is said to be written.
COMMAND_LINE = "<command line>"


def tfvars_files(folder: str) -> list[str]:
    """The variable files Terraform loads by itself for a root module in ``folder``."""
    found = []
    for name in ("terraform.tfvars", "terraform.tfvars.json"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            found.append(path)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    for name in names:
        if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append(path)
    return found


def read_tfvars(path: str, ctx: ReadContext, display: str) -> dict[str, Node]:
    """The values a variables file sets, each credited to the file. Raises ``ParseError``."""
    if path.lower().endswith(".json"):
        root, _ = parse_json_file(path, display, ctx)
        if not is_obj(root):
            raise ParseError("a .tfvars.json file must hold one JSON object", 1)
        return {name: relabel(value, display) for name, value in root.value.items()}
    parsed = parse_file(path, ctx, display)
    if parsed.error is not None:
        raise parsed.error
    if parsed.body.blocks:
        # As Terraform says of a configuration file given as -var-file: blocks are not allowed.
        block = parsed.body.blocks[0]
        raise ParseError(
            f"not a variables file: it holds a {block.type!r} block, and a variables file only "
            "sets name = value",
            block.loc.line,
            block.loc.column,
        )
    scope = Scope(NoReferences())
    return {
        name: relabel(evaluate(attr.expr, scope), display)
        for name, attr in parsed.body.attributes.items()
    }


def var_option(name: str, text: str, decl: Variable | None) -> Node:
    """A ``--var NAME=VALUE`` value: a string for a primitive variable, else an expression."""
    loc = Location(COMMAND_LINE, 1, 1)
    origin = f"--var {name}"
    if decl is None or decl.type.kind in ("string", "number", "bool", "any"):
        return Lit(text, loc, origin)
    try:
        expr = hcl.parse_expression(text, loc)
    except ParseError:
        return Lit(text, loc, origin)
    return relabel(evaluate(expr, Scope(NoReferences())), origin)


def root_inputs(
    config: ModuleConfig, ctx: ReadContext, report: Callable[[str, ParseError], None]
) -> dict[str, Node]:
    """The values set for the variables of the root module in ``config.folder``.

    ``report(path, error)`` is called for a variables file that cannot be read.
    """
    values: dict[str, Node] = {}
    files = tfvars_files(config.folder)
    files += [os.path.abspath(p) for p in ctx.options.var_files]
    for path in files:
        display = ctx.display_path(path)
        try:
            found = read_tfvars(path, ctx, display)
        except ParseError as exc:
            report(path, exc)
            continue
        except OSError as exc:
            report(path, ParseError(f"cannot read variables file: {exc.strerror}", 1))
            continue
        log.debug("%s sets %s", display, ", ".join(sorted(found)) or "nothing")
        values.update(found)
    for name, text in ctx.options.variables.items():
        values[name] = var_option(name, text, config.variables.get(name))
    return values
