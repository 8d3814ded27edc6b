"""Campaign pages: the list (and creation by the office), a campaign's progress, starting it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.core.errors import DomainError, NotPermitted
from qingqian.core.permissions import Action, grants_of
from qingqian.ledger import selectors, services
from qingqian.ledger.forms import CampaignForm
from qingqian.ledger.models import Campaign
from qingqian.ledger.views.common import STAFF_READERS, domain_error_text, run_action
from qingqian.registry.models import Region


@role_required(*STAFF_READERS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    office = next((g for g in grants_of(request.user) if g.role == Role.TASKFORCE_OFFICE), None)
    form = CampaignForm(request.POST or None) if office else None
    if request.method == "POST":
        if office is None or form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            scope = {"balance_max": data.get("balance_max"), "debtor_kinds": data.get("debtor_kinds") or []}
            try:
                campaign = services.campaign_create(
                    actor=request.user,
                    name=data["name"],
                    region=Region.objects.get(pk=office.region_id or 0),
                    starts_on=data["starts_on"],
                    deadline=data["deadline"],
                    scope=scope,
                    description=data.get("description", ""),
                )
            except NotPermitted as exc:
                raise PermissionDenied from exc
            except DomainError as exc:
                form.add_error(None, domain_error_text(exc))
            else:
                messages.success(request, _("专项行动已创建，启动时确定范围。"))
                return redirect("ledger:campaign_detail", campaign_id=campaign.pk)
    campaigns = Campaign.objects.restrict(request.user, Action.VIEW).select_related("region")
    rows = [(c, selectors.campaign_progress(user=request.user, campaign=c)) for c in campaigns]
    return render(request, "ledger/campaign_list.html", {"rows": rows, "form": form})


@role_required(*STAFF_READERS)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=campaign_id
    )
    progress = selectors.campaign_progress(user=request.user, campaign=campaign)
    is_office = any(g.role == Role.TASKFORCE_OFFICE for g in grants_of(request.user))
    return render(
        request,
        "ledger/campaign_detail.html",
        {"campaign": campaign, "progress": progress, "is_office": is_office},
    )


@require_POST
@role_required(Role.TASKFORCE_OFFICE)
def campaign_start(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, Action.CHANGE), pk=campaign_id)
    return run_action(
        request,
        None,
        lambda d: services.campaign_start(actor=request.user, campaign=campaign),
        back=f"/ledger/campaigns/{campaign.pk}/",
        success=_("专项行动已启动：已按范围条件确定基数。"),
    )
