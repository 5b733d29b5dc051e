"""How every form field looks: the U.S. Web Design System (USWDS) markup, one template for all.

`FORM_RENDERER` (config/settings.py) names `UswdsFormRenderer`, so every Django form of every
front end (portal, workspace, api's verification pages, allauth's account pages) renders a
field with `{{ field.as_field_group }}` through templates/forms/field.html, and every widget
gets its USWDS class from `UswdsBoundField`. The ids are Django's own, the same everywhere:
a field's hint is `<id>_helptext` and its error message `<id>_error`, and Django names them in
the widget's `aria-describedby` (on the fieldset for radio buttons and checkbox lists) and
sets `aria-invalid` on a refused value.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

# Widgets styled as text boxes, which take USWDS's error border when their value is refused.
_ERROR_BORDERED = ("usa-input", "usa-select", "usa-textarea")


def uswds_class(widget: forms.Widget) -> str:
    """The USWDS class of `widget`'s input element ("" for a hidden input)."""
    if widget.is_hidden:
        return ""
    # Before RadioSelect: Django's CheckboxSelectMultiple is a RadioSelect subclass.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "usa-checkbox__input"
    if getattr(widget, "input_type", "") == "radio" or isinstance(widget, forms.RadioSelect):
        return "usa-radio__input"
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.Select):
        return "usa-select"
    if isinstance(widget, forms.Textarea):
        return "usa-textarea"
    if isinstance(widget, forms.FileInput):
        # A plain file input (static/css/site.css), not USWDS's scripted drop zone.
        return "file-input"
    return "usa-input"


class DateInput(forms.DateInput):
    """The browser's date picker; its value is an ISO date whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UswdsBoundField(BoundField):
    """A form field whose widget carries its USWDS class, plus the error border when the
    submitted value was refused (Django adds `aria-invalid` and `aria-describedby`)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = uswds_class(widget)
        if not css:
            return attrs
        classes = (attrs.get("class") or widget.attrs.get("class") or "").split()
        wanted = [css, "usa-input--error"] if self.errors and css in _ERROR_BORDERED else [css]
        attrs["class"] = " ".join([*classes, *(c for c in wanted if c not in classes)])
        return attrs


class UswdsFormRenderer(TemplatesSetting):
    """Django's renderer reading the project's templates: fields through
    templates/forms/field.html, with `UswdsBoundField`."""

    field_template_name = "forms/field.html"
    bound_field_class = UswdsBoundField
