"""Writes of a county program's contact details (email, phone, postal address, office hours,
web page): public facts that applicants and peers see wherever the product tells them to
contact their program. Only an administrator of the county changes them; audited."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError
from counties.models import COUNTY_CONTACT_FIELDS, County
from counties.selectors import ADMIN_ROLES, require_staff


def _cleaned(name: str, value: object, county: County) -> str:
    """`value` for the contact field `name`, trimmed and checked by the model field (an email
    address, a web address, the length), or DomainError on that field."""
    field = County._meta.get_field(name)
    assert isinstance(field, models.Field)
    text = "" if value is None else str(value).replace("\r\n", "\n").strip()
    if not text:
        return ""
    try:
        return field.clean(text, county)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field=name) from error


@transaction.atomic
def county_contact_update(*, actor: User, county: County, fields: dict[str, object]) -> County:
    """Set `county`'s contact details from `fields` (names among `COUNTY_CONTACT_FIELDS`; an
    empty value clears one). PermissionDenied unless `actor` administers `county`; a value
    that is not valid (an email address, a web page starting with https://) is refused on its
    field and nothing changes. One audit event names the fields that changed."""
    unknown = set(fields) - set(COUNTY_CONTACT_FIELDS)
    if unknown:
        raise DomainError(
            _("These details cannot be changed here: %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    county = County.objects.select_for_update().get(pk=county.pk)
    require_staff(actor, county, ADMIN_ROLES)
    values = {name: _cleaned(name, value, county) for name, value in fields.items()}
    url = values.get("contact_url", "")
    if url and not url.lower().startswith("https://"):
        raise DomainError(_("Give a web address that starts with https://."), field="contact_url")
    changed = sorted(name for name, value in values.items() if getattr(county, name) != value)
    if not changed:
        return county
    for name in changed:
        setattr(county, name, values[name])
    county.save(update_fields=changed)
    audit_record(
        actor=actor,
        verb="county_contact_update",
        obj=county,
        county=county,
        data={"fields": changed},
    )
    return county
