import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from qingqian.accounts.models import ApiToken, acting_user
from qingqian.accounts.services import token_create, token_revoke
from qingqian.core.api import ErrorOut

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    role_label: str
    scope: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[GrantOut]


@router.get("/me", response=MeOut, summary="当前用户及其角色范围")
def me(request: HttpRequest) -> MeOut:
    user = acting_user(request)
    return MeOut(
        username=user.get_username(),
        display_name=getattr(user, "display_name", ""),
        roles=[
            GrantOut(
                role=g.role,
                role_label=str(g.get_role_display()),
                scope=str(g.region or g.organisation or g.enterprise or ""),
            )
            for g in user.scope_grants()
        ],
    )


class TokenIn(Schema):
    name: str
    scope: str = "read"
    days: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/tokens", response=list[TokenOut], summary="我的访问令牌")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=acting_user(request)).order_by("-created_at"))


@router.post(
    "/tokens", response={201: TokenCreatedOut, 400: ErrorOut}, summary="创建访问令牌（令牌只显示一次）"
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    issued = token_create(
        actor=acting_user(request),
        user=acting_user(request),
        name=payload.name,
        scope=payload.scope,
        days=payload.days,
    )
    t = issued.token
    return Status(
        201,
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "scope": t.scope,
            "expires_at": t.expires_at,
            "revoked_at": t.revoked_at,
            "token": issued.secret,
        },
    )


@router.post("/tokens/{token_id}/revoke", response={204: None}, summary="吊销访问令牌")
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    token = get_object_or_404(ApiToken, pk=token_id, user=acting_user(request))
    token_revoke(actor=acting_user(request), token=token)
    return Status(204, None)
