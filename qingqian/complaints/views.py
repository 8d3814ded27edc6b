"""Pages of the complaints app. Views parse input, call one service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.complaints import conf, deadlines, exports, selectors, services
from qingqian.complaints.choices import (
    OPEN_STATES,
    STAFF_CHANNELS,
    Channel,
    EvidenceKind,
    NoteKind,
    Outcome,
    RejectReason,
    SizeBasis,
    Status,
)
from qingqian.complaints.models import Evidence
from qingqian.complaints.services import parties as P
from qingqian.complaints.services.documents import NOTE_PARTIES
from qingqian.complaints.services.imports import COLUMNS, complaint_import_upstream
from qingqian.complaints.services.intake import BOUND_PAYER_KINDS
from qingqian.complaints.transitions import ACTIONS, OFFICE
from qingqian.core.errors import DomainError, NotFound, NotPermitted
from qingqian.core.permissions import Action
from qingqian.core.timeline import timeline_for
from qingqian.registry.choices import OrganisationKind, SizeClass
from qingqian.registry.models import Organisation, Region
from qingqian.security.audit import audit_export
from qingqian.security.services import may_unmask

STAFF_READERS = (
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.DEBTOR_CLERK,
    Role.AUDITOR,
    Role.LEADERSHIP,
)
CASE_VIEWERS = (*STAFF_READERS, Role.ENTERPRISE_USER)
ACTORS = (
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.DEBTOR_CLERK,
    Role.ENTERPRISE_USER,
)
ELIGIBILITY_SESSION_KEY = "complaints_eligibility"
CONTRACT_ROWS = 3


def _domain_error_to_http(exc: DomainError) -> None:
    if isinstance(exc, NotPermitted):
        raise PermissionDenied from exc
    if isinstance(exc, NotFound):
        raise Http404 from exc


# --- Queues --------------------------------------------------------------------------------------------


@role_required(*STAFF_READERS)
def queue(request: HttpRequest) -> HttpResponse:
    filters = selectors.clean_filters(request.GET)
    if "status" not in filters and not request.GET.get("status"):
        filters["status"] = "open"
    qs = selectors.complaint_list_for(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    is_office = request.user.has_role(Role.TASKFORCE_OFFICE)  # type: ignore[union-attr]
    on_page = list({c.respondent_id for c in page.object_list if c.respondent_id})
    key_debtors = set(selectors.key_debtor_ids(on_page)) if on_page else set()
    return render(
        request,
        "complaints/queue.html",
        {
            "page": page,
            "filters": {k: v for k, v in request.GET.items() if k in selectors.FILTER_KEYS and v},
            "f": filters,
            "statuses": Status.choices,
            "channels": Channel.choices,
            "deadline_choices": [
                ("due_soon", _("临近期限")),
                ("late", _("超期（全部）")),
                ("overdue", _("超期")),
                ("seriously_overdue", _("严重超期")),
                ("on_time", _("未超期")),
            ],
            "departments": selectors.departments_for_routing() if is_office else [],
            "regions": Region.objects.filter(depth__lte=2).order_by("path") if is_office else [],
            "is_office": is_office,
            "key_debtors": key_debtors,
            "today": deadlines.today(),
            "bulk_actions": [
                ("start_review", _("开始审查")),
                ("accept", _("受理")),
                ("supervise", _("督办")),
            ],
            "pending_count": selectors.pending_debtors_for(user=request.user).count() if is_office else 0,
        },
    )


@role_required(Role.ENTERPRISE_USER)
def my_complaints(request: HttpRequest) -> HttpResponse:
    qs = selectors.complaint_list_for(user=request.user, filters={"sort": "-id"})
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.needed = services.intake.visible_status_for_enterprise(c)
    return render(request, "complaints/my_complaints.html", {"page": page, "filters": {}})


# --- Portal: eligibility wizard and structured intake -----------------------------------------------


@role_required(Role.ENTERPRISE_USER)
def eligibility(request: HttpRequest) -> HttpResponse:
    questions = services.eligibility_questions()
    failed: list[Any] = []
    answers: dict[str, str] = {}
    if request.method == "POST":
        answers = {q.key: request.POST.get(q.key, "") for q in questions}
        unanswered = [q for q in questions if answers[q.key] not in ("yes", "no")]
        if unanswered:
            messages.error(request, _("请回答全部问题。"))
        else:
            failed = services.check_eligibility({k: v == "yes" for k, v in answers.items()})
            if not failed:
                request.session[ELIGIBILITY_SESSION_KEY] = {k: v == "yes" for k, v in answers.items()}
                return redirect("complaints:file")
    return render(
        request,
        "complaints/eligibility.html",
        {"questions": questions, "failed": failed, "answers": answers},
        status=200,
    )


def _contracts_from_post(post: Any) -> list[dict[str, str]]:
    contracts = []
    for i in range(CONTRACT_ROWS):
        row = {
            k: post.get(f"contract-{i}-{k}", "").strip()
            for k in (
                "number",
                "subject",
                "signed_on",
                "amount",
                "paid_amount",
                "delivered_on",
                "acceptance_on",
                "due_on",
            )
        }
        if any(row.values()):
            contracts.append(row)
    return contracts


def _respondent_from_post(post: Any, data: dict[str, Any]) -> None:
    rid = post.get("respondent_id", "")
    if rid.isdigit():
        data["respondent"] = (
            Organisation.objects.filter(pk=int(rid), active=True).exclude(kind="department").first()
        )
    region = post.get("respondent_region", "")
    if region.isdigit():
        data["respondent_region"] = Region.objects.filter(pk=int(region)).first()


def _intake_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "bound_payers": Organisation.objects.filter(kind__in=BOUND_PAYER_KINDS, active=True)
        .order_by("name")
        .values_list("name", flat=True),
        "regions": Region.objects.order_by("path"),
        "sizes": [c for c in SizeClass.choices if c[0] in ("medium", "small", "micro")],
        "size_bases": SizeBasis.choices,
        "respondent_kinds": [(k, v) for k, v in OrganisationKind.choices if k in BOUND_PAYER_KINDS],
        "contract_rows": range(CONTRACT_ROWS),
        "max_upload_mb": conf.max_upload_bytes() // 1048576,
        "values": request.POST if request.method == "POST" else {},
        **extra,
    }


@role_required(Role.ENTERPRISE_USER)
def file_complaint(request: HttpRequest) -> HttpResponse:
    answers = request.session.get(ELIGIBILITY_SESSION_KEY)
    if not answers:
        messages.info(request, _("提交投诉前，请先完成受理条件自查。"))
        return redirect("complaints:eligibility")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        data: dict[str, Any] = {
            k: post.get(k, "")
            for k in (
                "respondent_name",
                "respondent_uscc",
                "respondent_kind",
                "contact_name",
                "contact_phone",
                "contact_email",
                "complainant_size",
                "complainant_size_basis",
                "amount_claimed",
                "summary",
            )
        }
        data["pledge"] = post.get("pledge") == "on"
        data["eligibility"] = answers
        data["contracts"] = _contracts_from_post(post)
        _respondent_from_post(post, data)
        try:
            case = services.complaint_file(
                actor=request.user, data=data, files=request.FILES.getlist("files")
            )
        except DomainError as exc:
            _domain_error_to_http(exc)
            errors = exc.fields
            messages.error(request, str(exc.message))
        else:
            request.session.pop(ELIGIBILITY_SESSION_KEY, None)
            messages.success(
                request, _("投诉已提交，编号 %(n)s。我们将在审查期限内处理。") % {"n": case.number}
            )
            return redirect("complaints:detail", pk=case.pk)
    enterprise = request.user.scope_grants()[0].enterprise  # type: ignore[union-attr]
    return render(
        request,
        "complaints/file.html",
        _intake_context(request, errors=errors, enterprise=enterprise),
        status=400 if errors else 200,
    )


@role_required(Role.TASKFORCE_OFFICE)
def register_lead(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        data: dict[str, Any] = {
            k: post.get(k, "")
            for k in (
                "complainant_name",
                "complainant_uscc",
                "complainant_size",
                "complainant_size_basis",
                "respondent_name",
                "respondent_uscc",
                "respondent_kind",
                "contact_name",
                "contact_phone",
                "contact_email",
                "amount_claimed",
                "summary",
                "original_text",
                "received_on",
            )
        }
        data["contracts"] = _contracts_from_post(post)
        _respondent_from_post(post, data)
        try:
            case = services.complaint_register_lead(
                actor=request.user,
                channel=post.get("channel", ""),
                data=data,
                files=request.FILES.getlist("files"),
            )
        except DomainError as exc:
            _domain_error_to_http(exc)
            errors = exc.fields
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("线索已登记，编号 %(n)s。") % {"n": case.number})
            return redirect("complaints:detail", pk=case.pk)
    return render(
        request,
        "complaints/register.html",
        _intake_context(
            request,
            errors=errors,
            channels=[(c.value, c.label) for c in STAFF_CHANNELS],
            today=deadlines.today(),
        ),
        status=400 if errors else 200,
    )


# --- The case page and its actions -----------------------------------------------------------------


@role_required(*CASE_VIEWERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.complaint_for(user=request.user, pk=pk)
    parties = P.parties_of(request.user, case)
    transitions = services.actions_for(request.user, case)
    is_office = OFFICE in parties
    cal = None
    deadlines_rows = []
    for label, due, done in (
        (_("审查期限"), case.review_due_on, case.reviewed_on),
        (_("转办期限"), case.transfer_due_on, case.transferred_on),
        (_("办理期限"), case.handle_due_on, case.result_submitted_on),
        (_("上级平台期限"), case.upstream_due_on, case.feedback_sent_on),
    ):
        if due is None:
            continue
        left = None if done or not case.is_open or case.is_paused else deadlines.countdown(due, cal=cal)
        deadlines_rows.append({"label": label, "due": due, "done": done, "left": left})
    proposal = None
    if (
        is_office
        and case.respondent_id
        and case.status in (Status.ACCEPTED, Status.OFFICE_REVIEW, Status.UNDER_REVIEW, Status.REGISTERED)
    ):
        proposal = selectors.explain_routing_for(case)
    note_kinds = [(k, NoteKind(k).label) for k, who in NOTE_PARTIES.items() if who & parties]
    return render(
        request,
        "complaints/detail.html",
        {
            "case": case,
            "parties": parties,
            "is_office": is_office,
            "is_complainant": "complainant" in parties,
            "transitions": transitions,
            "contracts": case.contracts.all(),
            "evidence": Evidence.objects.filter(complaint=case),
            "routings": case.routings.select_related("department", "proposed", "routed_by", "returned_by"),
            "cohandlers": case.cohandlers.select_related("organisation"),
            "notes": case.notes.select_related("author", "organisation"),
            "pauses": case.pauses.all(),
            "deadline_history": case.deadline_history.all(),
            "deadlines": deadlines_rows,
            "events": timeline_for(case),
            "duplicates": selectors.duplicates_for(user=request.user, case=case) if is_office else [],
            "respondent_open": selectors.respondent_open_count(case) if "complainant" not in parties else 0,
            "key_debtor_min": conf.key_debtor_min_open(),
            "may_unmask_phone": may_unmask(request.user, "complaints.complaint", case),
            "proposal": proposal,
            "departments": selectors.departments_for_routing() if is_office else [],
            "reject_reasons": RejectReason.choices,
            "outcomes": Outcome.choices,
            "note_kinds": note_kinds,
            "evidence_kinds": EvidenceKind.choices,
            "can_upload": bool(parties) and case.is_open,
            "can_supervise": is_office and case.is_open and case.responsible_department_id,
            "needs_respondent": is_office and case.respondent_id is None,
            "candidates": Organisation.objects.filter(
                name__icontains=case.respondent_name[:6], active=True
            ).exclude(kind="department")[:20]
            if is_office and case.respondent_id is None
            else [],
            "max_extension": deadlines.max_extension_days(case.handle_base_on or deadlines.today())
            - case.extension_days,
            "enterprise_needed": services.intake.visible_status_for_enterprise(case),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect("complaints:detail", pk=pk)


@require_POST
@role_required(*ACTORS)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = selectors.complaint_for(user=request.user, pk=pk)
    payload: dict[str, Any] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    payload["cohandler_ids"] = request.POST.getlist("cohandler_ids")
    try:
        services.apply_transition(actor=request.user, complaint=case, action=action, payload=payload)
    except DomainError as exc:
        _domain_error_to_http(exc)
        detail_msgs = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(
            request,
            str(exc.message)
            + ("：" + "；".join(detail_msgs) if detail_msgs and str(exc.message) not in detail_msgs else ""),
        )
    else:
        messages.success(request, _("已完成：%(a)s") % {"a": services.workflow.T.ACTION_LABELS[action]})
    return _back(case.pk)


@require_POST
@role_required(Role.TASKFORCE_OFFICE)
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.complaint_for(user=request.user, pk=pk)
    try:
        services.complaint_supervise(actor=request.user, complaint=case, text=request.POST.get("text", ""))
    except DomainError as exc:
        _domain_error_to_http(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已发出督办通知。"))
    return _back(case.pk)


@require_POST
@role_required(Role.TASKFORCE_OFFICE)
def confirm_respondent(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.complaint_for(user=request.user, pk=pk)
    org = (
        Organisation.objects.restrict(request.user, Action.VIEW)
        .filter(pk=request.POST.get("organisation_id") or 0)
        .first()
    )
    if org is None:
        messages.error(request, _("请选择名录中的单位。"))
        return _back(case.pk)
    try:
        services.respondent_confirm(actor=request.user, complaint=case, organisation=org)
    except DomainError as exc:
        _domain_error_to_http(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已确认被投诉单位。"))
    return _back(case.pk)


@require_POST
@role_required(*ACTORS)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.complaint_for(user=request.user, pk=pk)
    try:
        services.evidence_add(
            actor=request.user,
            complaint=case,
            files=request.FILES.getlist("files"),
            kind=request.POST.get("kind", EvidenceKind.EVIDENCE),
        )
    except DomainError as exc:
        _domain_error_to_http(exc)
        messages.error(
            request, "；".join(m for msgs in exc.fields.values() for m in msgs) or str(exc.message)
        )
    else:
        messages.success(request, _("材料已上传。"))
    return _back(case.pk)


@require_POST
@role_required(*ACTORS)
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.complaint_for(user=request.user, pk=pk)
    try:
        services.note_add(
            actor=request.user,
            complaint=case,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            amount=request.POST.get("amount") or None,
        )
    except DomainError as exc:
        _domain_error_to_http(exc)
        messages.error(
            request, "；".join(m for msgs in exc.fields.values() for m in msgs) or str(exc.message)
        )
    else:
        messages.success(request, _("已保存。"))
    return _back(case.pk)


@role_required(*CASE_VIEWERS)
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Files are served only through this permission-checked view (never from a public URL)."""
    case = selectors.complaint_for(user=request.user, pk=pk)
    ev = Evidence.objects.filter(complaint=case, pk=evidence_id).first()
    if ev is None:
        raise Http404
    response = FileResponse(
        ev.file.open("rb"), as_attachment=True, filename=ev.original_name, content_type=ev.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response  # type: ignore[return-value]  # a streaming response, as role_required passes it on


# --- Office tools: export, import, bulk, statistics ------------------------------------------------


@role_required(*STAFF_READERS)
def export(request: HttpRequest) -> HttpResponse:
    filters = selectors.clean_filters(request.GET)
    if "status" not in filters and not request.GET.get("status"):
        filters["status"] = "open"  # the same default as the queue the link was on
    qs = selectors.complaint_list_for(user=request.user, filters=filters)
    content, written = exports.to_xlsx(qs)
    audit_export(
        request.user,
        what="complaints.case",
        rows=written,
        fmt="xlsx",
        filters={k: str(v) for k, v in filters.items()},
    )
    name = f"complaints-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.TASKFORCE_OFFICE)
def import_upstream(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    created: list[Any] = []
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            errors = [_("请选择要导入的文件。")]
        elif (upload_file.size or 0) > 10 * 1048576:
            errors = [_("导入文件不能超过10 MB。")]
        else:
            try:
                created = complaint_import_upstream(
                    actor=request.user, name=upload_file.name or "", content=upload_file.read()
                ).created
            except DomainError as exc:
                _domain_error_to_http(exc)
                errors = [str(exc.message), *[m for msgs in exc.fields.values() for m in msgs]]
            else:
                messages.success(request, _("已导入%(n)d件上级平台转办件。") % {"n": len(created)})
    return render(
        request,
        "complaints/import.html",
        {"errors": errors, "created": created, "columns": list(COLUMNS)},
        status=400 if errors else 200,
    )


@require_POST
@role_required(Role.TASKFORCE_OFFICE)
def bulk(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()][:500]
    action = request.POST.get("action", "")
    if action not in ("start_review", "accept", "supervise") or not ids:
        messages.error(request, _("请选择投诉和要执行的操作。"))
        return redirect("complaints:queue")
    cases = list(selectors.complaint_list_for(user=request.user).filter(pk__in=ids))
    report = services.complaint_bulk(
        actor=request.user, complaints=cases, action=action, payload={"text": request.POST.get("text", "")}
    )
    if report.done:
        messages.success(
            request,
            _("已处理%(n)d件：%(list)s") % {"n": len(report.done), "list": "、".join(report.done[:20])},
        )
    for number, why in report.failed[:20]:
        messages.warning(request, f"{number}：{why}")
    target = str(request.POST.get("next", ""))
    return redirect(target if target.startswith("/complaints/") else "complaints:queue")


@role_required(
    Role.TASKFORCE_OFFICE, Role.AUDITOR, Role.LEADERSHIP, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER
)
def stats(request: HttpRequest) -> HttpResponse:
    group_by = (
        str(request.GET.get("by")) if request.GET.get("by") in ("department", "region") else "department"
    )
    year = request.GET.get("year", "")
    date_from = date_to = None
    if year.isdigit() and 2000 <= int(year) <= 2100:
        date_from, date_to = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    rows = selectors.statistics(user=request.user, group_by=group_by, date_from=date_from, date_to=date_to)
    return render(
        request,
        "complaints/stats.html",
        {
            "rows": rows,
            "group_by": group_by,
            "year": year,
            "statuses": Status.choices,
            "open_states": OPEN_STATES,
        },
    )
