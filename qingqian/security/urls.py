from django.urls import path

from qingqian.security import views

app_name = "security"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("users/<int:user_id>/active/", views.user_toggle_active, name="user_toggle_active"),
    path("users/<int:user_id>/grant/", views.user_grant, name="user_grant"),
    path("users/<int:user_id>/grants/<int:grant_id>/revoke/", views.user_revoke, name="user_revoke"),
    path("users/<int:user_id>/two-factor/reset/", views.user_reset_2fa, name="user_reset_2fa"),
    path("unlock/", views.unlock, name="unlock"),
    path("personal-data/", views.pii_registry, name="pii_registry"),
    path("unmask/<str:model>/<str:pk>/<str:field>/", views.unmask, name="unmask"),
    path("audit/", views.audit_search, name="audit_search"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/person/", views.person_access, name="person_access"),
]
