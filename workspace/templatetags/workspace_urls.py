"""`{% wurl "case" case.pk %}`: the path of a workspace page in the workspace being shown,
a county's (/county/<code>/cases/12/) or the state's (/county/state/cases/12/), so one
template serves both (`workspace.access.Workspace.url`)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def wurl(context, name: str, *args) -> str:
    return context["workspace"].url(name, *args)
