"""Shared bits of the ledger pages: who may open which page, and running one service from a POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingqian.accounts.choices import Role
from qingqian.core.errors import DomainError, NotPermitted

DEBTOR_SIDE_ROLES = (Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER, Role.DEBTOR_CLERK)
STAFF_READERS = (*DEBTOR_SIDE_ROLES, Role.AUDITOR, Role.LEADERSHIP)
SUPERVISOR_ROLES = (Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER)
ITEM_VIEWERS = (*STAFF_READERS, Role.ENTERPRISE_USER)


def form_errors_text(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = pgettext("clause separator", "；").join(str(e) for e in errors)
        parts.append(f"{label}{pgettext('label separator', '：')}{text}" if label else text)
    return pgettext("clause separator", "；").join(parts)


def domain_error_text(exc: DomainError) -> str:
    text = str(exc.message)
    details = [m for msgs in exc.fields.values() for m in msgs if m and m not in text]
    if not details:
        return text
    return _("%(text)s（%(details)s）") % {
        "text": text,
        "details": pgettext("clause separator", "；").join(details),
    }


def run_action(
    request: HttpRequest,
    form: forms.Form | None,
    call: Callable[[dict[str, Any]], Any],
    *,
    back: str,
    success: str,
) -> HttpResponse:
    """Validate the form, call one service, report the outcome as a message, go back to the page."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors_text(form), extra_tags="danger")
        return redirect(back)
    try:
        call(form.cleaned_data if form is not None else {})
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, domain_error_text(exc), extra_tags="danger")
        return redirect(back)
    messages.success(request, success or _("已保存。"))
    return redirect(back)
