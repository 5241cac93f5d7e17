from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope


class Command(BaseCommand):
    help = "Loads the demo data: the article's facts plus clearly marked samples. Safe to run again."

    def handle(self, *args, **options):
        from demo import councils, loader, records
        from units.models import Council

        with transaction.atomic():
            # Zhujing first, in its own scope, exactly as a single-council deployment has
            # it; then the district's other councils, each in its scope.
            with scope(council=Council.first_id()):
                logins = loader.load(self.stdout)
                records.load(self.stdout)
            logins += councils.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (username / password):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<16} {role}")
