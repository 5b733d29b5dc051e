"""Help texts built from policy values follow the active language."""

from django.utils import translation

from portal.forms import UPLOAD_HELP


def test_upload_help_is_translated_when_shown():
    with translation.override("en"):
        assert str(UPLOAD_HELP) == "PDF, JPEG or PNG, up to 10 MB."
    with translation.override("es"):
        assert str(UPLOAD_HELP) != "PDF, JPEG or PNG, up to 10 MB."
        assert "10 MB" in str(UPLOAD_HELP)
