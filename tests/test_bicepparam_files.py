""".bicepparam files beyond ``using``: ``using none``, ``extends``, names given twice or not
declared, and a .bicepparam file given for an ARM JSON template."""

from __future__ import annotations

import pytest
from suppression_samples import SAMPLES
from test_bicep_reader import agents, pool, read

from batchlint.reader import ReadContext, ReadOptions, SourceFile
from batchlint.readers.arm import ArmReader
from batchlint.readers.bicepparse import parse

TWICE = "'{}' is declared more than once in this file (Bicep error BCP028)"
TEMPLATE = "param agent string = 'batch.node.ubuntu 22.04'\n" + pool(agent="agent")


def _messages(diagnostics) -> list[tuple[str, int, str]]:
    return [(d.location.file, d.location.line, d.message) for d in diagnostics]


def test_using_none_is_a_parameters_file_tied_to_no_template(tmp_path, monkeypatch):
    files = {"base.bicepparam": "using none\n\nparam agent = 'batch.node.ubuntu 24.04'\n"}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["base.bicepparam"])
    assert (pools, diagnostics) == ([], [])
    parsed = parse(files["base.bicepparam"], "base.bicepparam", bicepparam=True)
    assert parsed.errors == []
    assert parsed.using.source == "none" and parsed.using.loc.line == 1
    assert "agent" in parsed.params


def test_using_none_in_a_comment_or_a_template_is_left_alone():
    parsed = parse("// using none\nusing './main.bicep'\n", "a.bicepparam", bicepparam=True)
    assert parsed.using.source == "./main.bicep"
    assert parse("using none\n", "main.bicep").errors  # not a template statement


def test_extends_gives_the_base_values_first(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param size string = 'x'\n" + TEMPLATE,
        "base.bicepparam": "using none\nparam agent = 'batch.node.ubuntu 20.04'\n"
        "param size = 'base'\n",
        "prod.bicepparam": "using './main.bicep'\nextends './base.bicepparam'\n\n"
        "param size = 'prod'\n",
        "test.bicepparam": "using './main.bicep'\nextends 'base.bicepparam'\n"
        "param agent = 'batch.node.ubuntu 24.04'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["prod.bicepparam"])
    assert diagnostics == []
    assert agents(pools) == [("pool-a", "batch.node.ubuntu 20.04", "base.bicepparam", 2)]
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["test.bicepparam"])
    assert diagnostics == []
    assert agents(pools) == [("pool-a", "batch.node.ubuntu 24.04", "test.bicepparam", 3)]


