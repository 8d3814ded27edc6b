"""Dated parameters ("law as data"), OpenFisca semantics.

One YAML file per parameter under ``qingqian/rules/parameters/``::

    description: 机关、事业单位付款期限 ...
    unit: days
    values:
      2020-09-01: {value: 30, citation: "《保障中小企业款项支付条例》（国务院令第728号）第八条"}
      2025-06-01: {value: 30, citation: "..."}

The value in force on a date is the one with the latest key on or before it; ``value: null`` ends
the rule (nothing in force from that date). Before the first key nothing is in force (``None``).
Every file is validated when loaded; any problem raises ``ParameterError`` naming the file and key.
Numbers are ``int`` (day units) or ``Decimal`` (rates, percents) — YAML floats are read as
``Decimal`` from their text, never through binary floating point.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DIRECTORY = Path(__file__).with_name("parameters")

ParamValue = int | Decimal | str | None

#: unit -> the Python type of its values
UNITS: dict[str, type] = {
    "days": int,
    "working_days": int,
    "rate_per_day": Decimal,
    "percent": Decimal,
    "version": str,
}

#: parameters the rules need, with their unit; a missing one fails the load
REQUIRED: dict[str, str] = {
    "regulation_version": "version",
    "organ_payment_term_days": "days",
    "organ_payment_term_cap_days": "days",
    "large_enterprise_default_term_days": "days",
    "default_daily_interest_rate": "rate_per_day",
    "complaint_review_working_days": "working_days",
    "complaint_transfer_working_days": "working_days",
    "complaint_handling_days": "days",
    "complaint_total_with_extension_days": "days",
    "retention_cap_percent": "percent",
    "progress_payment_floor_percent": "percent",
    "project_estimate_overrun_percent": "percent",
}

_FILE_KEYS = frozenset({"description", "unit", "values", "reference"})
_ENTRY_KEYS = frozenset({"value", "citation", "note"})


class ParameterError(ValueError):
    """A parameter file is invalid. ``file`` and ``key`` say where."""

    def __init__(self, file: str, key: str | None, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")


class _DuplicateKey(Exception):
    def __init__(self, key: object) -> None:
        super().__init__(key)
        self.key = key


class _Loader(yaml.SafeLoader):
    """Safe loader: floats become Decimal, dates stay text (parsed by us), duplicate keys fail."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *anchor" merges are flattened by the base class
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> object:
    """Read a YAML data file with the rules loader (Decimal floats, text dates, no duplicate keys)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe subclass
    except _DuplicateKey as exc:
        raise ParameterError(path.name, str(exc.key), "duplicate key") from None
    except yaml.YAMLError as exc:
        raise ParameterError(path.name, None, f"invalid YAML: {exc}") from None


@dataclass(frozen=True, slots=True)
class ParameterValue:
    start: date
    value: ParamValue
    citation: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """One dated parameter; ``values`` sorted by start date."""

    name: str
    description: str
    unit: str
    values: tuple[ParameterValue, ...]
    starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", tuple(v.start for v in self.values))

    def entry_at(self, on: date) -> ParameterValue | None:
        """The entry in force on ``on`` (latest start on or before it), or ``None`` before the first."""
        index = bisect.bisect_right(self.starts, on)
        return self.values[index - 1] if index else None

    def at(self, on: date) -> ParamValue:
        entry = self.entry_at(on)
        return entry.value if entry is not None else None


@dataclass(frozen=True, slots=True)
class RulesAt:
    """The parameters the contract rules use, as in force on one date."""

    on: date
    regulation: str | None
    organ_term_days: int | None
    organ_term_cap_days: int | None
    large_default_term_days: int | None
    default_daily_rate: Decimal | None
    retention_cap_percent: Decimal | None
    progress_floor_percent: Decimal | None


class Parameters:
    """All parameters, by name. Build with ``load_parameters``; share one instance."""

    __slots__ = ("_by_name", "_rules_cache", "directory")

    def __init__(self, parameters: dict[str, Parameter], directory: Path) -> None:
        self._by_name = dict(parameters)
        self._rules_cache: dict[date, RulesAt] = {}
        self.directory = directory

    def __getitem__(self, name: str) -> Parameter:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def value(self, name: str, on: date) -> ParamValue:
        return self._by_name[name].at(on)

    def days(self, name: str, on: date) -> int | None:
        value = self.value(name, on)
        assert value is None or isinstance(value, int)
        return value

    def decimal(self, name: str, on: date) -> Decimal | None:
        value = self.value(name, on)
        assert value is None or isinstance(value, Decimal)
        return value

    def text(self, name: str, on: date) -> str | None:
        value = self.value(name, on)
        assert value is None or isinstance(value, str)
        return value

    def citation(self, name: str, on: date) -> str | None:
        entry = self._by_name[name].entry_at(on)
        return entry.citation if entry is not None else None

    def rules_at(self, on: date) -> RulesAt:
        """The contract-rule parameters in force on ``on`` (memoised per date)."""
        rules = self._rules_cache.get(on)
        if rules is None:
            rules = RulesAt(
                on=on,
                regulation=self.text("regulation_version", on),
                organ_term_days=self.days("organ_payment_term_days", on),
                organ_term_cap_days=self.days("organ_payment_term_cap_days", on),
                large_default_term_days=self.days("large_enterprise_default_term_days", on),
                default_daily_rate=self.decimal("default_daily_interest_rate", on),
                retention_cap_percent=self.decimal("retention_cap_percent", on),
                progress_floor_percent=self.decimal("progress_payment_floor_percent", on),
            )
            self._rules_cache[on] = rules
        return rules


def _parse_start(file: str, key: object) -> date:
    if isinstance(key, str):
        try:
            return date.fromisoformat(key)
        except ValueError:
            pass
    raise ParameterError(file, f"values.{key}", "key is not a date (YYYY-MM-DD)")


def _parse_value(file: str, key: str, unit: str, raw: object) -> ParamValue:
    if raw is None:
        return None
    kind = UNITS[unit]
    if kind is str:
        if isinstance(raw, str) and raw:
            return raw
        raise ParameterError(file, key, f"value must be non-empty text for unit {unit!r}")
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise ParameterError(file, key, f"value {raw!r} is not numeric")
    if isinstance(raw, Decimal) and not raw.is_finite():
        raise ParameterError(file, key, f"value {raw!r} is not a finite number")
    if raw < 0:
        raise ParameterError(file, key, f"value {raw!r} is negative")
    if kind is int:
        if not isinstance(raw, int):
            raise ParameterError(file, key, f"value {raw!r} must be a whole number of days")
        return raw
    return Decimal(raw)


def parse_parameter(path: Path) -> Parameter:
    """Read and validate one parameter file."""
    file = path.name
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ParameterError(file, None, "top level must be a mapping")
    unknown = sorted(str(k) for k in data if k not in _FILE_KEYS)
    if unknown:
        raise ParameterError(file, unknown[0], "unknown key")
    for required in ("description", "unit", "values"):
        if required not in data:
            raise ParameterError(file, required, "missing")
    description, unit, values = data["description"], data["unit"], data["values"]
    if not isinstance(description, str) or not description.strip():
        raise ParameterError(file, "description", "must be non-empty text")
    if unit not in UNITS:
        raise ParameterError(file, "unit", f"unknown unit {unit!r}; one of {sorted(UNITS)}")
    if not isinstance(values, dict) or not values:
        raise ParameterError(file, "values", "must be a non-empty mapping of date -> {value, citation}")
    entries: dict[date, ParameterValue] = {}
    for raw_key, entry in values.items():
        start = _parse_start(file, raw_key)
        key = f"values.{raw_key}"
        if start in entries:
            raise ParameterError(file, key, "duplicate date")
        if not isinstance(entry, dict):
            raise ParameterError(file, key, "must be a mapping with value and citation")
        extra = sorted(str(k) for k in entry if k not in _ENTRY_KEYS)
        if extra:
            raise ParameterError(file, f"{key}.{extra[0]}", "unknown key")
        if "value" not in entry:
            raise ParameterError(file, f"{key}.value", "missing")
        citation = entry.get("citation")
        if not isinstance(citation, str) or not citation.strip():
            raise ParameterError(file, f"{key}.citation", "missing citation")
        value = _parse_value(file, f"{key}.value", unit, entry["value"])
        entries[start] = ParameterValue(start=start, value=value, citation=citation.strip())
    ordered = tuple(entries[d] for d in sorted(entries))
    return Parameter(name=path.stem, description=description.strip(), unit=unit, values=ordered)


def load_parameters(directory: Path | str = DEFAULT_DIRECTORY) -> Parameters:
    """Load and validate every ``*.yaml`` file in ``directory``; raise ``ParameterError`` on any fault."""
    root = Path(directory)
    found: dict[str, Parameter] = {}
    for path in sorted(root.glob("*.yaml")):
        found[path.stem] = parse_parameter(path)
    for name, unit in REQUIRED.items():
        if name not in found:
            raise ParameterError(f"{name}.yaml", None, "required parameter file is missing")
        if found[name].unit != unit:
            raise ParameterError(f"{name}.yaml", "unit", f"must be {unit!r}")
    return Parameters(found, root)


@functools.cache
def get_parameters() -> Parameters:
    """The default parameter set, loaded (and validated) once per process."""
    return load_parameters()
