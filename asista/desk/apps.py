from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "asista.desk"
    label = "desk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        from asista.desk.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="desk_sqlite_functions")
