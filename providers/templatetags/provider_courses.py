"""Names of the courses providers are approved for, in the reader's language, for pages and
emails alike: `{{ cycle.area_code|area_name }}` shows an area of specialization by its name
(the code is what records store, never what a person reads); `{% provider_program_contact %}`
shows how providers reach the program about their approvals. Emails are rendered by a task in
the recipient's language, so the name is looked up when the email is written."""

from django import template
from django.template.loader import render_to_string

from providers.selectors import provider_policy
from training.selectors import specialization_area_label

register = template.Library()


@register.filter
def area_name(code: str) -> str:
    """The name of the area of specialization `code` in the active language ("" for none)."""
    return specialization_area_label(code) if code else ""


@register.simple_tag
def provider_program_contact() -> str:
    """How providers reach the program about their approvals (`ProviderPolicy`: the published
    peer certification contact unless an operator changed it), as a USWDS address block;
    nothing when an operator cleared every detail."""
    policy = provider_policy()
    if not (policy.contact_email or policy.contact_phone or policy.contact_url):
        return ""
    phone_href = "".join(ch for ch in policy.contact_phone if ch.isdigit() or ch == "+")
    return render_to_string(
        "providers_portal/_program_contact.html",
        {"policy": policy, "phone_href": phone_href},
    )
