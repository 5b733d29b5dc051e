"""Cursor pagination of the roster: `{"next", "previous", "results"}`
(docs/architecture.md#contracts).

Rows are ordered by their primary key, a unique key that never changes: a client walking the
pages sees every row that existed when it started exactly once, whatever is inserted or updated
meanwhile (new rows get higher keys and appear on later pages). `page_size` is 1 to 1000,
default 100; anything else is refused with 400 naming the parameter (never clamped silently).
"""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# A cursor position is a primary key: a signed 64-bit integer.
_POSITION = re.compile(r"-?[0-9]{1,19}")
_BIGINT_MAX = 2**63 - 1


class RosterPagination(CursorPagination):
    ordering = ("id",)
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = _(
        "Rows per page, 1 to 1000 (default 100). A value outside that range answers 400."
    )
    cursor_query_description = _(
        "Opaque position from the `next` or `previous` link of an earlier page. "
        "A malformed cursor answers 400."
    )
    invalid_cursor_message = _("Invalid cursor.")

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,7}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def decode_cursor(self, request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
        else:
            if cursor is None or self._position_is_valid(cursor.position):
                return cursor
        raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    @staticmethod
    def _position_is_valid(position: str | None) -> bool:
        return position is None or (
            bool(_POSITION.fullmatch(position)) and abs(int(position)) <= _BIGINT_MAX
        )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        response["properties"]["next"]["example"] = (
            "https://example.org/api/v1/roster/?cursor=cD0xMDAw"
        )
        response["properties"]["previous"]["example"] = (
            "https://example.org/api/v1/roster/?cursor=cj0xJnA9MTAwMQ%3D%3D"
        )
        return response
