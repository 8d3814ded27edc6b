from django.urls import path

from qingqian.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.items, name="items"),
    path("payments/", views.payments, name="payments"),
    path("performance/", views.performance, name="performance"),
]
