"""The read-only FHIR R4 directory at /fhir/R4/ (docs/architecture.md#contracts): the
CapabilityStatement at `metadata`, read and search of Practitioner, PractitionerRole and
Organization, searchset Bundles paged by a keyset cursor (`_cursor` in the `next` link, rows
in a stable order: a vendor walking the pages sees every row once). Public, no login,
rate-limited per client; every answer, errors included, is `application/fhir+json`.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from certification.models import Certification
from counties.models import County
from fhir_directory import resources
from fhir_directory.capability import capability_statement
from fhir_directory.search import SearchError, certification_search, organization_search
from fhir_directory.throttles import FhirThrottle

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


def _answer(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, separators=(",", ":")), status=status)
    response["Content-Type"] = CONTENT_TYPE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    return _answer(resources.validated(resources.operation_outcome(code, diagnostics)), status)


def _throttled(request: HttpRequest) -> HttpResponse | None:
    throttle = FhirThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = max(1, round(throttle.wait() or 1))
    response = _outcome(429, "throttled", f"Too many requests: try again in {wait} seconds.")
    response["Retry-After"] = str(wait)
    return response


def _public(view):
    """GET only, rate-limited."""

    @require_GET
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = _throttled(request)
        return refused or view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_public
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server reads and searches."""
    return _answer(resources.validated(capability_statement()))


def _next_link(request: HttpRequest, resource_type: str, after_id: int) -> str:
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "_cursor"]
    params.append(("_cursor", str(after_id)))
    return f"{resources.base_url()}/{resource_type}?{urlencode(params)}"


def _self_link(request: HttpRequest, resource_type: str) -> str:
    query = request.GET.urlencode()
    return f"{resources.base_url()}/{resource_type}" + (f"?{query}" if query else "")


def _certification_search(request: HttpRequest, resource_type: str) -> HttpResponse:
    try:
        search = certification_search(request.GET, resource_type)
    except SearchError as error:
        return _outcome(400, error.code, error.message)
    certifications = Certification.objects.filter(id__gt=search.after_id)
    for condition in search.filters:
        certifications = certifications.filter(condition)
    rows = list(resources.directory_rows(certifications).order_by("id")[: search.count + 1])
    more = len(rows) > search.count
    rows = rows[: search.count]
    if resource_type == "Practitioner":
        entries = [resources.practitioner(row) for row in rows]
    else:
        displays = resources._specialty_displays()
        entries = [resources.practitioner_role(row, displays=displays) for row in rows]
    bundle = resources.searchset(
        entries,
        self_link=_self_link(request, resource_type),
        next_link=_next_link(request, resource_type, rows[-1]["id"]) if more else None,
    )
    return _answer(bundle)


def _certification_read(resource_type: str, resource_id: str) -> HttpResponse:
    row = (
        resources.directory_rows(Certification.objects.filter(number=resource_id.upper()))
        .order_by("id")
        .first()
    )
    if row is None or row["number"] != resource_id:
        return _outcome(404, "not-found", f"{resource_type}/{resource_id} is not known.")
    build = (
        resources.practitioner if resource_type == "Practitioner" else resources.practitioner_role
    )
    return _answer(resources.validated(build(row)))


@_public
def practitioner_search(request: HttpRequest) -> HttpResponse:
    return _certification_search(request, "Practitioner")


@_public
def practitioner_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _certification_read("Practitioner", resource_id)


@_public
def practitioner_role_search(request: HttpRequest) -> HttpResponse:
    return _certification_search(request, "PractitionerRole")


@_public
def practitioner_role_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    return _certification_read("PractitionerRole", resource_id)


def _counties():
    suffix = Value(" County peer support specialist certification program")
    return County.objects.annotate(
        program_name=Concat("name", suffix, output_field=CharField())
    ).order_by("id")


@_public
def organization_search_view(request: HttpRequest) -> HttpResponse:
    try:
        search = organization_search(request.GET)
    except SearchError as error:
        return _outcome(400, error.code, error.message)
    counties = _counties().filter(id__gt=search.after_id)
    for condition in search.filters:
        counties = counties.filter(condition)
    found = list(counties[: search.count + 1])
    more = len(found) > search.count
    found = found[: search.count]
    bundle = resources.searchset(
        [resources.organization(county) for county in found],
        self_link=_self_link(request, "Organization"),
        next_link=_next_link(request, "Organization", found[-1].id) if more else None,
    )
    return _answer(resources.validated(bundle))


@_public
def organization_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    county = County.objects.filter(code=resource_id).first()
    if county is None:
        return _outcome(404, "not-found", f"Organization/{resource_id} is not known.")
    return _answer(resources.validated(resources.organization(county)))


@_public
def not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    return _outcome(
        404, "not-found", "This directory serves Practitioner, PractitionerRole and Organization."
    )