def test_a_missing_or_circular_base_is_reported(tmp_path, monkeypatch):
    files = {
        "main.bicep": TEMPLATE,
        "lost.bicepparam": "using './main.bicep'\nextends './gone.bicepparam'\n",
        "self.bicepparam": "using './main.bicep'\nextends './self.bicepparam'\n",
        "a.bicepparam": "using './main.bicep'\nextends './b.bicepparam'\n",
        "b.bicepparam": "using none\nextends './a.bicepparam'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["lost.bicepparam"])
    assert [d.kind for d in diagnostics] == ["module-not-found"]
    assert "gone.bicepparam" in diagnostics[0].message and len(pools) == 1
    _, diagnostics = read(tmp_path, monkeypatch, files, ["self.bicepparam"])
    assert _messages(diagnostics) == [("self.bicepparam", 2, "self.bicepparam extends itself")]
    _, diagnostics = read(tmp_path, monkeypatch, files, ["a.bicepparam"])
    assert _messages(diagnostics) == [
        ("b.bicepparam", 2, "b.bicepparam extends ./a.bicepparam, which extends it in turn")
    ]


def test_a_name_declared_twice_is_an_error_at_the_second(tmp_path, monkeypatch):
    files = {
        "main.bicep": TEMPLATE,
        "main.bicepparam": "using './main.bicep'\nparam agent = 'a'\nparam agent = 'b'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert _messages(diagnostics) == [("main.bicepparam", 3, TWICE.format("agent"))]
    assert agents(pools)[0][1] == "b"
    template = parse("param a string\nvar a = 1\n" + pool(), "main.bicep")
    assert [(e.line, e.message) for e in template.errors] == [(2, TWICE.format("a"))]


def test_a_value_for_a_parameter_the_template_does_not_declare_is_an_error(tmp_path, monkeypatch):
    files = {
        "main.bicep": TEMPLATE,
        "main.bicepparam": "using './main.bicep'\nparam agnet = 'batch.node.ubuntu 24.04'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert [d.kind for d in diagnostics] == ["parse-error"]
    assert _messages(diagnostics)[0][:2] == ("main.bicepparam", 2)
    assert "declares no parameter agnet (Bicep error BCP259)" in diagnostics[0].message
    assert agents(pools)[0][1] == "batch.node.ubuntu 22.04"


# The ARM sample pool of the suppression tests, its node agent a template parameter.
ARM_TEXT = (
    SAMPLES["arm-jsonc"]
    .render(agent_value="[parameters('agent')]")
    .replace('"resources"', '"parameters": {"agent": {"type": "string"}},\n  "resources"')
)


def _arm(tmp_path, monkeypatch, files, parameters):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    ctx = ReadContext(["t.json"], ReadOptions(parameter_files=tuple(parameters)))
    return ArmReader().read(SourceFile("t.json", (tmp_path / "t.json").read_text(), True), ctx)


def test_a_bicepparam_file_gives_the_values_of_an_arm_template(tmp_path, monkeypatch):
    files = {
        "t.json": ARM_TEXT,
        "base.bicepparam": "using none\nparam agent = 'batch.node.ubuntu 20.04'\n",
        "t.bicepparam": "using './t.json'\nextends './base.bicepparam'\n",
    }
    result = _arm(tmp_path, monkeypatch, files, ["t.bicepparam"])
    assert result.diagnostics == []
    expected = ("acct/pool-a", "batch.node.ubuntu 20.04", "base.bicepparam", 2)
    assert agents(result.pools) == [expected]
    assert "base.bicepparam" in result.depends_on


def test_a_missing_bicepparam_file_for_an_arm_template_is_reported(tmp_path, monkeypatch):
    result = _arm(tmp_path, monkeypatch, {"t.json": ARM_TEXT}, ["no.bicepparam"])
    assert _messages(result.diagnostics) == [
        ("no.bicepparam", 1, "cannot read parameters file: No such file or directory")
    ]


def test_assignments_after_an_unclosed_string_are_still_read(tmp_path, monkeypatch):
    files = {
        "main.bicep": "param size string = 'x'\n" + TEMPLATE,
        "main.bicepparam": "using './main.bicep'\nparam size = 'big\n\n"
        "param agent = 'batch.node.ubuntu 24.04'\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["main.bicepparam"])
    assert [(d.location.line, d.message.split(":")[0]) for d in diagnostics] == [
        (2, "unterminated string")
    ]
    assert agents(pools) == [("pool-a", "batch.node.ubuntu 24.04", "main.bicepparam", 4)]


def test_an_undeclared_value_for_an_arm_template_is_an_error(tmp_path, monkeypatch):
    files = {
        "t.json": ARM_TEXT,
        "t.bicepparam": "using './t.json'\nparam AGENT = 'batch.node.ubuntu 22.04'\n"
        "param nosuch = 1\n",
    }
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["t.bicepparam"])
    assert [(d.location.line, d.message) for d in diagnostics] == [
        (
            3,
            "parameter nosuch is given a value, but ./t.json declares no parameter nosuch "
            "(Bicep error BCP259)",
        )
    ]
    result = _arm(tmp_path, monkeypatch, files, ["t.bicepparam"])
    assert [d.location.line for d in result.diagnostics] == [3]
    assert agents(result.pools)[0][1] == "batch.node.ubuntu 22.04"


def test_a_parameters_option_for_another_template_is_reported_and_not_used(tmp_path, monkeypatch):
    files = {
        "main.bicep": TEMPLATE,
        "t.json": ARM_TEXT,
        "other.bicepparam": "using './other.bicep'\nparam agent = 'batch.node.ubuntu 24.04'\n",
        "extra.bicepparam": "using './main.bicep'\nparam agent = 'batch.node.ubuntu 24.04'\n"
        "param nope = 1\n",
    }
    message = (
        "other.bicepparam is for ./other.bicep (its using line), not for this template; "
        "its values are not used"
    )
    pools, diagnostics = read(
        tmp_path, monkeypatch, files, ["main.bicep"], parameter_files=("other.bicepparam",)
    )
    assert _messages(diagnostics) == [("other.bicepparam", 1, message)]
    assert agents(pools)[0][1] == "batch.node.ubuntu 22.04"
    result = _arm(tmp_path, monkeypatch, files, ["other.bicepparam"])
    assert _messages(result.diagnostics) == [("other.bicepparam", 1, message)]
    pools, diagnostics = read(
        tmp_path, monkeypatch, files, ["main.bicep"], parameter_files=("extra.bicepparam",)
    )
    assert [(d.location.line, "BCP259" in d.message) for d in diagnostics] == [(3, True)]
    assert agents(pools)[0][1] == "batch.node.ubuntu 24.04"


def test_a_broken_extends_in_a_file_for_no_template_is_reported(tmp_path, monkeypatch):
    files = {"base.bicepparam": "using none\nextends './gone.bicepparam'\n"}
    pools, diagnostics = read(tmp_path, monkeypatch, files, ["base.bicepparam"])
    assert pools == []
    assert [(d.kind, d.location.line) for d in diagnostics] == [("module-not-found", 2)]


def test_a_parameters_option_without_a_using_line_is_reported_and_not_used(tmp_path, monkeypatch):
    files = {
        "main.bicep": TEMPLATE,
        "t.json": ARM_TEXT,
        "nouse.bicepparam": "param agent = 'batch.node.ubuntu 20.04'\n",
    }
    pools, diagnostics = read(
        tmp_path, monkeypatch, files, ["main.bicep"], parameter_files=("nouse.bicepparam",)
    )
    assert [(d.location.file, d.message.split(":")[0]) for d in diagnostics] == [
        ("nouse.bicepparam", "no using line")
    ]
    assert agents(pools)[0][1] == "batch.node.ubuntu 22.04"
    result = _arm(tmp_path, monkeypatch, files, ["nouse.bicepparam"])
    assert [d.message.split(":")[0] for d in result.diagnostics] == ["no using line"]


@pytest.mark.parametrize(
    "text",
    [
        "using none\nusing './main.bicep'\n",
        "using './main.bicep'\nusing none\n",
        "using none\nusing none\n",
    ],
)
def test_using_none_is_a_using_line_too(text):
    parsed = parse(text, "a.bicepparam", bicepparam=True)
    assert [e.message for e in parsed.errors] == ["a parameters file has one using line"]
