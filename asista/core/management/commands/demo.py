from typing import Any

from django.core.management.base import BaseCommand

from asista.core.demo import LOGINS, PASSWORD, demo_exists, load_demo


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
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo desk loaded."))
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.role:<20} {login.login}")
