"""The complaints API: intake from every channel, one endpoint per workflow action (each with its
own schema), listing with filters and pagination, evidence, notes, statistics.

POSTs accept an `Idempotency-Key` header (the middleware replays the first response).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from qingqian.complaints import selectors, services
from qingqian.complaints.models import Complaint, Evidence
from qingqian.complaints.services.imports import complaint_import_upstream
from qingqian.complaints.transitions import ACTION_LABELS
from qingqian.core.api import ErrorOut, Pagination
from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.permissions import Action, may
from qingqian.core.timeline import timeline_for
from qingqian.registry.models import Organisation, Region

router = Router(tags=["complaints"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- Schemas --------------------------------------------------------------------------------------------


class ComplaintOut(Schema):
    id: int
    number: str
    status: str
    channel: str
    complainant_name: str
    complainant_uscc: str
    respondent_id: int | None
    respondent_name: str
    region_id: int
    responsible_department_id: int | None
    amount_claimed: Decimal
    amount_resolved: Decimal
    received_on: dt.date
    review_due_on: dt.date | None
    transfer_due_on: dt.date | None
    handle_due_on: dt.date | None
    due_on: dt.date | None
    due_kind: str
    lateness: str
    ladder_step: int
    upstream_ref: str
    upstream_due_on: dt.date | None


class ContractOut(Schema):
    number: str
    subject: str
    signed_on: dt.date
    amount: Decimal
    paid_amount: Decimal
    delivered_on: dt.date | None
    acceptance_on: dt.date | None
    due_on: dt.date | None


class EvidenceOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ActionOut(Schema):
    action: str
    label: str
    target: str
    needs: list[str]


class ComplaintDetailOut(ComplaintOut):
    summary: str
    material_request: str
    reject_reason: str
    reject_text: str
    outcome: str
    result_text: str
    amount_paid: Decimal
    amount_planned: Decimal
    reopen_count: int
    satisfied: bool | None
    contracts: list[ContractOut]
    evidence: list[EvidenceOut]
    actions: list[ActionOut]


class ComplaintFilters(Schema):
    q: str | None = None
    status: str | None = None
    department: int | None = None
    region: int | None = None
    respondent: int | None = None
    deadline: str | None = None
    channel: str | None = None
    amount_min: str | None = None
    amount_max: str | None = None
    key_debtor: bool | None = None
    sort: str | None = None


class ContractIn(Schema):
    number: str = ""
    subject: str = ""
    signed_on: str = ""
    amount: str = ""
    paid_amount: str = "0"
    delivered_on: str = ""
    acceptance_on: str = ""
    due_on: str = ""


class EligibilityIn(Schema):
    bound_payer: bool = False
    has_contract: bool = False
    performed: bool = False
    overdue: bool = False
    no_other_procedure: bool = False


class IntakeIn(Schema):
    """Fields are optional here so every problem comes back at once, in Chinese, from the service."""

    respondent_id: int | None = None
    respondent_name: str = ""
    respondent_uscc: str = ""
    respondent_kind: str = ""
    respondent_region_id: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    complainant_size: str = ""
    complainant_size_basis: str = ""
    amount_claimed: str = ""
    summary: str = ""
    contracts: list[ContractIn] = []


class PortalIn(IntakeIn):
    eligibility: EligibilityIn = EligibilityIn()
    pledge: bool = False


class LeadIn(IntakeIn):
    channel: str = ""
    complainant_name: str = ""
    complainant_uscc: str = ""
    original_text: str = ""
    received_on: str = ""


class UpstreamIn(IntakeIn):
    complainant_name: str = ""
    complainant_uscc: str = ""
    upstream_ref: str = ""
    upstream_due_on: str = ""
    received_on: str = ""


class NoInput(Schema):
    pass


class TextIn(Schema):
    text: str = ""


class RejectIn(Schema):
    reason: str = ""
    text: str = ""


class RouteIn(Schema):
    department_id: int | None = None
    override_reason: str = ""
    cohandler_ids: list[int] = []


class ExtensionIn(Schema):
    days: int = 0
    text: str = ""


class ResultIn(Schema):
    outcome: str = ""
    text: str = ""
    amount_paid: str = "0"
    amount_planned: str = "0"


class SuperviseIn(Schema):
    text: str = ""


class RespondentIn(Schema):
    organisation_id: int


class NoteIn(Schema):
    kind: str = ""
    text: str = ""
    amount: str | None = None


class BulkIn(Schema):
    ids: list[int]
    action: str
    text: str = ""


class BulkOut(Schema):
    done: list[str]
    failed: list[dict[str, str]]


class TimelineOut(Schema):
    occurred_at: dt.datetime
    actor_label: str
    action: str
    label: str
    detail: str


class DuplicateOut(Schema):
    id: int
    number: str
    status: str
    why: str


class StatOut(Schema):
    key: int | None
    label: str
    total: int
    by_status: dict[str, int]
    review_on_time_rate: float | None
    transfer_on_time_rate: float | None
    handle_on_time_rate: float | None
    average_handling_days: float | None
    satisfaction_rate: float | None
    amount_claimed: Decimal
    amount_resolved: Decimal


class StatFilters(Schema):
    by: str = "department"
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class ImportOut(Schema):
    created: list[str]


# --- Helpers --------------------------------------------------------------------------------------------


def _case(request: HttpRequest, complaint_id: int) -> Complaint:
    return selectors.complaint_for(user=request.user, pk=complaint_id)


def _detail(request: HttpRequest, case: Complaint) -> dict[str, Any]:
    out = ComplaintOut.from_orm(case).dict()
    out.update(
        summary=case.summary,
        material_request=case.material_request,
        reject_reason=case.reject_reason,
        reject_text=case.reject_text,
        outcome=case.outcome,
        result_text=case.result_text,
        amount_paid=case.amount_paid,
        amount_planned=case.amount_planned,
        reopen_count=case.reopen_count,
        satisfied=case.satisfied,
        contracts=list(case.contracts.all()),
        evidence=list(Evidence.objects.filter(complaint=case)),
        actions=[
            {"action": t.action, "label": str(t.label), "target": t.target, "needs": list(t.needs)}
            for t in services.actions_for(request.user, case)
        ],
    )
    return out


def _intake_data(payload: IntakeIn) -> dict[str, Any]:
    data = payload.dict()
    data["contracts"] = list(data.get("contracts") or [])
    rid = data.pop("respondent_id", None)
    if rid:
        data["respondent"] = (
            Organisation.objects.filter(pk=rid, active=True).exclude(kind="department").first()
        )
        if data["respondent"] is None:
            raise InvalidInput(_("被投诉单位不存在。"), fields={"respondent_id": [_("被投诉单位不存在。")]})
    region_id = data.pop("respondent_region_id", None)
    if region_id:
        data["respondent_region"] = Region.objects.filter(pk=region_id).first()
    return data


# --- Listing, detail, intake -------------------------------------------------------------------------


@router.get("", response=list[ComplaintOut], summary="投诉列表（按权限范围，可筛选、分页）")
@paginate(Pagination)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> Any:
    if not may(request.user, Action.VIEW, Complaint):
        raise NotPermitted()
    return selectors.complaint_list_for(
        user=request.user, filters=selectors.clean_filters(filters.dict(exclude_none=True))
    )


@router.post("", response={201: ComplaintDetailOut, **ERRORS}, summary="企业网上投诉")
def file_complaint(request: HttpRequest, payload: PortalIn) -> Status:
    data = _intake_data(payload)
    data["eligibility"] = payload.eligibility.dict()
    case = services.complaint_file(actor=request.user, data=data)
    return Status(201, _detail(request, case))


@router.post("/leads", response={201: ComplaintDetailOut, **ERRORS}, summary="登记热线、邮箱、来信、来访线索")
def register_lead(request: HttpRequest, payload: LeadIn) -> Status:
    data = _intake_data(payload)
    case = services.complaint_register_lead(actor=request.user, channel=payload.channel, data=data)
    return Status(201, _detail(request, case))


@router.post("/upstream", response={201: ComplaintDetailOut, **ERRORS}, summary="接收上级平台转办件")
def receive_upstream(request: HttpRequest, payload: UpstreamIn) -> Status:
    case = services.complaint_receive_upstream(actor=request.user, data=_intake_data(payload))
    return Status(201, _detail(request, case))


@router.post(
    "/import",
    response={201: ImportOut, **ERRORS},
    summary="导入上级平台转办件（CSV/xlsx，全部成功或全部不导入）",
)
def import_upstream(request: HttpRequest, file: File[UploadedFile] = None) -> Status:  # type: ignore[assignment]
    if not request.user.has_role("taskforce_office"):  # type: ignore[union-attr]
        raise NotPermitted()
    if file is None:
        raise InvalidInput(_("请选择要导入的文件。"), fields={"file": [_("请选择要导入的文件。")]})
    report = complaint_import_upstream(actor=request.user, name=file.name or "", content=file.read())
    return Status(201, {"created": [c.number for c in report.created]})


@router.post("/bulk", response={200: BulkOut, **ERRORS}, summary="批量操作（专班办公室）")
def bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    if not request.user.has_role("taskforce_office"):  # type: ignore[union-attr]
        raise NotPermitted()
    if payload.action not in ("start_review", "accept", "supervise"):
        raise InvalidInput(_("批量操作只支持开始审查、受理和督办。"), fields={"action": [_("操作无效。")]})
    cases = list(selectors.complaint_list_for(user=request.user).filter(pk__in=payload.ids[:500]))
    report = services.complaint_bulk(
        actor=request.user, complaints=cases, action=payload.action, payload={"text": payload.text}
    )
    return BulkOut(done=report.done, failed=[{"number": n, "message": m} for n, m in report.failed])


@router.get("/stats", response={200: list[StatOut], **ERRORS}, summary="投诉统计（按责任部门或区划）")
def stats(request: HttpRequest, filters: Query[StatFilters]) -> Any:
    roles = ("taskforce_office", "auditor", "leadership", "department_handler", "county_handler")
    if not request.user.has_role(*roles):  # type: ignore[union-attr]
        raise NotPermitted()
    if filters.by not in ("department", "region"):
        raise InvalidInput(_("by 只能是 department 或 region。"), fields={"by": [_("取值无效。")]})
    rows = selectors.statistics(
        user=request.user, group_by=filters.by, date_from=filters.date_from, date_to=filters.date_to
    )
    return [r.as_dict() for r in rows]


@router.get("/{complaint_id}", response={200: ComplaintDetailOut, **ERRORS}, summary="投诉详情")
def get_complaint(request: HttpRequest, complaint_id: int) -> Any:
    return _detail(request, _case(request, complaint_id))


@router.get("/{complaint_id}/timeline", response={200: list[TimelineOut], **ERRORS}, summary="办理时间线")
def get_timeline(request: HttpRequest, complaint_id: int) -> Any:
    return timeline_for(_case(request, complaint_id))


@router.get(
    "/{complaint_id}/duplicates",
    response={200: list[DuplicateOut], **ERRORS},
    summary="疑似重复投诉（专班办公室）",
)
def get_duplicates(request: HttpRequest, complaint_id: int) -> Any:
    case = _case(request, complaint_id)
    if not request.user.has_role("taskforce_office"):  # type: ignore[union-attr]
        raise NotPermitted()
    return [
        {"id": d.case.pk, "number": d.case.number, "status": d.case.status, "why": str(d.why)}
        for d in selectors.duplicates_for(user=request.user, case=case)
    ]


@router.post(
    "/{complaint_id}/supervise", response={200: ComplaintOut, **ERRORS}, summary="人工督办（专班办公室）"
)
def supervise(request: HttpRequest, complaint_id: int, payload: SuperviseIn) -> Complaint:
    return services.complaint_supervise(
        actor=request.user, complaint=_case(request, complaint_id), text=payload.text
    )


@router.post(
    "/{complaint_id}/respondent",
    response={200: ComplaintOut, **ERRORS},
    summary="确认被投诉单位（专班办公室）",
)
def confirm_respondent(request: HttpRequest, complaint_id: int, payload: RespondentIn) -> Complaint:
    case = _case(request, complaint_id)
    org = get_object_or_404(
        Organisation.objects.restrict(request.user, Action.VIEW), pk=payload.organisation_id
    )
    return services.respondent_confirm(actor=request.user, complaint=case, organisation=org)


@router.post(
    "/{complaint_id}/notes", response={201: TimelineOut, **ERRORS}, summary="办理意见、答复、付款情况报告"
)
def add_note(request: HttpRequest, complaint_id: int, payload: NoteIn) -> Status:
    case = _case(request, complaint_id)
    note = services.note_add(
        actor=request.user, complaint=case, kind=payload.kind, text=payload.text, amount=payload.amount
    )
    return Status(
        201,
        {
            "occurred_at": note.created_at,
            "actor_label": request.user.get_username(),
            "action": f"complaints.case.note_{note.kind}",
            "label": str(note.get_kind_display()),
            "detail": note.text,
        },
    )


@router.post(
    "/{complaint_id}/evidence",
    response={201: list[EvidenceOut], **ERRORS},
    summary="上传材料（PDF、图片、Office 文档）",
)
def upload_evidence(
    request: HttpRequest,
    complaint_id: int,
    kind: str = "evidence",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    case = _case(request, complaint_id)
    saved = services.evidence_add(actor=request.user, complaint=case, files=list(files or []), kind=kind)
    return Status(201, saved)


# --- One endpoint per workflow action, each with its own input schema ---------------------------------

ACTION_SCHEMAS: dict[str, type[Schema]] = {
    "start_review": NoInput,
    "request_material": TextIn,
    "provide_material": TextIn,
    "reject": RejectIn,
    "accept": NoInput,
    "route": RouteIn,
    "receive": NoInput,
    "return_misrouted": TextIn,
    "request_extension": ExtensionIn,
    "approve_extension": NoInput,
    "refuse_extension": TextIn,
    "submit_result": ResultIn,
    "approve_result": NoInput,
    "return_result": TextIn,
    "confirm_satisfied": TextIn,
    "rate_unsatisfied": TextIn,
    "rate_unsatisfied_again": TextIn,
    "close_unrated": NoInput,
    "office_close": TextIn,
    "reassign": RouteIn,
    "withdraw": TextIn,
    "terminate": TextIn,
}


def _register(action: str, schema: type[Schema]) -> None:
    def endpoint(request: HttpRequest, complaint_id: int, payload: schema) -> Any:  # type: ignore[valid-type]
        case = _case(request, complaint_id)
        body = payload.dict()  # type: ignore[attr-defined]
        services.apply_transition(actor=request.user, complaint=case, action=action, payload=body)
        return _detail(request, selectors.complaint_for(user=request.user, pk=case.pk))

    endpoint.__name__ = f"complaint_{action}"
    router.add_api_operation(
        f"/{{complaint_id}}/{action.replace('_', '-')}",
        ["POST"],
        endpoint,
        response={200: ComplaintDetailOut, **ERRORS},
        summary=str(ACTION_LABELS[action]),
        operation_id=f"complaints_{action}",
    )


for _action, _schema in ACTION_SCHEMAS.items():
    _register(_action, _schema)
