import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the development server with a Celery worker and beat beside it."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery worker and beat."
        )

    def handle(self, *args, addrport, no_worker, **options):
        worker = None
        if not no_worker:
            schedule = settings.BASE_DIR / "var" / "celerybeat-schedule"
            schedule.parent.mkdir(exist_ok=True)
            # One process: worker with embedded beat (exactly one beat), solo pool.
            worker = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "zhujing", "worker", "-B",
                    "--pool=solo", "--loglevel=INFO", "--schedule", str(schedule),
                ]
            )
            self.stdout.write(f"Celery worker and beat started (pid {worker.pid}).")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
