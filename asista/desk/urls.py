from django.urls import URLPattern, URLResolver, path

from asista.desk import views

app_name = "desk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("t/<int:number>/", views.ticket, name="ticket"),
    path("t/<int:number>/units/", views.units_preview, name="units_preview"),
    path("t/<int:number>/<slug:action>/", views.act, name="act"),
    path("file/<int:pk>/", views.attachment, name="attachment"),
    path("call/", views.phone_call, name="phone_call"),
    path("call/write/", views.write_invitation, name="write_invitation"),
    path("call/callers/", views.caller_options, name="caller_options"),
    path("board/", views.board, name="board"),
    path("language/", views.language, name="language"),
    path("contact/<int:pk>/invite/", views.invite, name="invite"),
    path("triage/<int:pk>/<slug:decision>/", views.triage_decide, name="triage"),
]
