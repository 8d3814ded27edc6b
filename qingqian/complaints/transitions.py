"""The one transitions table of a complaint's life, and the one function that applies it.

`(from_state, action) → (to_state, parties allowed, guard, deadline policy)`. Parties are what a
user *is to this case* (the office over its region, the handling department or county, the
complainant enterprise, the respondent's clerk), computed from their role grants by `parties_of`.

`apply_transition` checks, in this order: the action exists (400) → the user may do this action at
all (403) → it is allowed from the current state (409) → the user is that party for this case
(403) → the guard (409) → the action's own input (400). Then one compare-and-swap
`filter(pk, status=old, version=old).update(...)` that must touch exactly one row, else
`ConcurrentTransition`; the event `complaints.case.<action>` and the notifications are written in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingqian.complaints import conf
from qingqian.complaints.choices import Status

S = Status

# Parties
OFFICE = "office"  # 专班办公室 over the case's region
HANDLER = "handler"  # the responsible department's handler, or the county's
COMPLAINANT = "complainant"  # the enterprise that filed it
RESPONDENT = "respondent"  # the debtor unit's clerk
COHANDLER = "cohandler"  # a co-handling department (协办): sees and comments

# Which roles can ever be each party (403 vs 409 decisions).
PARTY_ROLES: dict[str, frozenset[str]] = {
    OFFICE: frozenset({"taskforce_office"}),
    HANDLER: frozenset({"department_handler", "county_handler"}),
    COMPLAINANT: frozenset({"enterprise_user"}),
    RESPONDENT: frozenset({"debtor_clerk"}),
    COHANDLER: frozenset({"department_handler"}),
}

# Deadline policies (implemented in services/workflow.py::_deadline_updates)
KEEP = "keep"
PAUSE = "pause"
RESUME = "resume"
REVIEW_DONE = "review_done"
ACCEPT = "accept"
ROUTE = "route"
UNROUTE = "unroute"
EXTEND = "extend"
STOP = "stop"
REOPEN = "reopen"


Guard = Callable[[Any, dt.date], str | None]  # (complaint, today) → None if fine, else the reason


def respondent_known(c: Any, today: dt.date) -> str | None:
    if c.respondent_id is None:
        return _("被投诉单位尚未在名录中确认，请先确认被投诉单位。")
    return None


def extension_within_total(c: Any, today: dt.date) -> str | None:
    from qingqian.complaints.deadlines import max_extension_days

    base = c.handle_base_on or today
    if c.extension_days + c.extension_requested_days > max_extension_days(base):
        return _("延期后的办理总时限不能超过法定上限。")
    return None


def first_unsatisfied(c: Any, today: dt.date) -> str | None:
    return None if c.reopen_count == 0 else _("已重新办理过一次，再次不满意将提交专班复核。")


def repeat_unsatisfied(c: Any, today: dt.date) -> str | None:
    return None if c.reopen_count >= 1 else _("首次不满意应退回重新办理。")


def unrated_long_enough(c: Any, today: dt.date) -> str | None:
    days = conf.unrated_close_days()
    if c.feedback_sent_on and (today - c.feedback_sent_on).days >= days:
        return None
    return _("企业收到反馈后%(days)d日内未评价的，方可由专班办公室办结。") % {"days": days}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    parties: frozenset[str]
    guard: Guard | None = None
    deadline: str = KEEP
    label: Any = ""
    needs: tuple[str, ...] = field(default_factory=tuple)  # required inputs, for forms and docs


def _t(
    source: str,
    action: str,
    target: str,
    parties: set[str],
    *,
    guard: Guard | None = None,
    deadline: str = KEEP,
    needs: tuple[str, ...] = (),
) -> Transition:
    return Transition(
        source, action, target, frozenset(parties), guard, deadline, ACTION_LABELS[action], needs
    )


ACTION_LABELS: dict[str, Any] = {
    "start_review": gettext_lazy("开始审查"),
    "request_material": gettext_lazy("要求补充材料"),
    "provide_material": gettext_lazy("提交补充材料"),
    "reject": gettext_lazy("不予受理"),
    "accept": gettext_lazy("受理"),
    "route": gettext_lazy("转办"),
    "receive": gettext_lazy("签收办理"),
    "return_misrouted": gettext_lazy("退回（非本部门职责）"),
    "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"),
    "refuse_extension": gettext_lazy("不批准延期"),
    "submit_result": gettext_lazy("报送办理结果"),
    "approve_result": gettext_lazy("审核通过并反馈企业"),
    "return_result": gettext_lazy("退回重办"),
    "confirm_satisfied": gettext_lazy("满意"),
    "rate_unsatisfied": gettext_lazy("不满意"),
    "rate_unsatisfied_again": gettext_lazy("仍不满意"),
    "close_unrated": gettext_lazy("逾期未评价办结"),
    "office_close": gettext_lazy("复核办结"),
    "reassign": gettext_lazy("复核后重新转办"),
    "withdraw": gettext_lazy("撤回投诉"),
    "terminate": gettext_lazy("终止办理（已进入诉讼等程序）"),
}

_WITHDRAWABLE = [
    S.REGISTERED,
    S.UNDER_REVIEW,
    S.AWAITING_MATERIAL,
    S.ACCEPTED,
    S.TRANSFERRED,
    S.IN_HANDLING,
    S.EXTENSION_REQUESTED,
]
_TERMINABLE = [
    S.UNDER_REVIEW,
    S.AWAITING_MATERIAL,
    S.ACCEPTED,
    S.TRANSFERRED,
    S.IN_HANDLING,
    S.EXTENSION_REQUESTED,
    S.RESULT_SUBMITTED,
    S.OFFICE_REVIEW,
]

TABLE: dict[tuple[str, str], Transition] = {
    (t.source, t.action): t
    for t in [
        _t(S.REGISTERED, "start_review", S.UNDER_REVIEW, {OFFICE}),
        _t(S.REGISTERED, "request_material", S.AWAITING_MATERIAL, {OFFICE}, deadline=PAUSE, needs=("text",)),
        _t(
            S.UNDER_REVIEW, "request_material", S.AWAITING_MATERIAL, {OFFICE}, deadline=PAUSE, needs=("text",)
        ),
        _t(S.AWAITING_MATERIAL, "provide_material", S.UNDER_REVIEW, {COMPLAINANT, OFFICE}, deadline=RESUME),
        _t(S.REGISTERED, "reject", S.NOT_ACCEPTED, {OFFICE}, deadline=REVIEW_DONE, needs=("reason", "text")),
        _t(
            S.UNDER_REVIEW, "reject", S.NOT_ACCEPTED, {OFFICE}, deadline=REVIEW_DONE, needs=("reason", "text")
        ),
        _t(S.REGISTERED, "accept", S.ACCEPTED, {OFFICE}, guard=respondent_known, deadline=ACCEPT),
        _t(S.UNDER_REVIEW, "accept", S.ACCEPTED, {OFFICE}, guard=respondent_known, deadline=ACCEPT),
        _t(S.ACCEPTED, "route", S.TRANSFERRED, {OFFICE}, deadline=ROUTE, needs=("department",)),
        _t(S.TRANSFERRED, "receive", S.IN_HANDLING, {HANDLER}),
        _t(S.TRANSFERRED, "return_misrouted", S.ACCEPTED, {HANDLER}, deadline=UNROUTE, needs=("text",)),
        _t(S.IN_HANDLING, "return_misrouted", S.ACCEPTED, {HANDLER}, deadline=UNROUTE, needs=("text",)),
        _t(S.IN_HANDLING, "request_extension", S.EXTENSION_REQUESTED, {HANDLER}, needs=("days", "text")),
        _t(
            S.EXTENSION_REQUESTED,
            "approve_extension",
            S.IN_HANDLING,
            {OFFICE},
            guard=extension_within_total,
            deadline=EXTEND,
        ),
        _t(S.EXTENSION_REQUESTED, "refuse_extension", S.IN_HANDLING, {OFFICE}, needs=("text",)),
        _t(
            S.IN_HANDLING,
            "submit_result",
            S.RESULT_SUBMITTED,
            {HANDLER},
            deadline=STOP,
            needs=("outcome", "text"),
        ),
        _t(S.RESULT_SUBMITTED, "approve_result", S.FEEDBACK_SENT, {OFFICE}),
        _t(S.RESULT_SUBMITTED, "return_result", S.IN_HANDLING, {OFFICE}, deadline=REOPEN, needs=("text",)),
        _t(S.FEEDBACK_SENT, "confirm_satisfied", S.CLOSED, {COMPLAINANT}),
        _t(
            S.FEEDBACK_SENT,
            "rate_unsatisfied",
            S.IN_HANDLING,
            {COMPLAINANT},
            guard=first_unsatisfied,
            deadline=REOPEN,
            needs=("text",),
        ),
        _t(
            S.FEEDBACK_SENT,
            "rate_unsatisfied_again",
            S.OFFICE_REVIEW,
            {COMPLAINANT},
            guard=repeat_unsatisfied,
            needs=("text",),
        ),
        _t(S.FEEDBACK_SENT, "close_unrated", S.CLOSED, {OFFICE}, guard=unrated_long_enough),
        _t(S.OFFICE_REVIEW, "office_close", S.CLOSED, {OFFICE}, needs=("text",)),
        _t(S.OFFICE_REVIEW, "reassign", S.TRANSFERRED, {OFFICE}, deadline=ROUTE, needs=("department",)),
        *[_t(s, "withdraw", S.WITHDRAWN, {COMPLAINANT}, deadline=STOP) for s in _WITHDRAWABLE],
        *[_t(s, "terminate", S.TERMINATED, {OFFICE}, deadline=STOP, needs=("text",)) for s in _TERMINABLE],
    ]
}

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TABLE.values()))


def transitions_for(action: str) -> list[Transition]:
    return [t for t in TABLE.values() if t.action == action]


def roles_for(action: str) -> frozenset[str]:
    """Every role that could ever take this action (whatever the state or the case)."""
    roles: set[str] = set()
    for t in transitions_for(action):
        for party in t.parties:
            roles |= PARTY_ROLES[party]
    return frozenset(roles)


def available(status: str, parties: set[str] | frozenset[str]) -> list[Transition]:
    """The transitions out of `status` that these parties may take (guards not yet checked)."""
    return [t for (source, _a), t in TABLE.items() if source == status and t.parties & parties]
