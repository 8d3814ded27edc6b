"""The annual disclosure workflow: draft from the ledger, confirm or correct, approve, publish, reopen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingqian.core.errors import ConcurrentTransition, Conflict, InvalidInput, InvalidTransition, NotPermitted
from qingqian.core.events import record_event, to_jsonable
from qingqian.core.money import quantize_money
from qingqian.core.permissions import Action, grants_of, require
from qingqian.disclosure import conf, figures
from qingqian.disclosure.choices import OPEN_RETURN_STATES, ReturnAction, ReturnStatus
from qingqian.disclosure.models import DisclosureReturn, PublishedDisclosure
from qingqian.disclosure.services.notify import notify, office_users_for, users_with
from qingqian.disclosure.transitions import TRANSITIONS
from qingqian.registry.models import Handler, Organisation, Region
from qingqian.security.audit import audit_publication

FIGURE_FIELDS = ("overdue_count", "overdue_amount", "paid_late_count", "avg_days_late")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def disclosure_bodies() -> QuerySet[Organisation]:
    """Every active organisation that must disclose (kinds from DISCLOSURE_BODY_KINDS)."""
    return Organisation.objects.filter(active=True, kind__in=conf.body_kinds())


# --- Who acts for which side ---------------------------------------------------------------------------


def _covers(region_id: int | None, path: str) -> bool:
    return region_id is None or path.startswith(Region.path_of(int(region_id)))


def sides_of(user: Any, body: Organisation) -> set[str]:
    """The sides of the workflow this user may act for on this body: clerk, approver, office."""
    if user is None:
        return {"clerk", "approver", "office"}
    sides: set[str] = set()
    path = body.region.path
    approving_department = body.responsible_department_id or body.supervising_department_id
    for g in grants_of(user):
        if g.role == "debtor_clerk" and g.organisation_id == body.pk:
            sides.add("clerk")
        elif (
            g.role == "department_handler"
            and approving_department
            and g.organisation_id == approving_department
        ) or (g.role == "county_handler" and body.level == "county" and _covers(g.region_id, path)):
            sides.add("approver")
        elif g.role == "taskforce_office" and _covers(g.region_id, path):
            sides.add("office")
    return sides


def _approver_org(user: Any, body: Organisation) -> Organisation | None:
    for g in grants_of(user):
        if g.role == "department_handler" and g.organisation_id is not None:
            return Organisation.objects.filter(pk=g.organisation_id).first()
    return body.responsible_department or body.supervising_department


# --- Drafting ---------------------------------------------------------------------------------------


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _check_year(year: int) -> None:
    if not isinstance(year, int) or year < 2000 or year_end(year) >= timezone.localdate():
        raise InvalidInput(_("只能起草已结束年度的公开数据。"), fields={"year": [_("请选择已结束的年度。")]})


def draft_figures(year: int, bodies: QuerySet[Organisation] | Iterable[int]) -> dict[int, dict[str, Any]]:
    bodies = bodies if isinstance(bodies, QuerySet) else list(bodies)
    """The drafted figures per body for `year`, from the ledger (set-based, see `figures`)."""
    overdue = figures.overdue_unpaid_at(as_of=year_end(year), debtor_ids=bodies)
    late = figures.paid_late_in(year=year, debtor_ids=bodies)
    ids = set(overdue) | set(late)
    out: dict[int, dict[str, Any]] = {}
    for body_id in ids:
        o = overdue.get(body_id, figures.Overdue())
        p = late.get(body_id, figures.PaidLate())
        out[body_id] = {
            "overdue_count": o.count,
            "overdue_amount": o.amount,
            "paid_late_count": p.count,
            "avg_days_late": p.avg_days_late,
            "undated_count": o.undated,
        }
    return out


EMPTY = {
    "overdue_count": 0,
    "overdue_amount": Decimal("0.00"),
    "paid_late_count": 0,
    "avg_days_late": None,
    "undated_count": 0,
}


def _apply_draft(ret: DisclosureReturn, f: dict[str, Any]) -> None:
    ret.drafted_at = timezone.now()
    ret.drafted_overdue_count = f["overdue_count"]
    ret.drafted_overdue_amount = f["overdue_amount"]
    ret.drafted_paid_late_count = f["paid_late_count"]
    ret.drafted_avg_days_late = f["avg_days_late"]
    ret.drafted_undated_count = f["undated_count"]
    for name in FIGURE_FIELDS:
        setattr(ret, name, f[name])
    ret.corrected = False
    ret.correction_reason = ""


def figures_of(ret: DisclosureReturn) -> dict[str, Any]:
    return {name: getattr(ret, name) for name in FIGURE_FIELDS}


def drafted_of(ret: DisclosureReturn) -> dict[str, Any]:
    return {name: getattr(ret, f"drafted_{name}") for name in FIGURE_FIELDS}


@dataclass(frozen=True)
class DraftResult:
    year: int
    created: int
    refreshed: int
    unchanged: int
    skipped_published: int


def _bodies_for(actor: Any) -> QuerySet[Organisation]:
    bodies = disclosure_bodies()
    if actor is None:
        return bodies
    return bodies.filter(pk__in=Organisation.objects.restrict(actor, Action.VIEW).values("pk"))


@transaction.atomic
def returns_draft(*, actor: Any, year: int, bodies: QuerySet[Organisation] | None = None) -> DraftResult:
    """Draft (or refresh the drafts of) every disclosure-bound body in the actor's scope for `year`.

    Bodies with a published return and nothing open are left alone: a change after publication is a
    correction (`return_reopen`). Idempotent: running it twice changes nothing the second time."""
    require(actor, Action.CREATE, DisclosureReturn)
    sides_needed = {"office", "clerk"}
    if actor is not None and not any(
        g.role in ("taskforce_office", "debtor_clerk") for g in grants_of(actor)
    ):
        raise NotPermitted()
    _check_year(year)
    scope = _bodies_for(actor) if bodies is None else bodies.filter(pk__in=_bodies_for(actor).values("pk"))
    existing = {
        r.body_id: r
        for r in DisclosureReturn.objects.filter(year=year, body__in=scope.values("pk")).order_by("version")
    }
    computed = draft_figures(year, scope)
    created = refreshed = unchanged = skipped = 0
    deadline = conf.deadline_for(year)
    for body in scope.select_related("region").order_by("pk"):
        f = computed.get(body.pk, EMPTY)
        ret = existing.get(body.pk)
        if ret is None:
            if actor is not None and not (sides_of(actor, body) & sides_needed):
                continue
            ret = DisclosureReturn(
                body=body,
                year=year,
                as_of=year_end(year),
                deadline=deadline,
                created_by=_user(actor),
            )
            _apply_draft(ret, f)
            ret.save()
            record_event(
                actor=actor,
                action="disclosure.return.drafted",
                obj=ret,
                data={"year": year, "figures": {k: f[k] for k in (*FIGURE_FIELDS, "undated_count")}},
            )
            created += 1
        elif ret.status == ReturnStatus.DRAFTED:
            before = {**drafted_of(ret), "undated_count": ret.drafted_undated_count}
            after = {k: f[k] for k in (*FIGURE_FIELDS, "undated_count")}
            if to_jsonable(before) == to_jsonable(after) and not ret.corrected:
                unchanged += 1
                continue
            _apply_draft(ret, f)
            ret.save()
            record_event(actor=actor, action="disclosure.return.refresh", obj=ret, before=before, after=after)
            refreshed += 1
        elif ret.status == ReturnStatus.PUBLISHED:
            skipped += 1
        else:
            unchanged += 1
    record_event(
        actor=actor,
        action="disclosure.year.drafted",
        data={"year": year, "created": created, "refreshed": refreshed, "unchanged": unchanged},
    )
    return DraftResult(year, created, refreshed, unchanged, skipped)


# --- Transitions ---------------------------------------------------------------------------------------


def _clean_figures(raw: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in ("overdue_count", "paid_late_count"):
        value = str(raw.get(name, "")).strip()
        if not value.isdigit():
            errors[name] = [_("请填写不小于0的整数。")]
        else:
            out[name] = int(value)
    try:
        amount = Decimal(str(raw.get("overdue_amount", "")).replace(",", "").strip())
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
        out["overdue_amount"] = quantize_money(amount)
    except (InvalidOperation, ValueError):
        errors["overdue_amount"] = [_("请填写不小于0的金额（元）。")]
    days_text = str(raw.get("avg_days_late", "") or "").strip()
    if days_text:
        try:
            days = Decimal(days_text)
            if not days.is_finite() or days < 0:
                raise InvalidOperation
            out["avg_days_late"] = days.quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["avg_days_late"] = [_("请填写不小于0的天数。")]
    else:
        out["avg_days_late"] = None
    if not errors:
        if out["overdue_count"] == 0 and out["overdue_amount"] > 0:
            errors["overdue_count"] = [_("有逾期未付金额时，合同数不能为0。")]
        if out["overdue_count"] > 0 and out["overdue_amount"] == 0:
            errors["overdue_amount"] = [_("有逾期未付合同时，金额不能为0。")]
        if out["paid_late_count"] > 0 and out["avg_days_late"] is None:
            errors["avg_days_late"] = [_("有逾期付清的合同时，请填写平均逾期天数。")]
    if errors:
        raise InvalidInput(_("更正数据有误，请检查标出的字段。"), fields=errors)
    return out


def _reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise InvalidInput(_("请填写理由。"), fields={field: [_("请填写理由（至少2个字）。")]})
    return text[:500]


USCC_LIKE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
PHONE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")


def check_public_text(text: str, body: Organisation, field: str = "reason") -> str:
    """A text that will be published (the reason of a correction) must not identify an SME, a contract
    or a person: no credit code, no phone-like number, no name of the body's creditors or their contacts,
    no contract number of the body's items, no name of a system user."""
    from qingqian.accounts.models import User
    from qingqian.ledger.models import ArrearsItem

    found = bool(USCC_LIKE.search(text.upper()) or PHONE_LIKE.search(text))
    if not found:
        items = ArrearsItem.objects.filter(debtor=body)
        words = set(items.values_list("contract_number", flat=True))
        for name, contact in items.values_list("creditor__name", "creditor__contact_name").distinct():
            words.update({name, contact})
        for display in User.objects.exclude(display_name="").values_list("display_name", flat=True):
            words.add(display)
            person = display.split()[-1]
            if 2 <= len(person) <= 4:
                words.add(person)
        words.update(Handler.objects.values_list("name", flat=True))
        found = any(len(w) >= 2 and w in text for w in words if w)
    if found:
        raise InvalidInput(
            _("公开的理由不得包含企业名称、统一社会信用代码、合同编号、人员姓名或电话号码。"),
            fields={field: [_("请改为不涉及具体企业、合同和个人的表述。")]},
        )
    return text


