"""Writes of the complaints app. Import from here: `from qingqian.complaints import services`."""

from qingqian.complaints.services.documents import evidence_add, note_add
from qingqian.complaints.services.eligibility import check_eligibility, eligibility_questions
from qingqian.complaints.services.intake import (
    clean_intake,
    complaint_file,
    complaint_receive_upstream,
    complaint_register_lead,
    respondent_confirm,
)
from qingqian.complaints.services.sweeper import sweep
from qingqian.complaints.services.workflow import (
    actions_for,
    apply_transition,
    check_allowed,
    complaint_bulk,
    complaint_supervise,
)

__all__ = [
    "actions_for",
    "apply_transition",
    "check_allowed",
    "check_eligibility",
    "clean_intake",
    "complaint_bulk",
    "complaint_file",
    "complaint_receive_upstream",
    "complaint_register_lead",
    "complaint_supervise",
    "eligibility_questions",
    "evidence_add",
    "note_add",
    "respondent_confirm",
    "sweep",
]
