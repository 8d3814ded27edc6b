from django.urls import path

from qingqian.ledger.views import actions, campaigns, io, items, portal

app_name = "ledger"
urlpatterns = [
    path("", items.item_list, name="item_list"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:item_id>/", items.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:item_id>/report-payment/", actions.report_payment, name="report_payment"),
    path("items/<int:item_id>/adjust/", actions.adjust, name="adjust"),
    path("items/<int:item_id>/write-off/", actions.write_off, name="write_off"),
    path("items/<int:item_id>/disputes/", actions.open_dispute, name="open_dispute"),
    path("items/<int:item_id>/plans/", actions.propose_plan, name="propose_plan"),
    path("items/<int:item_id>/reconcile/", actions.reconcile, name="reconcile"),
    path("items/<int:item_id>/close/", actions.close, name="close"),
    path("reports/<int:report_id>/confirm/", actions.confirm_report, name="confirm_report"),
    path("reports/<int:report_id>/reject/", actions.reject_report, name="reject_report"),
    path("reports/<int:report_id>/withdraw/", actions.withdraw_report, name="withdraw_report"),
    path("entries/<int:entry_id>/reverse/", actions.reverse_entry, name="reverse_entry"),
    path("disputes/<int:dispute_id>/resolve/", actions.resolve_dispute, name="resolve_dispute"),
    path("plans/<int:plan_id>/approve/", actions.approve_plan, name="approve_plan"),
    path("plans/<int:plan_id>/reject/", actions.reject_plan, name="reject_plan"),
    path("debtors/<int:org_id>/", items.debtor_detail, name="debtor_detail"),
    path("warnings/", items.warning_list, name="warning_list"),
    path("cleared/", items.cleared_stats, name="cleared"),
    path("export/", items.export, name="export"),
    path("template/", items.template_download, name="template"),
    path("portal/", portal.portal, name="portal"),
    path("import/", io.import_upload, name="import_upload"),
    path("import/<int:job_id>/", io.import_status, name="import_status"),
    path("import/<int:job_id>/progress/", io.import_progress, name="import_progress"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/start/", campaigns.campaign_start, name="campaign_start"),
]
