"""`apply_transition`: the one way a complaint changes state (see transitions.py for the table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.complaints import deadlines, validation
from qingqian.complaints import transitions as T
from qingqian.complaints.choices import (
    TERMINAL_STATES,
    DeadlineKind,
    LadderStep,
    Lateness,
    NoteKind,
    Outcome,
    RejectReason,
    Status,
)
from qingqian.complaints.models import CaseNote, CoHandler, Complaint, Pause, RoutingRecord
from qingqian.complaints.services import parties as P
from qingqian.complaints.services.common import history, tell
from qingqian.core.errors import ConcurrentTransition, InvalidInput, InvalidTransition, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import grants_of
from qingqian.registry.choices import OrganisationKind
from qingqian.registry.models import Organisation
from qingqian.registry.selectors import explain_routing

DEADLINE_FIELDS = ("review_due_on", "transfer_due_on", "handle_due_on")


def ladder_fields(status: str, case: Any, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """due_on/due_kind for the state, and a fresh ladder if the watched deadline changed."""
    values = values or {}

    def get(name: str) -> Any:
        return values[name] if name in values else getattr(case, name)

    due_on, kind = deadlines.active_deadline(
        status,
        review_due_on=get("review_due_on"),
        transfer_due_on=get("transfer_due_on"),
        handle_due_on=get("handle_due_on"),
        upstream_due_on=get("upstream_due_on"),
    )
    out: dict[str, Any] = {"due_on": due_on, "due_kind": kind}
    if due_on == case.due_on and kind == case.due_kind and case.pk is not None:
        return out
    nxt = deadlines.next_step(due_on, LadderStep.NONE)
    out.update(
        ladder_step=LadderStep.NONE,
        lateness=Lateness.ON_TIME,
        next_reminder_at=nxt[1] if nxt else None,
    )
    return out


@dataclass
class Effect:
    updates: dict[str, Any] = field(default_factory=dict)
    history: list[tuple[str, dt.date | None, dt.date | None, str]] = field(default_factory=list)
    after: list[Callable[[Complaint], None]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _text(payload: dict[str, Any], label: str, *, required: bool = True, max_length: int = 2000) -> str:
    e = validation.Errors()
    value = validation.text(
        e, "text", payload.get("text"), label=label, max_length=max_length, required=required, multiline=True
    )
    e.raise_if_any()
    return value


def _department(payload: dict[str, Any], field_name: str = "department_id") -> Organisation:
    raw = payload.get(field_name) or payload.get("department")
    if isinstance(raw, Organisation):
        org = raw
    else:
        try:
            org = Organisation.objects.select_related("region").get(pk=int(str(raw)), active=True)
        except (TypeError, ValueError, Organisation.DoesNotExist):
            raise InvalidInput(
                _("请选择责任部门。"), fields={"department_id": [_("请选择责任部门。")]}
            ) from None
    if org.kind != OrganisationKind.DEPARTMENT:
        raise InvalidInput(
            _("责任部门必须是职能部门。"), fields={"department_id": [_("责任部门必须是职能部门。")]}
        )
    return org


def _route_effect(case: Complaint, payload: dict[str, Any], actor: Any, today: dt.date) -> Effect:
    dept = _department(payload)
    proposal = explain_routing(case.respondent) if case.respondent is not None else None
    proposed = proposal.responsible if proposal else None
    e = validation.Errors()
    reason = validation.text(
        e,
        "override_reason",
        payload.get("override_reason"),
        label=_("改派理由"),
        max_length=500,
        required=proposed is not None and proposed.pk != dept.pk,
    )
    cohandler_ids = [int(x) for x in (payload.get("cohandler_ids") or []) if str(x).isdigit()]
    cohandlers = list(
        Organisation.objects.filter(
            pk__in=cohandler_ids, kind=OrganisationKind.DEPARTMENT, active=True
        ).exclude(pk=dept.pk)
    )
    if len(cohandlers) != len(set(cohandler_ids) - {dept.pk}):
        e.add("cohandler_ids", _("协办部门必须是有效的职能部门。"))
    e.raise_if_any()
    explain = proposal.text() if proposal else ""
    base = today
    handle_due = deadlines.handle_due(base)

    def after(c: Complaint) -> None:
        RoutingRecord.objects.create(
            complaint=c,
            proposed=proposed,
            department=dept,
            explain=explain,
            override_reason=reason,
            routed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for org in cohandlers:
            CoHandler.objects.get_or_create(complaint=c, organisation=org)

    detail = _("转办至%(d)s") % {"d": dept.name}
    if reason:
        detail += _("（改派，理由：%(r)s）") % {"r": reason}
    elif explain:
        detail += _("（%(e)s）") % {"e": explain}
    if cohandlers:
        detail += _("；协办：%(c)s") % {"c": "、".join(o.name for o in cohandlers)}
    return Effect(
        updates={
            "responsible_department_id": dept.pk,
            "routing_explain": explain,
            "transferred_on": today,
            "handle_base_on": base,
            "extension_days": 0,
            "handle_due_on": handle_due,
        },
        history=[
            (DeadlineKind.HANDLE, case.handle_due_on, handle_due, _("转办，办理期限自收到材料之日起算"))
        ],
        after=[after],
        data={"department": dept.pk, "proposed": proposed.pk if proposed else None, "explain": detail},
    )


def _effect(
    action: str, t: T.Transition, case: Complaint, payload: dict[str, Any], actor: Any, today: dt.date
) -> Effect:
    """Validate the action's input and compute what it changes (nothing is written here)."""
    if action == "start_review":
        return Effect()
    if action == "request_material":
        text = _text(payload, _("需补充的材料"))
        remaining = (
            max(0, deadlines.working_days_between(today, case.review_due_on)) if case.review_due_on else 0
        )

        def pause(c: Complaint) -> None:
            Pause.objects.create(
                complaint=c,
                kind=DeadlineKind.REVIEW,
                started_on=today,
                remaining_working_days=remaining,
                request_text=text,
            )

        return Effect(
            updates={"material_request": text},
            after=[pause],
            data={"reason": text, "remaining_working_days": remaining},
        )
    if action == "provide_material":
        text = _text(payload, _("补充说明"), required=False)
        open_pause = Pause.objects.filter(complaint=case, ended_on__isnull=True).order_by("-id").first()
        remaining = open_pause.remaining_working_days if open_pause else 0
        new_due = deadlines.resume_after_pause(remaining, today)
        paused_days = (today - open_pause.started_on).days if open_pause else 0

        def resume(c: Complaint) -> None:
            if open_pause is not None:
                Pause.objects.filter(pk=open_pause.pk).update(ended_on=today)
            if text:
                CaseNote.objects.create(complaint=c, kind=NoteKind.MATERIAL, text=text, author=actor)

        return Effect(
            updates={"review_due_on": new_due, "material_request": ""},
            history=[
                (
                    DeadlineKind.REVIEW,
                    case.review_due_on,
                    new_due,
                    _("补充材料后恢复计时（暂停%(n)d日，剩余%(r)d个工作日）")
                    % {"n": paused_days, "r": remaining},
                )
            ],
            after=[resume],
            data={"explain": text or _("已补充材料"), "paused_days": paused_days},
        )
    if action == "reject":
        e = validation.Errors()
        reason = validation.choice(
            e, "reason", payload.get("reason"), label=_("不予受理理由"), choices=list(RejectReason.values)
        )
        text = validation.text(
            e, "text", payload.get("text"), label=_("说明"), max_length=2000, multiline=True
        )
        e.raise_if_any()
        return Effect(
            updates={"reject_reason": reason, "reject_text": text, "reviewed_on": today},
            data={"reason": f"{RejectReason(reason).label}：{text}", "reject_reason": reason},
        )
    if action == "accept":
        transfer_due = deadlines.transfer_due(today)
        proposal = explain_routing(case.respondent) if case.respondent is not None else None
        return Effect(
            updates={"reviewed_on": today, "accepted_on": today, "transfer_due_on": transfer_due},
            history=[
                (DeadlineKind.TRANSFER, case.transfer_due_on, transfer_due, _("正式受理，转办期限起算"))
            ],
            data={
                "explain": _("建议责任部门：%(d)s") % {"d": proposal.responsible.name}
                if proposal and proposal.responsible
                else ""
            },
        )
    if action in ("route", "reassign"):
        return _route_effect(case, payload, actor, today)
    if action == "receive":
        return Effect(data={"explain": _("责任部门已签收")})
    if action == "return_misrouted":
        text = _text(payload, _("退回理由"))
        dept_id = case.responsible_department_id

        def mark_returned(c: Complaint) -> None:
            rec = (
                RoutingRecord.objects.filter(complaint=c, department_id=dept_id, returned_at__isnull=True)
                .order_by("-id")
                .first()
            )
            if rec is not None:
                RoutingRecord.objects.filter(pk=rec.pk).update(
                    returned_by=actor if getattr(actor, "is_authenticated", False) else None,
                    returned_at=timezone.now(),
                    return_reason=text,
                )

        return Effect(
            updates={
                "responsible_department_id": None,
                "handle_due_on": None,
                "handle_base_on": None,
                "transferred_on": None,
            },
            history=[(DeadlineKind.HANDLE, case.handle_due_on, None, _("责任部门退回，办理期限取消"))],
            after=[mark_returned],
            data={"reason": text, "department": dept_id},
        )
    if action == "request_extension":
        e = validation.Errors()
        try:
            days = int(payload.get("days") or 0)
        except (TypeError, ValueError):
            days = 0
        base = case.handle_base_on or today
        room = deadlines.max_extension_days(base) - case.extension_days
        if days < 1 or days > room:
            e.add("days", _("延期天数须为1至%(max)d日（办理总时限不超过法定上限）。") % {"max": max(room, 0)})
        text = validation.text(
            e, "text", payload.get("text"), label=_("延期理由"), max_length=2000, multiline=True
        )
        e.raise_if_any()
        return Effect(
            updates={"extension_requested_days": days, "extension_reason": text},
            data={"reason": text, "days": days},
        )
    if action == "approve_extension":
        total = case.extension_days + case.extension_requested_days
        base = case.handle_base_on or today
        new_due = deadlines.handle_due(base, total)
        return Effect(
            updates={"extension_days": total, "extension_requested_days": 0, "handle_due_on": new_due},
            history=[
                (
                    DeadlineKind.HANDLE,
                    case.handle_due_on,
                    new_due,
                    _("批准延期%(n)d日") % {"n": case.extension_requested_days},
                )
            ],
            data={
                "explain": _("批准延期%(n)d日，办理期限至%(d)s")
                % {"n": case.extension_requested_days, "d": new_due.isoformat()}
            },
        )
    if action == "refuse_extension":
        text = _text(payload, _("不批准理由"))
        return Effect(updates={"extension_requested_days": 0}, data={"reason": text})
    if action == "submit_result":
        e = validation.Errors()
        outcome = validation.choice(
            e, "outcome", payload.get("outcome"), label=_("办理结果"), choices=list(Outcome.values)
        )
        text = validation.text(
            e, "text", payload.get("text"), label=_("办理情况"), max_length=5000, multiline=True
        )
        paid = validation.money(
            e, "amount_paid", payload.get("amount_paid") or "0", label=_("已支付金额"), positive=False
        )
        planned = validation.money(
            e, "amount_planned", payload.get("amount_planned") or "0", label=_("计划支付金额"), positive=False
        )
        if outcome in (Outcome.PAID_IN_FULL, Outcome.PARTLY_PAID) and paid is not None and paid <= 0:
            e.add("amount_paid", _("结果为已支付时，请填写已支付金额。"))
        if outcome == Outcome.PLAN_AGREED and planned is not None and planned <= 0:
            e.add("amount_planned", _("结果为达成还款计划时，请填写计划支付金额。"))
        e.raise_if_any()
        assert paid is not None
        assert planned is not None
        return Effect(
            updates={
                "outcome": outcome,
                "result_text": text,
                "amount_paid": paid,
                "amount_planned": planned,
                "amount_resolved": paid,
                "result_submitted_on": today,
            },
            data={
                "explain": _("%(o)s；已支付 %(p)s 元；%(t)s")
                % {"o": Outcome(outcome).label, "p": f"{paid:,.2f}", "t": text[:200]},
                "outcome": outcome,
                "amount_paid": paid,
                "amount_planned": planned,
            },
        )
    if action == "approve_result":
        data: dict[str, Any] = {"explain": _("办理结果已反馈企业")}
        if case.upstream_ref:
            data["explain"] = _("办理结果已反馈企业，并报上级平台（%(ref)s）") % {"ref": case.upstream_ref}
            data["upstream_ref"] = case.upstream_ref
        return Effect(updates={"feedback_sent_on": today}, data=data)
    if action == "return_result":
        text = _text(payload, _("退回理由"))
        return Effect(updates={"result_submitted_on": None}, data={"reason": text})
    if action == "confirm_satisfied":
        text = _text(payload, _("评价"), required=False)
        return Effect(updates={"satisfied": True}, data={"explain": text or _("企业对办理结果满意")})
    if action == "rate_unsatisfied":
        text = _text(payload, _("不满意理由"))
        handle_due = deadlines.handle_due(today)
        return Effect(
            updates={
                "satisfied": False,
                "unsatisfied_reason": text,
                "reopen_count": case.reopen_count + 1,
                "handle_base_on": today,
                "extension_days": 0,
                "handle_due_on": handle_due,
                "result_submitted_on": None,
                "feedback_sent_on": None,
            },
            history=[(DeadlineKind.HANDLE, case.handle_due_on, handle_due, _("企业不满意，重新办理"))],
            data={"reason": text},
        )
    if action == "rate_unsatisfied_again":
        text = _text(payload, _("不满意理由"))
        return Effect(updates={"satisfied": False, "unsatisfied_reason": text}, data={"reason": text})
    if action == "close_unrated":
        return Effect(data={"explain": _("企业逾期未评价，专班办公室办结")})
    if action == "office_close":
        text = _text(payload, _("复核意见"))
        return Effect(updates={"close_note": text}, data={"reason": text})
    if action == "withdraw":
        text = _text(payload, _("撤回理由"), required=False)
        return Effect(data={"reason": text} if text else {})
    if action == "terminate":
        text = _text(payload, _("终止理由"))
        return Effect(updates={"close_note": text}, data={"reason": text})
    raise InvalidInput(_("未知的操作。"), code="unknown_action")  # pragma: no cover - table and effects agree


