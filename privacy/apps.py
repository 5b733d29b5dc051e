from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Personal data"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset

        from privacy import receivers

        # A changed or reset password revokes the person's API keys (SECURITY.md).
        password_changed.connect(receivers.password_replaced, dispatch_uid="privacy.changed")
        password_reset.connect(receivers.password_replaced, dispatch_uid="privacy.reset")
