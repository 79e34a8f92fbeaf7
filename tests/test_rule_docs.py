"""Every built-in rule has a documentation page with the standard sections, and explain shows it.

The page of rule ``<name>`` is ``rules/docs/<name>.md`` (``docs/`` beside the rule's module). A
missing page fails the test: no built-in rule is exempt.
"""

from __future__ import annotations

import importlib
import os

import pytest

from batchlint import cli
from batchlint.app import Plugins

SECTIONS = (
    "What it finds",
    "Why it matters",
    "How to fix",
    "Example that fails",
    "Example that passes",
    "Configuration",
    "Links",
)

BUILT_IN = [
    cls for cls in Plugins().rule_classes if cls.__module__.split(".")[0] == "batchlint_rules"
]


def page_path(rule) -> str:
    module = importlib.import_module(rule.__module__)
    folder = os.path.dirname(os.path.abspath(module.__file__))
    return os.path.join(folder, "docs", f"{rule.name}.md")


def read_page(rule) -> str:
    path = page_path(rule)
    assert os.path.isfile(path), f"{rule.id} {rule.name} has no page: {path} is missing"
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of the Markdown headings, leaving out lines inside fenced code blocks."""
    found, fence = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if line.startswith("#"):
            marks, _, title = line.partition(" ")
            if set(marks) == {"#"}:
                found.append((len(marks), title.strip()))
    return found


def rule_id(rule) -> str:
    return f"{rule.id}-{rule.name}"


def test_the_built_in_rules_are_found():
    assert BUILT_IN, "no rule class from batchlint_rules is registered"


@pytest.mark.parametrize("rule", BUILT_IN, ids=rule_id)
def test_page_has_the_title_and_the_sections_in_order(rule):
    text = read_page(rule)
    found = headings(text)

    assert found[:1] == [(1, f"{rule.name} ({rule.id})")]
    assert [level for level, _ in found[1:]] == [2] * (len(found) - 1), "only one # heading"
    assert [title for _, title in found[1:]] == list(SECTIONS)


@pytest.mark.parametrize("rule", BUILT_IN, ids=rule_id)
def test_page_has_a_synopsis_before_the_first_section(rule):
    text = read_page(rule)
    title, _, rest = text.partition("\n")
    synopsis = rest.split("\n## ", 1)[0].strip()

    assert title.startswith("# ")
    assert synopsis, "a one-line synopsis paragraph follows the title"
    assert "\n\n" not in synopsis, "the synopsis is one paragraph"


@pytest.mark.parametrize("rule", BUILT_IN, ids=rule_id)
def test_explain_prints_the_page(rule, capsys):
    text = read_page(rule)
    expected = text if text.endswith("\n") else text + "\n"

    for key in (rule.name, rule.id):
        assert cli.main(["explain", key]) == 0
        assert capsys.readouterr().out == expected
