from django.urls import path

from qingqian.registry import admin_views, views

app_name = "registry"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", admin_views.organisation_edit, name="organisation_create"),
    path("<int:org_id>/", views.organisation_detail, name="organisation_detail"),
    path("<int:org_id>/edit/", admin_views.organisation_edit, name="organisation_edit"),
    path("routing/", admin_views.routing_list, name="routing"),
    path("routing/<int:rule_id>/", admin_views.routing_edit, name="routing_edit"),
    path("regions/", admin_views.region_list, name="regions"),
    path("regions/<int:region_id>/", admin_views.region_list, name="region_edit"),
]
