"""``batchlint rules`` lists every rule; ``batchlint explain RULE`` prints a rule's page."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from batchlint.app import Plugins
from batchlint.options import UsageError


def doc_path(rule_cls) -> str | None:
    """The documentation page of a rule: ``docs/<rule-name>.md`` beside its module."""
    module = importlib.import_module(rule_cls.__module__)
    folder = os.path.dirname(os.path.abspath(module.__file__))
    path = os.path.join(folder, "docs", f"{rule_cls.name}.md")
    return path if os.path.isfile(path) else None


def doc_text(rule_cls) -> str | None:
    path = doc_path(rule_cls)
    if path is None:
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _list(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="batchlint rules", description="List every rule.")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    args = parser.parse_args(argv)
    rules = Plugins().rule_classes
    if args.format == "json":
        import json

        json.dump(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "severity": str(r.severity),
                    "summary": r.summary,
                    "module": r.__module__,
                }
                for r in rules
            ],
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    width = max((len(r.name) for r in rules), default=4)
    print(f"{'id':<6} {'name':<{width}} {'severity':<8} summary")
    for rule in rules:
        print(f"{rule.id:<6} {rule.name:<{width}} {str(rule.severity):<8} {rule.summary}")
    return 0


def _explain(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="batchlint explain", description="Show a rule's page.")
    parser.add_argument("rule", help="rule name or id, e.g. image-end-of-life or BL105")
    args = parser.parse_args(argv)
    plugins = Plugins()
    rule = plugins.rule(args.rule)
    if rule is None:
        raise UsageError(f"no rule {args.rule!r} (see `batchlint rules`)")
    text = doc_text(rule)
    if text is None:
        text = f"# {rule.name} ({rule.id})\n\n{rule.summary}\n"
        if rule.links:
            text += "\n## Links\n\n" + "\n".join(f"- {link}" for link in rule.links) + "\n"
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def main(argv: list[str]) -> int:
    command, rest = argv[0], argv[1:]
    try:
        return _explain(rest) if command == "explain" else _list(rest)
    except SystemExit as exc:  # argparse's own exit for --help and usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