def content_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps(to_jsonable(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _publish_snapshot(ret: DisclosureReturn, actor: Any, now: dt.datetime) -> PublishedDisclosure:
    body = Organisation.objects.select_related("region").get(pk=ret.body_id)
    previous = (
        PublishedDisclosure.objects.filter(body_id=ret.body_id, year=ret.year).order_by("-version").first()
    )
    with translation.override(settings.LANGUAGE_CODE):  # a published record is in the source language
        approver = ret.approver_org.name if ret.approver_org is not None else _("主管部门")
        publisher = office_name_for(body)
    data = {
        "body": body.pk,
        "body_name": body.name,
        "year": ret.year,
        "version": ret.version,
        "as_of": ret.as_of,
        **figures_of(ret),
        "approver_name": approver,
        "approved_at": ret.approved_at,
        "published_at": now,
        "correction_reason": ret.reopen_reason,
    }
    return PublishedDisclosure.objects.create(
        disclosure_return=ret,
        body=body,
        year=ret.year,
        version=ret.version,
        body_name=body.name,
        body_kind=body.kind,
        body_level=body.level,
        region=body.region,
        region_path=body.region.path,
        as_of=ret.as_of,
        overdue_count=ret.overdue_count,
        overdue_amount=ret.overdue_amount,
        paid_late_count=ret.paid_late_count,
        avg_days_late=ret.avg_days_late,
        corrected_by_body=ret.corrected,
        approver_name=approver,
        approved_at=ret.approved_at or now,
        approved_by=ret.approved_by,
        published_at=now,
        published_by=_user(actor),
        publisher_name=publisher,
        correction_reason=ret.reopen_reason,
        supersedes=previous,
        content_hash=content_hash(data),
    )


def office_name_for(body: Organisation) -> str:
    from qingqian.registry.models import TaskForce

    tfs = TaskForce.objects.select_related("region").order_by("-region__depth")
    for tf in tfs:
        if body.region.path.startswith(tf.region.path):
            return f"{tf.name}办公室"
    return _("清理拖欠企业账款工作专班办公室")


def _load(pk: int) -> DisclosureReturn:
    return DisclosureReturn.objects.select_related("body__region", "body").get(pk=pk)


@transaction.atomic
def return_transition(
    *,
    actor: Any,
    disclosure_return: DisclosureReturn,
    action: str,
    figures_in: dict[str, Any] | None = None,
    reason: str = "",
) -> DisclosureReturn:
    """Apply one row of the transitions table, as a compare-and-swap on the status."""
    ret = _load(disclosure_return.pk)
    require(actor, Action.VIEW, ret)
    transition = TRANSITIONS.get((ret.status, action))
    if transition is None:
        raise InvalidTransition()
    require(actor, Action.CHANGE, ret)
    if not (sides_of(actor, ret.body) & transition.who):
        raise NotPermitted(_("您不能对该单位的公开数据执行此操作。"))
    now = timezone.now()
    updates: dict[str, Any] = {"status": transition.target}
    data: dict[str, Any] = {}
    before = figures_of(ret)
    if transition.needs_reason:
        data["reason"] = _reason(reason)
    if action == ReturnAction.REFRESH:
        f = draft_figures(ret.year, [ret.body_id]).get(ret.body_id, EMPTY)
        _apply_draft(ret, f)
        updates.update(
            {
                "drafted_at": ret.drafted_at,
                **{f"drafted_{k}": f[k] for k in FIGURE_FIELDS},
                "drafted_undated_count": f["undated_count"],
                **{k: f[k] for k in FIGURE_FIELDS},
                "corrected": False,
                "correction_reason": "",
            }
        )
    elif action == ReturnAction.CONFIRM:
        updates.update(confirmed_at=now, confirmed_by=_user(actor), sent_back_reason="")
    elif action == ReturnAction.CORRECT:
        cleaned = _clean_figures(figures_in or {})
        if to_jsonable(cleaned) == to_jsonable(drafted_of(ret)):
            raise InvalidInput(
                _("更正后的数据与系统起草的数据相同，请直接确认。"),
                fields={"overdue_count": [_("数据未变化。")]},
            )
        updates.update(
            cleaned,
            corrected=True,
            correction_reason=data["reason"],
            confirmed_at=now,
            confirmed_by=_user(actor),
            sent_back_reason="",
        )
        data["figures"] = cleaned
        data["drafted"] = drafted_of(ret)
    elif action == ReturnAction.APPROVE:
        approver = (
            _approver_org(actor, ret.body)
            if actor is not None
            else (ret.body.responsible_department or ret.body.supervising_department)
        )
        updates.update(approved_at=now, approved_by=_user(actor), approver_org=approver)
        data["approver"] = approver.name if approver else ""
    elif action == ReturnAction.SEND_BACK:
        updates.update(sent_back_reason=data["reason"], approved_at=None, approved_by=None, approver_org=None)
    elif action == ReturnAction.PUBLISH:
        updates.update(published_at=now, published_by=_user(actor))
    touched = DisclosureReturn.objects.filter(pk=ret.pk, status=ret.status).update(**updates)
    if touched != 1:
        raise ConcurrentTransition()
    ret.refresh_from_db()
    if action == ReturnAction.PUBLISH:
        snapshot = _publish_snapshot(ret, actor, now)
        from qingqian.disclosure.selectors import forget_published_years

        transaction.on_commit(forget_published_years)
        data.update(snapshot=snapshot.pk, content_hash=snapshot.content_hash, figures=figures_of(ret))
        audit_publication(
            actor,
            obj=snapshot,
            data={
                "what": "disclosure.return",
                "body": ret.body.name,
                "year": ret.year,
                "version": ret.version,
                "correction": ret.supersedes_id is not None,
                "content_hash": snapshot.content_hash,
            },
        )
    after = figures_of(ret)
    record_event(
        actor=actor,
        action=f"disclosure.return.{action}",
        obj=ret,
        data={**data, "from": transition.source, "to": transition.target},
        before=before if before != after else None,
        after=after if before != after else None,
    )
    _notify_next(ret, action)
    return ret


def _notify_next(ret: DisclosureReturn, action: str) -> None:
    body = ret.body
    link = reverse("disclosure:return_detail", args=[ret.pk])
    subject_args = {"body": body.name, "year": ret.year}
    if action in (ReturnAction.CONFIRM, ReturnAction.CORRECT):
        dept = body.responsible_department_id or body.supervising_department_id
        recipients = users_with("department_handler", organisation_id=dept) if dept else []
        if body.level == "county":
            recipients += [
                u for u in users_with("county_handler") if _region_of_user_covers(u, body.region.path)
            ]
        subject = _("%(body)s %(year)s年度逾期未付款项公开数据待审核") % subject_args
    elif action == ReturnAction.APPROVE:
        recipients = office_users_for(body)
        subject = _("%(body)s %(year)s年度公开数据已审核，待发布") % subject_args
    elif action == ReturnAction.SEND_BACK:
        recipients = users_with("debtor_clerk", organisation_id=body.pk)
        subject = _("%(body)s %(year)s年度公开数据被退回，请核实") % subject_args
    elif action == ReturnAction.PUBLISH:
        recipients = users_with("debtor_clerk", organisation_id=body.pk)
        subject = _("%(body)s %(year)s年度公开数据已发布") % subject_args
    else:
        return
    notify(
        recipients=recipients,
        topic=f"disclosure.return.{action}",
        subject=subject,
        link=link,
        obj=ret,
        dedupe_key=f"disclosure.return.{action}:{ret.pk}:{ret.status}:{timezone.now():%Y%m%d%H%M%S%f}",
    )


def _region_of_user_covers(user: Any, path: str) -> bool:
    return any(g.role == "county_handler" and _covers(g.region_id, path) for g in grants_of(user))


@transaction.atomic
def return_reopen(*, actor: Any, disclosure_return: DisclosureReturn, reason: str) -> DisclosureReturn:
    """Start a correction of a published disclosure: a new version drafted afresh from the ledger, with
    the reason that will be shown beside both versions once it is published."""
    ret = DisclosureReturn.objects.select_related("body__region").get(pk=disclosure_return.pk)
    require(actor, Action.VIEW, ret)
    require(actor, Action.CREATE, DisclosureReturn)
    if not (sides_of(actor, ret.body) & {"clerk", "office"}):
        raise NotPermitted(_("只有本单位联络员或专班办公室可以发起更正。"))
    if ret.status != ReturnStatus.PUBLISHED:
        raise InvalidTransition(_("只有已发布的数据可以更正。"))
    text = check_public_text(_reason(reason, "reopen_reason"), ret.body, "reopen_reason")
    if DisclosureReturn.objects.filter(
        body_id=ret.body_id, year=ret.year, status__in=list(OPEN_RETURN_STATES)
    ).exists():
        raise Conflict(_("该单位该年度已有正在办理的更正。"), code="correction_open")
    latest = DisclosureReturn.objects.filter(body_id=ret.body_id, year=ret.year).order_by("-version").first()
    if latest is None or latest.pk != ret.pk:
        raise Conflict(_("请对最新发布的版本发起更正。"), code="not_latest")
    new = DisclosureReturn(
        body=ret.body,
        year=ret.year,
        version=ret.version + 1,
        as_of=ret.as_of,
        deadline=ret.deadline,
        supersedes=ret,
        reopen_reason=text,
        created_by=_user(actor),
    )
    _apply_draft(new, draft_figures(ret.year, [ret.body_id]).get(ret.body_id, EMPTY))
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError as exc:
        raise ConcurrentTransition() from exc
    record_event(
        actor=actor,
        action="disclosure.return.reopened",
        obj=new,
        data={"reason": text, "supersedes": ret.pk, "version": new.version, "figures": figures_of(new)},
    )
    notify(
        recipients=users_with("debtor_clerk", organisation_id=ret.body_id),
        topic="disclosure.return.reopened",
        subject=_("%(body)s %(year)s年度公开数据更正已发起，请确认")
        % {"body": ret.body.name, "year": ret.year},
        link=reverse("disclosure:return_detail", args=[new.pk]),
        obj=new,
        dedupe_key=f"disclosure.return.reopened:{new.pk}",
    )
    return new
