from django.urls import path

from qingqian.disclosure import views

app_name = "public"
urlpatterns = [
    path("", views.public_home, name="home"),
    path("disclosure/", views.bodies, name="bodies"),
    path("disclosure/bodies/<int:pk>/", views.body, name="body"),
    path("disclosure/regions/", views.regions, name="regions"),
    path("disclosure/methodology/", views.methodology, name="methodology"),
    path("disclosure/open-data/", views.open_data, name="open_data"),
    path(
        "disclosure/open-data/<slug:dataset>.<str:fmt>",
        views.open_data_file,
        name="open_data_file",
    ),
]
