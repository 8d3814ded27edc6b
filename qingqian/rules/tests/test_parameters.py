"""Dated parameters: OpenFisca semantics and loud validation (file and key named)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from qingqian.rules import ParameterError, Parameters, get_parameters, load_parameters, regulation_for
from qingqian.rules.params import DEFAULT_DIRECTORY, REQUIRED


@pytest.fixture
def param_dir(tmp_path: Path) -> Path:
    for path in DEFAULT_DIRECTORY.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_the_shipped_parameters_load_and_cover_every_required_name() -> None:
    parameters = load_parameters()
    assert set(REQUIRED) <= set(parameters.names())
    assert "organ_payment_term_days" in parameters
    assert get_parameters() is get_parameters()


def test_every_value_carries_a_citation_naming_its_source() -> None:
    parameters = get_parameters()
    for name in parameters.names():
        for entry in parameters[name].values:
            assert "《" in entry.citation or "令第" in entry.citation, (name, entry)


def test_the_value_in_force_is_the_latest_on_or_before_the_date(parameters: Parameters) -> None:
    name = "large_enterprise_default_term_days"
    assert parameters.days(name, date(2020, 8, 31)) is None  # before the first key
    assert parameters.days(name, date(2020, 9, 1)) is None  # value: null (no statutory term)
    assert parameters.days(name, date(2025, 5, 31)) is None
    assert parameters.days(name, date(2025, 6, 1)) == 60
    assert parameters.days(name, date(2099, 1, 1)) == 60
    assert (
        parameters.citation(name, date(2025, 6, 1))
        == "《保障中小企业款项支付条例》（国务院令第802号）第九条第二款"
    )
    assert parameters.citation(name, date(2019, 1, 1)) is None


def test_the_shipped_numbers(parameters: Parameters) -> None:
    on = date(2025, 6, 1)
    assert parameters.days("organ_payment_term_days", on) == 30
    assert parameters.days("organ_payment_term_cap_days", on) == 60
    assert parameters.decimal("default_daily_interest_rate", on) == Decimal("0.0005")
    assert parameters.days("complaint_review_working_days", on) == 10
    assert parameters.days("complaint_transfer_working_days", on) == 10
    assert parameters.days("complaint_handling_days", on) == 30
    assert parameters.days("complaint_total_with_extension_days", on) == 90
    assert parameters.decimal("retention_cap_percent", on) == Decimal(3)
    assert parameters.decimal("progress_payment_floor_percent", on) == Decimal(80)
    assert parameters.decimal("project_estimate_overrun_percent", on) == Decimal(10)
    assert parameters.text("regulation_version", on) == "2025"
    assert isinstance(parameters.decimal("default_daily_interest_rate", on), Decimal)


def test_regulation_versions_switch_on_their_first_day() -> None:
    assert regulation_for(date(2020, 8, 31)) is None
    assert regulation_for(date(2020, 9, 1)) == "2020"
    assert regulation_for(date(2025, 5, 31)) == "2020"
    assert regulation_for(date(2025, 6, 1), get_parameters()) == "2025"


def test_unsorted_keys_are_fine_and_ints_become_decimals_for_percents(param_dir: Path) -> None:
    write(
        param_dir,
        "retention_cap_percent",
        "description: x\nunit: percent\nvalues:\n"
        "  2030-01-01: {value: 2, citation: later}\n  2017-07-01: {value: 3, citation: first}\n",
    )
    parameters = load_parameters(param_dir)
    assert parameters.decimal("retention_cap_percent", date(2029, 12, 31)) == Decimal(3)
    assert parameters.decimal("retention_cap_percent", date(2030, 1, 1)) == Decimal(2)
    assert [v.start for v in parameters["retention_cap_percent"].values] == [
        date(2017, 7, 1),
        date(2030, 1, 1),
    ]


def test_extra_parameter_files_with_valid_units_are_allowed(param_dir: Path) -> None:
    write(
        param_dir,
        "campaign_threshold",
        "description: x\nunit: percent\nvalues:\n  2025-01-01: {value: 1.5, citation: c}\n",
    )
    assert load_parameters(param_dir).decimal("campaign_threshold", date(2025, 1, 1)) == Decimal("1.5")


BROKEN = [
    (
        "unknown top-level key",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: 1, citation: c}}\nextra: 1\n",
        "extra",
    ),
    ("missing description", "unit: days\nvalues: {2020-09-01: {value: 1, citation: c}}\n", "description"),
    ("missing unit", "description: x\nvalues: {2020-09-01: {value: 1, citation: c}}\n", "unit"),
    ("missing values", "description: x\nunit: days\n", "values"),
    (
        "empty description",
        "description: ' '\nunit: days\nvalues: {2020-09-01: {value: 1, citation: c}}\n",
        "description",
    ),
    ("unknown unit", "description: x\nunit: weeks\nvalues: {2020-09-01: {value: 1, citation: c}}\n", "unit"),
    ("values not a mapping", "description: x\nunit: days\nvalues: [1, 2]\n", "values"),
    ("empty values", "description: x\nunit: days\nvalues: {}\n", "values"),
    (
        "bad date",
        "description: x\nunit: days\nvalues: {2020-13-01: {value: 1, citation: c}}\n",
        "values.2020-13-01",
    ),
    ("text key", "description: x\nunit: days\nvalues: {soon: {value: 1, citation: c}}\n", "values.soon"),
    ("number key", "description: x\nunit: days\nvalues: {2020: {value: 1, citation: c}}\n", "values.2020"),
    (
        "duplicate key",
        "description: x\nunit: days\nvalues:\n  2020-09-01: {value: 1, citation: c}\n  2020-09-01: {value: 2, citation: c}\n",
        "2020-09-01",
    ),
    (
        "duplicate date spelled twice",
        "description: x\nunit: days\nvalues:\n  2020-09-01: {value: 1, citation: c}\n  '20200901': {value: 2, citation: c}\n",
        "values.20200901",
    ),
    ("entry not a mapping", "description: x\nunit: days\nvalues: {2020-09-01: 30}\n", "values.2020-09-01"),
    (
        "unknown entry key",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: 1, citation: c, src: y}}\n",
        "values.2020-09-01.src",
    ),
    (
        "missing value",
        "description: x\nunit: days\nvalues: {2020-09-01: {citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "missing citation",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: 1}}\n",
        "values.2020-09-01.citation",
    ),
    (
        "blank citation",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: 1, citation: ''}}\n",
        "values.2020-09-01.citation",
    ),
    (
        "non-numeric value",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: thirty, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "boolean value",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: true, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "negative value",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: -1, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "fractional days",
        "description: x\nunit: days\nvalues: {2020-09-01: {value: 30.5, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "not a number",
        "description: x\nunit: percent\nvalues: {2020-09-01: {value: .nan, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    (
        "version not text",
        "description: x\nunit: version\nvalues: {2020-09-01: {value: 2020, citation: c}}\n",
        "values.2020-09-01.value",
    ),
    ("top level a list", "- 1\n- 2\n", None),
    ("invalid YAML", "description: [unclosed\n", None),
]


@pytest.mark.parametrize(("problem", "text", "key"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_parameter_file_fails_naming_file_and_key(
    param_dir: Path, problem: str, text: str, key: str | None
) -> None:
    write(param_dir, "organ_payment_term_days", text)
    with pytest.raises(ParameterError) as caught:
        load_parameters(param_dir)
    assert caught.value.file == "organ_payment_term_days.yaml"
    assert caught.value.key == key
    assert "organ_payment_term_days.yaml" in str(caught.value)


def test_a_missing_required_file_fails(param_dir: Path) -> None:
    (param_dir / "default_daily_interest_rate.yaml").unlink()
    with pytest.raises(ParameterError, match=r"default_daily_interest_rate\.yaml: required parameter file"):
        load_parameters(param_dir)


def test_a_required_file_with_the_wrong_unit_fails(param_dir: Path) -> None:
    write(
        param_dir,
        "organ_payment_term_days",
        "description: x\nunit: percent\nvalues: {2020-09-01: {value: 30, citation: c}}\n",
    )
    with pytest.raises(ParameterError) as caught:
        load_parameters(param_dir)
    assert (caught.value.file, caught.value.key) == ("organ_payment_term_days.yaml", "unit")
