"""Every project and need belongs to its community's council; meetings to the first council."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    council = apps.get_model("units", "Council").objects.order_by("position", "id").first()
    Community = apps.get_model("units", "Community")
    of_community = Subquery(
        Community.objects.filter(pk=OuterRef("community_id")).values("district__council")[:1]
    )
    for name in ("Project", "Need"):
        model = apps.get_model("projects", name)
        model.objects.filter(council=None, community__isnull=False).update(council=of_community)
        model.objects.filter(council=None).update(council=council)
    apps.get_model("projects", "JointMeeting").objects.filter(council=None).update(council=council)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_council"), ("units", "0009_first_council")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
