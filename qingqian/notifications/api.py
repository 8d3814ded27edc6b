import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from qingqian.core.api import ErrorOut, Pagination
from qingqian.core.errors import NotPermitted
from qingqian.notifications import selectors, services
from qingqian.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    channel: str
    topic: str
    subject: str
    body: str
    link: str
    state: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class OutboxOut(NotificationOut):
    recipient_id: int
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime


class InboxFilters(Schema):
    unread: bool = False


class CountOut(Schema):
    unread: int


@router.get("", response=list[NotificationOut], summary="我的站内消息")
@paginate(Pagination)
def list_inbox(request: HttpRequest, filters: Query[InboxFilters]) -> object:
    return selectors.inbox_for(user=request.user, unread_only=filters.unread)


@router.get("/unread-count", response=CountOut, summary="未读消息数")
def unread_count(request: HttpRequest) -> CountOut:
    return CountOut(unread=selectors.unread_count(user=request.user))


@router.post("/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut}, summary="标为已读")
def read(request: HttpRequest, notification_id: int) -> Notification:
    n = get_object_or_404(Notification, pk=notification_id, recipient_id=request.user.pk)
    return services.notification_mark_read(actor=request.user, notification=n)


@router.get("/stuck", response=list[OutboxOut], summary="发送失败或积压的通知（专班办公室、系统管理员）")
@paginate(Pagination)
def list_stuck(request: HttpRequest) -> object:
    if not request.user.has_role("taskforce_office", "system_admin"):  # type: ignore[union-attr]
        raise NotPermitted()
    return selectors.stuck_for(user=request.user)


@router.post(
    "/{notification_id}/retry",
    response={200: OutboxOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="重新投递（专班办公室、系统管理员）",
)
def retry(request: HttpRequest, notification_id: int) -> Notification:
    if not request.user.has_role("taskforce_office", "system_admin"):  # type: ignore[union-attr]
        raise NotPermitted()
    n = get_object_or_404(selectors.retryable_for(user=request.user), pk=notification_id)
    return services.notification_retry(actor=request.user, notification=n)
