"""`manage.py rundev` (what `make run` starts): its children live and die with it.

Each test starts the real command (gunicorn, a Celery worker and a beat on the filesystem
broker, a SQLite file) and looks at the real processes in /proc.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid):
    """(state, ppid, pgid) of a live process, None when it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    if fields[0] in "ZX":
        return None
    return fields[0], int(fields[1]), int(fields[2])


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _descendants(root):
    """Every live process below ``root``, with its command line."""
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (stat := _stat(int(name))):
            children.setdefault(stat[1], []).append(int(name))
    found, todo = {}, [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            found[pid] = _cmdline(pid)
            todo.append(pid)
    return found


def _in_group(pgid):
    return {
        int(name): _cmdline(int(name)) for name in os.listdir("/proc")
        if name.isdigit() and (stat := _stat(int(name))) and stat[2] == pgid
    }


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture
def rundev(tmp_path):
    """Start rundev on a fresh SQLite file; yield (process, port); never leave it behind."""
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "BROKER_DIR": str(tmp_path / "var" / "broker"),
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }
    manage = str(settings.BASE_DIR / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True)
    port = _free_port()
    log = open(tmp_path / "rundev.log", "w")
    proc = subprocess.Popen(
        [sys.executable, manage, "rundev", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    started = {}

    def ready():
        kids = _descendants(proc.pid)
        celery = [c for c in kids.values() if " celery " in c]
        return kids if _answers(port) and len(celery) >= 2 else None

    try:
        started.update(_wait_for(ready, 90, "web, worker and beat"))
        yield proc, port, started
    finally:
        for pid in {proc.pid, *started, *_descendants(proc.pid)}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
        log.close()


def _alive(pids):
    return {pid: _cmdline(pid) for pid in pids if _stat(pid)}


def test_it_serves_with_gunicorn_and_runs_one_worker_and_one_beat(rundev):
    proc, port, started = rundev
    commands = list(_descendants(proc.pid).values())
    assert sum("gunicorn" in c for c in commands) >= 3  # a master and its workers
    assert sum(" worker " in c for c in commands) == 1
    assert sum(" beat " in c for c in commands) == 1
    assert not any("runserver" in c for c in commands)


def test_it_leaves_no_child_behind_on_sigterm(rundev):
    proc, port, started = rundev

    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)

    _wait_for(lambda: not _alive(started), 15, f"children to exit: {_alive(started)}")
    assert not _answers(port)


def test_it_leaves_no_child_behind_on_sigint(rundev):
    proc, port, started = rundev

    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)

    _wait_for(lambda: not _alive(started), 15, f"children to exit: {_alive(started)}")


def test_its_children_die_when_it_is_killed_outright(rundev):
    proc, port, started = rundev

    proc.kill()
    proc.wait(timeout=10)

    _wait_for(lambda: not _alive(started), 30, f"children to exit: {_alive(started)}")


def test_killing_the_worker_orphans_no_beat_and_the_worker_comes_back(rundev):
    proc, port, started = rundev
    worker = next(pid for pid, c in started.items() if " worker " in c)
    pgid = _stat(worker)[2]

    os.kill(worker, signal.SIGKILL)

    def worker_again():
        return [pid for pid, c in _descendants(proc.pid).items()
                if " worker " in c and pid != worker]

    _wait_for(worker_again, 30, "a new worker")
    beats = [pid for pid, c in _in_group(pgid).items() if " beat " in c]
    assert len(beats) == 1
    assert _stat(beats[0])[1] == proc.pid  # rundev's own child, not an orphan
    orphans = [pid for pid, c in _in_group(pgid).items() if _stat(pid) and _stat(pid)[1] == 1]
    assert orphans == []
