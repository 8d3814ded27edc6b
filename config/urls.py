from django.contrib import admin
from django.urls import include, path

from config.api import api
from qingqian.core.views import healthz

urlpatterns = [
    path("", include("qingqian.disclosure.urls")),
    path("", include("qingqian.accounts.urls")),
    path("registry/", include("qingqian.registry.urls")),
    path("rules/", include("qingqian.registry.rules_urls")),
    path("complaints/", include("qingqian.complaints.urls")),
    path("ledger/", include("qingqian.ledger.urls")),
    path("notifications/", include("qingqian.notifications.urls")),
    path("security/", include("qingqian.security.urls")),
    path("disclosure/", include("qingqian.disclosure.staff_urls")),
    path("dashboards/", include("qingqian.dashboards.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
]
