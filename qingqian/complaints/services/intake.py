"""Intake: the enterprise portal, staff registration of hotline/mailbox/letter/visit leads, the
upstream (provincial / national platform) transfer, evidence, notes, and confirming an unknown debtor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.complaints import deadlines, validation
from qingqian.complaints.choices import (
    STAFF_CHANNELS,
    Channel,
    DeadlineKind,
    EvidenceKind,
    PendingStatus,
    SizeBasis,
    Status,
)
from qingqian.complaints.models import (
    Complaint,
    ComplaintContract,
    PendingDebtor,
)
from qingqian.complaints.services import parties as P
from qingqian.complaints.services.common import history, next_number, tell
from qingqian.complaints.services.documents import _check_files, evidence_add
from qingqian.complaints.services.eligibility import check_eligibility
from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, grants_of, require
from qingqian.registry.choices import OrganisationKind, SizeClass
from qingqian.registry.models import Enterprise, Organisation, Region

BOUND_PAYER_KINDS: list[str] = [
    OrganisationKind.ORGAN,
    OrganisationKind.INSTITUTION,
    OrganisationKind.SOE,
    OrganisationKind.LARGE_ENTERPRISE,
]
SME_SIZES = [SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO]


@dataclass
class CleanIntake:
    complainant: Enterprise | None
    complainant_name: str
    complainant_uscc: str
    complainant_uscc_warning: str
    complainant_size: str
    complainant_size_basis: str
    contact_name: str
    contact_phone: str
    contact_email: str
    respondent: Organisation | None
    respondent_name: str
    respondent_uscc: str
    respondent_kind: str
    respondent_region: Region | None
    amount_claimed: Decimal
    summary: str
    original_text: str
    contracts: list[dict[str, Any]]
    received_on: dt.date
    upstream_ref: str
    upstream_due_on: dt.date | None


def clean_intake(data: dict[str, Any], *, channel: str, prefix: str = "") -> CleanIntake:
    """Validate everything a filing needs; raise one InvalidInput listing every problem."""
    e = validation.Errors()
    today = timezone.localdate()
    complainant = data.get("complainant")
    if complainant is not None:
        c_name, c_uscc, c_warn = complainant.name, complainant.uscc, complainant.uscc_warning
    else:
        c_name = validation.text(
            e, "complainant_name", data.get("complainant_name"), label=_("企业名称"), max_length=200
        )
        c_uscc, c_warn = validation.uscc(
            e, "complainant_uscc", data.get("complainant_uscc"), label=_("投诉企业统一社会信用代码")
        )
        if c_uscc:
            complainant = Enterprise.objects.filter(uscc=c_uscc).first()
    size = validation.choice(
        e,
        "complainant_size",
        data.get("complainant_size") or (complainant.size_class if complainant else ""),
        label=_("企业规模"),
        choices=list(SizeClass.values),
    )
    if size and size not in SME_SIZES and channel == Channel.PORTAL:
        e.add("complainant_size", _("投诉人须为中型、小型或微型企业；大型企业不适用本条例的投诉渠道。"))
    size_basis = validation.choice(
        e,
        "complainant_size_basis",
        data.get("complainant_size_basis") or SizeBasis.SELF_DECLARED,
        label=_("规模认定方式"),
        choices=list(SizeBasis.values),
    )
    contact_required = channel != Channel.UPSTREAM  # the upstream platform keeps the contact
    contact_name = validation.text(
        e,
        "contact_name",
        data.get("contact_name"),
        label=_("联系人"),
        max_length=50,
        required=contact_required,
    )
    contact_phone = validation.text(
        e,
        "contact_phone",
        data.get("contact_phone"),
        label=_("联系电话"),
        max_length=40,
        required=contact_required,
    )
    if contact_phone and not all(ch.isdigit() or ch in "-+ ()（）转" for ch in contact_phone):
        e.add("contact_phone", _("联系电话只能包含数字和“-”。"))
    contact_email = validation.text(
        e, "contact_email", data.get("contact_email"), label=_("联系邮箱"), max_length=254, required=False
    )
    if contact_email and ("@" not in contact_email or " " in contact_email):
        e.add("contact_email", _("联系邮箱格式不正确。"))

    respondent = data.get("respondent")
    r_name, r_uscc, r_kind, r_region = "", "", "", None
    if respondent is not None:
        r_name, r_uscc, r_kind, r_region = (
            respondent.name,
            respondent.uscc,
            respondent.kind,
            respondent.region,
        )
    else:
        r_name = validation.text(
            e, "respondent_name", data.get("respondent_name"), label=_("被投诉单位名称"), max_length=200
        )
        r_uscc, _w = validation.uscc(
            e,
            "respondent_uscc",
            data.get("respondent_uscc"),
            label=_("被投诉单位统一社会信用代码"),
            required=False,
        )
        if r_uscc:
            respondent = Organisation.objects.filter(uscc=r_uscc, active=True).first()
        if respondent is None and r_name:
            respondent = (
                Organisation.objects.filter(name=r_name, active=True)
                .exclude(kind=OrganisationKind.DEPARTMENT)
                .first()
            )
        if respondent is not None:
            r_name, r_uscc, r_kind, r_region = (
                respondent.name,
                respondent.uscc,
                respondent.kind,
                respondent.region,
            )
        else:
            r_kind = validation.choice(
                e,
                "respondent_kind",
                data.get("respondent_kind"),
                label=_("被投诉单位类型"),
                choices=BOUND_PAYER_KINDS,
                required=False,
            )
            r_region = data.get("respondent_region")
            if r_region is None:
                e.add("respondent_region", _("名录中没有该单位，请选择其所在区划，以便工作人员确认。"))
    if r_kind and r_kind not in BOUND_PAYER_KINDS:
        e.add("respondent_kind", _("被投诉单位须为机关、事业单位或大型企业。"))

    amount = validation.money(e, "amount_claimed", data.get("amount_claimed"), label=_("投诉金额"))
    summary = validation.text(
        e, "summary", data.get("summary"), label=_("投诉事项"), max_length=5000, multiline=True
    )
    original = validation.text(
        e,
        "original_text",
        data.get("original_text"),
        label=_("来信来电原文"),
        max_length=20000,
        required=False,
        multiline=True,
    )
    received_on = (
        validation.date(e, "received_on", data.get("received_on") or today, label=_("收到日期"), today=today)
        or today
    )
    upstream_ref = validation.text(
        e,
        "upstream_ref",
        data.get("upstream_ref"),
        label=_("上级平台编号"),
        max_length=64,
        required=channel == Channel.UPSTREAM,
    )
    upstream_due = validation.date(
        e,
        "upstream_due_on",
        data.get("upstream_due_on"),
        label=_("上级平台办理期限"),
        required=False,
        not_future=False,
    )

    contracts_in = data.get("contracts") or []
    if not contracts_in and channel == Channel.PORTAL:
        e.add("contracts", _("请至少填写一份合同。"))
    if len(contracts_in) > 50:
        e.add("contracts", _("一次投诉最多登记50份合同。"))
        contracts_in = []
    contracts: list[dict[str, Any]] = []
    for i, c in enumerate(contracts_in):
        p = f"contracts.{i}."
        number = validation.text(
            e, p + "number", c.get("number"), label=_("合同编号"), max_length=100, required=False
        )
        subject = validation.text(e, p + "subject", c.get("subject"), label=_("合同标的"), max_length=200)
        signed_on = validation.date(e, p + "signed_on", c.get("signed_on"), label=_("签订日期"), today=today)
        c_amount = validation.money(e, p + "amount", c.get("amount"), label=_("合同金额"))
        paid = validation.money(
            e, p + "paid_amount", c.get("paid_amount") or "0", label=_("已付金额"), positive=False
        )
        delivered = validation.date(
            e, p + "delivered_on", c.get("delivered_on"), label=_("交付日期"), required=False, today=today
        )
        acceptance = validation.date(
            e, p + "acceptance_on", c.get("acceptance_on"), label=_("验收日期"), required=False, today=today
        )
        due = validation.date(
            e, p + "due_on", c.get("due_on"), label=_("约定付款日期"), required=False, today=today
        )
        if c_amount is not None and paid is not None and paid > c_amount:
            e.add(p + "paid_amount", _("已付金额不能大于合同金额。"))
        if signed_on and delivered and delivered < signed_on:
            e.add(p + "delivered_on", _("交付日期不能早于签订日期。"))
        contracts.append(
            {
                "number": number,
                "subject": subject,
                "signed_on": signed_on,
                "amount": c_amount,
                "paid_amount": paid or Decimal("0"),
                "delivered_on": delivered,
                "acceptance_on": acceptance,
                "due_on": due,
            }
        )
    if channel == Channel.PORTAL and not data.get("pledge"):
        e.add("pledge", _("请阅读并勾选承诺：所填内容真实，且该款项未进入诉讼、仲裁、调解等程序。"))
    e.raise_if_any(_("投诉信息有误，请检查标出的字段。"))
    assert amount is not None
    return CleanIntake(
        complainant=complainant,
        complainant_name=c_name,
        complainant_uscc=c_uscc,
        complainant_uscc_warning=c_warn,
        complainant_size=size,
        complainant_size_basis=size_basis
        if complainant is None or channel != Channel.PORTAL
        else (
            SizeBasis.REGISTRY
            if complainant.size_class in SME_SIZES and size == complainant.size_class
            else size_basis
        ),
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        respondent=respondent,
        respondent_name=r_name,
        respondent_uscc=r_uscc,
        respondent_kind=r_kind,
        respondent_region=r_region,
        amount_claimed=amount,
        summary=summary,
        original_text=original,
        contracts=contracts,
        received_on=received_on,
        upstream_ref=upstream_ref,
        upstream_due_on=upstream_due,
    )


def _create(
    actor: Any, clean: CleanIntake, *, channel: str, pledge: bool, eligibility: dict[str, Any]
) -> Complaint:
    pending = None
    region = clean.respondent.region if clean.respondent is not None else clean.respondent_region
    assert region is not None
    if clean.respondent is None:
        pending = PendingDebtor.objects.create(
            name=clean.respondent_name,
            uscc=clean.respondent_uscc,
            kind=clean.respondent_kind,
            region=region,
            region_path=region.path,
        )
    received = clean.received_on
    review_due = deadlines.review_due(received)
    case = Complaint(
        number=next_number(received.year),
        channel=channel,
        complainant=clean.complainant,
        complainant_name=clean.complainant_name,
        complainant_uscc=clean.complainant_uscc,
        complainant_uscc_warning=clean.complainant_uscc_warning,
        complainant_size=clean.complainant_size,
        complainant_size_basis=clean.complainant_size_basis,
        contact_name=clean.contact_name,
        contact_phone=clean.contact_phone,
        contact_email=clean.contact_email,
        respondent=clean.respondent,
        pending_debtor=pending,
        respondent_name=clean.respondent_name,
        respondent_kind=clean.respondent_kind,
        region=region,
        region_path=region.path,
        amount_claimed=clean.amount_claimed,
        summary=clean.summary,
        original_text=clean.original_text,
        pledge=pledge,
        eligibility=eligibility,
        upstream_ref=clean.upstream_ref,
        upstream_due_on=clean.upstream_due_on,
        received_on=received,
        review_due_on=review_due,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    from qingqian.complaints.services.workflow import ladder_fields

    for k, v in ladder_fields(case.status, case).items():
        setattr(case, k, v)
    case.save()
    ComplaintContract.objects.bulk_create([ComplaintContract(complaint=case, **c) for c in clean.contracts])
    history(case, [(DeadlineKind.REVIEW, None, review_due, _("收到投诉，审查期限起算"))], actor)
    record_event(
        actor=actor,
        action="complaints.case.filed",
        obj=case,
        after={"number": case.number, "channel": channel, "status": case.status},
        data={
            "explain": _("%(channel)s：%(c)s 投诉 %(r)s，金额 %(a)s 元")
            % {
                "channel": Channel(channel).label,
                "c": case.complainant_name,
                "r": case.respondent_name,
                "a": f"{case.amount_claimed:,.2f}",
            },
            "upstream_ref": clean.upstream_ref,
        },
    )
    tell(
        P.office_users(case),
        case,
        topic="complaints.case.filed",
        subject=_("新投诉线索：%(c)s 投诉 %(r)s") % {"c": case.complainant_name, "r": case.respondent_name},
        body=_("请在 %(due)s 前完成审查（受理、要求补充材料或不予受理）。") % {"due": review_due.isoformat()},
    )
    if pending is not None:
        record_event(
            actor=actor,
            action="complaints.pending_debtor.created",
            obj=case,
            data={"explain": _("被投诉单位“%(n)s”不在名录中，待工作人员确认") % {"n": pending.name}},
        )
    return case


def _enterprise_of(actor: Any) -> Enterprise:
    for g in grants_of(actor):
        if g.role == "enterprise_user" and g.enterprise_id:
            return Enterprise.objects.get(pk=g.enterprise_id)
    raise NotPermitted(_("只有企业用户可以在网上提交投诉。"))


@transaction.atomic
def complaint_file(*, actor: Any, data: dict[str, Any], files: list[Any] | None = None) -> Complaint:
    """The enterprise portal: file a complaint for the user's own enterprise."""
    require(actor, Action.CREATE, Complaint)
    enterprise = _enterprise_of(actor)
    failed = check_eligibility(data.get("eligibility") or {})
    if failed:
        raise InvalidInput(
            _("根据您的回答，该事项不属于投诉受理范围：%(why)s") % {"why": failed[0].otherwise},
            fields={"eligibility": [str(q.otherwise) for q in failed]},
            code="not_eligible",
        )
    clean = clean_intake({**data, "complainant": enterprise}, channel=Channel.PORTAL)
    _check_files(files)
    case = _create(
        actor, clean, channel=Channel.PORTAL, pledge=True, eligibility=data.get("eligibility") or {}
    )
    if files:
        evidence_add(actor=actor, complaint=case, files=files)
    return case


