"""How big each synthetic scale is (DOMAIN.md §6) and how a factor or sample shrinks it.

| scale | bodies | enterprises | ledger items | payment reports | complaints |
|---|---:|---:|---:|---:|---:|
| tiny (tests) | 60 | 150 | 600 | ≈ 1,800 | 300 |
| city | 5,000 | 20,000 | 100,000 | ≈ 300,000 | 10,000 |
| province | 50,000 | 200,000 | 1,000,000 | ≈ 3,000,000 | 100,000 |
| national (planned; run only as a sample) | 1,500,000 | 6,000,000 | 30,000,000 | ≈ 90,000,000 | 3,000,000 |

Payment reports average three per item (confirmed, late, partial, unconfirmed, rejected); about 85 %
become confirmed payment entries. The national row is the plan of `docs/operations.md` (31 provinces
of the province's size); `--scale national` refuses to run without `--sample` (e.g. 0.001).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Bump when the same seed would generate different data (cached benchmark databases are rebuilt).
VERSION = "6"
SCALE_NAMES = ("tiny", "city", "province", "national")


@dataclass(frozen=True)
class Scale:
    name: str
    bodies: int
    enterprises: int
    items: int
    complaints: int
    payments_per_item: float = 3.0
    factor: float = 1.0

    def scaled(self, factor: float) -> Scale:
        """The same mix at `factor` × the size (never below what it takes to show every state)."""
        if factor == 1.0:
            return self
        return replace(
            self,
            bodies=max(40, round(self.bodies * factor)),
            enterprises=max(80, round(self.enterprises * factor)),
            items=max(400, round(self.items * factor)),
            complaints=max(200, round(self.complaints * factor)),
            factor=self.factor * factor,
        )

    @property
    def label(self) -> str:
        return self.name if self.factor == 1.0 else f"{self.name}×{self.factor:g}"


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", bodies=60, enterprises=150, items=600, complaints=300),
    "city": Scale("city", bodies=5_000, enterprises=20_000, items=100_000, complaints=10_000),
    "province": Scale("province", bodies=50_000, enterprises=200_000, items=1_000_000, complaints=100_000),
    "national": Scale(
        "national", bodies=1_500_000, enterprises=6_000_000, items=30_000_000, complaints=3_000_000
    ),
}


def resolve(name: str, factor: float | None = None) -> Scale:
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; choose one of {', '.join(SCALE_NAMES)}")
    if name == "national" and (factor is None or factor > 0.01):
        raise ValueError("the national scale is planned on paper; run it as a sample (--sample 0.001)")
    if factor is not None and factor <= 0:
        raise ValueError("the factor must be positive")
    return SCALES[name].scaled(factor or 1.0)
