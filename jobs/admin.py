"""Operators see failed jobs (and retry them) and the outbox."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobs.models import FailedJob, OutboxMessage
from jobs.services import failed_job_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    """These rows are written by the system only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(FailedJob)
class FailedJobAdmin(ReadOnlyAdmin):
    list_display = ("task_name", "task_id", "failed_at", "failures", "retried_at", "error")
    list_filter = ("task_name", ("retried_at", admin.EmptyFieldListFilter), "auto_retry")
    search_fields = ("task_id", "task_name", "error")
    date_hierarchy = "failed_at"
    actions = ("retry",)

    @admin.action(description=_("Retry the selected jobs"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedJob]) -> None:
        queued = sum(failed_job_retry(job=job) for job in queryset)
        skipped = queryset.count() - queued
        self.message_user(
            request,
            ngettext("%(n)d job queued again.", "%(n)d jobs queued again.", queued) % {"n": queued},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d job was already retried and has not failed since.",
                    "%(n)d jobs were already retried and have not failed since.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("jobs.change_failedjob")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "task_name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("task_name", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("task_name", "task_id")
