from django.urls import path

from qingqian.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("mine/", views.my_complaints, name="mine"),
    path("new/", views.eligibility, name="eligibility"),
    path("new/form/", views.file_complaint, name="file"),
    path("register/", views.register_lead, name="register"),
    path("import/", views.import_upstream, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("bulk/", views.bulk, name="bulk"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/respondent/", views.confirm_respondent, name="confirm_respondent"),
    path("<int:pk>/evidence/", views.upload, name="upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:pk>/notes/", views.add_note, name="note"),
]
