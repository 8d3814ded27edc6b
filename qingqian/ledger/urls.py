from django.urls import path

from qingqian.ledger.views import actions, campaigns, io, items, portal

app_name = "ledger"
urlpatterns = [
    path("", items.item_list, name="item_list"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:item_id>/", items.item_detail, name="item_detail"),
    path("items/<int:item_id>/edit/", items.item_edit, name="item_edit"),
    *actions.urlpatterns,  # the POST actions of the item page and the portal, one table
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
