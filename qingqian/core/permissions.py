"""Row-level scoping: every queryset a user sees goes through `.restrict(user, action)`.

A user carries *grants* (a role bound to a scope: the whole city, a department's supervised bodies,
a region, one organisation, one enterprise). Each restricted model says, per grant, which of its
rows that grant reaches, by implementing::

    @classmethod
    def scope_q(cls, grant, action) -> Q | None     # None: this grant reaches nothing

and, for what anonymous visitors may read, optionally ``public_q(cls, action) -> Q | None``.
The queryset ORs the grants' filters. A model without `scope_q` is invisible to everyone.
(NetBox `RestrictedQuerySet.restrict()`.)
"""

from __future__ import annotations

from typing import Any, Protocol, Self

from django.db import models
from django.db.models import Q


class Action:
    VIEW = "view"
    CHANGE = "change"
    CREATE = "create"
    ALL = (VIEW, CHANGE, CREATE)


class Grant(Protocol):
    role: str
    region_id: int | None
    organisation_id: int | None
    enterprise_id: int | None


def grants_of(user: Any) -> list[Grant]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    grants = getattr(user, "scope_grants", None)
    return list(grants()) if callable(grants) else []


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = Action.VIEW) -> Self:
        if action not in Action.ALL:
            raise ValueError(f"unknown action {action!r}")
        model: Any = self.model
        combined: Q | None = None
        user_grants = grants_of(user)
        if not user_grants:
            public = getattr(model, "public_q", None)
            q = public(action) if public is not None else None
            return self.filter(q) if q is not None else self.none()
        scope_q = getattr(model, "scope_q", None)
        if scope_q is None:
            return self.none()
        for grant in user_grants:
            q = scope_q(grant, action)
            if q is None:
                continue
            combined = q if combined is None else combined | q
        if combined is None:
            return self.none()
        restricted = self.filter(combined)
        # A model whose scope filter crosses a to-many relation sets `scope_needs_distinct = True`.
        return restricted.distinct() if getattr(model, "scope_needs_distinct", False) else restricted


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Whether `user` may do `action` on this one object (same rules as the list)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.all().restrict(user, action).filter(pk=obj.pk).exists())


def may(user: Any, action: str, model: type[models.Model]) -> bool:
    """Whether any of the user's grants reaches *some* rows of `model` for `action` (e.g. may create at all)."""
    scope_q = getattr(model, "scope_q", None)
    if scope_q is None:
        return False
    return any(scope_q(grant, action) is not None for grant in grants_of(user))


def require(user: Any, action: str, target: Any) -> None:
    """Raise NotPermitted unless the user may do `action` on `target` (an object, or a model class: at all).

    `user=None` is the system itself (management commands, seeding, sweepers).
    """
    from qingqian.core.errors import NotPermitted

    if user is None:
        return
    allowed = may(user, action, target) if isinstance(target, type) else can(user, action, target)
    if not allowed:
        raise NotPermitted()
