"""The SME's portal view of its receivables: what each debtor owes, and payments to confirm or reject."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.ledger import selectors
from qingqian.ledger.choices import ReportStatus
from qingqian.ledger.forms import RejectForm


@role_required(Role.ENTERPRISE_USER)
def portal(request: HttpRequest) -> HttpResponse:
    items = selectors.portal_items_for(user=request.user)
    pending = selectors.reports_for(user=request.user, status=ReportStatus.REPORTED).order_by("reported_at")
    context = {
        "items": items,
        "totals": selectors.totals_of(items),
        "pending": pending,
        "reject_form": RejectForm(),
        "to_reconcile": [
            i for i in items if i.balance == 0 and i.reconciled_at is None and i.status == "open"
        ],
    }
    return render(request, "ledger/portal.html", context)