def _require_office(actor: Any) -> None:
    if actor is None:
        return
    if not any(g.role == "taskforce_office" for g in grants_of(actor)):
        raise NotPermitted(_("只有专班办公室可以登记投诉线索。"))


@transaction.atomic
def complaint_register_lead(
    *, actor: Any, channel: str, data: dict[str, Any], files: list[Any] | None = None
) -> Complaint:
    """Staff register a hotline call, mailbox message, letter or visit (with its original text)."""
    _require_office(actor)
    if channel not in STAFF_CHANNELS:
        raise InvalidInput(
            _("请选择来源渠道：热线电话、投诉邮箱、来信或来访。"), fields={"channel": [_("来源渠道无效。")]}
        )
    clean = clean_intake(data, channel=channel)
    _check_files(files)
    case = _create(actor, clean, channel=channel, pledge=bool(data.get("pledge")), eligibility={})
    if files:
        evidence_add(actor=actor, complaint=case, files=files, kind=EvidenceKind.ORIGINAL)
    return case


@transaction.atomic
def complaint_receive_upstream(*, actor: Any, data: dict[str, Any]) -> Complaint:
    """A complaint transferred down from the provincial or national platform (with its reference and deadline)."""
    _require_office(actor)
    clean = clean_intake(data, channel=Channel.UPSTREAM)
    if Complaint.objects.filter(upstream_ref=clean.upstream_ref).exists():
        raise InvalidInput(
            _("上级平台编号 %(ref)s 已经登记过。") % {"ref": clean.upstream_ref},
            fields={"upstream_ref": [_("该编号已登记。")]},
            code="duplicate",
        )
    return _create(actor, clean, channel=Channel.UPSTREAM, pledge=bool(data.get("pledge")), eligibility={})


