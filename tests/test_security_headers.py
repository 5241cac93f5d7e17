"""Production hardening, checked against the real settings module with HTTPS=1 (DEBUG=0).

The settings are read from the environment at import, so the production checks run in a
subprocess with a production environment rather than patching a few settings here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
import django
django.setup()
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
setup_test_environment()
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": plain}):
    secure = Client().get("/accounts/login/", secure=True)
    plain_http = Client().get("/accounts/login/")
print(json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "path": m["path"], "domain": m["domain"], "samesite": m["samesite"]} for name, m in secure.cookies.items()},
    "http_status": plain_http.status_code,
    "http_location": plain_http.headers.get("Location", ""),
}))
"""


def _production_env(**extra):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never does.
    dropped = {"DEBUG", "HTTPS", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="example.org",
        DJANGO_SETTINGS_MODULE="zhujing.settings",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def production_response(tmp_path_factory):
    # A fresh SQLite file keeps the probe off any real database; migrated, since every
    # page looks up the council its address names.
    fresh = tmp_path_factory.mktemp("probe") / "fresh.sqlite3"
    env = _production_env(SQLITE_PATH=str(fresh))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    migrated = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_sends_hsts_in_production(production_response):
    assert production_response["status"] == 200
    hsts = production_response["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_it_redirects_plain_http_to_https_in_production(production_response):
    assert production_response["http_status"] == 301
    assert production_response["http_location"].startswith("https://")


def test_it_uses_host_prefixed_secure_cookies_in_production(production_response):
    cookies = production_response["cookies"]
    assert "__Host-csrftoken" in cookies
    assert "csrftoken" not in cookies
    for name, cookie in cookies.items():
        assert name.startswith("__Host-"), name
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["path"] == "/", name
        assert not cookie["domain"], name


def test_it_sends_a_strict_csp_in_production(production_response):
    csp = production_response["headers"]["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_it_isolates_the_browsing_context_in_production(production_response):
    headers = production_response["headers"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.django_db
def test_it_sends_the_same_isolation_headers_in_development(anon):
    response = anon.get(reverse("home"))
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "microphone=()" in response["Permissions-Policy"]


def test_it_passes_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_in_production():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when HTTPS is on" in result.stderr
