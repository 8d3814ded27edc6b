"""清欠 rules core: pure Python, no Django (an import-linter contract enforces it).

Law as data: dated parameters in ``parameters/*.yaml``, findings and texts in ``data/``; pure
functions compute due dates, interest, size classes and compliance findings. See docs/rules/.
"""

from .assess import assess
from .catalogue import Catalogue, finding, get_catalogue, load_catalogue, reason, reason_from_ref
from .compliance import compliance_codes
from .due import due_date, payment_start, payment_term, regulation_for, rule_date
from .interest import accrue, daily_rate, overdue_days
from .jsonio import ERROR_CODES, InputError, assess_json, assessment_to_json, parse_contract
from .lpr import LprError, LprRow, LprSeries
from .model import (
    ALLOCATION_CHOICES,
    DEFAULT_POLICIES,
    LAWFUL_DEPOSIT_KINDS,
    PAYER_KINDS,
    VERSION_BY_CHOICES,
    Assessment,
    Clauses,
    ContractInput,
    Finding,
    PayerKind,
    Payment,
    Policies,
    PolicyError,
    Reason,
    Segment,
)
from .money import round_yuan
from .params import Parameter, ParameterError, Parameters, RulesAt, get_parameters, load_parameters
from .size import SizeClassError, SizeResult, classify_size, get_size_standards, load_size_standards
from .workcalendar import Calendar, calendar_rows_from_chinese_calendar, chinese_calendar_years

__all__ = [
    "ALLOCATION_CHOICES",
    "DEFAULT_POLICIES",
    "ERROR_CODES",
    "LAWFUL_DEPOSIT_KINDS",
    "PAYER_KINDS",
    "VERSION_BY_CHOICES",
    "Assessment",
    "Calendar",
    "Catalogue",
    "Clauses",
    "ContractInput",
    "Finding",
    "InputError",
    "LprError",
    "LprRow",
    "LprSeries",
    "Parameter",
    "ParameterError",
    "Parameters",
    "PayerKind",
    "Payment",
    "Policies",
    "PolicyError",
    "Reason",
    "RulesAt",
    "Segment",
    "SizeClassError",
    "SizeResult",
    "accrue",
    "assess",
    "assess_json",
    "assessment_to_json",
    "calendar_rows_from_chinese_calendar",
    "chinese_calendar_years",
    "classify_size",
    "compliance_codes",
    "daily_rate",
    "due_date",
    "finding",
    "get_catalogue",
    "get_parameters",
    "get_size_standards",
    "load_catalogue",
    "load_parameters",
    "load_size_standards",
    "overdue_days",
    "parse_contract",
    "payment_start",
    "payment_term",
    "reason",
    "reason_from_ref",
    "regulation_for",
    "round_yuan",
    "rule_date",
]
