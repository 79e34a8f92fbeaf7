"""The Terraform reader on small configurations: values, instances, modules, diagnostics."""

import textwrap
from pathlib import Path

from batchlint.discover import Candidate
from batchlint.engine import Linter
from batchlint.reader import ReadContext, ReadOptions

from corpus_cases import chdir, plugins
from helpers import AS_OF, run_cli

POOL = """
resource "azurerm_batch_pool" "p" {
  name                = var.name
  resource_group_name = "rg-demo"
  account_name        = "contosobatch"
  vm_size             = "Standard_D2s_v5"
  node_agent_sku_id   = var.agent

  storage_image_reference {
    publisher = "canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }
}
"""

VARIABLES = """
variable "name" {
  default = "pool-a"
}

variable "agent" {
  type    = string
  default = "from-default"
}
"""


def read(tmp_path: Path, files: dict[str, str], inputs: list[str], **options):
    """(pools, diagnostics) of ``inputs`` after writing ``files`` under ``tmp_path``."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    linter = Linter(plugins().readers, [], rule_context=None)
    pools, diagnostics = [], []
    with chdir(tmp_path):
        ctx = ReadContext(inputs, ReadOptions(**options))
        for name in inputs:
            result = linter.read(Candidate(name, True), ctx)
            pools.extend(result.pools)
            diagnostics.extend(result.diagnostics)
    return pools, diagnostics


def agent(pools):
    (pool,) = pools
    value = pool.node_agent_sku_id
    return value.value, value.location.file, value.location.line


# -- variable values and their precedence --------------------------------------------------------


def test_variable_default_is_used_without_tfvars(tmp_path):
    pools, _ = read(tmp_path, {"main.tf": POOL, "variables.tf": VARIABLES}, ["main.tf"])
    assert agent(pools) == ("from-default", "variables.tf", 7)
    assert pools[0].node_agent_sku_id.origin == "default of variable agent"


def test_terraform_tfvars_json_wins_over_terraform_tfvars(tmp_path):
    files = {
        "main.tf": POOL,
        "variables.tf": VARIABLES,
        "terraform.tfvars": 'agent = "from-tfvars"\n',
        "terraform.tfvars.json": '{"agent": "from-tfvars-json"}\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert agent(pools) == ("from-tfvars-json", "terraform.tfvars.json", 1)


def test_auto_tfvars_apply_in_lexical_order(tmp_path):
    files = {
        "main.tf": POOL,
        "variables.tf": VARIABLES,
        "terraform.tfvars": 'agent = "from-tfvars"\n',
        "b.auto.tfvars": 'agent = "from-b"\n',
        "a.auto.tfvars": 'agent = "from-a"\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert agent(pools) == ("from-b", "b.auto.tfvars", 1)


def test_var_file_wins_over_auto_tfvars(tmp_path):
    files = {
        "main.tf": POOL,
        "variables.tf": VARIABLES,
        "z.auto.tfvars": 'agent = "from-auto"\n',
        "env/prod.tfvars": '# prod\nagent = "from-var-file"\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"], var_files=("env/prod.tfvars",))
    assert agent(pools) == ("from-var-file", "env/prod.tfvars", 2)


def test_later_var_file_wins(tmp_path):
    files = {
        "main.tf": POOL,
        "variables.tf": VARIABLES,
        "one.tfvars": 'agent = "one"\n',
        "two.tfvars": 'agent = "two"\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"], var_files=("one.tfvars", "two.tfvars"))
    assert agent(pools)[0] == "two"


def test_var_option_wins_over_var_file(tmp_path):
    files = {"main.tf": POOL, "variables.tf": VARIABLES, "one.tfvars": 'agent = "one"\n'}
    pools, _ = read(
        tmp_path, files, ["main.tf"], var_files=("one.tfvars",), variables={"agent": "cli"}
    )
    assert pools[0].node_agent_sku_id.value == "cli"
    assert pools[0].node_agent_sku_id.origin == "--var agent"


def test_var_option_for_an_object_variable_is_an_expression(tmp_path):
    files = {
        "main.tf": POOL.replace("var.agent", "var.image.agent"),
        "variables.tf": VARIABLES + 'variable "image" {\n  type = object({ agent = string })\n}\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"], variables={"image": '{ agent = "x" }'})
    assert pools[0].node_agent_sku_id.value == "x"


def test_tuple_of_one_element_says_element(tmp_path):
    files = {
        "main.tf": POOL.replace("var.agent", "var.agents[0]"),
        "variables.tf": VARIABLES
        + 'variable "agents" {\n  type = tuple([string])\n  default = ["a", "b"]\n}\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert "a tuple of 1 element is required" in pools[0].node_agent_sku_id.unresolved


def test_missing_var_file_is_a_diagnostic(tmp_path):
    files = {"main.tf": POOL, "variables.tf": VARIABLES}
    pools, diagnostics = read(tmp_path, files, ["main.tf"], var_files=("nope.tfvars",))
    assert [d.location.file for d in diagnostics] == ["nope.tfvars"]
    assert agent(pools)[0] == "from-default"


def test_variable_without_value_is_unresolved_with_the_reason(tmp_path):
    files = {"main.tf": POOL, "variables.tf": 'variable "name" {}\nvariable "agent" {}\n'}
    pools, _ = read(tmp_path, files, ["main.tf"])
    value = pools[0].node_agent_sku_id
    assert not value.known and "no default" in value.unresolved
    assert pools[0].name == "azurerm_batch_pool.p"


def test_optional_attribute_default_fills_a_missing_attribute(tmp_path):
    files = {
        "main.tf": POOL.replace("var.agent", "var.image.agent"),
        "variables.tf": VARIABLES
        + 'variable "image" {\n  type = object({\n    agent = optional(string, "opt")\n  })\n'
        "  default = {}\n}\n",
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert agent(pools) == ("opt", "variables.tf", 11)


def test_tfvars_file_alone_has_no_pools(tmp_path):
    files = {"terraform.tfvars": 'agent = "x"\n'}
    pools, diagnostics = read(tmp_path, files, ["terraform.tfvars"])
    assert pools == [] and diagnostics == []


def test_tfvars_syntax_error_is_reported_at_its_line(tmp_path):
    files = {"terraform.tfvars": 'agent = "x"\nvm_size = = 2\n'}
    _, diagnostics = read(tmp_path, files, ["terraform.tfvars"])
    assert [(d.kind, d.location.line) for d in diagnostics] == [("parse-error", 2)]


# -- instances ------------------------------------------------------------------------------------


def test_count_instances_sharing_a_name_get_an_index(tmp_path):
    files = {"main.tf": POOL.replace("name                = var.name", 'count = 2\n  name = "r"')}
    files["variables.tf"] = VARIABLES
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert [p.name for p in pools] == ["r[0]", "r[1]"]


def test_for_each_instances_sharing_a_name_get_their_key(tmp_path):
    body = POOL.replace(
        "name                = var.name", 'for_each = toset(["b", "a"])\n  name = "r"'
    )
    pools, _ = read(tmp_path, {"main.tf": body, "variables.tf": VARIABLES}, ["main.tf"])
    assert [p.name for p in pools] == ['r["a"]', 'r["b"]']


def test_for_each_instances_with_their_own_names_keep_them(tmp_path):
    body = POOL.replace(
        "name                = var.name", 'for_each = { x = 1, y = 2 }\n  name = "p-${each.key}"'
    )
    pools, _ = read(tmp_path, {"main.tf": body, "variables.tf": VARIABLES}, ["main.tf"])
    assert [p.name for p in pools] == ["p-x", "p-y"]


def test_count_zero_creates_no_pool(tmp_path):
    body = POOL.replace("name                = var.name", 'count = 0\n  name = "r"')
    pools, _ = read(tmp_path, {"main.tf": body, "variables.tf": VARIABLES}, ["main.tf"])
    assert pools == []


def test_unknown_count_gives_one_pool(tmp_path):
    body = POOL.replace("name                = var.name", 'count = var.n\n  name = "r"')
    files = {"main.tf": body, "variables.tf": VARIABLES + 'variable "n" {}\n'}
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert [p.name for p in pools] == ["r"]


def test_count_past_the_instance_cap_gives_one_more_pool_for_the_rest(tmp_path):
    body = POOL.replace("name                = var.name", 'count = 1001\n  name = "r"').replace(
        "var.agent", 'count.index == 1000 ? "batch.node.ubuntu 18.04" : "batch.node.el 9"'
    )
    pools, _ = read(tmp_path, {"main.tf": body}, ["main.tf"])
    assert len(pools) == 1001
    assert pools[999].node_agent_sku_id.value == "batch.node.el 9"
    rest = pools[1000].node_agent_sku_id
    assert not rest.known
    assert (
        "count = 1001 is more than batchlint expands (1000); "
        "instances 1000 and later are not checked" in rest.unresolved
    )


def test_for_each_past_the_instance_cap_gives_one_more_pool_for_the_rest(tmp_path):
    body = POOL.replace(
        "name                = var.name",
        'for_each = toset([for i in range(1001) : format("k%04d", i)])\n  name = each.key',
    ).replace("var.agent", "each.value")
    pools, _ = read(tmp_path, {"main.tf": body}, ["main.tf"])
    assert len(pools) == 1001
    assert pools[999].node_agent_sku_id.value == "k0999"
    rest = pools[1000]
    assert rest.name == "azurerm_batch_pool.p[?]"
    assert (
        "for_each has 1001 elements, more than batchlint expands (1000); the instances from"
        ' key "k1000" on are not checked' in rest.node_agent_sku_id.unresolved
    )


def test_module_count_past_the_instance_cap_gives_one_more_pool_for_the_rest(tmp_path):
    files = {
        "mod/main.tf": MODULE_POOL,
        "mod/variables.tf": MODULE_VARS,
        "main.tf": 'module "m" {\n  source = "./mod"\n  count = 1001\n  name = "x"\n'
        '  account = "a"\n  agent = "batch.node.el ${count.index}"\n}\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert len(pools) == 1001
    assert "instances 1000 and later are not checked" in pools[-1].node_agent_sku_id.unresolved


# -- blocks ---------------------------------------------------------------------------------------

DYNAMIC = """
locals {
  images = [{ publisher = "almalinux", offer = "almalinux-x86_64", sku = "9-gen2" }]
}

