from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "asista.core"
    label = "core"
    verbose_name = "Asista"

    def ready(self) -> None:
        from asista.core.roles import sync_roles

        # Permissions exist only after post_migrate, so the role groups are kept in step there.
        post_migrate.connect(sync_roles, dispatch_uid="asista.core.sync_roles")
