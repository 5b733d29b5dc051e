"""One field template for every front end (core/forms.py, templates/forms/field.html): a field
with a hint and a refused value shows the hint as `<id>_helptext` and the error as
`<id>_error` in the portal, the workspace, the public verification page and the account pages
(allauth's forms and its hand-built inputs alike), and the widget names both in
`aria-describedby` (the fieldset does, for radio buttons)."""

from html.parser import HTMLParser

import pytest
from django.template import Template
from django.template.base import Origin
from django.template.context import Context
from django.template.engine import Engine

from accounts.forms import ApiTokenCreateForm
from portal.forms import OutOfStateForm
from workspace.forms import CeAuditOutcomeForm


class _Elements(HTMLParser):
    """Every element of a page with its attributes and text, by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **{name: value or "" for name, value in attrs}, "text": ""}
        if "id" in element:
            self.by_id[element["id"]] = element
        if tag not in ("input", "br", "img", "meta", "link"):
            self._open.append(element)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


def assert_linked(html: str, field_id: str, *, hint: str, error: str, widget_tag: str) -> None:
    elements = _Elements(html).by_id
    assert elements[f"{field_id}_helptext"]["class"] == "usa-hint"
    assert hint in elements[f"{field_id}_helptext"]["text"]
    assert elements[f"{field_id}_error"]["class"] == "usa-error-message"
    assert error in elements[f"{field_id}_error"]["text"]
    widget = elements[field_id]
    assert widget["tag"] == widget_tag
    assert widget["aria-describedby"] == f"{field_id}_helptext {field_id}_error"
    if widget_tag != "fieldset":
        assert widget["aria-invalid"] == "true"
        assert "usa-input--error" in widget["class"].split()


def test_portal_field():
    form = OutOfStateForm({"other_state": "N"})
    form.is_valid()

    html = form["other_state"].as_field_group()

    assert_linked(
        html,
        "id_other_state",
        hint="Two letters, for example NV.",
        error="Ensure this value has at least 2 characters",
        widget_tag="input",
    )
    assert "usa-input--2xs" in _Elements(html).by_id["id_other_state"]["class"].split()


def test_workspace_field_and_radio_buttons():
    form = CeAuditOutcomeForm({"outcome": "nonsense"})
    form.is_valid()
    form.add_error("note", "Say what was missing.")

    assert_linked(
        form["note"].as_field_group(),
        "id_note",
        hint="What was checked.",
        error="Say what was missing.",
        widget_tag="textarea",
    )
    radios = _Elements(form["outcome"].as_field_group()).by_id
    assert radios["id_outcome"]["tag"] == "fieldset"
    assert radios["id_outcome"]["aria-describedby"] == "id_outcome_error"
    assert radios["id_outcome_0"]["class"] == "usa-radio__input"
    assert radios["id_outcome_0"]["aria-invalid"] == "true"


@pytest.mark.django_db
def test_public_verification_field(client):
    response = client.get("/verify/", {"number": "PSS/0001000"})

    assert response.status_code == 400
    assert_linked(
        response.content.decode(),
        "id_number",
        hint="As printed on the certificate",
        error="only letters, digits and hyphens",
        widget_tag="input",
    )


def _allauth_template(source: str) -> Template:
    """A template using allauth's `{% element %}` tags (they need to know their origin)."""
    origin = Origin(name="test_form_fields.html", template_name="test_form_fields.html")
    return Template("{% load allauth %}" + source, origin=origin, engine=Engine.get_default())


def test_account_form_field():
    form = ApiTokenCreateForm({"days": "0"})
    form.fields["days"].help_text = "Between 1 and 365 days."
    form.is_valid()

    html = _allauth_template("{% element fields form=form %}{% endelement %}").render(
        Context({"form": form})
    )

    assert_linked(
        html,
        "id_days",
        hint="Between 1 and 365 days.",
        error="Ensure this value is greater than or equal to 1.",
        widget_tag="input",
    )


def test_allauth_hand_built_input():
    html = _allauth_template(
        '{% element field id="id_email" name="email" value="new@example" type="email" '
        "errors=errors %}{% slot label %}New email{% endslot %}"
        "{% slot help_text %}We send a link to it.{% endslot %}{% endelement %}"
    ).render(Context({"errors": ["Enter a valid email address."]}))

    assert_linked(
        html,
        "id_email",
        hint="We send a link to it.",
        error="Enter a valid email address.",
        widget_tag="input",
    )
    email = _Elements(html).by_id["id_email"]
    assert (email["type"], email["name"], email["value"]) == ("email", "email", "new@example")


def test_allauth_hand_built_radio_button_keeps_its_name_value_and_state():
    html = _allauth_template(
        '{% element field type="radio" checked=True name="email" value="a@example.org" '
        'id="email_radio_1" %}{% slot label %}a@example.org{% endslot %}{% endelement %}'
        '{% element field type="radio" name="email" value="b@example.org" id="email_radio_2" %}'
        "{% slot label %}b@example.org{% endslot %}{% endelement %}"
    ).render(Context({}))

    elements = _Elements(html).by_id
    first, second = elements["email_radio_1"], elements["email_radio_2"]
    assert (first["type"], first["name"], first["value"]) == ("radio", "email", "a@example.org")
    assert "checked" in first and "checked" not in second
    assert first["class"] == "usa-radio__input"
    assert '<label class="usa-radio__label" for="email_radio_2">b@example.org</label>' in html
