from django.urls import path

from qingqian.disclosure import staff_views as views

app_name = "disclosure"
urlpatterns = [
    path("returns/", views.board, name="board"),
    path("returns/draft/", views.draft, name="draft"),
    path("returns/remind/", views.remind, name="remind"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/do/<slug:action>/", views.return_act, name="return_act"),
    path("returns/<int:pk>/reopen/", views.return_reopen, name="return_reopen"),
    path("performance/publish/", views.performance_publish, name="performance_publish"),
    path("reports/", views.reports, name="reports"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
]
