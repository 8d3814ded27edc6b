from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qingqian.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.forms import LoginForm
from qingqian.core.permissions import Action
from qingqian.registry.models import Enterprise, Organisation, TaskForce


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their own start page."""
    if not request.user.is_authenticated:
        return redirect("public:home")
    roles = request.user.roles
    if roles & STAFF_ROLES:
        return redirect("accounts:staff_home")
    if Role.ENTERPRISE_USER in roles:
        return redirect("accounts:portal_home")
    if roles & ADMIN_ROLES:
        return redirect("accounts:admin_home")
    return redirect("public:home")


@role_required(*STAFF_ROLES)
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    bodies = Organisation.objects.restrict(user, Action.VIEW)
    context = {
        "grants": user.scope_grants(),  # type: ignore[union-attr]
        "body_count": bodies.exclude(kind="department").count(),
        "department_count": bodies.filter(kind="department").count(),
        "enterprise_count": Enterprise.objects.restrict(user, Action.VIEW).count(),
    }
    return render(request, "accounts/staff_home.html", context)


@role_required(Role.ENTERPRISE_USER)
def portal_home(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.restrict(request.user, Action.VIEW).select_related("region")
    taskforce = TaskForce.objects.select_related("office").order_by("region__depth").first()
    return render(request, "accounts/portal_home.html", {"enterprises": enterprises, "taskforce": taskforce})


@role_required(*ADMIN_ROLES)
def admin_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/admin_home.html", {"grants": request.user.scope_grants()})  # type: ignore[union-attr]