def _notify(action: str, case: Complaint, data: dict[str, Any]) -> None:
    label = str(T.ACTION_LABELS[action])
    reason = str(data.get("reason") or data.get("explain") or "")
    office, handler, complainant = P.office_users, P.handler_users, P.complainant_users
    plan: dict[str, list[Callable[[Complaint], Any]]] = {
        "request_material": [complainant],
        "provide_material": [office],
        "reject": [complainant],
        "accept": [complainant],
        "route": [handler, P.cohandler_users, complainant, P.respondent_users],
        "reassign": [handler, P.cohandler_users, complainant],
        "return_misrouted": [office],
        "request_extension": [office],
        "approve_extension": [handler],
        "refuse_extension": [handler],
        "submit_result": [office],
        "approve_result": [complainant],
        "return_result": [handler],
        "confirm_satisfied": [handler, office],
        "rate_unsatisfied": [handler, office],
        "rate_unsatisfied_again": [office, handler],
        "close_unrated": [complainant, handler],
        "office_close": [complainant, handler],
        "withdraw": [office, handler],
        "terminate": [complainant, handler],
    }
    recipients: list[Any] = []
    for fn in plan.get(action, []):
        recipients += list(fn(case))
    if recipients:
        tell(
            recipients,
            case,
            topic=f"complaints.case.{action}",
            subject=_("%(action)s（当前状态：%(status)s）")
            % {"action": label, "status": Status(case.status).label},
            body=reason,
            sms=action in ("request_material", "approve_result", "route"),
        )


