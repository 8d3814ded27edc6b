"""Stage 2: complaints in every workflow state, each walked through the transitions table's path with
its dates, and every deadline computed the way the services compute it: the review and transfer
limits in working days on the holiday calendar (调休 included), handling in calendar days rolled past
rest days, pauses for material that resume with the working days left, approved extensions, reopened
cases, and the supervision ladder (催办/超期/督办/提级) as of the run's clock.

About one case in eight is received just before a public holiday, so its deadlines span it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qingqian.complaints import deadlines
from qingqian.complaints.choices import (
    TERMINAL_STATES,
    Channel,
    DeadlineKind,
    LadderStep,
    Outcome,
    RejectReason,
    SizeBasis,
    Status,
)
from qingqian.complaints.models import (
    Complaint,
    ComplaintContract,
    ComplaintCounter,
    DeadlineHistory,
    Pause,
    PendingDebtor,
    RoutingRecord,
)
from qingqian.demo.generate.common import Context, weighted
from qingqian.demo.generate.registry import Body, Registry, Sme, person_name
from qingqian.registry.models import Organisation, Region
from qingqian.registry.reference import working_calendar

S = Status
STATUS_WEIGHTS = [
    (S.REGISTERED, 2.0),
    (S.UNDER_REVIEW, 4.0),
    (S.AWAITING_MATERIAL, 2.5),
    (S.NOT_ACCEPTED, 8.0),
    (S.ACCEPTED, 1.5),
    (S.TRANSFERRED, 2.5),
    (S.IN_HANDLING, 10.0),
    (S.EXTENSION_REQUESTED, 1.5),
    (S.RESULT_SUBMITTED, 2.0),
    (S.FEEDBACK_SENT, 3.0),
    (S.OFFICE_REVIEW, 0.5),
    (S.CLOSED, 55.0),
    (S.WITHDRAWN, 4.5),
    (S.TERMINATED, 2.0),
]
ALL_STATUSES = [s for s, _w in STATUS_WEIGHTS]
# How long ago a case in this state was received (days): open states are recent, closed ones any age.
AGE = {
    S.REGISTERED: (0, 20),
    S.UNDER_REVIEW: (1, 25),
    S.AWAITING_MATERIAL: (3, 60),
    S.ACCEPTED: (5, 35),
    S.TRANSFERRED: (10, 45),
    S.IN_HANDLING: (15, 120),
    S.EXTENSION_REQUESTED: (30, 80),
    S.RESULT_SUBMITTED: (20, 90),
    S.FEEDBACK_SENT: (25, 100),
    S.OFFICE_REVIEW: (60, 200),
}
CHANNELS = [
    (Channel.PORTAL, 45),
    (Channel.HOTLINE, 18),
    (Channel.MAILBOX, 8),
    (Channel.LETTER, 6),
    (Channel.VISIT, 5),
    (Channel.UPSTREAM, 18),
]
OUTCOMES = [
    (Outcome.PAID_IN_FULL, 45),
    (Outcome.PARTLY_PAID, 25),
    (Outcome.PLAN_AGREED, 18),
    (Outcome.DISPUTED, 7),
    (Outcome.NOT_ARREARS, 5),
]
SUBJECTS = ["工程款", "货款", "服务费", "设计费", "监理费", "设备款", "运维服务费", "物业服务费", "检测费"]
ROUTED = {
    S.TRANSFERRED,
    S.IN_HANDLING,
    S.EXTENSION_REQUESTED,
    S.RESULT_SUBMITTED,
    S.FEEDBACK_SENT,
    S.OFFICE_REVIEW,
}
COMPLAINT_FIELDS = [
    "id", "number", "status", "version", "channel", "complainant", "complainant_name", "complainant_uscc",
    "complainant_uscc_warning", "complainant_size", "complainant_size_basis", "contact_name", "contact_phone",
    "contact_email", "respondent", "pending_debtor", "respondent_name", "respondent_kind", "region",
    "region_path", "amount_claimed", "amount_resolved", "summary", "original_text", "pledge", "eligibility",
    "upstream_ref", "upstream_due_on", "responsible_department", "routing_explain", "received_on",
    "review_due_on", "reviewed_on", "accepted_on", "transfer_due_on", "transferred_on", "handle_base_on",
    "handle_due_on", "extension_days", "result_submitted_on", "feedback_sent_on", "closed_on", "due_on",
    "due_kind", "next_reminder_at", "ladder_step", "lateness", "manual_supervision_count", "material_request",
    "reject_reason", "reject_text", "extension_requested_days", "extension_reason", "outcome", "result_text",
    "amount_paid", "amount_planned", "reopen_count", "satisfied", "unsatisfied_reason", "close_note",
    "created_by", "created_at", "updated_at",
]  # fmt: skip
ZERO = Decimal("0.00")


@dataclass
class Case:
    """One complaint as it is walked through its life (the columns it ends with, plus child rows)."""

    n: int
    status: str
    channel: str
    respondent: Body | None
    complainant: Sme
    amount: Decimal
    received_on: dt.date
    values: dict[str, Any] = field(default_factory=dict)
    history: list[tuple[str, dt.date | None, dt.date | None, str, dt.date]] = field(default_factory=list)
    pauses: list[tuple[str, dt.date, dt.date | None, int, str]] = field(default_factory=list)
    routed_on: dt.date | None = None
    version: int = 0


@dataclass
class Outcomes:
    """What the ledger stage builds on: accepted cases whose arrears became ledger items."""

    resolved: list[
        tuple[str, Body, Sme, Decimal, dt.date, str]
    ]  # number, debtor, creditor, amount, date, outcome
    count: int


def amount_claimed(rng: Any) -> Decimal:
    value = math.exp(rng.gauss(math.log(300_000), 1.3))
    return Decimal(min(50_000_000, max(5_000, round(value, -2)))).quantize(Decimal("0.01"))


def holiday_eves(ctx: Context, start: dt.date) -> list[dt.date]:
    """Working days followed within three days by a public holiday (so deadlines span the holiday)."""
    from qingqian.registry.models import CalendarDay

    holidays = sorted(
        CalendarDay.objects.filter(kind="holiday", date__gte=start, date__lte=ctx.as_of).values_list(
            "date", flat=True
        )
    )
    cal = working_calendar()
    eves: set[dt.date] = set()
    for day in holidays:
        for back in (1, 2, 3):
            eve = day - dt.timedelta(days=back)
            if cal.is_working_day(eve) and eve <= ctx.as_of:
                eves.add(eve)
    return sorted(eves)


class Walker:
    """Walks one case through the transitions with the services' deadline rules."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cal = working_calendar()

    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def clamp(self, day: dt.date) -> dt.date:
        return min(day, self.ctx.as_of)

    def walk(self, case: Case, rng: Any) -> None:
        v = case.values
        status = case.status
        r = case.received_on
        review_due = deadlines.review_due(r, self.cal)
        v["review_due_on"] = review_due
        case.history.append((DeadlineKind.REVIEW, None, review_due, "收到投诉，审查期限起算", r))
        if status == S.REGISTERED:
            return self._finish(case)
        case.version += 1  # start_review
        paused = status == S.AWAITING_MATERIAL or rng.random() < 0.12
        if paused:
            started = self.clamp(self.wd(r, rng.randrange(1, 6)))
            remaining = max(0, deadlines.working_days_between(started, review_due, self.cal))
            text = "请补充合同、验收单及对账确认材料"
            case.version += 1
            if status == S.AWAITING_MATERIAL:
                case.pauses.append((DeadlineKind.REVIEW, started, None, remaining, text))
                v["material_request"] = text
                return self._finish(case)
            resumed = self.clamp(started + dt.timedelta(days=rng.randrange(2, 25)))
            new_due = deadlines.resume_after_pause(remaining, resumed, self.cal)
            case.pauses.append((DeadlineKind.REVIEW, started, resumed, remaining, text))
            case.history.append(
                (
                    DeadlineKind.REVIEW,
                    review_due,
                    new_due,
                    f"补充材料后恢复计时（暂停{(resumed - started).days}日，剩余{remaining}个工作日）",
                    resumed,
                )
            )
            review_due = new_due
            v["review_due_on"] = review_due
            case.version += 1
            r = resumed
        if status == S.UNDER_REVIEW:
            return self._finish(case)
        if status == S.WITHDRAWN and rng.random() < 0.5:
            v["closed_on"] = self.clamp(r + dt.timedelta(days=rng.randrange(1, 10)))
            return self._finish(case, transitions=1)
        late = rng.random() < 0.08
        reviewed = self.clamp(self.wd(r, rng.randrange(1, 11) + (rng.randrange(1, 8) if late else 0)))
        reviewed = min(reviewed, review_due) if not late else reviewed
        v["reviewed_on"] = reviewed
        case.version += 1
        if status == S.NOT_ACCEPTED:
            reason = weighted(
                rng,
                [
                    (RejectReason.BEFORE_COURT, 3),
                    (RejectReason.NO_CONTRACT, 2),
                    (RejectReason.NOT_PURCHASE, 2),
                    (RejectReason.NOT_OVERDUE, 2),
                    (RejectReason.ALREADY_HANDLED, 1),
                    (RejectReason.NOT_BOUND_PAYER, 1),
                ],
            )
            v.update(
                reject_reason=reason,
                reject_text="经审查，" + str(RejectReason(reason).label),
                closed_on=reviewed,
            )
            return self._finish(case)
        v["accepted_on"] = reviewed
        transfer_due = deadlines.transfer_due(reviewed, self.cal)
        v["transfer_due_on"] = transfer_due
        case.history.append((DeadlineKind.TRANSFER, None, transfer_due, "正式受理，转办期限起算", reviewed))
        if status == S.ACCEPTED:
            return self._finish(case)
        if status in (S.WITHDRAWN, S.TERMINATED) and rng.random() < 0.5:
            return self._stop(case, rng, reviewed)
        late = rng.random() < 0.06
        routed = self.clamp(self.wd(reviewed, rng.randrange(0, 8) + (rng.randrange(3, 10) if late else 0)))
        self._route(case, routed)
        if status == S.TRANSFERRED:
            return self._finish(case)
        case.version += 1  # receive
        if status == S.EXTENSION_REQUESTED:
            v.update(extension_requested_days=30, extension_reason="涉及多个部门资金安排，需延期办理")
            case.version += 1
            return self._finish(case)
        if rng.random() < 0.08:  # an approved extension
            total = rng.choice((15, 30, 60))
            new_due = deadlines.handle_due(v["handle_base_on"], total, self.cal)
            case.history.append(
                (
                    DeadlineKind.HANDLE,
                    v["handle_due_on"],
                    new_due,
                    f"批准延期{total}日",
                    routed + dt.timedelta(days=20),
                )
            )
            v.update(extension_days=total, handle_due_on=new_due)
            case.version += 2
        if status == S.IN_HANDLING or (status in (S.WITHDRAWN, S.TERMINATED)):
            if status in (S.WITHDRAWN, S.TERMINATED):
                return self._stop(case, rng, routed)
            return self._finish(case)
        submitted = self._submit(case, rng, v["handle_base_on"], v["handle_due_on"])
        if status == S.RESULT_SUBMITTED:
            return self._finish(case)
        feedback = self.clamp(submitted + dt.timedelta(days=rng.randrange(1, 6)))
        v["feedback_sent_on"] = feedback
        case.version += 1
        if status == S.FEEDBACK_SENT:
            return self._finish(case)
        # the complainant's rating
        if status == S.OFFICE_REVIEW or (status == S.CLOSED and rng.random() < 0.08):
            reopened = self.clamp(feedback + dt.timedelta(days=rng.randrange(1, 10)))
            handle_due = deadlines.handle_due(reopened, 0, self.cal)
            case.history.append(
                (DeadlineKind.HANDLE, v["handle_due_on"], handle_due, "企业不满意，重新办理", reopened)
            )
            v.update(
                satisfied=False,
                unsatisfied_reason="款项仍未到账，对办理结果不满意",
                reopen_count=1,
                handle_base_on=reopened,
                extension_days=0,
                handle_due_on=handle_due,
            )
            case.version += 1
            submitted = self._submit(case, rng, reopened, handle_due)
            feedback = self.clamp(submitted + dt.timedelta(days=rng.randrange(1, 6)))
            v["feedback_sent_on"] = feedback
            case.version += 1
            if status == S.OFFICE_REVIEW:
                v["unsatisfied_reason"] = "重新办理后仍未支付，申请专班复核"
                case.version += 1
                return self._finish(case)
            v["close_note"] = "经专班复核，办理结果符合规定，予以办结"
            v["closed_on"] = self.clamp(feedback + dt.timedelta(days=rng.randrange(3, 20)))
            case.version += 2
            return self._finish(case)
        if status == S.CLOSED:
            if rng.random() < 0.85:
                v["satisfied"] = True
                v["closed_on"] = self.clamp(feedback + dt.timedelta(days=rng.randrange(1, 14)))
            else:  # not rated in time: the office closes it
                v["closed_on"] = self.clamp(feedback + dt.timedelta(days=rng.randrange(15, 30)))
            case.version += 1
            return self._finish(case)
        return self._stop(case, rng, feedback)  # withdrawn or terminated late in the life

    def _route(self, case: Case, routed: dt.date) -> None:
        v = case.values
        handle_due = deadlines.handle_due(routed, 0, self.cal)
        v.update(transferred_on=routed, handle_base_on=routed, extension_days=0, handle_due_on=handle_due)
        case.history.append(
            (DeadlineKind.HANDLE, None, handle_due, "转办，办理期限自收到材料之日起算", routed)
        )
        case.routed_on = routed
        case.version += 1

    def _submit(self, case: Case, rng: Any, base: dt.date, due: dt.date) -> dt.date:
        v = case.values
        late = rng.random() < 0.12
        span = max(1, (due - base).days)
        submitted = self.clamp(
            base + dt.timedelta(days=rng.randrange(3, span + 1) + (rng.randrange(1, 30) if late else 0))
        )
        outcome = weighted(rng, OUTCOMES)
        paid = ZERO
        planned = ZERO
        if outcome == Outcome.PAID_IN_FULL:
            paid = case.amount
        elif outcome == Outcome.PARTLY_PAID:
            paid = (case.amount * Decimal(rng.randrange(20, 80)) / 100).quantize(Decimal("0.01"))
        elif outcome == Outcome.PLAN_AGREED:
            planned = case.amount
        v.update(
            outcome=outcome,
            result_text=f"经核实，{Outcome(outcome).label}。",
            amount_paid=paid,
            amount_planned=planned,
            amount_resolved=paid,
            result_submitted_on=submitted,
        )
        case.version += 1
        return submitted

    def _stop(self, case: Case, rng: Any, after: dt.date) -> None:
        v = case.values
        v["closed_on"] = self.clamp(after + dt.timedelta(days=rng.randrange(1, 20)))
        if case.status == S.TERMINATED:
            v["close_note"] = "双方已进入诉讼程序，终止办理"
        case.version += 1
        return self._finish(case)

    def _finish(self, case: Case, transitions: int = 0) -> None:
        v = case.values
        case.version += transitions
        status = case.status
        if status in TERMINAL_STATES and "closed_on" not in v:
            v["closed_on"] = v.get("reviewed_on") or case.received_on
        due_on, kind = deadlines.active_deadline(
            status,
            review_due_on=v.get("review_due_on"),
            transfer_due_on=v.get("transfer_due_on"),
            handle_due_on=v.get("handle_due_on"),
            upstream_due_on=v.get("upstream_due_on"),
        )
        v["due_on"], v["due_kind"] = due_on, kind
        step = (
            deadlines.due_step(due_on, LadderStep.NONE, self.ctx.now, self.cal) if due_on else LadderStep.NONE
        )
        nxt = deadlines.next_step(due_on, step, self.cal) if due_on else None
        v["ladder_step"] = int(step)
        v["lateness"] = deadlines.lateness_of(step) if due_on else "on_time"
        v["next_reminder_at"] = nxt[1] if nxt else None


