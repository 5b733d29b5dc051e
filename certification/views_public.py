"""Public pages: anyone may verify a certification."""

from django.shortcuts import render


def verify_search(request):
    return render(request, "certification/verify_search.html")
