"""The in-app inbox (every logged-in user) and the stuck-notifications page (office, sysadmin)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.core.errors import DomainError
from qingqian.notifications import selectors, services
from qingqian.notifications.models import Notification

ALL_ROLES = tuple(Role.values)


@role_required(*ALL_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_for(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "filters": {"unread": "1"} if unread_only else {}},
    )


@require_POST
@role_required(*ALL_ROLES)
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if n is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification=n)
    target = request.POST.get("next") or n.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@role_required(*ALL_ROLES)
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将%(n)d条消息标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@role_required(Role.TASKFORCE_OFFICE, Role.SYSTEM_ADMIN)
def stuck(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.stuck_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/stuck.html", {"page": page, "filters": {}})


@require_POST
@role_required(Role.TASKFORCE_OFFICE, Role.SYSTEM_ADMIN)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    n = selectors.retryable_for(user=request.user).filter(pk=pk).first()
    if n is None:
        raise Http404
    try:
        services.notification_retry(actor=request.user, notification=n)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已重新放入发送队列。"))
    return redirect("notifications:stuck")
