"""CE audits: the pool, drawing a random sample (admins), the email asking for proof, and
recording the outcome (reviewers and admins)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from ce_audits import services as ce_audit_services
from ce_audits.models import CeAudit
from certification.models import Renewal
from core.errors import DomainError
from counties.models import ProgramPolicy
from jobs.models import OutboxMessage
from tests.factories import CertificationFactory, EthicsVersionFactory
from tests.workspace.conftest import person


def _certification(cast, n: int, *, expires_in: int, county=None, status="active"):
    today = timezone.localdate()
    return CertificationFactory(
        holder=person(f"ce{n}@example.org", "Ce", f"Peer{n}", county or cast.county),
        issuing_county=county or cast.county,
        status=status,
        issued_on=today + datetime.timedelta(days=expires_in) - datetime.timedelta(days=730),
        expires_on=today + datetime.timedelta(days=expires_in),
    )


@pytest.fixture
def pool(cast):
    """Ten Alameda certifications with the renewal window open, one renewed recently, and
    some that may not be drawn."""
    today = timezone.localdate()
    open_window = [_certification(cast, n, expires_in=10 + n) for n in range(10)]
    renewed = _certification(cast, 50, expires_in=700)
    Renewal.objects.create(
        certification=renewed,
        cycle_start=today - datetime.timedelta(days=760),
        cycle_end=today - datetime.timedelta(days=30),
        ce_total_hours=20,
        ce_law_and_ethics_hours=6,
        ethics_version=EthicsVersionFactory(),
        ethics_affirmed_at=timezone.now(),
        previous_expires_on=today - datetime.timedelta(days=30),
        new_expires_on=renewed.expires_on,
    )
    not_yet = _certification(cast, 60, expires_in=200)
    suspended = _certification(cast, 61, expires_in=20, status="suspended")
    fresno = _certification(cast, 62, expires_in=20, county=cast.other_county)
    return {
        "open": open_window,
        "renewed": renewed,
        "excluded": [not_yet, suspended, fresno],
    }


def test_pool_is_open_or_recently_renewed_active_certifications_of_the_county(cast, pool):
    ids = set(
        ce_audit_services.ce_audit_pool(cast.county, today=timezone.localdate()).values_list(
            "pk", flat=True
        )
    )
    assert ids == {c.pk for c in pool["open"]} | {pool["renewed"].pk}


def test_draw_samples_the_share_and_asks_each_for_proof(cast, pool):
    audits = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=20)
    assert len(audits) == 3  # 20% of 11, rounded up
    drawn = {audit.certification_id for audit in audits}
    assert drawn <= {c.pk for c in pool["open"]} | {pool["renewed"].pk}
    for audit in CeAudit.objects.filter(pk__in=[a.pk for a in audits]):
        assert (audit.outcome, audit.drawn_by, audit.county) == ("pending", cast.admin, cast.county)
        assert audit.requested_at is not None
    renewed_audit = [a for a in audits if a.certification_id == pool["renewed"].pk]
    for audit in renewed_audit:
        assert audit.cycle_end == timezone.localdate() - datetime.timedelta(days=30)
    emails = OutboxMessage.objects.filter(kwargs__kind="ce_audit_requested")
    assert sorted(m.kwargs["context"]["certification_id"] for m in emails) == sorted(drawn)
    assert AuditEvent.objects.filter(verb="ce_audit_draw").count() == 3

    # The next draw never picks a certification with an audit pending.
    more = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=100)
    assert len(more) == 8
    assert not drawn & {audit.certification_id for audit in more}
    with pytest.raises(DomainError):
        ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=100)


def test_draw_defaults_to_the_program_policy_share(cast, pool):
    ProgramPolicy.current()
    ProgramPolicy.objects.filter(pk=1).update(ce_audit_sample_percent=50)
    audits = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county)
    assert len(audits) == 6  # 50% of 11, rounded up


@pytest.mark.parametrize("who", ["reviewer", "state", "other_admin", "applicant"])
def test_only_county_admins_draw(who, cast, pool):
    with pytest.raises(PermissionDenied):
        ce_audit_services.ce_audit_draw(actor=getattr(cast, who), county=cast.county, percent=50)
    assert not CeAudit.objects.exists()
    assert not OutboxMessage.objects.filter(kwargs__kind="ce_audit_requested").exists()


def test_record_outcome_failed_needs_a_note_and_closes_once(cast, pool):
    (audit,) = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=1)
    with pytest.raises(DomainError):
        ce_audit_services.ce_audit_record_outcome(
            actor=cast.reviewer, audit=audit, outcome="failed", note=" "
        )
    with pytest.raises(PermissionDenied):
        ce_audit_services.ce_audit_record_outcome(
            actor=cast.state, audit=audit, outcome="passed", note=""
        )
    assert CeAudit.objects.get(pk=audit.pk).outcome == "pending"
    ce_audit_services.ce_audit_record_outcome(
        actor=cast.reviewer, audit=audit, outcome="failed", note="No certificate for 6 hours."
    )
    audit.refresh_from_db()
    assert (audit.outcome, audit.decided_by, audit.outcome_note) == (
        "failed",
        cast.reviewer,
        "No certificate for 6 hours.",
    )
    with pytest.raises(DomainError) as refused:
        ce_audit_services.ce_audit_record_outcome(
            actor=cast.admin, audit=audit, outcome="passed", note=""
        )
    assert refused.value.code == "conflict"
    assert CeAudit.objects.get(pk=audit.pk).outcome == "failed"


def test_audit_pages_draw_and_record(cast, pool, client):
    client.force_login(cast.admin)
    url = reverse("workspace:ce_audits", args=["alameda"])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["pool_size"] == 11
    assert page.context["draw_form"]["percent"].value() == 10
    response = client.post(reverse("workspace:ce_audit_draw", args=["alameda"]), {"percent": 10})
    assert response.status_code == 302
    assert CeAudit.objects.count() == 2  # 10% of 11, rounded up
    audit = CeAudit.objects.order_by("pk").first()
    client.force_login(cast.reviewer)
    detail_url = reverse("workspace:ce_audit", args=["alameda", audit.pk])
    assert client.get(detail_url).status_code == 200
    response = client.post(detail_url, {"outcome": "passed", "note": ""})
    assert response.status_code == 302
    assert CeAudit.objects.get(pk=audit.pk).outcome == "passed"
    listing = client.get(url, {"show": "passed"})
    assert [a.pk for a in listing.context["page_obj"].object_list] == [audit.pk]


def test_other_county_audit_is_404(cast, pool, client):
    fresno_certification = pool["excluded"][2]
    audit = CeAudit.objects.create(
        county=cast.other_county,
        certification=fresno_certification,
        cycle_start=fresno_certification.cycle_started_on,
        cycle_end=fresno_certification.expires_on,
    )
    client.force_login(cast.admin)
    url = reverse("workspace:ce_audit", args=["alameda", audit.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "passed"}).status_code == 404
    assert CeAudit.objects.get(pk=audit.pk).outcome == "pending"
    listing = client.get(reverse("workspace:ce_audits", args=["alameda"]))
    assert list(listing.context["page_obj"].object_list) == []


def test_after_a_failure_the_page_decides_the_consequence(cast, pool, client):
    audit = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=1)[0]
    client.force_login(cast.reviewer)
    detail_url = reverse("workspace:ce_audit", args=["alameda", audit.pk])
    client.post(detail_url, {"outcome": "failed", "note": "No ethics certificates."})
    page = client.get(detail_url).content.decode()
    consequence_url = reverse("workspace:ce_audit_consequence", args=["alameda", audit.pk])
    assert consequence_url in page

    form = client.get(consequence_url)
    # The audited cycle has no verified CE: all of it is missing, by the default deadline.
    assert form.context["form"].initial["total_hours"] == 20
    assert form.context["form"].initial["law_and_ethics_hours"] == 6
    refused = client.post(consequence_url, {"consequence": "suspension", "reason": ""})
    assert refused.status_code == 200
    assert "Give the reason the peer will read." in refused.content.decode()
    audit.refresh_from_db()
    assert audit.consequence == ""

    due_on = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(
        consequence_url,
        {
            "consequence": "makeup",
            "total_hours": "20",
            "law_and_ethics_hours": "6",
            "due_on": due_on.isoformat(),
        },
    )
    assert response["Location"] == detail_url
    audit.refresh_from_db()
    assert (audit.consequence, audit.makeup_due_on) == ("makeup", due_on)
    assert consequence_url not in client.get(detail_url).content.decode()


def test_overdue_missing_hours_head_the_countys_list(cast, pool, client):
    audits = ce_audit_services.ce_audit_draw(actor=cast.admin, county=cast.county, percent=30)
    late = audits[-1]
    ce_audit_services.ce_audit_record_outcome(
        actor=cast.reviewer, audit=late, outcome="failed", note="Missing."
    )
    ce_audit_services.ce_audit_require_hours(
        actor=cast.reviewer,
        audit=late,
        total_hours="6",
        law_and_ethics_hours="0",
        due_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    ce_audit_services.ce_audit_makeup_scan(today=timezone.localdate() + datetime.timedelta(days=2))
    client.force_login(cast.reviewer)
    page = client.get(reverse("workspace:ce_audits", args=["alameda"]))
    assert page.context["page_obj"].object_list[0].pk == late.pk
    assert "Overdue" in page.content.decode()