def generate_complaints(ctx: Context, registry: Registry, count: int) -> Outcomes:
    rng = ctx.rng("complaints")
    walker = Walker(ctx)
    regions = {r.pk: r for r in Region.objects.all()}
    eves = holiday_eves(ctx, ctx.as_of - dt.timedelta(days=730))
    departments = dict(Organisation.objects.filter(kind="department").values_list("pk", "name"))
    cases: list[Case] = []
    for n in range(count):
        status = ALL_STATUSES[n] if n < len(ALL_STATUSES) else weighted(rng, STATUS_WEIGHTS)
        channel = weighted(rng, CHANNELS)
        low, high = AGE.get(status, (20, 730))
        if eves and rng.random() < 0.125:
            window = [d for d in eves if low <= (ctx.as_of - d).days <= high]
            received = rng.choice(window) if window else ctx.as_of - dt.timedelta(days=rng.randint(low, high))
        else:
            received = ctx.as_of - dt.timedelta(days=rng.randint(low, high))
        if channel in (Channel.HOTLINE, Channel.VISIT, Channel.LETTER, Channel.MAILBOX):
            while not walker.cal.is_working_day(received):  # staff register these on working days
                received -= dt.timedelta(days=1)
        early = status in (S.REGISTERED, S.UNDER_REVIEW, S.AWAITING_MATERIAL, S.NOT_ACCEPTED)
        respondent = None if early and rng.random() < 0.03 else rng.choice(registry.bodies)
        case = Case(
            n=n,
            status=status,
            channel=channel,
            respondent=respondent,
            complainant=rng.choice(registry.smes),
            amount=amount_claimed(rng),
            received_on=received,
        )
        if channel == Channel.UPSTREAM:
            case.values["upstream_due_on"] = received + dt.timedelta(days=rng.choice((30, 45, 60)))
        walker.walk(case, rng)
        cases.append(case)
    cases.sort(key=lambda c: (c.received_on, c.n))
    ctx.progress(f"complaints: {count:,} cases walked through their workflow")
    return _write(ctx, rng, cases, regions, departments)


