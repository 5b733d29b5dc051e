"""`manage.py create_api_token EMAIL [--days N] [--name NAME]`: an operator creates an API key
for a user. The key is printed once, as the last word of the last line; only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User
from core.errors import DomainError
from core.rls import rls_context


class Command(BaseCommand):
    help = "Create an API key for the user with this email; the key is shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--days",
            type=int,
            default=services.DEFAULT_TOKEN_DAYS,
            help=f"Days until the key expires (default {services.DEFAULT_TOKEN_DAYS}).",
        )
        parser.add_argument("--name", default="", help="What the key is for.")

    def handle(self, *args, email: str, days: int, name: str, **options) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the email address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The account {user.email} is deactivated.")
        try:
            # An operator's command acts for the system behind the wall (SECURITY.md).
            with rls_context(system=True):
                token, key = services.api_token_create(user=user, days=days, name=name)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Created key {token.prefix}… for {user.email}, "
            f"expiring {token.expires_at:%Y-%m-%d %H:%M %Z}. It will not be shown again."
        )
        self.stdout.write(f"Key: {key}")
