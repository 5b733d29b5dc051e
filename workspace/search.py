"""Free-text search of the workspace lists: every word of the query must match a name field,
or the whole query is a number."""

from django.db.models import Q


def name_or_number(query: str, *, name_fields: tuple[str, ...], number: Q | None) -> Q:
    """A filter matching rows where each word of `query` is in one of `name_fields`
    (case-insensitive), or matching `number` (built by the caller from the query).
    An empty query matches everything."""
    words = query.split()
    if not words:
        return Q()
    by_name = Q()
    for word in words:
        any_field = Q()
        for field in name_fields:
            any_field |= Q(**{f"{field}__icontains": word})
        by_name &= any_field
    return by_name | number if number is not None else by_name
