"""Email backends that fail like an SMTP server that is down (tests only)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(LocmemBackend):
    """Every send fails as if the SMTP server had hung up."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """The first `failures_left` sends fail; later ones are delivered to mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)
