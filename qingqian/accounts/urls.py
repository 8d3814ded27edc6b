from django.urls import path

from qingqian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/home/", views.home, name="home"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery/", views.recovery_codes, name="recovery_codes"),
    path("accounts/reauth/", views.reauth, name="reauth"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/session/status/", views.session_status, name="session_status"),
    path("accounts/session/extend/", views.session_extend, name="session_extend"),
    path("staff/", views.staff_home, name="staff_home"),
    path("portal/", views.portal_home, name="portal_home"),
    path("system/", views.admin_home, name="admin_home"),
]