resource "azurerm_batch_pool" "d" {
  name              = "pool-d"
  vm_size           = "Standard_D2s_v5"
  node_agent_sku_id = "batch.node.el 9"

  dynamic "storage_image_reference" {
    for_each = local.images
    iterator = img
    content {
      publisher = img.value.publisher
      offer     = img.value.offer
      sku       = img.value.sku
    }
  }

  dynamic "container_configuration" {
    for_each = var.containers
    content {
      type = "DockerCompatible"
    }
  }
}

variable "containers" {
  default = [1]
}
"""


def test_dynamic_block_with_iterator_gives_the_image(tmp_path):
    pools, _ = read(tmp_path, {"main.tf": DYNAMIC}, ["main.tf"])
    assert (pools[0].publisher.value, pools[0].sku.value, pools[0].sku.location.line) == (
        "almalinux",
        "9-gen2",
        2,
    )


def test_dynamic_container_block_with_items_turns_on_containers(tmp_path):
    pools, _ = read(tmp_path, {"main.tf": DYNAMIC}, ["main.tf"])
    assert pools[0].containers is True


def test_dynamic_block_past_the_instance_cap_keeps_a_block_for_the_rest(tmp_path):
    extensions = (
        '  dynamic "extensions" {\n    for_each = range(1001)\n    content {\n'
        '      name = "e${extensions.key}"\n      type = "T${extensions.value}"\n    }\n  }\n}\n'
    )
    text = POOL.replace("var.name", '"a"').replace("var.agent", '"b"').rstrip()[:-1] + extensions
    (pool,), _ = read(tmp_path, {"main.tf": text}, ["main.tf"])
    assert len(pool.extensions) == 1001
    assert pool.extensions[999].value == "T999"
    rest = pool.extensions[1000]
    assert not rest.known
    assert (
        "dynamic 'extensions' for_each has 1001 elements, more than batchlint expands (1000); "
        "the instances from key 1000 on are not checked" in rest.unresolved
    )


def test_dynamic_container_block_without_items_leaves_containers_off(tmp_path):
    pools, _ = read(tmp_path, {"main.tf": DYNAMIC.replace("[1]", "[]")}, ["main.tf"])
    assert pools[0].containers is False


OTHER_FIELDS = """
resource "azurerm_batch_account" "acct" {
  name     = "contosobatch"
  location = "swedencentral"
}

