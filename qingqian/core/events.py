"""`record_event`: the one way to write the audit trail. Call it inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet

from qingqian.core import audit_chain, context
from qingqian.core.models import Event


def to_jsonable(value: Any) -> Any:
    """Dates, Decimals, UUIDs and model instances as plain JSON values (Decimals as strings: exact)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an object as JSON, for an event's before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = to_jsonable(getattr(obj, attname))
    return out


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one event. Must run inside the caller's transaction so the change and its event commit together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the service's transaction.atomic()")
    ctx = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = Event(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else (str(actor) if actor else "system"))[:150],
        action=action,
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=to_jsonable(data or {}),
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
        request_id=ctx.request_id,
        ip=ctx.ip,
        channel=ctx.channel,
    )
    # linked into the SM3 hash chain under the chain-head lock, in this same transaction
    return audit_chain.append(event)


def events_for(obj: models.Model) -> QuerySet[Event]:
    """The timeline of one object, oldest first. Callers check the user may view `obj` first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return (
        Event.objects.filter(object_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
