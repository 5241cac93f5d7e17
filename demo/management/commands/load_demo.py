from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled


class Command(BaseCommand):
    help = "Loads the demo data: the article's facts plus clearly marked samples. Safe to run again."

    # The demo and bench data span councils: they say which council each row is for.
    @scopes_disabled()
    def handle(self, *args, **options):
        from demo import loader, records
        from units.models import Membership

        with transaction.atomic():
            logins = loader.load(self.stdout)
            Membership.enrol_units_without_one()
            records.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (username / password):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<16} {role}")
