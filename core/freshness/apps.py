from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FreshnessConfig(AppConfig):
    name = "core.freshness"
    label = "freshness"
    verbose_name = "Freshness"

    def ready(self):
        post_migrate.connect(start_afresh, sender=self)


def start_afresh(**kwargs):
    """After every ``migrate`` (each deploy runs one) and ``flush``, every version moves on:
    nothing a cache holds from older code, or from a database since recreated, is read again.
    The apps' own versions (accounts' users and inbox) are declared when their
    ``ready()`` imports the modules that hold them, before any ``migrate`` runs.
    """
    from core import pagecache  # noqa: F401  (it declares its version)

    from .models import DataVersion, MemoisedVersion

    names = set(DataVersion.objects.values_list("name", flat=True))
    names.update(version.name for version in MemoisedVersion._all)
    for name in sorted(names):
        DataVersion.bump(name)
    MemoisedVersion.forget_all()
