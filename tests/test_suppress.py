"""Inline suppressions in every format with comments: what they hide, expiry, unused, invalid."""

from __future__ import annotations

import pytest
from suppression_samples import AGENT_NEEDLE, SAMPLES, lint, reader_ready, seen


def _formats():
    return [
        pytest.param(
            name,
            marks=pytest.mark.skipif(
                not reader_ready(name), reason=f"the {name} reader finds no pool in the sample yet"
            ),
        )
        for name in SAMPLES
    ]


FORMATS = _formats()


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rules(result) -> list[tuple[str, int]]:
    return [(f.rule_name, f.location.line) for f in result.findings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_finding_is_reported_without_a_suppression(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here)
    result = lint(sample.file)
    assert [(f.rule_name, f.location.line) for f in seen(result)] == [
        ("pool-seen", sample.line_of(AGENT_NEEDLE[fmt]))
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_next_line_directive_hides_the_finding_on_the_line_below(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here, agent="batchlint-disable-next-line pool-seen -- agent pinned on purpose")
    result = lint(sample.file)
    assert seen(result) == []
    assert [f.rule_name for f in result.suppressed] == ["pool-seen"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_directive_above_the_pool_hides_findings_anywhere_in_the_pool(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here, pool="batchlint-disable-next-line pool-seen -- legacy pool, see ticket 12")
    result = lint(sample.file)
    assert seen(result) == []
    assert len(result.suppressed) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_directive_hides_findings_in_the_whole_file(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here, top="batchlint-disable-file pool-seen -- generated file")
    result = lint(sample.file)
    assert seen(result) == []
    assert len(result.suppressed) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_expired_suppression_leaves_the_finding_with_a_note(here, fmt):
    sample = SAMPLES[fmt]
    directive = "batchlint-disable-next-line pool-seen -- until the migration until=2026-06-30"
    sample.write(here, agent=directive)
    result = lint(sample.file)
    [finding] = seen(result)
    comment_line = sample.line_of("batchlint-disable", agent=directive)
    assert finding.note.startswith("suppression expired on 2026-06-30")
    assert f"{sample.file}:{comment_line}:" in finding.note
    assert result.suppressed == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unused_suppression_is_reported_at_the_comment_when_asked(here, fmt):
    sample = SAMPLES[fmt]
    directive = "batchlint-disable-next-line image-unverified -- not needed any more"
    sample.write(here, agent=directive)
    result = lint(sample.file, report_unused_suppressions=True)
    [unused] = [f for f in result.findings if f.rule_name == "suppression-unused"]
    line = sample.line_of("batchlint-disable", agent=directive)
    assert (unused.rule_id, unused.location.file, unused.location.line) == (
        "BL402",
        sample.file,
        line,
    )
    assert "image-unverified" in unused.message
    assert str(unused.severity) == "warning"


@pytest.mark.parametrize("fmt", FORMATS)
def test_suppression_without_a_reason_is_reported_and_suppresses_nothing(here, fmt):
    sample = SAMPLES[fmt]
    sample.write(here, agent="batchlint-disable-next-line pool-seen")
    result = lint(sample.file)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    line = sample.line_of("batchlint-disable", agent="batchlint-disable-next-line pool-seen")
    assert (invalid.rule_id, invalid.location.line, str(invalid.severity)) == (
        "BL401",
        line,
        "error",
    )
    assert "no reason" in invalid.message
    assert len(seen(result)) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_directive_written_inside_a_string_is_not_a_suppression(here, fmt):
    sample = SAMPLES[fmt]
    value = "batch.node.ubuntu 22.04 // batchlint-disable-file pool-seen -- no"
    if fmt.startswith("terraform") or fmt == "yaml":
        value = value.replace("//", "#")
    sample.write(here, agent_value=value)
    result = lint(sample.file)
    assert len(seen(result)) == 1
    assert result.suppressed == []


def test_unused_suppressions_are_not_reported_by_default(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line image-unverified -- not needed")
    result = lint(sample.file)
    assert [f.rule_name for f in result.findings] == ["pool-seen"]


def test_suppression_on_its_last_day_still_applies(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line pool-seen -- ok until=2026-12-03")
    result = lint(sample.file)
    assert seen(result) == []


def test_rule_may_be_named_by_its_id(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line TST001 -- by id")
    assert seen(lint(sample.file)) == []


def test_several_rules_may_be_named_with_commas(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line image-unverified, pool-seen -- both")
    assert seen(lint(sample.file)) == []


def test_all_names_every_rule(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line all -- experimental pool")
    assert seen(lint(sample.file)) == []


def test_a_suppression_of_another_rule_leaves_the_finding(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line image-unverified -- other rule")
    assert len(seen(lint(sample.file))) == 1


def test_unknown_rule_in_a_suppression_is_reported(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line pool-sen -- typo")
    result = lint(sample.file)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert "unknown rule 'pool-sen'" in invalid.message
    assert len(seen(result)) == 1


def test_bad_until_date_is_reported(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line pool-seen -- soon until=2026-02-30")
    result = lint(sample.file)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert "until=2026-02-30 is not a date" in invalid.message
    assert len(seen(result)) == 1


def test_unknown_directive_is_reported(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable pool-seen -- missing the form")
    result = lint(sample.file)
    [invalid] = [f for f in result.findings if f.rule_name == "suppression-invalid"]
    assert "unknown directive batchlint-disable " in invalid.message


def test_comment_that_only_mentions_a_directive_is_not_one(here):
    sample = SAMPLES["yaml"]
    comment = "see batchlint-disable-next-line in the README"
    sample.write(here, agent=comment)
    result = lint(sample.file)
    assert _rules(result) == [("pool-seen", sample.line_of("nodeAgentSKUId", agent=comment))]


def test_stacked_directives_apply_to_the_same_line(here):
    sample = SAMPLES["yaml"]
    text = sample.render(agent="batchlint-disable-next-line image-unverified -- a")
    line = sample.line_of("batchlint-disable", agent="x batchlint-disable")
    lines = text.splitlines()
    lines.insert(line - 1, "    # batchlint-disable-next-line pool-seen -- b")
    (here / sample.file).write_text("\n".join(lines) + "\n")
    result = lint(sample.file, report_unused_suppressions=True)
    assert seen(result) == []
    assert [f.rule_name for f in result.findings] == ["suppression-unused"]


def test_block_comment_directive_in_jsonc(here):
    sample = SAMPLES["arm-jsonc"]
    text = sample.render().replace(
        '"nodeAgentSkuId"', '/* batchlint-disable-next-line pool-seen -- block */\n"nodeAgentSkuId"'
    )
    (here / sample.file).write_text(text)
    assert seen(lint(sample.file)) == []


DEFAULT = '{"type": "string", "defaultValue": "batch.node.ubuntu 22.04"}'


def test_directive_above_the_pool_covers_a_finding_at_a_parameter_default(here):
    template = (
        SAMPLES["arm-jsonc"]
        .render(
            pool="batchlint-disable-next-line pool-seen -- agent comes from a parameter",
            agent_value="[parameters('agent')]",
        )
        .replace(
            '"resources"',
            f'"parameters": {{"agent": {DEFAULT}}},\n  "resources"',
        )
    )
    (here / "azuredeploy.json").write_text(template)
    result = lint("azuredeploy.json")
    assert seen(result) == []
    [hidden] = result.suppressed
    default_line = next(n for n, t in enumerate(template.splitlines(), 1) if "defaultValue" in t)
    assert hidden.location.line == default_line  # above the pool, outside its definition


def test_directive_above_the_pool_covers_a_finding_in_the_parameters_file(here):
    template = (
        SAMPLES["arm-jsonc"]
        .render(
            pool="batchlint-disable-next-line pool-seen -- parameters file sets the agent",
            agent_value="[parameters('agent')]",
        )
        .replace('"resources"', '"parameters": {"agent": {"type": "string"}},\n  "resources"')
    )
    (here / "azuredeploy.json").write_text(template)
    (here / "azuredeploy.parameters.json").write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentParameters.json#", "contentVersion": "1.0.0.0",\n'
        ' "parameters": {"agent": {"value": "batch.node.ubuntu 22.04"}}}\n'
    )
    result = lint("azuredeploy.json")
    assert seen(result) == []
    [hidden] = result.suppressed
    assert hidden.location.file == "azuredeploy.parameters.json"


def test_parse_error_can_be_suppressed_for_the_file(here):
    (here / "broken.yaml").write_text(
        "# batchlint-disable-file parse-error -- fixture for another tool\n"
        "- id: pool-a\n"
        "  virtualMachineConfiguration:\n"
        "    nodeAgentSKUId: x\n"
        "   imageReference: {}\n"
    )
    result = lint("broken.yaml")
    assert result.findings == []
    assert [f.rule_name for f in result.suppressed] == ["parse-error"]


def test_suppression_findings_are_sorted_with_the_others(here):
    sample = SAMPLES["yaml"]
    sample.write(here, "b.yaml", top="batchlint-disable-file image-unverified -- not needed")
    sample.write(here, "a.yaml")
    result = lint("a.yaml", "b.yaml", report_unused_suppressions=True)
    assert [(f.location.file, f.rule_name) for f in result.findings] == [
        ("a.yaml", "pool-seen"),
        ("b.yaml", "suppression-unused"),
        ("b.yaml", "pool-seen"),
    ]


def test_pool_directive_in_a_yaml_list_covers_only_that_pool(here):
    sample = SAMPLES["yaml"]
    first = sample.render(pool="batchlint-disable-next-line pool-seen -- first only")
    second = sample.render().replace("pool-a", "pool-b")
    (here / "pools.yaml").write_text(first + second)
    result = lint("pools.yaml")
    assert [f.pool for f in seen(result)] == ["pool-b"]


def test_suppression_rules_can_be_turned_off_in_the_rules_settings(here):
    sample = SAMPLES["yaml"]
    sample.write(here, agent="batchlint-disable-next-line pool-seen")
    result = lint(sample.file, rules={"suppression-invalid": {"enabled": False}})
    assert [f.rule_name for f in result.findings] == ["pool-seen"]


def test_directive_in_the_parameters_file_hides_the_finding_there(here):
    template = SAMPLES["arm-jsonc"].render(agent_value="[parameters('agent')]")
    template = template.replace(
        '"resources"', '"parameters": {"agent": {"type": "string"}},\n  "resources"'
    )
    (here / "azuredeploy.json").write_text(template)
    (here / "azuredeploy.parameters.json").write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentParameters.json#", "contentVersion": "1.0.0.0",\n'
        ' "parameters": {\n'
        "  // batchlint-disable-next-line pool-seen -- prod keeps the old agent\n"
        '  "agent": {"value": "batch.node.ubuntu 22.04"}}}\n'
    )
    result = lint("azuredeploy.json")
    assert seen(result) == []
    assert len(result.suppressed) == 1


@pytest.mark.skipif(not reader_ready("bicep"), reason="the bicep reader is not there yet")
def test_directive_above_a_module_call_covers_the_pools_it_makes(here):
    (here / "modules").mkdir()
    module = SAMPLES["bicep"].render().replace("name: 'pool-a'", "name: poolName")
    (here / "modules" / "pool.bicep").write_text("param poolName string\n\n" + module)
    (here / "main.bicep").write_text(
        "// batchlint-disable-next-line pool-seen -- the module's pools are checked upstream\n"
        "module first './modules/pool.bicep' = {\n"
        "  name: 'first'\n"
        "  params: {poolName: 'pool-1'}\n"
        "}\n"
        "\n"
        "module second './modules/pool.bicep' = {\n"
        "  name: 'second'\n"
        "  params: {poolName: 'pool-2'}\n"
        "}\n"
    )
    result = lint("main.bicep")
    assert [f.pool for f in seen(result)] == ["pool-2"]
    assert [f.pool for f in result.suppressed] == ["pool-1"]
