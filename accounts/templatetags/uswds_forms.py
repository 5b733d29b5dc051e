"""Render Django form fields with USWDS classes and the ARIA links between a field, its hint
and its error message. Used by the allauth element templates (templates/allauth/elements/),
which name the hint `<auto_id>-hint` and the error message `<auto_id>-error`."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CLASS_BY_WIDGET = {
    "checkbox": "usa-checkbox__input",
    "radio": "usa-radio__input",
    "select": "usa-select",
    "selectmultiple": "usa-select",
    "textarea": "usa-textarea",
}
_ERROR_MODIFIER = {"usa-input", "usa-select", "usa-textarea"}


@register.filter
def uswds_widget(field: BoundField) -> SafeString:
    """The field's widget with its USWDS class, `aria-describedby` naming the hint and error
    shown beside it, and `aria-invalid` when the submitted value was refused."""
    css = _CLASS_BY_WIDGET.get(field.widget_type, "usa-input")
    if field.errors and css in _ERROR_MODIFIER:
        css += f" {css}--error"
    existing = field.field.widget.attrs.get("class")
    attrs: dict[str, str] = {"class": f"{existing} {css}" if existing else css}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
