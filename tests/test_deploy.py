"""The production stack: docker-compose.yml, the Dockerfile and `check --deploy`.

Docker can't run here, so the compose file is parsed and its promises checked.
"""

import os
import re
import subprocess
import sys

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

ROOT = settings.BASE_DIR


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service):
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_it_has_the_production_services(compose):
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])


def test_it_runs_exactly_one_beat(compose):
    beats = [
        name for name, service in compose["services"].items()
        if " beat" in _command(service) or " -B" in _command(service)
    ]
    assert beats == ["beat"]
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert "worker" in _command(compose["services"]["worker"])


def test_redis_never_evicts_and_persists(compose):
    command = _command(compose["services"]["redis"])
    assert "--maxmemory-policy noeviction" in command
    assert "--appendonly yes" in command


def test_the_web_runs_gunicorn_without_debug_and_checks_healthz(compose):
    web = compose["services"]["web"]
    assert "gunicorn" in _command(web)
    assert web["environment"]["DEBUG"] == "0"
    assert web["environment"]["HTTPS"] == "1"  # behind Caddy's TLS
    assert "/healthz/" in " ".join(web["healthcheck"]["test"])
    for name in ("db", "redis", "worker"):
        assert "healthcheck" in compose["services"][name], name


def test_production_and_the_benchmark_run_the_same_web_server_settings(compose):
    conf = "python:zhujing.gunicorn_conf"
    assert conf in _command(compose["services"]["web"])
    assert conf in (ROOT / "Dockerfile").read_text()
    assert conf in (ROOT / "bench" / "run.py").read_text()


def test_the_dockerfile_builds_messages_and_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "gettext" in dockerfile
    assert "compilemessages" in dockerfile
    assert "collectstatic" in dockerfile


def test_the_example_env_names_every_secret():
    example = (ROOT / ".env.example").read_text()
    for key in ("SECRET_KEY=", "ALLOWED_HOSTS=", "POSTGRES_PASSWORD=", "EMAIL_HOST="):
        assert key in example


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "a-long-random-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "zhujing.example.cn",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_page_cache_has_its_own_redis_so_a_full_cache_never_blocks_reminders(compose):
    app = compose["services"]["web"]["environment"]
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["environment"] == app, name
    assert app["REDIS_URL"].startswith("redis://redis:")
    assert app["CACHE_REDIS_URL"].startswith("redis://cache:")
    command = _command(compose["services"]["cache"])
    assert "--maxmemory-policy allkeys-lru" in command
    assert "--maxmemory " in command
    assert "--appendonly no" in command


def test_only_the_proxy_is_published_and_gunicorn_stays_internal(compose):
    services = compose["services"]
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["caddy"]
    assert services["caddy"]["image"].startswith("caddy:")
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("web", "db", "redis", "cache"):
        assert services[name]["networks"] == ["backend"], name
    assert "backend" in services["caddy"]["networks"]


def test_the_proxy_compresses_and_forwards_to_gunicorn(compose):
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "encode zstd gzip" in caddyfile
    # Sync workers must not read a slow upload themselves, nor write the access log.
    assert "request_buffers 25MB" in caddyfile
    assert "\n\tlog\n" in caddyfile
    mounts = compose["services"]["caddy"]["volumes"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in mounts


def test_the_example_env_trusts_exactly_the_one_proxy():
    example = (ROOT / ".env.example").read_text()
    assert "NUM_PROXIES=1" in example
    assert "SITE_ADDRESS=" in example


# --- Several nodes: web and worker scaled, one beat, Caddy over every web node ---------------


def _replicas(service):
    return service.get("deploy", {}).get("replicas", 1)


def _caddy_upstreams():
    """The web nodes deploy/Caddyfile's reverse_proxy balances over."""
    for line in (ROOT / "deploy" / "Caddyfile").read_text().splitlines():
        words = line.split()
        if words[:1] == ["reverse_proxy"]:
            return [w for w in words[1:] if w != "{"]
    raise AssertionError("no reverse_proxy in deploy/Caddyfile")


def test_web_and_worker_run_two_nodes_or_more(compose):
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert _replicas(service) >= 2, name
        # A fixed container name would stop compose from running a second copy.
        assert "container_name" not in service, name
    assert "ports" not in compose["services"]["web"]
    assert _replicas(compose["services"]["beat"]) == 1


def test_caddy_balances_over_every_web_node_and_checks_its_health(compose):
    replicas = _replicas(compose["services"]["web"])
    nodes = [f"{compose['name']}-web-{n}:8000" for n in range(1, replicas + 1)]
    assert _caddy_upstreams() == nodes
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert f"health_uri {reverse('healthz')}\n" in caddyfile
    # As the web service's own healthcheck asks: https, so no redirect answers instead.
    assert "X-Forwarded-Proto https" in caddyfile
    assert "Host {$SITE_ADDRESS:localhost}" in caddyfile
    caddy = compose["services"]["caddy"]
    assert caddy["depends_on"]["web"]["condition"] == "service_healthy"


def _caddy_version():
    try:
        out = subprocess.run(["caddy", "version"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return None
    found = re.search(r"(\d+)\.(\d+)", out.stdout)
    return tuple(int(n) for n in found.groups()) if found else None


def test_caddy_accepts_the_caddyfile(tmp_path):
    """Only where a caddy binary is on PATH, 2.7 or newer (``request_buffers``) as the
    caddy:2 image is; Debian 12's package is 2.6."""
    version = _caddy_version()
    if version is None or version < (2, 7):
        pytest.skip(f"needs caddy 2.7+ on PATH (found {version})")
    result = subprocess.run(
        ["caddy", "validate", "--adapter", "caddyfile",
         "--config", str(ROOT / "deploy" / "Caddyfile")],
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path),
             "SITE_ADDRESS": "zhujing.example.cn"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("pooling, disabled", [("1", "True"), ("0", "False")])
def test_transaction_pooling_turns_server_side_cursors_off(pooling, disabled):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": "postgres://zhujing@db:5432/zhujing",
        "DB_TRANSACTION_POOLING": pooling,
        "SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "zhujing.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; "
         "print(s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == disabled, result.stderr


def test_the_database_keeps_statement_statistics(compose):
    """pg_stat_statements is loaded, so the top queries can be read (docs/operations.md)."""
    assert "shared_preload_libraries=pg_stat_statements" in _command(compose["services"]["db"])
