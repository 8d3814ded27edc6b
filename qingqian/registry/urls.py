from django.urls import path

from qingqian.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<int:org_id>/", views.organisation_detail, name="organisation_detail"),
]
