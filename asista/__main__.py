"""The `asista` command: Django's manage.py with Asista's own commands (serve, worker, demo, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asista.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0] if sys.argv[0] else "asista", *sys.argv[1:]])


if __name__ == "__main__":
    main()
