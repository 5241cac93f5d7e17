"""gunicorn with the production settings (zhujing/gunicorn_conf.py), started and stopped by
the tests that need a real server (tests/test_web_server.py, tests/test_two_nodes.py)."""

import os
import socket
import subprocess
import sys
import time

from django.conf import settings

ROOT = settings.BASE_DIR


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port, app="tests.sleepy_wsgi:app", *, log=None, **env):
    """Start gunicorn on 127.0.0.1:``port`` with ``env`` added to this process's environment;
    return the process once it accepts connections. Its output goes to ``log`` (a path) if
    given, else nowhere."""
    cmd = [
        sys.executable, "-m", "gunicorn", "-c", "python:zhujing.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}", app,
    ]  # fmt: skip
    out = open(log, "wb") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    finally:
        if log:
            out.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            where = f": see {log}" if log else ""
            raise AssertionError(f"gunicorn exited with {proc.returncode}{where}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("gunicorn did not start")


def stop(proc):
    """Stop gunicorn as a deploy does (SIGTERM: workers finish their request), then wait."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
