from django.urls import path

from qingqian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/home/", views.home, name="home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("portal/", views.portal_home, name="portal_home"),
    path("system/", views.admin_home, name="admin_home"),
]
