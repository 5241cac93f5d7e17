"""A real redis-server the test owns: started on its own port, stopped and restarted by pid.

Fault tests need a Redis they can kill without touching the shared one. Ports 16461-16469
are this suite's; ``--dir`` holds the append-only file, so ``restart()`` comes back with the
old data as docker-compose's Redis would.
"""

import shutil
import signal
import subprocess
import time

import pytest
import redis

HAS_REDIS_SERVER = shutil.which("redis-server") is not None
needs_redis_server = pytest.mark.skipif(not HAS_REDIS_SERVER, reason="needs redis-server on PATH")


def redis_session_engine():
    """The session engine the settings choose when a Redis cache is configured."""
    return "django.contrib.sessions.backends.cached_db"


def use_as_cache(settings, server):
    """Point the page cache (turned on) at ``server``, with the settings' Redis backend."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url(),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    settings.PUBLIC_PAGE_CACHE = True


class RedisServer:
    def __init__(self, port, directory, *, appendonly=True):
        self.port = port
        self.dir = directory
        self.appendonly = appendonly
        self.proc = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self):
        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def start(self):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.dir), "--save", "",
                "--appendonly", "yes" if self.appendonly else "no",
            ],
            stdout=(self.dir / "redis.log").open("a"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM: Redis writes its append-only file and exits. SIGKILL: it just dies."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)

    def restart(self):
        self.stop()
        return self.start()