def _write(
    ctx: Context, rng: Any, cases: list[Case], regions: dict[int, Region], departments: dict[int, str]
) -> Outcomes:
    first = ctx.reserve(Complaint, len(cases))
    pending_first = ctx.reserve(PendingDebtor, sum(1 for c in cases if c.respondent is None))
    counters = dict(ComplaintCounter.objects.values_list("year", "last"))
    rows: list[tuple[Any, ...]] = []
    pending_rows: list[tuple[Any, ...]] = []
    contract_rows: list[tuple[Any, ...]] = []
    history_rows: list[tuple[Any, ...]] = []
    pause_rows: list[tuple[Any, ...]] = []
    routing_rows: list[tuple[Any, ...]] = []
    resolved: list[tuple[str, Body, Sme, Decimal, dt.date, str]] = []
    region_ids = [pk for pk, r in regions.items() if r.depth >= 1]
    for k, c in enumerate(cases):
        pk = first + k
        year = c.received_on.year
        counters[year] = counters.get(year, 0) + 1
        number = f"QQ-{year}-{counters[year]:06d}"
        v = c.values
        e = c.complainant
        pending_id = None
        if c.respondent is not None:
            body = c.respondent
            region = regions[body.region_id]
            respondent_name, respondent_kind = body.name, body.kind
        else:
            region = regions[rng.choice(region_ids)]
            pending_id = pending_first + len(pending_rows)
            respondent_name = f"{region.name}某{rng.choice(['管理处', '服务中心', '建设指挥部'])}"
            respondent_kind = ""
            pending_rows.append(
                (pending_id, respondent_name, "", "", region.pk, region.path, "pending", None,
                 ctx.at(c.received_on, 10), ctx.at(c.received_on, 10))
            )  # fmt: skip
        dept = c.respondent.responsible_department_id if c.respondent and c.routed_on else None
        created = ctx.at(c.received_on, 9 + k % 8, k % 60)
        subject = rng.choice(SUBJECTS)
        summary = f"{respondent_name}拖欠{subject}{c.amount:,.2f}元，经多次催要仍未支付。"
        rows.append(
            (pk, number, c.status, c.version, c.channel, e.id, e.name, e.uscc, "", e.size_class or "small",
             SizeBasis.SELF_DECLARED, person_name(rng), "1" + "".join(rng.choice("0123456789") for _ in range(10)),
             "", c.respondent.id if c.respondent else None, pending_id, respondent_name, respondent_kind,
             region.pk, region.path, c.amount, v.get("amount_resolved", ZERO), summary, "",
             c.channel == Channel.PORTAL, {}, f"MIIT-{year}-{k + 1:08d}" if c.channel == Channel.UPSTREAM else "",
             v.get("upstream_due_on"), dept, f"转办至{departments.get(dept, '')}" if dept else "", c.received_on,
             v.get("review_due_on"), v.get("reviewed_on"), v.get("accepted_on"), v.get("transfer_due_on"),
             v.get("transferred_on"), v.get("handle_base_on"), v.get("handle_due_on"), v.get("extension_days", 0),
             v.get("result_submitted_on"), v.get("feedback_sent_on"), v.get("closed_on"), v.get("due_on"),
             v.get("due_kind", ""), v.get("next_reminder_at"), v.get("ladder_step", 0), v.get("lateness", "on_time"),
             0, v.get("material_request", ""), v.get("reject_reason", ""), v.get("reject_text", ""),
             v.get("extension_requested_days", 0), v.get("extension_reason", ""), v.get("outcome", ""),
             v.get("result_text", ""), v.get("amount_paid", ZERO), v.get("amount_planned", ZERO),
             v.get("reopen_count", 0), v.get("satisfied"), v.get("unsatisfied_reason", ""), v.get("close_note", ""),
             None, created, ctx.at(v.get("closed_on") or ctx.as_of, 17))
        )  # fmt: skip
        signed = c.received_on - dt.timedelta(days=rng.randrange(120, 900))
        delivered = signed + dt.timedelta(days=rng.randrange(10, 90))
        contract_rows.append(
            (pk, f"HT-{signed.year}-{rng.randrange(1, 99999):05d}", signed, subject, c.amount * 2, delivered, None,
             delivered + dt.timedelta(days=30), c.amount)
        )  # fmt: skip
        for kind, old, new, reason, on in c.history:
            history_rows.append((pk, kind, old, new, reason, ctx.at(on, 10), None))
        for kind, started, ended, remaining, text in c.pauses:
            pause_rows.append((pk, kind, started, ended, remaining, text))
        if c.routed_on and dept:
            routing_rows.append(
                (pk, dept, dept, "按转办规则“谁主管谁负责”", "", None, ctx.at(c.routed_on, 11))
            )
        outcome = v.get("outcome")
        if c.respondent is not None and outcome in (
            Outcome.PARTLY_PAID,
            Outcome.PLAN_AGREED,
            Outcome.DISPUTED,
        ):
            resolved.append((number, c.respondent, e, c.amount, v["result_submitted_on"], outcome))
    ctx.writer(
        PendingDebtor,
        [
            "id",
            "name",
            "uscc",
            "kind",
            "region",
            "region_path",
            "status",
            "organisation",
            "created_at",
            "updated_at",
        ],
        refs={"id": PendingDebtor},
    ).write(pending_rows)
    ctx.writer(
        Complaint,
        COMPLAINT_FIELDS,
        refs={
            "id": Complaint,
            "complainant": _enterprise(),
            "respondent": Organisation,
            "pending_debtor": PendingDebtor,
        },
    ).write(rows)
    ctx.writer(
        ComplaintContract,
        [
            "complaint",
            "number",
            "signed_on",
            "subject",
            "amount",
            "delivered_on",
            "acceptance_on",
            "due_on",
            "paid_amount",
        ],
        refs={"complaint": Complaint},
    ).write(contract_rows)
    ctx.writer(
        DeadlineHistory,
        ["complaint", "kind", "old_value", "new_value", "reason", "changed_at", "changed_by"],
        refs={"complaint": Complaint},
    ).write(history_rows)
    ctx.writer(
        Pause,
        ["complaint", "kind", "started_on", "ended_on", "remaining_working_days", "request_text"],
        refs={"complaint": Complaint},
    ).write(pause_rows)
    ctx.writer(
        RoutingRecord,
        ["complaint", "proposed", "department", "explain", "override_reason", "routed_by", "routed_at"],
        refs={"complaint": Complaint},
    ).write(routing_rows)
    for year, last in counters.items():
        ComplaintCounter.objects.update_or_create(year=year, defaults={"last": last})
    return Outcomes(resolved=resolved, count=len(cases))


def _enterprise() -> Any:
    from qingqian.registry.models import Enterprise

    return Enterprise