resource "azurerm_batch_pool" "w" {
  name                           = "pool-w"
  account_name                   = azurerm_batch_account.acct.name
  vm_size                        = "Standard_D2s_v5"
  node_agent_sku_id              = "batch.node.windows amd64"
  target_node_communication_mode = "Classic"

  storage_image_reference {
    publisher = "MicrosoftWindowsServer"
    offer     = "WindowsServer"
    sku       = "2022-datacenter"
  }

  windows {
    enable_automatic_updates = false
  }

  user_accounts {
    name     = "worker"
    password = "unused"
    elevation_level = "NonAdmin"
    windows_user_configuration {
      login_mode = "Batch"
    }
  }

  fixed_scale {
    target_low_priority_nodes = 3
  }

  certificate {
    id             = "cert-id"
    store_location = "CurrentUser"
  }

  extensions {
    name      = "gpu"
    publisher = "Microsoft.HpcCompute"
    type      = "NvidiaGpuDriverWindows"
  }
}
"""


def test_other_pool_fields_are_filled(tmp_path):
    (pool,), _ = read(tmp_path, {"main.tf": OTHER_FIELDS}, ["main.tf"])
    assert [name for name, _ in pool.os_settings] == [
        "windowsConfiguration",
        "windowsUserConfiguration",
    ]
    assert pool.node_communication_mode.value == "Classic"
    assert pool.low_priority_nodes.value == "3"
    assert pool.certificate_references.line == 36
    assert [e.value for e in pool.extensions] == ["NvidiaGpuDriverWindows"]


def test_region_comes_from_the_account_location(tmp_path):
    (pool,), _ = read(tmp_path, {"main.tf": OTHER_FIELDS}, ["main.tf"])
    assert (pool.region.value, pool.region.location.line) == ("swedencentral", 3)


def test_auto_scale_formula_with_low_priority_nodes_is_noted(tmp_path):
    body = OTHER_FIELDS.replace(
        "fixed_scale {\n    target_low_priority_nodes = 3\n  }",
        'auto_scale {\n    formula = "$TargetLowPriorityNodes = 2;"\n  }',
    )
    (pool,), _ = read(tmp_path, {"main.tf": body}, ["main.tf"])
    assert pool.low_priority_nodes.value == "$TargetLowPriorityNodes"


def test_configured_argument_of_another_resource_resolves(tmp_path):
    body = POOL.replace("var.agent", "azurerm_batch_pool.base.node_agent_sku_id").replace(
        "var.name", '"pool-a"'
    ) + POOL.replace('"p"', '"base"').replace("var.agent", '"batch.node.ubuntu 24.04"')
    pools, _ = read(tmp_path, {"main.tf": body.replace("var.name", '"b"')}, ["main.tf"])
    assert pools[0].node_agent_sku_id.value == "batch.node.ubuntu 24.04"


def test_computed_attribute_of_another_resource_is_unresolved(tmp_path):
    body = POOL.replace("var.agent", "azurerm_image.x.id").replace("var.name", '"a"')
    body += 'resource "azurerm_image" "x" {\n  name = "img"\n}\n'
    pools, _ = read(tmp_path, {"main.tf": body}, ["main.tf"])
    value = pools[0].node_agent_sku_id
    assert not value.known and "azurerm_image.x.id" in value.unresolved
    assert value.location.line == 6


def test_data_source_and_commented_pool_are_not_pools(tmp_path):
    body = (
        'data "azurerm_batch_pool" "d" {\n  name = "x"\n  account_name = "a"\n'
        '  resource_group_name = "r"\n}\n'
        '# resource "azurerm_batch_pool" "c" {\n#   name = "y"\n# }\n'
    )
    pools, diagnostics = read(tmp_path, {"main.tf": body}, ["main.tf"])
    assert pools == [] and diagnostics == []


# -- azapi ----------------------------------------------------------------------------------------

AZAPI = """
resource "azurerm_batch_account" "acct" {
  name     = "contosobatch"
  location = "westeurope"
}