@transaction.atomic
def respondent_confirm(*, actor: Any, complaint: Complaint, organisation: Organisation) -> Complaint:
    """The office confirms which registry body an unknown respondent is (after creating it if needed)."""
    _require_office(actor)
    if P.OFFICE not in P.parties_of(actor, complaint) and actor is not None:
        raise NotPermitted()
    if organisation.kind == OrganisationKind.DEPARTMENT or not organisation.active:
        raise InvalidInput(
            _("被投诉单位须为机关、事业单位或企业，且在名录中有效。"),
            fields={"organisation": [_("单位无效。")]},
        )
    before = {"respondent": complaint.respondent_id, "respondent_name": complaint.respondent_name}
    updated = Complaint.objects.filter(pk=complaint.pk, version=complaint.version).update(
        respondent=organisation,
        respondent_name=organisation.name,
        respondent_kind=organisation.kind,
        region=organisation.region,
        region_path=organisation.region.path,
        version=complaint.version + 1,
    )
    if updated != 1:
        from qingqian.core.errors import ConcurrentTransition

        raise ConcurrentTransition()
    if complaint.pending_debtor_id:
        PendingDebtor.objects.filter(pk=complaint.pending_debtor_id).update(
            status=PendingStatus.CONFIRMED, organisation=organisation
        )
    complaint.refresh_from_db()
    record_event(
        actor=actor,
        action="complaints.case.respondent_confirmed",
        obj=complaint,
        before=before,
        after={"respondent": organisation.pk, "respondent_name": organisation.name},
        data={"explain": _("确认被投诉单位为“%(n)s”") % {"n": organisation.name}},
    )
    return complaint


def visible_status_for_enterprise(case: Complaint) -> str:
    """What the enterprise is asked to do now, if anything."""
    if case.status == Status.AWAITING_MATERIAL:
        return _("需要您补充材料：%(what)s") % {"what": case.material_request}
    if case.status == Status.FEEDBACK_SENT:
        return _("办理结果已反馈，请评价是否满意。")
    return ""
