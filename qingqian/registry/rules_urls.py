from django.urls import path

from qingqian.registry import rules_views

app_name = "rules"
urlpatterns = [
    path("calculator/", rules_views.calculator, name="calculator"),
    path("lpr/", rules_views.lpr_list, name="lpr"),
    path("calendar/", rules_views.calendar_list, name="calendar"),
]
