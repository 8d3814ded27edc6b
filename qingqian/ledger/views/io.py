"""Import pages: upload, status with an htmx-polled progress bar."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qingqian.accounts.decorators import role_required
from qingqian.core.errors import DomainError, NotPermitted
from qingqian.core.permissions import Action
from qingqian.ledger.forms import ImportForm
from qingqian.ledger.models import ImportJob
from qingqian.ledger.services.imports import import_job_create
from qingqian.ledger.views.common import DEBTOR_SIDE_ROLES, domain_error_text


@role_required(*DEBTOR_SIDE_ROLES)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                actor=request.user, name=upload.name, chunks=upload.chunks(), unit=form.cleaned_data["unit"]
            )
        except NotPermitted as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            form.add_error("file", domain_error_text(exc))
        else:
            messages.info(request, _("文件已上传，正在后台导入。"))
            return redirect("ledger:import_status", job_id=job.pk)
    jobs = ImportJob.objects.restrict(request.user, Action.VIEW).order_by("-created_at")[:20]
    return render(request, "ledger/import_upload.html", {"form": form, "jobs": jobs})


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.restrict(request.user, Action.VIEW), pk=job_id)


@role_required(*DEBTOR_SIDE_ROLES)
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "ledger/import_status.html", {"job": _job(request, job_id)})


@role_required(*DEBTOR_SIDE_ROLES)
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment htmx polls every second until the job has finished."""
    return render(request, "ledger/_import_progress.html", {"job": _job(request, job_id)})
