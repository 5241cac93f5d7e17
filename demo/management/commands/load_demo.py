from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Loads the demo data: the article's facts plus clearly marked samples. Safe to run again."

    def handle(self, *args, **options):
        from demo import loader

        with transaction.atomic():
            logins = loader.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (username / password):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<16} {role}")
