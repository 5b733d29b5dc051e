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
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering

from api.rows import JsonPage, roster_json_page

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

    def paginate_json_rows(self, queryset, request, view=None) -> JsonPage:
        """`paginate_queryset` for `api.rows.roster_json_rows`, the page's results joined by
        PostgreSQL (`api.rows.roster_json_page`): the same rows, positions and links as DRF's
        cursor pagination (the same steps, with the page's ends standing for the page when
        reading positions: the keys are unique, so the links never look further in)."""
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        if self.cursor is None:
            (offset, reverse, current_position) = (0, False, None)
        else:
            (offset, reverse, current_position) = self.cursor
        order = self.ordering[0]
        if reverse:
            queryset = queryset.order_by(*_reverse_ordering(self.ordering))
        else:
            queryset = queryset.order_by(*self.ordering)
        if current_position is not None:
            is_reversed = order.startswith("-")
            order_attr = order.lstrip("-")
            if self.cursor.reverse != is_reversed:
                queryset = queryset.filter(**{order_attr + "__lt": current_position})
            else:
                queryset = queryset.filter(**{order_attr + "__gt": current_position})
        page = roster_json_page(
            queryset[offset : offset + self.page_size + 1],
            page_size=self.page_size,
            descending=reverse != order.startswith("-"),
        )
        self.page = page.ends
        has_following_position = page.fetched > self.page_size
        following_position = str(page.following) if has_following_position else None
        if reverse:
            self.has_next = (current_position is not None) or (offset > 0)
            self.has_previous = has_following_position
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = (current_position is not None) or (offset > 0)
            if self.has_next:
                self.next_position = following_position
            if self.has_previous:
                self.previous_position = current_position
        return page

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
