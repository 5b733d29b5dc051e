"""Operators keep the areas of specialization here (DHCS may add areas: DOMAIN.md, Areas of
specialization). An area is never deleted (training records and certifications name it by
its code); one no longer offered is retired with "offered"."""

from django.contrib import admin

from training.models import SpecializationArea


@admin.register(SpecializationArea)
class SpecializationAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "code", "offered", "position"]
    list_editable = ["offered", "position"]
    search_fields = ["name", "name_es", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is stored on records and certifications and sent by the API.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