resource "azapi_resource" "pool" {
  type      = "Microsoft.Batch/batchAccounts/pools@2024-07-01"
  name      = "pool-azapi"
  parent_id = azurerm_batch_account.acct.id
  body = BODY
}

resource "azapi_resource" "other" {
  type = "Microsoft.Storage/storageAccounts@2023-01-01"
  name = "st"
  body = {}
}
"""

ARM_BODY = """{
    properties = {
      vmSize = "Standard_D2s_v5"
      deploymentConfiguration = {
        virtualMachineConfiguration = {
          imageReference = {
            publisher = "canonical"
            offer     = "ubuntu-24_04-lts"
            sku       = "server"
          }
          nodeAgentSkuId = "batch.node.ubuntu 24.04"
        }
      }
    }
  }"""


def test_azapi_pool_with_an_object_body(tmp_path):
    (pool,), _ = read(tmp_path, {"main.tf": AZAPI.replace("BODY", ARM_BODY)}, ["main.tf"])
    assert (pool.name, pool.node_agent_sku_id.value, pool.node_agent_sku_id.location.line) == (
        "pool-azapi",
        "batch.node.ubuntu 24.04",
        20,
    )
    assert pool.region.value == "westeurope"


def test_azapi_pool_with_a_jsonencode_body_keeps_value_places(tmp_path):
    text = AZAPI.replace("BODY", f"jsonencode({ARM_BODY})")
    (pool,), _ = read(tmp_path, {"main.tf": text}, ["main.tf"])
    assert (pool.sku.value, pool.sku.location.line) == ("server", 18)


# -- modules --------------------------------------------------------------------------------------

MODULE_POOL = POOL.replace("var.name", "var.name").replace('"contosobatch"', "var.account")
MODULE_VARS = 'variable "name" {}\nvariable "account" {}\nvariable "agent" {\n  default = "d"\n}\n'


def test_local_module_pool_is_reported_at_its_line_with_the_call_as_via(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n  name   = "pool-m"\n'
        '  account = "a"\n  agent = "batch.node.el 9"\n}\n',
        "mod/main.tf": MODULE_POOL,
        "mod/variables.tf": MODULE_VARS,
    }
    (pool,), _ = read(tmp_path, files, ["main.tf"])
    assert (pool.location.file, pool.location.line) == ("mod/main.tf", 1)
    assert [(v.file, v.line) for v in pool.via] == [("main.tf", 1)]
    assert agent([pool]) == ("batch.node.el 9", "main.tf", 5)


def test_module_default_is_used_when_the_call_does_not_set_it(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n  name = "x"\n  account = "a"\n}\n',
        "mod/main.tf": MODULE_POOL,
        "mod/variables.tf": MODULE_VARS,
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert agent(pools) == ("d", "mod/variables.tf", 4)


def test_module_folder_given_as_input_is_read_through_its_caller_only(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n  name = "x"\n  account = "a"\n}\n',
        "mod/main.tf": MODULE_POOL,
        "mod/variables.tf": MODULE_VARS,
    }
    pools, _ = read(tmp_path, files, ["main.tf", "mod/main.tf", "mod/variables.tf"])
    assert [p.name for p in pools] == ["x"]


def test_module_with_count_gives_one_pool_per_instance(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n  count = 2\n  name = "x"\n'
        '  account = "a"\n}\n',
        "mod/main.tf": MODULE_POOL,
        "mod/variables.tf": MODULE_VARS,
    }
    pools, _ = read(tmp_path, files, ["main.tf"])
    assert [p.name for p in pools] == ["x[0]", "x[1]"]


def test_remote_modules_are_not_followed_and_not_errors(tmp_path):
    files = {
        "main.tf": 'module "a" {\n  source = "Azure/avm-res-batch/azurerm"\n}\n'
        'module "b" {\n  source = "git::https://example.invalid/m.git"\n}\n'
        'module "c" {\n  source = "https://example.invalid/m.zip"\n}\n'
    }
    pools, diagnostics = read(tmp_path, files, ["main.tf"])
    assert pools == [] and diagnostics == []


def test_missing_local_module_is_module_not_found_at_the_module_line(tmp_path):
    files = {"main.tf": '# gone\n\nmodule "gone" {\n  source = "../gone"\n}\n'}
    _, diagnostics = read(tmp_path, files, ["main.tf"])
    assert [(d.kind, d.location.line, d.detail) for d in diagnostics] == [
        ("module-not-found", 3, "../gone")
    ]


def test_module_that_calls_itself_is_reported_not_followed(tmp_path):
    files = {
        "main.tf": 'module "loop" {\n  source = "./mod"\n}\n',
        "mod/main.tf": 'module "again" {\n  source = "../mod"\n}\n'
        + POOL.replace("var.name", '"p"').replace("var.agent", '"a"'),
    }
    pools, diagnostics = read(tmp_path, files, ["main.tf"])
    assert [p.name for p in pools] == ["p"]
    assert [(d.kind, d.location.file) for d in diagnostics] == [("module-not-found", "mod/main.tf")]
    assert "cycle" in diagnostics[0].message


# -- syntax errors --------------------------------------------------------------------------------


def test_syntax_error_is_reported_and_the_other_blocks_are_still_read(tmp_path):
    broken = 'resource "azurerm_batch_pool" "bad" {\n  name = = "x"\n}\n\n'
    good = POOL.replace("var.name", '"good"').replace("var.agent", '"a"')
    pools, diagnostics = read(tmp_path, {"main.tf": broken + good}, ["main.tf"])
    assert [p.name for p in pools] == ["good"]
    assert [(d.kind, d.location.line) for d in diagnostics] == [("parse-error", 2)]


def test_unterminated_string_is_reported_where_it_starts(tmp_path):
    text = 'resource "azurerm_batch_pool" "bad" {\n  name = "x\n  vm_size = "y"\n}\n'
    _, diagnostics = read(tmp_path, {"main.tf": text}, ["main.tf"])
    assert [(d.location.line, d.location.column) for d in diagnostics] == [(2, 10)]


def test_broken_sibling_file_is_not_reported_for_the_named_file(tmp_path):
    files = {
        "main.tf": POOL.replace("var.name", '"a"').replace("var.agent", '"b"'),
        "other.tf": "locals {\n  x = \n}\n",
    }
    pools, diagnostics = read(tmp_path, files, ["main.tf"])
    assert len(pools) == 1
    assert diagnostics == []


def test_broken_sibling_file_is_reported_once_when_both_are_read(tmp_path):
    files = {
        "main.tf": POOL.replace("var.name", '"a"').replace("var.agent", '"b"'),
        "other.tf": "locals {\n  x = \n}\n",
    }
    _, diagnostics = read(tmp_path, files, ["main.tf", "other.tf"])
    assert [d.location.file for d in diagnostics] == ["other.tf"]


def test_named_file_beside_a_broken_sibling_reports_only_its_own_findings(tmp_path):
    broken = POOL.replace("var.name", '"a"').replace("var.agent", '"b"') + 'resource "x" "y" {\n'
    (tmp_path / "brace.tf").write_text(broken)
    (tmp_path / "empty.tf").write_text("")
    proc = run_cli("--as-of", AS_OF, "empty.tf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("0 errors, 0 warnings, 0 infos in 1 file (0 pools)")


def _named_pool(name: str, agent: str = "a") -> str:
    return POOL.replace("var.name", f'"{name}"').replace("var.agent", f'"{agent}"')


def test_a_resource_defined_twice_in_one_file_is_reported_and_both_are_linted(tmp_path):
    files = {"main.tf": _named_pool("first") + _named_pool("second")}
    pools, diagnostics = read(tmp_path, files, ["main.tf"])
    assert [(p.name, p.location.line) for p in pools] == [("first", 1), ("second", 16)]
    assert [(d.kind, d.location.file, d.location.line, d.message) for d in diagnostics] == [
        (
            "parse-error",
            "main.tf",
            16,
            'resource "azurerm_batch_pool" "p" is defined a second time (first at main.tf:1); '
            "Terraform rejects this (Duplicate resource configuration), both are linted",
        )
    ]


def test_a_resource_defined_again_in_another_file_is_reported_in_that_file(tmp_path):
    files = {"a.tf": _named_pool("first"), "b.tf": _named_pool("second")}
    pools, diagnostics = read(tmp_path, files, ["a.tf", "b.tf"])
    assert [p.name for p in pools] == ["first", "second"]
    assert [(d.location.file, d.location.line) for d in diagnostics] == [("b.tf", 1)]
    assert "(first at a.tf:1)" in diagnostics[0].message


def test_a_duplicate_in_a_module_is_reported_in_the_module_file(tmp_path):
    files = {
        "main.tf": 'module "m" {\n  source = "./mod"\n}\n',
        "mod/main.tf": _named_pool("first") + _named_pool("second"),
    }
    pools, diagnostics = read(tmp_path, files, ["main.tf"])
    assert [p.name for p in pools] == ["first", "second"]
    assert [(d.location.file, d.location.line) for d in diagnostics] == [("mod/main.tf", 16)]


def test_a_module_call_defined_twice_is_reported(tmp_path):
    call = 'module "m" {\n  source = "Azure/avm-res-batch/azurerm"\n}\n'
    _, diagnostics = read(tmp_path, {"main.tf": call + call}, ["main.tf"])
    assert [(d.location.line, d.message.split(";")[0]) for d in diagnostics] == [
        (4, 'module "m" is defined a second time (first at main.tf:1)')
    ]


def test_override_file_replaces_an_argument(tmp_path):
    files = {
        "main.tf": POOL.replace("var.name", '"a"').replace("var.agent", '"b"'),
        "main_override.tf": 'resource "azurerm_batch_pool" "p" {\n  node_agent_sku_id = "o"\n}\n',
    }
    pools, _ = read(tmp_path, files, ["main.tf", "main_override.tf"])
    assert agent(pools) == ("o", "main_override.tf", 2)


def test_tf_json_dynamic_block(tmp_path):
    text = """{
      "resource": {"azurerm_batch_pool": {"j": {
        "name": "pool-j",
        "node_agent_sku_id": "batch.node.el 9",
        "dynamic": {"container_configuration": {
          "for_each": "${[1]}",
          "content": {"type": "DockerCompatible"}
        }}
      }}}
    }"""
    (pool,), _ = read(tmp_path, {"main.tf.json": text}, ["main.tf.json"])
    assert pool.containers is True and pool.location.line == 2


def test_non_ascii_text_gives_character_columns(tmp_path):
    text = (
        POOL.replace('"rg-demo"', '"rg-démo"')
        .replace('vm_size             = "Standard_D2s_v5"', 'vm_size = "Ständard" # ü')
        .replace("var.name", '"é-pool"')
        .replace("var.agent", '"a"')
    )
    (pool,), _ = read(tmp_path, {"main.tf": text}, ["main.tf"])
    assert (pool.vm_size.location.line, pool.vm_size.location.column) == (5, 13)
