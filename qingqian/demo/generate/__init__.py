"""The synthetic city generator (`manage.py generate_city`): realistic, deterministic data at city,
province or sampled national scale, bulk-inserted through the real tables. See `docs/generator.md`."""

from qingqian.demo.generate.run import (
    FINISHED,
    VERSION,
    GenerateRefused,
    GenerateReport,
    check_allowed,
    finished_marker,
    generate,
)
from qingqian.demo.generate.scales import SCALE_NAMES, SCALES, Scale, resolve

__all__ = [
    "FINISHED",
    "SCALES",
    "SCALE_NAMES",
    "VERSION",
    "GenerateRefused",
    "GenerateReport",
    "Scale",
    "check_allowed",
    "finished_marker",
    "generate",
    "resolve",
]
