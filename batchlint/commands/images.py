"""``batchlint images``: pull a snapshot of the live list, list the catalog, diff two lists.

    batchlint images pull --endpoint URL [--filter ODATA] [--max-results N] -o FILE
    batchlint images list [--images FILE | --live --endpoint URL] [--os linux|windows]
                          [--agent ID] [--verified] [--format table|json]
    batchlint images diff OLD NEW [--format text|json]

``diff`` exits 0 when the lists hold the same images, 1 when they differ (so a scheduled job
can act on a change), 2 when a list cannot be read; ``pull`` exits 3 when the live list cannot
be fetched, and 2 when what it needs to ask for it is missing or unusable (``--auth
shared-key`` without the account and key in the environment, a key that is not base64).
"""

from __future__ import annotations

import argparse
import json
import sys

from batchlint.catalog import Catalog, CatalogError, ImageEntry, norm
from batchlint.cli import _Parser
from batchlint.log import configure as configure_logging
from batchlint.options import LintOptions

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="batchlint images", description="The supported-image catalog.")
    sub = top.add_subparsers(dest="action", metavar="{pull,list,diff}", parser_class=_Parser)
    sub.required = True

    pull = sub.add_parser("pull", help="write a snapshot of a Batch account's live list")
    pull.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the account's Batch endpoint, https://ACCOUNT.REGION.batch.azure.com",
    )
    pull.add_argument(
        "--filter", metavar="ODATA", help="OData $filter, e.g. \"verificationType eq 'verified'\""
    )
    pull.add_argument(
        "--max-results",
        type=_page_size,
        metavar="N",
        help="entries per page the service may return (1 to 1000)",
    )
    pull.add_argument(
        "--timeout",
        type=int,
        metavar="SECONDS",
        help="time the service may spend on each page (its timeOut parameter)",
    )
    pull.add_argument(
        "--auth",
        choices=("auto", "entra", "shared-key"),
        default="auto",
        help="auto: the shared key when AZURE_BATCH_ACCOUNT and "
        "AZURE_BATCH_ACCESS_KEY are set, else Entra ID (default)",
    )
    pull.add_argument("--region", help="region to record (default: read from the endpoint)")
    pull.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="snapshot file to write ('-' for standard output)",
    )
    pull.add_argument("-v", "--verbose", action="count", default=0)

    show = sub.add_parser("list", help="show the catalog in use")
    show.add_argument("--images", metavar="FILE", help="a snapshot file instead of the bundled")
    show.add_argument("--live", action="store_true", help="the live list of --endpoint")
    show.add_argument("--endpoint", metavar="URL", help="Batch account endpoint for --live")
    show.add_argument("--refresh", action="store_true", help="with --live, skip the cache")
    show.add_argument(
        "--config",
        dest="config_file",
        metavar="FILE",
        help="configuration file to take the catalog settings from",
    )
    show.add_argument("--no-config", action="store_true", help="ignore configuration files")
    show.add_argument("--os", choices=("linux", "windows"), help="only images of this OS")
    show.add_argument("--agent", metavar="ID", help="only images for this node agent SKU")
    show.add_argument("--verified", action="store_true", help="only verified images")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.add_argument("-v", "--verbose", action="count", default=0)

    diff = sub.add_parser("diff", help="images added, removed and changed between two lists")
    diff.add_argument("old", metavar="OLD", help="a snapshot file, or 'bundled'")
    diff.add_argument("new", metavar="NEW", help="a snapshot file, or 'bundled'")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument("-v", "--verbose", action="count", default=0)
    return top


def _page_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be from 1 to 1000")
    return value


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv[1:])
    configure_logging(args.verbose)
    try:
        return {"pull": pull, "list": show, "diff": diff}[args.action](args)
    except CatalogError as exc:
        print(f"batchlint: error: {exc}", file=sys.stderr)
        return exc.exit_code


def pull(args) -> int:
    from batchlint.catalog.cache import write_json
    from batchlint.catalog.live import client_for, snapshot_document

    client = client_for(args.endpoint, auth=args.auth)
    result = client.list_supported_images(
        filter=args.filter, max_results=args.max_results, timeout=args.timeout
    )
    doc = snapshot_document(result, region=args.region)
    if args.output == "-":
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    write_json(args.output, doc)
    region = f", region {doc['source']['region']}" if doc["source"]["region"] else ""
    print(
        f"wrote {args.output}: {doc['count']} images from {result.endpoint}{region}, "
        f"fetched {result.fetched_at} ({result.pages} page{'' if result.pages == 1 else 's'})",
        file=sys.stderr,
    )
    return EXIT_OK


def show(args) -> int:
    from batchlint import config, run
    from batchlint.app import Plugins

    explicit: dict = {}
    for name in ("images", "endpoint", "config_file"):
        if getattr(args, name) is not None:
            explicit[name] = getattr(args, name)
    for name in ("live", "refresh"):
        if getattr(args, name):
            explicit[name] = True
    opts = LintOptions()
    config.apply(opts, explicit, no_config=args.no_config)
    catalog = run.load_catalog(Plugins(), opts)

    entries = [e for e in catalog.entries if _wanted(e, args)]
    if args.format == "json":
        doc = {
            "catalog": catalog.info.to_json(),
            "count": len(entries),
            "images": [e.to_rest() for e in entries],
        }
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(catalog, entries))
    return EXIT_OK


def os_of(entry: ImageEntry) -> str:
    """The entry's OS; lists without ``osType`` say it through the node agent's name."""
    if entry.os_type:
        return entry.os_type.lower()
    return "windows" if "windows" in entry.node_agent.lower() else "linux"


def _wanted(entry: ImageEntry, args) -> bool:
    if args.os and os_of(entry) != args.os:
        return False
    if args.agent and norm(entry.node_agent) != norm(args.agent):
        return False
    return not (args.verified and not entry.verified)


def table(catalog: Catalog, entries: list[ImageEntry]) -> str:
    """The entries as aligned columns under a line naming the catalog."""
    head = f"catalog: {catalog.info.label()} ({len(entries)} of {len(catalog.entries)} images)"
    rows = [("IMAGE", "NODE AGENT", "VERIFICATION", "OS", "END OF LIFE", "CAPABILITIES")]
    for entry in sorted(entries, key=lambda e: (e.key, norm(e.node_agent))):
        rows.append(
            (
                entry.image,
                entry.node_agent,
                entry.verification,
                os_of(entry),
                entry.end_of_life.isoformat() if entry.end_of_life else "-",
                ", ".join(entry.capabilities) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [head]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)] + [
            row[-1]
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def load_list(name: str) -> Catalog:
    """A catalog named on the command line: a snapshot file, or ``bundled``."""
    from batchlint.catalog.snapshot import load_bundled, load_file

    return load_bundled() if name == "bundled" else load_file(name)


def diff(args) -> int:
    from batchlint.catalog import diff as catalog_diff

    old, new = load_list(args.old), load_list(args.new)
    changes = catalog_diff.compare(old, new)
    if args.format == "json":
        json.dump(catalog_diff.to_json(changes, old, new), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(catalog_diff.to_text(changes, old, new))
    return EXIT_OK if changes.empty else EXIT_DIFFERENT
