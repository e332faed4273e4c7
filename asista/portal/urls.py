from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path, reverse_lazy

from asista.portal import views
from asista.portal.forms import EmailLoginForm, OutboxPasswordResetForm

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/new/", views.new_request, name="new"),
    path("tickets/<int:number>/", views.ticket, name="ticket"),
    path("tickets/<int:number>/<slug:action>/", views.act, name="act"),
    path("file/<int:pk>/", views.attachment, name="attachment"),
    path("statement/", views.statement, name="statement"),
    path("invoices/", views.invoices, name="invoices"),
    path("language/", views.language, name="language"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html",
            authentication_form=EmailLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=OutboxPasswordResetForm,
            template_name="portal/password_reset.html",
            success_url=reverse_lazy("portal:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_set.html",
            success_url=reverse_lazy("portal:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "welcome/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_set.html",
            success_url=reverse_lazy("portal:password_reset_complete"),
            extra_context={"welcome": True},
        ),
        name="welcome",
    ),
    path(
        "password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/password_done.html"),
        name="password_reset_complete",
    ),
]
