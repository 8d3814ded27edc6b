from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingqian.registry.models import Handler, TaskForce


def public_home(request: HttpRequest) -> HttpResponse:
    """The public front page: how to complain, who handles it. No login, no personal data beyond
    the handlers the task force chose to publish."""
    taskforce = TaskForce.objects.select_related("region", "office").order_by("region__depth").first()
    members = taskforce.members.select_related("organisation") if taskforce else []
    handlers = (
        Handler.objects.filter(taskforce=taskforce, published=True).select_related("organisation")
        if taskforce
        else []
    )
    return render(
        request, "public/home.html", {"taskforce": taskforce, "members": members, "handlers": handlers}
    )
