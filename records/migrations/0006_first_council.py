"""Contributions belong to their project's or pairing's council; assessments so far to the
first council."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    council = apps.get_model("units", "Council").objects.order_by("position", "id").first()
    Contribution = apps.get_model("records", "Contribution")
    for field, model in (("project", "projects.Project"), ("pairing", "units.Pairing")):
        source = apps.get_model(model)
        Contribution.objects.filter(council=None, **{f"{field}__isnull": False}).update(
            council=Subquery(source.objects.filter(pk=OuterRef(f"{field}_id")).values("council")[:1])
        )
    Contribution.objects.filter(council=None).update(council=council)
    for name in ("AnnualAssessment", "AssessmentFinalisation"):
        apps.get_model("records", name).objects.filter(council=None).update(council=council)


class Migration(migrations.Migration):
    dependencies = [("records", "0005_council"), ("projects", "0009_first_council")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
