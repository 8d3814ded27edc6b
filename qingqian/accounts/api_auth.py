"""API authentication: the browser's session (with CSRF) or a bearer token for machine clients."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from qingqian.accounts.choices import TokenScope
from qingqian.accounts.services import token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        user, api_token = found
        if request.method not in SAFE_METHODS and api_token.scope != TokenScope.WRITE:
            return None
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


session_auth = SessionAuth(csrf=True)
token_auth = TokenAuth()
STAFF_AUTH = [session_auth, token_auth]
