from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an 'admin' superuser if no superuser exists; print how to log in."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        password_file = settings.VAR_DIR / "admin_password"
        if User.objects.filter(is_superuser=True).exists():
            hint = f" (initial password in {password_file})" if password_file.exists() else ""
            url = f"http://127.0.0.1:{settings.HTTP_PORT}/console/"
            self.stdout.write(f"Log in at {url} with your admin account{hint}.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@localhost", password)
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(
            f"Created superuser 'admin' with password {password} (also saved in {password_file}).\n"
            f"Log in at http://127.0.0.1:{settings.HTTP_PORT}/console/"
        ))
