from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_context_key(sender, using: str = "default", **kwargs) -> None:
    """After every migrate (run as the owner): store the row-level security context key in
    the database (core.rls.context_key_install), so a changed SECRET_KEY or RLS_CONTEXT_KEY
    takes effect with the next deployment's migrate."""
    from core.rls import context_key_install

    connection = connections[using]
    if "app_context_key" in connection.introspection.table_names(include_views=False):
        context_key_install(connection)


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = "Certification"

    def ready(self) -> None:
        # The row-level security migrations live in this app (0010, 0011, 0017, 0018).
        post_migrate.connect(_install_context_key, sender=self)
        # The exam is recorded only once the core training is verified (exams sits below).
        from certification.exam_authorization import exam_authorization_answer
        from exams.authorization import exam_authorization

        exam_authorization.connect(exam_authorization_answer, dispatch_uid="certification")
