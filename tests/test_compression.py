"""Text goes over the wire compressed: HTML by the app, static files precompressed.

Static files are collected once (hashed names, gzip and brotli copies) into a temporary
STATIC_ROOT and served by a fresh WhiteNoise, as the default install and production do.
"""

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

HASHED = {"BACKEND": "core.storage.HashedStaticFilesStorage"}
TEXT_FILES = ["css/app.css", "js/app.js", "django_htmx/htmx-2.min.js"]


def test_it_gzips_html_pages(anon, db):
    response = anon.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content).lstrip().lower().startswith(b"<!doctype html>")


def _gzip_file_name(body):
    """The FNAME field of a gzip member (RFC 1952), where Django pads against BREACH."""
    assert body[:2] == b"\x1f\x8b" and body[3] & gzip.FNAME
    return body[10 : body.index(b"\x00", 10)]


def test_it_pads_each_compressed_page_differently_against_breach(anon, db):
    bodies = [anon.get("/", HTTP_ACCEPT_ENCODING="gzip").content for _ in range(4)]
    names = {_gzip_file_name(body) for body in bodies}
    assert len(names) > 1  # a random name each time, so the length leaks nothing
    for body in bodies:
        assert gzip.decompress(body).rstrip().endswith(b"</html>")


def test_it_sends_html_plain_to_a_client_that_cannot_decompress(anon, db):
    response = anon.get("/")
    assert not response.has_header("Content-Encoding")


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": HASHED}
    settings.DEBUG = True  # as `make dev` runs: hashed names even then
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    return settings.STATIC_ROOT


def test_it_precompresses_static_text_with_gzip_and_brotli(collected):
    for name in TEXT_FILES:
        hashed = static(name)
        assert hashed != f"/static/{name}", f"{name} is linked without its hash in DEBUG"
        path = collected / hashed.removeprefix("/static/")
        assert path.with_name(path.name + ".br").exists(), path
        assert path.with_name(path.name + ".gz").exists(), path


def test_it_serves_hashed_static_files_in_brotli_cached_for_a_year(collected, settings):
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    whitenoise = WhiteNoiseMiddleware(lambda request: pytest.fail("not served as static"))
    for name in TEXT_FILES:
        request = RequestFactory().get(static(name), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        response = whitenoise(request)
        assert response.status_code == 200, name
        assert response["Content-Encoding"] == "br", name
        assert "immutable" in response["Cache-Control"], name
        assert "max-age=315360000" in response["Cache-Control"], name
