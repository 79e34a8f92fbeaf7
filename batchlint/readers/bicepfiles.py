"""The Bicep files a read touches: each parsed once per run, and how inputs lead to others.

A .bicepparam input leads to the template it uses; a template leads to its local modules, and
they to theirs (a template or a module may be an ARM JSON template, whose own links are not
followed). An input that another input leads to is reported there, not on its own, so a
template passed with its .bicepparam file, or a module found beside its caller, gives each
pool once.
"""

from __future__ import annotations

import os

from batchlint.reader import ParseError, ReadContext
from batchlint.readers import bicepparse
from batchlint.readers.bicepexpr import REGISTRY_PREFIXES
from batchlint.readers.bicepsyntax import BicepFile, Module
from batchlint.readers.limits import check_file_size

#: What a module or a ``using`` line may name: a Bicep file or an ARM JSON template.
TEMPLATE_SUFFIXES = (".bicep", ".json", ".jsonc")


def is_registry(source: str) -> bool:
    """Whether a module or ``using`` source names a registry or a template spec."""
    return source.lower().startswith(REGISTRY_PREFIXES)


def load(ctx: ReadContext, path: str, display: str, text: str | None = None) -> BicepFile:
    """The parsed Bicep file at ``path``; raises ``OSError`` or ``ParseError``.

    Parsed once while the run uses it, and dropped when the run has moved on (memory does not
    grow with the number of files); a later use parses it again.
    """

    def build(_):
        if text is None:
            check_file_size(path, ctx.options.max_file_size)
        body = ctx.read_text(path) if text is None else text
        return bicepparse.parse(body, display, bicepparam=path.lower().endswith(".bicepparam"))

    return ctx.cached(f"bicep:{display}", path, build, keep=False)


def reported_through(ctx: ReadContext) -> dict[str, str]:
    """Inputs that another input leads to, each with the input it is reported through.

    Inputs that no other input leads to are the starting points. A set of inputs that only
    lead to each other (a module cycle) has none, so each of them is read on its own and the
    cycle is reported.
    """
    return ctx.cached("bicep-reported-through", ".", lambda _: _index(ctx))


def _index(ctx: ReadContext) -> dict[str, str]:
    # Most files refer to no other: they share one empty tuple, and have no reach set.
    edges: dict[str, tuple[str, ...]] = {}

    def references(path: str) -> tuple[str, ...]:
        if path not in edges:
            edges[path] = ()
            if not path.lower().endswith((".bicep", ".bicepparam")):
                return ()  # an ARM template: its links are not followed
            try:
                # A file without these words refers to no other file, and the text tells that
                # without a parse; in a run over many files most of them are leaves.
                text = ctx.read_text(path)
                if "module" not in text and "using" not in text:
                    return ()
                file = load(ctx, path, ctx.display_path(path))
            except (OSError, ParseError):
                return ()
            refs = [file.using.source] if file.using is not None else []
            refs += [d.source for d in file.declarations if isinstance(d, Module)]
            here = os.path.dirname(path)
            edges[path] = tuple(
                os.path.normpath(os.path.join(here, ref))
                for ref in refs
                if not is_registry(ref) and ref.lower().endswith(TEMPLATE_SUFFIXES)
            )
        return edges[path]

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        pending = [start]
        while pending:
            for target in references(pending.pop()):
                if target not in seen and os.path.isfile(target):
                    seen.add(target)
                    pending.append(target)
        return seen

    inputs = sorted(p for p in ctx.inputs if p.lower().endswith((".bicep", ".bicepparam")))
    reach = {path: found for path in inputs if (found := reachable(path))}
    # One pass over the reach sets: asking, for each input, whether any other input reaches it
    # takes time that grows with the square of the number of inputs.
    reached = {target for q in reach for target in reach[q] if target != q}
    starts = [p for p in reach if p not in reached]
    through: dict[str, str] = {}
    for start in starts:
        for target in sorted(reach[start]):
            if target in ctx.inputs and target != start:
                through.setdefault(target, start)
    return through
