"""One command for the embedded install: the web server, one Celery worker and one beat.

Every child runs in one process group of its own, and dies with this command:

- SIGINT, SIGTERM and SIGHUP stop the whole group (a ``try/finally`` alone never runs on
  SIGTERM: Python's default handler exits without unwinding);
- any other exit of this command stops it too (``atexit``), and if this command is killed
  outright the kernel sends each child SIGTERM (``PR_SET_PDEATHSIG``);
- the web server exiting stops everything (a second ``make run`` that cannot bind the port
  leaves nothing behind); the worker or the beat exiting is logged and it is started again.

Beat runs as its own process, not embedded in the worker (``-B``): killing the worker's
main process then orphans nothing, and there is still exactly one beat.
"""

import atexit
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from zhujing import install

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Enough for a 143-phone surge on SQLite: a deep listen backlog and 16 request slots.
GUNICORN_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "4"))
GUNICORN_THREADS = int(os.environ.get("WEB_THREADS", "4"))


def _die_with_parent():
    """In the child before exec: SIGTERM when the parent dies, whatever killed it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the process group still holds
        pass


class Group:
    """Children in one process group, which this process stops as a whole."""

    def __init__(self, out):
        self.out = out
        self.pgid = None
        self.children = {}
        self.stopping = False

    def start(self, name, argv):
        pgid = self.pgid

        def setup():
            _die_with_parent()
            os.setpgid(0, pgid or 0)

        proc = subprocess.Popen(argv, preexec_fn=setup)
        if self.pgid is None:
            self.pgid = proc.pid
        self.children[name] = (proc, argv)
        self.out.write(f"{name} started (pid {proc.pid}).")
        return proc

    def exited(self):
        return [(name, proc) for name, (proc, _) in self.children.items()
                if proc.poll() is not None]

    def stop(self, timeout=10):
        if self.stopping or self.pgid is None:
            return
        self.stopping = True
        try:
            os.killpg(self.pgid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc, _ in self.children.values():
                proc.poll()
            try:
                os.killpg(self.pgid, 0)
            except ProcessLookupError:
                return  # every member of the group is gone, grandchildren too
            time.sleep(0.1)
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for proc, _ in self.children.values():
            proc.wait()


class Command(BaseCommand):
    help = "Runs the web server (gunicorn) with a Celery worker and one beat beside it."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--reload", action="store_true",
            help="Serve with Django's runserver and its autoreloader (development).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery worker and beat."
        )

    def web_argv(self, addrport, reload):
        manage = str(settings.BASE_DIR / "manage.py")
        if reload:
            return [sys.executable, manage, "runserver", addrport]
        return [
            # Production's settings (zhujing/gunicorn_conf.py), sized here for SQLite.
            sys.executable, "-m", "gunicorn", "-c", "python:zhujing.gunicorn_conf",
            "zhujing.wsgi:application", "--bind", addrport, "--workers", str(GUNICORN_WORKERS),
            "--threads", str(GUNICORN_THREADS),  # the backlog (2048) comes from the file
            # No access log line per request, as production (Caddy logs) and the benchmark.
            "--timeout", "60", "--graceful-timeout", "5",
        ]

    def celery_argvs(self):
        var = settings.BROKER_DIR.parent  # var/ unless BROKER_DIR moves it
        var.mkdir(parents=True, exist_ok=True)
        celery = [sys.executable, "-m", "celery", "-A", "zhujing"]
        return {
            "worker": celery + ["worker", "--pool=solo", "--loglevel=INFO"],
            "beat": celery + [
                "beat", "--loglevel=INFO", "--schedule", str(var / "celerybeat-schedule"),
            ],
        }

    # The demo and bench data span councils: they say which council each row is for.
    @scopes_disabled()
    def handle(self, *args, addrport, reload, no_worker, **options):
        if not os.environ.get("SITE_URL") and not os.environ.get("SITE_ROOT"):
            # The QR codes and links must carry an address phones can reach; the children
            # inherit it.
            os.environ["SITE_URL"] = install.site_url_for(addrport)
        self.stdout.write(f"Site address (QR codes, links): {os.environ.get('SITE_URL', '')}")
        group = Group(self.stdout)
        atexit.register(group.stop)

        def on_signal(signum, frame):
            group.stop()
            raise SystemExit(128 + signum)

        for signum in STOP_SIGNALS:
            signal.signal(signum, on_signal)

        group.start("web", self.web_argv(addrport, reload))
        if not no_worker:
            for name, argv in self.celery_argvs().items():
                group.start(name, argv)
        try:
            while True:
                time.sleep(0.5)
                for name, proc in group.exited():
                    if name == "web":
                        self.stderr.write(f"web server exited ({proc.returncode}); stopping.")
                        raise SystemExit(proc.returncode or 1)
                    self.stderr.write(f"{name} exited ({proc.returncode}); starting it again.")
                    group.start(name, group.children[name][1])
        finally:
            group.stop()
