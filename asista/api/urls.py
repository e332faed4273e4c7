from django.urls import URLPattern, URLResolver, include, path

from asista.api import views
from asista.api.api import api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include((api.urls[0], "v1"))),
    path("tokens/", views.tokens, name="tokens"),
]
