"""The deployment's first council (Zhujing's network) owns everything that exists: every
district, pairing, visit and resource, and every unit becomes its member as it is today."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Council = apps.get_model("units", "Council")
    council = Council.objects.order_by("position", "id").first()
    if council is None:
        council = Council.objects.create(
            name="朱泾镇", network_name="心联鑫", kind="town", slug="zhujing"
        )  # as units.models.Council.FIRST
    apps.get_model("units", "District").objects.filter(council=None).update(council=council)
    Community = apps.get_model("units", "Community")
    Pairing = apps.get_model("units", "Pairing")
    Pairing.objects.filter(council=None).update(
        council=Subquery(
            Community.objects.filter(pk=OuterRef("community_id")).values("district__council")[:1]
        )
    )
    apps.get_model("units", "Visit").objects.filter(council=None).update(
        council=Subquery(Pairing.objects.filter(pk=OuterRef("pairing_id")).values("council")[:1])
    )
    apps.get_model("units", "Resource").objects.filter(council=None).update(council=council)
    Membership = apps.get_model("units", "Membership")
    Membership.objects.bulk_create(
        [
            Membership(
                unit_id=unit.pk,
                council=council,
                district_id=unit.district_id,
                joined_year=unit.joined_year,
                is_active=unit.is_active,
                left_on=unit.left_on,
            )
            for unit in apps.get_model("units", "MemberUnit").objects.all()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("units", "0008_council"), ("freshness", "0001_data_version")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
