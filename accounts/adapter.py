"""Site-specific allauth behaviour, through its adapter (never by copying its views)."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Language, User
from core.proxies import client_address
from core.rls import act_for_pending

# The address a person just confirmed by link in a browser where they are not signed in: the
# sign-in page fills it in once (`accounts.forms.SignInForm`).
CONFIRMED_EMAIL_SESSION_KEY = "accounts_confirmed_email"


class AccountAdapter(DefaultAccountAdapter):
    """Landing page after sign-in; new accounts keep the language they signed up in; every
    account email is written in its recipient's language and signed with the product name."""

    def get_login_redirect_url(self, request) -> str:
        return reverse("dashboard")

    def get_email_verification_redirect_url(self, email_address) -> str:
        """After confirming an address by link where nobody is signed in (another browser
        than the one that signed up), the sign-in page comes next: remember the address for
        it to fill in."""
        request = self.request
        if request is not None and not request.user.is_authenticated:
            request.session[CONFIRMED_EMAIL_SESSION_KEY] = email_address.email
        return super().get_email_verification_redirect_url(email_address)

    def post_login(self, request, user, **kwargs):
        """Sign-in follows the person's language: a choice made with the language switch
        before signing in becomes their preference; otherwise their saved preference is
        applied to this browser."""
        from accounts.services import user_language_set

        response = super().post_login(request, user, **kwargs)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in Language.values:
            user_language_set(user=user, language=chosen)
        elif response is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                _supported(user.preferred_language),
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count by: the client's, behind `NUM_PROXIES`
        trusted proxies (core.proxies), never a value the client chose."""
        ip = client_address(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = _supported(getattr(request, "LANGUAGE_CODE", None))
        if commit:
            user.save()
            # Behind the wall, the person who just signed up owns their account rows (their
            # email address is written next) though not yet signed in.
            act_for_pending(user)
        return user

    # Row-level security (core.rls.act_for_pending): a person who has proven who they are
    # without being signed in yet may read and change their own account rows in this
    # request (a second factor to give, an address confirmed by link, a password reset by
    # link). Later requests of a half-done sign-in find it in allauth's session stash.

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            act_for_pending(user)
        return user

    def confirm_email(self, request, email_address) -> bool:
        act_for_pending(email_address.user)
        return super().confirm_email(request, email_address)

    def set_password(self, user, password: str) -> None:
        act_for_pending(user)
        super().set_password(user, password)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render and send in the recipient's preferred language: the account's when the
        address belongs to one, else the language of the request that caused the email.
        The templates (templates/account/email/) greet the person by name when the account
        has one, and sign with the site's name and address (`SITE_URL`), never a host."""
        user = _account_of(email, context)
        with translation.override(_language_for(user)):
            request = allauth_context.request
            site = SimpleNamespace(
                name=gettext("CA Peer Certification"),
                domain=request.get_host() if request is not None else "",
            )
            super().send_mail(
                template_prefix,
                email,
                {**context, "current_site": site, "site_url": settings.SITE_URL, "user": user},
            )


def _supported(language: str | None) -> str:
    code = (language or "").split("-")[0]
    return code if code in Language.values else Language.ENGLISH


def _account_of(email: str, context: dict) -> User | None:
    """The account an email goes to: the one allauth names, else the one with the address."""
    user = context.get("user")
    if isinstance(user, User):
        return user
    return User.objects.filter(email__iexact=email).first()


def _language_for(user: User | None) -> str:
    if user is not None:
        return _supported(user.preferred_language)
    return _supported(translation.get_language())
