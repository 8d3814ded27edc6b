"""Writes of disclosure. Only these functions change disclosure state (one transaction each)."""

from qingqian.disclosure.services.performance import performance_publish
from qingqian.disclosure.services.reminders import disclosure_remind
from qingqian.disclosure.services.reports import report_generate, report_generate_scheduled
from qingqian.disclosure.services.returns import (
    return_reopen,
    return_transition,
    returns_draft,
    sides_of,
)

__all__ = [
    "disclosure_remind",
    "performance_publish",
    "report_generate",
    "report_generate_scheduled",
    "return_reopen",
    "return_transition",
    "returns_draft",
    "sides_of",
]