def check_allowed(actor: Any, case: Complaint, action: str, today: dt.date) -> T.Transition:
    """The permission and state checks of `apply_transition`, without changing anything."""
    candidates = T.transitions_for(action)
    if not candidates:
        raise InvalidInput(_("未知的操作。"), code="unknown_action")
    if actor is not None:
        roles = {g.role for g in grants_of(actor)}
        if not roles & T.roles_for(action):
            raise NotPermitted()
    t = T.TABLE.get((case.status, action))
    if t is None:
        raise InvalidTransition(
            _("当前状态“%(s)s”下不能执行“%(a)s”。")
            % {"s": Status(case.status).label, "a": T.ACTION_LABELS[action]},
            extra={"status": case.status, "action": action},
        )
    if actor is not None and not (t.parties & P.parties_of(actor, case)):
        raise NotPermitted()
    if t.guard is not None:
        why = t.guard(case, today)
        if why:
            raise InvalidTransition(why, code="guard_failed")
    return t


def apply_transition(
    *, actor: Any, complaint: Complaint, action: str, payload: dict[str, Any] | None = None
) -> Complaint:
    """Apply one row of the transitions table as a compare-and-swap; event and notifications in the same transaction."""
    payload = payload or {}
    today = deadlines.today()
    case = complaint
    t = check_allowed(actor, case, action, today)
    effect = _effect(action, t, case, payload, actor, today)
    updates: dict[str, Any] = dict(effect.updates)
    if t.target in TERMINAL_STATES:
        updates["closed_on"] = today
    updates.update(ladder_fields(t.target, case, updates))
    old_status = case.status
    with transaction.atomic():
        touched = Complaint.objects.filter(pk=case.pk, status=old_status, version=case.version).update(
            status=t.target, version=F("version") + 1, updated_at=timezone.now(), **updates
        )
        if touched != 1:
            raise ConcurrentTransition()
        case.refresh_from_db()
        for fn in effect.after:
            fn(case)
        history(case, effect.history, actor)
        record_event(
            actor=actor,
            action=f"complaints.case.{action}",
            obj=case,
            before={"status": old_status},
            after={"status": t.target},
            data=effect.data,
        )
        if action == "approve_result" and case.upstream_ref:
            record_event(
                actor=actor,
                action="complaints.case.upstream_feedback",
                obj=case,
                data={"upstream_ref": case.upstream_ref, "explain": _("向上级平台反馈办理结果")},
            )
        _notify(action, case, effect.data)
    return case


