"""factory_boy factories for every model, shared by the whole suite."""

import datetime
import hashlib

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from certification.models import (
    ApplicantProfile,
    Application,
    Certification,
    CertificationSpecialization,
    CodeOfEthicsVersion,
)
from continuing_ed.models import CeCredit
from counties.models import County, CountyMembership, OptInPeriod
from documents.models import Document
from exams.models import ExamAttempt
from training.models import TrainingProvider, TrainingRecord

# The smallest valid PDF we need for upload-shaped rows.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def county(code: str = "alameda") -> County:
    """Counties are loaded by a data migration: fetch, never create."""
    return County.objects.get(code=code)


PARTICIPATING_SINCE = datetime.date(2023, 7, 1)


def participating(county: County) -> County:
    """`county`, participating (opted in for SMHS since 2023-07-01) unless it already has an
    opt-in history of its own (a test that opted it out, or the `opted_in` fixture): only a
    participating county's applications are submitted, approved and certified."""
    if not OptInPeriod.objects.filter(county=county).exists():
        OptInPeriod.objects.create(
            county=county,
            delivery_system="smhs",
            opted_in=True,
            effective_from=PARTICIPATING_SINCE,
        )
    return county


class UserFactory(factory.django.DjangoModelFactory):
    """Every user's password is `correct-horse-battery` unless `password=` says otherwise; a
    verified primary allauth EmailAddress, as after confirming the sign-up email, so the user
    can sign in (verification is mandatory); `verified_email=False`: none. An existing email
    gives that user, with the password set again (and the address made if missing).

    The password is hashed before the row is written, and a new user's address is inserted
    without looking for one first: one INSERT each (the suite makes thousands of users)."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = "correct-horse-battery"

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["password"] = make_password(kwargs["password"] or "correct-horse-battery")
        return kwargs

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        email = kwargs.pop("email")
        manager = cls._get_manager(model_class)
        user, created = manager.get_or_create(*args, email=email, defaults=kwargs)
        if not created:
            user.password = kwargs["password"]
            user.save(update_fields=["password"])
        user._made_by_factory = created
        return user

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            values = {"verified": True, "primary": True}
            if getattr(obj, "_made_by_factory", False):
                EmailAddress.objects.create(user=obj, email=obj.email, **values)
            else:
                EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults=values)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyMembership

    user = factory.SubFactory(UserFactory)
    county = factory.LazyFunction(county)
    role = "reviewer"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory)
    legal_first_name = factory.LazyAttribute(lambda o: o.user.first_name or "Ana")
    legal_last_name = factory.LazyAttribute(lambda o: o.user.last_name or "Reyes")
    date_of_birth = datetime.date(1985, 4, 12)
    phone = "510-555-0100"
    address_line1 = "1 Main St"
    city = "Oakland"
    postal_code = "94601"
    county_of_residence = factory.LazyFunction(county)
    lived_experience = "consumer"
    education = "high_school_diploma"
    education_attested = True


class EthicsVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeOfEthicsVersion
        django_get_or_create = ("version",)

    version = "2024.1"
    effective_on = datetime.date(2024, 1, 1)
    text_en = "Hope. Respect. Integrity."
    text_es = "Esperanza. Respeto. Integridad."


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    applicant = factory.SubFactory(UserFactory)
    county = factory.LazyFunction(county)
    pathway = "standard"
    status = "draft"
    ethics_version = factory.SubFactory(EthicsVersionFactory)
    ethics_signed_at = factory.LazyFunction(timezone.now)
    attest_share_experience = True
    attest_recovery = True

    @factory.post_generation
    def county_participates(obj, create, extracted, **kwargs):
        """The application's county takes part (unless a test gave it an opt-in history)."""
        if create:
            participating(obj.county)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    owner = factory.SubFactory(UserFactory)
    kind = "photo_id"
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="doc.pdf"))
    original_name = "id.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProvider
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Approved Provider {n}")
    approved = True
    approved_from = datetime.date(2022, 1, 1)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    person = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    course = "core_80"
    hours = 80
    completed_on = datetime.date(2024, 3, 1)
    status = "pending"


class ExamAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamAttempt

    application = factory.SubFactory(ApplicationFactory, status="approved")
    taken_on = datetime.date(2025, 1, 15)
    result = "passed"
    scaled_score = 520


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    number = factory.Sequence(lambda n: f"PSS-T{n:06d}")
    holder = factory.SubFactory(UserFactory)
    issuing_county = factory.LazyFunction(county)
    first_name = factory.LazyAttribute(lambda o: o.holder.first_name or "Ana")
    last_name = factory.LazyAttribute(lambda o: o.holder.last_name or "Reyes")
    status = "active"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    expires_on = factory.LazyAttribute(lambda o: o.issued_on.replace(year=o.issued_on.year + 2))
    cycle_started_on = factory.LazyAttribute(lambda o: o.issued_on)
    suspended_on = factory.LazyAttribute(lambda o: o.issued_on if o.status == "suspended" else None)
    updated_at = factory.LazyFunction(timezone.now)


class SpecializationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationSpecialization

    certification = factory.SubFactory(CertificationFactory)
    code = "crisis"
    added_on = factory.LazyFunction(timezone.localdate)


class CeCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CeCredit

    certification = factory.SubFactory(CertificationFactory)
    title = "Ethics in peer work"
    provider_name = "Approved Provider"
    hours = 6
    category = "law_and_ethics"
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    status = "pending"
