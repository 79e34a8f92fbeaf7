"""Build pool records from resolved pool bodies.

Two shapes reach here: the ARM resource ``properties`` (ARM, Bicep and the ``body`` of an
``azapi_resource``) and the data-plane "Pool - Add" body (pool specs). Both carry a
``virtualMachineConfiguration``; they differ in where it sits and in a few spellings.
"""

from __future__ import annotations

from batchlint.model import Location, Pool, Value
from batchlint.values import Lit, Node, Unknown, first, get, get_path, is_list, is_null, to_value

_IMAGE_ID_KEYS = ("id", "virtualMachineImageId", "sharedGalleryImageId", "communityGalleryImageId")
_AGENT_KEYS = ("nodeAgentSkuId", "nodeAgentSKUId")


def pool_from_arm_properties(
    name: str | None,
    fmt: str,
    location: Location,
    properties: Node | None,
    **extra,
) -> Pool:
    """A pool from the ``properties`` of a ``Microsoft.Batch/batchAccounts/pools`` resource."""
    deployment = get(properties, "deploymentConfiguration")
    vm_config = get(deployment, "virtualMachineConfiguration")
    scale = get(properties, "scaleSettings")
    low_priority = _low_priority(
        get_path(scale, "fixedScale", "targetLowPriorityNodes"),
        get_path(scale, "autoScale", "formula"),
    )
    return _pool(
        name,
        fmt,
        location,
        properties,
        vm_config,
        cloud_service=get(deployment, "cloudServiceConfiguration"),
        low_priority=low_priority,
        certificates=get(properties, "certificates"),
        **extra,
    )


def pool_from_spec(name: str | None, fmt: str, location: Location, body: Node, **extra) -> Pool:
    """A pool from a data-plane pool body (REST, ``az`` output, Batch CLI extension templates)."""
    low_priority = _low_priority(
        get(body, "targetLowPriorityNodes"),
        get(body, "autoScaleFormula") if _truthy(get(body, "enableAutoScale")) else None,
    )
    return _pool(
        name,
        fmt,
        location,
        body,
        get(body, "virtualMachineConfiguration"),
        cloud_service=get(body, "cloudServiceConfiguration"),
        low_priority=low_priority,
        certificates=get(body, "certificateReferences"),
        **extra,
    )


def _pool(
    name: str | None,
    fmt: str,
    location: Location,
    body: Node | None,
    vm_config: Node | None,
    *,
    cloud_service: Node | None,
    low_priority: Value | None,
    certificates: Node | None,
    **extra,
) -> Pool:
    image = get(vm_config, "imageReference")
    if isinstance(image, Lit) and image.value is not None and not isinstance(image.value, dict):
        image = Unknown(f"imageReference is {_kind(image.value)}, not an object", image.loc)
    image_id = _image_id(image)
    if image_id is not None and image_id.known:
        marketplace = dict.fromkeys(("publisher", "offer", "sku", "version"))
    else:
        marketplace = {key: to_value(get(image, key)) for key in ("publisher", "offer", "sku")}
        marketplace["version"] = to_value(get(image, "version"))

    container = get(vm_config, "containerConfiguration")
    containers = isinstance(container, Lit) and container.value not in (None, False)

    return Pool(
        name=name,
        format=fmt,
        location=location,
        image_id=image_id,
        node_agent_sku_id=to_value(first(vm_config, *_AGENT_KEYS)),
        vm_size=to_value(get(body, "vmSize")),
        containers=containers,
        container_location=container.loc if containers else None,
        cloud_service=_cloud_service(cloud_service),
        os_settings=_os_settings(body, vm_config),
        node_communication_mode=to_value(get(body, "targetNodeCommunicationMode")),
        low_priority_nodes=low_priority,
        certificate_references=_present(certificates),
        extensions=_extensions(get(vm_config, "extensions")),
        **marketplace,
        **extra,
    )


def _kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "an array" if isinstance(value, list) else "a string"


def _image_id(image: Node | None) -> Value | None:
    if isinstance(image, Unknown):
        # Whether an unknown image reference names a custom image is unknown too.
        return Value.unknown(image.reason, image.loc)
    for key in _IMAGE_ID_KEYS:
        node = get(image, key)
        if not is_null(node):
            return to_value(node)
    return None


def _cloud_service(node: Node | None) -> Value | None:
    if is_null(node) or isinstance(node, Unknown):
        # An unknown body may or may not hold one; the image fields say it is unresolved.
        return None
    family = get(node, "osFamily")
    if isinstance(family, Lit) and family.value is not None:
        return Value(str(family.value), family.loc, family.origin)
    return Value("cloudServiceConfiguration", node.loc)


def _os_settings(body: Node | None, vm_config: Node | None) -> tuple[tuple[str, Location], ...]:
    found: list[tuple[str, Location]] = []
    windows = get(vm_config, "windowsConfiguration")
    if not is_null(windows) and windows.loc:
        found.append(("windowsConfiguration", windows.loc))
    accounts = get(body, "userAccounts")
    if is_list(accounts):
        for account in accounts.value:
            for key in ("linuxUserConfiguration", "windowsUserConfiguration"):
                node = get(account, key)
                if not is_null(node) and node.loc:
                    found.append((key, node.loc))
    return tuple(found)


def _extensions(node: Node | None) -> tuple[Value, ...]:
    if not is_list(node):
        return ()
    found = []
    for ext in node.value:
        value = to_value(get(ext, "type"))
        if value is not None:
            found.append(value)
    return tuple(found)


def _low_priority(target: Node | None, formula: Node | None) -> Value | None:
    if isinstance(target, Lit) and target.value not in (None, 0, "0", ""):
        return to_value(target)
    if (
        isinstance(formula, Lit)
        and isinstance(formula.value, str)
        and "$targetlowprioritynodes" in formula.value.lower()
    ):
        return Value("$TargetLowPriorityNodes", formula.loc, formula.origin)
    return None


def _present(node: Node | None) -> Location | None:
    if isinstance(node, Lit) and node.value not in (None, [], {}):
        return node.loc
    return None


def _truthy(node: Node | None) -> bool:
    return isinstance(node, Lit) and node.value in (True, "true", "True")
