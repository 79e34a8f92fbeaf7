"""Batch pool specs: the data-plane "Pool - Add" body as JSON or YAML, one pool or a list.

Also the Batch CLI extension pool templates (``{"parameters", "variables", "pool": {"type":
"Microsoft.Batch/batchAccounts/pools", "properties": {...}}}``), whose ``properties`` is a
data-plane body with ARM expressions in it. The same body comes from ``az batch pool show``,
with ``nodeAgentSkuId`` in camel case and read-only fields beside it.
"""

from __future__ import annotations

from batchlint.extract import pool_from_spec
from batchlint.hookspecs import hookimpl
from batchlint.model import ReadResult
from batchlint.reader import (
    ParseError,
    ReadContext,
    SourceFile,
    looks_relevant,
    parse_json,
    parse_json_leniently,
)
from batchlint.readers.arm import POOL_TYPE, template_scope
from batchlint.readers.armexpr import evaluate
from batchlint.values import Lit, Node, Unknown, get, is_list, is_obj

_POOL_KEYS = ("virtualMachineConfiguration", "cloudServiceConfiguration")
_YAML = (".yaml", ".yml")


def is_pool_body(node: Node | None) -> bool:
    return is_obj(node) and any(get(node, key) is not None for key in _POOL_KEYS)


class PoolSpecReader:
    name = "poolspec"
    suffixes = (".json", ".jsonc", ".yaml", ".yml")
    priority = 40

    def read(self, source: SourceFile, ctx: ReadContext) -> ReadResult | None:
        low = source.path.lower()
        if low.endswith(_YAML):
            documents = self._yaml(source)
            if documents is None:
                return ReadResult()
        else:
            try:
                root, _ = parse_json(source, ctx)
            except ParseError:
                lenient = parse_json_leniently(source, ctx)
                if lenient is None:
                    if looks_relevant(source):
                        raise
                    return ReadResult()
                if _holds_pools(lenient):
                    raise
                return ReadResult() if not source.explicit else None
            documents = [root]

        result = ReadResult()
        claimed = False
        for root in documents:
            if _is_cli_template(root) or _is_explorer_template(root):
                claimed = True
                self._template(root, source, result)
                continue
            items = root.value if is_list(root) else [root]
            for item in items:
                if is_pool_body(item):
                    claimed = True
                    name = get(item, "id")
                    result.pools.append(pool_from_spec(_text(name), "pool-spec", item.loc, item))
        return result if claimed else None

    def _yaml(self, source: SourceFile):
        from batchlint import yamlpos

        try:
            return yamlpos.parse(source.text, source.path)
        except ParseError:
            if looks_relevant(source):
                raise
            return None

    def _template(self, root: Node, source: SourceFile, result: ReadResult) -> None:
        pool = get(root, "pool")
        scope = template_scope(root, {}, source.path)
        raw = get(pool, "properties") if _is_cli_template(root) else pool
        body = evaluate(raw, scope)
        name = get(raw, "id")
        name = evaluate(name, scope) if name is not None else None
        if isinstance(name, Unknown):
            name = evaluate(get(raw, "id"), scope.with_placeholders())
        result.pools.append(
            pool_from_spec(_text(name), "batch-cli-template", pool.loc, body or Lit({}, pool.loc))
        )


def _is_cli_template(root: Node) -> bool:
    pool = get(root, "pool")
    kind = get(pool, "type")
    return (
        is_obj(pool)
        and isinstance(kind, Lit)
        and isinstance(kind.value, str)
        and kind.value.lower() == POOL_TYPE
    )


def _is_explorer_template(root: Node) -> bool:
    """A Batch Explorer / CLI extension template whose ``pool`` is the data-plane body itself."""
    return is_obj(get(root, "parameters")) and is_pool_body(get(root, "pool"))


def _holds_pools(root: Node) -> bool:
    items = root.value if is_list(root) else [root]
    return (
        _is_cli_template(root)
        or _is_explorer_template(root)
        or any(is_pool_body(item) for item in items)
    )


def _text(node: Node | None) -> str | None:
    if isinstance(node, Lit) and node.value is not None and not isinstance(node.value, dict):
        return str(node.value)
    return None


@hookimpl
def batchlint_readers():
    return [PoolSpecReader()]
