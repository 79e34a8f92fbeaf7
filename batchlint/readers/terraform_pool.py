"""Pool records from evaluated ``azurerm_batch_pool`` arguments (configuration or plan).

The azurerm arguments are rearranged into the ARM shape of a pool's ``properties`` and handed
to ``batchlint.extract``, so every reader fills the pool record the same way. Each value keeps
the place it was written. A nested block may arrive as a list of blocks (native syntax, plan
JSON) or as one object (``.tf.json``); both are read.
"""

from __future__ import annotations

from batchlint.extract import pool_from_arm_properties
from batchlint.model import Location, Pool
from batchlint.values import Lit, Node, Unknown, get


def blocks(body: Node | None, name: str) -> list[Node] | Unknown:
    """The nested blocks ``name`` of a body: a list (possibly empty), or Unknown."""
    node = get(body, name, ignore_case=False)
    if isinstance(node, Unknown):
        return node
    if node is None or not isinstance(node, Lit) or node.value is None:
        return []
    if isinstance(node.value, list):
        return [b for b in node.value if b is not None]
    return [node]


def first_block(body: Node | None, name: str) -> Node | None:
    found = blocks(body, name)
    if isinstance(found, Unknown):
        return found
    for block in found:
        if isinstance(block, Unknown) or (isinstance(block, Lit) and block.value is not None):
            return block
    return None


def arm_properties(body: Node, loc: Location) -> Lit:
    """The ARM ``properties`` shape of an ``azurerm_batch_pool`` body."""

    def lit(mapping: dict) -> Lit:
        return Lit({k: v for k, v in mapping.items() if v is not None}, loc)

    def arg(node: Node | None, name: str) -> Node | None:
        return get(node, name, ignore_case=False)

    vm_config = lit(
        {
            "imageReference": first_block(body, "storage_image_reference"),
            "nodeAgentSkuId": arg(body, "node_agent_sku_id"),
            "containerConfiguration": first_block(body, "container_configuration"),
            "windowsConfiguration": first_block(body, "windows"),
            "extensions": _list(blocks(body, "extensions"), loc),
        }
    )
    accounts = blocks(body, "user_accounts")
    user_accounts = None
    if isinstance(accounts, list) and accounts:
        user_accounts = Lit(
            [
                lit(
                    {
                        "linuxUserConfiguration": first_block(a, "linux_user_configuration"),
                        "windowsUserConfiguration": first_block(a, "windows_user_configuration"),
                    }
                )
                for a in accounts
            ],
            loc,
        )
    fixed = first_block(body, "fixed_scale")
    auto = first_block(body, "auto_scale")
    scale = lit(
        {
            "fixedScale": lit({"targetLowPriorityNodes": arg(fixed, "target_low_priority_nodes")})
            if fixed is not None
            else None,
            "autoScale": lit({"formula": arg(auto, "formula")}) if auto is not None else None,
        }
    )
    return lit(
        {
            "vmSize": arg(body, "vm_size"),
            "deploymentConfiguration": lit({"virtualMachineConfiguration": vm_config}),
            "userAccounts": user_accounts,
            "targetNodeCommunicationMode": arg(body, "target_node_communication_mode"),
            "scaleSettings": scale,
            "certificates": _list(blocks(body, "certificate"), loc),
        }
    )


def _list(found: list[Node] | Unknown, loc: Location) -> Node | None:
    """Repeated blocks as one list, placed at the first block (where a finding should point)."""
    if isinstance(found, Unknown):
        return found
    if not found:
        return None
    return Lit(found, getattr(found[0], "loc", None) or loc)


def pool_from_azurerm(name: str | None, fmt: str, loc: Location, body: Node, **extra) -> Pool:
    """A pool record from the evaluated arguments of an ``azurerm_batch_pool``."""
    return pool_from_arm_properties(name, fmt, loc, arm_properties(body, loc), **extra)


def is_azapi_pool_type(node: Node | None) -> bool:
    """Whether an ``azapi_resource`` ``type`` names a Batch pool."""
    if not isinstance(node, Lit) or not isinstance(node.value, str):
        return False
    return node.value.split("@", 1)[0].lower() == "microsoft.batch/batchaccounts/pools"
