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


class BrowserSessionAuth(SessionAuth):
    """The browser's session, with Django's CSRF check — only when a session cookie is present, so a
    request with neither cookie nor token gets 401 (not a CSRF 403) and a token client is never asked
    for a CSRF token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


session_auth = BrowserSessionAuth(csrf=True)
token_auth = TokenAuth()
# A bearer token is tried first: machine clients don't carry CSRF tokens.
STAFF_AUTH = [token_auth, session_auth]
