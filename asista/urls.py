from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from asista.core import views as core_views
from asista.core.forms import LoginForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("language/", core_views.language, name="language"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("desk/", include("asista.desk.urls")),
    path("portal/", include("asista.portal.urls")),
    path("reports/", include("asista.reports.urls")),
    path("api/", include("asista.api.urls")),
    path("mail/", include("asista.mail.urls")),
]
