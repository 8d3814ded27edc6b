"""SME size class (中小企业划型), 工信部联企业〔2011〕300号; thresholds in ``data/size_classes.yaml``.

Medium and small need **all** lower bounds of their class; micro is anything below **any** small
bound; large is at or above all SME upper bounds. The class is fixed at contract signing (Art 3):
callers store the result on the contract, never a live lookup.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from .params import ParameterError, load_yaml

SizeClass = Literal["large", "medium", "small", "micro"]
SIZE_FILE = Path(__file__).with_name("data") / "size_classes.yaml"
_RANKED: tuple[SizeClass, ...] = ("large", "medium", "small")
_CLASS_NAMES: dict[SizeClass, tuple[str, str]] = {
    "large": ("大型企业", "large"),
    "medium": ("中型企业", "medium"),
    "small": ("小型企业", "small"),
    "micro": ("微型企业", "micro"),
}
#: metric -> (zh label, zh unit, en label, en unit)
METRICS: dict[str, tuple[str, str, str, str]] = {
    "employees": ("从业人员", "人", "employees", ""),
    "revenue_wan": ("营业收入", "万元", "revenue", " (10k yuan)"),
    "assets_wan": ("资产总额", "万元", "total assets", " (10k yuan)"),
}


class SizeClassError(ValueError):
    """Cannot classify: ``code`` is ``unknown_industry``, ``missing_figure`` or ``invalid_figure``."""

    def __init__(self, code: str, message_zh: str, message_en: str, figures: tuple[str, ...] = ()) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.figures = figures


@dataclass(frozen=True, slots=True)
class IndustryStandard:
    code: str
    name_zh: str
    name_en: str
    article: str
    metrics: tuple[str, ...]
    #: (class, ((metric, lower bound), ...)) for large, medium, small in that order
    bounds: tuple[tuple[SizeClass, tuple[tuple[str, Decimal], ...]], ...]


@dataclass(frozen=True, slots=True)
class SizeStandards:
    source: str
    industries: dict[str, IndustryStandard]

    def find(self, industry: str) -> IndustryStandard | None:
        """By code (``industry``) or Chinese name (``工业``)."""
        found = self.industries.get(industry)
        if found is None:
            found = next((s for s in self.industries.values() if s.name_zh == industry), None)
        return found


@dataclass(frozen=True, slots=True)
class SizeResult:
    size_class: SizeClass
    industry: str
    reason_zh: str
    reason_en: str
    citation: str

    @property
    def is_sme(self) -> bool:
        return self.size_class != "large"


def _text(file: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ParameterError(file, key, "must be non-empty text")
    return value


def load_size_standards(path: Path = SIZE_FILE) -> SizeStandards:
    file = path.name
    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != {"source", "industries"}:
        raise ParameterError(file, None, "top level must have exactly the keys source and industries")
    source = _text(file, "source", data["source"])
    raw_industries = data["industries"]
    if not isinstance(raw_industries, dict) or not raw_industries:
        raise ParameterError(file, "industries", "must be a non-empty mapping")
    industries: dict[str, IndustryStandard] = {}
    expected = {"name_zh", "name_en", "article", "metrics", *_RANKED}
    for code, raw in raw_industries.items():
        key = f"industries.{code}"
        if not isinstance(raw, dict) or set(raw) != expected:
            raise ParameterError(file, key, f"must have exactly the keys {', '.join(sorted(expected))}")
        metrics = raw["metrics"]
        if not isinstance(metrics, list) or not metrics or any(m not in METRICS for m in metrics):
            raise ParameterError(file, f"{key}.metrics", f"must list some of {', '.join(METRICS)}")
        bounds: list[tuple[SizeClass, tuple[tuple[str, Decimal], ...]]] = []
        for size_class in _RANKED:
            row = raw[size_class]
            if not isinstance(row, dict) or set(row) != set(metrics):
                raise ParameterError(file, f"{key}.{size_class}", "must give a bound for each metric")
            pairs: list[tuple[str, Decimal]] = []
            for metric in metrics:
                bound = row[metric]
                if isinstance(bound, bool) or not isinstance(bound, int | Decimal) or bound < 0:
                    raise ParameterError(file, f"{key}.{size_class}.{metric}", "must be a number >= 0")
                pairs.append((metric, Decimal(bound)))
            bounds.append((size_class, tuple(pairs)))
        industries[str(code)] = IndustryStandard(
            code=str(code),
            name_zh=_text(file, f"{key}.name_zh", raw["name_zh"]),
            name_en=_text(file, f"{key}.name_en", raw["name_en"]),
            article=_text(file, f"{key}.article", raw["article"]),
            metrics=tuple(metrics),
            bounds=tuple(bounds),
        )
    return SizeStandards(source=source, industries=industries)


@functools.cache
def get_size_standards() -> SizeStandards:
    return load_size_standards()


def _figure(name: str, value: object) -> Decimal:
    figure: Decimal | None = None
    if isinstance(value, bool):
        figure = None
    elif isinstance(value, int):
        figure = Decimal(value)
    elif isinstance(value, Decimal) and name != "employees" and value.is_finite():
        figure = value
    if figure is None or figure < 0:
        zh, _, en, _ = METRICS[name]
        whole = name == "employees"
        raise SizeClassError(
            "invalid_figure",
            f"{zh}（{name}）须为非负{'整数' if whole else '数'}，收到：{value!r}",
            f"{en} ({name}) must be a non-negative {'integer' if whole else 'number'}, got {value!r}",
            (name,),
        )
    return figure


def _describe(bounds: tuple[tuple[str, Decimal], ...], *, zh: bool) -> str:
    parts = []
    for metric, bound in bounds:
        zh_label, zh_unit, en_label, en_unit = METRICS[metric]
        parts.append(f"{zh_label}≥{bound}{zh_unit}" if zh else f"{en_label} ≥ {bound}{en_unit}")
    return ("且" if zh else " and ").join(parts)


def classify_size(
    industry: str,
    employees: int | None = None,
    revenue_wan: Decimal | int | None = None,
    assets_wan: Decimal | int | None = None,
    *,
    standards: SizeStandards | None = None,
) -> SizeResult:
    """Classify an enterprise; raises ``SizeClassError`` naming an unknown industry or missing figure."""
    table = standards or get_size_standards()
    standard = table.find(industry)
    if standard is None:
        raise SizeClassError(
            "unknown_industry",
            f"未知行业：{industry!r}；可选：{'、'.join(s.name_zh for s in table.industries.values())}",
            f"Unknown industry {industry!r}; one of {', '.join(table.industries)}",
        )
    given: dict[str, object] = {"employees": employees, "revenue_wan": revenue_wan, "assets_wan": assets_wan}
    missing = tuple(m for m in standard.metrics if given[m] is None)
    if missing:
        raise SizeClassError(
            "missing_figure",
            f"{standard.name_zh}划型需要：{'、'.join(METRICS[m][0] + '（' + m + '）' for m in missing)}",
            f"{standard.name_en} needs: {', '.join(missing)}",
            missing,
        )
    figures = {m: _figure(m, given[m]) for m in standard.metrics}
    chosen: SizeClass = "micro"
    for size_class, bounds in standard.bounds:
        if all(figures[m] >= bound for m, bound in bounds):
            chosen = size_class
            break
    by_class = dict(standard.bounds)
    facts_zh = "、".join(f"{METRICS[m][0]}{figures[m]}{METRICS[m][1]}" for m in standard.metrics)
    facts_en = ", ".join(f"{METRICS[m][2]} {figures[m]}{METRICS[m][3]}" for m in standard.metrics)
    name_zh, name_en = _CLASS_NAMES[chosen]
    if chosen == "micro":
        verdict_zh = f"未达到小型企业标准（{_describe(by_class['small'], zh=True)}）"
        verdict_en = f"below the small-enterprise bounds ({_describe(by_class['small'], zh=False)})"
    else:
        verdict_zh = f"达到{name_zh}标准（{_describe(by_class[chosen], zh=True)}）"
        verdict_en = f"meets the {name_en}-enterprise bounds ({_describe(by_class[chosen], zh=False)})"
        if chosen != "large":
            upper = _RANKED[_RANKED.index(chosen) - 1]
            verdict_zh += f"，未达到{_CLASS_NAMES[upper][0]}标准（{_describe(by_class[upper], zh=True)}）"
            verdict_en += (
                f" but not the {_CLASS_NAMES[upper][1]} ones ({_describe(by_class[upper], zh=False)})"
            )
    citation = f"{table.source}{standard.article}"
    return SizeResult(
        size_class=chosen,
        industry=standard.code,
        reason_zh=f"{standard.name_zh}：{facts_zh}，{verdict_zh}，为{name_zh}。依据{citation}。",
        reason_en=f"{standard.name_en}: {facts_en}; {verdict_en}: {name_en} enterprise. Source: {citation}.",
        citation=citation,
    )
