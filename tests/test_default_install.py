"""The default install (`make run`, no environment at all) is safe in front of users.

The settings are read from the environment at import, so each check runs the real settings
module in a subprocess with none of the variables a deployment would set, against this
test's database (its tables exist; a 404 needs nothing in them).
"""

import json
import os
import re
import subprocess
import sys
from ipaddress import ip_address
from pathlib import Path

import ifaddr
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, os, re, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
# setup_test_environment() adds "testserver"; the test asks with a LAN Host anyway.
host = sys.argv[1]
out = {"debug": settings.DEBUG, "https": getattr(settings, "HTTPS", None)}
missing = Client().get("/projects/99999/", HTTP_HOST=host)
out["missing"] = {"status": missing.status_code, "html": missing.content.decode()}
phone = Client(enforce_csrf_checks=True, HTTP_HOST=host)
page = phone.get("/accounts/login/")
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
origin = "http://" + host
login = phone.post("/accounts/login/", {"username": "bob", "password": sys.argv[2],
                   "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
out["login"] = {"status": login.status_code, "location": login.get("Location", ""),
                "cookies": {n: bool(m["secure"]) for n, m in login.cookies.items()}}
token = phone.cookies[settings.CSRF_COOKIE_NAME].value
logout = phone.post("/accounts/logout/", {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
out["logout"] = {"status": logout.status_code}
out["secret_key_is_file"] = settings.SECRET_KEY == open(os.environ["SECRET_KEY_FILE"]).read().strip()
print(json.dumps(out))
"""

DEPLOYMENT_VARIABLES = {
    "DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "SITE_ROOT",
    "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE", "CSRF_TRUSTED_ORIGINS",
}


def _lan_address():
    """One of this machine's non-loopback IPv4 addresses, as the office PC's would be."""
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ip_address(ip.ip).is_loopback:
                return ip.ip
    pytest.skip("this machine has no LAN address")


def _database_env():
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return {"DATABASE_URL": "", "SQLITE_PATH": name}
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return {"DATABASE_URL": f"{url}/{name}"}


@pytest.fixture
def default_install(transactional_db, tmp_path):
    # Hashed as the real settings hash (the suite's fast MD5 is not among them).
    user = UserFactory(username="bob")
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    env = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="zhujing.settings",
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        **_database_env(),
    )
    host = f"{_lan_address()}:8000"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, host, PASSWORD],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_answers_a_stale_qr_code_with_a_chinese_404_and_no_route_list(default_install):
    assert default_install["debug"] is False
    missing = default_install["missing"]
    assert missing["status"] == 404
    assert "页面不存在" in missing["html"]
    for leak in ("urlpatterns", "URLconf", "Page not found", "DEBUG", "projects/<int:pk>"):
        assert leak not in missing["html"], leak


def test_it_signs_in_and_posts_over_plain_http_with_a_lan_host(default_install):
    assert not default_install["https"]
    login = default_install["login"]
    assert login["status"] == 302, login
    assert "/accounts/login/" not in login["location"]
    # The phone's browser sends the cookies back over http only if they are not Secure.
    assert login["cookies"] and not any(login["cookies"].values()), login["cookies"]
    assert default_install["logout"]["status"] == 302


def test_it_keeps_a_generated_secret_key(default_install):
    assert default_install["secret_key_is_file"]
