"""The request context (request id, client IP, acting user) that services stamp on events.

Set by `RequestContextMiddleware` for web requests and by `actor_context()` for commands and tasks.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    channel: str = "web"


_current: ContextVar[RequestContext | None] = ContextVar("qingqian_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id="", ip=None, channel="system")
    return ctx


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def request_context(
    *, request_id: str | None = None, ip: str | None = None, channel: str
) -> Iterator[RequestContext]:
    ctx = RequestContext(request_id=request_id or new_request_id(), ip=ip, channel=channel)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