def actions_for(actor: Any, case: Complaint) -> list[T.Transition]:
    """The transitions this user may take on this case now (guards checked): the case page's buttons."""
    today = deadlines.today()
    parties = P.parties_of(actor, case)
    return [t for t in T.available(case.status, parties) if t.guard is None or not t.guard(case, today)]


# --- Manual supervision (督办) and bulk actions ----------------------------------------------------------


@transaction.atomic
def complaint_supervise(*, actor: Any, complaint: Complaint, text: str) -> Complaint:
    """The office issues a supervision notice (督办) by hand to the handling unit."""
    if actor is not None and T.OFFICE not in P.parties_of(actor, complaint):
        raise NotPermitted()
    if complaint.status in TERMINAL_STATES or not complaint.responsible_department_id:
        raise InvalidTransition(_("只能对已转办、尚未办结的投诉督办。"))
    e = validation.Errors()
    clean = validation.text(e, "text", text, label=_("督办意见"), max_length=2000, multiline=True)
    e.raise_if_any()
    Complaint.objects.filter(pk=complaint.pk).update(
        manual_supervision_count=F("manual_supervision_count") + 1
    )
    complaint.refresh_from_db()
    record_event(
        actor=actor, action="complaints.case.supervised_manually", obj=complaint, data={"reason": clean}
    )
    tell(
        list(P.handler_users(complaint)) + list(P.respondent_users(complaint)),
        complaint,
        topic="complaints.case.supervised_manually",
        subject=_("督办通知：请加快办理"),
        body=clean,
        sms=True,
    )
    return complaint


@dataclass
class BulkReport:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def complaint_bulk(
    *, actor: Any, complaints: list[Complaint], action: str, payload: dict[str, Any]
) -> BulkReport:
    """The office applies one action to many cases; each is its own transaction, failures are reported."""
    report = BulkReport()
    for case in complaints:
        try:
            if action == "supervise":
                complaint_supervise(actor=actor, complaint=case, text=str(payload.get("text", "")))
            else:
                apply_transition(actor=actor, complaint=case, action=action, payload=payload)
        except (InvalidInput, InvalidTransition, NotPermitted, ConcurrentTransition) as exc:
            report.failed.append((case.number, str(exc.message)))
            continue
        report.done.append(case.number)
    return report
