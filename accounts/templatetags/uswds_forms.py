"""allauth's hand-built inputs (`{% element field %}`: a radio per email address, a read-only
secret or code list, a confirmation checkbox) as real Django form fields, so that they render
through the one field template of every form (templates/forms/field.html, core/forms.py) with
the same ids: hint `<id>_helptext`, error `<id>_error`."""

import html
from typing import Any

from django import forms, template
from django.forms.utils import ErrorDict
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from core.forms import UswdsBoundField

register = template.Library()


class RadioInput(forms.CheckboxInput):
    """One radio button (allauth builds a list of them by hand): checked when told so."""

    input_type = "radio"


class _ElementBoundField(UswdsBoundField):
    """A bound field whose id and name are allauth's (which need not be alike)."""

    element_id = ""

    @property
    def auto_id(self) -> str:
        return self.element_id


def _slot(slots: dict, name: str) -> SafeString:
    """The content of an element's slot, as allauth rendered (and escaped) it."""
    return mark_safe("".join(slots.get(name, [])))


def _widget(attrs: dict[str, Any]) -> forms.Widget:
    kind = attrs.get("type") or "text"
    extra = {key: attrs[key] for key in ("autocomplete", "placeholder", "rows") if attrs.get(key)}
    if attrs.get("readonly"):
        extra["readonly"] = True
    if kind == "checkbox":
        return forms.CheckboxInput(attrs=extra, check_test=lambda value: bool(attrs.get("checked")))
    if kind == "radio":
        return RadioInput(attrs=extra, check_test=lambda value: bool(attrs.get("checked")))
    if kind == "textarea":
        return forms.Textarea(attrs=extra)
    widget = forms.TextInput(attrs=extra)
    widget.input_type = kind
    return widget


@register.simple_tag
def element_field(attrs: dict[str, Any], slots: dict) -> SafeString:
    """The allauth element `field` (its `attrs` and rendered `slots`) as a form field group."""
    widget = _widget(attrs)
    value = attrs.get("value")
    if value is None and "value" in slots:
        # The slot is rendered HTML; the textarea escapes its text again.
        value = html.unescape(strip_tags(_slot(slots, "value")))
    field = forms.CharField(
        label=_slot(slots, "label"),
        help_text=_slot(slots, "help_text"),
        required=bool(attrs.get("required")),
        disabled=bool(attrs.get("disabled")),
        initial=value,
        widget=widget,
        bound_field_class=_ElementBoundField,
    )
    form = forms.Form(use_required_attribute=True)
    form.fields["element"] = field
    if attrs.get("errors"):
        form._errors = ErrorDict(element=form.error_class(attrs["errors"]))
    bound = form["element"]
    # An input allauth shows but never reads (a secret to copy, a confirmation box) may come
    # without a name or an id: each stands in for the other, as HTML wants both non-empty.
    bound.element_id = attrs.get("id") or attrs.get("name") or "element"
    bound.html_name = attrs.get("name") or bound.element_id
    return bound.as_field_group()
