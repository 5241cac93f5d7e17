"""A real Celery worker for the fault tests: started on the test database, killed at will.

The worker is a separate process, so tests using it run with a committed database
(``transaction=True``); it is handed the test database's name. The ``start_worker``
fixture (tests/reminders/conftest.py) wraps ``worker_starter``.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection

from zhujing.celery import app as celery_app

SEND_DELAY = 3  # seconds the email channel sleeps before sending: the window to kill in
LEASE = 4
VISIBILITY = 3


def database_env():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": db["NAME"]}
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{host}:{port}/{db['NAME']}"}


def worker_starter(tmp_path):
    """Yields ``start(extra_env=None, beat=False)``; stops every worker it started after."""
    procs = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        **database_env(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "REMINDER_TEST_SEND_DELAY": str(SEND_DELAY),
        "REMINDER_LEASE_SECONDS": str(LEASE),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "LOG_LEVEL": "WARNING",
    }

    def start(extra_env=None, beat=False):
        """A worker (with beat, its schedule file in tmp_path, when ``beat``)."""
        beat_args = ["-B", "-s", str(tmp_path / "beat-schedule")] if beat else []
        proc = subprocess.Popen(
            [
                # prefork, not solo: the solo pool only acks after the task, which would
                # hide a missing acks_late; here an early ack really happens mid-task.
                sys.executable, "-m", "celery", "-A", "zhujing", "worker",
                "--pool=prefork", "--concurrency=1",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=WARNING", "-n", f"reminders-test-{os.getpid()}-{len(procs)}@%h",
                *beat_args,
            ],
            cwd=settings.BASE_DIR, env={**env, **(extra_env or {})}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=(tmp_path / f"worker{len(procs)}.log").open("w"),
        )
        procs.append(proc)
        return proc

    start.mail_dir = mail_dir
    start.procs = procs
    celery_app.control.purge()
    yield start
    stop_process_groups(procs)
    celery_app.control.purge()


def stop_process_groups(procs):
    """SIGTERM each worker's process group, SIGKILL what is still there after 10 s."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_for(condition, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def emails(mail_dir):
    return sum(f.read_text().count("\nSubject: ") for f in mail_dir.iterdir())


