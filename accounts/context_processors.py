from django.contrib.auth.models import AnonymousUser

from accounts import roles as user_roles


def roles(request):
    """Role flags for navigation. Evaluated lazily: a page that never shows the staff menu
    costs no query."""
    # A request refused before authentication ran (a bad Host header answers 400 with the
    # site's error page) has no user: it is anonymous.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "is_county_staff": lambda: user_roles.is_county_staff(user),
        "is_state_staff": user_roles.is_state_staff(user),
        "is_employer_staff": lambda: user_roles.is_employer_staff(user),
        "is_provider_staff": lambda: user_roles.is_provider_staff(user),
    }
