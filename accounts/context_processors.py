from accounts import roles as user_roles


def roles(request):
    """Role flags for navigation. Evaluated lazily: a page that never shows the staff menu
    costs no query."""
    user = request.user
    return {
        "is_county_staff": lambda: user_roles.is_county_staff(user),
        "is_state_staff": user_roles.is_state_staff(user),
    }
