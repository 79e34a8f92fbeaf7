"""Every case of the written corpus reads as its expected.json says: pools, values, lines."""

import pytest

from corpus_cases import cases, check_case


@pytest.mark.parametrize("case", cases("arm-") + cases("dataplane-"))
def test_arm_and_pool_spec_cases(case):
    check_case(case)


@pytest.mark.parametrize("case", cases("bicep-"))
def test_bicep_cases(case):
    check_case(case)


@pytest.mark.parametrize("case", cases("terraform-"))
def test_terraform_cases(case):
    check_case(case)
