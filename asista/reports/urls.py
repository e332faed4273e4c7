from django.urls import URLPattern, URLResolver, path

from asista.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.page, name="index"),
    path("mine/", views.mine, name="mine"),
    path("mine/<slug:key>.csv", views.mine_export, name="mine_export"),
    path("<slug:key>.csv", views.export, name="export"),
    path("<slug:section>/", views.page, name="page"),
]
