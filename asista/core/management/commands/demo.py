from typing import Any

from django.core.management.base import BaseCommand

from asista.core.demo import PASSWORD, demo_exists, load_demo


class Command(BaseCommand):
    help = "Load the demo desk (vendor team, two customers, tickets in every state) and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo is already loaded."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if not options["if_empty"]:
                self.stdout.write("The demo is already loaded.")
            self.print_logins()
            return
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo desk loaded."))
        self.print_logins([(x.role, x.login) for x in logins])

    def print_logins(self, logins: list[tuple[str, str]] | None = None) -> None:
        logins = logins or [
            ("administrator", "admin"),
            ("dispatcher", "dispecer"),
            ("agent", "andrei"),
            ("agent", "ioana"),
            ("customer (Expert)", "maria@brasovia.example"),
            ("customer (Tip 0)", "george@carpati.example"),
        ]
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for role, login in logins:
            self.stdout.write(f"  {role:<20} {login}")
